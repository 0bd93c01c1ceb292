"""The resolved, validated configuration of one batched training job (docs/paper.md defaults).

A job trains R = len(seeds) × len(wds) × len(lrs) runs of one group and width q together;
run r enumerates seeds outer, then weight decays, then learning rates (lr innermost).
"""

from __future__ import annotations

import typing

import math
import numbers
import re

import attrs

from models.devices import resolve_device

SEEDINGS = ("default", "reference")
DTYPES = ("float32", "float64")
DEVICES = ("auto", "cpu", "cuda")
OPTIMIZERS = ("adam", "sgd", "adamw", "muon")
#: Muon's settings: the reference training script's call, or its optimizer module's own defaults
MUON_VARIANTS = ("script", "enhanced")
#: the fields of :class:`TrainConfig` that make up a training set-up (docs/training.md): what a
#: trained network's ``meta["setup"]`` records, what compare and sweep pass through
SETUP_FIELDS = ("activation", "loss", "optimizer", "momentum", "muon", "operands", "critical_delta", "ridge", "task")
#: the authors' scaling law: the critical train fraction is (CRITICAL_MULTIPLIER − δ)·log(d)/d
CRITICAL_MULTIPLIER = 2.7482
#: besides the epochs 1, 2, 4, … (:func:`checkpoint_epochs`): a checkpoint at least this often
#: (seconds) on long jobs; the commands' default ``checkpoint_every``
CHECKPOINT_EVERY_S = 600.0


def _floats(x) -> tuple[float, ...]:
    if isinstance(x, numbers.Real):  # numpy's scalars too
        x = (x,)
    return tuple(float(v) for v in x)


def is_integer(x) -> bool:
    """An integer of any kind (numpy's too), not a bool."""
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


def is_real(x) -> bool:
    """A real number of any kind (numpy's too), not a bool."""
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def _int(x):
    """An integer of any kind (numpy's too) as an int; anything else as it is, for
    :func:`validate` to refuse."""
    return int(x) if is_integer(x) else x


def _ints(x) -> tuple[int, ...]:
    if isinstance(x, numbers.Integral):  # numpy's scalars too
        x = (x,)
    for v in x:  # int(1.7) would quietly give 1
        if not is_integer(v):
            raise ValueError(f"expected integers, got {v!r} ({type(v).__name__})")
    return tuple(int(v) for v in x)


def _opt_ints(x):
    return None if x is None else tuple(sorted(set(_ints(x))))


@typing.final
@attrs.frozen
class RunSpec:
    """One run of a job: its index in the batch and its (seed, lr, wd)."""

    index: int
    seed: int
    lr: float
    wd: float

    @property
    def name(self) -> str:
        """The run's folder name, ``seed{seed}_lr{lr}_wd{wd}``: unique and reversible, since
        each number is written so that ``float()`` gives it back exactly (``0.01``, ``5e-05``,
        ``0.0500000001``; see :func:`float_token`) and :func:`parse_run_name` reads it."""
        return f"seed{self.seed}_lr{float_token(self.lr)}_wd{float_token(self.wd)}"


_RUN_NAME = re.compile(r"seed([0-9]+)_lr([^_]+)_wd([^_]+)")


def float_token(x: float) -> str:
    """``x`` as short text that reads back exactly: ``f"{x:g}"`` when that is exact (the
    names runs always had: 0.01, 5e-05, 0), else the shortest round-trip form (``repr``)."""
    x = float(x)
    short = f"{x:g}"
    return short if float(short) == x else repr(x)


def parse_run_name(name: str) -> tuple[int, float, float]:
    """(seed, lr, wd) of a run folder name written by :attr:`RunSpec.name`."""
    m = _RUN_NAME.fullmatch(name)
    if not m:
        raise ValueError(f"{name!r} is not a run name (seed<S>_lr<LR>_wd<WD>)")
    return int(m.group(1)), float(m.group(2)), float(m.group(3))


