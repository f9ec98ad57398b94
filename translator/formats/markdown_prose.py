"""Which parts of a Markdown file are prose to translate.

Everything else passes through byte for byte: front matter, fenced and
indented code, HTML blocks and inline tags, code spans, URLs, link targets,
reference definitions, heading/list/quote markers and table pipes. The result
is a list of ``(start, end)`` prose ranges, each within one line, that the
sentence splitter works on.
"""
from __future__ import annotations

import re

Range = tuple[int, int]

_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# Heading marks, block quotes and list bullets/numbers at the start of a line.
_LINE_PREFIX_RE = re.compile(r"^[ \t]*(?:>[ \t]?)*(?:#{1,6}[ \t]+|[-*+][ \t]+(?:\[[ xX]\][ \t]+)?|\d{1,9}[.)][ \t]+)?")
_THEMATIC_BREAK_RE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_TABLE_DELIMITER_RE = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_REFERENCE_DEFINITION_RE = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*\S")
_HTML_BLOCK_RE = re.compile(r"^ {0,3}</?[A-Za-z][A-Za-z0-9-]*(?:\s|/?>|$)|^ {0,3}<!--")
# Inline pieces that are code or addresses, never prose.
_INLINE_PROTECTED_RE = re.compile(
    r"(`+).*?\1"  # code span
    r"|\]\([^)\s]*(?:\s+\"[^\"]*\")?\)"  # link/image target, with the ] that closes the text
    r"|\]\[[^\]]*\]"  # reference link label
    r"|!?\["  # opening of link/image text
    r"|<(?:https?|mailto|ftp):[^>\s]*>"  # autolink
    r"|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<!--.*?-->"  # inline HTML
    r"|(?:https?|ftp)://[^\s<>()]+|www\.[^\s<>()]+"  # bare URL
    r"|\|"  # table cell border
)


def prose_ranges(text: str) -> list[Range]:
    """The ``(start, end)`` ranges of ``text`` that are prose, in order."""
    ranges: list[Range] = []
    position = 0
    front = _FRONT_MATTER_RE.match(text)
    if front:
        position = front.end()
    fence: str | None = None
    previous_blank = True
    for line in text[position:].splitlines(keepends=True):
        start = position
        position += len(line)
        body = line.rstrip("\n")
        blank = not body.strip()
        fence_match = _FENCE_RE.match(body)
        if fence is not None:
            if fence_match and fence_match.group(1)[0] == fence[0] and len(fence_match.group(1)) >= len(fence):
                fence = None
        elif fence_match:
            fence = fence_match.group(1)
        elif not blank and not _is_verbatim_line(body, previous_blank):
            ranges.extend(_inline_prose(body, start))
        # An indented code block may only begin after a blank line (or another code line).
        previous_blank = blank or (previous_blank and body.startswith(("    ", "\t")))
    return ranges


def _is_verbatim_line(body: str, previous_blank: bool) -> bool:
    if previous_blank and body.startswith(("    ", "\t")):
        return True
    return bool(
        _THEMATIC_BREAK_RE.match(body)
        or _TABLE_DELIMITER_RE.match(body)
        or _REFERENCE_DEFINITION_RE.match(body)
        or _HTML_BLOCK_RE.match(body)
    )


def _inline_prose(body: str, offset: int) -> list[Range]:
    prefix = _LINE_PREFIX_RE.match(body)
    cursor = prefix.end() if prefix else 0
    ranges: list[Range] = []
    for protected in _INLINE_PROTECTED_RE.finditer(body, cursor):
        if protected.start() > cursor:
            ranges.append((offset + cursor, offset + protected.start()))
        cursor = protected.end()
    if cursor < len(body):
        ranges.append((offset + cursor, offset + len(body)))
    return ranges
