"""Markdown: the whole file is one unit whose prose ranges are segmented.

What is prose is decided by :func:`translator.formats.markdown_prose.prose_ranges`:
code, links, URLs, HTML and front matter pass through byte for byte.
"""
from __future__ import annotations

from glossary.textio import decode_text
from translator.formats.text import TextDocument

NAME = "markdown"


def read(data: bytes, path: str) -> TextDocument:
    """``data`` decoded as Markdown text (raises :class:`glossary.errors.InputDecodeError`)."""
    return TextDocument(decode_text(data, path), markdown=True)
