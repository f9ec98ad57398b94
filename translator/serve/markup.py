"""``format=html``: translate the text between tags, keep every tag as it was.

A minimal stand-in, local to the server, until the documents issue's HTML
format (``translator.formats``) lands: each run of text between two tags is
translated on its own (entities decoded for the model, the English escaped
again); tags, comments, doctype and the contents of ``script``, ``style``,
``code`` and ``pre`` are copied unchanged. An inline tag inside a sentence
therefore splits that sentence into separately translated pieces; Mastodon's
and Weblate's HTML (``<p>`` paragraphs, ``<br>``, links) is block-level.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

# A comment, a CDATA section, a doctype/processing instruction, or a tag
# (attribute values may hold ">" inside quotes).
MARKUP_RE = re.compile(
    r"<!--.*?(?:-->|$)|<!\[CDATA\[.*?(?:\]\]>|$)|<[!?][^>]*>?|</?[A-Za-z][^\s/>]*(?:\"[^\"]*\"|'[^']*'|[^'\">])*>",
    re.DOTALL,
)
# Elements whose content is not prose.
RAW_ELEMENTS = frozenset({"script", "style", "code", "pre", "textarea"})
TAG_NAME_RE = re.compile(r"</?([A-Za-z][^\s/>]*)")


@dataclass(frozen=True)
class HtmlPiece:
    """A stretch of the HTML: markup to copy, or text (``translate``) to translate."""

    raw: str
    start: int  # offset in the HTML
    translate: bool


def split_html(markup: str) -> list[HtmlPiece]:
    """The HTML as pieces; joining every ``raw`` gives ``markup`` back."""
    pieces: list[HtmlPiece] = []
    position = 0
    raw_depth: list[str] = []
    for match in MARKUP_RE.finditer(markup):
        if match.start() > position:
            text = markup[position : match.start()]
            pieces.append(HtmlPiece(text, position, not raw_depth and bool(text.strip())))
        tag = match.group(0)
        pieces.append(HtmlPiece(tag, match.start(), False))
        name_match = TAG_NAME_RE.match(tag)
        if name_match:
            name = name_match.group(1).lower()
            if name in RAW_ELEMENTS and not tag.endswith("/>"):
                if tag.startswith("</"):
                    if raw_depth and raw_depth[-1] == name:
                        raw_depth.pop()
                else:
                    raw_depth.append(name)
        position = match.end()
    if position < len(markup):
        text = markup[position:]
        pieces.append(HtmlPiece(text, position, not raw_depth and bool(text.strip())))
    return pieces


def text_of(piece: HtmlPiece) -> str:
    """What the model sees for a text piece: entities decoded, outer space trimmed."""
    return html.unescape(piece.raw).strip()


def rebuild(piece: HtmlPiece, english: str) -> str:
    """The English for a text piece, escaped, with the piece's outer whitespace kept."""
    leading = piece.raw[: len(piece.raw) - len(piece.raw.lstrip())]
    trailing = piece.raw[len(piece.raw.rstrip()) :]
    return leading + html.escape(english, quote=False) + trailing