@typing.final
@attrs.frozen
class TrainConfig:
    """Everything that determines a job's numbers (device aside).

    ``eval_epochs``: epochs e (0 ≤ e ≤ epochs) at which metrics are taken *before* the
    optimizer step of epoch e, i.e. after e steps; None = :func:`default_eval_epochs`. The
    state after the last step is always evaluated as well (entry ``final``, epoch = epochs).
    ``chunk_rows``: rows a of the pair grid processed at once (None: chosen from memory).
    ``optimizer``: 'adam' (docs/paper.md: torch.optim.Adam with coupled L2 weight decay; uses
    ``betas``, ``eps``) or 'sgd' (plain full-batch gradient descent p ← p − lr·(g + wd·p),
    i.e. torch.optim.SGD(weight_decay=wd) without momentum; ``betas``/``eps`` unused).
    ``compile``: run the loss/gradient through ``torch.compile`` (fused elementwise work; same
    numbers up to float rounding; one-off compilation; eager fallback on failure). Like
    ``chunk_rows`` and ``device`` it is not part of a checkpoint's job identity.
    ``record_sp``: record the SP trajectories at every evaluated epoch; the recorder is not
    part of the trainer but passed to it (``train(config, sp_recorder=cogs.sp.dynamics.sp_recorder)``).

    The set-up (docs/training.md): ``activation`` sqr|relu|silu|relusqr and ``loss`` mse|ce
    (:mod:`models.activations`); ``optimizer`` adam|sgd|adamw|muon, ``momentum`` (SGD's μ; 0:
    plain gradient descent), ``muon`` ('script': the reference training script's Muon, or
    'enhanced': its optimizer module's defaults; :mod:`models.training.muon`); ``operands`` K ≥ 2
    (inputs (x_1, …, x_K), target x_1·…·x_K, one input matrix per operand); ``critical_delta``
    δ: the split at the critical ratio, train fraction (2.7482 − δ)·log(d)/d (``train_frac`` is
    then ignored and must be left at its default); ``ridge`` λ: the output layer set to the
    ridge-regression solution on the train tuples before every step (MSE only); ``task``: a
    polynomial expression in x, y over Z_d (e.g. ``x*x+x*y+y*y``) whose table replaces the
    group's (a cyclic group, two operands). The defaults are the paper's set-up.
    """

    group: str
    q: int = attrs.field(converter=_int)
    epochs: int = attrs.field(converter=_int)
    lrs: tuple[float, ...] = attrs.field(converter=_floats, default=(0.01,))
    wds: tuple[float, ...] = attrs.field(converter=_floats, default=(1e-4,))
    seeds: tuple[int, ...] = attrs.field(converter=_ints, default=(1,))
    train_frac: float = attrs.field(converter=float, default=0.9)
    seeding: str = "default"
    eval_epochs: tuple[int, ...] | None = attrs.field(converter=_opt_ints, default=None)
    device: str = "auto"
    dtype: str = "float32"
    betas: tuple[float, float] = attrs.field(converter=_floats, default=(0.9, 0.999))
    eps: float = attrs.field(converter=float, default=1e-8)
    record_sp: bool = False
    chunk_rows: int | None = attrs.field(converter=_int, default=None)
    optimizer: str = "adam"
    compile: bool = False
    activation: str = "sqr"
    loss: str = "mse"
    momentum: float = attrs.field(converter=float, default=0.0)
    muon: str = "script"
    operands: int = attrs.field(converter=_int, default=2)
    critical_delta: float | None = attrs.field(converter=lambda x: None if x is None else float(x), default=None)
    ridge: float | None = attrs.field(converter=lambda x: None if x is None else float(x), default=None)
    task: str | None = None

    def __attrs_post_init__(self):
        validate(self)

    @property
    def paper_setup(self) -> bool:
        """The paper's set-up: sqr, MSE, two operands, the group's own table, no ridge, and
        Adam or plain gradient descent."""
        return (self.activation == "sqr" and self.loss == "mse" and self.operands == 2 and self.ridge is None
                and self.task is None and self.optimizer in ("adam", "sgd") and self.momentum == 0.0)

    def test_size(self, d: int) -> float:
        """The test fraction of the split: 1 − train_frac, or at the critical ratio
        1 − (2.7482 − δ)·c·log(d)/d clipped to [0, 1] (c = max irrep degree / 2 for a group read
        from a table file, as the reference script corrects its collection groups; 1 otherwise,
        as it does for Z_d and S_n)."""
        if self.critical_delta is None:
            return 1.0 - self.train_frac
        return critical_test_size(self.group, self.critical_delta)

    @property
    def runs(self) -> list[RunSpec]:
        out = []
        for s in self.seeds:
            for wd in self.wds:
                for lr in self.lrs:
                    out.append(RunSpec(len(out), s, lr, wd))
        return out

    @property
    def n_runs(self) -> int:
        return len(self.seeds) * len(self.wds) * len(self.lrs)

    def resolved_eval_epochs(self) -> tuple[int, ...]:
        """The evaluated epochs, the final one (= epochs) included."""
        base = self.eval_epochs if self.eval_epochs is not None else default_eval_epochs(self.epochs)
        return tuple(sorted(set(base) | {self.epochs}))

    def to_dict(self) -> dict:
        d = attrs.asdict(self)
        d["eval_epochs"] = list(self.resolved_eval_epochs())
        return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}


