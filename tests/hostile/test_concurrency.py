"""Several tarjama processes on one glossary or one cache at once."""
from __future__ import annotations

import subprocess
import threading
from pathlib import Path

from glossary.yamlio import load_glossary
from hostile_inputs import ARTICLE_TEXT, FIXTURE_MODEL, SUBPROCESS_TIMEOUT_S, TARJAMA, folder_state, write_file

WRITERS = 20
# Twenty distinct Arabic place names (none equal after normalization).
PLACES = [
    "الموصل", "كركوك", "أربيل", "البصرة", "النجف", "كربلاء", "الرمادي", "الفلوجة", "تكريت", "سامراء",
    "بعقوبة", "الحلة", "الديوانية", "العمارة", "الناصرية", "الكوت", "دهوك", "السليمانية", "حديثة", "تلعفر",
]


def _start_adds(glossary: Path, env: dict[str, str], cwd: Path) -> list[subprocess.Popen[bytes]]:
    return [
        subprocess.Popen(
            [str(TARJAMA), "glossary", "add", place, f"Place {number}", "-g", str(glossary)],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
        )
        for number, place in enumerate(PLACES)
    ]


def _wait_all(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        stdout, stderr = process.communicate(timeout=SUBPROCESS_TIMEOUT_S)
        assert process.returncode == 0, stderr.decode()
        assert stdout.decode().startswith("added: ")


def test_twenty_concurrent_adds_keep_every_entry(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    glossary = write_file(tmp_path / "glossary.yaml", "version: 1\nterms:\n  - source: القيارة\n    target: Qayyarah\n")
    _wait_all(_start_adds(glossary, subprocess_env, tmp_path))
    loaded = load_glossary(glossary)
    assert sorted(entry.target for entry in loaded.entries) == sorted(["Qayyarah", *(f"Place {n}" for n in range(WRITERS))])
    assert sorted(folder_state(tmp_path)) == ["glossary.yaml"]  # no temp or lock file left


def test_readers_never_see_a_torn_glossary(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    # `terms` loads the glossary exactly like this; translate -g does too.
    glossary = write_file(tmp_path / "glossary.yaml", "version: 1\nterms:\n  - source: القيارة\n    target: Qayyarah\n")
    seen: list[int] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def read_in_a_loop() -> None:
        while not done.is_set():
            try:
                seen.append(len(load_glossary(glossary).entries))
            except BaseException as exc:  # noqa: BLE001 - any failure is the finding
                errors.append(exc)

    reader = threading.Thread(target=read_in_a_loop)
    reader.start()
    try:
        _wait_all(_start_adds(glossary, subprocess_env, tmp_path))
    finally:
        done.set()
        reader.join()
    assert errors == []
    assert seen and all(1 <= count <= WRITERS + 1 for count in seen)
    assert seen == sorted(seen)  # each read sees a complete file, never an older one after a newer


def test_terms_subprocess_during_adds(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    glossary = write_file(tmp_path / "glossary.yaml", "version: 1\nterms:\n  - source: القيارة\n    target: Qayyarah\n")
    text = write_file(tmp_path / "a.ar.txt", "قاعدة القيارة قرب الموصل\n")
    adds = _start_adds(glossary, subprocess_env, tmp_path)
    readers = [
        subprocess.run(
            [str(TARJAMA), "terms", str(text), "-g", str(glossary)],
            cwd=tmp_path, env=subprocess_env, capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT_S,
        )
        for _ in range(3)
    ]
    _wait_all(adds)
    for reader in readers:
        assert reader.returncode == 0, reader.stderr
        assert reader.stderr == ""


def test_translate_during_adds_reads_a_whole_glossary(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    glossary = write_file(tmp_path / "glossary.yaml", "version: 1\nterms:\n  - source: القيارة\n    target: Qayyarah\n")
    text = write_file(tmp_path / "a.ar.txt", "قاعدة القيارة قرب الموصل\n")
    adds = _start_adds(glossary, subprocess_env, tmp_path)
    translation = subprocess.run(
        [str(TARJAMA), "translate", str(text), "-o", "-", "--model", str(FIXTURE_MODEL), "-g", str(glossary)],
        cwd=tmp_path, env=subprocess_env, capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT_S,
    )
    _wait_all(adds)
    assert translation.returncode == 0, translation.stderr
    assert "error" not in translation.stderr


def test_two_translations_share_one_cache(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    paragraphs = [p for p in ARTICLE_TEXT.split("\n\n") if p.strip()]
    first = write_file(tmp_path / "one" / "a.ar.txt", "\n\n".join(paragraphs[::2]) + "\n")
    second = write_file(tmp_path / "two" / "b.ar.txt", "\n\n".join(paragraphs) + "\n")
    runs = [
        subprocess.Popen(
            [str(TARJAMA), "translate", str(path), "--model", str(FIXTURE_MODEL), "--no-glossary"],
            cwd=tmp_path, env=subprocess_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for path in (first, second)
    ]
    for run in runs:
        _, stderr = run.communicate(timeout=SUBPROCESS_TIMEOUT_S)
        assert run.returncode == 0, stderr
        assert stderr == ""  # no "cache unusable" warning
    assert (tmp_path / "one" / "a.en.txt").read_text(encoding="utf-8").strip()
    # A third run, all from the cache, gives the same text as the first uncached one.
    again = subprocess.run(
        [str(TARJAMA), "translate", str(second), "-o", "-", "--model", str(FIXTURE_MODEL), "--no-glossary"],
        cwd=tmp_path, env=subprocess_env, capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT_S,
    )
    assert again.returncode == 0 and again.stderr == ""
    assert again.stdout == (tmp_path / "two" / "b.en.txt").read_text(encoding="utf-8")
