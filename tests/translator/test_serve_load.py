"""A bounded loopback load test: 32 clients × 20 requests (two rounds of 10) against one server;
every answer equals that request's answer alone, nothing fails, memory is steady."""
from __future__ import annotations

import asyncio
import resource
from typing import Any

import httpx

from serve_harness import NEWS, fixture_engine, running_server, seed_glossary
from translator.serve.config import ServeConfig
from translator.serve.service import FixedGlossary, TranslationService

CLIENTS, REQUESTS_EACH = 32, 10
# Each request: one or two news sentences, chosen by client and round, so the
# shared batches mix different texts, lengths and glossary terms.
def _texts(client: int, round_: int) -> list[str]:
    first = NEWS[(client + round_) % len(NEWS)]
    return [first] if (client + round_) % 3 else [first, NEWS[(client * 7 + round_) % len(NEWS)]]


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_32_clients_times_10_requests_twice_each_get_their_own_answer() -> None:
    engine = fixture_engine()
    glossary = seed_glossary()
    alone = TranslationService(engine, FixedGlossary(glossary))
    wanted = {tuple(t): [r.text for r in alone.translate(t).texts] for t in {tuple(_texts(c, r)) for c in range(CLIENTS) for r in range(REQUESTS_EACH)}}
    alone.close()
    config = ServeConfig(engine=engine, glossary=glossary)
    with running_server(config) as url:

        async def client(number: int, http: httpx.AsyncClient) -> list[tuple[tuple[str, ...], int, Any]]:
            answers = []
            for round_ in range(REQUESTS_EACH):
                texts = _texts(number, round_)
                response = await http.post("/translate", json={"q": texts, "source": "ar", "target": "en"})
                answers.append((tuple(texts), response.status_code, response.json()))
            return answers

        async def load() -> list[list[tuple[tuple[str, ...], int, Any]]]:
            limits = httpx.Limits(max_connections=CLIENTS)
            async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as http:
                return list(await asyncio.gather(*(client(n, http) for n in range(CLIENTS))))

        asyncio.run(load())  # warm-up: allocator pools, thread pool, model buffers
        rss_warm = _peak_rss_mb()
        results = asyncio.run(load())
        rss_after = _peak_rss_mb()
        counters = url and __import__("httpx").get(url + "/health").status_code
    answers = [answer for per_client in results for answer in per_client]
    assert len(answers) == CLIENTS * REQUESTS_EACH
    assert [status for _, status, _ in answers] == [200] * len(answers)
    for texts, _, body in answers:
        assert body["translatedText"] == wanted[texts]
    assert counters == 200
    # A second identical load adds no memory beyond noise (no per-request leak).
    assert rss_after - rss_warm < 64, (rss_warm, rss_after)
