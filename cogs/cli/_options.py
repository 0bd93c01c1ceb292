"""Options shared by several commands, defined once with one default each.

``--device``      auto (cuda if available), cpu, cuda or cuda:N (train, compare, sweep)
``--dtype``       float32 (default) or float64 (train, compare, sweep)
``--threshold``   activity threshold on |A_kj|, default 0.05 (compare, analyze)
``--seeds``       seed list; default "1" for ``train`` (one run unless asked), "1-5" for
                  ``compare`` and ``sweep`` (they reproduce the paper's five seeds)

``--threads N``   torch CPU threads (default: :func:`default_threads`)
``--resume``      continue from the newest checkpoint in --out
``--overwrite``   replace what an earlier run of the command left in --out
``--keep-checkpoints N|all``  how many of the newest checkpoints each batch or shard keeps (default 2)
"""

from __future__ import annotations

import os

from cogs.cli._types import positive_integer, positive_real
from cogs.distributed.runner import KEEP_CHECKPOINTS as DEFAULT_KEEP_CHECKPOINTS  # the jobs' default (torch-free module)
from models.spectrum import DEFAULT_THRESHOLD  # torch-free; the one definition
from models.training.config import CHECKPOINT_EVERY_S  # torch-free; the runners' default

MAX_DEFAULT_THREADS = 4


def add_device(p) -> None:
    p.add_argument("--device", default="auto", help="auto (cuda if available, default), cpu, cuda or cuda:N")


def add_dtype(p) -> None:
    p.add_argument("--dtype", choices=("float32", "float64"), default="float32", help="training precision (default float32)")


def add_threshold(p) -> None:
    p.add_argument("--threshold", type=positive_real, default=DEFAULT_THRESHOLD,
                   help=f"activity threshold on |A_kj| in coefficient units (default {DEFAULT_THRESHOLD:g}, the paper's; "
                        "docs/reading.md#orders)")


def add_seeds(p, default: str) -> None:
    p.add_argument("--seeds", default=default, help=f"seeds: 5, 1,3 or 1-5 (default {default})")


