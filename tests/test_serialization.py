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
        "cut_header": (raw[:40], "header length field says .* but the file has 40: truncated"),
        "garbage_header": (raw[:8] + b"\xff" * (len(raw) - 8), "not valid JSON"),
        "random": (os.urandom(64), "header length|not valid JSON|truncated"),
    }
    for name, (data, message) in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(CheckpointError, match=message):
            mg.load(tmp_path / name)


def test_save_refuses_unstorable_objects(tmp_path):
    with pytest.raises(TypeError, match="cannot store an object of type set"):
        mg.save({"x": {1, 2}}, tmp_path / "x.safetensors")


# ---------------------------------------------------------------- issue 9: regressions found by fuzzing
def _header_len(path):
    return int.from_bytes(path.read_bytes()[:8], "little")


def test_valid_files_are_never_mistaken_for_pickles_or_zips(tmp_path, monkeypatch):
    """The header length is the first 8 bytes; its low byte 0x80 or low bytes b'PK' must not trip the
    pickle/zip sniffing. Save files whose header length takes every residue mod 256 (and the b'PK'
    residue mod 65536) by growing a name one character at a time."""
    monkeypatch.setattr(os, "fsync", lambda fd: None)  # durability is not under test here: 800 saves
    seen, path = set(), tmp_path / "c.safetensors"
    for n in range(1, 600):
        obj = {"a": mg.ones(2), "b": mg.zeros(0, 3), "x" * n: mg.tensor([n])}
        mg.save(obj, path)
        seen.add(_header_len(path) % 256)
        back = mg.load(path)
        assert back["x" * n].tolist() == [n] and back["b"].shape == (0, 3)
    assert seen >= set(range(0, 256, 8)) and 0x80 in seen  # headers are 8-byte padded: every reachable residue
    pk = int.from_bytes(b"PK", "little")  # 0x4b50, a multiple of 8: a header can have exactly that length
    for length in range(pk - 200, pk + 1):
        mg.save({"k" * length: mg.ones(1)}, path)
        if path.read_bytes()[:2] == b"PK":
            break
    assert path.read_bytes()[:2] == b"PK" and list(mg.load(path)) == ["k" * length]


@pytest.mark.parametrize("low_bytes", [b"\x80", b"PK", b"\x1f\x8b"], ids=["pickle", "zip", "gzip"])
def test_unpadded_headers_whose_length_looks_like_a_signature_load(tmp_path, low_bytes):
    """Writers need not pad the header to 8 bytes, so every residue can occur (the reference loader
    accepts them all): lengths whose low bytes spell a pickle, zip or gzip signature still load."""
    target = int.from_bytes(low_bytes, "little") + (256 if len(low_bytes) == 1 else 65536)
    header = json.dumps({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}).encode()
    header += b" " * (target - len(header))
    path = tmp_path / "u.safetensors"
    path.write_bytes(len(header).to_bytes(8, "little") + header + np.float32(2.5).tobytes())
    assert path.read_bytes()[:len(low_bytes)] == low_bytes
    assert load_file(str(path))["w"].tolist() == [2.5]  # the reference loader agrees it is valid
    assert mg.load(path)["w"].tolist() == [2.5]


@pytest.mark.parametrize("n_layers", [22, 70])
def test_deep_sequential_state_dicts_round_trip(tmp_path, n_layers):
    model = nn.Sequential(*[nn.Linear(3, 3) for _ in range(n_layers)])
    mg.save(model.state_dict(), tmp_path / "m.pth")
    back = mg.load(tmp_path / "m.pth")
    assert list(back) == list(model.state_dict())


def test_files_of_the_safetensors_library_load_for_many_name_lengths(tmp_path):
    path, seen = str(tmp_path / "s.safetensors"), set()
    pk = int.from_bytes(b"PK", "little")
    for n in [*range(1, 300), *range(pk - 120, pk)]:  # every residue mod 256, then up to b"PK"
        arrays = {"w" * n: np.arange(n % 7, dtype=np.float32), "b": np.zeros((2, 0), np.int64)}
        save_file(arrays, path)
        seen.add(_header_len(tmp_path / "s.safetensors") % 65536)
        back = mg.load(path)
        np.testing.assert_array_equal(back["w" * n].numpy(), arrays["w" * n])
        assert back["b"].shape == (2, 0) and back["b"].dtype == mg.int64
    assert {r % 256 for r in seen} >= set(range(0, 256, 8)) and pk in seen  # the library pads to 8 bytes