def critical_test_size(group, delta: float) -> float:
    """1 − (2.7482 − δ)·c·log(d)/d clipped to [0, 1]; c as in :meth:`TrainConfig.test_size`.

    >>> round(critical_test_size("Z23", 0.0), 6)
    0.625349
    """
    from groups import parse_group

    G = parse_group(group)
    d = G.order
    c = 1.0
    if getattr(G, "source", None) == "file" and not G.is_abelian:  # the reference's collection groups
        c = max(ir.dim for ir in G.irreps()) / 2
    ts = 1 - c * math.log(d) / d * (CRITICAL_MULTIPLIER - delta)
    return max(min(ts, 1.0), 0.0)


def default_eval_epochs(epochs: int) -> tuple[int, ...]:
    """0, 1, 2, 4, 8, … below ``epochs``, plus epochs − 1 (the last pre-step evaluation)."""
    out = {0} if epochs > 0 else set()
    e = 1
    while e < epochs:
        out.add(e)
        e *= 2
    if epochs > 0:
        out.add(epochs - 1)
    return tuple(sorted(out))


def checkpoint_epochs(epochs: int) -> tuple[int, ...]:
    """1, 2, 4, 8, … up to ``epochs``, plus ``epochs`` itself."""
    out = set()
    e = 1
    while e <= epochs:
        out.add(e)
        e *= 2
    out.add(epochs)
    return tuple(sorted(out))


