"""The generator registry: named partial solutions with declared, verified signatures.

A *generator* builds a partial solution (SPEC §6) from a few parameters: either a
:class:`~models.element.Block` on one orbit {k, −k} (``builds="block"``; the rows of the
SPEC §6 table) or a whole :class:`~models.element.NetworkElement` spanning every orbit
(``builds="element"``; e.g. the memorisation factors y_1, y_2 of SPEC §7), or a
:class:`~cogs.generators.linked.LinkedBlock` with DC inputs and a read-out that may reach
another orbit (``builds="linked"``; the chain construction, ``docs/beyond.md``, declared by a
:class:`~cogs.generators.linked.LinkSignature` and verified by its read-out). Each generator
declares its *signature*: the value of r_kkk and the set of block sum potentials (SPEC §5)
that vanish **for every valid parameter value**. Because every SP is a semi-ring
homomorphism Z → C, signatures compose: under ``*`` the vanishing sets unite and r_kkk
multiplies; this is what the solver (:mod:`cogs.solver`) searches over.

Registration verifies the declaration numerically (``verify_generator``) at the defaults and
at several parameter values drawn from the declared samplers:

* the built object has the declared kind and (for blocks) the declared order after merging;
* r_kkk equals the declared value (or is merely non-zero when declared ``None``);
* every declared SP vanishes (|r| ≤ 1e-9 relative to the block's scale);
* honesty: an SP that is *not* declared but vanishes at every sample is reported with an
  :class:`UndeclaredVanishingWarning` (an error with ``strict=True``).

A wrong declaration raises :class:`RegistrationError` naming the generator, the parameter
values and the offending SP.

Registries are ordinary objects (:class:`Registry`); :func:`default_registry` holds the
built-ins, and :func:`scoped_registry` is a context manager that makes a copy current, so
that tests and experiments can register throwaway generators with the
:func:`register_generator` decorator without polluting the global one.

>>> import numpy as np
>>> from models.element import Block
>>> with scoped_registry() as reg:
...     @register_generator(name="w3", order=3, kinds=("complex",),
...                         signature=Signature(3, ("a'bc", "abc'", "aa'c", "bb'c", "aac", "bbc", "b'b'c")))
...     def w3():
...         w = np.exp(2j * np.pi / 3)
...         return [(w ** -m, 1, w ** m) for m in range(3)]
...     "w3" in reg, "w3" in default_registry()
(True, False)

Reference: Y. Tian, "Composing Global Solutions to Reasoning Tasks via Algebraic Objects in
Neural Nets", NeurIPS 2025, arXiv:2410.01779.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import inspect
import itertools
import re
import typing
import warnings
from collections.abc import Callable, Iterable, Mapping

import attrs
import numpy as np

from cogs.generators._literal import parse_call
from cogs.jsonable import jsonable
from cogs.potentials import BLOCK_TARGET, BlockPotential, block_potentials
from models.element import Block, NetworkElement

__all__ = [
    "Generator",
    "Param",
    "RegistrationError",
    "Registry",
    "Signature",
    "UndeclaredVanishingWarning",
    "current_registry",
    "default_registry",
    "register_generator",
    "scoped_registry",
    "verify_generator",
]

KINDS = ("complex", "real")
BUILDS = ("block", "element", "linked")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
ATOL = 1e-9


@typing.final
class RegistrationError(ValueError):
    """A generator whose declaration is malformed or does not hold numerically."""


@typing.final
class UndeclaredVanishingWarning(UserWarning):
    """A generator's undeclared SP vanished at every sampled parameter value."""


# ---------------------------------------------------------------------------------------
# signature
# ---------------------------------------------------------------------------------------
_ALL_MONOMIALS = {m for kind in KINDS for m in block_potentials(kind)}
_MONOMIAL_ORDER: dict[str, int] = {}
for _m in list(block_potentials("complex")) + list(block_potentials("real")):
    _MONOMIAL_ORDER.setdefault(_m, len(_MONOMIAL_ORDER))


def canonical_monomial(text: str) -> str:
    """``"c a b'"`` → ``"ab'c"``: the canonical spelling of a block SP (SPEC §5 list)."""
    if not isinstance(text, str):
        raise TypeError(f"a block sum potential is a string like \"a'bc\", got {text!r}")
    m = BlockPotential(text, "complex").monomial
    if m not in _ALL_MONOMIALS or m == BLOCK_TARGET:
        allowed = ", ".join(sorted(_ALL_MONOMIALS - {BLOCK_TARGET}, key=_MONOMIAL_ORDER.get))
        raise ValueError(f"{text!r} is not one of the block SPs of SPEC §5 ({allowed})")
    return m


