"""examples/train_mlp.py end to end: accuracy, exact resume, the simulated GPU, bad inputs, mpiexec."""

import gzip
import os
import shutil
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from conftest import DEVICES, SIMULATED

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
sys.path.insert(0, str(EXAMPLES))

import datasets  # noqa: E402
import train_mlp  # noqa: E402

from minigrad.backend import cuda as cuda_backend  # noqa: E402


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
    assert "holds a 64-32-10 MLP, this run builds 64-64-10" in capsys.readouterr().err


@pytest.mark.parametrize("optimizer,lr", [("sgd", "0.05"), ("adam", "0.001")])
def test_the_learning_rate_defaults_to_the_optimizers(capsys, optimizer, lr):
    """--optimizer sgd without --lr trained with Adam's 1e-3 (90% instead of 98.9%); --help shows every default."""
    assert train_mlp.main(["--optimizer", optimizer, "--epochs", "1", "--device", "cpu", "--quiet"]) == 0
    assert f"classes | {optimizer} lr {lr}\n" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        train_mlp.parse_args(["--help"])
    usage = " ".join(capsys.readouterr().out.split())
    assert "(default: 0.05 for sgd, 0.001 for adam; with --resume: the checkpoint's)" in usage
    for default in ("auto", "15", "32", "adam", "256 128", "0"):
        assert f"(default: {default})" in usage
    assert "pays Numba's compilation (1-3 s), so short runs are slower" in usage


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
IDX_CODES = {np.dtype(np.uint8): 0x08, np.dtype(np.int8): 0x09, np.dtype(">i2"): 0x0B, np.dtype(">i4"): 0x0C,
             np.dtype(">f4"): 0x0D, np.dtype(">f8"): 0x0E}


def idx_header(shape, code=0x08):
    return bytes([0, 0, code, len(shape)]) + b"".join(n.to_bytes(4, "big") for n in shape)


def write_idx(path, array, compress=False):
    """array in IDX: uint8 / int8 / >i2 / >i4 / >f4 / >f8 (other dtypes are converted to big-endian)."""
    array = array.astype(array.dtype.newbyteorder(">")) if array.dtype.itemsize > 1 else array
    data = idx_header(array.shape, IDX_CODES[array.dtype]) + array.tobytes()
    with (gzip.open if compress else open)(path, "wb") as f:
        f.write(data)


def fake_mnist(directory, n_train=60, n_test=20, compress=False, side=(28, 28), labels_dtype=np.uint8,
               test_labels=None):
    rng = np.random.default_rng(0)
    suffix = ".gz" if compress else ""
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        labels = rng.integers(0, 10, n) if prefix == "train" or test_labels is None else np.asarray(test_labels)
        size = side if prefix == "train" else (side[1], side[0])  # a non-square side differs between splits
        images = (rng.random((n, *size)) * 50 + labels[:, None, None] % 10 * 20).astype(np.uint8)
        write_idx(directory / f"{prefix}-images-idx3-ubyte{suffix}", images, compress=compress)
        write_idx(directory / f"{prefix}-labels-idx1-ubyte{suffix}", labels.astype(labels_dtype), compress=compress)


@pytest.mark.parametrize("compress", [False, True])
def test_mnist_idx_files_train(tmp_path, compress):
    fake_mnist(tmp_path, compress=compress)
    result = run("--mnist-dir", str(tmp_path), "--epochs", "1", "--device", "cpu", "--hidden", "32")
    assert result["confusion"].sum() == 20


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
@pytest.mark.parametrize("compress", [False, True])
def test_read_idx_parses_header_and_data(tmp_path, dtype, compress):
    array = (np.arange(24) - 5).astype(dtype).reshape(2, 3, 4)
    path = tmp_path / ("a.idx.gz" if compress else "a.idx")
    write_idx(path, array, compress=compress)
    back = datasets.read_idx(str(path))
    np.testing.assert_array_equal(back, array)


# ------------------------------------------------------------------ issue 9, item 8: hostile IDX files
def test_a_small_gz_that_expands_hugely_costs_only_what_its_header_claims(tmp_path):
    """2 MB of .gz expanding to 2 GiB took 4.1 GB of RSS: the whole file was decompressed first. Now
    the header is read first and then at most the claimed bytes plus one (here: claims 1 MiB, holds 64)."""
    path = tmp_path / "bomb-idx1-ubyte.gz"
    with gzip.open(path, "wb", compresslevel=1) as f:
        f.write(idx_header((1 << 20,)))
        for _ in range(64):
            f.write(bytes(1 << 20))
    tracemalloc.start()
    with pytest.raises(datasets.DatasetError, match=r"needs 1048584 bytes, the file expands to more than 1048584"):
        datasets.read_idx(str(path))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 8 << 20  # the claimed 1 MiB and a few 1 MiB reading steps; not 64 MiB


