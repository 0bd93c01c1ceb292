"""The quadratic network, its semi-ring element, and training."""

from models.network import (
    BatchedQuadraticNet,
    QuadraticNet,
    all_pairs,
    brute_force_loss,
    forward,
    loss_and_accuracy,
    per_sample_loss,
)

__all__ = [
    "BatchedQuadraticNet",
    "QuadraticNet",
    "all_pairs",
    "brute_force_loss",
    "forward",
    "loss_and_accuracy",
    "per_sample_loss",
]
from models.training import TrainConfig, TrainResult, train  # noqa: E402  (issue 5: batched trainer)

__all__ += ["TrainConfig", "TrainResult", "train"]
