"""The quadratic network, its semi-ring element, and training.

The names below are loaded on first use (PEP 562): ``import models.element`` or
``import models.limits`` run this file first, and must not import torch through it.
"""

_NETWORK = (
    "BatchedQuadraticNet",
    "QuadraticNet",
    "all_pairs",
    "brute_force_loss",
    "forward",
    "loss_and_accuracy",
    "per_sample_loss",
)
_TRAINING = ("TrainConfig", "TrainResult", "train")  # issue 5: batched trainer

__all__ = [*_NETWORK, *_TRAINING]


def __getattr__(name: str):
    # plain import statements (never importlib): tests/test_layers.py reads every edge
    if name in _NETWORK:
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
