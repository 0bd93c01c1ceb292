"""Generators of partial solutions (docs/solutions.md#partial-solutions): a registry with verified signatures, the
built-ins, and the polynomial construction of docs/solutions.md#global-solutions.

Modules, lowest layer first (each imports only modules above it in this list):

* :mod:`~cogs.generators.signature` — the signature language: :class:`Signature`,
  :class:`~cogs.generators.signature.LinkSignature`, canonical SP names, parsing/printing,
  :class:`RegistrationError`;
* :mod:`~cogs.generators.linked` — linked blocks (DC inputs, read-outs across orbits) and the
  check of their read-out; :mod:`~cogs.generators.merge` — docs/mathematics.md#the-semi-ring-of-networks node merging;
* :mod:`~cogs.generators.generator` — :class:`Generator`, :class:`Param`, :func:`make_generator`;
* :mod:`~cogs.generators.verify` — :func:`verify_generator`: a declaration checked numerically;
* :mod:`~cogs.generators.registry` — :class:`Registry`: named, verified collections;
* :mod:`~cogs.generators.builtin_linked`, :mod:`~cogs.generators.builtin` — the built-in generators;
* :mod:`~cogs.generators.defaults` — :func:`default_registry`, the registry of built-ins;
* :mod:`~cogs.generators.scope` — :func:`current_registry`, :func:`scoped_registry`,
  :func:`register_generator`;
* :mod:`~cogs.generators.polynomial` — the polynomial construction ρ(u) of docs/solutions.md#global-solutions.
* :mod:`~cogs.generators.bilinear` — verified real bilinear algorithms for the blocks M_m(D) of a
  real group algebra (:data:`ALGORITHMS`, :func:`register_algorithm`, :func:`best_algorithm`).

>>> from cogs.generators import default_registry
>>> reg = default_registry()
>>> reg["z_syn"].signature("complex").r_kkk, reg["z_nu"].signature("complex").vanishing
(3.0, ('aac', 'bbc'))
"""

from cogs.generators.bilinear import (ALGORITHMS, BilinearAlgorithm, algorithms_for, best_algorithm, naive_algorithm,
                                      register_algorithm, tensor_algorithm, unregister_algorithm)
from cogs.generators.defaults import default_registry
from cogs.generators.generator import Generator, Param, make_generator
from cogs.generators.polynomial import PolynomialError, PolynomialResult, polynomial_construction, polynomial_roots
from cogs.generators.registry import Registry
from cogs.generators.scope import current_registry, register_generator, scoped_registry
from cogs.generators.signature import RegistrationError, Signature, canonical_monomial
from cogs.generators.verify import UndeclaredVanishingWarning, VerificationReport, sp_values, verify_generator

__all__ = [
    "ALGORITHMS",
    "BilinearAlgorithm",
    "Generator",
    "Param",
    "PolynomialError",
    "PolynomialResult",
    "RegistrationError",
    "Registry",
    "Signature",
    "UndeclaredVanishingWarning",
    "VerificationReport",
    "algorithms_for",
    "best_algorithm",
    "canonical_monomial",
    "current_registry",
    "default_registry",
    "make_generator",
    "naive_algorithm",
    "polynomial_construction",
    "polynomial_roots",
    "register_algorithm",
    "register_generator",
    "scoped_registry",
    "sp_values",
    "tensor_algorithm",
    "unregister_algorithm",
    "verify_generator",
]
