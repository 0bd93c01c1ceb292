"""What a network computes besides its weights: its activation, its loss, its number of
operands and its task (the training set-up it was trained with; :mod:`models.activations`).

A trained network's ``meta["setup"]`` records it; a network without one is the paper's
quadratic network on the group's operation with the MSE — every construction, certificate and
semi-ring operation speaks of that one only and refuses any other with one line
(:func:`require_quadratic`). :func:`setup_loss_and_accuracy` evaluates a network of any set-up
by enumerating its input tuples.

>>> Setup.from_meta({"activation": "relu", "loss": "ce"})
Setup(activation='relu', loss='ce', operands=2, task=None)
>>> Setup().quadratic
True
"""

from __future__ import annotations

import typing

import attrs
import numpy as np

from models.activations import check_activation, check_loss

#: the keys of ``meta["setup"]`` that change what a network computes
SETUP_KEYS = ("activation", "loss", "operands", "task")


def _operands(x) -> int:
    from models.limits import MAX_OPERANDS

    if isinstance(x, bool) or not isinstance(x, (int, np.integer)) or not 2 <= int(x) <= MAX_OPERANDS:
        raise ValueError(f"operands must be an integer from 2 to {MAX_OPERANDS}, got {x!r}")
    return int(x)


def _task(x):
    if x is None:
        return None
    from models.expression import parse_expression

    parse_expression(x)
    return x


@typing.final
@attrs.frozen
class Setup:
    """A network's activation, loss, operand count K and expression task (None: the group's
    own product of the K operands)."""

    activation: str = attrs.field(default="sqr", validator=lambda _, __, v: check_activation(v))
    loss: str = attrs.field(default="mse", validator=lambda _, __, v: check_loss(v))
    operands: int = attrs.field(default=2, converter=_operands)
    task: str | None = attrs.field(default=None, converter=_task)

    @classmethod
    def from_meta(cls, setup) -> "Setup":
        """The set-up a ``meta["setup"]`` mapping records (None or absent keys: the defaults);
        anything malformed is a one-line ValueError."""
        if setup is None:
            return cls()
        if not hasattr(setup, "get"):
            raise ValueError(f"meta 'setup' must be a mapping, got {type(setup).__name__}")
        return cls(**{k: setup[k] for k in SETUP_KEYS if k in setup and setup[k] is not None})

    @property
    def quadratic(self) -> bool:
        """The paper's network: sqr, MSE, two operands, the group's product."""
        return self.activation == "sqr" and self.loss == "mse" and self.operands == 2 and self.task is None

    def describe(self) -> str:
        parts = [f"activation {self.activation}", f"loss {self.loss}"]
        if self.operands != 2:
            parts.append(f"{self.operands} operands")
        if self.task is not None:
            parts.append(f"task {self.task}")
        return ", ".join(parts)


def setup_of(network) -> Setup:
    """The :class:`Setup` of a network (its ``meta["setup"]``)."""
    meta = getattr(network, "meta", None) or {}
    return Setup.from_meta(meta.get("setup"))


def require_quadratic(network, what: str) -> None:
    """One-line ValueError unless ``network`` is the paper's quadratic MSE network."""
    s = setup_of(network)
    if not s.quadratic:
        raise ValueError(f"{what} is defined for the quadratic network with the MSE on two operands; this one has "
                         f"{s.describe()}")


def target_table(group, setup: Setup) -> np.ndarray:
    """(d, d^(K−1)) int64 targets of the input tuples (row x_1, column x_2·d^(K−2) + … + x_K)."""
    from groups import parse_group

    G = parse_group(group)
    if setup.task is not None:
        from models.expression import expression_table

        return expression_table(setup.task, G.order)
    table = np.array(G.cayley_table(), dtype=np.int64)
    out = table
    for _ in range(setup.operands - 2):  # (x_1·…·x_k)·x_{k+1}
        out = table[out.reshape(-1)].reshape(G.order, -1)
    return out


def setup_loss_and_accuracy(network, index=None, *, chunk: int = 4096) -> tuple[float, float]:
    """(loss, accuracy) of ``network`` over all of its input tuples (or the tuple indices
    ``index``, x_1·d^(K−1) + … + x_K), with its own activation, loss, operands and task (its
    :class:`Setup`), in float64 by enumeration."""
    import torch

    from models.activations import activate, sample_loss

    s = setup_of(network)
    G, d, K = network.group, network.d, s.operands
    more = getattr(network, "W_more", None)
    inputs = [network.W_a, network.W_b] + ([] if more is None else list(more))
    if len(inputs) != K:
        raise ValueError(f"the network has {len(inputs)} input matrices but its set-up says {K} operands")
    Ws = [torch.tensor(np.asarray(w), dtype=torch.float64) for w in inputs]
    W_c = torch.tensor(np.asarray(network.W_c), dtype=torch.float64)
    y_all = torch.as_tensor(target_table(G, s).reshape(-1))
    N = d ** K
    all_idx = np.arange(N) if index is None else np.asarray(index, dtype=np.int64)
    if all_idx.size == 0 or all_idx.min() < 0 or all_idx.max() >= N:
        raise ValueError(f"tuple indices must be a non-empty set in 0..{N - 1}")
    total, correct = 0.0, 0
    for start in range(0, len(all_idx), chunk):
        idx = all_idx[start:start + chunk]
        digits = np.unravel_index(idx, (d,) * K)
        pre = sum(W[:, torch.as_tensor(x)] for W, x in zip(Ws, digits))  # (q, n)
        o = (W_c @ activate(s.activation, pre)).T  # (n, d)
        y = y_all[torch.as_tensor(idx)]
        total += float(sample_loss(s.loss, o, y).sum())
        correct += int((o.argmax(1) == y).sum())
    return total / len(all_idx), correct / len(all_idx)


__all__ = ["SETUP_KEYS", "Setup", "require_quadratic", "setup_loss_and_accuracy", "setup_of", "target_table"]
