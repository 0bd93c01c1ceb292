"""Verification: checking a generator numerically against its declared signature.

:func:`verify_generator` builds the generator at its defaults and at several parameter
values drawn from its declared samplers, and checks

* the built object has the declared kind and (for blocks) the declared order after merging;
* r_kkk equals the declared value (or is merely non-zero when declared ``None``);
* every declared SP vanishes (|r| ≤ 1e-9 relative to the block's scale);
* honesty: an SP that is *not* declared but vanishes at every sample is reported with an
  :class:`UndeclaredVanishingWarning` (an error with ``strict=True``).

Element generators are checked on every orbit of their check groups; linked generators by
their read-out (:func:`cogs.generators.linked.verify_linked`). A wrong declaration raises
:class:`~cogs.generators.signature.RegistrationError` naming the generator, the parameter
values and the offending SP. :class:`~cogs.generators.registry.Registry` runs this check
when a generator is registered.

>>> from cogs.generators.generator import make_generator
>>> from cogs.generators.signature import RegistrationError, Signature
>>> g = make_generator(lambda: [(1, 1, 1), (1j, -1j, 1)], name="zi", order=2, signature=Signature(2, ("aac",)))
>>> verify_generator(g, strict=True)
Traceback (most recent call last):
...
cogs.generators.signature.RegistrationError: generator 'zi': SP(s) a'bc, ab'c, bbc, a'a'c, b'b'c vanished at every sampled parameter value on complex orbits but are not declared; declare them (or widen the sampler)

Reference: Tian, NeurIPS 2025, arXiv:2410.01779 (docs/mathematics.md#sum-potentials, docs/solutions.md#partial-solutions).
"""

from __future__ import annotations

import typing
import warnings
from collections.abc import Mapping

import attrs
import numpy as np

from cogs.generators.generator import Generator
from cogs.generators.linked import verify_linked
from cogs.generators.signature import RegistrationError, monomial_rank
from cogs.sp.potentials import BLOCK_TARGET, block_potentials
from groups import parse_group
from models.element import Block

__all__ = ["ATOL", "UndeclaredVanishingWarning", "VerificationReport", "sp_values", "verify_generator"]

#: relative tolerance of the numerical checks
ATOL = 1e-9


@typing.final
class UndeclaredVanishingWarning(UserWarning):
    """A generator's undeclared SP vanished at every sampled parameter value."""


def _block_scale(v: np.ndarray) -> float:
    q = max(1, v.shape[-1])
    return max(1.0, float(np.abs(v).max(initial=0.0))) ** 3 * q


def sp_values(block: Block) -> dict[str, complex]:
    """Every block SP of docs/mathematics.md#sum-potentials for the block's kind (r_kkk first)."""
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
            undeclared[kind] = tuple(sorted(always_zero, key=monomial_rank))
            msg = (
                f"generator {gen.name!r}: SP(s) {', '.join(undeclared[kind])} vanished at every sampled "
                f"parameter value on {kind} orbits but are not declared; declare them (or widen the sampler)"
            )
            if strict:
                raise RegistrationError(msg)
            warnings.warn(msg, UndeclaredVanishingWarning, stacklevel=3)
    return VerificationReport(gen.name, len(draws), undeclared)