def _r_converter(x):
    if x is None:
        return None
    if isinstance(x, bool) or not isinstance(x, (int, float, complex, np.number)):
        raise TypeError(f"r_kkk must be a number or None, got {x!r}")
    z = complex(x)
    if not np.isfinite(z) or z == 0:
        raise ValueError(f"r_kkk must be finite and non-zero, got {x!r}")
    return z.real if z.imag == 0 else z


def _vanishing_converter(names) -> tuple[str, ...]:
    if isinstance(names, str):
        names = (names,)
    out = {canonical_monomial(n) for n in names}
    return tuple(sorted(out, key=_MONOMIAL_ORDER.get))


@typing.final
@attrs.frozen(repr=False)
class Signature:
    """What a partial solution does on its orbit: r_kkk and the SPs that vanish.

    ``r_kkk``: the declared value of Σ abc (a number), or ``None`` for "non-zero, value
    depends on the parameters or the group". ``vanishing``: block SPs of SPEC §5 (strings as
    in :mod:`cogs.potentials`, e.g. ``"a'bc"``, ``"aa'c"``, ``"aac"``), stored canonically.
    Immutable and hashable; ``eval(repr(s)) == s`` and ``Signature.parse(repr(s)) == s``.

    >>> s = Signature(2, ["bbc", "aac"])
    >>> s
    Signature(r_kkk=2.0, vanishing=('aac', 'bbc'))
    >>> Signature.parse(repr(s)) == s
    True
    >>> Signature.families(1, "R_c", "R_*").vanishing
    ("a'bc", "ab'c", "abc'", 'aac', 'bbc', "a'a'c", "b'b'c")
    """

    r_kkk: complex | float | None = attrs.field(converter=_r_converter)
    vanishing: tuple[str, ...] = attrs.field(default=(), converter=_vanishing_converter)

    def __repr__(self) -> str:
        return f"Signature(r_kkk={self.r_kkk!r}, vanishing={self.vanishing!r})"

    @classmethod
    def parse(cls, text: str) -> "Signature":
        """Parse ``repr(signature)`` back without ``eval`` (literals only)."""
        args, kwargs = parse_call(text, "Signature")
        return cls(*args, **kwargs)

    @classmethod
    def families(cls, r_kkk, *families: str, kind: str = "complex") -> "Signature":
        """Signature whose vanishing set is the union of SPEC §5 families ('R_c', 'R_n', 'R_*')."""
        from cogs.potentials import BLOCK_FAMILIES

        names: list[str] = []
        for f in families:
            if f not in BLOCK_FAMILIES[kind]:
                raise ValueError(f"unknown SP family {f!r}; choose from {sorted(BLOCK_FAMILIES[kind])}")
            names.extend(BLOCK_FAMILIES[kind][f])
        return cls(r_kkk, names)

    def for_kind(self, kind: str) -> "Signature":
        """Check that every vanishing SP exists on an orbit of ``kind``."""
        have = set(block_potentials(kind))
        bad = [m for m in self.vanishing if m not in have]
        if bad:
            raise RegistrationError(
                f"SP(s) {', '.join(bad)} do not exist on a {kind} orbit (there: {', '.join(sorted(have - {BLOCK_TARGET}))})"
            )
        return self

    def to_dict(self) -> dict:
        r = self.r_kkk
        if isinstance(r, complex):
            r = {"re": r.real, "im": r.imag}
        return {"r_kkk": r, "vanishing": list(self.vanishing)}


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
    """A registered partial-solution generator (see the module docstring).

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
        from groups import parse_group

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
        from groups import parse_group

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
        from cogs.generators.linked import LinkedBlock

        out = self.func(group, int(k), **kw, **wiring)
        if not isinstance(out, LinkedBlock):
            raise RegistrationError(f"linked generator {self.name!r} returned {type(out).__name__}, not a LinkedBlock")
        return out

    def order_for(self, group=None) -> int:
        if callable(self.order):
            if group is None:
                raise ValueError(f"the order of {self.name!r} depends on the group")
            from groups import parse_group

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


# ---------------------------------------------------------------------------------------
# verification
# ---------------------------------------------------------------------------------------
def _block_scale(v: np.ndarray) -> float:
    q = max(1, v.shape[-1])
    return max(1.0, float(np.abs(v).max(initial=0.0))) ** 3 * q


def sp_values(block: Block) -> dict[str, complex]:
    """Every block SP of SPEC §5 for the block's kind (r_kkk first)."""
    return {m: complex(bp.evaluate(block.v)) for m, bp in block_potentials(block.kind).items()}


def _fmt_params(params: dict) -> str:
    def f(x):
        if isinstance(x, (complex, np.complexfloating)):
            return f"{complex(x):.6g}"
        if isinstance(x, (float, np.floating)):
            return f"{float(x):.6g}"
        return repr(x)

    return "{" + ", ".join(f"{k}={f(v)}" for k, v in params.items()) + "}" if params else "defaults"


