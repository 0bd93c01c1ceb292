"""Checks on a training checkpoint's contents, before a job resumes from it.

A checkpoint that ``torch.load`` reads can still be wrong: edited or damaged by hand, or
written by something else. :func:`check_state` refuses (one line each)

* an ``epoch`` field that is not an integer ≥ 0 or disagrees with the file name
  (``epoch_0000008.pt`` must say 8);
* weights that are not real floating-point tensors of matching shapes (R, q, d), (R, q, d),
  (R, d, q) (and (R, q, d) for each further operand), ``active`` / ``diverged_epoch`` / ``masks`` of the wrong kind or length;
* NaN or infinite weights or optimizer moments in a run that is still active (the trainer
  freezes a run before anything non-finite is committed, so only a tampered file has them).

:func:`check_file` judges the file itself before it is read (a regular file; sizes within
the file-size limit of :mod:`models.limits`, also the uncompressed sizes the zip declares;
the limit is the memory limit, and there is none under ``COGS_LIMITS=off``).
"""

from __future__ import annotations

import re
from pathlib import Path

import torch

_NAME = re.compile(r"epoch_(\d+)\.pt")

__all__ = ["check_file", "check_state"]


def check_file(path, error=ValueError) -> None:
    from models.limits import max_file_bytes
    from models.safe_files import check_regular_file, check_zip_sizes

    limit = max_file_bytes()
    from models.safe_files import MEMORY_HINT

    check_regular_file(path, limit, what="checkpoint", error=error, hint=MEMORY_HINT)
    check_zip_sizes(path, limit, what="checkpoint", error=error)


def check_state(path, state: dict, error=ValueError) -> None:
    """Raise ``error`` (one line naming ``path``) unless ``state`` is a consistent checkpoint."""
    path = Path(path)
    epoch = state.get("epoch")
    if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0:
        raise error(f"{path}: epoch field {epoch!r} is not an integer ≥ 0")
    m = _NAME.fullmatch(path.name)
    if m and int(m.group(1)) != epoch:
        raise error(f"{path}: the file name says epoch {int(m.group(1))} but the checkpoint says {epoch}")
    if not any(n in state for n in ("W_a", "W_b", "W_c")):
        return  # nothing to resume from; the trainer's job check refuses it with its reason
    W = {}
    for name in ("W_a", "W_b", "W_c"):
        w = state.get(name)
        if not isinstance(w, torch.Tensor) or w.is_complex() or not w.is_floating_point() or w.ndim != 3:
            raise error(f"{path}: {name} is not a real (R, ·, ·) floating-point tensor")
        W[name] = w
    R, q, d = W["W_a"].shape
    if tuple(W["W_b"].shape) != (R, q, d) or tuple(W["W_c"].shape) != (R, d, q):
        raise error(f"{path}: weight shapes {[tuple(w.shape) for w in W.values()]} do not fit together "
                    f"(expected ({R}, {q}, {d}), ({R}, {q}, {d}), ({R}, {d}, {q}))")
    active = state.get("active", torch.ones(R, dtype=torch.bool))
    if not isinstance(active, torch.Tensor) or active.dtype != torch.bool or tuple(active.shape) != (R,):
        raise error(f"{path}: 'active' is not a bool tensor of {R} runs")
    div = state.get("diverged_epoch")
    if div is not None and (not isinstance(div, torch.Tensor) or div.is_floating_point() or tuple(div.shape) != (R,)):
        raise error(f"{path}: 'diverged_epoch' is not an integer tensor of {R} runs")
    more = state.get("W_more", [])
    if not isinstance(more, (list, tuple)) or any(
            not isinstance(w, torch.Tensor) or not w.is_floating_point() or w.is_complex() or tuple(w.shape) != (R, q, d)
            for w in more):
        raise error(f"{path}: 'W_more' is not a list of real ({R}, {q}, {d}) tensors")
    W.update({f"W_more[{i}]": w for i, w in enumerate(more)})
    N = d ** (2 + len(more))  # input tuples of K = 2 + len(W_more) operands
    masks = state.get("masks")
    if masks is not None and (not isinstance(masks, torch.Tensor) or tuple(masks.shape) != (R, N)):
        raise error(f"{path}: 'masks' is not an ({R}, {N}) tensor")
    for name, w in W.items():
        _finite_where_active(path, name, w, active, error)
    for i, t in enumerate(_tensors(state.get("optimizer", state.get("adam")))):
        if t.is_floating_point() and t.ndim >= 1 and t.shape[0] == R:
            _finite_where_active(path, f"optimizer state #{i}", t, active, error)


def _finite_where_active(path, name, t: torch.Tensor, active: torch.Tensor, error) -> None:
    bad = ~torch.isfinite(t.reshape(t.shape[0], -1)).all(1) & active
    if bool(bad.any()):
        runs = torch.nonzero(bad).flatten().tolist()
        raise error(f"{path}: {name} holds NaN or Inf in active run(s) {runs[:5]}{' …' if len(runs) > 5 else ''}; "
                    "the checkpoint is damaged or was edited")


def _tensors(obj):
    if isinstance(obj, torch.Tensor):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _tensors(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _tensors(v)
