"""Tests of models/io.py: the weights file (.npz) round trip, atomic writes, and refusals."""

from __future__ import annotations

import os

import numpy as np
import pytest

from groups import parse_group
from models.io import WeightsFileError, save_weights
from models.network import load_npz


def _weights(d=7, q=4, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((q, d)), rng.standard_normal((q, d)), rng.standard_normal((d, q))


def _leftovers(folder):
    return [f for f in os.listdir(folder) if f.endswith(".tmp") or f.startswith(".")]


def test_round_trip_exact_with_meta(tmp_path):
    W = _weights()
    path = save_weights(tmp_path / "w.npz", "Z7", *W, seed=3, seeding="default", train_frac=0.9,
                        arr=np.arange(3), f=np.float64(0.5))
    w = load_npz(path, "z7")
    assert w.group == parse_group("Z7") and w.d == 7 and w.q == 4
    for a, b in zip(W, (w.W_a, w.W_b, w.W_c)):
        assert a.dtype == b.dtype == np.float64
        np.testing.assert_array_equal(a, b)
    assert w.meta == {"seed": 3, "seeding": "default", "train_frac": 0.9, "arr": [0, 1, 2], "f": 0.5}
    assert load_npz(path).group == parse_group("Z7")  # group optional
    assert _leftovers(tmp_path) == []


def test_round_trip_torch_and_product_group(tmp_path):
    import torch

    W = [torch.as_tensor(w) for w in _weights(d=8, q=3)]
    path = save_weights(tmp_path / "sub" / "w.npz", "Z2xZ4", *W)
    w = load_npz(path, "2x4")
    np.testing.assert_array_equal(w.W_c, W[2].numpy())
    assert w.meta == {}
    assert [t.dtype for t in w.tensors()] == [torch.float64] * 3


def test_atomic_write_leaves_no_temp_files_and_keeps_old_file_on_failure(tmp_path, monkeypatch):
    W = _weights()
    path = save_weights(tmp_path / "w.npz", "Z7", *W)
    before = path.read_bytes()
    W2 = _weights(seed=1)
    for _ in range(3):
        save_weights(path, "Z7", *W2)
    assert sorted(os.listdir(tmp_path)) == ["w.npz"]
    np.testing.assert_array_equal(load_npz(path).W_a, W2[0])

    save_weights(path, "Z7", *W)

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", boom)
    with pytest.raises(OSError, match="disk full"):
        save_weights(path, "Z7", *W2)
    assert sorted(os.listdir(tmp_path)) == ["w.npz"]  # no temporary file left behind
    assert path.read_bytes() == before  # the old file is untouched


def test_save_refuses_bad_input(tmp_path):
    W_a, W_b, W_c = _weights()
    with pytest.raises(WeightsFileError, match=".npz"):
        save_weights(tmp_path / "w.txt", "Z7", W_a, W_b, W_c)
    with pytest.raises(WeightsFileError, match="NaN"):
        save_weights(tmp_path / "w.npz", "Z7", W_a * np.nan, W_b, W_c)
    with pytest.raises(WeightsFileError, match="shape"):
        save_weights(tmp_path / "w.npz", "Z8", W_a, W_b, W_c)
    assert os.listdir(tmp_path) == []


def _raw(path, **arrays):
    np.savez(path, **arrays)
    return path


def _bad_files(tmp_path):
    """name -> (path, expected message fragment); shared with the CLI tests."""
    W_a, W_b, W_c = _weights()
    g = np.array("Z7")
    out = {}
    out["missing"] = (tmp_path / "nope.npz", "no such file")
    txt = tmp_path / "text.npz"
    txt.write_text("this is not a zip archive\n")
    out["not_npz"] = (txt, "not an .npz")
    out["missing_arrays"] = (_raw(tmp_path / "noc.npz", W_a=W_a, W_b=W_b, group=g), "missing array(s) W_c")
    out["missing_group"] = (_raw(tmp_path / "nog.npz", W_a=W_a, W_b=W_b, W_c=W_c), "missing array(s) group")
    out["wrong_shape"] = (_raw(tmp_path / "shape.npz", W_a=W_a, W_b=W_b[:, :5], W_c=W_c, group=g), "W_b has shape")
    out["wrong_shape_c"] = (_raw(tmp_path / "shapec.npz", W_a=W_a, W_b=W_b, W_c=W_c.T, group=g), "W_c has shape")
    out["not_2d"] = (_raw(tmp_path / "nd.npz", W_a=W_a[None], W_b=W_b, W_c=W_c, group=g), "2-D")
    nan = W_c.copy()
    nan[1, 2] = np.nan
    out["nan"] = (_raw(tmp_path / "nan.npz", W_a=W_a, W_b=W_b, W_c=nan, group=g), "NaN or Inf")
    inf = W_a.copy()
    inf[0, 0] = np.inf
    out["inf"] = (_raw(tmp_path / "inf.npz", W_a=inf, W_b=W_b, W_c=W_c, group=g), "NaN or Inf")
    obj = np.empty((4, 7), dtype=object)
    obj[:] = 1.0
    out["pickled"] = (_raw(tmp_path / "obj.npz", W_a=obj, W_b=W_b, W_c=W_c, group=g), "unreadable")
    out["complex"] = (_raw(tmp_path / "cplx.npz", W_a=W_a + 1j, W_b=W_b, W_c=W_c, group=g), "real numbers")
    out["bad_group"] = (_raw(tmp_path / "grp.npz", W_a=W_a, W_b=W_b, W_c=W_c, group=np.array("Z1")), "grp.npz")
    out["group_not_str"] = (_raw(tmp_path / "grpn.npz", W_a=W_a, W_b=W_b, W_c=W_c, group=np.array(7)), "string spec")
    return out


BAD = ("missing", "not_npz", "missing_arrays", "missing_group", "wrong_shape", "wrong_shape_c", "not_2d",
       "nan", "inf", "pickled", "complex", "bad_group", "group_not_str")


@pytest.mark.parametrize("case", BAD)
def test_load_refuses(tmp_path, case):
    path, fragment = _bad_files(tmp_path)[case]
    with pytest.raises(WeightsFileError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        load_npz(path)


def test_load_refuses_group_mismatch_and_directory(tmp_path):
    path = save_weights(tmp_path / "w.npz", "Z6", *_weights(d=6))
    with pytest.raises(WeightsFileError, match="file is for group Z6, not Z7"):
        load_npz(path, "Z7")
    # isomorphic but a different factorisation: refused too (same factorisation required)
    with pytest.raises(WeightsFileError, match="not Z2xZ3"):
        load_npz(path, "Z2xZ3")
    with pytest.raises(WeightsFileError, match="directory"):
        load_npz(tmp_path)


def test_any_meta_key_is_stored_even_the_parameters_names(tmp_path):
    """save_weights' first five parameters are positional-only: meta keys path, group, W_a, W_b
    and W_c are meta like any other (a Network with such meta saves)."""
    from models.network import Network

    meta = {"path": "runs/a", "group": "Z9", "W_a": [1, 2], "W_b": None, "W_c": "scaled", "meta": {"nested": True}}
    path = save_weights(tmp_path / "w.npz", "Z7", *_weights(), **meta)
    assert dict(load_npz(path).meta) == meta and load_npz(path).group == parse_group("Z7")
    net = Network("Z7", *_weights(), meta=meta)
    assert dict(load_npz(net.save(tmp_path / "net.npz")).meta) == meta


def test_a_network_saved_without_meta_keeps_its_own(tmp_path):
    from models.network import Network

    net = Network("Z7", *_weights(), meta={"seed": 4, "note": "mine", 3: "a non-string key"})
    assert dict(load_npz(save_weights(tmp_path / "own.npz", net)).meta) == {"seed": 4, "note": "mine", "3": "a non-string key"}
    assert dict(load_npz(save_weights(tmp_path / "given.npz", net, seed=5)).meta) == {"seed": 5}  # given meta replaces it
    assert dict(load_npz(net.save(tmp_path / "save.npz")).meta) == dict(load_npz(tmp_path / "own.npz").meta)
    with pytest.raises(TypeError, match="not both"):
        save_weights(tmp_path / "both.npz", net, *net.weights)


def test_state_dict_checks_files_without_shadowing_safe_files(tmp_path):
    """models.state_dict names its weights-file check check_weights_file; check_regular_file is
    models.safe_files' one function (no wrapper under the same name)."""
    import models.safe_files
    import models.state_dict

    assert models.state_dict.check_regular_file is models.safe_files.check_regular_file
    path = save_weights(tmp_path / "w.npz", "Z7", *_weights())
    assert models.state_dict.check_weights_file(path) == path
    with pytest.raises(WeightsFileError, match="weights file"):
        models.state_dict.check_weights_file(tmp_path)  # a folder
    with pytest.raises(WeightsFileError, match="weights file"):
        models.state_dict.check_weights_file(path, max_bytes=10)
