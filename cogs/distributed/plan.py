"""Shard planning: cut a training job into shards that each fit one device.

A job is one :class:`models.training.TrainConfig` (one group, width q and dtype; runs = seeds ×
weight decays × learning rates). A shard is a sub-job over a *product* subset of those lists —
some seeds × some weight decays × some learning rates — so it is itself a ``TrainConfig`` and
trains as one batched tensor program with the ordinary trainer. Its runs keep their places in
the parent job (``Shard.indices``), so merged results line up with the one-batch job's.

Sizing: :func:`shard_bytes` estimates the peak memory of a shard of R runs from (d, q, dtype)
and the pair-grid chunk the trainer will pick — the same estimate the trainer checks each
shard against (:func:`models.limits.train_estimate`), so a planned shard is not refused for
memory; :func:`max_runs` is the largest R that fits a byte budget (device memory for a GPU,
a share of RAM for a CPU) and the memory limit.
"""

from __future__ import annotations

import typing

import hashlib
import json
import math

import attrs

from models.training import TrainConfig

# per-process slack on a GPU (CUDA context, allocator caches): counted once per shard
GPU_CONTEXT_BYTES = 1 << 30


def shard_bytes(d: int, q: int, dtype: str, runs: int, device_type: str = "cpu") -> int:
    """Estimated peak memory (bytes) of training ``runs`` runs of width ``q`` on a group of
    order ``d`` in one batch: :func:`models.limits.train_estimate` — the estimate the trainer
    checks a job (a shard) against before it runs, with the pair-grid chunking the trainer
    picks — plus :data:`GPU_CONTEXT_BYTES` for a GPU shard. An estimate, not a measurement."""
    if runs < 1:
        return 0
    from models.limits import train_estimate

    est = train_estimate(d, q, runs, 0, dtype_bytes=8 if dtype == "float64" else 4, device=device_type)
    return math.ceil(est["memory"]) + (GPU_CONTEXT_BYTES if device_type == "cuda" else 0)


def max_runs(d: int, q: int, dtype: str, budget_bytes: int, device_type: str = "cpu", limit: int | None = None) -> int:
    """The largest R ≤ ``limit`` with ``shard_bytes(d, q, dtype, R) ≤ budget_bytes`` whose
    estimate is also within the memory limit of :mod:`models.limits` (the trainer refuses a
    shard over it; none under ``COGS_LIMITS=off``) — at least 1: a single run that does not
    fit is still tried, and the device (or the trainer's check) reports it."""
    from models.limits import limits_off, max_memory

    hi = limit if limit is not None else 1 << 20
    context = GPU_CONTEXT_BYTES if device_type == "cuda" else 0
    if not limits_off():
        budget_bytes = min(budget_bytes, max_memory() + context)
    if shard_bytes(d, q, dtype, 1, device_type) > budget_bytes:
        return 1
    lo = 1
    while lo < hi:  # largest R that fits; shard_bytes is non-decreasing in R
        mid = (lo + hi + 1) // 2
        if shard_bytes(d, q, dtype, mid, device_type) <= budget_bytes:
            lo = mid
        else:
            hi = mid - 1
    return lo


@typing.final
@attrs.frozen
class Shard:
    """One shard: ``config`` is the sub-job (a product subset of the parent's lists);
    ``indices[i]`` is the parent run index of the shard's run i; ``number`` counts from 0
    within the job and ``of`` is the job's shard count."""

    config: TrainConfig
    indices: tuple[int, ...]
    number: int
    of: int

    @property
    def n_runs(self) -> int:
        return len(self.indices)

    def label(self) -> str:
        c = self.config
        return (f"{c.group} q={c.q} {c.dtype}, {self.n_runs} run(s): seeds {_span(c.seeds)}"
                f" × wd {','.join(f'{w:g}' for w in c.wds)} × lr {','.join(f'{x:g}' for x in c.lrs)}")


def _span(xs) -> str:
    xs = list(xs)
    if len(xs) > 2 and xs == list(range(xs[0], xs[0] + len(xs))):
        return f"{xs[0]}-{xs[-1]}"
    return ",".join(map(str, xs))


def _balanced(n: int, size: int) -> list[range]:
    """Split range(n) into ceil(n / size) consecutive pieces whose sizes differ by at most 1."""
    parts = max(1, math.ceil(n / max(1, size)))
    base, extra = divmod(n, parts)
    out, start = [], 0
    for i in range(parts):
        k = base + (1 if i < extra else 0)
        out.append(range(start, start + k))
        start += k
    return out


def plan_shards(config: TrainConfig, max_runs_per_shard: int | None = None) -> list[Shard]:
    """Cut ``config`` into shards of at most ``max_runs_per_shard`` runs (None: one shard).

    Shards are product subsets, cut along seeds first (whole seeds × all weight decays × all
    learning rates), then weight decays, then learning rates, into pieces of nearly equal
    size. Parent run r = (seed i, wd j, lr k) has index (i·W + j)·L + k, as in
    ``TrainConfig.runs``.
    """
    S, W, L = len(config.seeds), len(config.wds), len(config.lrs)
    R = S * W * L
    m = R if max_runs_per_shard is None else int(max_runs_per_shard)
    if m < 1:
        raise ValueError(f"runs per shard must be ≥ 1, got {m}")
    pieces: list[tuple[range, range, range]] = []  # (seed, wd, lr) position ranges
    if W * L <= m:
        pieces = [(s, range(W), range(L)) for s in _balanced(S, m // (W * L))]
    elif L <= m:
        pieces = [(range(i, i + 1), w, range(L)) for i in range(S) for w in _balanced(W, m // L)]
    else:
        pieces = [(range(i, i + 1), range(j, j + 1), lr) for i in range(S) for j in range(W) for lr in _balanced(L, m)]
    shards = []
    for n, (si, wi, li) in enumerate(pieces):
        sub = attrs.evolve(config, seeds=tuple(config.seeds[i] for i in si), wds=tuple(config.wds[j] for j in wi),
                           lrs=tuple(config.lrs[k] for k in li))
        idx = tuple((i * W + j) * L + k for i in si for j in wi for k in li)
        shards.append(Shard(sub, idx, n, len(pieces)))
    return shards


# fields that do not change a shard's numbers
_NOT_IDENTITY = ("device", "compile", "chunk_rows")


def shard_key(shard: Shard, objective: str = "mse", init_digest: str | None = None) -> str:
    """A stable folder name for the shard's checkpoints: group, q, dtype and a digest of the
    shard's whole job description (so a rerun finds its own shard's checkpoints, and two jobs
    never share a folder)."""
    c = shard.config
    ident = {k: v for k, v in c.to_dict().items() if k not in _NOT_IDENTITY}
    ident.update(objective=objective, init=init_digest)
    digest = hashlib.sha256(json.dumps(ident, sort_keys=True, default=str).encode()).hexdigest()[:12]
    return f"{c.group}_q{c.q}_{c.dtype}_{digest}"
