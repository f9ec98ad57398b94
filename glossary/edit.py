"""Editing glossary text: add, remove, format. Plain text in, plain text out.

Edits change only the lines of the entry they touch: the original text is
spliced at the entry's line boundaries (from the node marks), so comments,
blank lines and formatting elsewhere survive byte for byte. Only when that is
impossible (``terms`` written as a flow list ``[...]``, or empty) is the whole
file rewritten in the canonical layout, comments kept.

Every edit re-parses its result and raises :class:`GlossaryError` instead of
returning text that would not load, or that lint would flag with a new error.
"""
from __future__ import annotations

import bisect
import difflib
from dataclasses import dataclass, replace

from yaml.nodes import SequenceNode

from glossary.english import fold_english
from glossary.errors import GlossaryError
from glossary.lint import lint
from glossary.model import Entry, Glossary
from glossary.normalize import normalize_arabic
from glossary.yamlio import (
    CANONICAL_DASH_INDENT,
    CANONICAL_KEY_INDENT,
    ParsedEntry,
    ParsedGlossary,
    dump_glossary,
    header_lines,
    is_inside_scalar,
    parse_document,
    render_entry,
)

ADDED = "added"
MERGED = "merged"
UNCHANGED = "unchanged"


@dataclass(frozen=True)
class EntryMatch:
    """Where a term was found: the entry's index, and the source form matched (None: the target)."""

    index: int
    entry: Entry
    form: str | None


def find_entry(glossary: Glossary, term: str) -> EntryMatch | None:
    """The entry that has ``term`` as a source form (normalized) or as its target (folded)."""
    key = normalize_arabic(term).strip()
    for index, entry in enumerate(glossary.entries):
        for form in entry.sources:
            if normalize_arabic(form).strip() == key:
                return EntryMatch(index, entry, form)
    folded = fold_english(term)
    for index, entry in enumerate(glossary.entries):
        if fold_english(entry.target) == folded:
            return EntryMatch(index, entry, None)
    return None


def find_entry_by_rendering(glossary: Glossary, term: str) -> tuple[Entry, str] | None:
    """The entry that lists ``term`` (folded) among its accept or avoid renderings, and which list.

    Only for looking an entry up (``show``): editing commands take a source form
    or the target, so an accepted rendering can never remove an entry by accident.
    """
    folded = fold_english(term)
    for entry in glossary.entries:
        for kind in ("accept", "avoid"):
            if any(fold_english(value) == folded for value in getattr(entry, kind)):
                return entry, kind
    return None


