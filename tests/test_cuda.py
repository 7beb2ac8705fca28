"""The CUDA device as a user meets it: availability errors, lazy imports, transfers, autocast.

Tests taking `device` run on the simulated device under `pytest -m sim` and on a real GPU when
one is present (marked `cuda`); the rest run on the CPU and need no GPU at all.
"""

import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest
from conftest import DEVICES, SIMULATED, host

import minigrad as mg
from minigrad.backend import cuda as cuda_backend

CUDA = DEVICES[1:]


def test_import_loads_neither_cupy_nor_numba():
    code = "import sys, minigrad; print(sorted(m for m in ('cupy', 'numba') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.skipif(SIMULATED, reason="checks the error seen without a simulated device")
def test_cuda_without_cupy_is_one_clear_error(monkeypatch):
    monkeypatch.setattr(cuda_backend, "_cupy", lambda: None)
    assert not mg.cuda.is_available() and mg.cuda.device_count() == 0
    with pytest.raises(cuda_backend.CudaUnavailableError,
                       match=r"CuPy is not installed.*pip install 'minigrad-nn\[cuda\]'.*MINIGRAD_CUDA_SIM=1"):
        mg.zeros(2, device="cuda")


@pytest.mark.skipif(SIMULATED, reason="checks the error seen without a simulated device")
def test_cuda_without_driver_is_one_clear_error(monkeypatch):
    # what cupy-cuda13x does on a machine without a driver (measured: cudaErrorInsufficientDriver)
    class CUDARuntimeError(RuntimeError):
        pass

    def get_device_count():
        raise CUDARuntimeError("cudaErrorInsufficientDriver: CUDA driver version is insufficient")

    runtime = SimpleNamespace(CUDARuntimeError=CUDARuntimeError, getDeviceCount=get_device_count)
    monkeypatch.setattr(cuda_backend, "_cupy", lambda: SimpleNamespace(cuda=SimpleNamespace(runtime=runtime)))
    with pytest.raises(cuda_backend.CudaUnavailableError, match="no \\(recent enough\\) NVIDIA driver"):
        mg.randn(2).cuda()


def test_device_objects():
    assert str(mg.device("cuda:1")) == "cuda:1" and mg.device("cuda", 1) is mg.device("cuda:1")
    assert repr(mg.device("cpu")) == "device(type='cpu')" and mg.device("cpu") == "cpu"
    with pytest.raises(ValueError, match="unknown device 'tpu'"):
        mg.device("tpu")


@pytest.mark.parametrize("device", CUDA)
def test_cuda_api_and_transfers(device):
    assert mg.cuda.is_available() and mg.cuda.device_count() >= 1
    if SIMULATED:
        assert "simulated" in mg.cuda.get_device_name()
    x = mg.randn(3, 4)
    y = x.to(device)
    assert y.device == mg.device("cuda:0") and y.is_cuda and not np.shares_memory(host(y), x.data)
    with pytest.raises(TypeError, match=r"can't convert cuda:0 device type tensor to numpy.*\.cpu\(\)"):
        y.numpy()
    np.testing.assert_array_equal(y.cpu().numpy(), x.numpy())
    assert "device='cuda:0'" in repr(y)
    mg.cuda.synchronize()


@pytest.mark.parametrize("device", CUDA)
def test_gradients_flow_back_across_devices(device):
    x = mg.randn(3, requires_grad=True)
    (x.cuda() * 2).sum().backward()
    assert x.grad.device == mg.device("cpu") and x.grad.tolist() == [2.0, 2.0, 2.0]


