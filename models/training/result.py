"""What a training job returns: final weights, per-epoch metrics and records, run status."""

from __future__ import annotations

import typing

import math

import attrs
import numpy as np
import torch

from models.training.config import RunSpec, TrainConfig

METRICS = ("train_loss", "train_acc", "test_loss", "test_acc")


def _num(x):
    x = float(x)
    return x if math.isfinite(x) else None


@typing.final
@attrs.frozen
class TrainResult:
    """``metrics[name]``: (R, E) float64 over the evaluated ``epochs`` (NaN = null: no test set,
    or the run had diverged); the last column is the final state (epoch = config.epochs,
    after the last step). ``records[name]``: (R, E, ...) from recorders / SP recording.
    ``diverged_epoch[r]``: the epoch whose loss or step went non-finite, −1 if none; a
    diverged run's weights are frozen at the last finite state.
    """

    config: TrainConfig
    runs: tuple[RunSpec, ...]
    epochs: tuple[int, ...]
    metrics: dict
    records: dict
    diverged_epoch: np.ndarray
    W_a: torch.Tensor
    W_b: torch.Tensor
    W_c: torch.Tensor
    n_train: np.ndarray
    n_test: np.ndarray
    device: str
    objective: str = "mse"
    #: (R, K − 2, q, d): the input matrices of operands 3…K (None for two operands)
    W_more: torch.Tensor | None = None

    def status(self, r: int) -> str:
        return "diverged" if self.diverged_epoch[r] >= 0 else "ok"

    def weights(self, r: int):
        """Run r's final (W_a, W_b, W_c) as float64 numpy arrays."""
        return tuple(w[r].detach().cpu().double().numpy() for w in (self.W_a, self.W_b, self.W_c))

    def more_weights(self, r: int):
        """Run r's (K − 2, q, d) input matrices of operands 3…K as float64, or None."""
        return None if self.W_more is None else self.W_more[r].detach().cpu().double().numpy()

    def run_metrics(self, r: int) -> list[dict]:
        out = []
        last = len(self.epochs) - 1
        for i, e in enumerate(self.epochs):
            entry = {"epoch": int(e)}
            for name in self.metrics:
                entry[name] = _num(self.metrics[name][r, i])
            if i == last:
                entry["final"] = True
            out.append(entry)
        return out

    def run_records(self, r: int) -> dict:
        return {name: np.where(np.isfinite(v[r]), v[r], np.nan).tolist() for name, v in self.records.items()}

    def run_summary(self, r: int) -> dict:
        run = self.runs[r]
        de = int(self.diverged_epoch[r])
        return {
            "seed": run.seed,
            "lr": run.lr,
            "wd": run.wd,
            "status": self.status(r),
            "diverged_epoch": de if de >= 0 else None,
            "metrics": self.run_metrics(r),
        }

    def to_json(self) -> dict:
        return {"runs": [self.run_summary(r) for r in range(len(self.runs))]}
