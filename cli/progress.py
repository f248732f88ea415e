"""Progress of a run on the terminal, from its first second to its summary.

Phases are told as they start (listing the input, resolving duplicates, validating, writing, the
report), and while pages are parsed: pages done of the pages to read, the rate in pages per second
of parsing (pages already processed are neither read nor counted in it) and the time left. On a
terminal one line is redrawn every second, so the clock moves between batches; elsewhere (a log)
a plain line every `every` seconds and at each phase.
"""
from __future__ import annotations

import sys
import threading
import time

TICK = 1.0  # seconds between redraws on a terminal


class Progress:
    def __init__(self, stream=None, every: float = 5.0):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.every = every
        self.began = time.monotonic()
        self.total = self.done = self.already = 0
        self.reading: float | None = None  # when parsing started: the rate is of parsing time
        self.what = "starting"
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.ticker = threading.Thread(target=self.tick, daemon=True, name="progress")
        self.ticker.start()

    def phase(self, what: str) -> None:
        """A phase starts (`listing /in`, `validating`): told at once."""
        with self.lock:
            self.what, self.reading = what, None
            self.show(time.monotonic())

    def parsing(self, total: int, already: int = 0) -> None:
        """Parsing starts: `total` pages to read; `already` listed pages are already processed (not read)."""
        with self.lock:
            self.total, self.done, self.already = total, 0, already
            self.what, self.reading = "parsing", time.monotonic()
            self.show(self.reading)

    def advance(self, pages: int) -> None:
        with self.lock:
            self.done += pages
            self.show(time.monotonic())

    def close(self) -> None:
        self.stopped.set()
        if self.ticker.is_alive() and self.ticker is not threading.current_thread():
            self.ticker.join()
        if self.tty:
            with self.lock:
                self.stream.write("\r\033[K")
                self.stream.flush()

    def tick(self) -> None:
        last = time.monotonic()
        while not self.stopped.wait(TICK):
            now = time.monotonic()
            if self.tty or now - last >= self.every:
                last = now
                with self.lock:
                    self.show(now)

    def rate(self, now: float) -> float:
        return self.done / (now - self.reading) if self.reading is not None and now > self.reading else 0.0

    def line(self, now: float) -> str:
        elapsed = f"[{now - self.began:,.0f}s]"
        if self.reading is None:
            return f"{self.what} … {elapsed}"
        pct = 100 * self.done / self.total if self.total else 100.0
        rate = self.rate(now)
        left = f"{(self.total - self.done) / rate:,.0f}s left" if rate > 0 else "time left: after the first batch"
        skipped = f"; {self.already:,} already processed" if self.already else ""
        return (f"pages {self.done:,}/{self.total:,} ({pct:5.1f}%)  {rate:,.1f} pages/s  {left}{skipped}  {elapsed}"
                if self.done < self.total else f"pages {self.done:,}/{self.total:,} parsed{skipped}  {elapsed}")

    def show(self, now: float) -> None:
        if self.stopped.is_set():
            return
        line = self.line(now)
        self.stream.write("\r" + line + "\033[K" if self.tty else line + "\n")
        self.stream.flush()