@typing.final
@attrs.frozen
class VerificationReport:
    """What :func:`verify_generator` checked: samples per kind and undeclared zeros."""

    name: str
    samples: int
    undeclared: Mapping[str, tuple[str, ...]]


def _check_block(gen: Generator, kind: str, block: Block, params: dict, atol: float) -> dict[str, complex]:
    sig = gen.signatures[kind]
    where = f"generator {gen.name!r} on a {kind} orbit at {_fmt_params(params)}"
    if block.kind != kind:
        raise RegistrationError(f"{where}: built a {block.kind} block")
    merged = block.merged_order()
    if gen.order is not None and not callable(gen.order) and merged != int(gen.order):
        raise RegistrationError(f"{where}: declared order {gen.order} but the block has {merged} node(s) after merging ({block.order} before)")
    vals = sp_values(block)
    scale = _block_scale(block.v)
    r = vals[BLOCK_TARGET]
    if sig.r_kkk is None:
        if abs(r) <= atol * scale:
            raise RegistrationError(f"{where}: r_kkk = {r:.3g} vanishes; a partial solution needs r_kkk ≠ 0")
    elif abs(r - complex(sig.r_kkk)) > atol * max(scale, abs(complex(sig.r_kkk))):
        raise RegistrationError(f"{where}: declared r_kkk = {sig.r_kkk!r} but it is {r:.12g}")
    for m in sig.vanishing:
        if abs(vals[m]) > atol * scale:
            raise RegistrationError(f"{where}: declared SP {m} to vanish but it is {vals[m]:.6g}")
    return vals


def verify_generator(gen: Generator, *, samples: int = 5, seed: int = 12345, atol: float = ATOL, strict: bool = False) -> VerificationReport:
    """Check ``gen``'s declaration numerically (see the module docstring); raise
    :class:`RegistrationError` on a wrong one, warn (or raise if ``strict``) on an SP that
    vanishes at every sample without being declared."""
    if gen.builds == "linked":
        from cogs.generators.linked import verify_linked

        return VerificationReport(gen.name, verify_linked(gen, samples=min(samples, 3), seed=seed), {})
    rng = np.random.default_rng(seed)
    undeclared: dict[str, tuple[str, ...]] = {}
    draws = [gen.defaults()] + [gen.sample_params(rng) for _ in range(samples)]
    for kind in gen.kinds:
        sig = gen.signatures[kind]
        always_zero = set(block_potentials(kind)) - {BLOCK_TARGET} - set(sig.vanishing)
        for params in draws:
            if gen.builds == "block":
                try:
                    block = gen.build(kind, params)
                except RegistrationError:
                    raise
                except Exception as e:  # a generator that crashes on its own valid params
                    raise RegistrationError(f"generator {gen.name!r} failed on a {kind} orbit at {_fmt_params(params)}: {type(e).__name__}: {e}") from e
                vals = _check_block(gen, kind, block, params, atol)
                scale = _block_scale(block.v)
                always_zero = {m for m in always_zero if abs(vals[m]) <= atol * scale}
            else:
                from groups import parse_group

                for spec in gen.check_groups:
                    G = parse_group(spec)
                    try:
                        el = gen.build_element(G, params)
                    except RegistrationError:
                        raise
                    except Exception as e:
                        raise RegistrationError(f"generator {gen.name!r} failed on {spec} at {_fmt_params(params)}: {type(e).__name__}: {e}") from e
                    if el.group != G:
                        raise RegistrationError(f"generator {gen.name!r} built an element of {el.group.spec} for {spec}")
                    if gen.order is not None:
                        want = gen.order_for(G)
                        if el.order != want:
                            raise RegistrationError(f"generator {gen.name!r} on {spec}: declared order {want} but built {el.order} nodes")
                    orbits = [o for o in G.orbits() if o.kind == kind]
                    for o in orbits:
                        v = el.z[:, o.k, :]
                        if kind == "real":
                            v = v.real
                        block = Block(v, kind)
                        # an element's nodes span all orbits: no per-orbit merging or order check
                        sub = attrs.evolve(gen, order=None)
                        vals = _check_block(sub, kind, block, {**params, "group": spec, "k": o.k}, atol)
                        scale = _block_scale(block.v)
                        always_zero = {m for m in always_zero if abs(vals[m]) <= atol * scale}
        if always_zero:
            undeclared[kind] = tuple(sorted(always_zero, key=_MONOMIAL_ORDER.get))
            msg = (
                f"generator {gen.name!r}: SP(s) {', '.join(undeclared[kind])} vanished at every sampled "
                f"parameter value on {kind} orbits but are not declared; declare them (or widen the sampler)"
            )
            if strict:
                raise RegistrationError(msg)
            warnings.warn(msg, UndeclaredVanishingWarning, stacklevel=3)
    return VerificationReport(gen.name, len(draws), undeclared)


