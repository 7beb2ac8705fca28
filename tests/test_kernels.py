"""The CUDA kernels of kernels/ (minigrad.kernels), verified without a GPU.

* `sim` tests run every kernel in Numba's CUDA simulator against NumPy on awkward shapes
  (run them with MINIGRAD_CUDA_SIM=1 NUMBA_ENABLE_CUDASIM=1 pytest -m sim).
* `ptx` tests compile every kernel to PTX for sm_80 and sm_90 and assemble it with ptxas,
  checking registers and spills (skipped under the simulator, where compile_ptx cannot run).
* the fast launch path (kernels/launch.py) runs as on a GPU with the driver call recorded: its
  parameters are checked against Numba's own argument preparation.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from launch_overhead import HostDeviceArray  # noqa: E402  (a CuPy-like array over host memory)

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


def _check_column_sums(reduce, shape, dtype):
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
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_bias_grad_and_fused_relu_grad(kernels, shape, dtype):
    _check_column_sums(kernels[1], shape, dtype)


# rows around the block's 8 warps and the slab sizes (1023/1024), odd column counts across tiles
@pytest.mark.sim
@pytest.mark.parametrize("shape", [(1, 33), (7, 33), (128, 5), (1023, 3), (1024, 33), (5000, 3)])
def test_column_sums_split_rows_across_warps(kernels, shape):
    _check_column_sums(kernels[1], shape, np.float32)


@pytest.mark.sim
def test_column_sums_of_float64_accumulate_in_float64(kernels):
    _, reduce = kernels
    g = np.full((9, 3), 1 + 2.0**-40)  # float32 sums would round every term to 1
    assert reduce.bias_grad(np, g).tolist() == [9 * (1 + 2.0**-40)] * 3


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
@pytest.mark.parametrize("shape", [(0, 5), (4, 0), (0, 0)])
def test_empty_inputs_launch_nothing(kernels, shape):
    bias, reduce = kernels
    y = np.ones(shape, np.float32)
    bias.bias_add(y, np.ones(shape[1], np.float32))
    bias.bias_add_relu(y, np.ones(shape[1], np.float32))
    assert reduce.bias_grad(np, y).tolist() == [0.0] * shape[1]
    gm, db = reduce.relu_bias_grad(np, y, y)
    assert gm.shape == shape and db.tolist() == [0.0] * shape[1]
    with pytest.raises(ValueError, match=r"grid \(0, 1\) has no blocks"):
        reduce.column_sum_kernel.launch((0, 1), reduce.BLOCK, y, y, y, y, False)


@pytest.mark.sim
def test_launch_configuration_is_cached_per_shape(kernels):
    bias, reduce = kernels
    reduce.plan.cache_clear()
    for _ in range(3):
        reduce.bias_grad(np, np.ones((10, 4), np.float32))
    assert reduce.plan.cache_info().misses == 1 and reduce.plan.cache_info().hits == 2


# ------------------------------------------------------------------ the fast launch path, no GPU
@pytest.fixture
def gpu_launch(monkeypatch):
    """kernels/launch.py as on a GPU, with the driver call recorded and CuPy's stream faked."""
    if SIMULATED:
        pytest.skip("the simulator launches through Numba's simulator instead")
    from minigrad.kernels import launch

    calls = []
    monkeypatch.setattr(launch, "driver_launch", lambda *a: calls.append(a))
    monkeypatch.setattr(launch, "current_stream", lambda: (1, 0xABC))
    monkeypatch.setattr(launch, "_stream", lambda device, ptr: ("stream", device, ptr))
    return launch, calls


def test_fast_launch_passes_what_numba_would(gpu_launch):
    """The parameters match Numba's own argument preparation (the oracle) value for value; the
    compiled kernel is looked up once per (signature, device); the stream is CuPy's current one."""
    from minigrad.kernels import bias
    from numba.cuda.dispatcher import _Kernel
    from numba.cuda.typing.typeof import Purpose, typeof

    launch, calls = gpu_launch
    y, b = np.ones((6, 5), np.float16), np.ones(5, np.float16)
    args = (HostDeviceArray(y.reshape(-1)), HostDeviceArray(b), np.float32(0), True)
    compiled = []
    kernel = launch.Kernel(bias.bias_add_kernel.dispatcher)
    kernel._compile = lambda signature: compiled.append(signature) or "cufunction"
    for _ in range(2):
        kernel.launch((3,), (256,), *args)
    assert compiled == [((np.dtype(np.float16), 1), (np.dtype(np.float16), 1), np.float32, bool)]
    numba_params = []
    for a in args:
        _Kernel._prepare_args(type("K", (), {"extensions": []}), typeof(a, Purpose.argument), a, 0, [], numba_params)
    stream, config, function, *params = calls[-1]
    assert stream == ("stream", 1, 0xABC) and function == "cufunction"
    assert (config.grid, config.block) == ((3, 1, 1), (256, 1, 1))
    assert [getattr(p, "value", p) for p in params] == [getattr(p, "value", p) for p in numba_params]
    assert [type(p) for p in params] == [type(p) for p in numba_params]


def test_fast_launch_refuses_strided_arrays(gpu_launch):
    from minigrad.kernels import bias

    launch, _ = gpu_launch
    y = np.ones((6, 5), np.float32)
    with pytest.raises(ValueError, match="C-contiguous"):
        bias.bias_add_kernel.launch((1,), (256,), HostDeviceArray(y[:, 0]), HostDeviceArray(y[0]), np.float32(0), True)


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
CEILINGS = {"bias_add_kernel": 32, "column_sum": 40}


def _signatures():
    from minigrad.kernels import bias, reduce
    from numba.cuda import types

    sigs = []
    acc, flag = types.float32, types.boolean  # acc: launch.accumulator for float16 and float32 data
    for t in (types.float32, types.float16):
        vec, mat, partial = t[::1], t[:, ::1], acc[:, ::1]
        sigs += [(bias.bias_add_kernel, (vec, vec, acc, flag)),
                 (reduce.column_sum_kernel, (mat, mat, mat, mat, flag)),  # one pass
                 (reduce.column_sum_kernel, (mat, mat, mat, partial, flag)),  # slabs of partial sums
                 (reduce.column_sum_kernel, (partial, partial, partial, mat, flag))]  # their fold
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
        name = kernel.py_func.__name__
        assert not re.search(r"\.f64\b", ptx), f"{name}{sig} does float64 math"
        src = tmp_path / f"{name}.ptx"
        src.write_text(ptx)
        result = subprocess.run([ptxas, "-v", f"--gpu-name=sm_{cc[0]}{cc[1]}", str(src), "-o", os.devnull],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        registers = int(re.search(r"Used (\d+) registers", result.stderr).group(1))
        spills = [int(n) for n in re.findall(r"(\d+) bytes spill", result.stderr)]
        args = ", ".join(map(str, sig))
        print(f"sm_{cc[0]}{cc[1]} {name}({args}): {registers} registers, spills {spills}")
        assert spills and not any(spills), result.stderr
        assert registers <= CEILINGS[name], result.stderr


@pytest.mark.sim
def test_bias_gradient_is_a_fresh_array(kernels):
    """Not a view: the autograd engine stores it as the bias's .grad without copying it."""
    _, reduce = kernels
    assert reduce.bias_grad(np, np.ones((3, 4), np.float32)).base is None
