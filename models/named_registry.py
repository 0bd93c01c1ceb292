"""Objects of one kind by name, in registration order: the shape of every registry of CoGS
whose entries have a ``name`` — construction strategies (``cogs.STRATEGIES``), sweep presets
(``cogs.PRESETS``) and report analyses (``cogs.ANALYSES``).

A :class:`NamedRegistry` is a read-only mapping (iterating it gives the names) with
:meth:`~NamedRegistry.register`, :meth:`~NamedRegistry.unregister` and
:meth:`~NamedRegistry.lookup`. A name is one word of letters, digits, ``_`` or ``-``: it is
what a command-line option takes and what output files are called.

>>> class Greeting:
...     def __init__(self, name):
...         self.name = name
>>> greetings = NamedRegistry("greeting", Greeting, [Greeting("hello"), Greeting("hi")])
>>> list(greetings), greetings["hi"].name, "hey" in greetings
(['hello', 'hi'], 'hi', False)
>>> greetings.lookup("hey")
Traceback (most recent call last):
...
ValueError: unknown greeting 'hey'; choose from hello, hi
>>> greetings.register(Greeting("hello"))
Traceback (most recent call last):
...
ValueError: a greeting named 'hello' is already registered; unregister it first, or choose another name
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterable, Mapping

__all__ = ["NamedRegistry"]

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


@typing.final
class NamedRegistry(Mapping):
    """Instances of ``base`` by their ``name``, in registration order (module doc). ``kind``
    names an entry in messages ("strategy", "preset", "analysis"); ``doc`` is the registry's
    own docstring (what ``help()`` shows for it).

    >>> reg = NamedRegistry("thing", object, doc="Things by name.")
    >>> reg.__doc__, len(reg)
    ('Things by name.', 0)
    """

    def __init__(self, kind: str, base: type, entries: Iterable = (), *, doc: str | None = None):
        self._kind, self._base = kind, base
        if doc is not None:
            self.__doc__ = doc
        self._by_name: dict[str, typing.Any] = {}
        for entry in entries:
            self.register(entry)

    # -- the mapping --------------------------------------------------------------------
    def __getitem__(self, name: str):
        return self._by_name[name]

    def __iter__(self):
        return iter(self._by_name)

    def __len__(self) -> int:
        return len(self._by_name)

    def __repr__(self) -> str:
        return f"<{self._kind} registry: {', '.join(self._by_name) or 'empty'}>"

    # -- changing it --------------------------------------------------------------------
    def register(self, entry):
        """Add ``entry`` after those registered before it; returns it."""
        if not isinstance(entry, self._base):
            raise TypeError(f"a {self._kind} must be an instance of {self._base.__module__}.{self._base.__name__} "
                            f"(or of a subclass of your own), got {type(entry).__name__}")
        name = getattr(entry, "name", None)
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise ValueError(f"a {self._kind}'s name is one word of letters, digits, '_' or '-' (options take it and "
                             f"files are named after it), got {name!r}")
        if name in self._by_name:
            raise ValueError(f"a {self._kind} named {name!r} is already registered; unregister it first, or choose "
                             "another name")
        self._by_name[name] = entry
        return entry

    def unregister(self, name: str):
        """Remove the entry called ``name``; returns it."""
        if name not in self._by_name:
            raise ValueError(f"no {self._kind} named {name!r} is registered; registered: {', '.join(self._by_name)}")
        return self._by_name.pop(name)

    def lookup(self, name: str):
        """The entry called ``name``; a ValueError listing the registered names otherwise."""
        if name not in self._by_name:
            raise ValueError(f"unknown {self._kind} {name!r}; choose from {', '.join(self._by_name)}")
        return self._by_name[name]
