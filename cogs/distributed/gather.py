"""Merging shard results back into one :class:`models.training.TrainResult` of the parent job.

Every per-run array (weights, metrics, records, divergence epochs, split sizes) is placed at
the run's index in the parent job, so the merged result is what one batch of the whole job
returns and :meth:`cogs.jobs.runs.TrainedBatch.write` writes the same folders from it. When
shards failed, the result holds the runs of the shards that finished, renumbered in parent
order (their ``RunSpec`` keeps seed, lr and wd), and ``missing`` lists the parent indices left
out.
"""

from __future__ import annotations

import attrs
import numpy as np
import torch

from models.training import RunSpec, TrainResult


def merge_results(config, shards, results) -> tuple[TrainResult, list[int]]:
    """(merged result, missing parent run indices). ``results[i]`` is shard i's TrainResult
    or None when that shard failed; at least one must have finished."""
    done = [(s, r) for s, r in zip(shards, results) if r is not None]
    if not done:
        raise ValueError("no shard finished: nothing to merge")
    first = done[0][1]
    for s, r in done[1:]:
        if tuple(r.epochs) != tuple(first.epochs):
            raise ValueError(f"shard {s.number} evaluated epochs {r.epochs}, shard {done[0][0].number} {first.epochs}")
        if set(r.metrics) != set(first.metrics) or set(r.records) != set(first.records):
            raise ValueError(f"shard {s.number} recorded different metrics than shard {done[0][0].number}")
    # (parent index, shard result, row in the shard) in parent order
    rows = sorted((p, r, i) for s, r in done for i, p in enumerate(s.indices))
    present = [p for p, _, _ in rows]
    missing = sorted(set(range(config.n_runs)) - set(present))
    parent_runs = config.runs
    runs = tuple(RunSpec(k, parent_runs[p].seed, parent_runs[p].lr, parent_runs[p].wd) for k, p in enumerate(present))

    def stack_np(get):
        return np.stack([get(r)[i] for _, r, i in rows])

    def stack_t(get):
        return torch.stack([get(r)[i] for _, r, i in rows])

    merged = attrs.evolve(  # fields not listed here (if any) are the first shard's
        first,
        config=config,
        runs=runs,
        epochs=tuple(first.epochs),
        metrics={n: stack_np(lambda r, n=n: r.metrics[n]) for n in first.metrics},
        records={n: stack_np(lambda r, n=n: r.records[n]) for n in first.records},
        diverged_epoch=stack_np(lambda r: r.diverged_epoch),
        W_a=stack_t(lambda r: r.W_a),
        W_b=stack_t(lambda r: r.W_b),
        W_c=stack_t(lambda r: r.W_c),
        W_more=None if first.W_more is None else stack_t(lambda r: r.W_more),
        n_train=stack_np(lambda r: np.asarray(r.n_train)),
        n_test=stack_np(lambda r: np.asarray(r.n_test)),
    )
    return merged, missing
