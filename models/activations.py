"""The hidden-layer activations and the output losses a network can be trained with.

Activations σ (``h = σ(s)`` for the pre-activation s = Σ_k W_k[:, x_k]):

* ``sqr`` — s², the quadratic network of docs/mathematics.md (the default, and the only one
  the exact constructions and certificates speak of);
* ``relu`` — max(s, 0);
* ``silu`` — s·sigmoid(s);
* ``relusqr`` — max(s, 0)².

Losses on the outputs o ∈ R^d of one input tuple with target y:

* ``mse`` — the projected squared error ‖P(o − e_y)‖², P = I − 11ᵀ/d (docs/mathematics.md);
* ``ce`` — cross-entropy on the raw outputs as logits, logsumexp(o) − o_y.

Both are averaged over the train tuples. These are the reference scripts' ``sqr``, ``relu``,
``silu``, ``relusqr`` and ``mse``, ``nll`` (``torch.nn.CrossEntropyLoss``, mean reduction).

>>> import torch
>>> s = torch.tensor([-1.0, 0.5, 2.0])
>>> [[round(v, 4) for v in activate(name, s).tolist()] for name in ACTIVATIONS]
[[1.0, 0.25, 4.0], [0.0, 0.5, 2.0], [-0.2689, 0.3112, 1.7616], [0.0, 0.25, 4.0]]
"""

from __future__ import annotations

ACTIVATIONS = ("sqr", "relu", "silu", "relusqr")
LOSSES = ("mse", "ce")
#: the set-up of the paper and of every exact construction
QUADRATIC = "sqr"


def check_activation(name) -> str:
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r} (use one of {', '.join(ACTIVATIONS)})")
    return name


def check_loss(name) -> str:
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r} (use one of {', '.join(LOSSES)})")
    return name


def activate(name: str, s, out=None):
    """σ(s) for a torch tensor ``s`` (into ``out`` when given)."""
    import torch

    if name == "sqr":
        return torch.mul(s, s, out=out)
    if name == "relu":
        return torch.clamp_min(s, 0, out=out)
    if name == "silu":
        return torch.mul(s, torch.sigmoid(s), out=out)
    if name == "relusqr":
        r = torch.clamp_min(s, 0)
        return torch.mul(r, r, out=out)
    raise ValueError(f"unknown activation {name!r}")


def sample_loss(name: str, o, y):
    """The loss of each output row o (..., d) with target index y (broadcast to o.shape[:-1]):
    ``mse`` ‖P(o − e_y)‖² = ‖o − ō‖² − 2(o_y − ō) + 1 − 1/d, ``ce`` logsumexp(o) − o_y."""
    import torch

    y = torch.as_tensor(y, device=o.device, dtype=torch.long).expand(o.shape[:-1]).unsqueeze(-1)
    if name == "ce":
        return torch.logsumexp(o, -1) - torch.gather(o, -1, y).squeeze(-1)
    if name != "mse":
        raise ValueError(f"unknown loss {name!r}")
    d = o.shape[-1]
    centred = o - o.mean(dim=-1, keepdim=True)
    return (centred**2).sum(-1) - 2 * torch.gather(centred, -1, y).squeeze(-1) + (1.0 - 1.0 / d)


#: the backward pass multiplies by σ'(s)/GRAD_SCALE and the summed gradient by GRAD_SCALE
#: (sqr: by s, then 2 — the quadratic network's arithmetic, kept as it always was)
GRAD_SCALE = {"sqr": 2.0, "relu": 1.0, "silu": 1.0, "relusqr": 2.0}


def backprop(name: str, s, dh):
    """dh ← dh · σ'(s) / GRAD_SCALE[name], in place; ``s`` may be overwritten."""
    import torch

    if name == "sqr":
        return dh.mul_(s)
    if name == "relu":
        return dh.masked_fill_(s <= 0, 0)
    if name == "relusqr":
        return dh.mul_(s.clamp_min_(0))
    if name == "silu":
        sig = torch.sigmoid(s)
        # σ'(s) = sig·(1 + s·(1 − sig))
        return dh.mul_(sig.mul_(s.mul(sig).neg_().add_(s).add_(1)))
    raise ValueError(f"unknown activation {name!r}")