HOSTILE_IDX = [  # (file name: a .gz suffix is what makes read_idx decompress, content, error)
    ("truncated.gz", gzip.compress(idx_header((10, 28, 28)) + bytes(7840))[:-30], "cannot read IDX file.*ended before"),
    ("not-gzip.gz", b"\x1f\x8b" + bytes(50), "cannot read IDX file"),
    ("short.gz", gzip.compress(idx_header((10, 28, 28)) + bytes(100)), "needs 7856 bytes, the file expands to 116"),
    ("trailing.gz", gzip.compress(idx_header((2,)) + bytes(3)), "needs 10 bytes, the file expands to more than 10"),
    ("trailing", idx_header((2,)) + bytes(3), "needs 10 bytes, the file has 11"),
    ("overflow", idx_header((2**32 - 1,) * 4) + bytes(16), r"announces shape \(4294967295, .*not a real IDX file"),
    ("product-wraps-to-zero-in-int64.gz", gzip.compress(idx_header((65536,) * 4)), "not a real IDX file"),
    ("header.gz", gzip.compress(idx_header((5, 5))[:9]), "truncated: its header needs 12 bytes, the file has 9"),
    ("empty", b"", "bad magic number empty"),
]


@pytest.mark.parametrize("name,data,message", HOSTILE_IDX, ids=[case[0] for case in HOSTILE_IDX])
def test_hostile_idx_files_give_one_clear_error(tmp_path, name, data, message):
    (tmp_path / name).write_bytes(data)
    with pytest.raises(datasets.DatasetError, match=message):
        datasets.read_idx(str(tmp_path / name))


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


# ------------------------------------------------------------------ issue 9, item 9: bad inputs to the example
def fails(capsys, *argv):
    """main(argv) must end in exit code 2 with one error line on stderr, before any training (the
    "device: ..." line opens training), and no traceback. Returns that error line."""
    try:
        code = train_mlp.main([*argv, "--quiet", "--device", "cpu"])
    except SystemExit as e:  # argparse's own errors
        code = e.code
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert code == 2 and "device:" not in out and "Traceback" not in err, (code, out, err)
    assert [line for line in lines if "error: " in line] == lines[-1:], err
    return lines[-1]


@pytest.mark.parametrize("argv,message", [
    (["--batch-size", "0"], "argument --batch-size: must be an integer >= 1, got 0"),
    (["--batch-size", "-5"], "argument --batch-size: must be an integer >= 1, got -5"),
    (["--epochs", "-3"], "argument --epochs: must be an integer >= 0, got -3"),
    (["--lr", "nan"], "argument --lr: must be a finite number >= 0, got nan"),
    (["--lr", "inf"], "argument --lr: must be a finite number >= 0, got inf"),
    (["--lr", "-0.1"], "argument --lr: must be a finite number >= 0, got -0.1"),
    (["--hidden", "0"], "argument --hidden: must be an integer >= 1, got 0"),
    (["--hidden", "32", "-5"], "argument --hidden: must be an integer >= 1, got -5"),
    (["--seed", "-1"], "argument --seed: must be an integer >= 0, got -1"),
    (["--subset", "0"], "argument --subset: must be an integer >= 1, got 0"),
    (["--subset", "99999"], "error: --subset 99999 is more than the 1437 training samples"),
])
def test_bad_arguments_are_one_error_line_and_exit_code_2(capsys, argv, message):
    assert message in fails(capsys, *argv)


def test_output_paths_are_checked_before_training(tmp_path, capsys):
    assert "the folder" in fails(capsys, "--save", str(tmp_path / "missing" / "ckpt.pt"))  # was: after epoch 1
    assert "is a folder" in fails(capsys, "--save", str(tmp_path))
    assert "the folder" in fails(capsys, "--plot", str(tmp_path / "missing" / "curves.png"))
    assert "cannot write .xyz files" in fails(capsys, "--plot", str(tmp_path / "curves.xyz"))  # was: after training


