"""Concurrent requests into shared engine calls.

Every HTTP request runs the enforcement pipeline in its own thread; each engine
call it makes (the first decode, then each repair round) lands here. One worker
thread takes whatever calls are waiting, up to a token budget, after a short
bounded wait for more, and makes ONE engine call for all of them; each caller
gets back exactly its own results, in order. Requests of different callers are
never merged into one request, so what a caller gets is what it would get
alone (the engine decodes each request independently of its batch mates;
``tests/translator/serve/test_coalesce.py`` checks that as a property).

CTranslate2 sorts a batch by length and spreads it over its workers, so 32
requests of one sentence each cost about one batch of 32, not 32 decodes.
One shared call is in flight at a time by default: on 2 cores, two calls at
once (one per CTranslate2 worker) measured 20-50 % slower at 8 and 32
concurrent clients than one call whose token batches the workers share.
"""
from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Sequence

from translator.engine import DecodeRequest, DecodeResult, Engine

# Long enough for requests arriving together to meet, short against a decode
# (a sentence takes 20-200 ms on 2 cores): a lone request hardly waits.
DEFAULT_MAX_WAIT_S = 0.004
# Tokens (estimated) per shared call: big enough for CTranslate2 to fill its
# token-sized batches on every worker, small enough that a flood of requests is
# answered in several calls rather than one very late one.
DEFAULT_TOKEN_BUDGET = 8192


def estimated_tokens(request: DecodeRequest) -> int:
    """A cheap upper estimate of a request's SentencePiece tokens (about 2 per word)."""
    words = len(request.source.split()) + len((request.target_prefix or "").split())
    return 2 * words + 2


@dataclass
class _Call:
    """One caller's engine call waiting for its share of a batch."""

    requests: Sequence[DecodeRequest]
    done: threading.Event = field(default_factory=threading.Event)
    results: list[DecodeResult] | None = None
    error: BaseException | None = None


class CoalescingEngine:
    """An :class:`~translator.engine.Engine` that batches the calls of many threads.

    Thread-safe; the wrapped engine is only ever called from the one worker
    thread, so it need not be. Start-up is lazy (first call); :meth:`close`
    stops the worker after the calls already queued.
    """

    def __init__(
        self,
        engine: Engine,
        max_wait_s: float = DEFAULT_MAX_WAIT_S,
        token_budget: int = DEFAULT_TOKEN_BUDGET,
        workers: int = 1,
    ) -> None:
        self.engine = engine
        self.name: str = engine.name
        self.version: str = engine.version
        # Decoding settings are part of cache keys (translator.pipeline.decoding_key).
        self.settings: Any = getattr(engine, "settings", None)
        self.max_wait_s = max_wait_s
        self.token_budget = token_budget
        # Engine calls in flight at once: the engine must be thread-safe when > 1
        # (a CTranslate2 Translator is; its inter_threads workers run them in parallel).
        self.workers = max(1, workers)
        # How many shared engine calls were made, and for how many callers' calls.
        self.batches = 0
        self.calls = 0
        self._queue: deque[_Call] = deque()
        self._condition = threading.Condition()
        self._threads: list[threading.Thread] = []
        self._closed = False

    def translate(self, requests: Sequence[DecodeRequest]) -> list[DecodeResult]:
        """Translate ``requests`` in a batch shared with other threads' calls."""
        if not requests:
            return []
        call = _Call(list(requests))
        with self._condition:
            if self._closed:
                raise RuntimeError("the translation engine is shut down")
            if not self._threads:
                for number in range(self.workers):
                    thread = threading.Thread(target=self._run, name=f"tarjama-coalescer-{number}", daemon=True)
                    thread.start()
                    self._threads.append(thread)
            self._queue.append(call)
            self._condition.notify()
        call.done.wait()
        if call.error is not None:
            raise call.error
        assert call.results is not None
        return call.results

    def close(self) -> None:
        """Finish the queued calls, then stop the worker."""
        with self._condition:
            self._closed = True
            self._condition.notify_all()
            threads = list(self._threads)
        for thread in threads:
            thread.join()

    def _run(self) -> None:
        while True:
            calls = self._take()
            if not calls:
                return
            self._serve(calls)

    def _take(self) -> list[_Call]:
        """The next calls to serve together ([] once closed and drained)."""
        with self._condition:
            while not self._queue:
                if self._closed:
                    return []
                self._condition.wait()
            deadline = time.monotonic() + self.max_wait_s
            while not self._closed and self._queued_tokens() < self.token_budget:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._condition.wait(left)
            taken: list[_Call] = []
            tokens = 0
            while self._queue:
                cost = sum(estimated_tokens(r) for r in self._queue[0].requests)
                if taken and tokens + cost > self.token_budget:
                    break
                taken.append(self._queue.popleft())
                tokens += cost
            return taken

    def _queued_tokens(self) -> int:
        return sum(estimated_tokens(r) for call in self._queue for r in call.requests)

    def _serve(self, calls: list[_Call]) -> None:
        with self._condition:
            self.batches += 1
            self.calls += len(calls)
        merged = [request for call in calls for request in call.requests]
        # Equal requests (the same sentence from several clients, a common
        # sentence in every repair round) are decoded once: a decode depends
        # only on its request.
        unique = list(dict.fromkeys(merged))
        try:
            decoded = self.engine.translate(unique)
            if len(decoded) != len(unique):
                raise RuntimeError(f"the engine returned {len(decoded)} translations for {len(unique)} requests")
            by_request = dict(zip(unique, decoded))
            results = [by_request[request] for request in merged]
        except Exception as exc:  # noqa: BLE001 - handed to the caller, who reports it
            if len(calls) == 1:
                calls[0].error = exc
                calls[0].done.set()
                return
            # One caller's request must not fail the others: alone, each gets
            # its own results or its own error.
            for call in calls:
                self._serve([call])
            return
        start = 0
        for call in calls:
            call.results = list(results[start : start + len(call.requests)])
            start += len(call.requests)
            call.done.set()