@pytest.mark.parametrize("obj", [
    None, {}, [], (), {"__metadata__": mg.ones(2)}, {"__metadata__": 1, "w": mg.ones(1)}, mg.arange(3),
    {"tensor": "x"}, {"dict": [1]}, [{"a": ()}, [[]], {}], {1: "int key", "1": "str key"},
    {"t": True, "one": 1, "f": 1.0, "big": 2**80, "neg": -(2**70)}, "just a string",
    {"nan": float("nan"), "inf": float("inf")}, {"ünï": mg.ones(1), "日本": "語"},
    {"same": [mg.zeros(1), mg.ones(1)], "same.0": mg.full((1,), 2.0)},
])
def test_round_trips_are_exact(tmp_path, obj):
    mg.save(obj, tmp_path / "o.pt")
    back = mg.load(tmp_path / "o.pt")

    def same(a, b):
        if isinstance(a, mg.Tensor):
            return isinstance(b, mg.Tensor) and a.dtype == b.dtype and a.tolist() == b.tolist()
        if isinstance(a, float) and a != a:
            return isinstance(b, float) and b != b
        if isinstance(a, dict):
            return type(b) is dict and list(a) == list(b) and all(same(a[k], b[k]) for k in a)
        if isinstance(a, (list, tuple)):
            return type(a) is type(b) and len(a) == len(b) and all(map(same, a, b))
        return type(a) is type(b) and a == b

    assert same(obj, back), back


def test_whole_modules_are_refused_with_the_state_dict_way(tmp_path):
    with pytest.raises(TypeError, match=r"save\(model.state_dict\(\), path\)"):
        mg.save(_model(), tmp_path / "m.pt")
    assert not list(tmp_path.iterdir())


def test_load_accepts_pytorchs_keywords(tmp_path):
    mg.save(_model().state_dict(), tmp_path / "m.pth")
    assert list(mg.load(tmp_path / "m.pth", map_location="cpu", weights_only=True)) == list(_model().state_dict())


def _with_header(tmp_path, header, data=b""):
    blob = json.dumps(header).encode() if not isinstance(header, bytes) else header
    path = tmp_path / "h.safetensors"
    path.write_bytes(len(blob).to_bytes(8, "little") + blob + data)
    return path


@pytest.mark.parametrize("header,data,message", [
    pytest.param(b"[" * 100000 + b"]" * 100000, b"", "not valid JSON", id="json_nesting_bomb"),
    ({"__metadata__": [1]}, b"", "__metadata__"),
    pytest.param({"__metadata__": {"minigrad": "[" * 50000}}, b"", "structure", id="structure_nesting_bomb"),
    ({"__metadata__": {"minigrad": '{"tensor": "nope"}'}}, b"", "does not contain"),
    ({"__metadata__": {"minigrad": '{"set": []}'}}, b"", "unknown structure node"),
    ({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0.0, 4]}}, b"\0" * 4, "data_offsets"),
    ({"w": {"dtype": "F32", "shape": [1], "data_offsets": ["0", "4"]}}, b"\0" * 4, "data_offsets"),
    ({"w": {"dtype": ["F32"], "shape": [1], "data_offsets": [0, 4]}}, b"\0" * 4, "unsupported dtype"),
    ({"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}, b"\0" * 4, "non-negative"),
    ({"w": {"dtype": "F32", "shape": [True], "data_offsets": [0, 4]}}, b"\0" * 4, "non-negative"),
    ({"w": {"dtype": "F32", "shape": 1e999, "data_offsets": [0, 4]}}, b"\0" * 4, "shape"),
    ({"w": {"dtype": "F32", "shape": [2**32, 2**32], "data_offsets": [0, 0]}}, b"", "needs 73786976294838206464"),
    ({"w": {"dtype": "F64", "shape": [0, 2**62], "data_offsets": [0, 0]}}, b"", "too large"),  # found by the fuzzer
    ({"w": {"dtype": "F64", "shape": [2**64, 0], "data_offsets": [0, 0]}}, b"", "non-negative integers"),
    ({"w": {"dtype": "U8", "shape": [1] * 65, "data_offsets": [0, 1]}}, b"\0", "at most 64"),
    ({"w": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}, b"\0" * 8, "hole"),
    ({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
      "b": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}, b"\0" * 8, "overlap"),
    ({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}, b"\0" * 5, "trailing bytes"),
    ({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}, b"\0" * 3, "truncated"),
    pytest.param(b'{"w": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]}, "w": {"dtype": "U8", "shape": [1], '
                 b'"data_offsets": [0, 1]}}', b"\0", "twice", id="duplicate_names"),
    ({"w": {"dtype": "F32", "shape": [1]}}, b"\0" * 4, "must be an object"),
    ([1, 2], b"", "not a JSON object"),
    ({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
      "b": {"dtype": "F32", "shape": [0], "data_offsets": [4, 4]},
      "c": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}, b"\0" * 4, "overlap"),
    ({"w": {"dtype": "U32", "shape": [1], "data_offsets": [0, 4]}}, b"\0" * 4, "unsupported dtype"),
    pytest.param({"__metadata__": {"minigrad": "[" * 5 + '{"list": []}' + "]" * 5}}, b"", "unexpected list",
                 id="structure_of_bare_lists"),
    pytest.param({"__metadata__": {"minigrad": '{"list": [' * 101 + "1" + "]}" * 101}}, b"", "levels deep",
                 id="structure_deeper_than_save_writes"),
])
def test_malformed_files_raise_only_checkpoint_error(tmp_path, header, data, message):
    path = _with_header(tmp_path, header, data)
    with pytest.raises(CheckpointError, match=message) as info:
        mg.load(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("header,data", [
    pytest.param({"a": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]},
                  "b": {"dtype": "F32", "shape": [1], "data_offsets": [1, 5]}}, b"\7" + np.float32(1.5).tobytes(),
                 id="misaligned_offsets_as_older_minigrad_wrote"),
    pytest.param({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                  "b": {"dtype": "F64", "shape": [0], "data_offsets": [0, 0]}}, np.float32([1, 2]).tobytes(),
                 id="empty_tensor_listed_after_one_at_its_offset"),
    pytest.param({"w": {"dtype": "F32", "shape": [], "data_offsets": [0, 4], "note": 1}}, np.float32(3).tobytes(),
                 id="extra_keys_in_an_entry"),
    pytest.param(b' \n{"w": {"dtype": "I16", "shape": [2], "data_offsets": [0, 4]}} ', np.int16([-1, 7]).tobytes(),
                 id="whitespace_around_the_header"),
    pytest.param({"__metadata__": None}, b"", id="null_metadata"),
])
def test_unusual_but_valid_files_load_as_the_reference_loader_reads_them(tmp_path, header, data):
    path = _with_header(tmp_path, header, data)
    reference = load_file(str(path))
    back = mg.load(path)
    assert sorted(back) == sorted(reference)  # (in the header's order; the library's is by offset)
    for name, array in reference.items():
        assert back[name].numpy().dtype == array.dtype and back[name].numpy().tolist() == array.tolist()


