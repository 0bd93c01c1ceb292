"""cogs.discovery and `cogs discover`: finds known exact minimisers from fixed seeds (fixed
budgets of rounds and steps, never a time limit), is deterministic, its LM step is the damped
Gauss–Newton step, bad input is one line, and saved files reproduce the run."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from cogs.discovery import EngineConfig, discover, memory_estimate, scan
from cogs.discovery.init import initial_thetas, node_contributions
from cogs.discovery.lm import dense_normal_equations, lm_step, loss_and_grad, normal_equations
from cogs.solver import STRATEGIES
from groups import parse_group
from models.network import load_npz
from models.residuals import jacobian, pack, residuals, unpack
from helpers import loss_ref

# one round: Adam on every restart, LM on the best 16
ONE_ROUND = EngineConfig(max_rounds=1)


def _weights(group, q, runs, seed=0):
    d = parse_group(group).order
    g = torch.Generator().manual_seed(seed)
    r = lambda *s: torch.randn(*s, generator=g, dtype=torch.float64)  # noqa: E731
    return r(runs, q, d) + 0.3, r(runs, q, d) - 0.2, r(runs, d, q)


# --- the LM building blocks ---------------------------------------------------------------


@pytest.mark.parametrize("group, q", [("Z3", 2), ("Z5", 4), ("Z2xZ4", 3), ("Z3xZ3", 5)])
def test_structured_normal_equations_match_the_dense_jacobian(group, q):
    W = _weights(group, q, runs=2)
    A, g, r = normal_equations(group, *W)
    J = jacobian(group, *W)
    rho = residuals(group, *W)
    assert torch.allclose(A, J.transpose(-1, -2) @ J, rtol=1e-12, atol=1e-12)
    assert torch.allclose(g, (J.transpose(-1, -2) @ rho.unsqueeze(-1)).squeeze(-1), rtol=1e-12, atol=1e-12)
    assert torch.equal(r, rho)
    A2, g2, _ = dense_normal_equations(group, *W)
    assert torch.allclose(A, A2, atol=1e-12) and torch.allclose(g, g2, atol=1e-12)


def test_loss_and_grad_match_autograd():
    G, q = parse_group("Z2xZ3"), 4
    theta = pack(*_weights(G, q, runs=3)).requires_grad_()
    loss = (residuals(G, *unpack(theta, q, G.order)) ** 2).sum(-1)
    loss.sum().backward()
    l2, g2 = loss_and_grad(theta.detach(), q, G)
    assert torch.allclose(l2, loss.detach(), rtol=1e-13)
    assert torch.allclose(g2, theta.grad, rtol=1e-11, atol=1e-12)


def test_lm_step_is_the_damped_least_squares_step_and_reduces_the_loss():
    G, q, mu = parse_group("Z3"), 2, 0.05
    theta = pack(*_weights(G, q, runs=1, seed=3)) * 0.5
    loss = (residuals(G, *unpack(theta, q, 3)) ** 2).sum(-1)
    new, new_loss, _, _, ok = lm_step(theta, loss, torch.tensor([mu], dtype=torch.float64), torch.tensor([2.0], dtype=torch.float64), q, G)
    # reference: δ minimises ‖ρ + Jδ‖² + μ‖δ‖², i.e. lstsq of [J; √μ I] δ = [−ρ; 0]
    J = jacobian(G, *unpack(theta, q, 3))[0].numpy()
    rho = residuals(G, *unpack(theta, q, 3))[0].numpy()
    n = J.shape[1]
    delta = np.linalg.lstsq(np.vstack([J, math.sqrt(mu) * np.eye(n)]), np.concatenate([-rho, np.zeros(n)]), rcond=None)[0]
    assert bool(ok[0]) and float(new_loss[0]) < float(loss[0])
    np.testing.assert_allclose((new - theta)[0].numpy(), delta, rtol=1e-8, atol=1e-12)
    W_new = [w.numpy() for w in unpack(new[0], q, 3)]
    assert loss_ref(G, *W_new) == pytest.approx(float(new_loss[0]), rel=1e-10)


def test_lm_step_rejects_an_increase_and_raises_the_damping():
    G, q = parse_group("Z3"), 3
    theta = pack(*_weights(G, q, runs=1, seed=1))
    # a claimed loss below the true one: no step can be accepted
    new, loss, mu, nu, ok = lm_step(theta, torch.tensor([1e-40], dtype=torch.float64), torch.tensor([1e-3], dtype=torch.float64), torch.tensor([2.0], dtype=torch.float64), q, G)
    assert not bool(ok[0]) and torch.equal(new, theta) and float(mu[0]) == pytest.approx(2e-3) and float(nu[0]) == 4.0


# --- discovery ----------------------------------------------------------------------------


@pytest.mark.parametrize("group, q, restarts", [("Z3", 3, 8), ("Z5", 8, 64)])
def test_discover_finds_exact_minimisers(group, q, restarts):
    r = discover(group, q, restarts=restarts, seed=0)
    assert r.converged and r.loss <= 1e-24 and r.stopped == "converged"
    assert r.W_a.shape == (q, r.group.order) and r.W_c.shape == (r.group.order, q) and r.W_a.dtype == np.float64
    assert loss_ref(group, r.W_a, r.W_b, r.W_c) <= 1e-24  # independent enumeration
    assert abs(r.brute_force_loss) < 1e-12 and r.residual_loss <= 1e-24
    assert r.losses.shape == (restarts,) and r.losses.min() == pytest.approx(r.loss, rel=1e-6, abs=1e-30)


def test_same_seed_same_numbers_and_rounds_without_convergence():
    kw = dict(restarts=6, seed=5, config=EngineConfig(adam_epochs=60, lm_iters=5, lm_top=2))
    a, b = discover("Z5", 4, **kw), discover("Z5", 4, **kw)  # q = 4 has no exact minimiser
    assert not a.converged and a.stopped == "exhausted" and a.rounds == 3 and a.polished == 6
    assert np.array_equal(a.losses, b.losses) and np.array_equal(a.W_a, b.W_a) and np.array_equal(a.W_c, b.W_c)
    c = discover("Z5", 4, **{**kw, "seed": 6})
    assert not np.array_equal(a.losses, c.losses)


def test_time_limit_runs_batch_after_batch():
    r = discover("Z3", 2, restarts=2, seed=0, time_limit=1.0, config=EngineConfig(adam_epochs=50, lm_iters=3, lm_top=2))
    assert not r.converged and r.stopped == "time_limit" and r.batches >= 1
    # the limit is a bound: no step starts that would not fit, so it ends just before it
    assert r.losses.shape == (2 * r.batches,) and 0.5 <= r.seconds <= 1.5


def test_progress_and_threads(tmp_path):
    seen = []
    before = torch.get_num_threads()
    discover("Z3", 3, restarts=4, seed=0, threads=1, progress=seen.append, config=ONE_ROUND)
    assert torch.get_num_threads() == before
    assert {"adam", "lm", "done"} <= {s["phase"] for s in seen}
    assert set(seen[-1]) >= {"phase", "round", "best_loss", "converged", "elapsed"} and seen[-1]["converged"] >= 1


@pytest.mark.parametrize(
    "kwargs, needle",
    [
        (dict(q=0), "q (order)"),
        (dict(tol=0.0), "tol"),
        (dict(tol=-1.0), "tol"),
        (dict(tol=float("nan")), "tol"),
        (dict(restarts=0), "restarts"),
        (dict(time_limit=0), "time_limit"),
        (dict(init_from="banana"), "choose from"),
        (dict(init_noise=-0.1), "init_noise"),
        (dict(threads=0), "threads"),
    ],
)
def test_bad_input_is_one_line_value_error(kwargs, needle):
    kw = {"q": 3, **kwargs}
    with pytest.raises(ValueError) as e:
        discover("Z3", **kw)
    msg = str(e.value)
    assert needle in msg and "\n" not in msg
    if "init_from" in kwargs:
        assert all(s in msg for s in STRATEGIES)


def test_memory_estimate_and_refusal():
    m = memory_estimate(8, 12, 64)
    assert m["dense_jacobian"] == 64 * 8**3 * (3 * 12 * 8) * 8 and m["lm_chunk"] >= 1
    with pytest.raises(ValueError, match="GiB.*limit"):
        discover("Z5", 8, restarts=64, config=EngineConfig(max_bytes=1 << 10))


def test_init_from_construction_pads_and_drops_nodes():
    from cogs.solver import construct

    c = construct("Z5", "f46", seed=0)  # order 10
    g = torch.Generator().manual_seed(0)
    th = initial_thetas("Z5", 8, 3, g, init_scale=0.4, init_from="f46", init_noise=0.0)
    W_a, W_b, W_c = (w.numpy() for w in unpack(th[0], 8, 5))
    keep = np.sort(np.argsort(-node_contributions(c.W_a, c.W_b, c.W_c), kind="stable")[:8])
    assert np.array_equal(W_a, c.W_a[keep]) and np.array_equal(W_c, c.W_c[:, keep])
    th = initial_thetas("Z5", 12, 3, g, init_scale=0.4, init_from="f46", init_noise=0.1)
    W_a = unpack(th, 12, 5)[0].numpy()
    assert W_a.shape == (3, 12, 5) and not np.array_equal(W_a[0], W_a[1])
    assert np.abs(W_a[:, :10] - c.W_a).max() < 1.0 and np.abs(W_a[:, 10:]).max() > 0


@pytest.mark.parametrize("strategy", ["auto", "f46"])
def test_discover_from_a_construction(strategy):
    r = discover("Z5", 8, restarts=4, seed=0, init_from=strategy, init_noise=0.1, config=ONE_ROUND)
    assert r.init_from == strategy and np.isfinite(r.loss)
    if strategy == "auto":  # auto builds order 8 on Z5 (the chain): a perturbed exact solution
        assert r.converged


@pytest.mark.skipif("chain" not in STRATEGIES, reason="no chain strategy")
def test_discover_from_the_chain_z7_q12():
    r = discover("Z7", 12, restarts=8, seed=0, init_from="chain", init_noise=0.3, config=ONE_ROUND)
    assert r.converged and loss_ref("Z7", r.W_a, r.W_b, r.W_c) <= 1e-24


def test_scan_z3():
    res = scan("Z3", 2, 4, restarts=8, seed=0)
    assert [r.q for r in res.rows] == [4, 3, 2]
    assert [r.converged for r in res.rows] == [True, True, False]
    assert res.lowest_converged == 3 and not res.stopped_early
    assert "lowest converged order: 3" in res.table()
    early = scan("Z3", 4, 1, restarts=8, seed=0, stop_early=True)
    assert [r.q for r in early.rows] == [4, 3, 2] and early.stopped_early


def test_saved_files_reproduce_the_run(tmp_path):
    r = discover("Z3", 3, restarts=8, seed=2, init_noise=0.2)
    files = r.save(tmp_path / "out")
    w = load_npz(files["weights"], "Z3")
    assert np.array_equal(w.W_a, r.W_a) and np.array_equal(w.W_c, r.W_c)
    m = w.meta
    assert m["q"] == 3 and m["seed"] == 2 and m["restarts"] == 8 and m["converged"] and m["version"]
    cert = json.loads(Path(files["certificate"]).read_text())
    assert cert["loss_form"] == "kappa (general, DC inputs allowed) + brute force"
    assert cert["order"] == 3 and cert["converged"] and cert["loss_kappa"] < 1e-20 and abs(cert["loss_brute_force"]) < 1e-12
    again = discover(
        w.group.spec,
        m["q"],
        restarts=m["restarts"],
        seed=m["seed"],
        tol=m["tol"],
        init_from=m["init_from"],
        init_noise=m["init_noise"],
        time_limit=m["time_limit"],
        config=EngineConfig(**m["engine"]),
    )
    assert np.array_equal(again.W_a, r.W_a) and again.loss == r.loss


# --- the command line ---------------------------------------------------------------------


def test_cli_discover_json(tmp_path, capsys):
    from cogs.cli.main import main

    out = tmp_path / "z3"
    assert main(["discover", "--group", "Z3", "--order", "3", "--restarts", "8", "--out", str(out), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["group"] == "Z3" and doc["q"] == 3 and doc["converged"] and doc["best_loss"] <= 1e-24
    assert abs(doc["brute_force_loss"]) < 1e-12 and doc["seconds"] > 0
    assert Path(doc["files"]["weights"]).exists() and Path(doc["files"]["certificate"]).exists()


def test_cli_scan_table_and_files(tmp_path, capsys):
    from cogs.cli.main import main

    assert main(["discover", "--group", "Z3", "--scan", "2-4", "--restarts", "8", "--out", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "lowest converged order: 3" in text and "q | restarts | " in text
    doc = json.loads((tmp_path / "scan.json").read_text())
    assert [r["q"] for r in doc["rows"]] == [4, 3, 2] and doc["lowest_converged"] == 3
    for q in (4, 3, 2):
        assert (tmp_path / f"q{q}" / "best.npz").exists() and (tmp_path / f"q{q}" / "certificate.json").exists()


def test_cli_not_converged_exits_1(tmp_path, capsys):
    from cogs.cli.main import main

    assert main(["discover", "--group", "Z3", "--order", "2", "--restarts", "4", "--out", str(tmp_path)]) == 1
    assert "converged    no" in capsys.readouterr().out


def test_cli_init_from_f46(tmp_path, capsys):
    from cogs.cli.main import main

    rc = main(["discover", "--group", "Z5", "--order", "8", "--restarts", "16", "--init-from", "f46", "--out", str(tmp_path), "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert rc == (0 if doc["converged"] else 1) and doc["q"] == 8
    assert load_npz(tmp_path / "best.npz").meta["init_from"] == "f46"


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--order", "0"], "q (order)"),
        (["--order", "3", "--tol", "0"], "tol"),
        (["--order", "3", "--tol", "-1"], "tol"),
        (["--order", "3", "--tol", "nan"], "tol"),
        (["--order", "3", "--restarts", "0"], "restarts"),
        (["--order", "3", "--init-from", "banana"], "choose from"),
        (["--order", "3", "--time-limit", "0"], "time_limit"),
        (["--scan", "4to2"], "--scan"),
        (["--order", "3", "--scan", "4-2"], "not both"),
        ([], "--order"),
    ],
)
def test_cli_bad_input_one_line_exit_2(args, needle, tmp_path, capsys):
    from cogs.cli.main import main

    try:
        code = main(["discover", "--group", "Z3", *args, "--out", str(tmp_path / "o")])
    except SystemExit as e:  # argparse's refusals (bad numbers, choices)
        code = e.code
    assert code == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and needle in err[0] and "Traceback" not in err[0]
    assert not (tmp_path / "o").exists()


def test_cli_refuses_empty_out(capsys):
    from cogs.cli.main import main

    assert main(["discover", "--group", "Z3", "--order", "3", "--out", ""]) == 2
    assert "--out" in capsys.readouterr().err


def test_cli_subprocess_error_and_help():
    script = Path(sys.executable).parent / "cogs"
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "cogs.cli.main"]
    p = subprocess.run([*cmd, "discover", "--group", "Z3", "--order", "3", "--tol", "nan", "--out", "x"], capture_output=True, text=True, timeout=300)
    assert p.returncode == 2 and "Traceback" not in p.stderr
    lines = [line for line in p.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "tol" in lines[0]
    h = subprocess.run([*cmd, "discover", "--help"], capture_output=True, text=True, timeout=300)
    assert h.returncode == 0 and "Exit status" in h.stdout and "--scan" in h.stdout


# --- the results behind the command line -------------------------------------------------------


def _without_seconds(doc):
    doc = json.loads(json.dumps(doc))
    doc.pop("seconds", None)
    for row in doc.get("rows", []):
        row.pop("seconds")
    return doc


def test_result_network_documents_and_summary_are_what_the_command_prints(tmp_path, capsys):
    from cogs.cli.main import main

    args = dict(restarts=4, seed=1, tol=1e-24)
    assert main(["discover", "--group", "Z3", "--order", "3", "--restarts", "4", "--seed", "1", "--out",
                 str(tmp_path / "cli"), "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    r = discover("Z3", 3, **args)
    files = r.save(tmp_path / "cli")  # the same folder: the same file names in the document
    assert _without_seconds(r.report(files)) == _without_seconds(cli)
    assert list(r.report(files)) == list(cli)
    # .network carries what best.npz stores
    saved = load_npz(files["weights"])
    assert r.network.isclose(saved, atol=0) and dict(r.network.meta) == r.meta() and "group" not in r.meta()
    assert dict(saved.meta) == json.loads(json.dumps(dict(r.network.meta)))
    # the text: everything but the time
    assert main(["discover", "--group", "Z3", "--order", "3", "--restarts", "4", "--seed", "1", "--out",
                 str(tmp_path / "cli")]) == 0
    text = [line for line in capsys.readouterr().out.splitlines() if not line.startswith("seconds")]
    assert text == [line for line in r.summary(files).splitlines() if not line.startswith("seconds")]
    assert text[-len(r.explanation()):] == r.explanation() and "written      " in r.summary(files)


def test_scan_saves_itself_and_reports_what_the_command_prints(tmp_path, capsys):
    from cogs.cli.main import main

    assert main(["discover", "--group", "Z3", "--scan", "2-3", "--restarts", "4", "--out", str(tmp_path / "cli"),
                 "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    res = scan("Z3", 3, 2, restarts=4, out=tmp_path / "cli")
    assert _without_seconds(res.report()) == _without_seconds(cli)
    assert set(res.files) == {"scan", "q3", "q2"} and (tmp_path / "cli" / "q2" / "best.npz").exists()
    assert res.lowest_converged == 3 and res.network.isclose(load_npz(res.files["q3"]["weights"]), atol=0)
    assert _without_seconds(json.loads((tmp_path / "cli" / "scan.json").read_text())) == _without_seconds(res.to_dict())
    assert res.summary().splitlines()[0] == "cogs discover --scan 3-2 on Z3 (d = 3), 4 restarts per order"
    unsaved = scan("Z3", 3, 3, restarts=4)
    assert unsaved.files is None and unsaved.to_dict()["rows"][0]["q"] == 3
    with pytest.raises(ValueError, match=r"not saved; run scan\(\.\.\., out=DIR\)"):
        unsaved.report()
    with pytest.raises(ValueError, match="exists and is not a folder"):
        scan("Z3", 3, 3, restarts=4, out=tmp_path / "cli" / "scan.json")


def test_discovery_reprs_are_one_short_line():
    res = scan("Z3", 3, 2, restarts=4)
    for obj, start in ((res, "ScanResult(group=Z3, orders=3..2, rows=2"), (res.rows[0], "ScanRow(q=3, "),
                       (res.rows[0].result, "DiscoveryResult(group=Z3, q=3, ")):
        text = repr(obj)
        assert "\n" not in text and len(text) < 120 and "array" not in text and text.startswith(start), text


def test_a_discovery_result_stores_its_best_network_once():
    """The best network is one Network: the result's weights are its read-only arrays, and
    ``.network`` is it with the run's metadata (the group is the network's, not a meta key)."""
    r = discover("Z3", 3, restarts=4, seed=0)
    assert r.best.W_a is r.W_a and r.weights == r.best.weights and r.group is r.best.group and r.q == r.best.order
    for w in r.weights:
        assert not w.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            w[0, 0] = 1.0
    assert all(np.array_equal(a, b) for a, b in zip(r.network.weights, r.weights))
    assert dict(r.network.meta) == r.meta() and "group" not in r.meta()
    import attrs

    assert r.to_dict()["group"] == "Z3" and not {"W_a", "W_b", "W_c"} & set(attrs.fields_dict(type(r)))


def test_best_npz_holds_the_weights_and_the_runs_metadata(tmp_path):
    """What best.npz holds, array by array and key by key: the arrays, the group spec and the
    run's metadata, which has no group key."""
    r = discover("Z3", 3, restarts=4, seed=0)
    files = r.save(tmp_path)
    with np.load(files["weights"]) as z:
        assert sorted(z.files) == ["W_a", "W_b", "W_c", "group", "meta"] and str(z["group"]) == "Z3"
        for name in ("W_a", "W_b", "W_c"):
            assert z[name].dtype == np.float64 and np.array_equal(z[name], getattr(r, name))
        meta = json.loads(str(z["meta"]))
    assert list(meta) == list(r.meta()) and "group" not in meta and meta["q"] == 3
