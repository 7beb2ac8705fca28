"""Column sums for Linear's backward: db[j] = sum_r g[r, j], optionally through a ReLU mask.

    bias_grad(g)          -> db                      db[j] = sum_r g[r, j]
    relu_bias_grad(g, y)  -> (gm, db)   gm = g * (y > 0),  db[j] = sum_r gm[r, j]   (one pass)

A warp spans TILE_COLS = 32 consecutive columns, so each row it reads is one 128-byte coalesced
transaction. Thread (tx, ty) of block (bx, by) owns column bx * 32 + tx and "lane"
q = by * blockDim.y + ty; it sums rows q, q + Q, q + 2Q, ... (Q lanes in all) and writes out[q, col].

* Short inputs: one pass, Q = 1 (blocks of 32 x 1) — each thread sums its whole column into db.
* Tall inputs: stage 1 with blocks of 32 x 8 and enough row slabs to fill the GPU writes Q partial
  rows; stage 2, the same kernel with Q = 1, folds them into db.

Every element of g is read exactly once, there are no atomics and no shared memory. Sums run in
the accumulator type (float32 for float16 data); partial rows are kept in it too.
"""

import functools

from numba import cuda

from .launch import SIMULATED, accumulator, sm_count, stream

TILE_COLS = 32
ROW_THREADS = 8  # warps per stage-1 block, each walking its own rows
SINGLE_PASS_ROWS = 1024  # below this, one 32-thread block per column tile is fast enough
MAX_SLABS = 65535  # gridDim.y limit


@cuda.jit
def column_sum_kernel(g, out, zero):
    # g: (rows, n) -> out: (Q, n), out[q, j] = sum of g[q::Q, j]
    col = cuda.blockIdx.x * TILE_COLS + cuda.threadIdx.x
    lane = cuda.blockIdx.y * cuda.blockDim.y + cuda.threadIdx.y
    if col < g.shape[1]:
        acc = zero
        for r in range(lane, g.shape[0], cuda.gridDim.y * cuda.blockDim.y):
            acc += g[r, col]
        out[lane, col] = acc


@cuda.jit
def relu_column_sum_kernel(g, y, gm, out, zero):
    # as column_sum_kernel, summing gm = g * (y > 0) and writing gm on the way
    col = cuda.blockIdx.x * TILE_COLS + cuda.threadIdx.x
    lane = cuda.blockIdx.y * cuda.blockDim.y + cuda.threadIdx.y
    if col < g.shape[1]:
        acc = zero
        for r in range(lane, g.shape[0], cuda.gridDim.y * cuda.blockDim.y):
            if zero + y[r, col] > 0:
                gm[r, col] = g[r, col]
                acc += g[r, col]
            else:
                gm[r, col] = 0
        out[lane, col] = acc


@functools.cache
def plan(rows, n):
    """(column tiles, row slabs), once per shape; 1 slab means a single pass."""
    tiles = -(-n // TILE_COLS)
    if SIMULATED or rows < SINGLE_PASS_ROWS:  # the simulator runs each thread in Python: keep few
        return tiles, 1
    wanted = 8 * sm_count() // tiles  # enough blocks to fill the GPU
    return tiles, max(1, min(wanted, rows // (ROW_THREADS * 32), MAX_SLABS))  # lanes sum >= 32 rows


def _reduce(xp, kernel, args, rows, n, dtype):
    """Run `kernel(*args, out, zero)` as one pass or as two stages; return db of shape (n,)."""
    tiles, slabs = plan(rows, n)
    zero = accumulator(dtype)
    db = xp.empty((1, n), dtype=dtype)
    if slabs == 1:
        kernel[(tiles, 1), (TILE_COLS, 1), stream()](*args, db, zero)
    else:
        partial = xp.empty((slabs * ROW_THREADS, n), dtype=type(zero))
        kernel[(tiles, slabs), (TILE_COLS, ROW_THREADS), stream()](*args, partial, zero)
        column_sum_kernel[(tiles, 1), (TILE_COLS, 1), stream()](partial, db, zero)
    return db.reshape(n)


def bias_grad(xp, g):
    """db[j] = sum over rows of g[:, j]; g C-contiguous (rows, n)."""
    return _reduce(xp, column_sum_kernel, (g,), *g.shape, g.dtype)


def relu_bias_grad(xp, g, y):
    """(gm, db) with gm = g * (y > 0) and db[j] = sum over rows of gm[:, j]."""
    gm = xp.empty_like(g)
    return gm, _reduce(xp, relu_column_sum_kernel, (g, y, gm), *g.shape, g.dtype)
