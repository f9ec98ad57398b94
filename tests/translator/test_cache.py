"""The translation memory, and the pipeline's use of it (with a counting fake engine)."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import pytest

from translator.cache import CACHE_FILE_NAME, CachedTranslation, TranslationCache, cache_key, default_cache_dir
from translator.engine import DecodeRequest, DecodeResult
from translator.pipeline import SourceDocument, translate_documents

ARTICLE = "التحالف الدولي يسلم قاعدة القيارة.\n\nالقوات الأميركية تنسحب. وتسلم المواقع للجيش العراقي."
ENV_CASES = [
    # (environment, expected folder relative to HOME or absolute)
    ({"TARJAMA_CACHE": "/srv/tm", "XDG_CACHE_HOME": "/xdg"}, Path("/srv/tm")),
    ({"XDG_CACHE_HOME": "/xdg"}, Path("/xdg/tarjama")),
    ({}, Path.home() / ".cache" / "tarjama"),
]


@dataclass
class CountingEngine:
    """Upper-cases its input; records every request it was asked to decode."""

    name: str = "fake"
    version: str = "1"
    decoded: list[str] = field(default_factory=list)

    def translate(self, requests: Sequence[DecodeRequest]) -> list[DecodeResult]:
        self.decoded.extend(request.source for request in requests)
        return [DecodeResult(text=f"en[{request.source}]") for request in requests]


@pytest.mark.parametrize(("environ", "expected"), ENV_CASES)
def test_default_cache_dir(environ: dict[str, str], expected: Path) -> None:
    assert default_cache_dir(environ) == expected


def test_default_cache_dir_is_resolved_at_call_time(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TARJAMA_CACHE", str(tmp_path / "later"))
    assert default_cache_dir() == tmp_path / "later"


def test_key_covers_every_input() -> None:
    base = ("pkg", "1.0", "beam=4", "abc", "نص")
    keys = {cache_key(*base)}
    for index in range(len(base)):
        changed = list(base)
        changed[index] = changed[index] + "x"
        keys.add(cache_key(*changed))
    assert len(keys) == len(base) + 1
    assert cache_key("ab", "c", "", None, "") != cache_key("a", "bc", "", None, "")


def test_second_run_decodes_nothing(tmp_path: Path) -> None:
    documents = [SourceDocument("a.txt", ARTICLE)]
    first_engine, second_engine = CountingEngine(), CountingEngine()
    first = translate_documents(documents, first_engine, cache=TranslationCache(tmp_path))
    cache = TranslationCache(tmp_path)
    second = translate_documents(documents, second_engine, cache=cache)
    assert len(first_engine.decoded) == 3
    assert second_engine.decoded == []
    assert (cache.hits, cache.misses) == (3, 0)
    assert second[0].text == first[0].text
    assert all(segment.cached for segment in second[0].segments)


def test_glossary_digest_and_model_version_change_the_key(tmp_path: Path) -> None:
    documents = [SourceDocument("a.txt", ARTICLE)]
    translate_documents(documents, CountingEngine(version="1"), cache=TranslationCache(tmp_path))
    upgraded = CountingEngine(version="2")
    translate_documents(documents, upgraded, cache=TranslationCache(tmp_path))
    assert len(upgraded.decoded) == 3


def test_no_cache_decodes_every_time() -> None:
    engine = CountingEngine()
    translate_documents([SourceDocument("a.txt", ARTICLE)], engine, cache=None)
    translate_documents([SourceDocument("a.txt", ARTICLE)], engine, cache=None)
    assert len(engine.decoded) == 6


def test_all_uncached_segments_of_all_files_go_in_one_call(tmp_path: Path) -> None:
    calls: list[int] = []

    class BatchCounting(CountingEngine):
        def translate(self, requests: Sequence[DecodeRequest]) -> list[DecodeResult]:
            calls.append(len(requests))
            return super().translate(requests)

    documents = [SourceDocument("a.txt", ARTICLE), SourceDocument("b.txt", "جملة أخرى. " + ARTICLE)]
    translate_documents(documents, BatchCounting(), cache=TranslationCache(tmp_path))
    assert calls == [4]  # duplicates across files are decoded once


def test_corrupt_cache_is_rebuilt_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / CACHE_FILE_NAME).write_bytes(b"this is not sqlite" * 100)
    cache = TranslationCache(tmp_path)
    engine = CountingEngine()
    translated = translate_documents([SourceDocument("a.txt", ARTICLE)], engine, cache=cache)
    assert translated[0].text.startswith("En[")
    assert len(cache.warnings) == 1
    assert "the translation cache was corrupt" in cache.warnings[0] and "rebuilt it empty" in cache.warnings[0]
    assert TranslationCache(tmp_path).get_many([cache_key("fake", "1", "", "", "x")]) == {}
    assert cache.stores == 3


def test_unusable_cache_folder_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cache = TranslationCache(blocker / "cache")
    translate_documents([SourceDocument("a.txt", ARTICLE)], CountingEngine(), cache=cache)
    assert len(cache.warnings) == 1 and "translating without it" in cache.warnings[0]


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from translator.cache import CachedTranslation, TranslationCache
    cache = TranslationCache(Path(sys.argv[1]))
    name = sys.argv[2]
    for batch in range(40):
        cache.put_many({f"{name}-{batch}-{i}": CachedTranslation(f"t{i}", "{}") for i in range(25)})
    cache.close()
    print(len(cache.warnings))
    """
)


def test_two_processes_writing_at_once(tmp_path: Path) -> None:
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), name], stdout=subprocess.PIPE, text=True)
        for name in ("first", "second")
    ]
    outputs = [writer.communicate(timeout=120)[0].strip() for writer in writers]
    assert [writer.returncode for writer in writers] == [0, 0]
    assert outputs == ["0", "0"]
    keys = [f"{name}-{batch}-{i}" for name in ("first", "second") for batch in range(40) for i in range(25)]
    found = TranslationCache(tmp_path).get_many(keys)
    assert len(found) == 2000
    assert found["second-39-24"] == CachedTranslation("t24", "{}")
