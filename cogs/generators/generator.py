"""What a generator is: :class:`Generator` (a named builder of partial solutions with its
declared signature), :class:`Param` (one parameter, its default and a sampler of valid
values) and :func:`make_generator` (builds a :class:`Generator` from a function, checking the
*form* of the declaration).

A generator builds a partial solution (docs/solutions.md#partial-solutions) from a few parameters: either a
:class:`~models.element.Block` on one orbit {k, −k} (``builds="block"``; the rows of the
docs/solutions.md#partial-solutions table) or a whole :class:`~models.element.NetworkElement` spanning every orbit
(``builds="element"``; e.g. the memorisation factors y_1, y_2 of docs/solutions.md#global-solutions), or a
:class:`~cogs.generators.linked.LinkedBlock` with DC inputs and a read-out that may reach
another orbit (``builds="linked"``; the chain construction, ``docs/beyond.md``). What it
declares is spelt in the signature language (:mod:`cogs.generators.signature`); whether the
declaration holds numerically is :mod:`cogs.generators.verify`'s job, and collecting
generators by name is :mod:`cogs.generators.registry`'s.

>>> g = make_generator(lambda: [(1, 1, 1)], name="unit1", order=1, signature=Signature(1))
>>> g.build("complex")
Block.from_nodes([((1+0j), (1+0j), (1+0j))], kind='complex')

Reference: Tian, NeurIPS 2025, arXiv:2410.01779 (docs/solutions.md#partial-solutions).
"""

from __future__ import annotations

import functools
import inspect
import re
import typing
from collections.abc import Callable, Mapping

import attrs
import numpy as np

from cogs.generators.linked import LinkedBlock
from cogs.generators.signature import KINDS, LinkSignature, RegistrationError, Signature
from models.jsonable import jsonable
from groups import parse_group
from models.element import Block, NetworkElement

__all__ = ["BUILDS", "Generator", "Param", "make_generator"]

#: what a generator's function returns: one orbit's block, a whole element, or a linked block
BUILDS = ("block", "element", "linked")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


# ---------------------------------------------------------------------------------------
# parameters
# ---------------------------------------------------------------------------------------
@typing.final
@attrs.frozen
class Param:
    """One parameter of a generator: its default and a sampler of *valid* random values.

    ``sampler(rng)`` takes an explicit :class:`numpy.random.Generator`; ``None`` means the
    parameter is fixed at its default.

    >>> p = Param("eps", 1, lambda rng: int(rng.choice([-1, 1])), "ε = ±1")
    >>> p.sample(np.random.default_rng(0)) in (-1, 1)
    True
    """

    name: str
    default: typing.Any
    sampler: Callable[[np.random.Generator], typing.Any] | None = None
    doc: str = ""

    def sample(self, rng: np.random.Generator):
        if self.sampler is None:
            return self.default
        return self.sampler(rng)


def _as_params(params) -> tuple[Param, ...]:
    if params is None:
        return ()
    if isinstance(params, Mapping):
        out = []
        for name, spec in params.items():
            if isinstance(spec, Param):
                if spec.name != name:
                    spec = attrs.evolve(spec, name=name)
                out.append(spec)
            elif isinstance(spec, tuple) and 1 <= len(spec) <= 3:
                out.append(Param(name, *spec))
            else:
                out.append(Param(name, spec))
        return tuple(out)
    out = []
    for p in params:
        if not isinstance(p, Param):
            raise TypeError(f"params must be Param objects or a mapping, got {p!r}")
        out.append(p)
    return tuple(out)


# ---------------------------------------------------------------------------------------
# generator
# ---------------------------------------------------------------------------------------
def _kinds(kinds) -> tuple[str, ...]:
    if isinstance(kinds, str):
        kinds = (kinds,)
    kinds = tuple(kinds)
    if not kinds or any(k not in KINDS for k in kinds):
        raise RegistrationError(f"kinds must be a non-empty subset of {KINDS}, got {kinds!r}")
    return kinds


