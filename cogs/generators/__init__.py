"""Generators of partial solutions (SPEC §6): a registry with verified signatures, the
built-ins, and the polynomial construction of SPEC §7.

>>> from cogs.generators import default_registry
>>> reg = default_registry()
>>> reg["z_syn"].signature("complex").r_kkk, reg["z_nu"].signature("complex").vanishing
(3.0, ('aac', 'bbc'))
"""

from cogs.generators.polynomial import PolynomialError, PolynomialResult, polynomial_construction, polynomial_roots
from cogs.generators.registry import (
    Generator,
    Param,
    RegistrationError,
    Registry,
    Signature,
    UndeclaredVanishingWarning,
    VerificationReport,
    canonical_monomial,
    current_registry,
    default_registry,
    make_generator,
    register_generator,
    scoped_registry,
    sp_values,
    verify_generator,
)

__all__ = [
    "Generator",
    "Param",
    "PolynomialError",
    "PolynomialResult",
    "RegistrationError",
    "Registry",
    "Signature",
    "UndeclaredVanishingWarning",
    "VerificationReport",
    "canonical_monomial",
    "current_registry",
    "default_registry",
    "make_generator",
    "polynomial_construction",
    "polynomial_roots",
    "register_generator",
    "scoped_registry",
    "sp_values",
    "verify_generator",
]
