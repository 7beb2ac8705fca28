"""Dropout's mask drawn on the device: no host random numbers, no copy to the GPU.

    dropout_mask(mask, key, p, scale)     mask[i] = scale if u_i >= p else 0,   u_i = word_i / 2^32

The words come from Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3",
SC 2011; the generator of cuRAND's and PyTorch's CUDA dropout): a counter-based generator, so word
i is a pure function of (key, i) — any thread computes its own words, no state is kept between
launches, and the same key gives the same mask on every GPU. `key`, 64 bits, is drawn per call on
the host (backend/cuda.py), which is what makes a seeded program reproducible.

Philox4x32 maps a 128-bit counter (c0, c1, c2, c3) and a 64-bit key (k0, k1) to four 32-bit words by
10 rounds of

    (c0, c1, c2, c3) <- (hi(M1 c2) ^ c1 ^ k0,  lo(M1 c2),  hi(M0 c0) ^ c3 ^ k1,  lo(M0 c0))
    (k0, k1)         <- (k0 + W0, k1 + W1) mod 2^32

with hi/lo the halves of a 32 x 32 -> 64-bit product. Every value here is below 2^32, so the products
fit in uint64 exactly (no overflow, in the kernel or in the simulator's NumPy arithmetic).

Thread j of the grid computes counter (j, 0, 0, 0) and writes its four words' elements j, j + q,
j + 2q, j + 3q, q = ceil(n / 4): each of the four stores of a warp covers consecutive addresses
(coalesced). Grid-stride over j.
"""

import math

import numpy as np
from numba import cuda

from .launch import accumulator, elementwise_blocks, elementwise_threads, kernel

M0, M1 = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)  # Philox4x32's multipliers
W0, W1 = np.uint64(0x9E3779B9), np.uint64(0xBB67AE85)  # its key increments (golden ratio, sqrt(3) - 1)
LOW, SHIFT, ZERO = np.uint64(0xFFFFFFFF), np.uint64(32), np.uint64(0)  # uint64 constants: no int64 mixing
ROUNDS = 10


@kernel
def dropout_mask_kernel(mask, key0, key1, threshold, scale):
    # mask: (n,) flat, written; key0, key1: the key's 32-bit halves; threshold: ceil(p 2^32) <= 2^32
    # (all int64, made uint64 here); scale: in the accumulator type. u_i >= p  <=>  word_i >= threshold
    n = mask.shape[0]
    quarter = (n + 3) // 4
    bound = np.uint64(threshold)
    j, stride = cuda.grid(1), cuda.gridsize(1)
    while j < quarter:
        # Philox4x32-10 of counter (j, 0, 0, 0), written out here: a device function would be compiled
        # for the current GPU, which compile_ptx (tests/test_kernels.py's ptxas check) does not have
        c0, c1, c2, c3 = np.uint64(j) & LOW, np.uint64(j) >> SHIFT, ZERO, ZERO
        k0, k1 = np.uint64(key0), np.uint64(key1)
        for _ in range(ROUNDS):
            p0, p1 = M0 * c0, M1 * c2  # 32 x 32 -> 64-bit products
            c0, c1, c2, c3 = (p1 >> SHIFT) ^ c1 ^ k0, p1 & LOW, (p0 >> SHIFT) ^ c3 ^ k1, p0 & LOW
            k0, k1 = (k0 + W0) & LOW, (k1 + W1) & LOW
        words = (c0, c1, c2, c3)
        for k in range(4):
            i = j + k * quarter
            if i < n:
                if words[k] >= bound:
                    mask[i] = scale
                else:
                    mask[i] = 0
        j += stride


def dropout_mask(mask, key, p, scale):
    """mask[i] = scale where the i-th uniform of Philox4x32-10 under `key` (64 bits) is >= p, else 0; flat,
    C-contiguous. u_i = word_i / 2^32: probabilities resolve to 2^-32."""
    if mask.size == 0:  # nothing to draw (and no zero-size grid to launch)
        return
    quarter = -(-mask.size // 4)
    scale = type(accumulator(mask.dtype))(scale)
    dropout_mask_kernel.launch((elementwise_blocks(quarter),), (elementwise_threads(quarter),), mask,
                               np.int64(key & 0xFFFFFFFF), np.int64(key >> 32), np.int64(math.ceil(p * 2**32)), scale)
