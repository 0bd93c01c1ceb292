"""The network: one network as a value (:class:`~models.network.Network`) and its semi-ring
(:class:`~models.network.Networks`), the one way weights come in (:mod:`models.weights`), its
forward pass and losses (:mod:`models.forward`, :mod:`models.exact_loss`,
:mod:`models.residuals`), its spectrum and semi-ring element in the Fourier basis
(:mod:`models.spectrum`, :mod:`models.element`), explanations (:mod:`models.explain`), weights
files (:mod:`models.io`, :mod:`models.state_dict`), and batched training
(:mod:`models.training`).

The names below are loaded on first use (PEP 562): ``import models.element`` or
``import models.limits`` run this file first, and must not import torch through it.

>>> import models
>>> models.Network("Z3", [[1.0, 0, 0]], [[0, 1.0, 0]], [[1.0], [0], [0]]).order
1
"""

_VALUE = ("Network", "Networks", "load", "load_npz")
_FORWARD = (
    "BatchedQuadraticNet",
    "QuadraticNet",
    "all_pairs",
    "brute_force_loss",
    "forward",
    "loss_and_accuracy",
    "per_sample_loss",
)
_TRAINING = ("TrainConfig", "TrainResult", "train")

__all__ = [*_VALUE, *_FORWARD, *_TRAINING]


def __getattr__(name: str):
    # plain import statements (never importlib): tests/test_layers.py reads every edge
    if name in _VALUE:
        from models import network as module
    elif name in _FORWARD:
        from models import forward as module
    elif name in _TRAINING:
        from models import training as module
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(module, name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
