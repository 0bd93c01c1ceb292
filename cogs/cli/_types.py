"""Argument types for numbers typed on the command line: ASCII digits only, finite values.

Python's ``int`` and ``float`` also read other scripts' digits (``int("٣") == 3``) and
``float`` reads ``nan`` and ``inf``; a number on a CoGS command line is written with 0-9 and
is finite, anything else is refused by argparse with one line.

>>> integer("12"), real("5e-5")
(12, 5e-05)
>>> integer("٣")
Traceback (most recent call last):
argparse.ArgumentTypeError: '٣' is not an integer (write it with the digits 0-9)
"""

from __future__ import annotations

import argparse
import math
import re

__all__ = ["integer", "positive_integer", "positive_real", "real"]

_INT = re.compile(r"[+-]?[0-9]+")
_REAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


def integer(text: str) -> int:
    """An integer written with ASCII digits."""
    if not _INT.fullmatch(text.strip()):
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer (write it with the digits 0-9)")
    return int(text)


def real(text: str) -> float:
    """A finite decimal number written with ASCII digits (e.g. 0.01, 5e-5)."""
    if not _REAL.fullmatch(text.strip()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number (write it like 0.01 or 5e-5)")
    value = float(text)
    if not math.isfinite(value):  # 1e999
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def positive_real(text: str) -> float:
    """A finite decimal number > 0."""
    value = real(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number > 0")
    return value


def positive_integer(text: str) -> int:
    """A whole number ≥ 1 written with ASCII digits."""
    value = integer(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number ≥ 1")
    return value
