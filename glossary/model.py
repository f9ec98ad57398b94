"""The glossary as plain, immutable data."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

CASE_INSENSITIVE = "insensitive"
CASE_EXACT = "exact"


@dataclass(frozen=True)
class Entry:
    """One glossary term: its Arabic source forms and the one canonical English rendering."""

    sources: tuple[str, ...]
    target: str
    accept: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    type: str | None = None
    note: str | None = None
    inflect: bool = False
    case: str = CASE_INSENSITIVE
    # Where the entry starts in its file (1-based), for messages; 0 when built in code.
    line: int = field(default=0, compare=False)
    column: int = field(default=0, compare=False)

    def as_dict(self) -> dict[str, object]:
        """The entry as the YAML loader reads it, without defaults and positions."""
        data: dict[str, object] = {
            "source": self.sources[0] if len(self.sources) == 1 else list(self.sources),
            "target": self.target,
        }
        for key in ("accept", "avoid", "exclude"):
            values = getattr(self, key)
            if values:
                data[key] = list(values)
        if self.type:
            data["type"] = self.type
        if self.note:
            data["note"] = self.note
        if self.inflect:
            data["inflect"] = True
        if self.case != CASE_INSENSITIVE:
            data["case"] = self.case
        return data


@dataclass(frozen=True)
class Glossary:
    """A whole glossary file: languages and entries in file order."""

    entries: tuple[Entry, ...]
    source_lang: str = "ar"
    target_lang: str = "en"
    version: int = 1
    path: str | None = field(default=None, compare=False)

    @property
    def digest(self) -> str:
        """sha256 of the glossary's content (not its formatting or comments).

        Reports and the translation memory carry it, so an edit that changes
        meaning invalidates cached renderings and a reformat does not.
        """
        payload = json.dumps(
            {
                "version": self.version,
                "source_lang": self.source_lang,
                "target_lang": self.target_lang,
                "terms": [entry.as_dict() for entry in self.entries],
            },
            ensure_ascii=False,
            sort_keys=True,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()
