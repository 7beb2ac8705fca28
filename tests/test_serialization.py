"""Checkpoints: round trips, PyTorch-style safetensors interop, atomic writes, hostile files."""

import json
import os
import pickle

import numpy as np
import pytest
from conftest import DEVICES, host
from safetensors.numpy import load_file, save_file

import minigrad as mg
from minigrad import nn, optim
from minigrad.serialization import CheckpointError


def _model():
    mg.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))


def test_state_dict_is_a_plain_safetensors_file(tmp_path):
    model = _model()
    path = tmp_path / "model.safetensors"
    mg.save(model.state_dict(), path)
    arrays = load_file(str(path))  # the reference reader sees an ordinary state dict
    assert set(arrays) == {"0.weight", "0.bias", "2.weight", "2.bias"}
    np.testing.assert_array_equal(arrays["0.weight"], model[0].weight.data)
    loaded = mg.load(path)
    assert list(loaded) == list(model.state_dict())


def test_full_checkpoint_round_trip(tmp_path):
    model = _model()
    opt = optim.Adam(model.parameters(), lr=0.01)
    model(mg.randn(5, 4)).sum().backward()
    opt.step()
    ckpt = {"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 7,
            "note": "résumé", "history": [0.5, 0.25], "pair": (1, None), "flag": True}
    mg.save(ckpt, tmp_path / "ckpt.safetensors")
    back = mg.load(tmp_path / "ckpt.safetensors")
    assert back["epoch"] == 7 and back["note"] == "résumé" and back["history"] == [0.5, 0.25]
    assert back["pair"] == (1, None) and back["flag"] is True
    assert back["optimizer"]["param_groups"][0]["betas"] == (0.9, 0.999)
    assert set(back["optimizer"]["state"]) == {0, 1, 2, 3}  # int keys survive
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(back["model"][k].data, v.data)
    opt2 = optim.Adam(_model().parameters())
    opt2.load_state_dict(back["optimizer"])
    np.testing.assert_array_equal(opt2.state[opt2.param_groups[0]["params"][0]]["exp_avg"].data,
                                  opt.state[opt.param_groups[0]["params"][0]]["exp_avg"].data)


def test_dtypes_round_trip(tmp_path):
    tensors = {str(d): mg.tensor([1, 0, 1], dtype=d) for d in
               (mg.float16, mg.float32, mg.float64, mg.int32, mg.int64, mg.bool, mg.uint8)}
    mg.save(tensors, tmp_path / "d.safetensors")
    back = mg.load(tmp_path / "d.safetensors")
    for k, t in tensors.items():
        assert back[k].dtype == t.dtype and back[k].tolist() == t.tolist()


def test_pytorch_style_safetensors_weights_give_the_same_outputs(tmp_path):
    # What `safetensors.torch.save_file(model.state_dict(), path)` writes for this architecture,
    # produced with the safetensors library alone; outputs computed by the formula in NumPy.
    rng = np.random.default_rng(0)
    shapes = {"0.weight": (8, 4), "0.bias": (8,), "2.weight": (3, 8), "2.bias": (3,)}
    weights = {k: rng.standard_normal(s).astype(np.float32) for k, s in shapes.items()}
    path = str(tmp_path / "torch_model.safetensors")
    save_file(weights, path, metadata={"format": "pt"})
    model = _model()
    model.load_state_dict(mg.load(path))
    x = rng.standard_normal((5, 4)).astype(np.float32)
    h = np.maximum(x @ weights["0.weight"].T + weights["0.bias"], 0)
    expected = h @ weights["2.weight"].T + weights["2.bias"]
    np.testing.assert_allclose(model(mg.tensor(x)).data, expected, rtol=1e-5, atol=1e-5)


def test_bfloat16_weights_load_as_float32(tmp_path):
    values = np.array([1.0, -2.5, 3.140625], np.float32)
    bf16 = (values.view(np.uint32) >> 16).astype(np.uint16)
    header = json.dumps({"w": {"dtype": "BF16", "shape": [3], "data_offsets": [0, 6]}}).encode()
    (tmp_path / "bf.safetensors").write_bytes(len(header).to_bytes(8, "little") + header + bf16.tobytes())
    np.testing.assert_array_equal(mg.load(tmp_path / "bf.safetensors")["w"].data, values)


@pytest.mark.parametrize("device", DEVICES)
def test_device_tensors_are_saved_as_host_copies_and_mapped_back(tmp_path, device):
    t = mg.randn(3, device=device)
    mg.save({"t": t}, tmp_path / "t.safetensors")
    assert mg.load(tmp_path / "t.safetensors")["t"].device == mg.device("cpu")
    back = mg.load(tmp_path / "t.safetensors", map_location=device)
    assert back["t"].device == t.device and host(back["t"]).tolist() == host(t).tolist()


def test_save_is_atomic_when_writing_fails(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.safetensors"
    mg.save({"w": mg.ones(3)}, path)
    before = path.read_bytes()

    def crash(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        mg.save({"w": mg.zeros(3)}, path)
    assert path.read_bytes() == before  # the previous checkpoint is intact
    assert [p.name for p in tmp_path.iterdir()] == ["ckpt.safetensors"]  # no temp file left


def test_pickles_are_refused_without_being_executed(tmp_path):
    class Boom:
        def __reduce__(self):
            return (os.system, ("touch " + str(tmp_path / "pwned"),))

    path = tmp_path / "evil.pt"
    path.write_bytes(pickle.dumps({"w": Boom()}))
    with pytest.raises(CheckpointError, match="pickle.*never unpickles"):
        mg.load(path)
    assert not (tmp_path / "pwned").exists()
    (tmp_path / "zip.pt").write_bytes(b"PK\x03\x04" + b"\0" * 40)
    with pytest.raises(CheckpointError, match="zip archive"):
        mg.load(tmp_path / "zip.pt")


def test_truncated_and_corrupt_files_are_refused(tmp_path):
    path = tmp_path / "m.safetensors"
    mg.save(_model().state_dict(), path)
    raw = path.read_bytes()
    cases = {
        "short": (raw[:5], "truncated"),
        "cut_data": (raw[:-10], "truncated"),
        "cut_header": (raw[:40], "exceeds the file size"),
        "garbage_header": (raw[:8] + b"\xff" * (len(raw) - 8), "not valid JSON"),
        "random": (os.urandom(64), "header length|not valid JSON|truncated"),
    }
    for name, (data, message) in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(CheckpointError, match=message):
            mg.load(tmp_path / name)


def test_save_refuses_unstorable_objects(tmp_path):
    with pytest.raises(TypeError, match="cannot store a set"):
        mg.save({"x": {1, 2}}, tmp_path / "x.safetensors")
