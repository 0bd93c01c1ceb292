"""The training jobs of a ``cogs sweep`` preset, listed up front so that a parallel backend can
start every shard of the sweep at once (``executor.prefetch(preset_jobs(...))``) instead of one
grid after another. It mirrors :func:`cogs.sweep.run_sweep`'s grids; a job it misses is still
trained when the sweep asks for it, only later (the test suite checks that none is missed).
"""

from __future__ import annotations


def preset_jobs(preset: str, *, scale: str = "cpu", epochs: int = 10000, seeds=None, device="auto",
                dtype="float32") -> list[tuple]:
    """``[(TrainConfig, objective name), …]`` in the order the preset trains them."""
    from cogs import sweep
    from groups import parse_group

    if preset not in sweep.PRESETS:
        raise ValueError(f"unknown preset {preset!r}; choose from {', '.join(sweep.PRESETS)}")
    seeds = tuple(sweep.SEEDS if seeds is None else seeds)
    ds = sweep._ds(scale)
    kw = dict(seeds=seeds, epochs=epochs, device=device, dtype=dtype)
    jobs = []
    if preset == "table2":
        jobs = [(sweep.grid_config(parse_group(f"Z{d}"), q=512, wds=(5e-5,), **kw), "mse") for d in ds]
    elif preset == "fig4":
        jobs = [(sweep.grid_config(parse_group(f"Z{d}"), q=512, wds=sweep.WDS, **kw), "mse") for d in ds]
    elif preset == "width":
        jobs = [(sweep.grid_config(parse_group(f"Z{d}"), q=q, wds=(5e-5,), **kw), "mse") for d in ds for q in sweep.WIDTHS]
    elif preset == "fig3":
        jobs = [(sweep.grid_config(parse_group(f"Z{ds[0]}"), q=512, wds=(5e-5,), record_sp=True,
                                   eval_epochs=sweep.fig3_eval_epochs(epochs), **kw), "mse")]
    elif preset == "rstar":
        kw["dtype"] = "float64"
        jobs = [(sweep.grid_config(parse_group("Z7"), q=20, wds=(5e-5,), **kw), name) for name in ("sp", "sp-no-rstar")]
    return jobs
