"""Construct + certify z_F4/6 (strategy f46) for growing groups and print the times.

Targets (issue 4): Z_127 < 1 s and Z_1021 < 30 s end to end (build + exact loss +
constraint report; brute force only for d ≤ 128).

Usage:  .venv/bin/python benchmarks/construct_scaling.py [GROUP ...] [--strategy f46] [--seed 0]
Default groups: Z127 Z1021 Z2xZ511 Z32xZ32.
"""

from __future__ import annotations

import argparse
import sys
import time


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("groups", nargs="*", default=["Z127", "Z1021", "Z2xZ511", "Z32xZ32"])
    p.add_argument("--strategy", default="f46")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)

    t = time.perf_counter()
    from cogs.generators import default_registry
    from cogs.solver import construct, search
    from cogs.solver.search import requirement

    default_registry()
    t_import = time.perf_counter() - t
    t = time.perf_counter()
    for kind in ("complex", "real"):
        search(kind, requirement(kind))
        search(kind, requirement(kind, cancel_rn=True))
    search("complex", requirement("complex"), helper=True)
    construct("Z7", args.strategy)  # warm-up: first torch/numpy calls
    t_search = time.perf_counter() - t
    print(f"import + built-in registry {t_import:.2f} s; per-kind searches (cached afterwards) + warm-up {t_search:.2f} s")
    print(f"{'group':<10} {'d':>6} {'order':>6} {'2d':>6} {'loss':>10} {'brute':>10} {'build s':>8} {'total s':>8}")
    for spec in args.groups:
        t = time.perf_counter()
        c = construct(spec, args.strategy, seed=args.seed)
        total = time.perf_counter() - t
        d = c.certificate.to_dict()
        bf = f"{d['brute_force_loss']:.1e}" if d["brute_force_loss"] is not None else "-"
        print(f"{spec:<10} {d['d']:>6} {d['order']:>6} {2 * d['d']:>6} {d['loss']:>10.1e} {bf:>10} {d['time_build_s']:>8.2f} {total:>8.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
