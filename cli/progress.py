"""Progress of a long run on the terminal: pages done of total, rate, time left."""
from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, total: int, stream=None, every: float = 5.0):
        self.total, self.done = total, 0
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.started = self.last = time.monotonic()
        self.every = every
        self.first: tuple[float, int] | None = None  # rate is measured from the first finished batch

    def rate(self, now: float) -> float:
        if self.first and now > self.first[0] and self.done > self.first[1]:
            return (self.done - self.first[1]) / (now - self.first[0])
        return self.done / max(now - self.started, 1e-9)

    def advance(self, pages: int) -> None:
        self.done += pages
        now = time.monotonic()
        if self.first is None:
            self.first = (now, self.done)
        if self.tty or now - self.last >= self.every or self.done >= self.total:
            self.last = now
            self.show(now)

    def show(self, now: float) -> None:
        rate = self.rate(now)
        left = (self.total - self.done) / rate if rate > 0 else float("inf")
        pct = 100 * self.done / self.total if self.total else 100.0
        eta = f"{left:,.0f}s left" if left != float("inf") else "--"
        line = f"pages {self.done:,}/{self.total:,} ({pct:5.1f}%)  {rate:,.0f} pages/s  {eta}"
        if self.tty:
            self.stream.write("\r" + line + "\033[K")
            if self.done >= self.total:
                self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
