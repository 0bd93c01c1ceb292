"""Batched full-batch training of quadratic networks (SPEC §9).

>>> from models.training import TrainConfig, train
>>> res = train(TrainConfig(group="Z5", q=8, epochs=3, seeds=(1, 2), device="cpu"))
>>> res.metrics["train_loss"].shape   # (runs, evaluated epochs incl. the final one)
(2, 4)
"""

from models.training.adam import BatchedAdam
from models.training.checkpoint import (
    CHECKPOINT_EVERY_S,
    CheckpointError,
    latest_checkpoint,
    list_checkpoints,
    load_checkpoint,
    prune_checkpoints,
    save_checkpoint,
)
from models.training.config import (
    RunSpec,
    TrainConfig,
    checkpoint_epochs,
    default_eval_epochs,
    parse_floats,
    parse_ints,
    parse_seeds,
    resolve_device,
)
from models.training.pair_grid import PairGrid
from models.training.progress import LogProgress, ProgressBar, terminal_progress
from models.training.result import METRICS, TrainResult
from models.training.sgd import BatchedSGD
from models.training.seeding import default_init, initial_weights, n_test_pairs, reference_init, split
from models.training.trainer import initial_state, train

__all__ = [
    "CHECKPOINT_EVERY_S",
    "METRICS",
    "BatchedAdam",
    "BatchedSGD",
    "CheckpointError",
    "LogProgress",
    "PairGrid",
    "ProgressBar",
    "RunSpec",
    "TrainConfig",
    "TrainResult",
    "checkpoint_epochs",
    "default_eval_epochs",
    "default_init",
    "initial_state",
    "initial_weights",
    "latest_checkpoint",
    "list_checkpoints",
    "load_checkpoint",
    "n_test_pairs",
    "parse_floats",
    "parse_ints",
    "parse_seeds",
    "prune_checkpoints",
    "reference_init",
    "resolve_device",
    "save_checkpoint",
    "split",
    "terminal_progress",
    "train",
]
