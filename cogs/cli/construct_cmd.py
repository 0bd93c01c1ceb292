"""Construct a global solution for a finite group and print its certificate.

Strategies: f6 (z_F6, order 6c + 2r), f46 (z_F4/6, order 2d; falls back to f6 for Z_2^n),
chain (the doubling chain with DC inputs, order 2(d − 1) − n3, n3 the
orbits with 3k = 0 that take a 3-node block unless --no-tri3; certified with the general κ
form and brute force; on even groups the other orbits get registry compositions), memorize (z_M = y_1*y_2, order d², refused
above |G| = 64; any finite group), polarize (any finite group: per block of the group algebra a registered
bilinear algorithm, polarised; --algorithm), auto (the lowest order over all strategies; the certificate names it).
On a group read by irreps (not Z_n factors) the certificate lists the blocks and checks the loss in four parts.
With --out writes the weights file (models.io .npz format; meta: strategy, seed, order, loss;
an existing file is refused unless --overwrite) and prints a table, or with --json an object
with group, strategy, order, loss and orbits (each with k, order, generators); --json alone
writes nothing.

Example: cogs construct --group Z23 --strategy f46 --out z23.npz --json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import typing

from cogs.cli._types import integer


def _number(text: str) -> float:
    return float(text)


@typing.final
class _StrategyOption(argparse.Action):
    """``--strategy NAME``, whose help lists the registered strategies when it is shown (so that
    building the parser imports no solver: ``cogs --help`` stays light)."""

    @property
    def help(self) -> str:
        from cogs.solver.strategies import STRATEGIES

        return f"{' | '.join(STRATEGIES)} (default {self.default})"

    @help.setter
    def help(self, value) -> None:  # argparse.Action.__init__ sets it; the property above computes it
        pass

    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, values)


def _strategy_options(args) -> dict:
    """The strategy options the command line gave (only those: a strategy refuses options it does not read)."""
    options = {}
    if args.phi is not None:
        options["phi"] = args.phi
    if args.no_tri3:
        options["tri3"] = False
    if args.algorithm is not None:
        options["algorithm"] = args.algorithm
    return options


def _readers(options) -> str:
    """The strategies that read all of ``options``, e.g. "chain (or auto)"."""
    from cogs.solver.strategies import readers

    found = readers(options)
    direct = " or ".join(s.name for s in found if not s.compares_others)
    via = ", ".join(s.name for s in found if s.compares_others)
    return f"{direct} (or {via})" if direct and via else direct or via


def add_arguments(p) -> None:
    p.add_argument("--group", required=True, help="group spec, e.g. Z23, Z2xZ4, 3x3x3, S3, Q8 (any finite group: polarize, memorize, auto)")
    p.add_argument("--strategy", default="auto", action=_StrategyOption)  # help: the registered strategies
    p.add_argument("--phi", type=_number, default=None, help="chain: the angle φ (cos φ, cos 3φ, sin 2φ, sin 6φ ≠ 0; default π/8)")
    p.add_argument("--no-tri3", action="store_true", help="chain: four-node blocks on orbits with 3k = 0 too (order 2(d − 1))")
    p.add_argument("--algorithm", default=None, help="polarize: best (default), naive or a registered bilinear "
                                                      "algorithm (strassen, laderman, gauss, …) for the blocks of its type")
    p.add_argument("--seed", type=integer, default=0, help="seed of the random parameter values (default 0)")
    p.add_argument("--out", default=None, help="weights file to write (.npz); without it nothing is written. An "
                                                "existing file is refused unless --overwrite")
    p.add_argument("--overwrite", action="store_true", help="replace an existing --out file")
    p.add_argument("--json", action="store_true", help="print the certificate as JSON")
    p.add_argument("--no-balance", action="store_true", help="save the weights as built (not balanced)")


def run(args) -> int:
    # bad input raises ValueError (one line on stderr, exit 2 via cogs.cli.main); ValueError
    # rather than CLIError so that this also holds under ``python -m cogs.cli.main``
    from cogs.generators.builtin_linked import valid_phi
    from cogs.solver import construct, get_strategy
    from groups import parse_group

    strategy = get_strategy(args.strategy)
    if args.seed < 0:
        raise ValueError(f"--seed must be ≥ 0, got {args.seed}")
    if args.out is None and not args.json:
        raise ValueError("nothing to do: give --out FILE.npz (the weights) or --json (the certificate), or both")
    if args.out is not None and not str(args.out).endswith(".npz"):
        raise ValueError(f"--out must name a .npz file, got {args.out!r}")
    G = parse_group(args.group)
    options = _strategy_options(args)
    if args.algorithm is not None and "algorithm" not in strategy.options:
        raise ValueError(f"--algorithm applies to --strategy {_readers(('algorithm',))}, not {args.strategy}")
    if any(o not in strategy.options for o in options):
        raise ValueError(f"--phi and --no-tri3 apply to --strategy {_readers(('phi', 'tri3'))}, not {args.strategy}")
    if args.phi is not None:
        valid_phi(args.phi)
    if args.out is not None and os.path.lexists(args.out) and not args.overwrite:
        raise ValueError(f"--out {args.out} exists; pass --overwrite to replace it")
    c = construct(G, args.strategy, seed=args.seed, balance=not args.no_balance, **options)
    path = None if args.out is None else c.save(args.out)
    cert = c.certificate
    if args.json:
        print(json.dumps({**cert.to_dict(), "weights_file": None if path is None else str(path)}, indent=2,
                         allow_nan=False))
    else:
        print(cert.table())
        print(f"\nweights written to {path}")
    if not cert.passed:
        print(f"cogs construct: warning: loss {cert.loss:.3e} is above the tolerance", file=sys.stderr)
        return 1
    return 0
