"""Jobs on any finite group: train, compare, loss, groups, construct/bounds refusals, reference
seeding of the reference collection format, and a 1-based table file whose identity is not at 0.

Expected values come from independent constructions written here (the reference collection
script's model, permutation products by hand), never from the code under test."""

from __future__ import annotations

import itertools
import json
import math
import random
import subprocess
import sys

import numpy as np
import pytest
import torch
from torch import nn

import cogs
from groups import parse_group
from models.training import TrainConfig
from models.training.trainer import initial_state


def _cogs(*args, **kw):
    return subprocess.run([sys.executable, "-m", "cogs.cli.main", *args], capture_output=True, text=True, **kw)


def _s3_relabelled(perm):
    """S3 by hand ((g·h)(i) = g(h(i)), one-line notation), relabelled by ``perm``: element e
    of the lexicographic order gets label perm[e]; returns (table, identity label)."""
    P = list(itertools.permutations(range(3)))
    T = np.empty((6, 6), dtype=np.int64)
    for a, g in enumerate(P):
        for b, h in enumerate(P):
            T[perm[a], perm[b]] = perm[P.index(tuple(g[h[i]] for i in range(3)))]
    return T, perm[0]


@pytest.fixture()
def s3_file(tmp_path):
    """A reference-format .jsonl collection: S3 1-based with its identity at index 3 (0-based)."""
    perm = [3, 0, 5, 1, 4, 2]
    T, e = _s3_relabelled(perm)
    rec = {"name": "S3relabelled", "order": 6, "smallgroup_id": 1, "num_irreps": 3, "irrep_degrees": [1, 1, 2],
           "table": (T + 1).tolist(), "index_base": 1}
    other = {"name": "Z2", "order": 2, "table": [[1, 2], [2, 1]], "index_base": 1}
    path = tmp_path / "groups.jsonl"
    path.write_text(json.dumps(other) + "\n" + json.dumps(rec) + "\n")
    return f"{path}:S3relabelled", T, e


