"""The generic matcher: recognise any registered family from its builder alone.

:class:`GenericMatcher` needs only ``build(params, kind) -> (3, m) array`` and
``sample(rng) -> params``: candidate parameters come from the sampler, the nearest sampled
member over all normal forms (:mod:`cogs.reading.normal_forms`) is refined by damped
Gauss–Newton on the real coordinates of its continuous parameters. So a user-registered
generator is recognised without touching this package (:mod:`cogs.reading.matcher_registry` builds
one for every registered block generator of order ≥ 2 without a closed-form matcher).

>>> import numpy as np
>>> m = GenericMatcher("z_tw", 2, ("complex",), lambda p, kind: np.array([[1, p["t"]], [1, -p["t"]], [1, -p["t"] ** -2]]),
...                    lambda rng: {"t": complex(np.exp(1j * rng.uniform(0, 6)))})
>>> params, res = m.fit(np.array([[1, np.exp(0.3j)], [1, -np.exp(0.3j)], [1, -np.exp(-0.6j)]]), "complex")
>>> res < 1e-8, m.dof
(True, 2)

Reference: Y. Tian, NeurIPS 2025, arXiv 2410.01779; docs/reading.md.
"""

from __future__ import annotations

import itertools
import typing

import numpy as np

from cogs.reading.normal_forms import max_deviation as _maxdev
from cogs.reading.normal_forms import normalize_base

__all__ = ["GenericMatcher"]


def _flatten(params: dict, types: dict | None = None) -> tuple[list, np.ndarray]:
    """Continuous coordinates of a parameter dict: floats → 1, complex → 2 (re, im), or 1
    (the phase) when ``types[k] == 'p'``; ints and bools are discrete and skipped."""
    keys, vals = [], []
    types = types or {}
    for k, x in params.items():
        if isinstance(x, (bool, np.bool_, int, np.integer)):
            continue
        if isinstance(x, (complex, np.complexfloating)):
            if types.get(k) == "p":
                keys.append((k, "p"))
                vals.append(float(np.angle(x)))
            else:
                keys.append((k, "c"))
                vals += [float(np.real(x)), float(np.imag(x))]
        elif isinstance(x, (float, np.floating)):
            keys.append((k, "r"))
            vals.append(float(x))
    return keys, np.array(vals, dtype=float)


def _unflatten(params: dict, keys, x: np.ndarray) -> dict:
    out = dict(params)
    i = 0
    for k, t in keys:
        if t == "c":
            out[k] = complex(x[i], x[i + 1])
            i += 2
        elif t == "p":
            out[k] = complex(abs(complex(params[k])) * np.exp(1j * x[i]))
            i += 1
        else:
            out[k] = float(x[i])
            i += 1
    return out


