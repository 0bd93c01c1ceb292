"""Start-up time of the Python front door and the command line, side by side with a bare
``import numpy``.

Runs, round-robin N times each (so that drift in the machine's load hits all alike), fresh
interpreters of

    python -c "import numpy"                 the floor: every command imports numpy
    python -c "import cogs"                  the front door (loads its names on first use)
    python -c "import cogs; cogs.group(…)"   the front door's first call that needs numpy
    python -m cogs.cli.main --help           builds every subcommand's parser
    python -m cogs.cli.main groups Z12       a small command end to end

and prints each one's median wall time and its ratio to the bare numpy import. None of them
imports torch (tests/test_layers.py checks that; ``--torch`` adds ``import torch`` as a
reference line). Targets: ``import cogs`` within 4× a bare ``import numpy``; both commands well
under a second.

    python benchmarks/startup.py [--repeat 10] [--torch]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def commands(python: str, with_torch: bool = False) -> list[tuple[str, list[str]]]:
    out = [
        ("python -c 'import numpy'", [python, "-c", "import numpy"]),
        ("python -c 'import cogs'", [python, "-c", "import cogs"]),
        ("import cogs; cogs.group", [python, "-c", "import cogs; cogs.group('Z12')"]),
        ("cogs --help", [python, "-m", "cogs.cli.main", "--help"]),
        ("cogs groups Z12", [python, "-m", "cogs.cli.main", "groups", "Z12"]),
    ]
    if with_torch:
        out.append(("python -c 'import torch'", [python, "-c", "import torch"]))
    return out


def _once(argv: list[str]) -> float:
    t0 = time.perf_counter()
    r = subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - t0
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({r.returncode}): {r.stderr.strip()[-500:]}")
    return seconds


def measure(repeat: int, python: str = sys.executable, with_torch: bool = False) -> dict[str, list[float]]:
    """Wall seconds of each command, ``repeat`` times, round-robin (after one unmeasured warm-up
    round that fills the file cache)."""
    cmds = commands(python, with_torch)
    for _, argv in cmds:
        _once(argv)
    times: dict[str, list[float]] = {label: [] for label, _ in cmds}
    for _ in range(repeat):
        for label, argv in cmds:
            times[label].append(_once(argv))
    return times


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=10, metavar="N", help="runs of each command (default 10)")
    ap.add_argument("--torch", action="store_true", help="also time a bare 'import torch', for reference")
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error("--repeat must be ≥ 1")
    times = measure(args.repeat, with_torch=args.torch)
    base = statistics.median(next(iter(times.values())))
    print(f"median wall time of {args.repeat} fresh interpreter(s) each ({sys.executable})")
    print(f"{'command':<28} {'median':>9} {'min':>9} {'max':>9} {'× numpy':>8}")
    for label, ts in times.items():
        med = statistics.median(ts)
        print(f"{label:<28} {med * 1e3:7.0f}ms {min(ts) * 1e3:7.0f}ms {max(ts) * 1e3:7.0f}ms {med / base:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
