"""Size limits: estimate a command's memory and work from its sizes before allocating anything.

Each estimate is a rough upper bound built from the sizes alone — the group order d, the
hidden width q, the number of runs R, epochs, pairs — following the algorithms the commands
use (the formulas are next to each function). A job over a limit is refused with one line
that names the estimate, the limit and the override:

==================  =========================  ==============================================
limit               default                    override (environment variable)
==================  =========================  ==============================================
memory              16 GB                      ``COGS_MAX_MEMORY_GB`` (e.g. ``64``)
work                1e17 floating-point ops    ``COGS_MAX_WORK`` (e.g. ``1e18``)
listed rows         1,000,000                  ``COGS_MAX_ROWS``
file size           the memory limit           ``COGS_MAX_MEMORY_GB`` (weights files and
                                               checkpoints, judged before they are read)
==================  =========================  ==============================================

``COGS_LIMITS=off`` turns every check off, the file sizes included (a file must still be a
regular file, and a weights file's arrays still have to fit its group). The defaults admit
the paper's whole grid (d ≤ 127, q ≤ 2048, 25 runs, 10⁴ epochs: ≈ 6e15 operations; ≈ 1 GB on a
CPU, ≈ 3 GB on a GPU).

A training job is checked where it is about to run — at the start of
:func:`models.training.train`, for the runs it trains together in one batch, on the device
it resolves to (:func:`models.training.config.check_size`) — not when its ``TrainConfig`` is
built: a shard of a sharded job is checked as a shard, in the process that trains it. The
shard planner (:func:`cogs.distributed.plan.shard_bytes`) uses the same memory estimate.
"""

from __future__ import annotations

import typing

import math
import os

GB = 1e9
DEFAULT_MEMORY_GB = 16.0
DEFAULT_WORK = 1e17
DEFAULT_ROWS = 10**6
#: largest seed list a range like 0-N may expand to (it is built before any estimate)
MAX_SEEDS = 10**7

__all__ = [
    "SizeLimitError",
    "check",
    "construct_estimate",
    "loss_estimate",
    "limits_off",
    "max_file_bytes",
    "max_memory",
    "max_rows",
    "max_work",
    "orbit_listing_rows",
    "train_estimate",
]


@typing.final
class SizeLimitError(ValueError):
    """A job whose estimated memory, work or output size is over the limit."""


