"""Full-batch training of R runs in one tensor program (docs/paper.md).

``train(config)`` builds each run's initial weights and train/test split from its seed
(:mod:`models.training.seeding`), stacks them into (R, q, d) / (R, d, q) tensors, and runs
Adam with coupled L2 weight decay (:mod:`models.training.adam`) on the loss of docs/mathematics.md#the-network-and-its-loss
(:mod:`models.training.pair_grid`, analytic gradient), or on a custom ``objective``.
Metrics are taken before the optimizer step of each evaluated epoch, plus once after the
last step (the ``final`` entry). ``config.optimizer = 'sgd'`` swaps Adam for plain gradient
descent with the same coupled weight decay (:mod:`models.training.sgd`). A run whose loss,
weights or optimizer moments go non-finite is marked diverged and frozen; the other runs are
unaffected.
"""

from __future__ import annotations

import time
import typing
import warnings

from pathlib import Path

import attrs
import numpy as np
import torch

from groups import parse_group
from models.devices import torch_threads
import models.training.checkpoint as ckpt
from models.training.adam import BatchedAdam
from models.training.config import (
    SETUP_FIELDS,
    TrainConfig,
    check_size,
    checkpoint_epochs,
    resolve_device,
    torch_dtype,
)
from models.training.pair_grid import PairGrid
from models.training.sgd import BatchedSGD
from models.training.result import METRICS, TrainResult
from models.training.seeding import initial_weights, split

# config fields that must agree between a checkpoint and the job resuming from it
_RESUME_KEYS = ("group", "q", "lrs", "wds", "seeds", "train_frac", "seeding", "dtype", "betas", "eps", "record_sp",
                *SETUP_FIELDS)
# what a checkpoint written before a key existed stands for: the option's default (no init)
_RESUME_DEFAULTS = {**{f.name: f.default for f in attrs.fields(TrainConfig) if f.name in SETUP_FIELDS}, "init": None}


def target_table(config: TrainConfig) -> np.ndarray:
    """(d, d^(K−1)) int64: the target of input tuple (x_1, …, x_K), row x_1, column
    x_2·d^(K−2) + … + x_K — the group product x_1·…·x_K, or the expression task's value
    (:func:`models.setup.target_table`, which a trained network's loss reads too)."""
    from models.setup import Setup
    from models.setup import target_table as setup_table

    return setup_table(config.group, Setup(operands=config.operands, task=config.task))


def train_masks(config: TrainConfig) -> np.ndarray:
    """The (R, N) bool train masks of ``config``'s runs (each from its seed's split; N = d^K)."""
    d, R = parse_group(config.group).order, config.n_runs
    N = d ** config.operands
    test_size = None if config.critical_delta is None else config.test_size(d)
    masks = np.zeros((R, N), dtype=bool)
    splits = {s: split(d, s, config.train_frac, config.seeding, tuples=N, test_size=test_size) for s in config.seeds}
    for run in config.runs:
        masks[run.index, splits[run.seed][0]] = True
    return masks


def initial_state(config: TrainConfig, init=None):
    """(W_a, W_b, W_c) — for K > 2 operands (W_1, …, W_K, W_c) — CPU tensors of shape (R, ...)
    and the (R, N) bool train masks.

    ``init``: None (from the seeds), a weights-file path, a network (:class:`models.network.Network`),
    or a tuple (W_a, W_b, W_c) of one network (q×d, q×d, d×q: every run starts there) or of R
    networks ((R,q,d), (R,q,d), (R,d,q))."""
    G = parse_group(config.group)
    q, R, K = config.q, config.n_runs, config.operands
    runs = config.runs
    masks = train_masks(config)
    if init is None:
        # the one-input-layer scripts: the reference collection, and the current script for its set-ups
        joint = getattr(G, "source", None) == "file" or not config.paper_setup
        by_seed = {s: initial_weights(G.order, q, s, config.seeding, joint=joint, operands=K) for s in config.seeds}
        ws = [torch.stack([by_seed[run.seed][i].to(torch.float64) for run in runs]) for i in range(K + 1)]
    else:
        if K != 2:
            raise ValueError(f"an init network has two input matrices; {K} operands start from the seeds")
        ws = _init_tensors(init, G, q, R)
    return tuple(ws), masks