@typing.final
@attrs.frozen(eq=False)
class Generator:
    """A partial-solution generator (see the module docstring).

    ``func(**params)`` returns a Block, an array (3, q) or a list of (a, b, c) nodes at k
    (``builds="block"``; it may take a ``kind`` keyword), or ``func(group, **params)``
    returns a NetworkElement (``builds="element"``). ``order``: nodes after merging (an int;
    for element generators an int or a callable group → int). ``signatures`` maps each kind
    to its :class:`Signature`.
    """

    name: str
    func: Callable
    order: typing.Any
    kinds: tuple[str, ...]
    signatures: Mapping[str, Signature]
    params: tuple[Param, ...] = ()
    builds: str = "block"
    math: str = ""
    doc: str = ""
    check_groups: tuple[str, ...] = ("Z3", "Z5", "Z8", "Z2xZ4")

    def signature(self, kind: str = "complex") -> Signature:
        if kind not in self.kinds:
            raise KeyError(f"generator {self.name!r} does not apply to {kind} orbits (kinds {self.kinds})")
        return self.signatures[kind]

    def defaults(self) -> dict:
        return {p.name: p.default for p in self.params}

    def sample_params(self, rng: np.random.Generator) -> dict:
        """Random valid parameter values (one draw per parameter, in declaration order)."""
        return {p.name: p.sample(rng) for p in self.params}

    def _call_kwargs(self, params, kind):
        kw = self.defaults()
        if params:
            unknown = set(params) - set(kw)
            if unknown:
                raise TypeError(f"generator {self.name!r} has no parameter(s) {sorted(unknown)}; it takes {sorted(kw)}")
            kw.update(params)
        if kind is not None and _accepts(self.func, "kind"):
            kw["kind"] = kind
        return kw

    def build(self, kind: str = "complex", params: Mapping | None = None) -> Block:
        """The Block at these parameter values (defaults for missing ones)."""
        if self.builds != "block":
            raise TypeError(f"generator {self.name!r} builds a whole element; use build_element(group, ...)")
        if kind not in self.kinds:
            raise ValueError(f"generator {self.name!r} does not apply to {kind} orbits (kinds {self.kinds})")
        out = self.func(**self._call_kwargs(params, kind))
        return _as_block(out, kind, self.name)

    def build_element(self, group, params: Mapping | None = None) -> NetworkElement:
        if self.builds != "element":
            raise TypeError(f"generator {self.name!r} builds a block; use build(kind, ...)")
        group = parse_group(group)
        out = self.func(group, **self._call_kwargs(params, None))
        if not isinstance(out, NetworkElement):
            raise RegistrationError(f"element generator {self.name!r} returned {type(out).__name__}, not a NetworkElement")
        return out

    def build_linked(self, group, k: int, params: Mapping | None = None, **wiring):
        """The :class:`~cogs.generators.linked.LinkedBlock` at character ``k`` of ``group``;
        ``wiring`` is the solver's ``link_sign`` / ``S`` (see :mod:`cogs.generators.linked`)."""
        if self.builds != "linked":
            raise TypeError(f"generator {self.name!r} builds a {self.builds}; build_linked is for linked generators")
        group = parse_group(group)
        sig = self.signatures["complex"]
        if not sig.applies(group, k):
            raise ValueError(f"linked generator {self.name!r} ({sig.orbits} orbits) does not apply to k = {k} of {group.spec}")
        kw = self._call_kwargs(params, None)
        allowed = {"link_sign"} if sig.links == "gamma" else set()
        allowed |= {"S"} if sig.exports == "gamma" else set()
        extra = set(wiring) - allowed
        if extra:
            raise TypeError(f"linked generator {self.name!r} takes no wiring {sorted(extra)} (declared {sig!r})")
        out = self.func(group, int(k), **kw, **wiring)
        if not isinstance(out, LinkedBlock):
            raise RegistrationError(f"linked generator {self.name!r} returned {type(out).__name__}, not a LinkedBlock")
        return out

    def order_for(self, group=None) -> int:
        if callable(self.order):
            if group is None:
                raise ValueError(f"the order of {self.name!r} depends on the group")
            return int(self.order(parse_group(group)))
        return int(self.order)

    def describe(self) -> dict:
        return {
            "name": self.name,
            "math": self.math,
            "builds": self.builds,
            "order": self.order if not callable(self.order) else "group-dependent",
            "kinds": list(self.kinds),
            "signature": {k: self.signatures[k].to_dict() for k in self.kinds},
            "params": [{"name": p.name, "default": jsonable(p.default), "doc": p.doc} for p in self.params],
            "doc": self.doc,
        }


def _accepts(func, name) -> bool:
    try:
        return _accepts_cached(func, name)
    except TypeError:  # unhashable callable
        return _accepts_uncached(func, name)


@functools.lru_cache(maxsize=1024)
def _accepts_cached(func, name) -> bool:
    return _accepts_uncached(func, name)


