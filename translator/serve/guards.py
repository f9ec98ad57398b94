"""API keys and rate limits: who may call, and how often."""
from __future__ import annotations

import hmac
import threading
import time
from collections import deque
from pathlib import Path

from glossary.errors import InputFileError
from glossary.textio import read_text


def read_api_keys(path: str) -> tuple[str, ...]:
    """One key per line; blank lines and ``#`` comments are skipped."""
    decoded = read_text(path)
    keys = []
    for line in decoded.text.splitlines():
        key = line.strip()
        if key and not key.startswith("#"):
            keys.append(key)
    if not keys:
        raise InputFileError("the API key file holds no key", path=str(Path(path)))
    return tuple(keys)


class ApiKeys:
    """The accepted keys; empty means keys are off and any key sent is ignored."""

    def __init__(self, keys: tuple[str, ...]) -> None:
        self._keys = tuple(key.encode("utf-8") for key in keys)

    @property
    def required(self) -> bool:
        return bool(self._keys)

    def accepts(self, given: str) -> bool:
        """Constant time in the key's content: every key is compared, none short-circuits."""
        candidate = given.encode("utf-8", "surrogatepass")
        matched = False
        for key in self._keys:
            matched |= hmac.compare_digest(candidate, key)
        return matched


class RateLimiter:
    """At most ``per_minute`` requests in any 60 s window, per key (sliding window)."""

    WINDOW_S = 60.0
    # Clients seen at most this many distinct keys: an attacker varying its
    # address cannot make the table grow without bound (oldest are dropped).
    MAX_CLIENTS = 100_000

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str, now: float | None = None) -> bool:
        if self.per_minute <= 0:
            return True
        now = time.monotonic() if now is None else now
        with self._lock:
            times = self._seen.get(client)
            if times is None:
                if len(self._seen) >= self.MAX_CLIENTS:
                    self._seen.pop(next(iter(self._seen)))
                times = self._seen[client] = deque()
            while times and now - times[0] >= self.WINDOW_S:
                times.popleft()
            if len(times) >= self.per_minute:
                return False
            times.append(now)
            return True

    def description(self) -> str:
        """As LibreTranslate's limiter words it: ``30 per 1 minute``."""
        return f"{self.per_minute} per 1 minute"
