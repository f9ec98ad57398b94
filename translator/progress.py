"""Progress on stderr: ``translating: 40/52 segments (12.5/s)``.

A progress callback for :func:`translator.pipeline.translate_documents`; the
CLI decides whether to show it (a terminal, or ``--progress``).
"""
from __future__ import annotations

import time
from typing import Callable, TextIO


class ProgressPrinter:
    """Rewrites one status line on a terminal; prints whole lines elsewhere."""

    def __init__(
        self,
        stream: TextIO,
        label: str = "translating",
        min_interval: float = 0.2,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.label = label
        self.min_interval = min_interval
        self.clock = clock
        self.started = clock()
        self.last_shown = float("-inf")
        self.last_line = ""
        self.rewrite = bool(getattr(stream, "isatty", lambda: False)())

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if done < total and now - self.last_shown < self.min_interval:
            return
        self.last_shown = now
        elapsed = now - self.started
        rate = f" ({done / elapsed:.1f}/s)" if elapsed > 0 and done else ""
        line = f"{self.label}: {done}/{total} segments{rate}"
        if line == self.last_line:
            return
        self.last_line = line
        if self.rewrite:
            self.stream.write(f"\r\x1b[K{line}")
            if done >= total:
                self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