def init_weights(init, group) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``init`` — a weights-file path, a network (:class:`models.network.Network`), or a tuple
    (W_a, W_b, W_c) of arrays or tensors, one network or a batch — as float64 CPU tensors; a
    network of another group is refused."""
    from models.network import load_npz
    from models.weights import as_tensors, is_network

    G = parse_group(group)
    if isinstance(init, (str, Path)):
        init = load_npz(init)
    if is_network(init):
        if init.group != G:
            raise ValueError(f"init weights are for group {init.group.spec}, not {G.spec}")
        init = (init.W_a, init.W_b, init.W_c)
    return tuple(w.detach().cpu().to(torch.float64) for w in as_tensors(*init))


def _init_tensors(init, G, q, R):
    W_a, W_b, W_c = init_weights(init, G)
    d = G.order
    if W_a.ndim == 2:
        W_a, W_b, W_c = (w.unsqueeze(0).expand(R, *w.shape).clone() for w in (W_a, W_b, W_c))
    want = [(R, q, d), (R, q, d), (R, d, q)]
    for name, w, shape in zip(("W_a", "W_b", "W_c"), (W_a, W_b, W_c), want):
        if tuple(w.shape) != shape:
            raise ValueError(f"init {name} has shape {tuple(w.shape)}, expected {shape} (q = {q}, d = {d}, R = {R})")
    return W_a, W_b, W_c


def make_optimizer(config: TrainConfig, params, lr, wd):
    """The batched optimizer of ``config.optimizer`` over ``params`` (the K input matrices, then
    W_c; per-run lr, wd (R,))."""
    if config.optimizer == "sgd":
        return BatchedSGD(params, lr, wd, momentum=config.momentum)
    if config.optimizer == "muon":
        from models.training.muon import BatchedMuon

        params = list(params)
        variant = ({} if config.muon == "script" else
                   dict(beta1=0.95, beta2=0.95, nesterov=True, rms_compensate=True, bf16=True))
        return BatchedMuon(params[:-1], params[-1], lr, wd, betas=config.betas, eps=config.eps, **variant)
    return BatchedAdam(params, lr, wd, betas=config.betas, eps=config.eps, decoupled=config.optimizer == "adamw")


@typing.final
class _Operands:
    """K > 2 operands on the pair grid: the operands after the first enter as one axis of
    d^(K−1) tuples, whose input columns are sums of the K − 1 matrices' columns; their
    gradient is summed back onto each matrix."""

    def __init__(self, d: int, K: int, device):
        idx = np.indices((d,) * (K - 1)).reshape(K - 1, -1)  # digit k of tuple b' (x_2 … x_K)
        self.index = [torch.as_tensor(i, device=device) for i in idx]
        self.d = d

    def combine(self, inputs) -> torch.Tensor:
        out = inputs[0][..., self.index[0]].clone()
        for W, i in zip(inputs[1:], self.index[1:]):
            out += W[..., i]
        return out

    def split(self, g: torch.Tensor, like) -> list:
        out = []
        for W, i in zip(like, self.index):
            acc = torch.zeros_like(W)
            acc.index_add_(2, i, g)
            out.append(acc)
        return out


def ridge_output(grid: PairGrid, inputs, W_c: torch.Tensor, lam: float, operands=None) -> torch.Tensor:
    """The ridge-regression output layer on each run's train tuples: W_cᵀ = (HᵀH + λI)⁻¹ HᵀY,
    H the (n_train × q) hidden activations and Y = e_y − 1/d (the reference's target), solved
    in float64 (the dual (HHᵀ + λI)⁻¹ form gives the same matrix; the primal one is used)."""
    from models.activations import activate

    W_a = inputs[0]
    W_b = inputs[1] if operands is None else operands.combine(inputs[1:])
    R, q, d = W_a.shape
    db = W_b.shape[2]
    gram = torch.zeros(R, q, q, dtype=torch.float64, device=W_a.device)
    cross = torch.zeros(R, q, d, dtype=torch.float64, device=W_a.device)
    u = W_a.transpose(1, 2)
    v = W_b.transpose(1, 2)
    mask = grid.train_mask.to(torch.float64)
    for a0 in range(0, d, grid.rows):
        a1 = min(d, a0 + grid.rows)
        n0, n1 = a0 * db, a1 * db
        h = activate(grid.activation, u[:, a0:a1, None, :] + v[:, None, :, :]).reshape(R, -1, q).to(torch.float64)
        h = h * mask[:, n0:n1, None]
        gram += h.transpose(1, 2) @ h
        cross += h.transpose(1, 2) @ grid.target[:, n0:n1].T.to(torch.float64)
    eye = torch.eye(q, dtype=torch.float64, device=W_a.device)
    # HᵀH + λI is symmetric positive definite: a Cholesky solve, one run at a time (a run's
    # solution then does not depend on the others; and the CPU's batched LU solve of this torch
    # fails on some (R, q, q) batches: "Pivots given to lu_solve must all be ≥ 1")
    sol = torch.empty_like(cross)
    for r in range(R):
        A = gram[r] + lam * eye
        L, info = torch.linalg.cholesky_ex(A)
        sol[r] = torch.cholesky_solve(cross[r], L) if int(info) == 0 else torch.linalg.lstsq(A, cross[r]).solution
    return sol.transpose(1, 2).to(W_c.dtype)


def _objective_grads(objective, W_a, W_b, W_c):
    with torch.enable_grad():
        ps = [w.detach().requires_grad_(True) for w in (W_a, W_b, W_c)]
        val = objective(*ps)
        if val.shape != (W_a.shape[0],):
            raise ValueError(f"objective must return shape ({W_a.shape[0]},), got {tuple(val.shape)}")
        grads = torch.autograd.grad(val.sum(), ps)
    return val.detach(), tuple(g.detach() for g in grads)


def objective_name(objective) -> str:
    """The name a job records for its objective: 'mse' for None (the built-in loss), a string
    as it is, else the callable's ``name`` or ``__name__`` ('custom' without either)."""
    if objective is None:
        return "mse"
    if isinstance(objective, str):
        return objective
    return str(getattr(objective, "name", None) or getattr(objective, "__name__", None) or "custom")


@typing.final
@attrs.frozen
class ResumePoint:
    """Where a resumed job continues: the checkpoint ``path``, its ``epoch`` and its ``state``
    (what :func:`models.training.checkpoint.load_checkpoint` read); ``skipped`` lists the newer
    checkpoints that could not be read."""

    path: Path
    epoch: int
    state: dict = attrs.field(repr=False, eq=False)
    skipped: tuple[str, ...] = ()


def init_digest(init, group) -> str | None:
    """A digest of the initial weights ``init`` (None: from the seeds), what a checkpoint's job
    key records so that a resume from other initial weights is refused."""
    if init is None:
        return None
    import hashlib

    h = hashlib.sha256()
    for w in init_weights(init, group):
        h.update(str(tuple(w.shape)).encode())
        h.update(w.contiguous().numpy().tobytes())
    return h.hexdigest()[:16]


def resume_point(config: TrainConfig, checkpoint_dir, *, objective=None, init=None,
                 init_key: str | None = None) -> ResumePoint | None:
    """Where ``train(config, objective=objective, checkpoint_dir=checkpoint_dir, resume=True)``
    would continue: the newest readable checkpoint in ``checkpoint_dir``, or None when there is
    none (a fresh start). Raises :class:`~models.training.checkpoint.CheckpointError` exactly
    where ``train`` refuses to resume: no checkpoint there loads, or the newest that does
    belongs to a different job (another group, width, seeds, learning rates, weight decays,
    split, dtype, optimizer, set-up, SP recording, objective or initial weights), holds another
    train/test split, is past ``config.epochs``, or lacks an evaluation of an epoch before it
    that ``config`` evaluates (evaluations it has and ``config`` does not are dropped on
    resume). ``objective``: what ``train`` is given (None for the MSE) or its name
    (:func:`objective_name`); ``init``: what ``train`` is given (its :func:`init_digest` is
    compared; ``init_key``: that digest, when already computed). Reads, never writes.

    >>> import tempfile
    >>> from models.training import CheckpointError, TrainConfig, train
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = train(TrainConfig(group="Z5", q=4, epochs=3, device="cpu"), checkpoint_dir=folder)
    ...     print(resume_point(TrainConfig(group="Z5", q=4, epochs=8, device="cpu"), folder).epoch)
    ...     try:
    ...         resume_point(TrainConfig(group="Z5", q=4, epochs=8, seeds=(2,), device="cpu"), folder)
    ...     except CheckpointError as e:
    ...         print(str(e).split(": ", 1)[1])
    3
    checkpoint belongs to a different job (differs in seeds)
    """
    latest, state, skipped = ckpt.load_latest_valid(checkpoint_dir)
    if latest is None:
        return None
    key = _resume_key(config, objective_name(objective), init_key if init_key is not None else init_digest(init, config.group))
    old_key = state.get("key")
    if isinstance(old_key, dict):  # written before some of the options: their defaults
        old_key = {**{k: v for k, v in _RESUME_DEFAULTS.items() if k not in old_key}, **old_key}
    if old_key != key:
        raise ckpt.CheckpointError(f"{latest}: checkpoint belongs to a different job ({_diff(old_key, key)})")
    if not torch.equal(state["masks"], torch.as_tensor(train_masks(config))):
        raise ckpt.CheckpointError(f"{latest}: checkpoint train/test split differs from this job's")
    epoch = int(state["epoch"])
    if epoch > config.epochs:
        raise ckpt.CheckpointError(f"{latest}: checkpoint is at epoch {epoch}, beyond --epochs {config.epochs}")
    recorded = {int(h["epoch"]) for h in state.get("history", [])}
    missing = sorted(e for e in config.resolved_eval_epochs() if e < epoch and e not in recorded)
    if missing:
        raise ckpt.CheckpointError(f"{latest}: checkpoint has no evaluation of epoch(s) {missing[:5]} that this job "
                                   f"evaluates before its epoch {epoch} (other --eval-epochs than the earlier job's)")
    return ResumePoint(latest, epoch, state, tuple(skipped))


def train(
    config: TrainConfig,
    *,
    objective=None,
    recorders=(),
    sp_recorder=None,
    init=None,
    progress=None,
    checkpoint_dir=None,
    resume: bool = False,
    keep_checkpoints: int | None = None,
    checkpoint_every: float | None = None,
    log=None,
) -> TrainResult:
    """Train every run of ``config`` together; see the module doc.

    objective: ``f(W_a, W_b, W_c) -> Tensor(R,)`` minimised instead of the train MSE (metrics
      still report the MSE of docs/mathematics.md#the-network-and-its-loss); its value is recorded as metric ``objective``.
    recorders: callables ``(epoch, W_a, W_b, W_c) -> {name: Tensor(R,) or (R, k)}``, called at
      every evaluated epoch (values of diverged runs become NaN).
    sp_recorder: with ``config.record_sp``, the factory ``group -> recorder`` of the SP
      trajectories (:func:`cogs.sp.dynamics.sp_recorder`, passed in by the cogs side: the trainer
      knows nothing of SP); its recorder runs after ``recorders``. Required when
      ``config.record_sp`` is set, ignored otherwise.
    init: initial weights for every run (see :func:`initial_state`).
    progress: callable ``(epochs_done, epochs_total)``.
    checkpoint_dir: write checkpoints at epochs 1, 2, 4, … and the last one.
    resume: continue from the latest checkpoint in ``checkpoint_dir`` (fresh start if none).
    keep_checkpoints: keep only this many of the newest checkpoints (None: all). The newest
      one holds everything a resume needs, metrics history included.
    checkpoint_every: also write a checkpoint when this many seconds have passed since the
      last one (None: only on the schedule above). Checkpoints never change the numbers.
    log: callable ``(message: str)`` told where a resume starts (None: silent).

    The job's size is checked first (:func:`models.training.config.check_size`: all its runs as
    one batch on the resolved device, against this process's limits); a job over a limit is
    refused with :class:`models.limits.SizeLimitError` before anything is allocated.

    A run's numbers do not depend on the other runs of the job: training a seed alone or among
    others gives bitwise the same weights and metrics on a CPU, whatever the thread count
    (:mod:`models.training.pair_grid`; with ``config.compile`` or on CUDA, up to rounding).
    """
    ckpt.check_keep_checkpoints(keep_checkpoints)
    if checkpoint_every is not None and not checkpoint_every > 0:
        raise ValueError(f"checkpoint_every must be > 0 seconds or None, got {checkpoint_every!r}")
    device = resolve_device(config.device)
    check_size(config, device)  # the runs batched here, on this device: before anything is allocated
    dtype = torch_dtype(config.dtype)
    G = parse_group(config.group)
    R, E = config.n_runs, config.epochs
    recorders = list(recorders)
    if config.record_sp:
        if sp_recorder is None:
            raise ValueError("config.record_sp needs the SP recorder: train(config, sp_recorder=cogs.sp.dynamics.sp_recorder)")
        recorders.append(sp_recorder(G))
    tag = objective_name(objective)
    digest = init_digest(init, config.group)
    if objective is not None and not config.paper_setup:
        raise ValueError("a custom objective replaces the quadratic MSE; it needs the paper's set-up "
                         "(sqr, mse, two operands, no task or ridge, adam or sgd without momentum)")

    weights, masks = initial_state(config, init)
    weights = [w.to(device=device, dtype=dtype).contiguous() for w in weights]
    inputs, W_c = weights[:-1], weights[-1]
    W_a, W_b = inputs[0], inputs[1]
    K = config.operands
    operands = _Operands(G.order, K, device) if K > 2 else None
    threads = torch.get_num_threads()
    # on a CPU the pair grid spreads the runs over ``threads`` worker threads and this thread's
    # own torch work runs single-threaded (see PairGrid's ``threads``)
    single = device.type == "cpu" and not config.compile and objective is None and threads > 1
    grid = PairGrid(G, masks, q=config.q, device=device, dtype=dtype, chunk_rows=config.chunk_rows,
                    compile=config.compile, threads=threads, activation=config.activation, loss=config.loss,
                    table=target_table(config))
    lr = torch.tensor([r.lr for r in config.runs], dtype=torch.float64)
    wd = torch.tensor([r.wd for r in config.runs], dtype=torch.float64)
    opt = make_optimizer(config, weights, lr, wd)

    def evaluate(grad: bool, metrics: bool):
        """The grid's loss, gradients (of the K inputs and W_c) and metrics."""
        second = W_b if operands is None else operands.combine(inputs[1:])
        loss, grads, out = grid.evaluate(W_a, second, W_c, grad=grad, metrics=metrics)
        if grads is not None and operands is not None:
            grads = (grads[0], *operands.split(grads[1], inputs[1:]), grads[2])
        return loss, grads, out
    active = torch.ones(R, dtype=torch.bool, device=device)
    diverged = torch.full((R,), -1, dtype=torch.long, device=device)
    history: list[dict] = []
    start = 0
    key = _resume_key(config, tag, digest)
    eval_set = set(config.resolved_eval_epochs())

    if checkpoint_dir is not None:
        checkpoint_dir = Path(checkpoint_dir)
        ckpt.remove_temporaries(checkpoint_dir)  # left by a process killed mid-write
        point = resume_point(config, checkpoint_dir, objective=tag, init_key=digest) if resume else None
        if point is not None:
            for problem in point.skipped:  # a damaged newest checkpoint costs epochs, not the job
                warnings.warn(f"skipping unreadable checkpoint: {problem}", RuntimeWarning, stacklevel=2)
            state, start = point.state, point.epoch
            for dst, name in ((W_a, "W_a"), (W_b, "W_b"), (W_c, "W_c")):
                dst.copy_(state[name].to(device=device, dtype=dtype))
            for dst, src in zip(inputs[2:], state.get("W_more", [])):
                dst.copy_(src.to(device=device, dtype=dtype))
            opt.load_state_dict(state["optimizer"] if "optimizer" in state else state["adam"])
            active.copy_(state["active"].to(device))
            diverged.copy_(state["diverged_epoch"].to(device))
            # the evaluations before the resume point that this job takes (resume_point made sure
            # it has every one of them): exactly the rows an uninterrupted run would have
            history = [h for h in state["history"] if int(h["epoch"]) < start and int(h["epoch"]) in eval_set]
            if log is not None:
                log(f"resuming from epoch {start} of {E} ({point.path})")
        else:
            if resume and log is not None:
                log(f"no checkpoint in {checkpoint_dir}: starting from epoch 0 of {E}")
            ckpt.clear_checkpoints(checkpoint_dir)

    ckpt_set = set(checkpoint_epochs(E))

    def record(epoch: int, metrics: dict, alive: torch.Tensor, extra: dict | None = None):
        nan = torch.tensor(float("nan"), dtype=torch.float64, device=device)
        entry = {"epoch": int(epoch), "metrics": {}, "records": {}}
        for name in METRICS:
            entry["metrics"][name] = torch.where(alive, metrics[name], nan).cpu()
        for name, val in (extra or {}).items():
            entry["metrics"][name] = torch.where(alive, val.to(torch.float64), nan).cpu()
        if recorders:
            for rec in recorders:
                for name, val in rec(epoch, W_a, W_b, W_c).items():
                    val = torch.as_tensor(val).detach().to(device=device, dtype=torch.float64)
                    mask = alive.view(-1, *([1] * (val.ndim - 1)))
                    entry["records"][name] = torch.where(mask, val, nan).cpu()
        history.append(entry)

    last_save = [time.monotonic()]

    def save(epoch: int):
        ckpt.save_checkpoint(
            checkpoint_dir,
            epoch,
            {
                "key": key,
                "W_a": W_a.detach().cpu(),
                "W_b": W_b.detach().cpu(),
                "W_c": W_c.detach().cpu(),
                **({"W_more": [w.detach().cpu() for w in inputs[2:]]} if K > 2 else {}),
                "optimizer": opt.state_dict(),
                "active": active.cpu(),
                "diverged_epoch": diverged.cpu(),
                "masks": torch.as_tensor(masks),
                "history": history,
            },
        )
        if keep_checkpoints is not None:
            ckpt.prune_checkpoints(checkpoint_dir, keep_checkpoints)
        last_save[0] = time.monotonic()

    def stop_failed(ok: torch.Tensor, epoch: int):
        """Runs active until now that are not ``ok`` diverge at ``epoch`` and are frozen."""
        nonlocal active, diverged
        diverged = torch.where(active & ~ok, epoch, diverged)
        active = active & ok

    with torch_threads(1 if single else threads):
        for epoch in range(start, E):
            do_eval = epoch in eval_set
            if config.ridge is not None:
                if do_eval:  # metrics before the step, with the output layer as the last step left it
                    loss, _, metrics = evaluate(grad=False, metrics=True)
                with torch_threads(threads):
                    W_c.copy_(torch.where(active.view(-1, 1, 1), ridge_output(grid, inputs, W_c, config.ridge, operands), W_c))
                loss, grads, _ = evaluate(grad=True, metrics=False)
                extra = None
            elif objective is None:
                loss, grads, metrics = evaluate(grad=True, metrics=do_eval)
                extra = None
            else:
                metrics = grid.evaluate(W_a, W_b, W_c, grad=False, metrics=True)[2] if do_eval else None
                loss, grads = _objective_grads(objective, W_a, W_b, W_c)
                extra = {"objective": loss}
            stop_failed(torch.isfinite(loss), epoch)
            if do_eval:
                record(epoch, metrics, active, extra)
            stop_failed(opt.step(grads, active), epoch)
            if checkpoint_dir is not None and ((epoch + 1) in ckpt_set or (
                    checkpoint_every is not None and time.monotonic() - last_save[0] >= checkpoint_every)):
                save(epoch + 1)
            if progress is not None:
                progress(epoch + 1, E)

        # the final state, after the last step
        loss, _, metrics = evaluate(grad=False, metrics=True)
        extra = None
        if objective is not None:
            with torch.no_grad():
                extra = {"objective": objective(W_a, W_b, W_c).detach()}
            loss = extra["objective"]
        stop_failed(torch.isfinite(loss), E)
        record(E, metrics, active, extra)
    if checkpoint_dir is not None and E == 0:
        save(0)
    if progress is not None and E == 0:
        progress(0, 0)
    return _result(config, history, diverged, (W_a, W_b, W_c), grid, device, tag, more=inputs[2:])


def _result(config, history, diverged, weights, grid, device, tag, more=()) -> TrainResult:
    history = sorted(history, key=lambda h: h["epoch"])
    epochs = tuple(int(h["epoch"]) for h in history)
    R = config.n_runs
    names = list(METRICS) + sorted({n for h in history for n in h["metrics"]} - set(METRICS))
    metrics = {}
    for n in names:
        cols = [h["metrics"].get(n, torch.full((R,), float("nan"), dtype=torch.float64)) for h in history]
        metrics[n] = torch.stack(cols, 1).numpy()
    records = {}
    for n in sorted({n for h in history for n in h["records"]}):
        shape = next(h["records"][n].shape for h in history if n in h["records"])
        cols = [h["records"].get(n, torch.full(shape, float("nan"), dtype=torch.float64)) for h in history]
        records[n] = torch.stack(cols, 1).numpy()
    W_a, W_b, W_c = (w.detach().cpu() for w in weights)
    return TrainResult(
        config=config,
        runs=tuple(config.runs),
        epochs=epochs,
        metrics=metrics,
        records=records,
        diverged_epoch=diverged.cpu().numpy(),
        W_a=W_a,
        W_b=W_b,
        W_c=W_c,
        n_train=np.asarray(grid.n_train),
        n_test=np.asarray(grid.n_test),
        device=str(device),
        objective=tag,
        W_more=torch.stack([w.detach().cpu() for w in more], 1) if more else None,
    )


def _resume_key(config: TrainConfig, tag: str, init: str | None = None) -> dict:
    d = config.to_dict()
    key = {k: d[k] for k in _RESUME_KEYS}
    key["group"] = parse_group(config.group).spec
    key["objective"] = tag
    key["init"] = init
    return key


def _diff(old, new) -> str:
    if not isinstance(old, dict):
        return "no job description"
    bad = [k for k in new if old.get(k) != new[k]]
    return "differs in " + ", ".join(bad) if bad else "unknown difference"