def test_resume_checks_the_checkpoint_before_training(tmp_path, capsys):
    good = str(tmp_path / "ckpt.pt")
    run("--epochs", "1", "--device", "cpu", "--hidden", "16", "--subset", "64", "--save", good)
    ckpt = train_mlp.mg.load(good)
    cases = {
        "no_history.pt": {k: v for k, v in ckpt.items() if k != "history"},
        "state_dict.pt": ckpt["model"],
        "bad_epoch.pt": {**ckpt, "epoch": 5},
        "bad_seed.pt": {**ckpt, "seed": 1.5},
    }
    for name, obj in cases.items():
        train_mlp.mg.save(obj, tmp_path / name)
        assert "not" in fails(capsys, "--hidden", "16", "--resume", str(tmp_path / name)), name
    (tmp_path / "garbage.pt").write_bytes(b"\x80\x04 not a checkpoint")
    assert "--resume: cannot load" in fails(capsys, "--hidden", "16", "--resume", str(tmp_path / "garbage.pt"))
    assert "holds a 64-16-10 MLP, this run builds 64-32-10" in fails(capsys, "--hidden", "32", "--resume", good)
    assert "was saved with --optimizer adam" in fails(capsys, "--hidden", "16", "--optimizer", "sgd", "--resume", good)


def test_resume_refuses_another_lr_or_seed_and_a_checkpoint_with_nothing_left_to_train(tmp_path, capsys):
    """--resume ignored an explicit --lr and took any --seed (whose split put validation and test samples
    into training); a checkpoint at --epochs was silently evaluated."""
    ckpt = str(tmp_path / "ckpt.pt")
    run("--epochs", "2", "--device", "cpu", "--hidden", "16", "--subset", "64", "--lr", "0.01", "--save", ckpt)
    resume = ("--hidden", "16", "--subset", "64", "--resume", ckpt)
    assert (f"--resume {ckpt} was trained with --lr 0.01 and continues with it; drop --lr 0.05"
            in fails(capsys, *resume, "--epochs", "3", "--lr", "0.05"))
    assert (f"--resume {ckpt} was trained with --seed 0, which fixes the data split (--seed 1 would train on its "
            "validation and test samples): give --seed 0" in fails(capsys, *resume, "--epochs", "3", "--seed", "1"))
    for epochs in ("2", "1"):
        assert (f"error: nothing to train: the checkpoint is after epoch 2, --epochs {epochs}; give --epochs 3 or more"
                in fails(capsys, *resume, "--epochs", epochs))
    assert train_mlp.main([*resume, "--epochs", "3", "--lr", "0.01", "--device", "cpu", "--quiet"]) == 0
    assert train_mlp.main([*resume, "--epochs", "3", "--device", "cpu", "--quiet"]) == 0
    assert capsys.readouterr().out.count("| adam lr 0.01\nresumed from") == 2


