"""kernels/ must install as minigrad.kernels (never as a top-level `kernels`), editable and wheel."""

import subprocess
import sys
import zipfile
from pathlib import Path

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
