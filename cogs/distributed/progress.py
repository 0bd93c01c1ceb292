"""Progress across shards, one line per event on stderr (never a redrawn bar: these lines
end up in Slurm and Ray logs).

    shard 2/4 started: Z23 q=512 float32, 5 run(s): seeds 1 × wd 1e-05,… × lr 0.01 (host n01, pid 4242)
    shard 2/4 started again (attempt 2, resumed from epoch 512) …
    shards: 1/4 done, 2 running, 0 failed; epochs 41 %; 57 s elapsed, about 80 s left
    shard 2/4 done in 61.3 s
    shard 3/4 FAILED: ValueError: …
"""

from __future__ import annotations

import typing

import sys
import time


def stderr_line(text: str) -> None:
    """One line on stderr; best effort (a closed or vanished stderr is not an error)."""
    try:
        print(text, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


@typing.final
class ShardBoard:
    """The state of every shard of an executor; prints the lines of the module doc through
    ``log``. ``interval``: seconds between aggregate lines (``tick``); None: never."""

    def __init__(self, log=stderr_line, interval: float | None = 10.0):
        self.log = log or (lambda text: None)
        self.interval = interval
        self.t0 = time.monotonic()
        self._last_tick = self.t0
        self._last_state = None
        self.shards: dict[int, dict] = {}

    def add(self, ident: int, label: str, epochs: int, runs: int) -> None:
        self.shards[ident] = {"label": label, "state": "pending", "done": 0, "total": epochs, "runs": runs,
                              "attempts": 0, "host": None, "pid": None, "resumed_from": 0, "seconds": None,
                              "error": None}

    def _name(self, ident: int) -> str:
        return f"shard {ident + 1}/{len(self.shards)}"

    def event(self, name: str, ident: int, **f) -> None:
        s = self.shards.get(ident)
        if s is None or s["state"] in ("done", "failed") and name != "failed":
            return
        if name == "start":
            s.update(state="running", attempts=s["attempts"] + 1, host=f.get("host"), pid=f.get("pid"),
                     resumed_from=int(f.get("resumed_from") or 0), done=int(f.get("resumed_from") or 0))
            again = "" if s["attempts"] == 1 else f" again (attempt {s['attempts']}, resumed from epoch {s['resumed_from']})"
            self.log(f"{self._name(ident)} started{again}: {s['label']} (host {s['host']}, pid {s['pid']})")
        elif name == "progress":
            s["done"] = int(f.get("done", s["done"]))
            self.tick()
        elif name == "done":
            s.update(state="done", done=s["total"], seconds=f.get("seconds"))
            sec = "" if s["seconds"] is None else f" in {s['seconds']:.1f} s"
            self.log(f"{self._name(ident)} done{sec}")
        elif name == "failed":
            s.update(state="failed", error=f.get("error"))
            self.log(f"{self._name(ident)} FAILED: {s['error']}")

    def counts(self) -> dict:
        out = {"pending": 0, "running": 0, "done": 0, "failed": 0}
        for s in self.shards.values():
            out[s["state"]] += 1
        return out

    def summary(self) -> str:
        c = self.counts()
        work = sum(s["total"] * s["runs"] for s in self.shards.values() if s["state"] != "failed")
        done = sum(min(s["done"], s["total"]) * s["runs"] for s in self.shards.values() if s["state"] != "failed")
        frac = done / work if work else 1.0
        el = time.monotonic() - self.t0
        left = f", about {el * (1 - frac) / frac:.0f} s left" if 0 < frac < 1 else ""
        return (f"shards: {c['done']}/{len(self.shards)} done, {c['running']} running, {c['failed']} failed; "
                f"epochs {100 * frac:.0f} %; {el:.0f} s elapsed{left}")

    def tick(self, force: bool = False) -> None:
        """An aggregate line when ``interval`` seconds have passed since the last one."""
        now = time.monotonic()
        if force or (self.interval is not None and now - self._last_tick >= self.interval):
            state = (tuple(self.counts().values()), sum(s["done"] for s in self.shards.values()))
            if force and state == self._last_state:
                return  # nothing new since the last line
            self._last_tick, self._last_state = now, state
            self.log(self.summary())
