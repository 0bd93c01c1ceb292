"""Search for an exact global minimiser (loss ≤ --tol) at a fixed order.

All --restarts run as one batched float64 tensor program: rounds of Adam on the exact
all-pairs loss, then Levenberg–Marquardt on the d³ residuals for the lowest few, until one
restart reaches the tolerance or every restart has been polished; with --time-limit, fresh
batches of --restarts follow one another until one converges or the time is up.
--init-from STRATEGY starts every restart from that construction (cogs construct's
strategies), fitted to the order and perturbed by relative noise --init-noise.
--scan Q1-Q2 walks the orders from the larger down to the smaller (either order is accepted)
and prints a table q | restarts | best loss | converged | seconds, then the lowest converged
order; --order is then not needed.

Writes to --out DIR: best.npz (the best network; its metadata reproduces the run) and
certificate.json (its loss by brute force and by the general κ form); for a scan one such
pair per order under DIR/q{Q}/, plus DIR/scan.json. --json prints a JSON object instead of
the text summary. Progress goes to stderr.

Exit status: 0 when a network with loss ≤ --tol was found (for --scan: at some order), 1 when
none was, 2 on bad input.

Example: cogs discover --group Z5 --order 8 --out runs/z5-q8
"""

from __future__ import annotations

from cogs.cli._types import integer, real

import re
import sys
import time
from pathlib import Path


def add_arguments(p) -> None:
    p.add_argument("--group", required=True, help="group spec, e.g. Z5, Z3xZ3, S3, Q8")
    p.add_argument("--order", type=integer, default=None, help="number of hidden nodes q (not with --scan)")
    p.add_argument("--restarts", type=integer, default=64, help="restarts per batch, all in one tensor program (default 64)")
    p.add_argument("--seed", type=integer, default=0, help="seed of every random number (default 0)")
    p.add_argument("--time-limit", type=real, default=None, metavar="SEC", help="give up after SEC seconds; until then batch follows batch (per order with --scan)")
    p.add_argument("--tol", type=real, default=1e-24, help="loss counted as an exact solution (default 1e-24)")
    p.add_argument("--init-from", default=None, metavar="STRATEGY", help="start from this construction (a cogs construct strategy)")
    p.add_argument("--init-noise", type=real, default=0.1, help="relative noise on --init-from weights (default 0.1)")
    p.add_argument("--scan", default=None, metavar="Q1-Q2", help="walk orders from max(Q1,Q2) down to min(Q1,Q2)")
    p.add_argument("--stop-early", action="store_true", help="with --scan: stop at the first failed order below a converged one")
    from cogs.cli._options import add_threads

    add_threads(p, training=False)
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    p.add_argument("--json", action="store_true", help="print a JSON object")


def parse_scan(text: str) -> tuple[int, int]:
    """'16-12' or '12-16' → (16, 12) (high, low)."""
    m = re.fullmatch(r"\s*(\d+)\s*-\s*(\d+)\s*", text or "")
    if not m:
        raise ValueError(f"--scan must look like Q1-Q2 (e.g. 16-12), got {text!r}")
    a, b = int(m.group(1)), int(m.group(2))
    if min(a, b) < 1:
        raise ValueError(f"--scan orders must be ≥ 1, got {text!r}")
    return max(a, b), min(a, b)


class _Progress:
    """A live line on a terminal; otherwise one line every ``every`` seconds."""

    def __init__(self, label: str, stream=None, every: float = 5.0):
        self.stream = stream or sys.stderr
        try:
            self.tty = self.stream.isatty()
        except (AttributeError, ValueError):
            self.tty = False
        self.label, self.every = label, (0.2 if self.tty else every)
        self.last = time.monotonic()
        self.drawn = False

    def __call__(self, info: dict) -> None:
        now = time.monotonic()
        final = info["phase"] == "done"
        if not final and now - self.last < self.every:
            return
        if final and not self.drawn:
            return
        self.last = now
        line = (
            f"{self.label}: {info['phase']:<4} " + (f"batch {info['batch']} " if info.get("batch", 1) > 1 else "")
            + f"round {info['round']}/{info['rounds']}  best loss {info['best_loss']:.3e}  "
            f"converged {info['converged']}  polished {info['polished']}/{info['restarts']}  {info['elapsed']:.1f}s"
        )
        if self.tty:
            self.stream.write("\r" + line + ("\n" if final else ""))
        elif not final:
            self.stream.write(line + "\n")
        self.drawn = not final
        self.stream.flush()


def _check(args) -> None:
    if args.out is None or str(args.out).strip() == "":
        raise ValueError("--out must name a folder, got an empty string")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {args.out!r} exists and is not a folder")
    if args.scan is None and args.order is None:
        raise ValueError("give --order Q (or --scan Q1-Q2)")
    if args.scan is not None and args.order is not None:
        raise ValueError("give either --order or --scan, not both")


def run(args) -> int:
    from cogs.cli.main import print_json
    from cogs.discovery import discover, scan

    _check(args)
    common = dict(
        restarts=args.restarts,
        seed=args.seed,
        time_limit=args.time_limit,
        tol=args.tol,
        init_from=args.init_from,
        init_noise=args.init_noise,
        threads=_threads_for(args),
    )
    if args.scan is None:
        result = discover(args.group, args.order, progress=_Progress(f"discover q={args.order}"), **common)
        files = result.save(args.out)
        if args.json:
            print_json(result.report(files))
        else:
            print(result.summary(files))
        return 0 if result.converged else 1

    hi, lo = parse_scan(args.scan)
    from groups import parse_group

    G = parse_group(args.group)  # bad specs fail before any work
    on_row = None if args.json else (lambda row: print(row.summary(), file=sys.stderr))
    res = scan(G, hi, lo, stop_early=args.stop_early, on_row=on_row, out=args.out, progress=_Progress(f"scan {G.spec}"),
               **common)
    if args.json:
        print_json(res.report())
    else:
        print(res.summary())
    return 0 if res.lowest_converged is not None else 1


def _threads_for(args):
    from cogs.cli._options import threads_for

    return threads_for(args, "cpu")  # the search runs on the CPU
