"""The engine interface: what enforcement and the pipeline ask of a translator.

Production uses the Argos/CTranslate2 engine (``translator.ct2_engine``); tests
pass deterministic or fault-injecting engines with the same one method.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence

Span = tuple[int, int]


@dataclass(frozen=True)
class DecodeRequest:
    """One source segment to translate, optionally steered."""

    source: str
    # English text the output must begin with; the model continues after it.
    target_prefix: str | None = None
    # English phrases the output must not contain (the `avoid` renderings).
    banned: tuple[str, ...] = ()
    return_attention: bool = False


@dataclass(frozen=True)
class DecodeResult:
    """The engine's translation of one request, with token-level detail."""

    text: str
    # Target tokens as the model produced them, and each one's [start, end) in ``text``.
    target_tokens: tuple[str, ...] = ()
    target_spans: tuple[Span, ...] = ()
    # Each source token's [start, end) in the request's ``source``.
    source_spans: tuple[Span, ...] = ()
    # attention[t][s]: how much target token t looked at source token s; None unless asked.
    attention: tuple[tuple[float, ...], ...] | None = None


class Engine(Protocol):
    """Anything that translates a batch of requests, in order, one result each."""

    # Identify what produced a translation (reports, cache keys): package id and version.
    name: str
    version: str

    def translate(self, requests: Sequence[DecodeRequest]) -> list[DecodeResult]:
        """Translate every request; the result list is parallel to ``requests``."""
        ...