def available_cores() -> int:
    """CPU cores this process may run on (its affinity mask, else the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def default_threads(device: str = "cpu") -> int | None:
    """min(available cores, 4) on a CPU; None (torch's default) when a GPU does the work."""
    if str(device).startswith("cuda"):
        return None
    return min(available_cores(), MAX_DEFAULT_THREADS)


def _keep(text: str):
    if str(text).strip().lower() == "all":
        return "all"
    return positive_integer(text)


def add_threads(p, training: bool = True) -> None:
    """--threads; ``training``: say that training results do not depend on it."""
    tail = (" Training results do not depend on N (with --compile: up to rounding)." if training else
            " Results may differ in the last bits with N.")
    p.add_argument(
        "--threads", type=positive_integer, default=None, metavar="N",
        help=f"torch CPU threads (default: min(available cores, {MAX_DEFAULT_THREADS}) on a CPU, torch's default with "
             "a GPU). The products here are small and gain little from many threads; on a machine busy with other "
             "jobs fewer threads, even 1, can be faster." + tail)


def add_resume(p, what: str = "the job") -> None:
    p.add_argument("--resume", action="store_true",
                   help=f"continue {what} from the newest checkpoint in --out (bit-identical to an uninterrupted run); "
                        "stderr says which epoch it starts from")


def add_overwrite(p) -> None:
    p.add_argument("--overwrite", action="store_true",
                   help="--out holds the output of an earlier run: delete what that run wrote (other files are left "
                        "alone) and start afresh. Without it such a folder is refused")


def add_keep_checkpoints(p) -> None:
    p.add_argument(
        "--keep-checkpoints", type=_keep, default=None, metavar="N|all",
        help=f"keep the N newest checkpoints of each batch of runs trained together — of each shard with "
             f"--shard-runs or --backend ray — or all of them (default {DEFAULT_KEEP_CHECKPOINTS}: the newest, which "
             "holds everything --resume and the reports need, metrics history included, and one spare). Checkpoints "
             f"are written at epochs 1, 2, 4, 8, …, the last one, and every {CHECKPOINT_EVERY_S / 60:g} minutes, and "
             "stay after the job ends so that --resume never trains a finished batch or shard again")


def threads_for(args, device="cpu") -> int | None:
    """The thread count the options ask for (None: leave torch's default)."""
    n = getattr(args, "threads", None)
    return n if n is not None else default_threads(str(device))


def apply_threads(args, device="cpu") -> int:
    """Set torch's CPU thread count from --threads (or the default); returns the count in use."""
    import torch

    n = threads_for(args, device)
    if n is not None:
        torch.set_num_threads(n)
    return torch.get_num_threads()


def keep_checkpoints(args) -> int | None:
    """--keep-checkpoints as the trainer's (and the shard executor's) ``keep_checkpoints``:
    the number of newest checkpoints per batch or shard (None: keep all)."""
    k = getattr(args, "keep_checkpoints", None)
    if k is None:
        return DEFAULT_KEEP_CHECKPOINTS
    return None if k == "all" else int(k)


def stderr_note(label: str):
    """A ``log`` callable for the trainer: ``label: message`` lines on stderr."""
    from cogs.distributed.progress import stderr_line

    return lambda message: stderr_line(f"{label}: {message}")


def _train_frac(text: str):
    """--train-frac: a fraction, or 'critical'."""
    import argparse

    from cogs.cli._types import real

    if text.strip().lower() == "critical":
        return "critical"
    try:
        return real(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a fraction or 'critical'") from None


def add_train_frac(p, default: float = 0.9) -> None:
    p.add_argument("--train-frac", type=_train_frac, default=default,
                   help=f"train fraction of the input tuples (default {default:g}), or 'critical': the authors' "
                        "critical ratio (2.7482 − δ)·log(d)/d, δ = --critical-delta")


def add_setup(p, optimizer: bool = True, critical: bool = True) -> None:
    """The training set-up (docs/training.md): activation, loss, optimizer and its options,
    operands, critical split, ridge output layer, expression task."""
    from cogs.cli._types import integer, real

    p.add_argument("--activation", choices=("sqr", "relu", "silu", "relusqr"), default="sqr",
                   help="hidden activation: sqr (s², the quadratic network; default), relu, silu, relusqr (relu(s)²)")
    p.add_argument("--loss", choices=("mse", "ce"), default="mse",
                   help="mse (the projected squared error; default) or ce (cross-entropy on the outputs as logits)")
    if optimizer:
        p.add_argument("--optimizer", choices=("adam", "sgd", "adamw", "muon"), default="adam",
                       help="adam (coupled L2 weight decay; default), sgd (with --momentum; 0: plain gradient descent "
                            "p -= lr·(g + wd·p)), adamw (decoupled weight decay), muon (Muon on the input layer, Adam "
                            "on the output layer)")
    p.add_argument("--momentum", type=real, default=0.0, help="SGD's momentum μ (default 0; the reference's sgd: 0.9)")
    p.add_argument("--muon", choices=("script", "enhanced"), default="script",
                   help="Muon's settings: script (the reference training script's: β 0.9/0.99, float32; default) or "
                        "enhanced (its optimizer's defaults: β 0.95, Nesterov, RMS compensation, bfloat16)")
    p.add_argument("--operands", type=integer, default=2,
                   help="K ≥ 2 inputs x_1, …, x_K with target x_1·…·x_K, one input matrix each (default 2)")
    if critical:
        p.add_argument("--critical-delta", type=real, default=0.0, metavar="D",
                       help="with --train-frac critical: δ of the critical ratio (default 0)")
    p.add_argument("--ridge", type=positive_real, default=None, metavar="LAMBDA",
                   help="solve the output layer by ridge regression (λ = LAMBDA) on the train tuples before every step "
                        "(MSE only)")
    p.add_argument("--task", default=None, metavar="EXPR",
                   help="learn the table of a polynomial in x, y mod d instead of the group's, e.g. x*x+x*y+y*y "
                        "(a cyclic group Zd; + - * ** and parentheses)")


def setup_from_args(args) -> dict:
    """The set-up options as keyword arguments of the jobs (cogs.train, cogs.compare, cogs.sweep)."""
    from models.training.config import SETUP_FIELDS

    return {k: getattr(args, k) for k in SETUP_FIELDS if hasattr(args, k)}