def _accepts_uncached(func, name) -> bool:
    try:
        return name in inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False


def _as_block(out, kind, name) -> Block:
    """A Block from what a generator function returned: a Block, a list of (a, b, c) nodes,
    or an array of shape (3, q)."""
    if isinstance(out, Block):
        v = out.v
    elif isinstance(out, (list, tuple)):
        arr = np.array(out, dtype=np.complex128)
        if arr.size == 0:
            v = np.zeros((3, 0), dtype=np.complex128)
        elif arr.ndim != 2 or arr.shape[1] != 3:
            raise RegistrationError(f"generator {name!r} returned {len(out)} node(s) that are not (a, b, c) triples")
        else:
            v = arr.T
    else:
        v = np.asarray(out, dtype=np.complex128)
        if v.ndim != 2 or v.shape[0] != 3:
            raise RegistrationError(f"generator {name!r} returned shape {v.shape}; expected a Block, (3, q) values or a list of (a, b, c) nodes")
    if kind == "real" and np.all(np.abs(np.imag(v)) <= 1e-12 * max(1.0, float(np.abs(v).max(initial=0)))):
        v = np.real(v)
    try:
        return Block(v, kind)
    except ValueError as e:
        raise RegistrationError(f"generator {name!r}: {e}") from None




def make_generator(
    func: Callable,
    *,
    name: str,
    order,
    kinds=("complex",),
    signature,
    params=None,
    builds: str = "block",
    math: str = "",
    doc: str | None = None,
    check_groups: tuple[str, ...] | None = None,
) -> Generator:
    """Build (but do not register) a :class:`Generator`, validating the declaration's form."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise RegistrationError(f"generator name {name!r} must be an identifier (letters, digits, _; no '*' or '+')")
    kinds = _kinds(kinds)
    if builds not in BUILDS:
        raise RegistrationError(f"builds must be one of {BUILDS}, got {builds!r}")
    if builds == "linked":
        if not isinstance(signature, LinkSignature):
            raise RegistrationError(f"linked generator {name!r}: signature must be a LinkSignature, got {signature!r}")
        if kinds != ("complex",):
            raise RegistrationError(f"linked generator {name!r}: kinds must be ('complex',), got {kinds!r}")
        if order != signature.nodes:
            raise RegistrationError(f"linked generator {name!r}: order {order!r} differs from its signature's {signature.nodes} nodes")
        return Generator(
            name=name, func=func, order=int(order), kinds=kinds, signatures={"complex": signature},
            params=_as_params(params), builds=builds, math=math,
            doc=(doc if doc is not None else (inspect.getdoc(func) or "")),
            check_groups=tuple(check_groups) if check_groups is not None else ("Z3", "Z5", "Z9", "Z3xZ3", "Z6", "Z2", "Z2xZ2", "Z2xZ4"),
        )
    if builds == "block":
        if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 1:
            raise RegistrationError(f"generator {name!r}: order must be an int ≥ 1, got {order!r}")
    elif order is not None and not callable(order) and (isinstance(order, bool) or not isinstance(order, (int, np.integer))):
        raise RegistrationError(f"generator {name!r}: order must be an int, a callable group → int, or None")
    if isinstance(signature, Signature):
        sigs = {k: signature for k in kinds}
    elif isinstance(signature, Mapping):
        missing = [k for k in kinds if k not in signature]
        if missing:
            raise RegistrationError(f"generator {name!r}: no signature for kind(s) {missing}")
        sigs = {k: signature[k] for k in kinds}
        for k, s in sigs.items():
            if not isinstance(s, Signature):
                raise RegistrationError(f"generator {name!r}: signature for {k} must be a Signature, got {s!r}")
    else:
        raise RegistrationError(f"generator {name!r}: signature must be a Signature or a mapping kind → Signature, got {signature!r}")
    for k, s in sigs.items():
        try:
            s.for_kind(k)
        except RegistrationError as e:
            raise RegistrationError(f"generator {name!r}: {e}") from None
    kw = {}
    if check_groups is not None:
        kw["check_groups"] = tuple(check_groups)
    return Generator(
        name=name,
        func=func,
        order=order,
        kinds=kinds,
        signatures=dict(sigs),
        params=_as_params(params),
        builds=builds,
        math=math,
        doc=(doc if doc is not None else (inspect.getdoc(func) or "")),
        **kw,
    )

