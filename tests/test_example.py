"""examples/train_mlp.py end to end: accuracy, exact resume, the simulated GPU, bad inputs."""

import gzip
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import DEVICES, SIMULATED

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
sys.path.insert(0, str(EXAMPLES))

import datasets  # noqa: E402
import train_mlp  # noqa: E402


def run(*argv):
    return train_mlp.train(train_mlp.parse_args([*argv, "--quiet"]), log=lambda *a: None)


def test_main_two_epochs_on_digits_reach_85_percent(capsys):
    assert train_mlp.main(["--epochs", "2", "--device", "cpu", "--quiet"]) == 0
    out = capsys.readouterr().out
    accuracy = float(out.split("test accuracy ")[1].split()[0])
    assert accuracy >= 0.85 and "confusion matrix" in out and "device: cpu" in out


def test_same_seed_same_numbers():
    a, b = run("--epochs", "2", "--device", "cpu"), run("--epochs", "2", "--device", "cpu")
    assert [h["train_loss"] for h in a["history"]] == [h["train_loss"] for h in b["history"]]
    assert a["test_loss"] == b["test_loss"]


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_resume_reproduces_the_uninterrupted_run_bit_for_bit(tmp_path, optimizer):
    ckpt = str(tmp_path / "ckpt.safetensors")
    straight = run("--epochs", "3", "--device", "cpu", "--optimizer", optimizer, "--lr", "0.01")
    run("--epochs", "1", "--device", "cpu", "--optimizer", optimizer, "--lr", "0.01", "--save", ckpt)
    resumed = run("--epochs", "3", "--device", "cpu", "--optimizer", optimizer, "--lr", "0.01", "--resume", ckpt)
    for (name, a), (_, b) in zip(straight["model"].state_dict().items(), resumed["model"].state_dict().items()):
        np.testing.assert_array_equal(a.data, b.data, err_msg=name)
    assert [h["epoch"] for h in resumed["history"]] == [1, 2, 3]


def test_resume_into_a_different_model_is_a_clear_error(tmp_path, capsys):
    ckpt = str(tmp_path / "ckpt.safetensors")
    run("--epochs", "1", "--device", "cpu", "--hidden", "32", "--save", ckpt)
    assert train_mlp.main(["--epochs", "2", "--device", "cpu", "--hidden", "64", "--resume", ckpt, "--quiet"]) == 2
    assert "does not fit this model" in capsys.readouterr().err


@pytest.mark.parametrize("device", DEVICES[1:])
def test_a_few_steps_on_cuda_match_cpu(device):
    small = ("--subset", "48", "--batch-size", "16", "--hidden", "16", "--epochs", "1")
    cpu, gpu = run(*small, "--device", "cpu"), run(*small, "--device", device)
    assert gpu["device"] == "cuda"
    for a, b in zip(cpu["model"].parameters(), gpu["model"].parameters()):
        np.testing.assert_allclose(b.cpu().detach().numpy(), a.detach().numpy(), rtol=1e-4, atol=1e-5)


def test_plot_is_written(tmp_path):
    pytest.importorskip("matplotlib")
    run("--epochs", "2", "--device", "cpu", "--plot", str(tmp_path / "curves.png"))
    assert (tmp_path / "curves.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.skipif(SIMULATED or train_mlp.mg.cuda.is_available(), reason="needs a machine without CUDA")
def test_device_cuda_without_gpu_is_one_line_and_exit_code_2():
    proc = subprocess.run([sys.executable, str(EXAMPLES / "train_mlp.py"), "--device", "cuda", "--quiet"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("error: --device cuda: CUDA is not available")
    assert "Traceback" not in proc.stderr


# ------------------------------------------------------------------ MNIST from IDX files
def write_idx(path, array, magic_type=0x08, compress=False):
    header = bytes([0, 0, magic_type, array.ndim]) + b"".join(n.to_bytes(4, "big") for n in array.shape)
    data = header + array.astype(">u1" if magic_type == 0x08 else array.dtype).tobytes()
    (gzip.open if compress else open)(path, "wb").write(data)


def fake_mnist(directory, n_train=60, n_test=20, compress=False):
    rng = np.random.default_rng(0)
    suffix = ".gz" if compress else ""
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        labels = rng.integers(0, 10, n)
        images = (rng.random((n, 28, 28)) * 50 + labels[:, None, None] * 20).astype(np.uint8)
        write_idx(directory / f"{prefix}-images-idx3-ubyte{suffix}", images, compress=compress)
        write_idx(directory / f"{prefix}-labels-idx1-ubyte{suffix}", labels.astype(np.uint8), compress=compress)


@pytest.mark.parametrize("compress", [False, True])
def test_mnist_idx_files_train(tmp_path, compress):
    fake_mnist(tmp_path, compress=compress)
    result = run("--mnist-dir", str(tmp_path), "--epochs", "1", "--device", "cpu", "--hidden", "32")
    assert result["confusion"].sum() == 20


def test_read_idx_parses_header_and_data(tmp_path):
    array = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    write_idx(tmp_path / "a.idx", array)
    np.testing.assert_array_equal(datasets.read_idx(str(tmp_path / "a.idx")), array)


def test_bad_mnist_inputs_give_clear_messages(tmp_path, capsys):
    assert train_mlp.main(["--mnist-dir", str(tmp_path / "nope"), "--quiet"]) == 2
    assert "is not a directory" in capsys.readouterr().err
    assert train_mlp.main(["--mnist-dir", str(tmp_path), "--quiet"]) == 2
    assert "has no train-images-idx3-ubyte" in capsys.readouterr().err
    fake_mnist(tmp_path)
    images = tmp_path / "train-images-idx3-ubyte"
    images.write_bytes(images.read_bytes()[:-100])
    assert train_mlp.main(["--mnist-dir", str(tmp_path), "--quiet"]) == 2
    assert "truncated or corrupt" in capsys.readouterr().err
    images.write_bytes(b"\x12\x34\x56\x78" + b"\0" * 100)
    assert train_mlp.main(["--mnist-dir", str(tmp_path), "--quiet"]) == 2
    assert "bad magic number 12345678" in capsys.readouterr().err