@pytest.mark.parametrize("device", CUDA)
def test_model_to_cuda_trains_like_cpu(device):
    mg.manual_seed(0)
    cpu = mg.nn.Sequential(mg.nn.Linear(6, 8), mg.nn.ReLU(), mg.nn.Linear(8, 3))
    gpu = mg.nn.Sequential(mg.nn.Linear(6, 8), mg.nn.ReLU(), mg.nn.Linear(8, 3))
    gpu.load_state_dict(cpu.state_dict())
    gpu.to(device)
    opts = [mg.optim.SGD(m.parameters(), lr=0.1, momentum=0.9) for m in (cpu, gpu)]
    x, t = mg.randn(10, 6), mg.randint(0, 3, (10,))
    for _ in range(3):
        for m, opt, dev in ((cpu, opts[0], "cpu"), (gpu, opts[1], device)):
            loss = mg.nn.functional.cross_entropy(m(x.to(dev)), t.to(dev))
            opt.zero_grad()
            loss.backward()
            opt.step()
    for a, b in zip(cpu.parameters(), gpu.parameters()):
        assert b.device == mg.device("cuda:0")
        np.testing.assert_allclose(host(b), host(a), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("device", CUDA)
def test_autocast_runs_linear_in_float16_on_cuda_only(device):
    layer = mg.nn.Linear(8, 4).to(device)
    x = mg.randn(5, 8, device=device)
    with mg.autocast("cuda"):
        y = layer(x)
        assert layer.cpu()(x.cpu()).dtype == mg.float32  # other device types untouched
        layer.to(device)
    assert y.dtype == mg.float16
    x16, w16, b16 = (host(t).astype(np.float16) for t in (x, layer.weight, layer.bias))
    expected = x16 @ w16.T + b16
    np.testing.assert_allclose(host(y).astype(np.float32), expected.astype(np.float32), rtol=1e-2, atol=1e-2)
    y.float().sum().backward()
    assert layer.weight.grad.dtype == mg.float32


# ------------------------------------------------------------------ "cuda" means the current device
@pytest.mark.parametrize("device", CUDA)
def test_cuda_without_an_index_is_the_current_device(device):
    assert mg.device("cuda").backend is mg.device("cuda:0").backend and mg.device("cuda").xp is not None
    t = mg.Tensor(mg.randn(2, 3)._data, device="cuda")  # wraps CPU data: moved with .to() as usual
    assert t.device is mg.device("cuda:0")
    u = mg.tensor([1.0, 2.0], device="cuda")
    assert u.device is mg.device("cuda:0") and (u * 2).tolist() == [2.0, 4.0]


# ------------------------------------------------------------------ CuPy's rules, on every device
def test_host_data_written_into_a_tensor_is_copied_to_its_device(device):
    t = mg.zeros(5, device=device)
    t[0:2] = np.array([1.0, 2.0])
    t[2:4] = [3.0, 4.0]
    t[4:] = mg.tensor([5.0])  # a CPU tensor
    assert t.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    t.copy_(np.arange(5))
    assert t.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]


@pytest.mark.parametrize("device", CUDA)
@pytest.mark.parametrize("op", ["__eq__", "__lt__", "__ge__", "__add__"])
def test_tensors_on_two_devices_never_meet(device, op):
    cpu, gpu = mg.ones(3), mg.ones(3, device=device)
    for a, b in ((gpu, cpu), (cpu, gpu)):
        with pytest.raises(RuntimeError, match=r"expected all tensors to be on the same device, but found "
                                               r"(cuda:0 and cpu|cpu and cuda:0); move one with \.to\(device\)"):
            getattr(a, op)(b)


def test_integer_indexing_is_a_view_as_in_pytorch(device):
    t = mg.tensor([[1.0, 2.0], [3.0, 4.0]], device=device)
    v = t[1, 0]  # a 0-d view (NumPy alone would give a copy)
    v.fill_(7)
    row = t[0]
    row += 1
    assert t.tolist() == [[2.0, 3.0], [7.0, 4.0]] and v.shape == ()
    x = mg.tensor([1.0, 2.0], requires_grad=True, device=device)
    y = x * 1
    z = y[0] * y[0]  # backward reads y[0]: a write into y through another view is caught
    with mg.no_grad():
        y[1:].zero_()
        y[0].fill_(3)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.backward()


def _stepped(device, momentum=0.9):
    mg.manual_seed(0)
    model = mg.nn.Linear(3, 2).to(device)
    opt = mg.optim.SGD(model.parameters(), lr=0.1, momentum=momentum)
    model(mg.randn(4, 3, device=device)).sum().backward()
    opt.step()
    return model, opt


@pytest.mark.parametrize("device", CUDA)
def test_optimizer_state_left_behind_by_model_to_is_refused_then_moved(device):
    model, opt = _stepped("cpu")
    model.to(device)
    model(mg.randn(4, 3, device=device)).sum().backward()
    with pytest.raises(RuntimeError, match=r"state \['momentum_buffer'\] .* is on cpu but the parameter is now "
                                           r"on cuda:0 .*optimizer\.load_state_dict\(optimizer\.state_dict\(\)\)"):
        opt.step()
    opt.load_state_dict(opt.state_dict())  # PyTorch's way: the state follows each parameter's device
    opt.step()
    assert all(s["momentum_buffer"].device == mg.device("cuda:0") for s in opt.state.values())
    model, opt = _stepped("cpu", momentum=0)  # no state, only work buffers: they just follow
    model.to(device)
    model(mg.randn(4, 3, device=device)).sum().backward()
    opt.step()


def test_zero_size_linear_launches_nothing(device):
    layer = mg.nn.Linear(4, 0).to(device)
    x = mg.randn(3, 4, device=device, requires_grad=True)
    y = layer(x)
    assert y.shape == (3, 0)
    y.sum().backward()
    assert layer.bias.grad.shape == (0,) and host(x.grad).tolist() == [[0.0] * 4] * 3
    layer = mg.nn.Sequential(mg.nn.Linear(4, 3), mg.nn.ReLU()).to(device)
    empty = mg.randn(0, 4, device=device)
    out = layer(empty)
    out.sum().backward()
    assert out.shape == (0, 3) and host(layer[0].bias.grad).tolist() == [0.0] * 3
