"""Arabic normalization for matching, with a map back to the original text.

Matching runs on normalized text; everything shown to a user (surfaces, output)
comes from the original. Each table below absorbs one kind of orthographic
variation, so a rule can be read, tested and changed on its own.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

# Short vowels, tanween, shadda, sukun and the other Quranic marks (U+064B–U+065F),
# and the superscript alef (U+0670): optional in running text, so writers add them
# or leave them out at will.
DIACRITICS = "".join(chr(c) for c in range(0x064B, 0x0660)) + "\u0670"

# Tatweel (kashida) stretches a word for justification; it carries no letter.
TATWEEL = "\u0640"

# Bidi controls and joiners are invisible and are pasted in by editors and web
# pages between any two letters (often between a clitic and the word).
INVISIBLE_CONTROLS = (
    "\u200b\u200c\u200d\u200e\u200f"  # ZWSP, ZWNJ, ZWJ, LRM, RLM
    "\u061c"  # Arabic letter mark
    "\u202a\u202b\u202c\u202d\u202e"  # LRE, RLE, PDF, LRO, RLO
    "\u2066\u2067\u2068\u2069"  # LRI, RLI, FSI, PDI
    "\ufeff"  # a BOM left inside the text
)

DELETED = DIACRITICS + TATWEEL + INVISIBLE_CONTROLS

# Hamza carriers on alef and the wasla alef: writers drop or swap the hamza
# freely (اسلامية / إسلامية), so every alef form counts as bare alef.
ALEF_VARIANTS = {"\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627"}

# Alef maqsura at a word end is written for final ya in Egyptian and many web
# texts (على / علي); hamza on ya likewise (رئيس / رييس is rare, but ئ/ي confusion is not).
YA_VARIANTS = {"\u0649": "\u064a", "\u0626": "\u064a"}

# Ta marbuta is often typed as ha (الشعبية / الشعبيه).
TA_MARBUTA = {"\u0629": "\u0647"}

# Hamza on waw is often dropped to a plain waw (مؤتمر / موتمر).
WAW_HAMZA = {"\u0624": "\u0648"}

# Persian keyboards produce their own kaf and ya for Arabic words.
PERSIAN_LETTERS = {"\u06a9": "\u0643", "\u06cc": "\u064a"}

# Arabic-Indic (٠–٩) and Persian (۰–۹) digits are the same numbers as 0–9.
DIGITS = {chr(0x0660 + d): str(d) for d in range(10)} | {chr(0x06F0 + d): str(d) for d in range(10)}

# Every Unicode space (NBSP, thin spaces, line and paragraph separators, line
# ends) separates words the same way; runs of them collapse to one space.
WHITESPACE = "\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680" + "".join(
    chr(c) for c in range(0x2000, 0x200B)
) + "\u2028\u2029\u202f\u205f\u3000"

# Lam-alef ligatures from the presentation-forms block expand to two letters.
LAM_ALEF_LIGATURES = {
    "\ufef5": "\u0644\u0627",
    "\ufef6": "\u0644\u0627",
    "\ufef7": "\u0644\u0627",
    "\ufef8": "\u0644\u0627",
    "\ufef9": "\u0644\u0627",
    "\ufefa": "\u0644\u0627",
    "\ufefb": "\u0644\u0627",
    "\ufefc": "\u0644\u0627",
}


def _presentation_forms() -> dict[str, str]:
    """Contextual glyph forms (U+FE70–U+FEFC) that some PDFs extract: back to base letters."""
    import unicodedata

    table: dict[str, str] = {}
    for code in range(0xFE70, 0xFEFD):
        char = chr(code)
        base = unicodedata.normalize("NFKC", char)
        if len(base) == 1 and char not in LAM_ALEF_LIGATURES:
            table[char] = base
    return table


def _one_to_one_table() -> dict[int, str]:
    table: dict[str, str] = {}
    table.update(_presentation_forms())
    for mapping in (ALEF_VARIANTS, YA_VARIANTS, TA_MARBUTA, WAW_HAMZA, PERSIAN_LETTERS, DIGITS):
        table.update(mapping)
    for char in WHITESPACE:
        table[char] = " "
    # Presentation forms may map onto letters that another rule folds further.
    folded = {k: table.get(v, v) for k, v in table.items()}
    return str.maketrans(folded)


ONE_TO_ONE = _one_to_one_table()

# ONE_TO_ONE plus every other character of U+0000–U+06FF (ASCII, Latin-1 and
# the Arabic block, nearly all of any text here) mapped to itself. Same result
# for str.translate, a third faster: for a character missing from its table,
# translate raises and clears a KeyError inside, costlier than a hit.
_TRANSLATE_TABLE: dict[int, int | str] = {code: code for code in range(0x0700)}
_TRANSLATE_TABLE.update(ONE_TO_ONE)

# A run of spaces and invisible/deleted characters, or a ligature that expands.
# A lone space is left out: it maps to itself, one for one, so the map needs
# no new stretch for it, and skipping it keeps the Python loop below to the
# few places text actually changes (not once per word).
_EDIT_RE = re.compile(
    "[ " + re.escape(DELETED) + "]{2,}|[" + re.escape(DELETED) + "]|[" + "".join(LAM_ALEF_LIGATURES) + "]"
)
_TRAILING_MARKS_RE = re.compile("[" + re.escape(DIACRITICS + TATWEEL) + "]*")


def normalize_arabic(text: str) -> str:
    """The normalized form of ``text`` (idempotent; see the tables above).

    Same text as ``normalize_with_map(text).text`` without building the map:
    glossary loading and compiling normalize every form and need no offsets.
    """
    mapped = text.translate(_TRANSLATE_TABLE)
    if not _EDIT_RE.search(mapped):
        return mapped
    return _EDIT_RE.sub(_edited_run, mapped)


def _edited_run(match: re.Match[str]) -> str:
    """What a run matched by ``_EDIT_RE`` becomes: a ligature's letters, one space, or nothing."""
    run = match.group()
    if run in LAM_ALEF_LIGATURES:
        return LAM_ALEF_LIGATURES[run]
    return " " if " " in run else ""