@typing.final
class GenericMatcher:
    """Matcher for a family given only by ``build(params, kind) -> (3, m) array`` and
    ``sample(rng) -> params`` (a dict). The fit takes the best of ``n_samples`` sampled
    parameter sets (distance over every choice of the family's base node and order of its
    other nodes), then refines the *continuous* parameters by damped Gauss–Newton with
    finite-difference Jacobians. A parameter is continuous if it is a float or complex and
    takes more than 4 distinct values over the samples (ints, bools and parameters the
    sampler keeps at a few values — e.g. ε = ±1, ν = ±i — are discrete and only enumerated);
    a complex parameter the builder rejects off its sampled modulus (|α| = 1) is refined
    along its phase. ``dof`` defaults to the number of continuous real coordinates."""

    def __init__(self, name, order, kinds, build, sample, dof=None, n_samples: int = 48, seed: int = 0):
        self.name = name
        self.order = int(order)
        self.kinds = tuple(kinds)
        self._build = build
        rng = np.random.default_rng(seed)
        self._samples = [dict(sample(rng) or {}) for _ in range(n_samples)]
        keys, _ = _flatten(self._samples[0]) if self._samples else ([], None)
        self._continuous = []
        for k, t in keys:
            vals = {complex(p[k]) for p in self._samples if k in p}
            if len(vals) > 4:
                self._continuous.append((k, t))
        # a complex parameter the builder rejects off its sampled modulus (e.g. |α| = 1) is
        # refined along its phase only
        for i, (k, t) in enumerate(self._continuous):
            if t != "c" or not self._samples:
                continue
            p = dict(self._samples[0])
            p[k] = complex(p[k]) * 1.01
            try:
                build(p, self.kinds[0])
            except Exception:
                self._continuous[i] = (k, "p")
        if dof is None:
            dof = sum(2 if t == "c" else 1 for _, t in self._continuous)
        self.dof = int(dof)

    def __repr__(self) -> str:
        return f"GenericMatcher({self.name!r}, order={self.order})"

    def _forms(self, params, kind="complex") -> list[np.ndarray]:
        """The family member's normal forms: every base node, every order of the others."""
        W = np.asarray(self._build(params, kind), dtype=np.complex128)
        if W.shape != (3, self.order):
            return []
        out = []
        for b in range(self.order):
            if np.all(np.abs(W[:, b]) > 1e-12):
                w = normalize_base(W, b)
                for perm in itertools.permutations(range(1, self.order)):
                    out.append(w[:, (0,) + perm])
        return out

    def _sample_table(self, kind):
        """(K, 3, m) normal forms of all sampled members and their sample index (cached)."""
        cache = self.__dict__.setdefault("_table", {})
        if kind not in cache:
            arrs, idx = [], []
            for i, p in enumerate(self._samples):
                try:
                    forms = self._forms(p, kind)
                except Exception:
                    continue
                arrs += forms
                idx += [i] * len(forms)
            cache[kind] = (np.array(arrs).reshape(-1, 3, self.order), np.array(idx, dtype=np.int64))
        return cache[kind]

    def _dist(self, v, params, kind="complex") -> float:
        forms = self._forms(params, kind)
        return float(min((_maxdev(v, w) for w in forms), default=np.inf))

    def fit(self, v, kind):
        return self.fit_forms([v], kind)

    def fit_forms(self, forms, kind):
        """Best fit over several normal forms of the observed factor at once: the nearest
        sampled member over all (form, member form) pairs, then refinement of that one."""
        forms = [np.asarray(v) for v in forms if np.asarray(v).shape == (3, self.order)]
        if not forms or kind not in self.kinds:
            return None
        table, idx = self._sample_table(kind)
        if table.shape[0] == 0:
            return None
        V = np.stack(forms)  # (F, 3, m)
        dev = np.abs(V[:, None] - table[None]).max(axis=(2, 3))  # (F, K)
        fi, ki = np.unravel_index(np.argmin(dev), dev.shape)
        best_d, best_p, v = float(dev[fi, ki]), self._samples[idx[ki]], forms[fi]
        if self._continuous:
            x = _flatten({k: best_p[k] for k, _ in self._continuous}, dict(self._continuous))[1]
            best_d, best_p = self._refine(v, best_p, self._continuous, x, best_d, kind)
        return best_p, float(best_d)

    def _refine(self, v, params, keys, x, d0, kind):
        def resid(xx):
            p = _unflatten(params, keys, xx)
            try:
                forms = self._forms(p, kind)
            except Exception:
                return None
            if not forms:
                return None
            r = min(((v - w).ravel() for w in forms), key=np.linalg.norm)
            return np.concatenate([r.real, r.imag])

        lam = 1e-3
        r = resid(x)
        if r is None:
            return d0, params
        for _ in range(30):
            J = np.empty((r.size, x.size))
            h = 1e-6 * (1 + np.abs(x))
            for i in range(x.size):
                xp = x.copy()
                xp[i] += h[i]
                rp = resid(xp)
                if rp is None:
                    return d0, params
                J[:, i] = (rp - r) / h[i]
            step = np.linalg.solve(J.T @ J + lam * np.eye(x.size), -J.T @ r)
            xn = x + step
            rn = resid(xn)
            if rn is not None and np.linalg.norm(rn) < np.linalg.norm(r):
                x, r, lam = xn, rn, lam / 3
                if np.linalg.norm(step) < 1e-10:
                    break
            else:
                lam *= 10
                if lam > 1e6:
                    break
        p = _unflatten(params, keys, x)
        d = self._dist(v, p, kind)
        return (d, p) if d < d0 else (d0, params)

    def canonical(self, params):
        return params

