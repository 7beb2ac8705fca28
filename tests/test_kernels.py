"""The CUDA kernels of kernels/ (minigrad.kernels), verified without a GPU.

* `sim` tests run every kernel in Numba's CUDA simulator against NumPy on awkward shapes
  (run them with MINIGRAD_CUDA_SIM=1 NUMBA_ENABLE_CUDASIM=1 pytest -m sim).
* `ptx` tests compile every kernel to PTX for sm_80 and sm_90 and assemble it with ptxas,
  checking registers and spills (skipped under the simulator, where compile_ptx cannot run).
"""

import os
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

SIMULATED = os.environ.get("NUMBA_ENABLE_CUDASIM") == "1"

# rows x n: one element, one row, one column, non-multiples of 32/8/256, > 65,535 rows
SHAPES = [(1, 1), (1, 37), (13, 1), (33, 70), (257, 5), (70_000, 1)]
DTYPES = [np.float32, np.float16]


def _tol(dtype, rows=1):
    """float32 sums of `rows` terms of size ~1 err by up to ~rows * 2^-24; float16 results round once."""
    return dict(rtol=2e-3 if dtype == np.float16 else 1e-5, atol=2e-3 + 1e-7 * rows)


@pytest.fixture(scope="module")
def kernels():
    if not SIMULATED:
        pytest.skip("simulator tests: run with MINIGRAD_CUDA_SIM=1 NUMBA_ENABLE_CUDASIM=1 pytest -m sim")
    from minigrad.kernels import bias, reduce

    return bias, reduce


def _data(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(shape).astype(dtype), rng.standard_normal(shape[1]).astype(dtype)


@pytest.mark.sim
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_bias_add_and_fused_relu(kernels, shape, dtype):
    bias, _ = kernels
    y, b = _data(shape, dtype)
    out = y.copy()
    bias.bias_add(out, b)
    np.testing.assert_array_equal(out, y + b)  # one correctly rounded add, as in NumPy
    out = y.copy()
    bias.bias_add_relu(out, b)
    np.testing.assert_array_equal(out, np.maximum(y + b, 0))


@pytest.mark.sim
def test_bias_add_on_a_3d_activation(kernels):
    bias, _ = kernels
    y, b = np.random.default_rng(1).standard_normal((2, 3, 5)).astype(np.float32), np.arange(5, dtype=np.float32)
    out = y.copy()
    bias.bias_add(out, b)
    np.testing.assert_array_equal(out, y + b)


@pytest.mark.sim
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_bias_grad_and_fused_relu_grad(kernels, shape, dtype):
    _, reduce = kernels
    g, _ = _data(shape, dtype)
    y, _ = _data(shape, dtype, seed=1)
    db = reduce.bias_grad(np, g)
    assert db.shape == (shape[1],) and db.dtype == dtype
    np.testing.assert_allclose(db, g.astype(np.float64).sum(0), **_tol(dtype, shape[0]))
    gm, db = reduce.relu_bias_grad(np, g, y)
    expected = np.where(y > 0, g, 0)
    np.testing.assert_array_equal(gm, expected)
    np.testing.assert_allclose(db, expected.astype(np.float64).sum(0), **_tol(dtype, shape[0]))


@pytest.mark.sim
@pytest.mark.parametrize("slabs", [2, 3, 7])
def test_two_stage_reduction(kernels, monkeypatch, slabs):
    """On a GPU, tall inputs are split into row slabs whose partial sums a second launch folds;
    the simulator plans a single pass, so force several slabs here."""
    _, reduce = kernels
    monkeypatch.setattr(reduce, "plan", lambda rows, n: (-(-n // reduce.TILE_COLS), slabs))
    g = np.random.default_rng(2).standard_normal((100, 45)).astype(np.float32)
    np.testing.assert_allclose(reduce.bias_grad(np, g), g.sum(0), rtol=1e-5, atol=1e-5)
    gm, db = reduce.relu_bias_grad(np, g, g)
    np.testing.assert_allclose(db, np.maximum(g, 0).sum(0), rtol=1e-5, atol=1e-5)


@pytest.mark.sim
def test_float16_gradients_accumulate_in_float32(kernels):
    _, reduce = kernels
    g = np.ones((4096, 3), np.float16)  # float16 accumulation would stall at 2048
    assert reduce.bias_grad(np, g).tolist() == [4096.0] * 3


@pytest.mark.sim
def test_launch_configuration_is_cached_per_shape(kernels):
    bias, reduce = kernels
    reduce.plan.cache_clear()
    for _ in range(3):
        reduce.bias_grad(np, np.ones((10, 4), np.float32))
    assert reduce.plan.cache_info().misses == 1 and reduce.plan.cache_info().hits == 2


# ------------------------------------------------------------------ real compilation
def _ptxas():
    try:
        import nvidia
    except ImportError:
        return None
    for root in nvidia.__path__:
        for candidate in sorted(Path(root).glob("cu*/bin/ptxas")):
            return str(candidate)
    return None


# streaming kernels: a few 64-bit indices (and one accumulator plus the shared-memory fold)
CEILINGS = {"bias_add_kernel": 32, "column_sum_kernel": 32,
            "relu_column_sum_kernel": 40}


def _signatures():
    from minigrad.kernels import bias, reduce
    from numba import types

    sigs = []
    acc = types.float32  # the accumulator (launch.accumulator) for float16 and float32 data
    for t in (types.float32, types.float16):
        vec, mat, partial = t[::1], t[:, ::1], acc[:, ::1]
        sigs += [(bias.bias_add_kernel, (vec, vec, acc, types.boolean)),
                 (reduce.column_sum_kernel, (mat, mat, acc)), (reduce.column_sum_kernel, (mat, partial, acc)),
                 (reduce.column_sum_kernel, (partial, mat, acc)),
                 (reduce.relu_column_sum_kernel, (mat, mat, mat, partial, acc))]
    return sigs


@pytest.mark.ptx
@pytest.mark.parametrize("cc", [(8, 0), (9, 0)])
def test_kernels_compile_to_ptx_and_assemble_without_spills(cc, tmp_path):
    if SIMULATED:
        pytest.skip("compile_ptx does not work under NUMBA_ENABLE_CUDASIM=1; run without it")
    ptxas = _ptxas()
    if ptxas is None:
        pytest.skip("no ptxas: pip install 'cuda-toolkit[nvcc]==13.*' (part of the [test] extra)")
    from numba import cuda

    for kernel, sig in _signatures():
        ptx, _ = cuda.compile_ptx(kernel.py_func, sig, cc=cc)
        assert not re.search(r"\.f64\b", ptx), f"{kernel.__name__}{sig} does float64 math"
        src = tmp_path / f"{kernel.__name__}.ptx"
        src.write_text(ptx)
        result = subprocess.run([ptxas, "-v", f"--gpu-name=sm_{cc[0]}{cc[1]}", str(src), "-o", os.devnull],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        registers = int(re.search(r"Used (\d+) registers", result.stderr).group(1))
        spills = [int(n) for n in re.findall(r"(\d+) bytes spill", result.stderr)]
        args = ", ".join(map(str, sig))
        print(f"sm_{cc[0]}{cc[1]} {kernel.__name__}({args}): {registers} registers, spills {spills}")
        assert spills and not any(spills), result.stderr
        assert registers <= CEILINGS[kernel.__name__], result.stderr
