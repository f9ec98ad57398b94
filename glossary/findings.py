"""Findings: problems a command reports as data (lint, check, enforcement), not exceptions.

A command prints them and exits 1 when any has severity ``error`` (or any at
all under ``--warnings-as-errors``).
"""
from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem at one place: rule id, severity, where, what, and the entry concerned."""

    rule: str
    severity: str  # ERROR or WARNING
    message: str
    path: str | None = None
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based, in characters
    entry_target: str | None = None  # the glossary entry's canonical target, when one is concerned
    # In a bilingual file (XLIFF, TMX, PO): the unit's id, and whether the file
    # marks it as not yet reviewed. needs_review is None for findings elsewhere.
    unit: str | None = None
    needs_review: bool | None = None

    def location(self) -> str:
        parts = [self.path or "-"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def as_text(self) -> str:
        """``FILE:LINE:COL: severity rule: message``, the text format of lint and check."""
        return f"{self.location()}: {self.severity} {self.rule}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        fields: dict[str, object] = {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "file": self.path,
            "line": self.line,
            "column": self.column,
            "entry": self.entry_target,
        }
        if self.needs_review is not None:
            fields["unit"] = self.unit
            fields["needs_review"] = self.needs_review
        return fields