def test_state_dicts_load_back_in_their_own_order(tmp_path):
    """Data is laid out by item size (for alignment) but the header keeps the dict's order."""
    sd = {"a": mg.ones(3, dtype=mg.int32), "b": mg.ones(2, dtype=mg.float64), "c": mg.ones(1, dtype=mg.bool),
          "d": mg.zeros(0, dtype=mg.float16)}
    mg.save(sd, tmp_path / "o.pt")
    assert list(mg.load(tmp_path / "o.pt")) == ["a", "b", "c", "d"]
    assert list(load_file(str(tmp_path / "o.pt"))) == ["b", "a", "d", "c"]  # the library lists by offset


def test_nesting_is_bounded_on_save_and_load(tmp_path):
    from minigrad.serialization import MAX_DEPTH

    deepest = mg.ones(1)
    for _ in range(MAX_DEPTH):
        deepest = [deepest]
    mg.save(deepest, tmp_path / "ok.pt")
    back = mg.load(tmp_path / "ok.pt")
    for _ in range(MAX_DEPTH):
        back = back[0]
    assert back.tolist() == [1.0]
    with pytest.raises(ValueError, match=f"more than {MAX_DEPTH} levels deep"):
        mg.save({"k": deepest}, tmp_path / "deep.pt")
    with pytest.raises(ValueError, match="save: Exceeds the limit"):
        mg.save({"k": 10**5000}, tmp_path / "deep.pt")
    assert not (tmp_path / "deep.pt").exists()


def test_paths_may_be_bytes_but_not_file_objects(tmp_path):
    path = str(tmp_path / "b.pt").encode()
    mg.save({"w": mg.ones(1)}, path)
    assert mg.load(path)["w"].tolist() == [1.0]
    with open(tmp_path / "f.pt", "wb") as f, pytest.raises(TypeError, match="expected a file name.*BufferedWriter"):
        mg.save({"w": mg.ones(1)}, f)
    with open(tmp_path / "b.pt", "rb") as f, pytest.raises(TypeError, match="expected a file name"):
        mg.load(f)


def test_loaded_tensors_own_their_memory(tmp_path):
    """No tensor aliases another or keeps the file's buffer alive (one small tensor of a big file
    must not hold the big file)."""
    import tracemalloc

    mg.save({"big": mg.zeros(4_000_000), "small": mg.ones(10)}, tmp_path / "b.safetensors")
    size = (tmp_path / "b.safetensors").stat().st_size
    tracemalloc.start()
    back = mg.load(tmp_path / "b.safetensors")
    peak = tracemalloc.get_traced_memory()[1]
    small = back["small"]
    del back
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert peak <= size + 64 * 1024  # never the file plus a second copy of it
    assert held < 64 * 1024  # the small tensor alone: the big one's memory is gone
    assert small._data.base is None or small._data.base.size == 10


