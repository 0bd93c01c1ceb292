"""Sum-potential tensors on any finite group, as ring homomorphisms into matrix algebras
(docs/mathematics.md#the-semi-ring-on-any-group).

For complex irreps σ, τ, ρ of G, a network z's sum-potential tensor is

    r_{στρ}(z) = (2/n²) Σ_j conj(â_j(σ)) ⊗ conj(b̂_j(τ)) ⊗ ĉ_j(ρ),    f̂(ρ) = Σ_g f(g) ρ(g),

an element of M_{dσ} ⊗ M_{dτ} ⊗ M_{dρ} (a dσ·dτ·dρ square matrix, Kronecker order). The factor
2/n² = (λ/n)³ with λ = (2n)^{1/3} matches the semi-ring's product (each node of z1 * z2 carries
λ/n times a convolution, and a convolution is a matrix product per irrep), so that
r(z1 + z2) = r(z1) + r(z2), r(z1 * z2) = r(z1) r(z2) and r(1) = I: a ring homomorphism from
:class:`models.network.Networks` into the non-commutative :class:`algebra.MatrixAlgebra`. On
an Abelian group these are the scalar sum potentials r_{m1 m2 k} in paper units.

>>> from algebra.testing import check_homomorphism
>>> from models.network import Networks
>>> import numpy as np
>>> S = Networks("S3")
>>> xs = [S.random(2, rng=np.random.default_rng(s)) for s in range(3)]
>>> check_homomorphism(SPTensor("S3", 2, 2, 2), xs)   # passes: the 2-dim irrep three times
>>> SPTensor("S3", 2, 2, 2).codomain
MatrixAlgebra(8)
"""

from __future__ import annotations

import typing

import numpy as np

from algebra import Homomorphism, MatrixAlgebra
from groups import parse_group

__all__ = ["SPTensor"]


@typing.final
class SPTensor(Homomorphism):
    """r_{στρ}: Networks(G) → M_{dσ·dτ·dρ}(C) (module doc); σ, τ, ρ index ``G.irreps()``."""

    def __init__(self, group, sigma: int, tau: int, rho: int):
        self.group = parse_group(group)
        count = len(self.group.irreps())
        for name, i in (("sigma", sigma), ("tau", tau), ("rho", rho)):
            if isinstance(i, bool) or not isinstance(i, (int, np.integer)) or not 0 <= i < count:
                raise ValueError(f"{name} must index one of the {count} irreps of {self.group.spec}, got {i!r}")
        self.triple = (int(sigma), int(tau), int(rho))

    @property
    def domain(self):
        from models.network import Networks

        return Networks(self.group)

    @property
    def codomain(self) -> MatrixAlgebra:
        irreps = self.group.irreps()
        return MatrixAlgebra(int(np.prod([irreps[i].dim for i in self.triple])))

    def _apply(self, x):
        G, (s, t, r) = self.group, self.triple
        A, B, C = G.fourier(x.W_a, axis=-1)[s], G.fourier(x.W_b, axis=-1)[t], G.fourier(x.W_c, axis=0)[r]
        # Σ_j kron(kron(conj A_j, conj B_j), C_j) as one einsum over the node axis
        out = np.einsum("jab,jcd,jef->acebdf", A.conj(), B.conj(), C)
        d = out.shape[0] * out.shape[1] * out.shape[2]
        return 2.0 / G.order**2 * out.reshape(d, d)

    def __repr__(self) -> str:
        return f"SPTensor({self.group.spec!r}, {self.triple[0]}, {self.triple[1]}, {self.triple[2]})"
