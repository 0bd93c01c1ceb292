"""Size limits: commands estimate memory and work from the sizes before allocating and refuse
beyond the limits of cogs/limits.py (overridable), with the estimate in one line.

Commands that the old code ran until the machine ran out of memory are tested in a child
process with its address space capped, so that a regression fails instead of swapping."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cogs import limits
from cogs.cli.main import main
from groups import parse_group

ROOT = Path(__file__).resolve().parents[1]


def _capped(args, *, gb: float = 6.0, timeout: float = 180, env=None):
    def cap():
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (int(gb * 2**30), int(gb * 2**30)))

    return subprocess.run([sys.executable, "-m", "cogs.cli.main", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, preexec_fn=cap, env={**os.environ, **(env or {})})


def _refused(r, *fragments):
    assert r.returncode == 2, (r.returncode, r.stderr[-2000:])
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr[-2000:]
    for f in fragments:
        assert f in lines[0], lines[0]


@pytest.fixture(autouse=True)
def _default_limits(monkeypatch):
    for name in ("COGS_MAX_MEMORY_GB", "COGS_MAX_WORK", "COGS_MAX_ROWS", "COGS_LIMITS"):
        monkeypatch.delenv(name, raising=False)


# --- the reproduction commands, default limits ---------------------------------------------


@pytest.mark.skipif(sys.platform != "linux", reason="caps the child's address space")
@pytest.mark.parametrize("argv, fragments", [
    (["construct", "--group", "Z10000"], ("GB of memory", "COGS_MAX_MEMORY_GB")),
    (["train", "--group", "Z10000", "--epochs", "1"], ("GB of memory", "COGS_MAX_MEMORY_GB")),
    (["train", "--group", "Z23", "--epochs", "10", "--seeds", "0-2000000"], ("2000001 run(s)", "GB of memory")),
    (["compare", "--group", "Z10000"], ("GB of memory",)),
])
def test_oversized_jobs_are_refused_up_front(tmp_path, argv, fragments):
    out = tmp_path / ("w.npz" if argv[0] == "construct" else "out")
    r = _capped([*argv, "--out", out])
    _refused(r, *fragments)
    assert not out.exists()


@pytest.mark.skipif(sys.platform != "linux", reason="caps the child's address space")
def test_orbit_listing_of_a_huge_group_is_refused():
    r = _capped(["groups", "Z10000000", "--orbits"])
    _refused(r, "5000000 rows", "COGS_MAX_ROWS")
    r = _capped(["groups", "Z10000000", "--json"])
    _refused(r, "5000000 rows")


@pytest.mark.skipif(sys.platform != "linux", reason="caps the child's address space")
def test_23_factor_product_summary_is_closed_form_and_its_listing_refused():
    spec = "x".join(["Z2"] * 23)
    r = _capped(["groups", spec], gb=2.0)  # the old summary built 8388608 × 23 coordinates
    assert r.returncode == 0, r.stderr[-2000:]
    assert "real characters    8388607" in r.stdout and "complex orbits     0" in r.stdout
    _refused(_capped(["groups", spec, "--orbits"], gb=2.0), "8388607 rows")


def test_huge_seed_range_is_refused_before_it_is_built():
    from models.training import parse_seeds

    with pytest.raises(ValueError, match="at most"):
        parse_seeds(f"0-{10**15}")


# --- estimates are checked against lowered limits (in process, cheap) ----------------------


def test_construct_refuses_over_a_lowered_memory_limit(monkeypatch):
    from cogs.solver import construct

    monkeypatch.setenv("COGS_MAX_MEMORY_GB", "0.001")
    with pytest.raises(limits.SizeLimitError, match=r"constructing f46 for Z101 .*GB of memory.*limit of 0\.001 GB"):
        construct("Z101", "f46")
    monkeypatch.setenv("COGS_LIMITS", "off")
    assert construct("Z101", "f46").certificate.passed


def test_training_config_refuses_over_lowered_limits(monkeypatch):
    from models.training import TrainConfig

    monkeypatch.setenv("COGS_MAX_MEMORY_GB", "0.05")
    with pytest.raises(limits.SizeLimitError, match="GB of memory"):
        TrainConfig(group="Z71", q=512, epochs=10, seeds=tuple(range(25)), device="cpu")
    monkeypatch.setenv("COGS_MAX_MEMORY_GB", "100")
    monkeypatch.setenv("COGS_MAX_WORK", "1e9")
    with pytest.raises(limits.SizeLimitError, match="floating-point operations.*COGS_MAX_WORK"):
        TrainConfig(group="Z23", q=512, epochs=100, device="cpu")


def test_loss_command_refuses_over_a_lowered_limit(tmp_path, capsys, monkeypatch):
    from models.io import save_weights

    rng = np.random.default_rng(0)
    path = save_weights(tmp_path / "w.npz", "Z7", rng.standard_normal((50, 7)), rng.standard_normal((50, 7)), rng.standard_normal((7, 50)))
    monkeypatch.setenv("COGS_MAX_WORK", "1e4")
    rc = main(["loss", "--weights", str(path)])
    err = capsys.readouterr().err
    assert rc == 2 and len(err.strip().splitlines()) == 1 and "floating-point operations" in err, err


def test_paper_grid_and_default_compare_are_within_the_default_limits():
    for d, q in ((23, 512), (71, 2048), (127, 2048)):
        for device in ("cpu", "cuda", "auto"):
            est = limits.train_estimate(d, q, 25, 10000, dtype_bytes=4, device=device)
            limits.check("paper grid", memory=est["memory"], work=est["work"])
    for d in (23, 71, 127, 1021):
        G = parse_group(f"Z{d}")
        est = limits.construct_estimate(d, 3 * d)
        limits.check(f"construct {G.spec}", memory=est["memory"], work=est["work"])
    est = limits.construct_estimate(64, 64 * 64)  # memorize at its own limit
    limits.check("memorize Z64", memory=est["memory"], work=est["work"])


def test_bad_override_values_are_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COGS_MAX_MEMORY_GB", "lots")
    rc = main(["construct", "--group", "Z5", "--out", str(tmp_path / "unused.npz")])
    err = capsys.readouterr().err
    assert rc == 2 and "COGS_MAX_MEMORY_GB" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("spec", ["Z2", "Z8", "Z2xZ2", "Z2xZ4xZ3", "Z15", "Z2xZ2xZ2xZ6", "Z3xZ9", "Z12xZ18"])
def test_closed_form_summary_matches_the_orbits(spec):
    G = parse_group(spec)
    s = G.summary()
    orbits = G.orbits()
    assert s["complex_orbits"] == sum(1 for o in orbits if not o.is_real)
    assert s["real_characters"] == sum(1 for o in orbits if o.is_real)
    assert s["exponent"] == int(G.element_orders().max())