@dataclass(frozen=True)
class NormalizedText:
    """Normalized text plus the map from its offsets back to the original.

    ``starts[k]``/``origins[k]``/``linear[k]`` describe a stretch of normalized
    text beginning at ``starts[k]``: its characters come from the original
    starting at ``origins[k]``, one for one when ``linear[k]``, else all from
    that one original character (a ligature that expanded).
    """

    text: str
    original: str
    starts: tuple[int, ...]
    origins: tuple[int, ...]
    linear: tuple[bool, ...]

    def to_original(self, index: int) -> int:
        """Original offset of the normalized character at ``index``."""
        if index >= len(self.text):
            return len(self.original)
        k = bisect_right(self.starts, index) - 1
        if self.linear[k]:
            return self.origins[k] + (index - self.starts[k])
        return self.origins[k]

    def from_original(self, offset: int) -> int:
        """Normalized offset of the first normalized character that comes from original ``offset`` or later.

        The inverse of :meth:`to_original`: ``text[from_original(a):from_original(b)]``
        is exactly the normalized text of the original characters in ``[a, b)``
        (a whitespace run cut by ``a`` may lose its one space).
        """
        k = bisect_right(self.origins, offset) - 1
        if k < 0:
            return 0  # the text begins with deleted characters that reach past offset
        next_start = self.starts[k + 1] if k + 1 < len(self.starts) else len(self.text)
        if self.linear[k]:
            # Past the stretch's end means inside characters that were deleted.
            return min(self.starts[k] + (offset - self.origins[k]), next_start)
        return self.starts[k] if offset == self.origins[k] else next_start

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` covering normalized ``[start, end)``.

        The end reaches over diacritics and tatweel written on the last letter,
        so the surface shows the word as it was written (الحشدُ, not الحشد).
        """
        if end <= start:
            origin = self.to_original(start)
            return origin, origin
        ostart = self.to_original(start)
        oend = self.to_original(end - 1) + 1
        oend = _TRAILING_MARKS_RE.match(self.original, oend).end()  # type: ignore[union-attr]
        return ostart, oend


def normalize_with_map(text: str) -> NormalizedText:
    """Normalize ``text`` and keep the offset map (linear time, C-speed scans)."""
    mapped = text.translate(_TRANSLATE_TABLE)
    pieces: list[str] = []
    starts: list[int] = [0]
    origins: list[int] = [0]
    linear: list[bool] = [True]
    out_len = 0
    last = 0
    for match in _EDIT_RE.finditer(mapped):
        begin, finish = match.span()
        if begin > last:
            pieces.append(mapped[last:begin])
            out_len += begin - last
        run = match.group()
        if run in LAM_ALEF_LIGATURES:
            expansion = LAM_ALEF_LIGATURES[run]
            _break(starts, origins, linear, out_len, begin, False)
            pieces.append(expansion)
            out_len += len(expansion)
        else:
            space_at = run.find(" ")
            if space_at >= 0:
                _break(starts, origins, linear, out_len, begin + space_at, True)
                pieces.append(" ")
                out_len += 1
        _break(starts, origins, linear, out_len, finish, True)
        last = finish
    pieces.append(mapped[last:])
    return NormalizedText(
        text="".join(pieces),
        original=text,
        starts=tuple(starts),
        origins=tuple(origins),
        linear=tuple(linear),
    )


def _break(
    starts: list[int], origins: list[int], linear: list[bool], at: int, origin: int, is_linear: bool
) -> None:
    """Start a new stretch of the map at normalized offset ``at``."""
    if starts[-1] == at:
        origins[-1] = origin
        linear[-1] = is_linear
    else:
        starts.append(at)
        origins.append(origin)
        linear.append(is_linear)