# ---------------------------------------------------------------------------------------
# registry
# ---------------------------------------------------------------------------------------
_TOKENS = itertools.count()


@typing.final
class Registry:
    """An ordered, named collection of generators (registration order = preference order).

    >>> reg = Registry()
    >>> len(reg), "one" in default_registry()
    (0, True)
    """

    def __init__(self, generators: Iterable[Generator] = ()):
        self._gens: dict[str, Generator] = {}
        self._version = 0
        self._token = next(_TOKENS)
        for g in generators:
            self.register(g, verify=False)

    # -- collection ------------------------------------------------------------------
    def __contains__(self, name) -> bool:
        return name in self._gens

    def __getitem__(self, name: str) -> Generator:
        try:
            return self._gens[name]
        except KeyError:
            raise KeyError(f"no generator named {name!r} (registered: {', '.join(self._gens) or 'none'})") from None

    def __iter__(self):
        return iter(self._gens.values())

    def __len__(self) -> int:
        return len(self._gens)

    def __repr__(self) -> str:
        return f"Registry([{', '.join(self._gens)}])"

    def names(self) -> list[str]:
        return list(self._gens)

    def index(self, name: str) -> int:
        """Registration position (used to break ties: earlier is preferred)."""
        return self.names().index(name)

    @property
    def version(self) -> tuple[int, int]:
        """Changes whenever the registry changes (used as a cache key)."""
        return (self._token, self._version)

    def block_generators(self, kind: str) -> list[Generator]:
        return [g for g in self._gens.values() if g.builds == "block" and kind in g.kinds]

    def linked_generators(self) -> list[Generator]:
        return [g for g in self._gens.values() if g.builds == "linked"]

    def copy(self) -> "Registry":
        out = Registry()
        out._gens = dict(self._gens)
        return out

    def subset(self, names: Iterable[str]) -> "Registry":
        """A new registry with only these generators (in this registry's order)."""
        names = set(names)
        missing = names - set(self._gens)
        if missing:
            raise KeyError(f"no generator(s) named {sorted(missing)}")
        out = Registry()
        out._gens = {n: g for n, g in self._gens.items() if n in names}
        return out

    # -- registration ------------------------------------------------------------------
    def register(self, gen: Generator, *, verify: bool = True, replace: bool = False, strict: bool = False, samples: int = 5) -> Generator:
        if not isinstance(gen, Generator):
            raise TypeError(f"register() needs a Generator, got {gen!r}")
        if gen.name in self._gens and not replace:
            raise RegistrationError(f"a generator named {gen.name!r} is already registered (pass replace=True)")
        if verify:
            verify_generator(gen, samples=samples, strict=strict)
        self._gens[gen.name] = gen
        self._version += 1
        return gen

    def unregister(self, name: str) -> Generator:
        gen = self[name]
        del self._gens[name]
        self._version += 1
        return gen

    def generator(self, **kwargs):
        """Decorator: ``@reg.generator(name=..., order=..., kinds=..., signature=..., params=...)``."""
        return _decorator(self, **kwargs)


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
        from cogs.generators.linked import LinkSignature

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


def _decorator(registry: Registry | None, *, verify: bool = True, replace: bool = False, strict: bool = False, **kwargs):
    def wrap(func):
        gen = make_generator(func, **kwargs)
        (registry if registry is not None else current_registry()).register(gen, verify=verify, replace=replace, strict=strict)
        return func

    return wrap


# -- the default and the current registry ------------------------------------------------
_DEFAULT: Registry | None = None
_CURRENT: contextvars.ContextVar[Registry | None] = contextvars.ContextVar("cogs_registry", default=None)


def default_registry() -> Registry:
    """The global registry holding the built-ins of SPEC §6 and the memorisation factors."""
    global _DEFAULT
    if _DEFAULT is None:
        from cogs.generators.builtin import register_builtins

        reg = Registry()
        register_builtins(reg)
        _DEFAULT = reg
    return _DEFAULT


def current_registry() -> Registry:
    """The registry that :func:`register_generator` writes to (the default one unless inside
    :func:`scoped_registry`)."""
    reg = _CURRENT.get()
    return reg if reg is not None else default_registry()


@contextlib.contextmanager
def scoped_registry(base: Registry | None = None):
    """Make a *copy* of ``base`` (default: the current registry) current for the ``with``
    block; registrations inside do not leak out. Yields the copy."""
    reg = (base if base is not None else current_registry()).copy()
    token = _CURRENT.set(reg)
    try:
        yield reg
    finally:
        _CURRENT.reset(token)


def register_generator(**kwargs):
    """Decorator registering ``func`` in the current registry (see :func:`make_generator` for
    the keywords: name, order, kinds, signature, params, builds, math, doc; plus verify,
    replace, strict)."""
    return _decorator(None, **kwargs)
