"""A one-line progress display on stderr, shown only on a terminal (silent in pipes and CI)."""

from __future__ import annotations

import sys
import time


class ProgressLine:
    def __init__(self, label: str, stream=None, enabled: bool | None = None, min_interval: float = 0.2):
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.started = time.perf_counter()
        self._last = 0.0
        self._min_interval = min_interval
        self._shown = False

    def update(self, done: int, total: int | None = None, extra: str = "", force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if not force and now - self._last < self._min_interval:
            return
        self._last = now
        if total:
            frac = min(1.0, done / total)
            bar = "#" * int(frac * 24)
            text = f"{self.label} [{bar:<24}] {frac:4.0%} {extra}"
        else:
            text = f"{self.label} {done:,} {extra}"
        self.stream.write("\r" + text[:110].ljust(110))
        self.stream.flush()
        self._shown = True

    def done(self) -> None:
        if self.enabled and self._shown:
            self.stream.write("\r" + " " * 110 + "\r")
            self.stream.flush()
