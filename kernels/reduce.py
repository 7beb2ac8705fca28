"""Column sums for Linear's backward: db[j] = sum_r g[r, j], optionally through a ReLU mask.

    bias_grad(g)          -> db                      db[j] = sum_r g[r, j]
    relu_bias_grad(g, y)  -> (gm, db)   gm = g * (y > 0),  db[j] = sum_r gm[r, j]   (one pass)

Block shape (TILE_COLS, ROW_THREADS) = (32, 8): a warp spans 32 consecutive columns, so each row it
reads is one 128-byte coalesced transaction; the 8 warps of a block walk down different rows.
Grid (column tiles, row slabs): block (bx, by) sums its columns over the rows of slab `by` into
partial[by, :] — each element of g is read exactly once and no atomics are needed. When there is
more than one slab, a second launch of the same kernel sums the (slabs, n) partials. Sums are kept
in float32 whatever g's dtype (float16 accumulates in float32).
"""

import functools

from numba import cuda, float32

from .launch import SIMULATED, sm_count, stream

TILE_COLS = 32
ROW_THREADS = 8
MAX_SLABS = 65535  # gridDim.y limit


@cuda.jit(device=True, inline="always")  # inlined: also lets compile_ptx run without a GPU
def _store_block_sum(acc, out, col):
    """Add up the 8 per-warp sums of each column in shared memory; warp 0 writes out[blockIdx.y, col]."""
    tile = cuda.shared.array((ROW_THREADS, TILE_COLS), float32)
    tx, ty = cuda.threadIdx.x, cuda.threadIdx.y
    tile[ty, tx] = acc
    cuda.syncthreads()
    if ty == 0 and col < out.shape[1]:
        total = float32(0)
        for k in range(ROW_THREADS):
            total += tile[k, tx]
        out[cuda.blockIdx.y, col] = total


@cuda.jit
def column_sum_kernel(g, out):
    # g: (rows, n); out: (slabs, n), one row of partial sums per row slab
    col = cuda.blockIdx.x * TILE_COLS + cuda.threadIdx.x
    first = cuda.blockIdx.y * ROW_THREADS + cuda.threadIdx.y
    acc = float32(0)
    if col < g.shape[1]:
        for r in range(first, g.shape[0], cuda.gridDim.y * ROW_THREADS):
            acc += float32(g[r, col])
    _store_block_sum(acc, out, col)


@cuda.jit
def relu_column_sum_kernel(g, y, gm, out):
    # as column_sum_kernel, but sums gm = g * (y > 0) and writes gm on the way
    col = cuda.blockIdx.x * TILE_COLS + cuda.threadIdx.x
    first = cuda.blockIdx.y * ROW_THREADS + cuda.threadIdx.y
    acc = float32(0)
    if col < g.shape[1]:
        for r in range(first, g.shape[0], cuda.gridDim.y * ROW_THREADS):
            if float32(y[r, col]) > 0:
                gm[r, col] = g[r, col]
                acc += float32(g[r, col])
            else:
                gm[r, col] = float32(0)
    _store_block_sum(acc, out, col)


@functools.lru_cache(maxsize=None)
def grid(rows, n):
    """(column tiles, row slabs), once per shape: enough blocks to fill the GPU, slabs >= 8 rows."""
    tiles = -(-n // TILE_COLS)
    wanted = 1 if SIMULATED else 4 * sm_count() // tiles  # the simulator runs threads in Python
    return tiles, max(1, min(wanted, -(-rows // ROW_THREADS), MAX_SLABS))


def _reduce(xp, launch, rows, n, dtype):
    """Run `launch(grid, out)` and, with several slabs, fold the float32 partials into db."""
    tiles, slabs = grid(rows, n)
    db = xp.empty((1, n), dtype=dtype)
    partial = db if slabs == 1 else xp.empty((slabs, n), dtype=xp.float32)
    launch((tiles, slabs), partial)
    if slabs > 1:
        column_sum_kernel[(tiles, 1), (TILE_COLS, ROW_THREADS), stream()](partial, db)
    return db.reshape(n)


def bias_grad(xp, g):
    """db[j] = sum over rows of g[:, j]; g C-contiguous (rows, n)."""
    def launch(blocks, out):
        column_sum_kernel[blocks, (TILE_COLS, ROW_THREADS), stream()](g, out)

    return _reduce(xp, launch, *g.shape, g.dtype)


def relu_bias_grad(xp, g, y):
    """(gm, db) with gm = g * (y > 0) and db[j] = sum over rows of gm[:, j]."""
    gm = xp.empty_like(g)

    def launch(blocks, out):
        relu_column_sum_kernel[blocks, (TILE_COLS, ROW_THREADS), stream()](g, y, gm, out)

    return gm, _reduce(xp, launch, *g.shape, g.dtype)
