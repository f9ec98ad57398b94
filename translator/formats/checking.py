"""What ``tarjama check`` reads from a file of any format, and where its findings point.

Text and Markdown are checked as they are. A document with units (HTML,
DOCX) is checked as its units, one per paragraph in document order, so pairs
align unit by unit (and fall back to ``unaligned`` when the unit counts
differ); findings are then moved from that text back to the unit's place in
the file: ``LINE:COL`` of the HTML source, or the DOCX paragraph label
(``body:p12``) at the start of the message.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Sequence

from glossary.findings import Finding
from glossary.textio import read_bytes, read_text
from translator.formats import DEFAULT_FORMAT, Unit, first_words, format_name, read_document, unit_position

# Between units in the text check reads: a blank line, i.e. a paragraph of its own.
UNIT_BREAK = "\n\n"
_PLAIN_FORMATS = frozenset({DEFAULT_FORMAT, "markdown"})


@dataclass(frozen=True)
class CheckedText:
    """A file as check reads it: the text, and the units it was made of (None for text files)."""

    text: str
    units: tuple[Unit, ...] | None = None

    def place(self, line: int, column: int) -> tuple[str | None, int | None, int | None]:
        """(label, line, column) in the file for a 1-based position in :attr:`text`."""
        if self.units is None:
            return None, line, column
        index = min(max(0, (line - 1) // 2), len(self.units) - 1)
        unit = self.units[index]
        if unit.location.label is not None:
            return f"{unit.location.label} “{first_words(unit.text)}”", None, None
        real_line, real_column = unit_position(unit, max(0, column - 1))
        return None, real_line, real_column


def read_for_check(path: str) -> CheckedText:
    """The text ``check`` compares, read by the format ``path``'s suffix names."""
    if format_name(path) in _PLAIN_FORMATS:
        return CheckedText(read_text(path).text)
    units = tuple(read_document(read_bytes(path), path).units)
    # Each unit on one line of its own paragraph (units of these formats have no line breaks).
    return CheckedText(UNIT_BREAK.join(" ".join(unit.text.split()) for unit in units), units)


def relocate(findings: Sequence[Finding], texts: dict[str, CheckedText], source_of: dict[str, str]) -> list[Finding]:
    """Findings with positions in document files moved to where a user finds them.

    ``texts`` maps each path read to what was read; ``source_of`` maps a
    target path to its source path (messages cite source positions as
    ``(source L:C)`` / ``(from L:C)``).
    """
    documents = {path: text for path, text in texts.items() if text.units is not None}
    if not documents:
        return list(findings)
    cited = re.compile(
        "(" + "|".join(re.escape(path) for path in sorted(documents, key=len, reverse=True)) + r"):(\d+):(\d+)"
    )
    moved = []
    for finding in findings:
        message = cited.sub(lambda m: _cite(m.group(1), documents[m.group(1)], int(m.group(2)), int(m.group(3))), finding.message)
        source = source_of.get(finding.path or "")
        if source in documents:
            source_text = documents[source]
            message = re.sub(
                r"\((source|from) (\d+):(\d+)\)",
                lambda m: f"({m.group(1)} {_cite(None, source_text, int(m.group(2)), int(m.group(3)))})",
                message,
            )
        text = documents.get(finding.path or "")
        if text is not None and finding.line is not None:
            label, line, column = text.place(finding.line, finding.column or 1)
            if label is not None:
                message = f"{label}: {message}"
            finding = replace(finding, line=line, column=column, message=message)
        else:
            finding = replace(finding, message=message)
        moved.append(finding)
    return moved


def _cite(path: str | None, text: CheckedText, line: int, column: int) -> str:
    label, real_line, real_column = text.place(line, column)
    where = label if label is not None else f"{real_line}:{real_column}"
    return f"{path}:{where}" if path else where