def test_one_based_table_file_with_identity_elsewhere_trains_and_reads(s3_file, tmp_path):
    spec, T, e = s3_file
    G = parse_group(spec)
    assert G.identity == e == 3 and np.array_equal(G.cayley_table(), T)
    out = tmp_path / "run"
    r = _cogs("train", "--group", spec, "--hidden", "12", "--epochs", "40", "--seeds", "1", "--out", str(out), "--json")
    assert r.returncode == 0, r.stderr
    weights = next(out.glob("seed1_*/weights.npz"))
    net = cogs.load(weights)
    assert net.group.identity == 3
    r = _cogs("loss", "--weights", str(weights), "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert math.isclose(sum(doc["parts"].values()), doc["loss"], rel_tol=1e-9)
    # brute force over the file's own table, written here
    W_a, W_b, W_c = net.weights
    loss = 0.0
    for g in range(6):
        for h in range(6):
            o = W_c @ (W_a[:, g] + W_b[:, h]) ** 2
            t = np.eye(6)[T[g, h]]
            res = (o - o.mean()) - (t - t.mean())
            loss += res @ res
    assert math.isclose(doc["loss"], loss / 36, rel_tol=1e-9)


def test_reference_seeding_of_a_collection_group_is_the_collection_scripts(s3_file):
    """The collection script: set_all_seeds(s) (random s, numpy s+1, torch s+2), an
    nn.Embedding(n, n), one nn.Linear(2n, q) for both operands, nn.Linear(q, n); the split is
    RandomState(s).permutation(n²), the first ⌈0.1·n²⌉ pairs tested."""
    spec, _, _ = s3_file
    n, q, seed = 6, 10, 4
    random.seed(seed), np.random.seed(seed + 1), torch.manual_seed(seed + 2)
    nn.Embedding(n, n)
    W = nn.Linear(2 * n, q, bias=False).weight.detach().double()
    V = nn.Linear(q, n, bias=False).weight.detach().double()
    config = TrainConfig(group=spec, q=q, epochs=1, seeds=(seed,), seeding="reference", train_frac=0.9)
    (W_a, W_b, W_c), masks = initial_state(config)
    assert torch.equal(W_a[0], W[:, :n]) and torch.equal(W_b[0], W[:, n:]) and torch.equal(W_c[0], V)
    perm = np.random.RandomState(seed).permutation(n * n)
    want = np.ones(n * n, dtype=bool)
    want[perm[: math.ceil(0.1 * n * n)]] = False
    assert np.array_equal(np.asarray(masks[0]), want)
    # a named group keeps the paper scripts' recipe (three Linear layers)
    (A, _, _), _ = initial_state(TrainConfig(group="S3", q=q, epochs=1, seeds=(seed,), seeding="reference"))
    assert not torch.equal(A[0], W_a[0])


def test_training_on_a_non_abelian_group_is_deterministic_and_batch_independent():
    one = cogs.train("Q8", hidden=8, epochs=25, seeds=[2])
    again = cogs.train("Q8", hidden=8, epochs=25, seeds=[2])
    both = cogs.train("Q8", hidden=8, epochs=25, seeds=[1, 2])
    w = one[0].network.weights
    assert all(np.array_equal(a, b) for a, b in zip(w, again[0].network.weights))
    assert all(np.array_equal(a, b) for a, b in zip(w, both[1].network.weights))


def test_compare_on_a_non_abelian_group_skips_the_abelian_constructions():
    rep = cogs.compare("S3", hidden=12, epochs=30, seeds=[1])
    doc = rep.to_dict()
    assert doc["abelian"] is False and doc["classes"] == 3
    assert [(r["dim"], r["indicator"]) for r in doc["irreps"]] == [(1, 1), (1, 1), (2, 1)]
    rows = {c["strategy"]: c for c in doc["constructed"]}
    assert all("needs a finite Abelian group" in rows[s]["skipped"] for s in ("f6", "f46"))
    assert rows["auto"]["order"] == 16 and rows["auto"]["loss"] < 1e-20  # polarize: sign 2 + Strassen 14
    assert rows["memorize"]["order"] == 36 and rows["memorize"]["loss"] < 1e-20
    assert "complex_orbits" not in doc and "table2" not in doc
    assert "Per seed and real irreducible" in rep.summary()


def test_groups_json_adds_classes_irreps_and_the_table():
    r = _cogs("groups", "Q8", "--json", "--table")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["abelian"] is False and doc["classes"] == 5 and doc["order"] == 8
    assert sorted((x["dim"], x["indicator"]) for x in doc["irreps"]) == [(1, 1)] * 4 + [(2, -1)]
    T = np.array(doc["table"])
    # Q8 = Dic2: a^i x^j at i + 4j, x² = a², x a x⁻¹ = a⁻¹; check x·a = a³·x and x·x = a²
    assert T[4, 1] == 3 + 4 and T[4, 4] == 2 and T[0].tolist() == list(range(8))
    r = _cogs("groups", "Z6", "--json")
    doc = json.loads(r.stdout)
    assert doc["abelian"] is True and doc["classes"] == 6
    assert [x["indicator"] for x in doc["irreps"]] == [1, 0, 0, 1, 0, 0]  # χ_k real iff 2k = 0 mod 6
    assert doc["complex_orbits"] == 2 and "table" not in doc


@pytest.mark.parametrize("args", [
    ["construct", "--group", "S3", "--strategy", "f46", "--out", "x.npz"],
    ["construct", "--group", "S3", "--strategy", "polarize", "--algorithm", "nope", "--out", "x.npz"],
    ["construct", "--group", "Z7", "--strategy", "polarize", "--out", "x.npz"],
    ["groups", "S3", "--orbits"],
    ["groups", "S3", "--table"],
    ["groups", "SmallGroup(16,15)"],
    ["groups", "SmallGroup(96,1)"],
    ["train", "--group", "Foo3", "--epochs", "1", "--out", "x"],
])
def test_refusals_on_non_abelian_groups_are_one_line(args, tmp_path):
    r = _cogs(*args, cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert not (tmp_path / "x.npz").exists() and not (tmp_path / "x").exists()


def test_discover_finds_an_exact_s3_network_at_order_10_and_reads_it_by_irreps(tmp_path):
    """Direct search on S3 (a group read by irreps): exact at q = 10 (docs/mathematics.md, Any
    finite group; the polarised matrix product needs 18). The certificate uses the four parts."""
    r = _cogs("discover", "--group", "S3", "--order", "10", "--restarts", "4", "--out", str(tmp_path / "d"), "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    cert = json.loads((tmp_path / "d" / "certificate.json").read_text())
    assert doc["converged"] and cert["loss_kappa"] is None and cert["loss_four_parts"] < 1e-24
    net = cogs.load(tmp_path / "d" / "best.npz")
    assert net.order == 10 and float(net.loss()) < 1e-12
    assert doc["explanation"][1].startswith("homes: σ") and "local dimension" in doc["explanation"][3]


def test_a_file_group_is_named_by_its_absolute_path_and_its_weights_carry_the_table(tmp_path, monkeypatch):
    """A relative table-file spec becomes an absolute one, so weights written in one folder read
    in any other; the table travels with the weights (read back once the file is gone), and a
    file whose table changed since is refused in one line."""
    P = list(itertools.permutations(range(3)))
    T = [[P.index(tuple(g[h[i]] for i in range(3))) for h in P] for g in P]
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "s3.json").write_text(json.dumps({"name": "s3", "table": T}))
    monkeypatch.chdir(tmp_path)
    G = parse_group("t/s3.json")
    assert G.spec == str(tmp_path / "t" / "s3.json") and parse_group(G.spec) == G
    r = _cogs("train", "--group", "t/s3.json", "--hidden", "6", "--epochs", "3", "--seeds", "1", "--out", "r")
    assert r.returncode == 0, r.stderr
    weights = next((tmp_path / "r").glob("seed1_*/weights.npz"))
    assert _cogs("loss", "--weights", str(weights), cwd="/").returncode == 0  # from another folder
    (tmp_path / "t" / "s3.json").rename(tmp_path / "t" / "moved.json")
    net = cogs.load(weights)  # the file is gone: the stored table
    assert np.array_equal(net.group.cayley_table(), T)
    (tmp_path / "t" / "s3.json").write_text(json.dumps({"table": np.array(T).T.tolist()}))  # the opposite group
    r = _cogs("loss", "--weights", str(weights))
    assert r.returncode == 2 and "has changed since these weights were written" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_analyze_over_networks_of_several_groups_reads_each_on_its_own(tmp_path):
    rng = np.random.default_rng(0)
    files = []
    for g, n in (("Q8", 8), ("S3", 6)):
        path = tmp_path / f"{g}.npz"
        cogs.Network(g, rng.normal(size=(4, n)), rng.normal(size=(4, n)), rng.normal(size=(n, 4))).save(path)
        files.append(str(path))
    r = _cogs("analyze", "--weights", *files, "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert [len(n["irreps"]) for n in doc["networks"]] == [5, 3]  # Q8: 5 real irreducibles, S3: 3
    assert doc["irrep_order_histogram"]["networks"] == 1  # the histogram is over the first file's group
