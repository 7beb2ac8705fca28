"""A seeded fuzzer for mg.load: valid checkpoints, mutated (flipped bytes, truncations, appended bytes,
length-field edits, hostile values spliced into the JSON header and into the structure metadata).
Every case must either load or raise CheckpointError — no other exception, no hang, and no allocation
beyond the file's size (traced with tracemalloc, in every case).
`python tests/test_checkpoint_fuzz.py [N]` prints the counts by outcome."""

import collections
import json
import random
import sys
import tracemalloc

import numpy as np

import minigrad as mg
from minigrad import nn, optim
from minigrad.serialization import CheckpointError

HOSTILE = [None, True, -1, 0, 1, 2**31, 2**63, 2**64 + 3, -(2**70), 1.5, 1e308, float("nan"), "", "F32", "BF16",
           "x" * 50, [], [0], [-1, 4], [4, 0], [0, 2**62], [2**32, 2**32], [[1]], {}, {"tensor": "0.weight"},
           {"dict": [[1, 2]]}, {"list": 5}, [1, 2, 3], [True, False]]


def _originals():
    """Valid checkpoints of every kind save writes: (object, bytes)."""
    mg.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    opt = optim.Adam(model.parameters())
    model(mg.randn(2, 3)).sum().backward()
    opt.step()
    objects = [
        model.state_dict(),
        {"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 3, "history": [{"loss": 0.5}]},
        {str(d): mg.tensor([1, 0, 1], dtype=d) for d in (mg.float16, mg.float64, mg.int32, mg.bool, mg.uint8)},
        {"empty": mg.zeros(0, 3), "scalar": mg.tensor(2.5), "nested": ([mg.ones(2)], {"k": None})},
        mg.arange(5),
    ]
    return objects


def _blobs(tmp_path):
    out = []
    for i, obj in enumerate(_originals()):
        path = tmp_path / f"orig{i}.pt"
        mg.save(obj, path)
        out.append(path.read_bytes())
    return out


def _split(raw):
    n = int.from_bytes(raw[:8], "little")
    return json.loads(raw[8:8 + n]), raw[8 + n:]


def _join(header, data):
    blob = json.dumps(header).encode()
    return len(blob).to_bytes(8, "little") + blob + data


def _leaves(obj, path=()):
    """Every (path, value) inside nested dicts and lists."""
    yield path, obj
    items = obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(obj, list) else ()
    for k, v in items:
        yield from _leaves(v, (*path, k))


def _set(obj, path, value):
    for k in path[:-1]:
        obj = obj[k]
    obj[path[-1]] = value


def mutate(raw, rng):
    """(kind, mutated bytes) — one random mutation of a valid file."""
    kind = rng.choice(["flip", "flip_header", "truncate", "append", "length", "header_value", "header_key",
                       "structure"])
    b = bytearray(raw)
    n = int.from_bytes(raw[:8], "little")
    if kind == "flip":
        for _ in range(rng.randint(1, 4)):
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
    elif kind == "flip_header":
        b[8 + rng.randrange(n)] ^= 1 << rng.randrange(8)
    elif kind == "truncate":
        del b[rng.randrange(len(b)):]
    elif kind == "append":
        b += bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    elif kind == "length":
        length = rng.choice([rng.randrange(2**64), (n + rng.randint(-16, 16)) % 2**64, len(b), 2**63])
        b[:8] = length.to_bytes(8, "little")
    else:
        header, data = _split(raw)
        if kind == "structure":
            meta = header.get("__metadata__", {})
            if "minigrad" not in meta:
                meta["minigrad"] = json.dumps({"tensor": "missing"})
            structure = json.loads(meta["minigrad"])
            path, _ = rng.choice(list(_leaves(structure)))
            if path:
                _set(structure, path, rng.choice(HOSTILE))
            else:
                structure = rng.choice(HOSTILE)
            meta["minigrad"] = json.dumps(structure)
            header["__metadata__"] = meta
        else:
            paths = [p for p, _ in _leaves(header) if p and p[0] != "__metadata__"]
            path = rng.choice(paths) if paths else ("x",)
            if kind == "header_value":
                _set(header, path, rng.choice(HOSTILE))
            else:  # rename or duplicate-ish keys, drop fields
                entry = header.get(path[0])
                if isinstance(entry, dict) and entry:
                    del entry[rng.choice(list(entry))]
                header[rng.choice(["__metadata__", "", path[0] + "_"])] = rng.choice(HOSTILE)
        b = bytearray(_join(header, data))
    return kind, bytes(b)


def _same(a, b):
    if isinstance(a, mg.Tensor):
        return isinstance(b, mg.Tensor) and a.dtype == b.dtype and np.array_equal(a.numpy(), b.numpy())
    if isinstance(a, dict):
        return isinstance(b, dict) and list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    return a == b


def run(cases, tmp_path, seed=0):
    rng = random.Random(seed)
    blobs = _blobs(tmp_path)
    originals = [mg.load(tmp_path / f"orig{i}.pt") for i in range(len(blobs))]
    counts = collections.Counter()
    for case in range(cases):
        i = rng.randrange(len(blobs))
        kind, data = mutate(blobs[i], rng)
        # a new file per case: rewriting one file makes ext4 flush it on close (auto_da_alloc), 3 ms a case
        path = tmp_path / f"case{case}.pt"
        path.write_bytes(data)
        tracemalloc.start()
        try:
            loaded = mg.load(path)
            outcome = "loaded"
        except CheckpointError as e:
            outcome, loaded = "CheckpointError", None
            assert str(path) in str(e)
        except Exception as e:  # noqa: BLE001 — the point: nothing else may escape
            raise AssertionError(f"case {case} ({kind}) raised {type(e).__name__}: {e}") from e
        finally:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        # nothing beyond the file's size (64 KiB for the Python objects of parsing a header)
        assert peak <= len(data) + 64 * 1024, f"case {case} ({kind}): peak {peak} for {len(data)} bytes"
        if data == blobs[i]:
            assert _same(originals[i], loaded), f"case {case}: an unchanged file loaded differently"
            outcome = "unchanged: loaded exactly"
        counts[(kind, outcome)] += 1
        path.unlink()
    return counts


def test_fuzzed_checkpoints_load_or_raise_checkpoint_error(tmp_path):
    counts = run(5000, tmp_path)
    assert sum(counts.values()) == 5000
    by_outcome = collections.Counter()
    for (_, outcome), n in counts.items():
        by_outcome[outcome] += n
    assert by_outcome["CheckpointError"] > 2000 and by_outcome["loaded"] > 100  # both paths exercised


if __name__ == "__main__":
    import pathlib
    import tempfile

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    with tempfile.TemporaryDirectory() as d:
        counts = run(n, pathlib.Path(d))
    for (kind, outcome), k in sorted(counts.items()):
        print(f"{kind:14} {outcome:26} {k:6}")
    total = collections.Counter()
    for (_, outcome), k in counts.items():
        total[outcome] += k
    print(dict(total))