def validate(c: TrainConfig) -> None:
    from groups import parse_group

    parse_group(c.group)  # GroupSpecError (a ValueError) on a bad spec
    if isinstance(c.q, bool) or not isinstance(c.q, int) or c.q < 1:
        raise ValueError(f"hidden width q must be an integer ≥ 1, got {c.q!r}")
    if isinstance(c.epochs, bool) or not isinstance(c.epochs, int) or c.epochs < 0:
        raise ValueError(f"epochs must be an integer ≥ 0, got {c.epochs!r}")
    if not c.seeds:
        raise ValueError("the seed list is empty")
    if len(set(c.seeds)) != len(c.seeds):
        raise ValueError(f"seeds repeat: {list(c.seeds)}")
    if any(s < 0 for s in c.seeds):
        raise ValueError(f"seeds must be ≥ 0, got {list(c.seeds)}")
    if not c.lrs:
        raise ValueError("the learning-rate list is empty")
    if len(set(c.lrs)) != len(c.lrs):
        raise ValueError(f"learning rates repeat: {list(c.lrs)}")
    for lr in c.lrs:
        if not math.isfinite(lr) or lr <= 0:
            raise ValueError(f"learning rate must be finite and > 0, got {lr}")
    if not c.wds:
        raise ValueError("the weight-decay list is empty")
    if len(set(c.wds)) != len(c.wds):
        raise ValueError(f"weight decays repeat: {list(c.wds)}")
    for wd in c.wds:
        if not math.isfinite(wd) or wd < 0:
            raise ValueError(f"weight decay must be finite and ≥ 0, got {wd}")
    if not (0.0 < c.train_frac <= 1.0) or not math.isfinite(c.train_frac):
        raise ValueError(f"train fraction must be in (0, 1], got {c.train_frac}")
    if c.seeding not in SEEDINGS:
        raise ValueError(f"seeding must be one of {', '.join(SEEDINGS)}, got {c.seeding!r}")
    if c.optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}, got {c.optimizer!r}")
    if c.dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(DTYPES)}, got {c.dtype!r}")
    if c.device not in DEVICES and not re.fullmatch(r"cuda:\d+", c.device):
        raise ValueError(f"unknown device {c.device!r} (use auto, cpu, cuda or cuda:N)")
    if c.eval_epochs is not None:
        bad = [e for e in c.eval_epochs if e < 0 or e > c.epochs]
        if bad:
            raise ValueError(f"eval epochs {bad} outside 0..{c.epochs}")
    if c.record_sp and not c.paper_setup:
        raise ValueError("SP recording reads the quadratic MSE network; it needs --activation sqr --loss mse, "
                         "two operands and no task or ridge")
    b1, b2 = (c.betas + (None, None))[:2]
    if len(c.betas) != 2 or not (0 <= b1 < 1 and 0 <= b2 < 1):
        raise ValueError(f"betas must be two numbers in [0, 1), got {c.betas}")
    if not (c.eps > 0 and math.isfinite(c.eps)):
        raise ValueError(f"eps must be finite and > 0, got {c.eps}")
    if not isinstance(c.compile, bool):
        raise ValueError(f"compile must be True or False, got {c.compile!r}")
    if c.chunk_rows is not None and (not isinstance(c.chunk_rows, int) or c.chunk_rows < 1):
        raise ValueError(f"chunk_rows must be an integer ≥ 1, got {c.chunk_rows!r}")
    validate_setup(c)


def validate_setup(c: TrainConfig) -> None:
    """One-line refusals of set-ups that make no sense (docs/training.md)."""
    from groups import parse_group
    from models.activations import check_activation, check_loss
    from models.limits import MAX_OPERANDS

    check_activation(c.activation)
    check_loss(c.loss)
    if not math.isfinite(c.momentum) or not 0.0 <= c.momentum < 1.0:
        raise ValueError(f"momentum must be in [0, 1), got {c.momentum}")
    if c.momentum and c.optimizer != "sgd":
        raise ValueError(f"momentum is SGD's (--optimizer sgd); {c.optimizer} has its own")
    if c.muon not in MUON_VARIANTS:
        raise ValueError(f"muon variant must be one of {', '.join(MUON_VARIANTS)}, got {c.muon!r}")
    if isinstance(c.operands, bool) or not isinstance(c.operands, int) or c.operands < 2:
        raise ValueError(f"operands must be an integer ≥ 2 (K inputs x_1, …, x_K), got {c.operands!r}")
    if c.operands > MAX_OPERANDS:
        raise ValueError(f"operands must be at most {MAX_OPERANDS}, got {c.operands}")
    G = parse_group(c.group)
    if c.operands > 2 and G.order ** c.operands > 1 << 24:
        raise ValueError(f"{c.operands} operands on a group of order {G.order} make {G.order}^{c.operands} input tuples; "
                         "at most 2^24")
    if c.critical_delta is not None:
        if not math.isfinite(c.critical_delta):
            raise ValueError(f"critical delta must be finite, got {c.critical_delta}")
        if c.train_frac != 0.9:
            raise ValueError("the critical split sets the train fraction; leave train_frac at its default")
        ts = c.test_size(G.order)
        if ts <= 0 or ts >= 1:
            raise ValueError(f"the critical split with delta {c.critical_delta} on d = {G.order} gives test fraction "
                             f"{ts:.4g}: no test or no train tuple")
    if c.ridge is not None:
        if not math.isfinite(c.ridge) or c.ridge <= 0:
            raise ValueError(f"ridge must be finite and > 0, got {c.ridge}")
        if c.loss != "mse":
            raise ValueError("ridge solves the output layer for the MSE; it makes no sense with --loss ce")
    if c.task is not None:
        from models.expression import parse_expression

        if not G.is_abelian or len(getattr(G, "moduli", ())) != 1:
            raise ValueError(f"an expression task needs a cyclic group Zd (the values mod d), got {G.spec}")
        if c.operands != 2:
            raise ValueError("an expression task takes two operands x, y")
        parse_expression(c.task)