def test_simulated_cuda_without_numba_cuda_is_one_error_line(monkeypatch, capsys):
    """MINIGRAD_CUDA_SIM=1 without numba-cuda died in a traceback advising MINIGRAD_CUDA_SIM=1 (set) and CuPy."""
    monkeypatch.setenv("MINIGRAD_CUDA_SIM", "1")
    monkeypatch.setenv("NUMBA_ENABLE_CUDASIM", "1")
    monkeypatch.setattr(cuda_backend, "_loaded", {})  # nothing loaded yet
    monkeypatch.setitem(sys.modules, "minigrad.kernels", None)  # importing it fails, as without numba-cuda
    with pytest.warns(UserWarning, match="simulated device"):
        assert train_mlp.main(["--device", "cuda", "--quiet"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith("error: --device cuda: the simulated CUDA device (MINIGRAD_CUDA_SIM) runs the kernels in "
                          "numba-cuda's simulator (")
    assert "`pip install numba-cuda` (or the 'minigrad-nn[cuda]' extra)" in err and "CuPy" not in err


def test_a_cuda_error_during_training_is_one_error_line(monkeypatch, capsys):
    def fit(*args):
        raise cuda_backend.CudaUnavailableError("cuda:1 does not exist: 1 CUDA device(s) visible.")

    monkeypatch.setattr(train_mlp, "fit", fit)
    assert train_mlp.main(["--device", "cpu", "--quiet"]) == 2
    assert capsys.readouterr().err == "error: cuda:1 does not exist: 1 CUDA device(s) visible.\n"


def test_classes_come_from_all_splits_or_the_checkpoint(tmp_path, capsys):
    """A training split without class 9 (a --subset, say) still gives a 10-class model when the test
    split has a 9 (this crashed at the end of training); labels beyond a checkpoint's classes are refused."""
    fake_mnist(tmp_path, test_labels=[9, 0] * 10)
    train_labels = datasets.read_idx(str(tmp_path / "train-labels-idx1-ubyte"))
    write_idx(tmp_path / "train-labels-idx1-ubyte", np.minimum(train_labels, 8))
    result = run("--mnist-dir", str(tmp_path), "--epochs", "1", "--device", "cpu", "--hidden", "8",
                 "--save", str(tmp_path / "ckpt.pt"))
    assert result["confusion"].shape == (10, 10)
    fake_mnist(tmp_path, test_labels=[12, 0] * 10)
    message = fails(capsys, "--mnist-dir", str(tmp_path), "--hidden", "8", "--resume", str(tmp_path / "ckpt.pt"))
    assert "test labels range over 0..12, but the model in" in message and "has 10 classes" in message


@pytest.mark.parametrize("change,message", [
    ({"side": (28, 20)}, "train images are 28x20 pixels but test images are 20x28"),
    ({"n_train": 9}, "train has 9 images: at least 10 are needed"),
    ({"labels_dtype": np.float32}, "train labels are >f4, not integers"),
    ({"labels_dtype": np.int8, "test_labels": [-1, 3] * 10}, "test labels range over -1..3"),
    ({"n_test": 0}, "the t10k files hold no images"),
])
def test_bad_datasets_are_one_error_line(tmp_path, capsys, change, message):
    fake_mnist(tmp_path, **change)
    assert message in fails(capsys, "--mnist-dir", str(tmp_path))


def test_a_problem_on_any_rank_stops_all_ranks(monkeypatch):
    """Under mpiexec the ranks share their problems, so one rank missing its data stops them all."""
    monkeypatch.setattr(train_mlp.dist, "is_initialized", lambda: True)
    monkeypatch.setattr(train_mlp.dist, "get_world_size", lambda: 3)
    monkeypatch.setattr(train_mlp.dist, "all_gather_object", lambda out, obj: out.__setitem__(
        slice(None), [None, "no MNIST files here", obj]))
    assert train_mlp.agree(None) == "rank 1: no MNIST files here"
    monkeypatch.setattr(train_mlp.dist, "all_gather_object", lambda out, obj: out.__setitem__(slice(None), [None] * 3))
    assert train_mlp.agree(None) is None


# ------------------------------------------------------------------ issue 13: under mpiexec
MPIEXEC = shutil.which("mpiexec", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")


@pytest.mark.skipif(MPIEXEC is None, reason="no mpiexec: pip install 'minigrad-nn[distributed]'")
@pytest.mark.parametrize("n", [2, 3])
def test_mpiexec_trains_data_parallel_and_rank_0_alone_reports(tmp_path, n):
    ckpt, plot = tmp_path / "ckpt.pt", tmp_path / "curves.png"
    cmd = [MPIEXEC, "-n", str(n), sys.executable, str(EXAMPLES / "train_mlp.py"), "--device", "cpu", "--epochs", "2",
           "--hidden", "32", "--batch-size", "16", "--lr", "0.005", "--save", str(ckpt)]
    proc = subprocess.run(cmd + (["--plot", str(plot)] if n == 2 else []), capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("device: cpu") == 1 and f"{n} ranks, batch 16 each" in proc.stdout
    assert proc.stdout.count("test accuracy") == 1 and proc.stdout.count("epoch   2/2") == 1
    assert float(proc.stdout.split("test accuracy ")[1].split()[0]) >= 0.8
    # the checkpoint is a single-process one: resume it without mpiexec
    resumed = run("--epochs", "3", "--device", "cpu", "--hidden", "32", "--resume", str(ckpt))
    assert [h["epoch"] for h in resumed["history"]] == [1, 2, 3]
    if n == 2:  # (process start-up dominates these tests: the rest once)
        assert plot.exists()
        bad = subprocess.run([*cmd[:5], "--lr", "nan"], capture_output=True, text=True, timeout=300)
        assert bad.returncode == 2 and bad.stderr.count("error: ") == 1, bad.stderr


@pytest.mark.skipif(MPIEXEC is None, reason="no mpiexec: pip install 'minigrad-nn[distributed]'")
@pytest.mark.parametrize("device", DEVICES[1:])
def test_mpiexec_on_cuda_gives_each_rank_a_gpu_of_its_machine(device):
    cmd = [MPIEXEC, "-n", "2", sys.executable, str(EXAMPLES / "train_mlp.py"), "--device", device, "--epochs", "1",
           "--subset", "64", "--hidden", "8", "--batch-size", "16", "--quiet"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)  # (the environment says: real or sim)
    assert proc.returncode == 0, proc.stderr
    assert "device: cuda:0 | data: digits 64/180/180" in proc.stdout and "2 ranks" in proc.stdout
