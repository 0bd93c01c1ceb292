"""Writing a batch of trained runs to disk (shared by ``cogs train``, ``compare`` and ``sweep``).

Layout: DIR/<run>/{weights.npz, metrics.json, config.json} and DIR/summary.json. The
weights file's meta records everything needed to rebuild the run's train/test split
(seed, seeding, train_frac) and its hyper-parameters.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from models.atomic import write_json

# what `cogs train` writes at the top of its --out (cogs.jobs.outdir): the runs, the summary and the
# checkpoints; run folders are named by models.training.RunSpec.name
TRAIN_OUTPUTS = ("summary.json", "checkpoints", re.compile(r"seed[0-9]+_lr[^_/]+_wd[^_/]+"))


def write_runs(out, group, config, result, extra_config: dict | None = None) -> list[dict]:
    """Save every run of ``result`` under ``out``; returns the per-run summaries."""
    from models.io import save_weights

    out = Path(out)
    names = [r.name for r in result.runs]
    if len(set(names)) != len(names):  # refuse before anything is written over
        dup = sorted({n for n in names if names.count(n) > 1})
        raise ValueError(f"runs would share a folder: {', '.join(dup)}")
    out.mkdir(parents=True, exist_ok=True)
    resolved = config.to_dict()
    resolved.update(device=result.device, **(extra_config or {}))
    summary_runs = []
    for run_spec in result.runs:
        r = run_spec.index
        folder = out / run_spec.name
        folder.mkdir(parents=True, exist_ok=True)
        summary = result.run_summary(r)
        W = result.weights(r)
        weights_file = None
        if all(np.isfinite(w).all() for w in W):
            save_weights(
                folder / "weights.npz", group, *W,
                seed=run_spec.seed, lr=run_spec.lr, wd=run_spec.wd, seeding=config.seeding,
                train_frac=config.train_frac, status=summary["status"], epochs=config.epochs,
                diverged_epoch=summary["diverged_epoch"], q=config.q,
            )
            weights_file = "weights.npz"
        metrics_doc = dict(summary, n_train=int(result.n_train[r]), n_test=int(result.n_test[r]), weights=weights_file)
        if result.records:
            metrics_doc["records"] = {"epochs": list(result.epochs), **result.run_records(r)}
        write_json(folder / "metrics.json", metrics_doc)
        write_json(folder / "config.json", dict(resolved, seed=run_spec.seed, lr=run_spec.lr, wd=run_spec.wd,
                                                 n_train=int(result.n_train[r]), n_test=int(result.n_test[r])))
        final = summary["metrics"][-1]
        summary_runs.append({k: summary[k] for k in ("seed", "lr", "wd", "status", "diverged_epoch")}
                            | {"folder": run_spec.name, "final": final})
    write_json(out / "summary.json", {"config": resolved, "runs": summary_runs})
    return summary_runs
