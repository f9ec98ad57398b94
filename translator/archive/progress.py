"""Archive progress on stderr: ``archive: 12/40 files, 230 segments (18.2/s), 31 %, 41 s left``.

Segments are counted as files finish (a file's segment count is known only
once it is segmented); the time left is estimated from the input bytes still
to do, which the plan knows up front.
"""
from __future__ import annotations

import time
from typing import Callable, TextIO


def format_duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


class ArchiveProgress:
    """Called once per finished file; rewrites one line on a terminal, prints lines elsewhere."""

    def __init__(
        self,
        stream: TextIO,
        total_files: int,
        total_bytes: int,
        min_interval: float = 0.2,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.total_files = total_files
        self.total_bytes = max(total_bytes, 1)
        self.min_interval = min_interval
        self.clock = clock
        self.started = clock()
        self.files = 0
        self.segments = 0
        self.bytes = 0
        self.last_shown = float("-inf")
        self.rewrite = bool(getattr(stream, "isatty", lambda: False)())

    def __call__(self, segments: int, size: int) -> None:
        self.files += 1
        self.segments += segments
        self.bytes += size
        now = self.clock()
        finished = self.files >= self.total_files
        if not finished and now - self.last_shown < self.min_interval:
            return
        self.last_shown = now
        self.stream.write(("\r\x1b[K" if self.rewrite else "") + self.line(now) + ("\n" if finished or not self.rewrite else ""))
        self.stream.flush()

    def line(self, now: float) -> str:
        elapsed = now - self.started
        rate = f" ({self.segments / elapsed:.1f}/s)" if elapsed > 0 and self.segments else ""
        share = self.bytes / self.total_bytes
        left = ""
        if 0 < share < 1 and elapsed > 0:
            left = f", {format_duration(elapsed * (1 - share) / share)} left"
        return (
            f"archive: {self.files}/{self.total_files} files, {self.segments} segments{rate}, "
            f"{min(100, int(100 * share))} %{left}"
        )
