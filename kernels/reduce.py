"""Column sums for Linear's backward: db[j] = sum_r g[r, j], optionally through a ReLU mask.

    bias_grad(g)          -> db                      db[j] = sum_r g[r, j]
    relu_bias_grad(g, y)  -> (gm, db)   gm = g * (y > 0),  db[j] = sum_r gm[r, j]   (one pass)

A block owns a tile of TILE_COLS = 32 columns and a slab of rows, split across its ROW_WARPS = 8
warps. Thread (tx, ty) of block (bx, by) reads column bx * 32 + tx, so each warp reads 32
consecutive elements of a row — one coalesced 128-byte transaction for float32 — and its rows
are ty + 8 * (by + slabs * k): the 8 warps of a block read 8 neighbouring rows, the slabs
interleave. Each thread sums its rows in a register; the 8 sums of a column are then folded
through shared memory (8 x 32 accumulators) and warp 0 writes the column's total for the slab.

* One slab (short inputs: every batch up to a few thousand rows on a small GPU): the totals are db.
* Several slabs (chosen so that the grid fills the GPU, each thread still summing >= 16 rows): the
  slabs write partial rows in the accumulator type, and a second launch of the same kernel, one
  slab, folds them into db.

A batch of 1024 rows of a 4096-column gradient thus runs as 128 tiles x up to 8 slabs of 8 warps,
instead of 128 lone warps each walking 1024 rows. Every element of g is read once, no atomics.
Sums run in the accumulator type (float32 for float16/float32 data, float64 for float64): shared
arrays need their dtype when the kernel is compiled, so each accumulator has its own pair of kernels.
"""

import functools

from numba import cuda, float32, float64

from .launch import BLOCKS_PER_SM, SIMULATED, kernel, sm_count

TILE_COLS = 32  # one warp across the tile: coalesced row reads
ROW_WARPS = 8  # warps per block, each summing its own rows of the tile
MIN_ROWS_PER_THREAD = 16  # below this a slab costs more to fold than it saves
MAX_SLABS = 65535  # gridDim.y limit


def _column_sum_kernel(acc):
    """The column-sum kernel accumulating in `acc` (a Numba float type)."""

    @kernel
    def column_sum(g, y, gm, out, relu):
        # g: (rows, n) -> out: (slabs, n), out[s, j] = sum of g[r, j] over the rows r of slab s; with
        # relu, gm = g * (y > 0) is written on the way and summed instead (relu is the same for every
        # thread, so its branch costs nothing; without it y and gm are never touched)
        col = cuda.blockIdx.x * TILE_COLS + cuda.threadIdx.x
        tx, ty = cuda.threadIdx.x, cuda.threadIdx.y
        total = acc(0)
        if col < g.shape[1]:
            for r in range(cuda.blockIdx.y * ROW_WARPS + ty, g.shape[0], cuda.gridDim.y * ROW_WARPS):
                if not relu:
                    total += g[r, col]
                elif y[r, col] > acc(0):  # compared in acc: an int 0 would widen float16 to float64
                    gm[r, col] = g[r, col]
                    total += g[r, col]
                else:
                    gm[r, col] = 0
        # fold the ROW_WARPS partial sums of each column; every thread gets here (those past the
        # last column with 0), so all reach the barrier
        partial = cuda.shared.array((ROW_WARPS, TILE_COLS), acc)
        partial[ty, tx] = total
        cuda.syncthreads()
        if ty == 0 and col < g.shape[1]:
            for w in range(1, ROW_WARPS):
                total += partial[w, tx]
            out[cuda.blockIdx.y, col] = total

    return column_sum


column_sum_kernel = _column_sum_kernel(float32)  # float16 and float32 data
column_sum_kernel_f64 = _column_sum_kernel(float64)
BLOCK = (TILE_COLS, ROW_WARPS)


@functools.cache
def plan(rows, n):
    """(column tiles, row slabs) for a (rows, n) input, once per shape; 1 slab means one pass."""
    tiles = -(-n // TILE_COLS)
    if SIMULATED:  # the simulator runs each thread in Python: the fewest blocks
        return tiles, 1
    wanted = -(-BLOCKS_PER_SM * sm_count() // tiles)  # slabs enough to fill the GPU
    return tiles, max(1, min(wanted, rows // (ROW_WARPS * MIN_ROWS_PER_THREAD), MAX_SLABS))


def _reduce(xp, g, y, gm, relu):
    """db of shape (n,) for g (rows, n): one pass, or slabs of partial sums and a second pass."""
    rows, n = g.shape
    db = xp.empty(n, dtype=g.dtype)  # a fresh 1-D array, not a view: the engine keeps it as the grad, uncopied
    if rows == 0 or n == 0:  # an empty batch sums to 0, Linear(in, 0) has no columns: no launch
        db[...] = 0
        return db
    f64 = g.dtype == xp.float64
    kernel = column_sum_kernel_f64 if f64 else column_sum_kernel
    tiles, slabs = plan(rows, n)
    out = db.reshape(1, n)  # the kernel writes row `slab` of its output
    if slabs == 1:
        kernel.launch((tiles, 1), BLOCK, g, y, gm, out, relu)
    else:
        partial = xp.empty((slabs, n), dtype=xp.float64 if f64 else xp.float32)
        kernel.launch((tiles, slabs), BLOCK, g, y, gm, partial, relu)
        kernel.launch((tiles, 1), BLOCK, partial, partial, partial, out, False)
    return db


def bias_grad(xp, g):
    """db[j] = sum over rows of g[:, j]; g C-contiguous (rows, n)."""
    return _reduce(xp, g, g, g, False)


def relu_bias_grad(xp, g, y):
    """(gm, db) with gm = g * (y > 0) and db[j] = sum over rows of gm[:, j]."""
    gm = xp.empty_like(g)
    return gm, _reduce(xp, g, y, gm, True)
