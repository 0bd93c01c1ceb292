"""One network as a value: :class:`Network`, the type every part of CoGS hands around.

A network of order q on a finite group G (d = |G|; any finite group, Abelian or not) is three real matrices — W_a, W_b (q × d)
and W_c (d × q), float64 — with o(a, b) = W_c (W_a[:, a] + W_b[:, b])² (docs/mathematics.md,
"The network and its loss"). A :class:`Network` holds them read-only together with its group,
its metadata (``meta``: what made it, JSON-able), the certificate of a construction, and the
file it was read from. Constructions, discovered networks and trained runs are Networks;
every function that reads weights accepts one (:mod:`models.weights`).

Networks form a semi-ring (docs/mathematics.md, "The semi-ring of networks"):

* ``x + y`` concatenates hidden nodes (order q1 + q2); zero is the empty network;
* ``x * y`` has one node per pair of nodes (j1 outer), each matrix row the group convolution
  (x⋆y)(k) = Σ_{g·h=k} x(g) y(h) of the two rows scaled by λ/d, λ = (2d)^{1/3}: in the
  Fourier basis it is the entry-wise product of the coefficients in paper units
  (:class:`models.element.NetworkElement`; for any group, the product of the matrices
  (λ/d)·x̂(ρ) per irrep ρ); one is the single node (d/λ)·δ_e, e = ``group.identity``. The
  product is commutative exactly when G is Abelian;
* ``s * x`` scales the output layer (every sum potential is linear in W_c).

Everything in weight space (the semi-ring, equality, the loss, accuracy) works on every finite
group; what reads characters — :meth:`Network.spectrum`, :meth:`Network.element`,
:meth:`Network.explain`, :class:`FourierMap` — needs a :class:`groups.FiniteAbelianGroup` and
refuses any other group with a one-line :class:`groups.NotAbelianError`. Equality compares
nodes in the Fourier basis (paper units) on those groups and in weight space on the others.

Equality is that of the semi-ring: up to node order, merging nodes with equal inputs and
dropping nodes that reach no output (:meth:`Network.isclose`).

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> x = Network("Z5", rng.normal(size=(2, 5)), rng.normal(size=(2, 5)), rng.normal(size=(5, 2)))
>>> y = Network("Z5", rng.normal(size=(3, 5)), rng.normal(size=(3, 5)), rng.normal(size=(5, 3)))
>>> (x + y).order, (x * y).order
(5, 6)
>>> one = Networks("Z5").one()
>>> (x * one).isclose(x), (x * (y + one)).isclose(x * y + x)
(True, True)
>>> x
Network(group=Z5, order=2)
"""

from __future__ import annotations

import html
import math
import numbers
import typing
from pathlib import Path

import attrs
import numpy as np

from algebra import Homomorphism, Semiring, SemiringElement
from groups import FiniteAbelianGroup, parse_group, require_abelian
from models.frozen import frozen_mapping, reduce_by_fields
from models.weights import as_arrays

__all__ = ["FourierMap", "Network", "Networks", "WEIGHT_META_KEYS", "load", "load_npz"]


#: the ``meta`` keys that describe the weights themselves: wrong once the weights change
WEIGHT_META_KEYS = ("loss", "order")


def _read_only(w: np.ndarray) -> np.ndarray:
    """``w`` (float64) as an array over an immutable bytes buffer: neither it nor its base can
    be made writeable again (``setflags(write=True)`` raises ValueError)."""
    return np.frombuffer(w.tobytes(), dtype=np.float64).reshape(w.shape)


def _same_array(mine: np.ndarray, new) -> bool:
    """Does ``new`` hold exactly ``mine``'s values (so passing it changes nothing)?"""
    if new is mine:
        return True
    if hasattr(new, "detach"):
        new = new.detach().cpu().numpy()
    new = np.asarray(new)
    return new.shape == mine.shape and new.dtype.kind in "fiu" and bool(np.array_equal(new, mine))


