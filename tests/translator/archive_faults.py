"""Fault-injecting engine factories for Ray archive tests (imported by Ray workers,
so this module must be importable from tests/translator on PYTHONPATH)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence


class _CrashOnceEngine:
    """The real engine; on its ``crash_at``-th call, the first time ever (a marker
    file remembers), the whole worker process dies as a kill -9 would leave it."""

    def __init__(self, engine: Any, marker: Path, crash_at: int) -> None:
        self.engine, self.marker, self.crash_at, self.calls = engine, marker, crash_at, 0
        self.name, self.version, self.settings = engine.name, engine.version, engine.settings

    def translate(self, requests: Sequence[Any]) -> list[Any]:
        self.calls += 1
        if self.calls == self.crash_at and not self.marker.exists():
            self.marker.write_text(str(os.getpid()), encoding="utf-8")
            os._exit(1)
        result: list[Any] = self.engine.translate(requests)
        return result


@dataclass(frozen=True)
class CrashOnceFactory:
    """Builds the real engine wrapped so the worker dies mid-batch, once."""

    build_real: Callable[[], Any]
    marker: str
    crash_at: int = 2

    def __call__(self) -> _CrashOnceEngine:
        return _CrashOnceEngine(self.build_real(), Path(self.marker), self.crash_at)
