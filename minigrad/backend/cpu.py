"""CPU backend: NumPy arrays, and NumPy versions of the kernels that kernels/ implements in CUDA.

Each kernel takes a C-contiguous (rows, n) view and works in place exactly like its CUDA twin, so
the Functions that call them are the same on every device. The backend is this module itself.
"""

import sys

import numpy as xp

guard = None  # one device: nothing to make current (see backend.guard)


def load(index):
    return sys.modules[__name__]


def to_device(array):
    return array


def to_host(array):
    return array


def synchronize():
    pass


def bias_add(y, b):
    """y[r, j] += b[j], in place."""
    y += b


def bias_add_relu(y, b):
    """y[r, j] = max(y[r, j] + b[j], 0), in place."""
    y += b
    xp.maximum(y, 0, out=y)


def bias_grad(g):
    """db[j] = sum_r g[r, j]."""
    return g.sum(axis=0)


def relu_bias_grad(g, y):
    """ReLU backward and bias gradient together: gm = g * (y > 0), db[j] = sum_r gm[r, j]."""
    gm = g * (y > 0)
    return gm, gm.sum(axis=0)