def test_save_writes_the_tensors_memory_without_copying_it(tmp_path):
    import tracemalloc

    big = mg.zeros(4_000_000)  # 16 MB
    tracemalloc.start()
    mg.save({"big": big, "small": mg.ones(3)}, tmp_path / "b.pt")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 1 << 20  # the header and bookkeeping, not a second 16 MB


def test_save_errors_name_the_users_path(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match="missing.*does not exist"):
        mg.save({"w": mg.ones(1)}, tmp_path / "missing" / "m.pt")
    (tmp_path / "file").write_bytes(b"x")
    with pytest.raises(NotADirectoryError, match="file' is not a folder"):
        mg.save({"w": mg.ones(1)}, tmp_path / "file" / "m.pt")
    (tmp_path / "folder").mkdir()
    with pytest.raises(IsADirectoryError, match=f"cannot save to '{tmp_path / 'folder'}'"):
        mg.save({"w": mg.ones(1)}, tmp_path / "folder")

    def denied(*args, **kwargs):  # what a folder without write permission gives (root can write anywhere)
        raise PermissionError(13, "Permission denied", str(tmp_path / ".m.pt.minigrad-tmp-xyz"))

    monkeypatch.setattr("tempfile.mkstemp", denied)
    with pytest.raises(PermissionError, match=f"cannot save to '{tmp_path / 'm.pt'}': Permission denied") as info:
        mg.save({"w": mg.ones(1)}, tmp_path / "m.pt")
    assert "minigrad-tmp" not in str(info.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "folder"]  # no temporary file left


def test_destinations_that_are_not_regular_files_are_written_in_place(tmp_path):
    """`mg.save(obj, "/dev/null")` must not replace /dev/null with a file: like open(path, "wb"), a
    device or a named pipe is written into."""
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    mg.save({"w": mg.full((3,), 2.0)}, fifo)
    reader.join(timeout=30)
    assert stat.S_ISFIFO(fifo.stat().st_mode) and received, "the pipe was replaced, not written"
    (tmp_path / "copy.pt").write_bytes(received[0])
    assert mg.load(tmp_path / "copy.pt")["w"].tolist() == [2.0, 2.0, 2.0]


def test_save_keeps_permissions_and_follows_symlinks(tmp_path):
    path = tmp_path / "m.pt"
    mg.save({"w": mg.ones(1)}, path)
    assert path.stat().st_mode & 0o777 == 0o666 & ~_umask()  # like open(path, "wb"), not mkstemp's 0600
    path.chmod(0o640)
    mg.save({"w": mg.zeros(1)}, path)
    assert path.stat().st_mode & 0o777 == 0o640
    link = tmp_path / "latest.pt"
    link.symlink_to(path)
    mg.save({"w": mg.full((1,), 7.0)}, link)
    assert link.is_symlink() and mg.load(path)["w"].tolist() == [7.0]


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_stale_temp_files_of_killed_saves_are_cleaned(tmp_path):
    """A save killed with SIGKILL mid-write leaves its temp file; the next save to the folder removes it
    (only ours: by our naming, and only when the writing process is gone)."""
    import signal
    import subprocess
    import sys
    import time

    code = ("import minigrad as mg, sys\nt = mg.zeros(20_000_000)\n"
            "while True: mg.save({'w': t}, sys.argv[1])\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "big.pt")])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any(".minigrad-tmp-" in p.name for p in tmp_path.iterdir()):
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    other = tmp_path / "not-ours.tmp"
    other.write_bytes(b"x")
    dead = proc.pid  # gone now; a temp file of the same pid written from another machine (shared folder)
    foreign = tmp_path / f".big.pt.minigrad-tmp-otherhost-{dead}-abc123"
    foreign.write_bytes(b"x")
    orphans = [p for p in tmp_path.iterdir() if ".minigrad-tmp-" in p.name]
    assert orphans, "the kill did not land mid-save; nothing to clean"
    mg.save({"w": mg.ones(1)}, tmp_path / "small.pt")
    assert [p for p in tmp_path.iterdir() if ".minigrad-tmp-" in p.name] == [foreign]
    assert other.exists()  # not ours: untouched
    if (tmp_path / "big.pt").exists():  # the destination is a whole checkpoint (old or new), never half
        assert mg.load(tmp_path / "big.pt")["w"].shape == (20_000_000,)


def test_a_text_file_is_called_not_safetensors_not_truncated(tmp_path):
    path = tmp_path / "passwd"
    path.write_text("root:x:0:0:root:/root:/bin/bash\n" * 40)
    with pytest.raises(CheckpointError, match=r"not a safetensors file: .* b'root:x:0'"):
        mg.load(path)
