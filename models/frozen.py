"""Read-only values that still pickle: a read-only copy of a mapping (:func:`frozen_mapping`)
and the ``__reduce__`` of an attrs value holding such mappings (:func:`reduce_by_fields`),
shared by :class:`models.network.Network`, the certificates and the bounds.

>>> import copy, pickle
>>> import attrs
>>> @attrs.frozen
... class Row:
...     entries: dict = attrs.field(converter=frozen_mapping)
...     __reduce__ = reduce_by_fields
>>> row = copy.deepcopy(Row({"k": 1}))
>>> dict(row.entries), type(row.entries).__name__
({'k': 1}, 'mappingproxy')
>>> from models.network import Network
>>> net = pickle.loads(pickle.dumps(Network("Z3", [[1.0, 0, 0]], [[0, 1.0, 0]], [[1.0], [0], [0]], meta={"k": 1})))
>>> net.meta["k"], net.order
(1, 1)
"""

from __future__ import annotations

import types

import attrs

__all__ = ["frozen_mapping", "reduce_by_fields"]


def frozen_mapping(mapping) -> types.MappingProxyType:
    """A read-only copy of ``mapping`` (insertion order kept; None: empty). Not picklable by
    itself: a value holding one pickles through :func:`reduce_by_fields`."""
    return types.MappingProxyType(dict(mapping or {}))


def _thawed(x):
    """``x`` with read-only mappings (at any depth of dicts, lists and tuples) as dicts."""
    if isinstance(x, types.MappingProxyType):
        x = dict(x)
    if isinstance(x, dict):
        return {k: _thawed(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)) and not hasattr(x, "_fields"):
        return type(x)(_thawed(v) for v in x)
    return x


def _from_fields(cls, fields: dict):
    return cls(**fields)


def reduce_by_fields(value) -> tuple:
    """``__reduce__`` for an attrs value with :func:`frozen_mapping` fields: pickle and
    ``copy.deepcopy`` rebuild it through its constructor (converters and all) from its fields,
    read-only mappings passed as dicts."""
    cls = type(value)
    return (_from_fields, (cls, {f.alias: _thawed(getattr(value, f.name)) for f in attrs.fields(cls) if f.init}))
