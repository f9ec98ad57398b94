"""Plain text: the whole file is one unit, segmented by lines.

Encodings are what :func:`glossary.textio.decode_text` accepts (UTF-8 with or
without BOM, UTF-16 with BOM, cp1256); the English is UTF-8 with the input's
line-end style.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from glossary.textio import DecodedText, decode_text
from translator.formats import TranslatedUnit, Unit

NAME = "text"


@dataclass(frozen=True)
class TextDocument:
    """A decoded text file as one unit."""

    decoded: DecodedText
    markdown: bool = False

    @property
    def units(self) -> Sequence[Unit]:
        return (Unit(self.decoded.text, markdown=self.markdown, kind="file"),)

    def write(self, translated: Sequence[TranslatedUnit]) -> bytes:
        if len(translated) != 1:
            raise ValueError(f"{len(translated)} translated units for one text unit")
        text = translated[0].text
        if self.decoded.newline != "\n":
            text = text.replace("\n", self.decoded.newline)
        return text.encode("utf-8")


def read(data: bytes, path: str) -> TextDocument:
    """``data`` decoded as text (raises :class:`glossary.errors.InputDecodeError`)."""
    return TextDocument(decode_text(data, path))
