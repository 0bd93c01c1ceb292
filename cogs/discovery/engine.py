"""The discovery engine: rounds of batched Adam, then Levenberg–Marquardt on the best.

All R restarts live in one float64 tensor θ (R, 3qd). Each round

1. advances every restart not yet polished (the *pool*) by ``adam_epochs`` Adam steps on
   the exact loss (:mod:`cogs.discovery.adam`);
2. takes the ``lm_top`` pool restarts of lowest loss and polishes them with up to
   ``lm_iters`` batched Levenberg–Marquardt steps (:mod:`cogs.discovery.lm`), in chunks of
   restarts that fit the memory budget; a restart stops at ℓ ≤ tol;
3. removes the polished restarts from the pool.

The run ends at the first restart with ℓ ≤ tol, or when every restart has been polished
(⌈R / lm_top⌉ rounds) — unless a time limit is given: then fresh batches of R restarts
(further draws from the same generator) follow until a restart converges or the time is up. Measured on Z5 q = 8, Z8 q = 12 and
Z3×Z3 q = 12 (``benchmarks/discover.py``): LM alone from random starts mostly creeps towards
border-rank points (ℓ → 0 only as the weights grow), while the restarts that Adam brings
lowest converge quadratically to exact zeros within ~5–40 LM steps. One Adam step costs
O(qd³) a restart, one LM step O(q²d³ + (3qd)³), 50–300 times more at these sizes, so Adam
does the sorting and LM only sees the few best.

Everything is deterministic for a given seed (one ``torch.Generator``), except where a time
limit cuts a run short.
"""

from __future__ import annotations

import typing

import math
import time

import attrs
import numpy as np
import torch

from cogs.discovery.adam import AdamState, adam_epochs
from cogs.discovery.init import construction_weights, initial_thetas, strategies
from cogs.discovery.lm import LMState, lm_step
from groups import parse_group
from models.devices import torch_threads
from models.residuals import unpack

__all__ = ["EngineConfig", "MAX_BYTES", "discover", "memory_estimate"]

#: default refusal limit for the memory a run would hold at once (bytes)
MAX_BYTES = 8 << 30


@typing.final
@attrs.frozen
class EngineConfig:
    """Engine settings (all recorded in the saved metadata).

    init_scale: random entries are N(0, (init_scale·d^{-1/3})²); adam_epochs / adam_lr: Adam
    steps per round and step size; lm_top: restarts polished per round; lm_iters: LM steps per
    polished restart; mu0: initial LM damping; polish_steps: extra LM steps on the best
    restart once it has converged (quadratic convergence takes ℓ from ~tol to ~1e-30); pad_scale: size of nodes added to a too-small
    construction, relative to its rms weight; normal: "structured" (block formulas for JᵀJ) or
    "dense" (through the full Jacobian); max_bytes: refuse runs that would hold more memory at
    once; chunk_bytes: LM works on chunks of restarts of about this size; max_rounds: stop
    after this many rounds (None: until every restart is polished)."""

    init_scale: float = 0.4
    adam_epochs: int = 1000
    adam_lr: float = 0.03
    lm_top: int = 16
    lm_iters: int = 50
    mu0: float = 1e-3
    polish_steps: int = 3
    pad_scale: float = 0.1
    normal: str = attrs.field(default="structured", validator=attrs.validators.in_(("structured", "dense")))
    max_bytes: int = MAX_BYTES
    chunk_bytes: int = 256 << 20
    max_rounds: int | None = None

    def to_dict(self) -> dict:
        return attrs.asdict(self)


