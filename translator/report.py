"""The enforcement report (``tarjama translate --report FILE.json``) as plain data.

The document is described in README.md (“Glossary enforcement”); ``REPORT_SCHEMA`` changes
whenever a field changes meaning or disappears.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from glossary.model import Glossary
from translator import __version__
from translator.enforce import METHODS, SegmentTranslation, summarize

REPORT_SCHEMA = 1


@dataclass(frozen=True)
class ReportedFile:
    """One translated file: its shown path, its full source text, and its segments.

    ``segment_offsets[i]`` is where segment i's source starts in ``text``, so
    occurrences get file line and column numbers.
    """

    path: str
    text: str
    segment_offsets: Sequence[int]
    translations: Sequence[SegmentTranslation]
    # For documents read by a format with units (HTML, DOCX): offset in ``text``
    # → (unit label, line, column) in the source file (SourceDocument.position).
    locate: Callable[[int], tuple[str | None, int | None, int | None]] | None = None
    # Inline tags of a document (HTML, DOCX) as placed on the English, and how many
    # of them had to be moved (widened, attached to the nearest word, sent to the end).
    tags: int = 0
    moved_tags: int = 0


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def build_report(
    files: Sequence[ReportedFile],
    glossary: Glossary | None,
    model_package: str,
    model_version: str,
    glossary_path: str | None = None,
) -> dict[str, Any]:
    """The report document: every occurrence, per-entry totals, a summary, provenance."""
    occurrences: list[dict[str, Any]] = []
    per_entry: dict[int, dict[str, Any]] = {}
    all_translations: list[SegmentTranslation] = []
    for reported in files:
        if len(reported.segment_offsets) != len(reported.translations):
            raise ValueError("segment_offsets and translations must be parallel")
        for index, (offset, translation) in enumerate(zip(reported.segment_offsets, reported.translations)):
            all_translations.append(translation)
            for outcome in translation.outcomes:
                occurrence = outcome.occurrence
                unit: str | None = None
                if reported.locate is not None:
                    unit, line_or_none, column_or_none = reported.locate(offset + occurrence.start)
                else:
                    line_or_none, column_or_none = line_and_column(reported.text, offset + occurrence.start)
                occurrences.append(
                    {
                        "file": reported.path,
                        **({"unit": unit} if unit is not None else {}),
                        "segment": index,
                        "surface": occurrence.surface,
                        "source": occurrence.form,
                        "line": line_or_none,
                        "column": column_or_none,
                        "target": occurrence.entry.target,
                        "method": outcome.method,
                    }
                )
                totals = per_entry.setdefault(
                    occurrence.entry_index,
                    {"target": occurrence.entry.target, "found": 0, **dict.fromkeys(METHODS, 0)},
                )
                totals["found"] += 1
                totals[outcome.method] += 1
    summary = summarize(all_translations)
    tag_counts = {}
    if any(reported.tags for reported in files):
        # Only documents with inline markup have this key (text reports are unchanged).
        tag_counts = {"tags": {"placed": sum(r.tags for r in files), "moved": sum(r.moved_tags for r in files)}}
    return {
        "schema": REPORT_SCHEMA,
        "provenance": {
            "tool": "tarjama",
            "version": __version__,
            "glossary": None
            if glossary is None
            else {"path": glossary_path or glossary.path, "digest": glossary.digest},
            "model": {"package": model_package, "version": model_version},
        },
        "summary": {
            "segments": len(all_translations),
            "decodes": sum(t.decodes for t in all_translations),
            "found": summary.found,
            "native": summary.native,
            "prefix": summary.prefix,
            "post-edit": summary.post_edit,
            "unenforced": summary.unenforced,
            **tag_counts,
        },
        "entries": [per_entry[key] for key in sorted(per_entry)],
        "occurrences": occurrences,
    }
