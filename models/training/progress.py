"""A dependency-free progress bar for stderr, drawn only when stderr is a terminal."""

from __future__ import annotations

import typing

import sys
import time


@typing.final
class ProgressBar:
    """Callable ``(done, total)``; redraws at most ~10 times a second."""

    def __init__(self, label: str = "train", stream=None, width: int = 30):
        self.stream = stream or sys.stderr
        self.label, self.width = label, width
        self.start = time.monotonic()
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        frac = done / total if total else 1.0
        fill = int(round(frac * self.width))
        rate = done / max(now - self.start, 1e-9)
        eta = (total - done) / rate if rate > 0 else float("inf")
        self.stream.write(
            f"\r{self.label} [{'#' * fill}{'.' * (self.width - fill)}] {done}/{total} "
            f"{rate:.1f} ep/s eta {eta:.0f}s "
        )
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def terminal_progress(label: str = "train"):
    """A :class:`ProgressBar` when stderr is a terminal, else None."""
    try:
        tty = sys.stderr.isatty()
    except (AttributeError, ValueError):
        tty = False
    return ProgressBar(label) if tty else None