def memory_estimate(d: int, q: int, restarts: int, config: EngineConfig | None = None) -> dict:
    """Bytes the run holds at once. ``adam``: the whole pool (θ, two moments, activations,
    residuals); ``lm_per_restart``: one restart's LM step (JᵀJ, its damped copy and Cholesky
    factor, block temporaries; with ``normal="dense"`` also the d³ × 3qd Jacobian and its
    intermediates); ``lm_chunk``: restarts per LM chunk; ``dense_jacobian``: R·d³·3qd·8, what
    holding every restart's dense Jacobian at once would take (never done); ``work``: the
    floating-point operations of one batch, roughly (checked against the work limit of
    :mod:`models.limits` when no time limit bounds the run)."""
    config = config or EngineConfig()
    n = 3 * q * d
    per_adam = 8 * (8 * n + 6 * q * d * d + 4 * d**3)
    per_lm = 8 * (4 * n * n + 8 * q * d * d + 6 * d**3)
    if config.normal == "dense":
        per_lm += 8 * 4 * d**3 * n
    chunk = max(1, min(restarts, config.lm_top, config.chunk_bytes // max(1, per_lm)))
    # work of one batch (floating-point operations, rough): Adam on every restart — the all-pairs
    # residuals and their gradient, ≈ 12·q·d³ a restart and epoch — and LM on every restart of
    # every round (a structured JᵀJ ≈ 2·n²·d, its Cholesky factor n³/3, the solve 2n²)
    rounds = math.ceil(restarts / config.lm_top) if config.max_rounds is None else min(
        config.max_rounds, math.ceil(restarts / config.lm_top))
    adam_work = 12.0 * q * d**3 * restarts * config.adam_epochs * rounds
    lm_work = (2.0 * n * n * d + n**3 / 3 + 2.0 * n * n) * min(restarts, rounds * config.lm_top) * config.lm_iters
    return {
        "adam": restarts * per_adam,
        "lm_per_restart": per_lm,
        "lm_chunk": chunk,
        "lm": chunk * per_lm,
        "total": restarts * per_adam + chunk * per_lm,
        "dense_jacobian": restarts * d**3 * n * 8,
        "work": adam_work + lm_work,
    }


def _gib(b: float) -> str:
    return f"{b / (1 << 30):.2f} GiB"


def _check_int(name: str, x, lo: int) -> int:
    if isinstance(x, bool) or not isinstance(x, (int, np.integer)) or x < lo:
        raise ValueError(f"{name} must be an integer ≥ {lo}, got {x!r}")
    return int(x)


def _check_args(group, q, restarts, seed, time_limit, tol, init_from, init_noise, threads, config):
    G = parse_group(group)
    q = _check_int("q (order)", q, 1)
    restarts = _check_int("restarts", restarts, 1)
    seed = _check_int("seed", seed, 0)
    if isinstance(tol, bool) or not isinstance(tol, (int, float, np.floating)) or not math.isfinite(tol) or tol <= 0:
        raise ValueError(f"tol must be a finite number > 0, got {tol!r}")
    if time_limit is not None and (isinstance(time_limit, bool) or not isinstance(time_limit, (int, float, np.floating)) or not (time_limit > 0) or math.isnan(time_limit)):
        raise ValueError(f"time_limit must be a number of seconds > 0 (or None), got {time_limit!r}")
    if isinstance(init_noise, bool) or not isinstance(init_noise, (int, float, np.floating)) or not math.isfinite(init_noise) or init_noise < 0:
        raise ValueError(f"init_noise must be a finite number ≥ 0, got {init_noise!r}")
    if init_from is not None and init_from not in strategies():
        raise ValueError(f"unknown init_from strategy {init_from!r}; choose from {', '.join(strategies())}")
    if threads is not None:
        threads = _check_int("threads", threads, 1)
    for name in ("adam_epochs", "lm_iters", "polish_steps"):
        _check_int(f"config.{name}", getattr(config, name), 0)
    _check_int("config.lm_top", config.lm_top, 1)
    if config.max_rounds is not None:
        _check_int("config.max_rounds", config.max_rounds, 1)
    mem = memory_estimate(G.order, q, restarts, config)
    if mem["total"] > config.max_bytes:
        raise ValueError(
            f"{G.spec} at q = {q} with {restarts} restarts needs ≈ {_gib(mem['total'])} at once "
            f"(Adam pool {_gib(mem['adam'])}, LM {_gib(mem['lm_per_restart'])} a restart), over the "
            f"limit of {_gib(config.max_bytes)}; "
            + ("use a smaller order (one restart's LM step alone is over the limit)" if mem["lm_per_restart"] > config.max_bytes else "use fewer restarts")
        )
    if time_limit is None:  # one batch: its work is the run's (with a time limit, time bounds it)
        from models.limits import check

        check(f"discovering on {G.spec} at q = {q} with {restarts} restarts (one batch; --time-limit bounds a run instead)",
              work=mem["work"])
    return G, q, restarts, seed, float(tol), (None if time_limit is None else float(time_limit)), float(init_noise), threads


def discover(
    group,
    q: int,
    *,
    restarts: int = 64,
    seed: int = 0,
    time_limit: float | None = None,
    tol: float = 1e-24,
    init_from: str | None = None,
    init_noise: float = 0.1,
    threads: int | None = None,
    progress=None,
    config: EngineConfig | None = None,
):
    """Search for weights of order q with all-pairs loss ℓ ≤ ``tol``; see the module docstring.

    ``init_from``: a strategy name of ``cogs.solver.construct`` (start from its weights, fitted
    to q nodes and perturbed by relative noise ``init_noise``); ``threads``: torch threads for
    the call; ``progress``: called with a dict (phase, round, rounds, best_loss, converged,
    polished, restarts, batch, elapsed) after every 50 Adam steps and every LM step.
    Without ``time_limit`` one batch of ``restarts`` runs; with it, batches follow one another
    until a restart converges or the time is up (``DiscoveryResult.batches``).

    >>> import cogs
    >>> r = cogs.discover("Z3", 3, restarts=8, seed=0)
    >>> r.converged, r.loss <= 1e-24, r.network.order, r.network.loss() < 1e-15
    (True, True, 3, True)
    """
    from cogs.discovery.result import DiscoveryResult

    config = config or EngineConfig()
    if not isinstance(config, EngineConfig):
        raise ValueError(f"config must be an EngineConfig, got {type(config).__name__}")
    G, q, restarts, seed, tol, time_limit, init_noise, threads = _check_args(group, q, restarts, seed, time_limit, tol, init_from, init_noise, threads, config)
    with torch_threads(threads):
        t0 = time.monotonic()
        out = _run(G, q, restarts, seed, time_limit, tol, init_from, init_noise, progress, config, t0)
        seconds = time.monotonic() - t0
    theta, losses, info = out
    W_a, W_b, W_c = (w.numpy().copy() for w in unpack(theta, q, G.order))
    return DiscoveryResult.build(
        G, q, W_a, W_b, W_c, losses=losses, tol=tol, restarts=restarts, seed=seed, seconds=seconds, init_from=init_from, init_noise=init_noise, time_limit=time_limit, config=config, **info
    )


def _run(G, q, R, seed, time_limit, tol, init_from, init_noise, progress, config, t0):
    """Batches of R restarts: one batch without a time limit; with one, fresh batches (the
    same generator, so new draws) until a restart converges or the time is up. Returns
    (best θ (n,), every restart's final loss, info)."""
    gen = torch.Generator().manual_seed(seed)
    base = None if init_from is None else construction_weights(G, init_from, seed)
    state = {"round": 0, "rounds_run": 0, "batch": 0, "stopped": "exhausted", "adam_steps": 0, "lm_steps": 0, "polished": 0}
    all_losses, best_theta, best_loss = [], None, math.inf

    def timed_out(need: float = 0.0):
        """Is the time up — or would ``need`` more seconds (the last step's duration) pass it?
        Steps are not started when they would not fit, so --time-limit is a bound up to one
        step's misjudgement, not a point after which the current round finishes."""
        return time_limit is not None and time.monotonic() - t0 + need > time_limit

    timed_out.limit = time_limit
    while True:
        state["batch"] += 1
        theta0 = initial_thetas(G, q, R, gen, init_scale=config.init_scale, init_from=init_from, init_noise=init_noise, pad_scale=config.pad_scale, base=base)
        final, losses = _run_batch(G, q, R, theta0, tol, config, state, timed_out, progress, t0, best_loss)
        all_losses.append(losses)
        b = int(torch.argmin(losses))
        if float(losses[b]) < best_loss or best_theta is None:
            best_loss, best_theta = float(losses[b]), final[b].clone()
        if state["stopped"] != "exhausted" or time_limit is None or timed_out():
            if state["stopped"] == "exhausted" and timed_out():
                state["stopped"] = "time_limit"
            break
    if state["stopped"] == "converged" and config.polish_steps:
        lm = LMState.start(best_theta[None], q, G, mu0=1e-12)
        for _ in range(config.polish_steps):  # LM never accepts an increase
            if timed_out(state.get("per_polish", 0.0)):
                break
            t_step = time.monotonic()
            lm.theta, lm.loss, lm.mu, lm.nu, _ = lm_step(lm.theta, lm.loss, lm.mu, lm.nu, q, G, normal=config.normal)
            state["per_polish"] = time.monotonic() - t_step
            state["lm_steps"] += 1
        best_theta = lm.theta[0]
        all_losses[-1][int(torch.argmin(all_losses[-1]))] = lm.loss[0]
    losses = torch.cat(all_losses)
    info = {
        "rounds": state["rounds_run"],
        "batches": state["batch"],
        "polished": state["polished"],
        "n_converged": int((losses <= tol).sum()),
        "stopped": state["stopped"],
        "adam_steps": state["adam_steps"],
        "lm_steps": state["lm_steps"],
    }
    if progress is not None:
        progress(_progress_info("done", state, float(losses.min()), info["n_converged"], R, 0, t0))
    return best_theta, losses.numpy(), info


def _progress_info(phase, state, best, converged, R, pool_left, t0) -> dict:
    return {
        "phase": phase,
        "batch": state["batch"],
        "round": state["round"],
        "rounds": state.get("rounds", 0),
        "best_loss": best,
        "converged": converged,
        "polished": R - pool_left,
        "restarts": R,
        "elapsed": time.monotonic() - t0,
    }


def time_left(t0, timed_out):
    """Seconds left before the time limit (None without one), read off ``timed_out``'s limit."""
    limit = getattr(timed_out, "limit", None)
    return None if limit is None else max(0.0, t0 + limit - time.monotonic())


def _run_batch(G, q, R, theta0, tol, config, state, timed_out, progress, t0, best_before):
    """One batch: rounds of Adam on the pool, LM on its lm_top best. Updates ``state``
    (round, stopped, step counts); returns (final θ (R, n), final losses (R,))."""
    final = theta0.clone()
    pool_idx = torch.arange(R)
    pool = AdamState.start(theta0, q, G)
    losses = pool.loss.clone()
    chunk = memory_estimate(G.order, q, R, config)["lm_chunk"]
    rounds_total = math.ceil(R / config.lm_top)
    if config.max_rounds is not None:
        rounds_total = min(rounds_total, config.max_rounds)
    state["rounds"], state["round"], state["stopped"] = rounds_total, 0, "exhausted"

    def report(phase):
        if progress is not None:
            best = min(best_before, float(losses.min()))
            progress(_progress_info(phase, state, best, int((losses <= tol).sum()), R, len(pool_idx), t0))

    if bool((losses <= tol).any()):
        state["stopped"] = "converged"
        return final, losses
    for rnd in range(1, rounds_total + 1):
        state["round"] = rnd
        state["rounds_run"] += 1
        # phase 1: Adam on the pool
        # the step times measured so far (kept across rounds and batches in ``state``): a step is
        # not started when it would not fit in the time left
        done = 0
        while done < config.adam_epochs and not timed_out(state.get("per_epoch", 0.0)):
            step = min(50, config.adam_epochs - done)
            per_epoch = state.get("per_epoch", 0.0)
            if per_epoch > 0 and time_left(t0, timed_out) is not None:  # as many epochs as fit
                step = max(1, min(step, int(time_left(t0, timed_out) / per_epoch)))
            t_step = time.monotonic()
            done += adam_epochs(pool, q, G, step, lr=config.adam_lr)
            state["per_epoch"] = (time.monotonic() - t_step) / step
            state["adam_steps"] += step
            losses[pool_idx] = pool.loss
            final[pool_idx] = pool.theta
            report("adam")
        if timed_out(state.get("per_epoch", 0.0)) and done < config.adam_epochs:
            state["stopped"] = "time_limit"  # Adam stopped for time: no LM step starts either
            break
        if timed_out(state.get("per_lm", 0.0)):
            state["stopped"] = "time_limit"
            break
        # phase 2: LM on the lm_top best of the pool, in memory-sized chunks
        k = min(config.lm_top, len(pool_idx))
        order = torch.argsort(pool.loss, stable=True)
        pick, rest = order[:k], order[k:]
        for c0 in range(0, k, chunk):
            sel = pick[c0 : c0 + chunk]
            gidx = pool_idx[sel]
            lm = LMState.start(pool.theta[sel], q, G, mu0=config.mu0)
            state["polished"] += len(sel)
            for _ in range(config.lm_iters):
                active = (lm.loss > tol).nonzero().squeeze(-1)
                if active.numel() == 0 or timed_out(state.get("per_lm", 0.0)):
                    break
                t_step = time.monotonic()
                th, lo, mu, nu, _ = lm_step(lm.theta[active], lm.loss[active], lm.mu[active], lm.nu[active], q, G, normal=config.normal)
                state["per_lm"] = time.monotonic() - t_step
                lm.theta[active], lm.loss[active], lm.mu[active], lm.nu[active] = th, lo, mu, nu
                state["lm_steps"] += 1
                losses[gidx] = lm.loss
                final[gidx] = lm.theta
                report("lm")
                if bool((lm.loss <= tol).any()):
                    break
            if bool((losses <= tol).any()) or timed_out():
                break
        pool = pool.select(rest)
        pool_idx = pool_idx[rest]
        if bool((losses <= tol).any()):
            state["stopped"] = "converged"
            break
        if timed_out():
            state["stopped"] = "time_limit"
            break
        if len(pool_idx) == 0:
            break
    else:
        if len(pool_idx):
            state["stopped"] = "max_rounds"
    return final, losses
