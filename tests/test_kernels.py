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
    monkeypatch.setattr(reduce, "plan", lambda rows, n: (-(-n // reduce.BLOCK[0]), slabs))
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


# ------------------------------------------------------------------ device-side value checks
@pytest.mark.sim
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8])
@pytest.mark.parametrize("n", [1, 7, 256, 1000])  # one thread; a partial block; a full one; 4 elements per thread
def test_range_check_records_the_first_bad_value(kernels, n, dtype):
    from minigrad.kernels import checks

    rng, size = np.random.default_rng(n), min(n, 100)
    a = rng.integers(0, size, size=n).astype(dtype)  # every value in [0, size)
    record = np.zeros(4, np.int64)
    checks.range_check(a, 0, size, True, record, 3, 1, size)
    assert record.tolist() == [0, 0, 0, 0]  # valid values write nothing
    a[rng.integers(n)] = size + 5
    checks.range_check(a, 0, size, True, record, 3, 1, size)
    assert record.tolist() == [3, size + 5, 1, size]  # [code, value, dim, size]
    checks.range_check(np.full(3, -9, np.int64), 0, 1, True, record, 7, 0, 1)
    assert record.tolist() == [3, size + 5, 1, size]  # a later failure leaves the first one's record


@pytest.mark.sim
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_range_check_of_floats_finds_values_outside_and_nan(kernels, dtype):
    from minigrad.kernels import checks

    one_up = 1 + np.finfo(dtype).eps  # [0, 1 + eps) holds exactly the floats of [0, 1]
    record = np.zeros(4, np.int64)
    checks.range_check(np.array([0.0, 0.5, 1.0], dtype), 0, one_up, True, record, 2)
    assert record.tolist() == [0, 0, 0, 0]
    for bad in (np.nextafter(dtype(1), dtype(2)), -np.finfo(dtype).tiny, np.nan):
        record = np.zeros(4, np.int64)
        checks.range_check(np.array([0.5, bad], dtype), 0, one_up, True, record, 2, 0, 9)
        assert record.tolist() == [2, 0, 0, 9]  # a float's value is not recorded


@pytest.mark.sim
def test_range_check_outside_finds_zero_divisors(kernels):
    from minigrad.kernels import checks

    record = np.zeros(4, np.int64)
    checks.range_check(np.array([3, -1, 2]), 0, 1, False, record, 5)
    assert record.tolist() == [0, 0, 0, 0]
    checks.range_check(np.array([3, 0, 2]), 0, 1, False, record, 5)
    assert record.tolist() == [5, 0, 0, 0]
    checks.range_check(np.array([True, False]), 0, 1, False, np.zeros(4, np.int64), 5)  # bool divisors


@pytest.mark.sim
def test_range_check_of_nothing_launches_nothing(kernels):
    from minigrad.kernels import checks, launch

    before = launch.launches
    checks.range_check(np.zeros(0, np.int64), 0, 1, True, np.zeros(4, np.int64), 1)
    assert launch.launches == before


# ------------------------------------------------------------------ dropout's mask (Philox4x32-10)
def philox4x32_10(counter, key):
    """Random123's Philox4x32-10, written from its definition (NumPy uint64 arrays of 32-bit words)."""
    def mulhilo(m, a):
        product = a * m
        return product >> 32, product & 0xFFFFFFFF

    (c0, c1, c2, c3), (k0, k1) = counter, key
    for r in range(10):
        if r:  # the key schedule, between rounds
            k0, k1 = (k0 + 0x9E3779B9) % 2**32, (k1 + 0xBB67AE85) % 2**32
        hi0, lo0 = mulhilo(0xD2511F53, c0)
        hi1, lo1 = mulhilo(0xCD9E8D57, c2)
        c0, c1, c2, c3 = hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0
    return c0, c1, c2, c3


def test_the_philox_reference_gives_random123s_known_answers():
    kat = {(0,) * 6: (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8),  # Random123's tests/kat_vectors
           (0xFFFFFFFF,) * 6: (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD),
           (0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344, 0xA4093822, 0x299F31D0):
               (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)}
    for (*counter, k0, k1), words in kat.items():
        got = philox4x32_10([np.uint64(c) for c in counter], (np.uint64(k0), np.uint64(k1)))
        assert [int(w) for w in got] == list(words)


@pytest.mark.sim
@pytest.mark.parametrize("dtype", [np.float32, np.float16, np.float64])
@pytest.mark.parametrize("n", [1, 3, 4, 5, 1025])  # one word group, partial ones, several blocks' worth
def test_dropout_mask_is_philox_thresholded(kernels, n, dtype):
    from minigrad.kernels import dropout

    key, p, scale = 0x0123456789ABCDEF, 0.3, 1 / 0.7
    mask = np.full(n, 7, dtype)
    dropout.dropout_mask(mask, key, p, scale)
    quarter = -(-n // 4)  # element j + k * quarter takes word k of counter j
    j = np.arange(quarter, dtype=np.uint64)
    zero = np.zeros_like(j)
    words = np.concatenate(philox4x32_10((j, zero, zero, zero), (np.uint64(key & 0xFFFFFFFF), np.uint64(key >> 32))))
    kept = words[:n] >= np.ceil(p * 2**32)
    np.testing.assert_array_equal(mask, np.where(kept, dtype(scale), dtype(0)))
    again = np.full(n, 7, dtype)
    dropout.dropout_mask(again, key, p, scale)
    np.testing.assert_array_equal(again, mask)  # same key, same mask
    if n > 1000:  # the keep fraction is binomial: within 4 sigma of 1 - p, and another key gives another mask
        assert abs(kept.mean() - (1 - p)) < 4 * np.sqrt(p * (1 - p) / n)
        dropout.dropout_mask(again, key + 1, p, scale)
        assert (again != mask).any()


def test_philox_words_threshold_to_bernoulli_draws():
    """The thresholding the kernel does, on 4 x 2^16 words of the reference (host only): the keep
    fraction of each p, and of each of the four words, is within 4 sigma of 1 - p."""
    j = np.arange(2**16, dtype=np.uint64)
    zero = np.zeros_like(j)
    words = np.stack(philox4x32_10((j, zero, zero, zero), (np.uint64(0x9E3779B9), np.uint64(7))))
    for p in (0.0001, 0.1, 0.5, 0.9):
        kept = words >= np.ceil(p * 2**32)
        sigma = np.sqrt(p * (1 - p) / kept.shape[1])
        assert np.all(np.abs(kept.mean(axis=1) - (1 - p)) < 4 * sigma), (p, kept.mean(axis=1))


# ------------------------------------------------------------------ cross-entropy, fused
def _cross_entropy_reference(x, t, ignore):
    x64 = x.astype(np.float64)
    z = x64 - x64.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    valid = (t >= 0) & (t < x.shape[1])
    safe_t = np.where(valid, t, 0)
    losses = np.where(valid, np.log(np.exp(z).sum(axis=1)) - z[np.arange(len(t)), safe_t], 0)
    return p, losses, valid.astype(np.float64), safe_t


@pytest.mark.sim
@pytest.mark.parametrize("dtype", [np.float32, np.float16, np.float64])
@pytest.mark.parametrize("rows, classes", [(1, 1), (1, 7), (5, 1), (9, 3), (3, 1000)])  # rows past the block
def test_cross_entropy_kernels_match_numpy(kernels, rows, classes, dtype):
    from minigrad.kernels import cross_entropy as ce

    rng = np.random.default_rng(rows * classes)
    x = (4 * rng.standard_normal((rows, classes))).astype(dtype)
    t = rng.integers(0, classes, rows)
    t[::4] = -100  # ignored rows
    record = np.zeros(4, np.int64)
    p, losses, weights, safe_t = ce.cross_entropy(np, x, t, -100, record, 5)
    ref_p, ref_losses, ref_w, ref_t = _cross_entropy_reference(x, t, -100)
    tol = 2e-3 if dtype == np.float16 else 1e-5
    np.testing.assert_allclose(p, ref_p, rtol=tol, atol=tol)
    np.testing.assert_allclose(losses, ref_losses, rtol=tol, atol=tol)
    np.testing.assert_array_equal(weights, ref_w)
    np.testing.assert_array_equal(safe_t, ref_t)
    assert record.tolist() == [0, 0, 0, 0]
    for scale in (np.array([0.5], dtype), rng.standard_normal(rows).astype(dtype)):  # 'mean'/'sum', 'none'
        dx = ce.cross_entropy_grad(np, p, safe_t, weights, scale)
        onehot = np.eye(classes)[ref_t]
        ref = (ref_p - onehot) * (ref_w * scale.astype(np.float64))[:, None]
        np.testing.assert_allclose(dx, ref, rtol=tol, atol=tol)


@pytest.mark.sim
def test_cross_entropy_kernel_records_a_bad_target(kernels):
    from minigrad.kernels import cross_entropy as ce

    record = np.zeros(4, np.int64)
    _, losses, weights, safe_t = ce.cross_entropy(np, np.zeros((4, 3), np.float32), np.array([0, 3, -100, -2]),
                                                  -100, record, 5)
    assert record.tolist()[0] == 5 and record[1] in (3, -2) and record.tolist()[2:] == [0, 3]
    assert weights.tolist() == [1, 0, 0, 0] and safe_t.tolist() == [0, 0, 0, 0]  # bad rows weigh 0
    np.testing.assert_allclose(losses, [np.log(3), 0, 0, 0], rtol=1e-6)


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


def _launch_cases():
    """{case: (kernel, arguments, the signature they are compiled for)}: a kernel of each kind."""
    from minigrad.kernels import bias, checks

    y, b, index, record = np.ones((6, 5), np.float16), np.ones(5, np.float16), np.arange(5), np.zeros(4, np.int64)
    f16, i64 = (np.dtype(np.float16), 1), (np.dtype(np.int64), 1)
    floats = (HostDeviceArray(y.reshape(-1)), HostDeviceArray(b), np.float32(0), True)
    ints = (HostDeviceArray(index), np.int64(0), np.int64(5), True, True, HostDeviceArray(record),
            *np.int64([1, 0, 5]))
    return {"bias": (bias.bias_add_kernel, floats, (f16, f16, np.float32, bool)),
            "checks": (checks.range_check_kernel, ints, (i64, np.int64, np.int64, bool, bool, i64, *[np.int64] * 3))}


@pytest.mark.parametrize("case", ["bias", "checks"])
def test_fast_launch_passes_what_numba_would(gpu_launch, case):
    """The parameters match Numba's own argument preparation (the oracle) value for value; the
    compiled kernel is looked up once per (signature, device); the stream is CuPy's current one."""
    from numba.cuda.dispatcher import _Kernel
    from numba.cuda.typing.typeof import Purpose, typeof

    launch, calls = gpu_launch
    ours, args, signature = _launch_cases()[case]
    compiled = []
    kernel = launch.Kernel(ours.dispatcher)
    kernel._compile = lambda signature: compiled.append(signature) or "cufunction"
    for _ in range(2):
        kernel.launch((3,), (256,), *args)
    assert compiled == [signature]
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


# streaming kernels: a few 64-bit indices (and accumulators, the shared-memory folds, Philox's words)
CEILINGS = {"bias_add_kernel": 32, "column_sum": 48, "range_check_kernel": 16, "dropout_mask_kernel": 40,
            "cross_entropy_kernel": 40, "cross_entropy_grad_kernel": 32}


def _signatures():
    from minigrad.kernels import bias, checks, cross_entropy, dropout, reduce
    from numba.cuda import types

    i64, flag = types.int64, types.boolean
    sigs = [(checks.range_check_kernel, (t[::1], bound, bound, flag, flag, i64[::1], i64, i64, i64))
            for t, bound in ((types.int64, i64), (types.int32, i64), (types.float16, types.float32))]
    acc, ints = types.float32, i64[::1]  # acc: launch.accumulator for float16 and float32 data
    for t in (types.float32, types.float16):
        vec, mat, partial = t[::1], t[:, ::1], acc[:, ::1]
        sigs += [(bias.bias_add_kernel, (vec, vec, acc, flag)),
                 (reduce.column_sum_kernel, (mat, mat, mat, mat, flag)),  # one pass
                 (reduce.column_sum_kernel, (mat, mat, mat, partial, flag)),  # slabs of partial sums
                 (reduce.column_sum_kernel, (partial, partial, partial, mat, flag)),  # their fold
                 (dropout.dropout_mask_kernel, (vec, i64, i64, i64, acc)),
                 (cross_entropy.cross_entropy_kernel, (mat, ints, i64, mat, vec, vec, ints, ints, i64, acc)),
                 (cross_entropy.cross_entropy_grad_kernel, (mat, ints, vec, vec, flag, mat, acc))]
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
