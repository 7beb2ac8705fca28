"""Packaging: kernels/ installs as minigrad.kernels (never as a top-level `kernels`), editable and
wheel; the cuda extras bring the CUDA libraries CuPy loads (cuBLAS, cuBLASLt, cudart, NVRTC)."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_kernels_import_from_the_editable_install():
    import minigrad.kernels

    assert Path(minigrad.kernels.__file__).parent == ROOT / "kernels"


def test_wheel_maps_kernels_under_minigrad(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(ROOT)], check=True)
    wheel, = tmp_path.glob("minigrad_nn-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "minigrad/kernels/bias.py" in names and "minigrad/kernels/__init__.py" in names
    assert not any(n.startswith("kernels/") for n in names)
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True)
    code = "import minigrad.kernels, minigrad; print(minigrad.kernels.__file__)"
    out = subprocess.run([sys.executable, "-S", "-c", f"import sys; sys.path[:0] = [{str(target)!r}] + "
                          f"[p for p in {sys.path!r} if 'site-packages' in p]; " + code],
                         capture_output=True, text=True, cwd=tmp_path, check=True).stdout
    assert out.startswith(str(target))


def _extras():
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]


@pytest.mark.parametrize("extra, cuda", [("cuda", "13"), ("cuda12", "12")])
def test_cuda_extras_bring_the_libraries_cupy_loads(extra, cuda):
    """cupy-cudaNNx lists no CUDA library: each extra must add them, for its own CUDA major version."""
    reqs = _extras()[extra]
    toolkit, = (r for r in reqs if r.startswith("cuda-toolkit["))
    assert toolkit.endswith(f"]=={cuda}.*") and {"cublas", "cudart", "nvrtc"} <= set(
        toolkit[len("cuda-toolkit["):toolkit.index("]")].split(","))
    assert any(r.startswith(f"cupy-cuda{cuda}x") for r in reqs) and any(f"[cu{cuda}]" in r for r in reqs)


CUDA_LIBRARIES = """
from cuda.pathfinder import load_nvidia_dynamic_lib
for name in ("cudart", "cublas", "cublasLt", "nvrtc"):
    print(name, load_nvidia_dynamic_lib(name).abs_path)
from cupy_backends.cuda.libs import cublas, nvrtc  # CuPy's own loaders: what a first Linear needs
from cupy_backends.cuda.api import runtime
print("runtime", runtime.runtimeGetVersion(), "nvrtc", nvrtc.getVersion())
"""


def test_installed_cuda_extra_loads_cublas_cublaslt_cudart_nvrtc_without_a_gpu():
    """With the [cuda] extra installed (the [test] extra includes it), the shared libraries CuPy needs
    for a GEMM are found and loaded; nothing here talks to a device."""
    pytest.importorskip("cupy", reason="the [cuda] extra is not installed")
    out = subprocess.run([sys.executable, "-c", CUDA_LIBRARIES], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    lines = dict(line.split(" ", 1) for line in out.stdout.splitlines())
    assert {"cudart", "cublas", "cublasLt", "nvrtc", "runtime"} <= set(lines)
    assert all(".so" in lines[n] or ".dll" in lines[n] for n in ("cudart", "cublas", "cublasLt", "nvrtc"))
