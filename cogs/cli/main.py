"""The ``cogs`` command line. Each subcommand lives in its own module under ``cogs.cli``
and registers itself in SUBCOMMANDS: (name, module path). A module provides
``add_arguments(parser)`` and ``run(args) -> int``; raise ``CLIError`` (or ValueError /
OSError / GroupSpecError) for bad input: the user sees one line on stderr and exit code 2.
Set ``COGS_DEBUG=1`` to get the full traceback instead.

Building the parser imports every subcommand module, so a module imports at its top only what
``add_arguments`` needs, and torch (trainer, networks, checkpoints) inside ``run``: ``cogs --help``
and ``cogs groups`` never import torch (tests/test_layers.py; benchmarks/startup.py times them).
The loader below is the one place a module is imported by name (tests/test_layers.py).
"""

from __future__ import annotations

import typing

import argparse
import importlib
import json
import re
import os
import sys

from models.jsonable import jsonable

SUBCOMMANDS: list[tuple[str, str, str]] = [
    # (name, module, one-line help)
    ("groups", "cogs.cli.groups_cmd", "summarise a finite group"),
    ("loss", "cogs.cli.loss_cmd", "exact loss and constraint report of a weights file"),
    ("construct", "cogs.cli.construct_cmd", "construct a global solution with a certificate"),
    ("train", "cogs.cli.train_cmd", "train a batch of networks (CPU or GPU)"),
    ("compare", "cogs.cli.compare_cmd", "construct, train, analyse and compare (the main job)"),
    ("sweep", "cogs.cli.sweep_cmd", "reproduce the paper's experiments"),
    ("discover", "cogs.cli.discover_cmd", "search for an exact global minimiser at a fixed order"),
    ("bounds", "cogs.cli.bounds_cmd", "lower bound, paper orders and CoGS's best order for a group"),
    ("analyze", "cogs.cli.analyze_cmd", "read trained networks as the paper does: orbits, families, Table 2"),
]


@typing.final
class CLIError(Exception):
    """Bad input from the user: reported as one line on stderr, exit status 2."""


def _available():
    for name, module, help_ in SUBCOMMANDS:
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as e:
            if e.name == module:
                continue  # not built yet
            raise
        yield name, mod, help_


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (no usage block): ``cogs X: error: … (see cogs X --help)``,
    and any word that starts like a negative number (``-1e-4``, ``-.5``, ``-1,2``) read as a value,
    not as an option (no CoGS option starts with a digit), so ``--wd -1e-4`` needs no ``=``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = re.compile(r"^-\.?[0-9]")

    def error(self, message):  # noqa: D401
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="cogs",
        description="CoGS — Composing Global Solutions for quadratic networks on finite groups.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, mod, help_ in _available():
        p = sub.add_parser(name, help=help_, description=(mod.__doc__ or help_).strip())
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        _check_common(args)
        return int(args._run(args) or 0)
    except KeyboardInterrupt:
        print("cogs: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return _broken_pipe()
    except MemoryError as e:
        if os.environ.get("COGS_DEBUG"):
            raise
        detail = str(e).strip().splitlines()[0] if str(e).strip() else "MemoryError"
        print(f"cogs {args.command}: error: out of memory ({detail}); try smaller sizes "
              "(size limits: COGS_MAX_MEMORY_GB, see README)", file=sys.stderr)
        return 2
    except (CLIError, ValueError, OSError, KeyError, TypeError, RuntimeError) as e:
        if os.environ.get("COGS_DEBUG"):
            raise  # full traceback for developers
        print(f"cogs {args.command}: error: {error_line(e)}", file=sys.stderr)
        return 2


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_LONG = re.compile(r"\S{201,}")


def error_line(e: BaseException) -> str:
    r"""The one line a refusal prints: the message's first line, with control characters (ANSI
    escape codes, newlines inside file names) written as escapes, every run of more than 200
    non-blank characters shortened to its ends, a full disk named as such, and a message-less
    error named by its kind.

    >>> error_line(ValueError("bad \x1b[31mred\x1b[0m file"))
    'bad \\x1b[31mred\\x1b[0m file'
    >>> error_line(OSError(28, "No space left on device", "out/w.npz"))
    "no space left on the device writing out/w.npz ([Errno 28] No space left on device: 'out/w.npz')"
    >>> len(error_line(ValueError("spec " + "x" * 100000)))
    126
    """
    import errno

    text = str(e).strip()
    if isinstance(e, KeyError) and e.args:
        text = f"missing key {e.args[0]!r}"
    if isinstance(e, OSError) and e.errno == errno.ENOSPC:
        where = f" writing {e.filename}" if e.filename else ""
        text = f"no space left on the device{where} ({text})"
    if not text:
        return type(e).__name__
    first = text.splitlines()[0]
    first = _CONTROL.sub(lambda m: repr(m.group())[1:-1], first)
    return _LONG.sub(lambda m: f"{m.group()[:80]}…({len(m.group())} characters)…{m.group()[-20:]}", first)


def _check_common(args) -> None:
    """Checks shared by every subcommand: an output path, when there is one, is not empty."""
    out = getattr(args, "out", None)
    if out is not None and not str(out).strip():
        raise CLIError("--out must not be empty")


def _broken_pipe() -> int:
    """The reader went away (``cogs groups Z6 --json | head -1``): stop quietly. stdout is
    pointed at /dev/null so that the interpreter's final flush does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
    return 0


def print_json(obj) -> None:
    """Print a JSON document (NaN/Inf become null so that the output is strict JSON)."""
    print(json.dumps(jsonable(obj), indent=2, allow_nan=False))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
