"""Subtitles: SRT (``.srt``) and WebVTT (``.vtt``), translated cue text, everything else kept.

Reading keeps every line that is not cue text as it was: SRT cue numbers,
timing lines (with SRT coordinates or WebVTT cue settings), WebVTT
identifiers, the ``WEBVTT`` header, ``NOTE``/``STYLE``/``REGION`` blocks.
Only cues with Arabic letters are translated; the others stay as they were.

A unit is a *sentence run*: consecutive cues up to one whose text ends a
sentence (``. ! ? ؟ …``, a closing quote after it allowed), at most
:data:`MAX_CUES_PER_UNIT`. The run is translated whole, so a sentence spoken
over three cues is one sentence for the model, and the English is spread back
over its cues by word share: each cue gets the share of English words that its
Arabic words have of the run.

Styling tags (``<i>``, ``<b>``, ``<u>``, ``<font …>``, WebVTT ``<v Speaker>``,
``<c.class>``, ``<lang …>``, ``<ruby>``) are inline tags, placed on the English
by the pipeline; an SRT ``{\\an8}`` position code stays at the start of its cue.
Bidi controls (U+200E, U+200F, U+061C, U+202A–U+202E, U+2066–U+2069) are
stripped. English cue text is wrapped at :data:`LINE_LIMIT` characters, two
lines when it fits in two (balanced), more only when it does not.

Warnings (the file is still written): a cue over :data:`MAX_CPS` characters per
second, a cue over two lines, cues that overlap in time.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from glossary.errors import FileFormatError
from glossary.findings import WARNING, Finding
from glossary.textio import decode_text
from translator.formats import FORMAT, POINT, InlineTag, Location, TranslatedUnit, Unit

NAME = "subtitles"
LINE_LIMIT = 42
MAX_LINES = 2
MAX_CPS = 17.0
MAX_CUES_PER_UNIT = 6

READING_SPEED = "subtitle-reading-speed"
TOO_MANY_LINES = "subtitle-lines"
OVERLAP = "subtitle-overlap"

_BIDI_CONTROLS_RE = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
_ARABIC_LETTER_RE = re.compile("[\u0621-\u064a\u0671-\u06d3]")
_SRT_TIME = r"(\d{1,3}):(\d{2}):(\d{2})[,.](\d{3})"
_SRT_TIMING_RE = re.compile(rf"^\s*{_SRT_TIME}\s*-->\s*{_SRT_TIME}(.*)$")
_VTT_TIME = r"(?:(\d{1,3}):)?(\d{2}):(\d{2})\.(\d{3})"
_VTT_TIMING_RE = re.compile(rf"^\s*{_VTT_TIME}[ \t]+-->[ \t]+{_VTT_TIME}(.*)$")
# An opening or closing styling tag, or a WebVTT timestamp tag <00:01.500>.
_TAG_RE = re.compile(r"</?([a-zA-Z]+)(?:[.][^\s>]*)?(?:\s[^>]*)?>|<\d[\d:.]*>")
_ASS_CODE_RE = re.compile(r"\{\\[^}]*\}")
_DIALOGUE_DASH_RE = re.compile(r"^[-\u2010-\u2014]\s*")
_SENTENCE_END_RE = re.compile(r"[.!?\u061f\u2026]+[\"'»”)\]]*\s*$")


@dataclass(eq=False)
class _Cue:
    """A cue: where its lines are, its timing, its text lines."""

    number: int  # 1-based position in the file
    timing_line: int  # 0-based index into the file's lines
    text_lines: tuple[int, int]  # [first, end) line indices of its text
    start: float  # seconds
    end: float
    text: str = ""  # plain text (tags and bidi controls out, lines joined by spaces)
    tags: list[tuple[int, int, str, str]] = field(default_factory=list)  # (start, end, opening, closing)
    # Tags around the whole cue (<i>…</i>, an unclosed <v Speaker>): put around
    # the whole of the cue's English, not placed word by word.
    whole: list[tuple[str, str]] = field(default_factory=list)
    prefix: str = ""  # {\an8}-style codes, kept at the start
    dialogue: bool = False  # every line starts with a dash: one speaker a line
    words: int = 0


@dataclass(eq=False)
class SubtitleDocument:
    """A subtitle file read for translation; :meth:`write` puts the English in the cues."""

    path: str
    lines: list[str]
    newline: str
    cues: list[_Cue]
    runs: list[list[_Cue]]
    read_warnings: list[Finding]
    _units: tuple[Unit, ...] = ()
    _refs: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    @property
    def units(self) -> Sequence[Unit]:
        return self._units

    def write(self, translated: Sequence[TranslatedUnit]) -> bytes:
        if len(translated) != len(self.runs):
            raise ValueError(f"{len(translated)} translated units for {len(self.runs)} cue runs")
        self.warnings = list(self.read_warnings)
        replacements: dict[int, list[str]] = {}
        for run, english in zip(self.runs, translated):
            for cue, (text, tags) in zip(run, spread(run, english)):
                if cue.dialogue:
                    lines = text.split("\n")
                    rendered = [f"- {line}" for line in _render(cue, text, lines, tags, self._refs)]
                else:
                    lines = wrap(text)
                    rendered = _render(cue, text, lines, tags, self._refs)
                replacements[cue.text_lines[0]] = rendered
                self.warnings.extend(self._cue_warnings(cue, text, len(lines)))
        out: list[str] = []
        index = 0
        ends = {cue.text_lines[0]: cue.text_lines[1] for run in self.runs for cue in run}
        while index < len(self.lines):
            if index in replacements:
                out.extend(replacements[index])
                index = ends[index]
                continue
            out.append(self.lines[index])
            index += 1
        return self.newline.join(out).encode("utf-8")

    def _cue_warnings(self, cue: _Cue, text: str, line_count: int) -> list[Finding]:
        found: list[Finding] = []
        duration = cue.end - cue.start
        characters = len(text)
        if duration > 0 and characters / duration > MAX_CPS:
            found.append(
                Finding(
                    READING_SPEED,
                    WARNING,
                    f"cue {cue.number}: {characters / duration:.1f} characters per second in English (over {MAX_CPS:g})",
                    self.path,
                    cue.timing_line + 1,
                    1,
                )
            )
        if line_count > MAX_LINES:
            found.append(
                Finding(
                    TOO_MANY_LINES,
                    WARNING,
                    f"cue {cue.number}: {line_count} lines of English (over {MAX_LINES} at {LINE_LIMIT} characters)",
                    self.path,
                    cue.timing_line + 1,
                    1,
                )
            )
        return found


def read(data: bytes, path: str) -> SubtitleDocument:
    """Parse an SRT or WebVTT file; bad timecodes and structure are a one-line :class:`FileFormatError`."""
    decoded = decode_text(data, path)
    lines = decoded.text.split("\n")
    vtt = path.lower().endswith(".vtt")
    cues = _parse_vtt(lines, path) if vtt else _parse_srt(lines, path)
    for cue in cues:
        _read_text(cue, lines)
    warnings = _overlaps(cues, path)
    runs = _runs(cues)
    refs: list[tuple[str, str]] = []
    units = tuple(_run_unit(run, refs) for run in runs)
    return SubtitleDocument(path, lines, decoded.newline, cues, runs, warnings, units, refs)


# ---------------------------------------------------------------- parsing


def _seconds(hours: str | None, minutes: str, seconds: str, millis: str) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def _timing(match: re.Match[str], path: str, line_number: int, line: str) -> tuple[float, float]:
    groups = match.groups()
    for minute_or_second, name in ((groups[1], "minutes"), (groups[2], "seconds"), (groups[5], "minutes"), (groups[6], "seconds")):
        if int(minute_or_second) > 59:
            raise FileFormatError(f"bad timecode: {name} {minute_or_second} (over 59)", path, line_number, line.find(minute_or_second) + 1)
    start = _seconds(*groups[0:4])
    end = _seconds(*groups[4:8])
    if end < start:
        raise FileFormatError("bad timing: the cue ends before it starts", path, line_number, line.find("-->") + 1)
    return start, end


def _blocks(lines: list[str]) -> list[tuple[int, int]]:
    """[first, end) line ranges of blank-line-separated blocks."""
    blocks: list[tuple[int, int]] = []
    start: int | None = None
    for index, line in enumerate(lines):
        if line.strip():
            if start is None:
                start = index
        elif start is not None:
            blocks.append((start, index))
            start = None
    if start is not None:
        blocks.append((start, len(lines)))  # no final blank line: accepted
    return blocks


def _parse_srt(lines: list[str], path: str) -> list[_Cue]:
    cues: list[_Cue] = []
    for first, end in _blocks(lines):
        number_line = lines[first].strip()
        if not number_line.isdigit():
            if "-->" in number_line:
                raise FileFormatError("expected the cue number before the timing line", path, first + 1, 1)
            raise FileFormatError(f"expected a cue number, found {number_line[:30]!r}", path, first + 1, 1)
        if first + 1 >= end:
            raise FileFormatError("a cue number without a timing line", path, first + 1, 1)
        timing_line = lines[first + 1]
        match = _SRT_TIMING_RE.match(timing_line)
        if match is None:
            raise FileFormatError(
                "bad timecode: expected HH:MM:SS,mmm --> HH:MM:SS,mmm", path, first + 2, _first_bad_column(timing_line)
            )
        start, stop = _timing(match, path, first + 2, timing_line)
        cues.append(_Cue(len(cues) + 1, first + 1, (first + 2, end), start, stop))
    return cues


def _parse_vtt(lines: list[str], path: str) -> list[_Cue]:
    header = lines[0] if lines else ""
    if not (header == "WEBVTT" or header.startswith(("WEBVTT ", "WEBVTT\t"))):
        raise FileFormatError('not WebVTT: the first line must be "WEBVTT"', path, 1, 1)
    cues: list[_Cue] = []
    for first, end in _blocks(lines):
        if first == 0:
            continue  # the header block
        head = lines[first]
        if head.startswith(("NOTE", "STYLE", "REGION")) and "-->" not in head:
            continue
        timing_index = first if "-->" in head else first + 1
        if timing_index >= end or "-->" not in lines[timing_index]:
            raise FileFormatError(
                "expected a cue timing line (MM:SS.mmm --> MM:SS.mmm)", path, min(timing_index, end - 1) + 1, 1
            )
        timing_line = lines[timing_index]
        match = _VTT_TIMING_RE.match(timing_line)
        if match is None:
            raise FileFormatError(
                "bad timecode: expected [HH:]MM:SS.mmm --> [HH:]MM:SS.mmm", path, timing_index + 1, _first_bad_column(timing_line)
            )
        start, stop = _timing(match, path, timing_index + 1, timing_line)
        cues.append(_Cue(len(cues) + 1, timing_index, (timing_index + 1, end), start, stop))
    return cues


def _first_bad_column(line: str) -> int:
    """Where a timing line stops looking like one (for the error's column)."""
    good = re.match(r"[\d:,.\s>-]*", line)
    return (good.end() if good else 0) + 1


def _overlaps(cues: list[_Cue], path: str) -> list[Finding]:
    found: list[Finding] = []
    for previous, cue in zip(cues, cues[1:]):
        if cue.start < previous.end:
            found.append(
                Finding(
                    OVERLAP,
                    WARNING,
                    f"cue {cue.number} starts before cue {previous.number} ends (kept as it is)",
                    path,
                    cue.timing_line + 1,
                    1,
                )
            )
    return found


def _read_text(cue: _Cue, lines: list[str]) -> None:
    """The cue's plain text (spaces collapsed) and its styling tags (offsets into the plain text)."""
    cue_lines = [_BIDI_CONTROLS_RE.sub("", line).strip() for line in lines[cue.text_lines[0] : cue.text_lines[1]]]
    # Two speakers in one cue ("- نعم" / "- لا"): each line is its own text, its dash put back on writing.
    cue.dialogue = len(cue_lines) >= 2 and all(_DIALOGUE_DASH_RE.match(line) for line in cue_lines)
    if cue.dialogue:
        raw = "\n".join(_DIALOGUE_DASH_RE.sub("", line, count=1) for line in cue_lines)
    else:
        raw = " ".join(cue_lines)
    cue.prefix = "".join(_ASS_CODE_RE.findall(raw))
    raw = _ASS_CODE_RE.sub("", raw)
    parts: list[str] = []
    length = 0
    pending_space = False
    pending_break = False
    open_tags: list[tuple[str, int, str]] = []  # (name, start, opening markup)

    def add_text(piece: str) -> None:
        nonlocal length, pending_space, pending_break
        for word in re.split(r"(\s+)", piece):
            if not word:
                continue
            if word.isspace():
                pending_space = length > 0
                pending_break = pending_break or (pending_space and "\n" in word)
                continue
            if pending_space:
                parts.append("\n" if pending_break else " ")
                length += 1
                pending_space = pending_break = False
            parts.append(word)
            length += len(word)

    def opening_position() -> int:
        nonlocal length, pending_space, pending_break
        if pending_space:  # "word <i>next": the space is before the tag
            parts.append("\n" if pending_break else " ")
            length += 1
            pending_space = pending_break = False
        return length

    cursor = 0
    for match in _TAG_RE.finditer(raw):
        add_text(raw[cursor : match.start()])
        cursor = match.end()
        markup = match.group()
        name = (match.group(1) or "").lower()
        if markup.startswith("</"):
            for position in range(len(open_tags) - 1, -1, -1):
                if open_tags[position][0] == name:
                    _, start, opening = open_tags.pop(position)
                    cue.tags.append((start, length, opening, markup))
                    break
        elif name:
            open_tags.append((name, opening_position(), markup))
        else:  # a WebVTT timestamp: a point
            point = opening_position()
            cue.tags.append((point, point, markup, ""))
    add_text(raw[cursor:])
    for _, start, opening in open_tags:  # <v Speaker> often runs unclosed to the end of the cue
        cue.tags.append((start, length, opening, ""))
    cue.text = "".join(parts)
    cue.tags = [(min(start, length), min(end, length), opening, closing) for start, end, opening, closing in cue.tags]
    # Outermost first: a tag opened earlier (or, at the same place, closed later) encloses.
    cue.tags.sort(key=lambda tag: (tag[0], -tag[1]))
    while cue.tags and cue.tags[0][0] == 0 and cue.tags[0][1] == length and length > 0:
        _, _, opening, closing = cue.tags.pop(0)
        cue.whole.append((opening, closing))
    cue.words = len(cue.text.split())


def _runs(cues: list[_Cue]) -> list[list[_Cue]]:
    """Sentence runs of Arabic cues: up to a cue that ends a sentence, at most MAX_CUES_PER_UNIT."""
    runs: list[list[_Cue]] = []
    current: list[_Cue] = []
    for cue in cues:
        if not _ARABIC_LETTER_RE.search(cue.text):
            if current:
                runs.append(current)
                current = []
            continue
        if cue.dialogue:  # its own unit: its lines are its speakers
            if current:
                runs.append(current)
                current = []
            runs.append([cue])
            continue
        current.append(cue)
        if _SENTENCE_END_RE.search(cue.text) or len(current) >= MAX_CUES_PER_UNIT:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _run_unit(run: list[_Cue], refs: list[tuple[str, str]]) -> Unit:
    """One unit per run: its cues' texts joined by spaces; each tag's ref indexes ``refs`` (its markup)."""
    text_parts: list[str] = []
    tags: list[InlineTag] = []
    offset = 0
    for cue in run:
        if text_parts:
            text_parts.append(" ")
            offset += 1
        for start, end, opening, closing in cue.tags:
            tags.append(InlineTag(offset + start, offset + end, POINT if start == end else FORMAT, len(refs)))
            refs.append((opening, closing))
        text_parts.append(cue.text)
        offset += len(cue.text)
    first = run[0]
    return Unit("".join(text_parts), tuple(tags), Location(first.text_lines[0] + 1, 1), kind="cue")


# ---------------------------------------------------------------- writing


def spread(run: list[_Cue], english: TranslatedUnit) -> list[tuple[str, list[InlineTag]]]:
    """The run's English cut into one text per cue by the cues' share of Arabic words, tags clipped to each."""
    text = _BIDI_CONTROLS_RE.sub("", english.text) if _BIDI_CONTROLS_RE.search(english.text) else english.text
    words = [match.span() for match in re.finditer(r"\S+", text)]
    kept_whole = _unbreakable(text, english)
    total_source = sum(max(cue.words, 1) for cue in run)
    pieces: list[tuple[int, int]] = []
    taken = 0
    seen_source = 0
    for number, cue in enumerate(run):
        seen_source += max(cue.words, 1)
        if number == len(run) - 1:
            upto = len(words)
        else:
            upto = round(len(words) * seen_source / total_source)
            # Every cue keeps at least one word when there are enough, and leaves one for each cue after it.
            upto = max(upto, min(taken + 1, len(words)))
            if len(words) >= len(run):
                upto = min(upto, max(taken, len(words) - (len(run) - number - 1)))
            upto = _allowed_cut(upto, words, kept_whole, taken)
        start = words[taken][0] if taken < len(words) else len(text)
        end = words[upto - 1][1] if upto > taken else start
        pieces.append((start, end))
        taken = max(taken, upto)
    out: list[tuple[str, list[InlineTag]]] = []
    for start, end in pieces:
        clipped = []
        for tag in english.tags:
            if tag.start == tag.end:
                if start <= tag.start <= end:
                    clipped.append(InlineTag(tag.start - start, tag.start - start, tag.kind, tag.ref, tag.depth))
            elif tag.start < end and tag.end > start:
                clipped.append(InlineTag(max(tag.start, start) - start, min(tag.end, end) - start, tag.kind, tag.ref, tag.depth))
        out.append((text[start:end], clipped))
    return out


def _unbreakable(text: str, english: TranslatedUnit) -> list[tuple[int, int]]:
    """Spans a cue boundary must not cut: styled stretches and the glossary renderings."""
    spans = [(tag.start, tag.end) for tag in english.tags if tag.end > tag.start]
    for _, target, method in english.terms:
        if method != "unenforced" and target:
            spans.extend(match.span() for match in re.finditer(re.escape(target), text))
    return spans


# How far (in words) a cue boundary may move to keep a term or a styled stretch in one cue.
_MAX_CUT_SHIFT = 3


def _allowed_cut(upto: int, words: list[tuple[int, int]], spans: list[tuple[int, int]], taken: int) -> int:
    """The cut before word ``upto``, moved to the nearest place that cuts no span (if one is close)."""

    def cuts_a_span(cut: int) -> bool:
        if cut <= 0 or cut >= len(words):
            return False
        before, after = words[cut - 1][1], words[cut][0]
        return any(start < before and end > after for start, end in spans)

    if not cuts_a_span(upto):
        return upto
    for shift in range(1, _MAX_CUT_SHIFT + 1):
        for candidate in (upto + shift, upto - shift):
            if taken < candidate < len(words) and not cuts_a_span(candidate):
                return candidate
    return upto


def wrap(text: str, limit: int = LINE_LIMIT) -> list[str]:
    """Lines of at most ``limit`` characters: two balanced lines when the text fits in two, else greedy."""
    if len(text) <= limit:
        return [text] if text else [""]
    spaces = [index for index, char in enumerate(text) if char == " "]
    fitting = [index for index in spaces if index <= limit and len(text) - index - 1 <= limit]
    if fitting:
        middle = min(fitting, key=lambda index: abs(index - len(text) / 2))
        return [text[:middle], text[middle + 1 :]]
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        if current and len(current) + 1 + len(word) > limit:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return lines


def _render(cue: _Cue, text: str, lines: list[str], tags: list[InlineTag], refs: list[tuple[str, str]]) -> list[str]:
    """The cue's lines with its styling tags put back (line breaks replace spaces, so offsets hold)."""
    broken = "\n".join(lines)
    markup_at: dict[int, list[str]] = {}
    closing_at: dict[int, list[str]] = {}
    for tag in sorted(tags, key=lambda t: (t.start, -t.end)):
        opening, closing = _markup(tag.ref, refs)
        markup_at.setdefault(tag.start, []).append(opening)
        if closing:
            closing_at.setdefault(tag.end, []).insert(0, closing)
    out: list[str] = []
    for index in range(len(broken) + 1):
        out.extend(closing_at.get(index, ()))
        out.extend(markup_at.get(index, ()))
        if index < len(broken):
            out.append(broken[index])
    opening = "".join(markup for markup, _ in cue.whole)
    closing = "".join(markup for _, markup in reversed(cue.whole))
    return (cue.prefix + opening + "".join(out) + closing).split("\n")


def _markup(ref: int, refs: list[tuple[str, str]]) -> tuple[str, str]:
    return refs[ref] if 0 <= ref < len(refs) else ("", "")
