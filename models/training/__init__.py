"""Batched full-batch training of quadratic networks (docs/paper.md).

>>> from models.training import TrainConfig, train
>>> res = train(TrainConfig(group="Z5", q=8, epochs=3, seeds=(1, 2), device="cpu"))
>>> res.metrics["train_loss"].shape   # (runs, evaluated epochs incl. the final one)
(2, 4)

The names below are loaded from their submodules on first use (PEP 562), each from its own
submodule only: ``from models.training.config import TrainConfig`` or
``from models.training import parse_seeds`` do not import torch (the trainer, the optimizers,
the pair grid and the checkpoints do).
"""

# name -> the submodule that defines it
_EXPORTS = {
    "BatchedAdam": "adam",
    "CheckpointError": "checkpoint",
    "latest_checkpoint": "checkpoint",
    "list_checkpoints": "checkpoint",
    "load_checkpoint": "checkpoint",
    "prune_checkpoints": "checkpoint",
    "save_checkpoint": "checkpoint",
    "CHECKPOINT_EVERY_S": "config",
    "RunSpec": "config",
    "TrainConfig": "config",
    "checkpoint_epochs": "config",
    "default_eval_epochs": "config",
    "parse_floats": "config",
    "parse_ints": "config",
    "parse_seeds": "config",
    "resolve_device": "config",
    "PairGrid": "pair_grid",
    "LogProgress": "progress",
    "ProgressBar": "progress",
    "terminal_progress": "progress",
    "METRICS": "result",
    "TrainResult": "result",
    "BatchedSGD": "sgd",
    "default_init": "seeding",
    "initial_weights": "seeding",
    "n_test_pairs": "seeding",
    "reference_init": "seeding",
    "reference_joint_init": "seeding",
    "split": "seeding",
    "init_weights": "trainer",
    "initial_state": "trainer",
    "train": "trainer",
}

__all__ = sorted(_EXPORTS)


def _submodule(name: str):
    # plain import statements (never importlib): tests/test_layers.py reads every edge
    if name == "adam":
        from models.training import adam as module
    elif name == "checkpoint":
        from models.training import checkpoint as module
    elif name == "config":
        from models.training import config as module
    elif name == "pair_grid":
        from models.training import pair_grid as module
    elif name == "progress":
        from models.training import progress as module
    elif name == "result":
        from models.training import result as module
    elif name == "sgd":
        from models.training import sgd as module
    elif name == "seeding":
        from models.training import seeding as module
    elif name == "trainer":
        from models.training import trainer as module
    else:
        raise AttributeError(f"models.training has no submodule {name!r} exporting names")
    return module


def __getattr__(name: str):
    sub = _EXPORTS.get(name)
    if sub is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_submodule(sub), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