def _env_number(name: str, default: float) -> float:
    text = os.environ.get(name)
    if text is None or not text.strip():
        return default
    try:
        value = float(text)
    except ValueError:
        raise SizeLimitError(f"{name}={text!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise SizeLimitError(f"{name}={text!r} must be a finite number > 0")
    return value


def limits_off() -> bool:
    return os.environ.get("COGS_LIMITS", "").strip().lower() in ("off", "0", "no", "false")


def max_memory() -> float:
    """The memory limit in bytes."""
    return _env_number("COGS_MAX_MEMORY_GB", DEFAULT_MEMORY_GB) * GB


def max_file_bytes() -> float:
    """The largest file (weights, checkpoint; also the uncompressed size a zip declares) read
    in bytes: the memory limit, or no limit (``inf``) under ``COGS_LIMITS=off``."""
    return math.inf if limits_off() else max_memory()


def max_work() -> float:
    """The work limit in floating-point operations."""
    return _env_number("COGS_MAX_WORK", DEFAULT_WORK)


def max_rows() -> float:
    return _env_number("COGS_MAX_ROWS", DEFAULT_ROWS)


def _gb(b: float) -> str:
    return f"{b / GB:.3g} GB"


def check(what: str, *, memory: float = 0.0, work: float = 0.0, rows: float = 0.0) -> dict:
    """Refuse ``what`` (a short description of the job) when an estimate is over its limit;
    returns the estimates otherwise."""
    est = {"memory_bytes": float(memory), "work_flop": float(work), "rows": float(rows)}
    if limits_off():
        return est
    if memory > max_memory():
        raise SizeLimitError(
            f"{what} needs an estimated {_gb(memory)} of memory, over the limit of {_gb(max_memory())} "
            "(set COGS_MAX_MEMORY_GB to raise it)"
        )
    if work > max_work():
        raise SizeLimitError(
            f"{what} needs an estimated {work:.2g} floating-point operations, over the limit of {max_work():.2g} "
            "(set COGS_MAX_WORK to raise it)"
        )
    if rows > max_rows():
        raise SizeLimitError(
            f"{what} would list {int(rows)} rows, over the limit of {int(max_rows())} (set COGS_MAX_ROWS to raise it)"
        )
    return est


# --- estimates ---------------------------------------------------------------------------


def _device_type(device) -> str:
    """'cpu' or 'cuda' for a device name ('cuda:1' → 'cuda'); 'auto' is resolved as the
    trainer resolves it (cuda when available)."""
    name = str(device)
    if name == "auto":
        from models.devices import resolve_device

        return resolve_device(name).type
    kind = name.split(":", 1)[0]
    if kind not in ("cpu", "cuda"):
        raise ValueError(f"unknown device {name!r} (use auto, cpu, cuda or cuda:N)")
    return kind


def train_estimate(d: int, q: int, runs: int, epochs: int, *, seeds: int | None = None,
                   dtype_bytes: int = 4, device: str = "cpu", chunk_rows: int | None = None,
                   columns: int | None = None) -> dict:
    """A batched training job of ``runs`` runs trained together (models.training), on the
    device type it runs on ('cpu', 'cuda' or 'cuda:N'; 'auto' is resolved first). With b bytes
    per number of the job's dtype:

    * the pair grid's tables: one-hot targets (d × d², once in float64 and once in the dtype),
      per-run masks and weights over the d² pairs (R·d²·(2 + 3b) and ~16 bytes of float64
      temporaries), each seed's split (16·d² bytes) and the Cayley table (24·d²);
    * the weights: R·qd·24 bytes of float64 while they are built (and as much per seed), then
      16 copies of R·qd in the dtype (parameters, their transposes, gradients and the
      gradients' transposes, two optimizer moments and the step's temporaries);
    * the work buffers of :func:`models.training.pair_grid.chunk_plan` (rows of the grid per
      chunk, runs per block; bounded by the chunk budget *and* by the job itself): per run of a
      block, s, h and ∂h (n·q, n = rows·d), o and its temporaries (~4·d·n) and W_c, ∂W_c (2·d·q);

    all times 1.25 (allocator slack). Work per run and epoch: three GEMMs of 2d³q operations
    plus ~12 elementwise passes over d²q numbers. ``columns``: the grid's second axis (d, or
    d^(K−1) for K operands): every d² above is then d·columns. :func:`cogs.distributed.plan.shard_bytes`
    sizes shards with this same memory estimate."""
    from models.training.pair_grid import chunk_plan

    b = dtype_bytes
    seeds = runs if seeds is None else seeds
    cols = d if columns is None else int(columns)
    rows, block = chunk_plan(d, q, max(1, runs), _device_type(device), chunk_rows, columns=cols)
    n = rows * cols
    tables = d * d * cols * (8 + b) + runs * d * cols * (2 + 3 * b + 16) + 24 * d * cols + seeds * d * cols * 16
    weights = (runs + seeds) * q * (d + cols) * 12 + runs * q * (d + cols) * 8 * b
    buffers = block * (3 * n * q + 4 * d * n + 2 * d * q) * b
    memory = 1.25 * (tables + weights + buffers)
    work = float(runs) * max(1, epochs + 1) * (6.0 * d * d * cols * q + 12.0 * d * cols * q)
    return {"memory": float(memory), "work": work}


#: the most operands a training task takes
MAX_OPERANDS = 8


def construct_estimate(d: int, q: int) -> dict:
    """A construction and its certificate (cogs.solver): character tables (d², complex), the
    weights in a few copies (q × d), the q × q Gram products of the weight-space loss and the
    constraint report; brute force over the d² pairs and the κ form (d³ terms) up to d = 128."""
    memory = 64.0 * d * d + 128.0 * q * d + 48.0 * q * q
    work = 12.0 * q * q * d + (6.0 * d**3 * q if d <= 128 else 0.0)
    return {"memory": memory, "work": work}


def loss_estimate(d: int, q: int, *, pairs: int | None = None, accuracy: bool = False, parts: bool = False) -> dict:
    """``cogs loss``: the exact all-pairs loss in weight space, O(q²d) work and q × q memory
    (or by enumeration when q ≥ d², O(q·d³) work in chunks — cheaper then), the constraint
    report (q × q), and brute force over ``pairs`` pairs (default d²) for accuracy or a split;
    ``parts``: the loss in four parts of a group read by irreps (O(q·d³) work, in chunks)."""
    n = d * d if pairs is None else pairs
    if q >= d * d:
        memory, work = 8.0 * (3 * q * d + 4 * (1 << 22)), 4.0 * q * d**3
    else:
        memory, work = 48.0 * q * q, 12.0 * q * q * d
    memory += 40.0 * q * d + 24.0 * d * d
    if accuracy or pairs is not None:
        memory += 8.0 * 4 * (1 << 23) + 16.0 * n
        work += 2.0 * n * q * d
    if parts:
        memory += 8.0 * 3 * (1 << 22) + 8.0 * 3 * d * d
        work += 2.0 * q * d**3
    return {"memory": memory, "work": work}


def orbit_listing_rows(d: int, real_characters: int) -> int:
    """Rows of an orbit listing: one per orbit {k, −k}, k ≠ 0."""
    return (d - 1 + real_characters) // 2
