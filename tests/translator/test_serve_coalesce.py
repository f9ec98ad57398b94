"""The coalescer: concurrent engine calls share batches, and never mix results."""
from __future__ import annotations

import threading
from typing import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_engines import FILLER, FakeEngine
from serve_harness import NEWS, seed_glossary
from translator.engine import DecodeRequest, DecodeResult
from translator.serve.coalesce import CoalescingEngine
from translator.serve.service import FixedGlossary, TranslationService

GLOSSARY = seed_glossary()
TERMS = [entry.sources[0] for entry in GLOSSARY.entries[:12]]
WORDS = list(FILLER) + TERMS + ["و" + TERMS[0], "ب" + TERMS[3]]


def _concurrently(service: TranslationService, texts: list[list[str]]) -> list[list[str]]:
    results: list[list[str]] = [[] for _ in texts]
    start = threading.Barrier(len(texts))

    def work(i: int) -> None:
        start.wait()
        results[i] = [t.text for t in service.translate(texts[i]).texts]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(texts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


sentences = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)
requests = st.lists(st.lists(sentences, min_size=1, max_size=3), min_size=2, max_size=8)


@settings(max_examples=25, deadline=None)
@given(requests, st.sampled_from(["canonical", "drop", "avoid", "recase"]))
def test_each_response_equals_the_request_alone(texts: list[list[str]], term_style: str) -> None:
    alone_engine = FakeEngine(GLOSSARY, term_style=term_style)
    alone = TranslationService(alone_engine, FixedGlossary(GLOSSARY))
    expected = [[t.text for t in alone.translate(request).texts] for request in texts]
    alone.close()
    shared = TranslationService(
        FakeEngine(GLOSSARY, term_style=term_style), FixedGlossary(GLOSSARY), coalescer=None
    )
    shared.engine.max_wait_s = 0.02  # let the threads meet
    try:
        assert _concurrently(shared, texts) == expected
    finally:
        shared.close()


def test_concurrent_requests_share_engine_calls() -> None:
    engine = FakeEngine(GLOSSARY)
    coalescer = CoalescingEngine(engine, max_wait_s=0.05)
    service = TranslationService(engine, FixedGlossary(GLOSSARY), coalescer=coalescer)
    try:
        _concurrently(service, [[sentence] for sentence in NEWS])
    finally:
        service.close()
    assert coalescer.calls >= len(NEWS)
    assert coalescer.batches < coalescer.calls
    assert max(engine.batch_sizes) > 1


class _FailsOn:
    """Fails any batch holding ``poison``; translates everything else like FakeEngine."""

    def __init__(self, poison: str) -> None:
        self.inner = FakeEngine(GLOSSARY)
        self.name, self.version = "fails", "1"
        self.poison = poison

    def translate(self, requests: Sequence[DecodeRequest]) -> list[DecodeResult]:
        if any(r.source == self.poison for r in requests):
            raise RuntimeError("engine failure")
        return self.inner.translate(requests)


def test_one_failing_request_does_not_fail_its_batch_mates() -> None:
    coalescer = CoalescingEngine(_FailsOn("قال"), max_wait_s=0.05)
    outcomes: dict[str, object] = {}
    start = threading.Barrier(3)

    def call(source: str) -> None:
        start.wait()
        try:
            outcomes[source] = coalescer.translate([DecodeRequest(source)])[0].text
        except RuntimeError as exc:
            outcomes[source] = exc

    threads = [threading.Thread(target=call, args=(s,)) for s in ("قال", "اليوم", "هاجم")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    coalescer.close()
    assert isinstance(outcomes["قال"], RuntimeError)
    assert outcomes["اليوم"] == "Today."
    assert outcomes["هاجم"] == "Attacked."


def test_a_closed_coalescer_refuses_new_calls() -> None:
    coalescer = CoalescingEngine(FakeEngine(GLOSSARY))
    coalescer.close()
    with pytest.raises(RuntimeError, match="shut down"):
        coalescer.translate([DecodeRequest("قال")])