def not_found_error(glossary: Glossary, term: str, path: str) -> GlossaryError:
    """"no entry …" with the closest source or target suggested."""
    names = [form for entry in glossary.entries for form in entry.sources]
    names += [entry.target for entry in glossary.entries]
    close = difflib.get_close_matches(term.strip(), names, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return GlossaryError(f"no entry with source or target '{term}'{hint}", path=path)


def add_term(
    text: str,
    path: str,
    source: str,
    target: str,
    accept: tuple[str, ...] | list[str] = (),
    avoid: tuple[str, ...] | list[str] = (),
    type: str | None = None,  # noqa: A002 - the glossary key is called "type"
    note: str | None = None,
) -> tuple[str, str]:
    """Add ``source → target``; returns (new text, ``added``/``merged``/``unchanged``).

    A source form already in the glossary with the same target merges the new
    accept/avoid into that entry; with another target it is an error. A target
    some entry already has gets the source form added to that entry. Otherwise
    the new entry goes at the end of ``terms``. Empty ``text`` starts a new file.
    """
    source, target = source.strip(), target.strip()
    accept = tuple(value.strip() for value in accept)
    avoid = tuple(value.strip() for value in avoid)
    type, note = (type.strip() if type else None), (note.strip() if note else None)
    if not source or not target:
        raise GlossaryError("the source and the target must not be empty", path=path)
    new_entry = Entry(sources=(source,), target=target, accept=_unique(accept), avoid=_unique(avoid), type=type, note=note)
    if not text.strip():
        new_text = dump_glossary(Glossary(entries=(new_entry,)))
        _validate(new_text, path, Glossary(entries=()), target)
        return new_text, ADDED
    parsed = parse_document(text, path)
    found = find_entry(parsed.glossary, source)
    if found is not None and found.form is not None:
        if fold_english(found.entry.target) != fold_english(target):
            raise GlossaryError(
                f"'{source}' is already in the glossary with target '{found.entry.target}' (line {found.entry.line});"
                f" to change it, remove it first: tarjama glossary remove '{source}'",
                path=path,
            )
        merged = _merged(found.entry, (), accept, avoid, type, note, path)
    else:
        by_target = next(
            (i for i, entry in enumerate(parsed.glossary.entries) if fold_english(entry.target) == fold_english(target)),
            None,
        )
        if by_target is None:
            new_text = _edited(parsed, {}, new_entry)
            _validate(new_text, path, parsed.glossary, target)
            return new_text, ADDED
        found = EntryMatch(by_target, parsed.glossary.entries[by_target], None)
        merged = _merged(found.entry, (source,), accept, avoid, type, note, path)
    if merged == found.entry:
        return text, UNCHANGED
    new_text = _edited(parsed, {found.index: merged}, None)
    _validate(new_text, path, parsed.glossary, merged.target)
    return new_text, MERGED


def remove_term(text: str, path: str, term: str) -> str:
    """Remove ``term``: a source form of a multi-form entry removes that form; otherwise the whole entry."""
    parsed = parse_document(text, path)
    found = find_entry(parsed.glossary, term)
    if found is None:
        raise not_found_error(parsed.glossary, term, path)
    if found.form is not None and len(found.entry.sources) > 1:
        remaining = tuple(form for form in found.entry.sources if form != found.form)
        new_text = _edited(parsed, {found.index: replace(found.entry, sources=remaining)}, None)
    else:
        new_text = _edited(parsed, {found.index: None}, None)
    _validate(new_text, path, parsed.glossary, None)
    return new_text


def format_glossary(text: str, path: str) -> str:
    """The canonical layout of a glossary file (see glossary.yamlio), keeping comments.

    Comments on their own lines before an entry stay before it; comments inside
    an entry (after a value, or between its keys) move just above it. Comments
    before ``terms:`` stay at the top, comments after the last entry at the end.
    One blank line is kept before an entry that had blank lines before it.
    """
    return _formatted(parse_document(text, path), {}, None)


# ------------------------------------------------------------------ helpers


def _unique(values: tuple[str, ...]) -> tuple[str, ...]:
    seen: set[str] = set()
    kept: list[str] = []
    for value in values:
        if fold_english(value) not in seen:
            seen.add(fold_english(value))
            kept.append(value)
    return tuple(kept)


def _merged(
    entry: Entry,
    sources: tuple[str, ...],
    accept: tuple[str, ...],
    avoid: tuple[str, ...],
    type: str | None,  # noqa: A002
    note: str | None,
    path: str,
) -> Entry:
    known_forms = {normalize_arabic(form).strip() for form in entry.sources}
    new_sources = entry.sources + tuple(form for form in sources if normalize_arabic(form).strip() not in known_forms)
    for key, given in (("type", type), ("note", note)):
        current = getattr(entry, key)
        if given and current and given != current:
            raise GlossaryError(
                f"the entry for '{entry.target}' (line {entry.line}) already has {key} '{current}';"
                " edit the file to change it",
                path=path,
            )
    return replace(
        entry,
        sources=new_sources,
        accept=_unique(entry.accept + accept),
        avoid=_unique(entry.avoid + avoid),
        type=entry.type or type,
        note=entry.note or note,
    )


def _validate(new_text: str, path: str, old: Glossary, touched_target: str | None) -> None:
    """Refuse a result that does not parse, or that adds a lint error."""
    try:
        new = parse_document(new_text, path).glossary
    except GlossaryError as exc:
        raise GlossaryError(f"not changed: the result would be invalid: {exc.message}", path=path) from None
    before = {(f.rule, f.message) for f in lint(old) if f.severity == "error"}
    for finding in lint(new):
        if finding.severity == "error" and (finding.rule, finding.message) not in before:
            raise GlossaryError(f"not changed: {finding.message} ({finding.rule})", path=path)


class _Lines:
    """Line arithmetic over one text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]
        if self.starts[-1] == len(text) and len(self.starts) > 1:
            self.starts.pop()  # the text ends with a newline: no empty last line

    def of(self, index: int) -> int:
        return bisect.bisect_right(self.starts, index) - 1

    def start(self, line: int) -> int:
        return self.starts[line] if line < len(self.starts) else len(self.text)

    def get(self, line: int) -> str:
        return self.text[self.start(line) : self.start(line + 1)].rstrip("\n")

    def count(self) -> int:
        return len(self.starts)


def _entry_lines(lines: _Lines, parsed_entry: ParsedEntry) -> tuple[int, int]:
    return lines.of(parsed_entry.start), lines.of(max(parsed_entry.content_end - 1, parsed_entry.start))


def _comment(parsed: ParsedGlossary, lines: _Lines, line: int) -> str | None:
    """The comment on ``line`` (from its ``#``), if any."""
    start = lines.start(line)
    body = lines.get(line)
    position = body.find("#")
    while position >= 0:
        index = start + position
        if (position == 0 or body[position - 1] in " \t") and not is_inside_scalar(parsed, index):
            return body[position:].rstrip()
        position = body.find("#", position + 1)
    return None


def _can_splice(parsed: ParsedGlossary, lines: _Lines) -> bool:
    """Entries of a block list, each on lines of its own: line splicing is safe."""
    node = parsed.terms_node
    if not (isinstance(node, SequenceNode) and not node.flow_style and parsed.entries):
        return False
    previous_last = -1
    for parsed_entry in parsed.entries:
        first, last = _entry_lines(lines, parsed_entry)
        if first <= previous_last or parsed.text[lines.start(first) : parsed_entry.start].strip():
            return False
        rest = parsed.text[parsed_entry.content_end : lines.start(last + 1)].strip()
        if rest and not rest.startswith("#"):
            return False
        previous_last = last
    return True


def _edited(parsed: ParsedGlossary, replacements: dict[int, Entry | None], appended: Entry | None) -> str:
    lines = _Lines(parsed.text)
    if not _can_splice(parsed, lines):
        return _formatted(parsed, replacements, appended)
    first_entry = parsed.entries[0]
    dash_indent = first_entry.start - lines.start(lines.of(first_entry.start))
    key_indent = first_entry.node.start_mark.column
    if key_indent <= dash_indent:
        key_indent = dash_indent + 2
    text = parsed.text
    if appended is not None:
        _, last = _entry_lines(lines, parsed.entries[-1])
        cut = lines.start(last + 1)
        before = text[:cut] if text[:cut].endswith("\n") else text[:cut] + "\n"
        return before + _joined(render_entry(appended, dash_indent, key_indent)) + text[cut:]
    ((index, entry),) = replacements.items()
    parsed_entry = parsed.entries[index]
    first, last = _entry_lines(lines, parsed_entry)
    if entry is None:
        new_lines: list[str] = []
    else:
        indent = parsed_entry.start - lines.start(first)
        comments = [c for line in range(first, last + 1) if (c := _comment(parsed, lines, line))]
        new_lines = [" " * indent + c for c in comments] + render_entry(entry, indent, indent + key_indent - dash_indent)
    return text[: lines.start(first)] + _joined(new_lines) + text[lines.start(last + 1) :]


def _joined(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


@dataclass
class _Block:
    entry: Entry
    comments: list[str]
    blank_before: bool


def _formatted(parsed: ParsedGlossary, replacements: dict[int, Entry | None], appended: Entry | None) -> str:
    lines = _Lines(parsed.text)
    terms_line = lines.of(parsed.terms_key.start_mark.index) if parsed.terms_key is not None else -1
    spans = [_entry_lines(lines, parsed_entry) for parsed_entry in parsed.entries]
    header: list[str] = []
    trailer: list[str] = []
    blocks = [_Block(parsed_entry.entry, [], False) for parsed_entry in parsed.entries]
    claimed = -1
    gap_start = terms_line + 1
    for number, (first, last) in enumerate(spans):
        gap_start = max(gap_start, claimed + 1)
        for line in range(gap_start, max(last, claimed) + 1):
            comment = _comment(parsed, lines, line)
            if comment is not None:
                blocks[number].comments.append(comment)
            elif number > 0 and line < first and not lines.get(line).strip() and not blocks[number].comments:
                blocks[number].blank_before = True
        claimed = max(claimed, last)
        gap_start = claimed + 1
    trailer_blank = False
    for line in range(lines.count()):
        if spans and terms_line < line <= claimed:
            continue
        comment = _comment(parsed, lines, line)
        if line <= terms_line:
            if comment is not None:
                header.append(comment)
        elif comment is not None:
            trailer.append(comment)
        elif not trailer and not lines.get(line).strip():
            trailer_blank = True
    kept: list[_Block] = []
    for number, block in enumerate(blocks):
        new_entry = replacements.get(number, block.entry)
        if new_entry is not None:
            kept.append(replace(block, entry=new_entry))
    if appended is not None:
        kept.append(_Block(appended, [], False))
    if kept and kept[0].blank_before:
        kept[0] = replace(kept[0], blank_before=False)
    out = [comment.lstrip() for comment in header] + header_lines(parsed.glossary)
    out.append("terms:" if kept else "terms: []")
    for block in kept:
        if block.blank_before:
            out.append("")
        out += [" " * CANONICAL_DASH_INDENT + comment for comment in block.comments]
        out += render_entry(block.entry, CANONICAL_DASH_INDENT, CANONICAL_KEY_INDENT)
    if trailer:
        out += ([""] if trailer_blank else []) + trailer
    return _joined(out)