def check_size(c: TrainConfig, device=None) -> dict:
    """Refuse (:class:`models.limits.SizeLimitError`, one line) a job whose estimated memory or
    work is over the limits of :mod:`models.limits`; returns the estimates otherwise.

    The estimate is for all of ``c``'s runs trained together in one batch, as
    :func:`models.training.train` trains them, on ``device`` (a ``torch.device`` or a name;
    None: ``c.device`` resolved as the trainer resolves it, so 'auto' counts as the CPU on a
    machine without CUDA). ``train`` calls it before allocating anything; callers that do
    work of their own first (a CLI command preparing its output folder) may call it earlier.
    It is not part of building a config: a shard of a sharded job is checked when (and where)
    it trains, as a shard."""
    from groups import parse_group
    from models.limits import check, train_estimate

    if device is None:
        device = resolve_device(c.device)
    device_type = getattr(device, "type", None) or str(device)
    d = parse_group(c.group).order
    est = train_estimate(d, c.q, c.n_runs, c.epochs, seeds=len(c.seeds), dtype_bytes=8 if c.dtype == "float64" else 4,
                         device=device_type, chunk_rows=c.chunk_rows, columns=d ** (c.operands - 1))
    return check(f"training {c.n_runs} run(s) of {c.group} (d = {d}, q = {c.q}, {c.epochs} epochs)",
                 memory=est["memory"], work=est["work"])


def torch_dtype(name: str):
    import torch

    return {"float32": torch.float32, "float64": torch.float64}[name]


def parse_seeds(text: str) -> tuple[int, ...]:
    """'5' → (5,), '1,3' → (1, 3), '1-5' → (1, …, 5); mixtures like '1-3,7' allowed."""
    from models.limits import MAX_SEEDS

    text = str(text).strip()
    if not text:
        raise ValueError("empty seed list")
    if not text.isascii():  # int() would also read "٣" or "３"
        raise ValueError(f"bad seed list {text!r}: use the digits 0-9")
    out: list[int] = []
    for part in text.split(","):
        part = part.strip()
        m = re.fullmatch(r"([0-9]+)\s*-\s*([0-9]+)", part)
        if m:
            lo, hi = int(m.group(1)), int(m.group(2))
            if hi < lo:
                raise ValueError(f"bad seed range {part!r}: end below start")
            if hi - lo + 1 + len(out) > MAX_SEEDS:
                raise ValueError(f"seed range {part!r} has {hi - lo + 1} seeds; at most {MAX_SEEDS} seeds in all")
            out.extend(range(lo, hi + 1))
        elif re.fullmatch(r"[0-9]+", part):
            out.append(int(part))
        else:
            raise ValueError(f"bad seed {part!r} (use e.g. 5, 1,3 or 1-5)")
    if len(set(out)) != len(out):
        raise ValueError(f"seeds repeat in {text!r}")
    return tuple(out)


def _parse_list(text: str, what: str, cast, noun: str) -> tuple:
    out = []
    for part in str(text).split(","):
        part = part.strip()
        if not part.isascii():  # int()/float() would also read "٣" or "３"
            raise ValueError(f"bad {what} {part!r}: use the digits 0-9")
        try:
            out.append(cast(part))
        except ValueError:
            raise ValueError(f"bad {what} {part!r}: not {noun}") from None
    return tuple(out)


def parse_floats(text: str, what: str) -> tuple[float, ...]:
    """'0.01' or '1e-5,5e-5' → floats."""
    return _parse_list(text, what, float, "a number")


def parse_ints(text: str, what: str) -> tuple[int, ...]:
    """'0,100,1000' → ints."""
    return _parse_list(text, what, int, "an integer")