@typing.final
@attrs.frozen(eq=False, repr=False)
class Network(SemiringElement):
    """One network (module doc): ``group``, read-only float64 ``W_a``, ``W_b`` (q × d) and
    ``W_c`` (d × q), ``meta`` (read-only mapping), ``certificate`` (a construction's
    :class:`cogs.solver.Certificate`, else None) and ``path`` (the file it was read from).

    ``Network(group, W_a, W_b, W_c)`` checks the weights (real, finite, shapes of the group's
    order; numpy arrays or torch tensors) and keeps float64 copies that cannot be made
    writeable again. The certificate, and the ``meta`` keys "loss" and "order", describe these
    weights: :meth:`evolve` to new weights drops them. Networks pickle and ``copy.deepcopy``
    (certificate included).

    >>> import cogs
    >>> import numpy as np
    >>> net = cogs.Network("Z3", np.eye(3), -np.eye(3), np.eye(3), meta={"note": "a toy"})
    >>> net.order, net.d, net.meta["note"], round(net.loss(), 6)
    (3, 3, 'a toy', 1.111111)
    >>> net.W_a.flags.writeable
    False
    """

    group: typing.Any = attrs.field(converter=parse_group)
    W_a: np.ndarray
    W_b: np.ndarray
    W_c: np.ndarray
    meta: typing.Mapping = attrs.field(default=None, converter=frozen_mapping)
    certificate: typing.Any = None
    path: str | None = None
    #: (K − 2, q, d): the input matrices of operands 3…K of a network trained on K > 2 operands
    #: (its ``meta["setup"]["operands"]`` says K); None for two operands
    W_more: typing.Any = None
    _cache: dict = attrs.field(factory=dict, init=False)

    def __attrs_post_init__(self):
        arrays = as_arrays(self.W_a, self.W_b, self.W_c, group=self.group, allow_empty=True,
                           source=self.path or "network")
        for name, w in zip(("W_a", "W_b", "W_c"), arrays):
            object.__setattr__(self, name, _read_only(w))
        from models.setup import setup_of

        K = setup_of(self).operands  # a malformed meta["setup"] is a ValueError here
        if self.W_more is not None:
            more = self.W_more.detach().cpu().numpy() if hasattr(self.W_more, "detach") else np.asarray(self.W_more)
            if more.dtype.kind not in "fiu" or more.ndim != 3 or more.shape[1:] != self.W_a.shape:
                raise ValueError(f"W_more must be a real (K − 2, {self.W_a.shape[0]}, {self.d}) array, got shape {more.shape}")
            if not np.isfinite(more).all():
                raise ValueError("W_more holds NaN or infinite values")
            object.__setattr__(self, "W_more", _read_only(more.astype(np.float64)) if more.shape[0] else None)
        k_more = 0 if self.W_more is None else self.W_more.shape[0]
        if 2 + k_more != K:
            raise ValueError(f"the network has {2 + k_more} input matrices but its meta['setup'] says {K} operands")
        if self.certificate is not None and not self._certificate_fits():
            raise ValueError(f"the certificate is for other weights ({self.certificate!r} does not match the group, order "
                             "or ‖W‖² of these); pass certificate=None, or the weights it certified")

    __reduce__ = reduce_by_fields  # meta is a read-only mapping: pickled as a dict, frozen again

    # -- shape ------------------------------------------------------------------------
    @property
    def order(self) -> int:
        """Number of hidden nodes q (as stored; :meth:`canonical` merges)."""
        return int(self.W_a.shape[0])

    q = order

    @property
    def d(self) -> int:
        """|G|."""
        return self.group.order

    @property
    def weights(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(W_a, W_b, W_c)."""
        return self.W_a, self.W_b, self.W_c

    def tensors(self, dtype=None, device=None):
        """(W_a, W_b, W_c) as new torch tensors (float64 unless ``dtype``)."""
        import torch

        dtype = torch.float64 if dtype is None else dtype
        return tuple(torch.tensor(w, dtype=dtype, device=device) for w in self.weights)

    def evolve(self, **changes) -> "Network":
        """A copy with some fields replaced (``group``, ``W_a``, ``W_b``, ``W_c``, ``meta``,
        ``certificate``, ``path``). New weights or a new group make the certificate, the file they
        came from (``path``) and the meta keys that describe the weights (:data:`WEIGHT_META_KEYS`:
        "loss", "order") wrong: they are dropped, unless given too (then taken as they are).

        >>> import cogs
        >>> net = cogs.construct("Z5", "f46")
        >>> tripled = net.evolve(W_c=3 * net.W_c)
        >>> tripled.certificate, tripled.path, "loss" in tripled.meta, tripled.meta["strategy"]
        (None, None, False, 'f46')
        >>> net.evolve(path="elsewhere.npz").certificate is net.certificate   # the weights are the same
        True
        """
        if self._changes_weights(changes):
            changes.setdefault("certificate", None)
            changes.setdefault("path", None)
            changes.setdefault("meta", self._meta_without_weight_keys())
        return attrs.evolve(self, **changes)

    def _changes_weights(self, changes: dict) -> bool:
        if "group" in changes and parse_group(changes["group"]) != self.group:
            return True
        if "W_more" in changes and not (changes["W_more"] is None and self.W_more is None) and (
                self.W_more is None or changes["W_more"] is None or not _same_array(self.W_more, changes["W_more"])):
            return True
        return any(name in changes and not _same_array(getattr(self, name), changes[name]) for name in ("W_a", "W_b", "W_c"))

    def _meta_without_weight_keys(self) -> dict:
        return {k: v for k, v in self.meta.items() if k not in WEIGHT_META_KEYS}

    # -- what it computes -------------------------------------------------------------
    @property
    def setup(self):
        """Its :class:`models.setup.Setup` (activation, loss, operands, task; ``meta["setup"]``)."""
        from models.setup import setup_of

        return setup_of(self)

    def loss(self, pairs=None) -> float:
        """The loss of docs/mathematics.md#the-network-and-its-loss: over all d² pairs exactly,
        without enumerating them (:func:`models.exact_loss.exact_loss`; signed, so an exact
        solution gives ±1e-16 rather than 0; the empty network: (d − 1)/d exactly, the loss of
        any zero output); over ``pairs`` ((N, 2) indices) by brute force. A network trained with
        another set-up (:attr:`setup`) is evaluated with its own activation, loss, operands and
        task over all its input tuples (:func:`models.setup.setup_loss_and_accuracy`)."""
        if not self.setup.quadratic:
            if pairs is not None:
                raise ValueError(f"loss over chosen pairs is for the quadratic network; this one has {self.setup.describe()}")
            if "loss" not in self._cache:
                from models.setup import setup_loss_and_accuracy

                self._cache["loss"], self._cache["accuracy"] = setup_loss_and_accuracy(self)
            return self._cache["loss"]
        if pairs is None:
            if "loss" not in self._cache:
                from models.exact_loss import exact_loss

                self._cache["loss"] = float(exact_loss(self)) if self.order else (self.d - 1) / self.d
            return self._cache["loss"]
        from models.forward import brute_force_loss

        return float(brute_force_loss(self, pairs=pairs))

    def accuracy(self, pairs=None) -> float:
        """The share of ``pairs`` (default all d²) whose output's arg-max is the group product
        (the empty network outputs zeros, as does any network with W_c = 0: 1/d over all pairs);
        for another set-up, over all its input tuples with its own activation and task."""
        if not self.setup.quadratic:
            if pairs is not None:
                raise ValueError(f"accuracy over chosen pairs is for the quadratic network; this one has "
                                 f"{self.setup.describe()}")
            self.loss()
            return self._cache["accuracy"]
        from models.forward import loss_and_accuracy

        return float(loss_and_accuracy(self, pairs=pairs)[1])

    def spectrum(self):
        """The :class:`models.spectrum.Spectrum` (Fourier coefficients, computed once; a
        :class:`groups.FiniteAbelianGroup` only, else :class:`groups.NotAbelianError`)."""
        require_abelian(self.group, "the Fourier spectrum (orbits {k, −k} of characters)")
        if "spectrum" not in self._cache:
            from models.spectrum import Spectrum

            self._cache["spectrum"] = Spectrum.from_weights(self)
        return self._cache["spectrum"]

    def element(self):
        """The :class:`models.element.NetworkElement` (Fourier domain, paper units; a
        :class:`groups.FiniteAbelianGroup` only, else :class:`groups.NotAbelianError`)."""
        require_abelian(self.group, "the Fourier-domain element (characters χ_k)")
        from models.element import NetworkElement

        return NetworkElement.from_weights(self)

    def explain(self, **options):
        """:func:`models.explain.explain` of this network (per node and orbit — per real
        irreducible on a group read by irreps; local dimension)."""
        from models.explain import explain

        return explain(self, **options)

    def weight_norm2(self) -> float:
        """‖W_a‖² + ‖W_b‖² + ‖W_c‖² (what weight decay sees)."""
        return float(sum(np.sum(w**2) for w in self.weights))

    def isclose(self, other: "Network", atol: float = 1e-10) -> bool:
        """Equal in the semi-ring, within ``atol`` relative to the largest entry (module doc)."""
        return Networks(self.group).isclose(self, other, atol=atol)

    def canonical(self, atol: float = 1e-9) -> "Network":
        """Nodes merged (equal inputs: outputs add) and dropped (no output), in a canonical order:
        other weights, so without the certificate and the meta keys that describe the weights
        (:meth:`evolve`). On a :class:`groups.FiniteAbelianGroup` nodes are compared in the
        Fourier basis (paper units), on any other group in weight space."""
        from models.element import NetworkElement, canonical_nodes

        if isinstance(self.group, FiniteAbelianGroup):
            W = NetworkElement.from_weights(self).canonical(atol).to_weights()
        else:
            z = canonical_nodes(_weight_nodes(self), atol).real
            W = (z[0].T.copy(), z[1].T.copy(), z[2].copy())
        return Network(self.group, *W, meta=self._meta_without_weight_keys())

    # -- files ------------------------------------------------------------------------
    def save(self, path) -> Path:
        """Write the weights file (:mod:`models.io`: .npz, atomic; ``meta`` stored with it, any keys)."""
        from models.io import save_weights

        return save_weights(path, self)

    # -- the semi-ring ----------------------------------------------------------------
    @property
    def semiring(self) -> "Networks":
        return Networks(self.group)

    # -- the certificate and display --------------------------------------------------------
    def _certificate_fits(self) -> bool:
        """Does the certificate describe these weights (group, order and ‖W‖² as certified)?"""
        cert = self.certificate
        if getattr(cert, "group", self.group.spec) != self.group.spec or getattr(cert, "order", self.order) != self.order:
            return False
        norm2 = getattr(cert, "balanced_weight_norm2" if getattr(cert, "balanced", True) else "weight_norm2", None)
        mine = float(sum(np.sum(w**2) for w in self.weights))
        return norm2 is None or math.isclose(mine, norm2, rel_tol=1e-9, abs_tol=1e-300)

    def _known_loss(self):
        """The loss of these weights if known (their certificate's, or computed): else None."""
        if getattr(self.certificate, "loss", None) is not None:
            return float(self.certificate.loss)
        return self._cache.get("loss")

    def __repr__(self) -> str:
        parts = [f"group={self.group.spec}", f"order={self.order}"]
        loss = self._known_loss()
        if loss is not None:
            parts.append(f"loss={loss:.3g}")
        if self.meta.get("strategy"):
            parts.append(f"strategy={self.meta['strategy']}")
        return f"Network({', '.join(parts)})"

    def _repr_html_(self) -> str:
        rows = [("group", f"{self.group.spec} (d = {self.d})"), ("order", str(self.order))]
        loss = self._known_loss()
        if loss is not None:
            rows.append(("loss", f"{loss:.3e}"))
        if self.certificate is not None:
            rows.append(("certified", str(bool(getattr(self.certificate, "passed", False)))))
        rows.append(("‖W‖²", f"{self.weight_norm2():.4g}"))
        for key in ("source", "strategy", "seed", "lr", "wd", "status"):
            if key in self.meta:
                rows.append((key, str(self.meta[key])))
        if self.path:
            rows.append(("file", self.path))
        body = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows)
        return f"<table><caption>Network</caption>{body}</table>"


def _quadratic(*xs) -> None:
    """The semi-ring is that of quadratic MSE networks on two operands: refuse any other."""
    from models.setup import require_quadratic

    for x in xs:
        require_quadratic(x, "the semi-ring of networks")


def _weight_nodes(x: Network) -> np.ndarray:
    """The (3, d, q) node tensor of a network in weight space: [W_a.T, W_b.T, W_c] (the form
    :func:`models.element.canonical_nodes` compares on groups without characters)."""
    return np.stack([x.W_a.T, x.W_b.T, x.W_c]) if x.order else np.zeros((3, x.d, 0))


def _convolve(X: np.ndarray, Y: np.ndarray, G) -> np.ndarray:
    """Rows of X (q1, d) convolved with rows of Y (q2, d) over G: (q1·q2, d), j1 outer,
    (x * y)(g) = Σ_h x(h) y(h⁻¹g) = Σ_{h·k=g} x(h) y(k) (order matters: G need not be Abelian)."""
    T, inv = G.cayley_table(), G.inverse_table()
    shifted = Y[:, T[inv]]  # (q2, h, g): y(h⁻¹ g)
    return np.einsum("ah,bhg->abg", X, shifted).reshape(X.shape[0] * Y.shape[0], X.shape[1])


@typing.final
class Networks(Semiring):
    """The semi-ring of real networks on a finite group, in weight space (module doc):
    commutative when the group is Abelian, not otherwise (x * y ≠ y * x in general). Cached per
    group and read-only: ``Networks(G) is Networks(G)``, and its ``group`` cannot be set (ask
    ``Networks(H)`` for another group).

    >>> import cogs
    >>> import numpy as np
    >>> S = cogs.Networks("Z4")             # d = 4, λ = (2d)^(1/3) = 2
    >>> S.one().W_a.tolist(), S.zero().order  # one: the node (d/λ)·δ_0; zero: no node
    ([[2.0, 0.0, 0.0, 0.0]], 0)
    >>> x = S.random(2, rng=np.random.default_rng(0))
    >>> S.isclose(S.mul(x, S.one()), x), S.isclose(S.add(x, S.zero()), x)
    (True, True)
    """

    _instances: typing.ClassVar[dict] = {}

    def __new__(cls, group):
        G = parse_group(group)
        self = cls._instances.get(G)
        if self is None:
            self = super().__new__(cls)
            object.__setattr__(self, "_group", G)
            cls._instances[G] = self
        return self

    def __init__(self, group):
        pass

    @property
    def group(self):
        """The group (read-only: this object is shared by every ``Networks`` of the group)."""
        return self._group

    def __setattr__(self, name, value):
        raise AttributeError(f"{self!r} is shared (one per group) and read-only; for another group use Networks(spec)")

    def __delattr__(self, name):
        raise AttributeError(f"{self!r} is shared (one per group) and read-only")

    def __repr__(self) -> str:
        return f"Networks({self.group.spec!r})"

    def __reduce__(self):  # the cached instance of the group, never a second one
        return (Networks, (self.group,))

    @property
    def _scale(self) -> float:
        d = self.group.order
        return (2.0 * d) ** (1.0 / 3.0) / d  # λ/d

    def zero(self) -> Network:
        d = self.group.order
        return Network(self.group, np.zeros((0, d)), np.zeros((0, d)), np.zeros((d, 0)))

    def one(self) -> Network:
        d = self.group.order
        delta = np.zeros((1, d))
        delta[0, self.group.identity] = 1.0 / self._scale  # (d/λ)·δ_e
        return Network(self.group, delta, delta, delta.T)

    def add(self, x: Network, y: Network) -> Network:
        _quadratic(x, y)
        return Network(self.group, np.vstack([x.W_a, y.W_a]), np.vstack([x.W_b, y.W_b]), np.hstack([x.W_c, y.W_c]))

    def mul(self, x: Network, y: Network) -> Network:
        _quadratic(x, y)
        s, G = self._scale, self.group
        W_a = s * _convolve(x.W_a, y.W_a, G)
        W_b = s * _convolve(x.W_b, y.W_b, G)
        W_c = s * _convolve(x.W_c.T, y.W_c.T, G).T
        return Network(G, W_a, W_b, W_c)

    def equal(self, x: Network, y: Network) -> bool:
        return self.isclose(x, y, atol=0.0)

    def isclose(self, x: Network, y: Network, *, atol: float = 1e-10) -> bool:
        from models.element import NetworkElement, nodes_isclose

        if x.group != y.group:
            return False
        if x.setup != y.setup:
            return False
        if x.W_more is not None or y.W_more is not None:  # K > 2 operands: the same nodes in the same order
            return (x.W_more is not None and y.W_more is not None and x.W_more.shape == y.W_more.shape
                    and all(np.allclose(a, b, rtol=0, atol=atol * max(1.0, np.abs(a).max(initial=0)))
                            for a, b in zip((x.W_a, x.W_b, x.W_c, x.W_more), (y.W_a, y.W_b, y.W_c, y.W_more))))
        if not isinstance(self.group, FiniteAbelianGroup):  # no characters: compare nodes in weight space
            return nodes_isclose(_weight_nodes(x), _weight_nodes(y), atol)
        return nodes_isclose(NetworkElement.from_weights(x).z, NetworkElement.from_weights(y).z, atol)

    def contains(self, x) -> bool:
        return isinstance(x, Network) and x.group == self.group

    def scale(self, s, x: Network) -> Network:
        if not isinstance(s, numbers.Real):
            raise ValueError(f"a real network scales by a real number, got {s!r}")
        _quadratic(x)
        return Network(self.group, x.W_a, x.W_b, float(s) * x.W_c)

    def constant(self, s) -> Network:
        """ŝ = one node with input δ_e·d/λ and output s·δ_e·d/λ: every SP with one
        unconjugated c maps it to s."""
        return self.scale(s, self.one())

    def random(self, q: int, *, rng: np.random.Generator, scale: float = 1.0) -> Network:
        """A network of order q with independent N(0, scale²) weights."""
        d = self.group.order
        return Network(self.group, scale * rng.standard_normal((q, d)), scale * rng.standard_normal((q, d)),
                       scale * rng.standard_normal((d, q)))


def load_npz(path, group=None) -> Network:
    """A CoGS weights file (.npz, :mod:`models.io`) and nothing else; ``group``, when given, must
    be the file's. See :func:`load` (an example there)."""
    from models.io import read_weights

    from models.io import WeightsFileError

    G, W_a, W_b, W_c, meta, W_more = read_weights(path, group, more=True)
    try:
        return Network(G, W_a, W_b, W_c, meta=meta, path=str(path), W_more=W_more)
    except ValueError as e:  # a set-up that does not fit the weights
        raise WeightsFileError(str(e) if str(e).startswith(str(path)) else f"{path}: {e}") from None


def load(path, group=None, keys=None) -> Network:
    """A network from a file, judged by its content: a CoGS weights file (.npz), or a torch file
    read with ``weights_only=True`` — the paper's scripts' checkpoints or any state dict with
    ``keys=(A, B, C)`` naming W_a, W_b, W_c (:mod:`models.state_dict`; a torch file carries no
    group, so ``group`` is needed).

    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> import torch
    >>> import cogs
    >>> net = cogs.Networks("Z5").random(3, rng=np.random.default_rng(0))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     a = cogs.load(net.save(Path(tmp) / "net.npz"))
    ...     torch.save({"model": {"layera.weight": torch.tensor(net.W_a), "layerb.weight": torch.tensor(net.W_b),
    ...                           "layerc.weight": torch.tensor(net.W_c)}}, Path(tmp) / "ck.pt")
    ...     b = cogs.load(Path(tmp) / "ck.pt", group="Z5")
    >>> a.isclose(net, atol=0), b.isclose(net, atol=0), b.meta["source"]
    (True, True, 'torch')
    """
    from models.io import WeightsFileError
    from models.state_dict import check_weights_file, is_npz, read_state_dict

    path = check_weights_file(path)
    if is_npz(path):
        if keys is not None:
            raise WeightsFileError(f"{path}: --keys applies to torch files; this is a CoGS .npz weights file")
        return load_npz(path, group)
    G, W_a, W_b, W_c, meta = read_state_dict(path, group, keys)
    return Network(G, W_a, W_b, W_c, meta=meta, path=str(path))


@typing.final
class FourierMap(Homomorphism):
    """The Fourier transform as a semi-ring isomorphism from :class:`Networks` (weight space)
    to :class:`models.element.NetworkSemiring` (paper units): x ↦ x.element(). Composed with a
    sum potential (``sp @ FourierMap(G)``) it evaluates the SP on networks directly.

    >>> from algebra.testing import check_homomorphism
    >>> S = Networks("Z6")
    >>> xs = [S.random(2, rng=np.random.default_rng(s)) for s in range(2)]
    >>> check_homomorphism(FourierMap("Z6"), xs)  # passes
    """

    def __init__(self, group):
        self.group = require_abelian(parse_group(group), "FourierMap (the characters of a finite Abelian group)")

    @property
    def domain(self) -> Networks:
        return Networks(self.group)

    @property
    def codomain(self):
        from models.element import NetworkSemiring

        return NetworkSemiring(self.group)

    def _apply(self, x: Network):
        return x.element()

    def __repr__(self) -> str:
        return f"FourierMap({self.group.spec!r})"
