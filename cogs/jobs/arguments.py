"""How the jobs read their arguments, and how their refusals name them.

The jobs take seeds and numbers in any of the forms a Python caller or the command line has
at hand: :func:`seed_list` reads one seed, a list or text ('1-5'); :func:`number_list` reads
one number, a list or text ('1e-5,1e-4'); :func:`integer` and :func:`real` read one value
(numpy scalars included: anything :class:`numbers.Integral` or :class:`numbers.Real`).

A refusal names the options that would change it as its caller spells them: a :class:`Spelling`
says how — :data:`KEYWORDS` (the library's keyword arguments, ``hidden=5``, ``overwrite=True``;
the default of every job) or :data:`FLAGS` (the command line's, ``--hidden 5``, ``--overwrite``;
what ``cogs`` passes).

>>> import numpy as np
>>> seed_list(3), seed_list("1-3"), seed_list([np.int64(2), 4])
((3,), (1, 2, 3), (2, 4))
>>> number_list(np.float32(0.5), "learning rate"), number_list("1e-5,1e-4", "weight decay")
((0.5,), (1e-05, 0.0001))
>>> KEYWORDS.given("hidden", 5), FLAGS.given("hidden", 5), KEYWORDS.switch("overwrite"), FLAGS.switch("overwrite")
('hidden=5', '--hidden 5', 'overwrite=True', '--overwrite')
"""

from __future__ import annotations

import os
import typing

import attrs

from models.training.config import is_integer, is_real

__all__ = ["FLAGS", "KEYWORDS", "Spelling", "integer", "number_list", "real", "seed_list"]


@typing.final
@attrs.frozen
class Spelling:
    """How a refusal names an option: as a keyword argument (``flags=False``: ``hidden``,
    ``hidden=5``, ``overwrite=True``) or as a command-line flag (``flags=True``: ``--hidden``,
    ``--hidden 5``, ``--overwrite``)."""

    flags: bool = False

    def option(self, name: str) -> str:
        """The option called ``name`` (a keyword name): ``name`` or ``--name`` (``_`` as ``-``)."""
        return f"--{name.replace('_', '-')}" if self.flags else name

    def given(self, name: str, value) -> str:
        """The option set to ``value``: ``name=value`` (a repr; paths as text) or ``--name value``."""
        if self.flags:
            return f"{self.option(name)} {os.fspath(value) if isinstance(value, os.PathLike) else value}"
        return f"{name}={os.fspath(value) if isinstance(value, os.PathLike) else value!r}"

    def switch(self, name: str) -> str:
        """The boolean option called ``name`` turned on: ``name=True`` or ``--name``."""
        return self.option(name) if self.flags else f"{name}=True"


#: the library's spelling: keyword arguments (every job's default)
KEYWORDS = Spelling(flags=False)
#: the command line's spelling: flags (what ``cogs`` passes to the jobs)
FLAGS = Spelling(flags=True)


def integer(x):
    """``x`` as an int when it is an integer of any kind (``numpy.int64`` too); anything else
    is returned as it is, for the validation that follows to refuse."""
    return int(x) if is_integer(x) else x


def real(x):
    """``x`` as a float when it is a real number of any kind (``numpy.float32`` too); anything
    else is returned as it is, for the validation that follows to refuse."""
    return float(x) if is_real(x) else x


def seed_list(seeds) -> tuple[int, ...]:
    """Seeds from one integer (``numpy.int64`` too), text ('5', '1,3', '1-5') or an iterable of
    integers; a ValueError names the first value that is not an integer."""
    from models.training import parse_seeds

    if isinstance(seeds, str):
        return parse_seeds(seeds)
    if is_integer(seeds):
        return (int(seeds),)
    if not isinstance(seeds, typing.Iterable):
        raise ValueError(f"seeds must be an integer, a list of integers or text like '1-5', got {seeds!r}")
    out = []
    for s in seeds:
        if not is_integer(s):
            raise ValueError(f"seeds must be integers (one, a list, or text like '1-5'), got {s!r} "
                             f"({type(s).__name__})")
        out.append(int(s))
    return tuple(out)


def number_list(x, what: str) -> tuple:
    """Numbers from one real number (``numpy.float32`` too), text ('0.01', '1e-5,1e-4') or an
    iterable of real numbers, each as a float; ``what`` names them in errors ('learning rate')."""
    from models.training import parse_floats

    if isinstance(x, str):
        return parse_floats(x, what)
    if is_real(x):
        return (float(x),)
    if not isinstance(x, typing.Iterable):
        raise ValueError(f"{what}: expected a number, a list of numbers or text like '1e-5,1e-4', got {x!r}")
    out = []
    for v in x:
        if not is_real(v):
            raise ValueError(f"bad {what} {v!r}: not a number")
        out.append(float(v))
    return tuple(out)
