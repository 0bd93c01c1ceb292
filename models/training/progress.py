"""Progress on stderr: a bar when stderr is a terminal, else a plain line every few seconds
(for jobs under nohup, in batch queues or with stderr sent to a file)."""

from __future__ import annotations

import typing

import os
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


def _duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}h{m:02d}m{s:02d}s" if h else f"{m}m{s:02d}s" if m else f"{s}s"


@typing.final
class LogProgress:
    """Callable ``(done, total)`` writing one line every ``interval`` seconds::

        train Z23 q=512 R=25: epoch 1234/10000 (12.3 %), 1m05s elapsed, ETA 7m41s

    and a last line at the end, but only for jobs that printed one before (a job shorter
    than ``interval`` stays silent). The speed behind the ETA counts from the first call, so a
    resumed job estimates from its own epochs; a call whose ``done`` goes backwards starts
    a new job (a sweep trains several)."""

    def __init__(self, label: str = "train", stream=None, interval: float = 10.0):
        self.stream = stream or sys.stderr
        self.label, self.interval = label, float(interval)
        self._start = self._first = None
        self._last_line = 0.0
        self._printed = False
        self._done = -1

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if self._start is None or done < self._done:
            self._start, self._first, self._last_line, self._printed = now, done, now, False
        self._done = done
        finished = done >= total
        if not (now - self._last_line >= self.interval or (finished and self._printed)):
            return
        self._last_line, self._printed = now, True
        elapsed = now - self._start
        pct = 100.0 * done / total if total else 100.0
        if finished:
            tail = f"done in {_duration(elapsed)}"
        else:
            rate = (done - self._first) / elapsed if elapsed > 0 else 0.0
            tail = f"{_duration(elapsed)} elapsed, ETA {_duration((total - done) / rate) if rate > 0 else '?'}"
        try:
            self.stream.write(f"{self.label}: epoch {done}/{total} ({pct:.1f} %), {tail}\n")
            self.stream.flush()
        except (OSError, ValueError):  # stderr closed or gone: progress is best effort
            pass


def terminal_progress(label: str = "train", interval: float | None = None):
    """Progress for stderr: a :class:`ProgressBar` when stderr is a terminal, else a
    :class:`LogProgress` with a line every ``interval`` seconds (default: the environment
    variable ``COGS_PROGRESS_SECONDS``, else 10)."""
    if interval is None:
        try:
            interval = float(os.environ.get("COGS_PROGRESS_SECONDS", "10"))
        except ValueError:
            interval = 10.0
        if not interval > 0:  # also nan
            interval = 10.0
    try:
        tty = sys.stderr.isatty()
    except (AttributeError, ValueError):
        tty = False
    return ProgressBar(label) if tty else LogProgress(label, interval=interval)
