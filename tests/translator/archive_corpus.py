"""Builders for archive tests: a tree of real-looking Arabic news files.

Sentences come from the fixture model's training pairs (tests/fixtures/parallel.tsv),
so the tiny model translates them sensibly; the tree mixes the encodings and
line ends tarjama accepts, Markdown, hidden folders and files it must skip.
"""
from __future__ import annotations

import json
from pathlib import Path

from project_paths import FIXTURES

FIXTURE_MODEL = str(FIXTURES / "ar_en_tiny.argosmodel")
ARABIC = [line.split("\t")[0] for line in (FIXTURES / "parallel.tsv").read_text(encoding="utf-8").splitlines()]


def article(index: int, sentences: int = 3) -> str:
    """An article of ``sentences`` training sentences, one paragraph each."""
    chosen = [ARABIC[(index * 7 + k * 11) % len(ARABIC)] for k in range(sentences)]
    return "\n\n".join(chosen) + "\n"


def build_corpus(root: Path, files: int = 12) -> list[str]:
    """``files`` articles under ``root`` in nested folders; returns their relative paths.

    Every 5th is CRLF, every 7th cp1256, every 9th UTF-16 with BOM, every 4th Markdown.
    Also writes files that must be skipped: a hidden folder, a hidden file, an image.
    """
    made = []
    for index in range(files):
        folder = root / f"{2019 + index % 3}" / f"{index % 4:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        markdown = index % 4 == 3
        name = f"article-{index:03d}.ar.{'md' if markdown else 'txt'}"
        text = article(index)
        if markdown:
            text = f"# {ARABIC[index % len(ARABIC)]}\n\n{text}\n[المصدر](https://example.com/{index})\n"
        if index % 5 == 4:
            data = text.replace("\n", "\r\n").encode("utf-8")
        elif index % 7 == 6:
            data = text.encode("cp1256")
        elif index % 9 == 8:
            data = text.encode("utf-16")
        else:
            data = text.encode("utf-8")
        (folder / name).write_bytes(data)
        made.append((folder / name).relative_to(root).as_posix())
    (root / ".git").mkdir(exist_ok=True)
    (root / ".git" / "notes.ar.txt").write_text(ARABIC[0], encoding="utf-8")
    (root / ".draft.ar.txt").write_text(ARABIC[1], encoding="utf-8")
    (root / "cover.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return sorted(made)


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (the .tarjama state folder included) by relative path."""
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def manifest_records(out_dir: Path) -> dict[str, dict[str, object]]:
    lines = (out_dir / ".tarjama" / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    return {record["output"]: record for record in map(json.loads, lines)}
