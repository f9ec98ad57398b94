"""Reading and writing glossary YAML files, with a file:line:column for every error.

The file is parsed with PyYAML's *safe composer* only: we walk the node tree
ourselves instead of constructing Python objects, because construction loses
what a user needs to fix a file (positions), hides mistakes (a duplicate key
silently keeps the last value, ``target: yes`` becomes ``True``) and expands
aliases (a "billion laughs" document). Aliases are refused while composing,
before anything could expand.

The canonical layout written by :func:`dump_glossary` (and ``glossary fmt``):

- top-level keys in the order ``version, source_lang, target_lang, terms``;
- each entry as a block mapping under ``  - ``, keys in :data:`ENTRY_KEYS` order;
- lists in flow style (``[a, b]``) when the line fits in :data:`FLOW_LIST_WIDTH`
  characters, else as a block list; ``source`` is a plain string when there is one form;
- UTF-8, no ``\\u`` escapes, ``\\n`` line ends.
"""
from __future__ import annotations

import bisect
import difflib
import gc
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from glossary.english import fold_english
from glossary.errors import GlossaryError, InputFileError
from glossary.model import CASE_EXACT, CASE_INSENSITIVE, Entry, Glossary
from glossary.normalize import normalize_arabic
from glossary.textio import DecodedText, read_text

SUPPORTED_VERSION = 1
TOP_KEYS = ("version", "source_lang", "target_lang", "terms")
ENTRY_KEYS = ("source", "target", "accept", "avoid", "exclude", "type", "note", "inflect", "case")
LIST_KEYS = ("accept", "avoid", "exclude")
CASE_VALUES = (CASE_EXACT, CASE_INSENSITIVE)
# A list whose one-line flow form would make the line longer than this is
# written as a block list, one item per line.
FLOW_LIST_WIDTH = 100
# Dash indent and key indent of entries in the canonical layout.
CANONICAL_DASH_INDENT = 2
CANONICAL_KEY_INDENT = 4

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TAG_NAMES = {
    _INT: "a number",
    "tag:yaml.org,2002:float": "a number",
    _BOOL: "true/false",
    _NULL: "null",
    "tag:yaml.org,2002:timestamp": "a date",
    "tag:yaml.org,2002:seq": "a list",
    "tag:yaml.org,2002:map": "a mapping",
    _STR: "a string",
}
_NO_SUCH_FILE_HINT = "no such file; create one with: tarjama glossary add SOURCE TARGET"


class _SafeComposer(yaml.SafeLoader):
    """The safe loader, refusing aliases the moment the parser meets one."""

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise _AliasRefused(event.start_mark)
        return super().compose_node(parent, index)


class _AliasRefused(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        super().__init__()
        self.mark = mark


@dataclass
class ParsedEntry:
    """An entry with the node positions the editor and formatter need."""

    entry: Entry
    node: MappingNode
    start: int  # index of the entry's ``-`` in the text
    content_end: int  # index just past the entry's last value


@dataclass
class ParsedGlossary:
    """A parsed file: the glossary plus the node tree positions behind it."""

    glossary: Glossary
    text: str
    terms_key: ScalarNode | None
    terms_node: Node | None
    entries: list[ParsedEntry]
    # Sorted (start, end) index ranges of every scalar: a ``#`` inside one is not a comment.
    scalar_ranges: list[tuple[int, int]] = field(default_factory=list)


def load_glossary(path: str | os.PathLike[str]) -> Glossary:
    """Read and validate a glossary file (any encoding textio accepts)."""
    return parse_glossary(read_glossary_file(path).text, os.fspath(path))


def read_glossary_text(path: str | os.PathLike[str]) -> str:
    """The file's text; a missing file is a :class:`GlossaryError` with a hint."""
    return read_glossary_file(path).text


def read_glossary_file(path: str | os.PathLike[str]) -> DecodedText:
    """The decoded file; a missing file is a :class:`GlossaryError` with a hint."""
    try:
        return read_text(path)
    except InputFileError as exc:
        if exc.message == "no such file":
            raise GlossaryError(_NO_SUCH_FILE_HINT, path=os.fspath(path)) from None
        raise


def parse_glossary(text: str, path: str) -> Glossary:
    """Validate glossary YAML ``text`` (shown as ``path`` in errors) into a :class:`Glossary`."""
    with collector_paused():
        # The node tree is freed here, before the collector runs again.
        return _parse_document(text, path).glossary


def parse_document(text: str, path: str) -> ParsedGlossary:
    """Like :func:`parse_glossary`, keeping node positions for editing and formatting."""
    with collector_paused():
        return _parse_document(text, path)


def _parse_document(text: str, path: str) -> ParsedGlossary:
    root = _compose(text, path)
    if root is None:
        raise GlossaryError("the glossary file is empty; it needs 'version: 1' and 'terms:'", path, 1, 1)
    walker = _Walker(text, path)
    return walker.document(root)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while many acyclic objects are built.

    A 10,000-entry file is ~100,000 nodes and marks, none of them in a cycle;
    the collector would otherwise rescan the growing tree again and again
    (composing took 4x longer with it running). ``check`` uses it too, for the
    millions of short-lived matches it makes; reference counting still frees
    everything as it goes.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_NEEDS_PYTHON_COMPOSER = re.compile("[&*\x85\u2028\u2029]")


def _compose(text: str, path: str) -> Node | None:
    # libyaml's composer is ~5x faster (a 10,000-entry glossary: 0.34 s vs 1.7 s)
    # and its marks are character offsets like the pure-Python ones. It cannot
    # refuse aliases as it meets them, and its error messages are worded
    # differently, so any text that could hold an anchor or alias, and any text
    # it rejects, goes through the pure-Python composer for the exact message.
    fast_loader = getattr(yaml, "CSafeLoader", None)
    # libyaml also folds the YAML 1.1 line breaks NEL/LS/PS unlike the Python
    # composer; those rare texts take the Python path too.
    if fast_loader is not None and not _NEEDS_PYTHON_COMPOSER.search(text):
        try:
            node: Node | None = yaml.compose(text, Loader=fast_loader)
            return node
        except (yaml.YAMLError, RecursionError, ValueError):
            pass
    return _compose_checked(text, path)


def _compose_checked(text: str, path: str) -> Node | None:
    loader: _SafeComposer | None = None
    try:
        loader = _SafeComposer(text)
        return loader.get_single_node()
    except _AliasRefused as exc:
        raise GlossaryError(
            "YAML aliases (*name) are not allowed in a glossary; write the value out in full",
            path,
            exc.mark.line + 1,
            exc.mark.column + 1,
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        context = f" ({exc.context})" if exc.context and exc.problem else ""
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise GlossaryError(f"invalid YAML: {problem}{context}", path, line, column) from None
    except yaml.reader.ReaderError as exc:
        line, column = _line_col(text, exc.position)
        raise GlossaryError(
            f"invalid YAML: character U+{exc.character:04X} is not allowed in YAML text"
            if isinstance(exc.character, int)
            else f"invalid YAML: {exc.reason}",
            path,
            line,
            column,
        ) from None
    except yaml.YAMLError as exc:
        raise GlossaryError(f"invalid YAML: {' '.join(str(exc).split())}", path) from None
    except RecursionError:
        raise GlossaryError("invalid YAML: nested too deeply", path) from None
    finally:
        if loader is not None:
            loader.dispose()


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _where(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def content_end(node: Node) -> int:
    """Index just past a node's last character of content.

    A block collection's own end mark sits at the *next* token, after any
    comments and blank lines that follow it, so we descend to its last value.
    """
    if isinstance(node, (MappingNode, SequenceNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        return content_end(last[1] if isinstance(node, MappingNode) else last)
    return int(node.end_mark.index)


class _Walker:
    """Validates the node tree; the first problem raises :class:`GlossaryError`."""

    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.scalar_ranges: list[tuple[int, int]] = []

    def error(self, message: str, node: Node) -> GlossaryError:
        line, column = _where(node)
        return GlossaryError(message, self.path, line, column)

    def document(self, root: Node) -> ParsedGlossary:
        self.refuse_tags(root)
        if not isinstance(root, MappingNode):
            raise self.error(
                f"a glossary is a mapping with 'version' and 'terms', not {self.describe(root)}", root
            )
        fields = self.mapping(root, TOP_KEYS, "top-level key")
        if "version" not in fields:
            raise self.error("missing 'version: 1' at the top of the glossary", root)
        version_node = fields["version"][1]
        if not (isinstance(version_node, ScalarNode) and version_node.tag == _INT):
            raise self.error(f"'version' must be the number 1, not {self.describe(version_node)}", version_node)
        version = int(version_node.value.replace("_", ""), 0) if version_node.value.isdigit() else -1
        if version != SUPPORTED_VERSION:
            raise self.error(
                f"unsupported glossary version {version_node.value}; this tarjama reads version {SUPPORTED_VERSION}",
                version_node,
            )
        source_lang = self.string(fields["source_lang"][1], "source_lang") if "source_lang" in fields else "ar"
        target_lang = self.string(fields["target_lang"][1], "target_lang") if "target_lang" in fields else "en"
        if "terms" not in fields:
            raise self.error("missing 'terms:' (the list of glossary entries)", root)
        terms_key, terms_node = fields["terms"]
        entries: list[ParsedEntry] = []
        if isinstance(terms_node, SequenceNode):
            entries = [self.entry(item) for item in terms_node.value]
        elif not self.is_empty(terms_node):
            raise self.error(f"'terms' must be a list of entries, not {self.describe(terms_node)}", terms_node)
        self.check_across_entries(entries)
        glossary = Glossary(
            entries=tuple(parsed.entry for parsed in entries),
            source_lang=source_lang,
            target_lang=target_lang,
            version=version,
            path=self.path,
        )
        self.scalar_ranges.sort()
        return ParsedGlossary(glossary, self.text, terms_key, terms_node, entries, self.scalar_ranges)

    def refuse_tags(self, root: Node) -> None:
        """Refuse any tag a glossary has no use for (``!!python/object``, ``!!set``, ``!custom``).

        Scalars are checked where their value is read; a tag on a list or a
        mapping would otherwise pass unseen, since we read their children only.
        """
        pending = [root]
        while pending:  # iterative: a deeply nested document must not hit the recursion limit
            node = pending.pop()
            if node.tag not in _TAG_NAMES and not isinstance(node, ScalarNode):
                raise self.error(f"YAML tags like {node.tag} are not allowed in a glossary", node)
            if isinstance(node, MappingNode):
                for key, value in node.value:
                    pending += (key, value)
            elif isinstance(node, SequenceNode):
                pending.extend(node.value)

    def mapping(self, node: MappingNode, allowed: tuple[str, ...], what: str) -> dict[str, tuple[ScalarNode, Node]]:
        fields: dict[str, tuple[ScalarNode, Node]] = {}
        for key_node, value_node in node.value:
            if not (isinstance(key_node, ScalarNode) and key_node.tag == _STR):
                raise self.error(f"{what}s must be plain words, not {self.describe(key_node)}", key_node)
            self.scalar_ranges.append((key_node.start_mark.index, key_node.end_mark.index))
            key = key_node.value
            if key in fields:
                first_line = fields[key][0].start_mark.line + 1
                raise self.error(f"duplicate key '{key}' (first at line {first_line})", key_node)
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'?" if close else "expected one of: " + ", ".join(allowed)
                raise self.error(f"unknown {what} '{key}'; {hint}", key_node)
            fields[key] = (key_node, value_node)
        return fields

    def entry(self, node: Node) -> ParsedEntry:
        if not isinstance(node, MappingNode):
            raise self.error(
                f"each entry under 'terms' must be a mapping with 'source' and 'target', not {self.describe(node)}",
                node,
            )
        fields = self.mapping(node, ENTRY_KEYS, "entry key")
        for required in ("source", "target"):
            if required not in fields:
                raise self.error(f"entry without '{required}'", node)
        source_node = fields["source"][1]
        if isinstance(source_node, SequenceNode):
            sources = self.strings(source_node, "source")
            if not sources:
                raise self.error("'source' is an empty list; give at least one Arabic form", source_node)
        else:
            sources = (self.string(source_node, "source"),)
        line, column = _where(node)
        entry = Entry(
            sources=sources,
            target=self.string(fields["target"][1], "target"),
            accept=self.strings(fields["accept"][1], "accept") if "accept" in fields else (),
            avoid=self.strings(fields["avoid"][1], "avoid") if "avoid" in fields else (),
            exclude=self.strings(fields["exclude"][1], "exclude") if "exclude" in fields else (),
            type=self.string(fields["type"][1], "type") if "type" in fields else None,
            note=self.string(fields["note"][1], "note") if "note" in fields else None,
            inflect=self.boolean(fields["inflect"][1], "inflect") if "inflect" in fields else False,
            case=self.case(fields["case"][1]) if "case" in fields else CASE_INSENSITIVE,
            line=line,
            column=column,
        )
        return ParsedEntry(entry, node, self.dash_index(node), content_end(node))

    def dash_index(self, node: MappingNode) -> int:
        """Index of the ``-`` that introduces an entry (its mapping starts after it)."""
        index = node.start_mark.index - 1
        while index >= 0 and self.text[index] in " \t\n":
            index -= 1
        return index if index >= 0 and self.text[index] == "-" else int(node.start_mark.index)

    def string(self, node: Node, key: str, item: bool = False) -> str:
        name = f"an item of '{key}'" if item else f"'{key}'"
        if self.is_empty(node):
            raise self.error(f"{name} is empty", node)
        if node.tag not in _TAG_NAMES:
            raise self.error(f"YAML tags like {node.tag} are not allowed in a glossary", node)
        if not isinstance(node, ScalarNode) or node.tag != _STR:
            hint = f'; quote it: "{node.value}"' if isinstance(node, ScalarNode) and not node.style else ""
            raise self.error(f"{name} must be a string, not {self.describe(node)}{hint}", node)
        self.scalar_ranges.append((node.start_mark.index, node.end_mark.index))
        value: str = node.value
        if not value.strip():
            raise self.error(f"{name} is empty", node)
        return value

    def strings(self, node: Node, key: str) -> tuple[str, ...]:
        if not isinstance(node, SequenceNode):
            example = f"[{node.value}]" if isinstance(node, ScalarNode) and node.value else "[...]"
            raise self.error(f"'{key}' must be a list of strings, not {self.describe(node)}; write {key}: {example}", node)
        return tuple(self.string(item, key, item=True) for item in node.value)

    def boolean(self, node: Node, key: str) -> bool:
        if not (isinstance(node, ScalarNode) and node.tag == _BOOL):
            raise self.error(f"'{key}' must be true or false, not {self.describe(node)}", node)
        self.scalar_ranges.append((node.start_mark.index, node.end_mark.index))
        return node.value.lower() in ("true", "yes", "on", "y")

    def case(self, node: Node) -> str:
        value = self.string(node, "case")
        if value not in CASE_VALUES:
            raise self.error(f"'case' must be 'exact' or 'insensitive', not '{value}'", node)
        return value

    @staticmethod
    def is_empty(node: Node) -> bool:
        return isinstance(node, ScalarNode) and node.tag == _NULL and node.value in ("", "~")

    @staticmethod
    def describe(node: Node) -> str:
        name = _TAG_NAMES.get(node.tag)
        if name is None:
            return f"a value tagged {node.tag}"
        if isinstance(node, ScalarNode) and name != "a string":
            return f"{name} ({node.value})"
        return name

    def check_across_entries(self, entries: list[ParsedEntry]) -> None:
        """Two entries must not share a source form, nor may one's target be another's avoid."""
        form_owner: dict[str, tuple[int, ParsedEntry, str]] = {}
        avoid_owner: dict[str, tuple[int, ParsedEntry]] = {}
        for number, parsed in enumerate(entries):
            # The YAML node of a form is looked up only to report an error:
            # finding it costs more than the check itself, on every entry.
            for form_number, form in enumerate(parsed.entry.sources):
                key = normalize_arabic(form).strip()
                if not key:
                    raise self.error(
                        f"source '{form}' has no letters once diacritics are removed",
                        self.source_nodes(parsed.node)[form_number],
                    )
                other = form_owner.get(key)
                if other is not None and other[0] != number:
                    raise self.error(
                        f"source '{form}' duplicates '{other[2]}' of the entry at line {other[1].entry.line}"
                        " (equal after Arabic normalization); merge the two entries",
                        self.source_nodes(parsed.node)[form_number],
                    )
                form_owner.setdefault(key, (number, parsed, form))
            for avoided in parsed.entry.avoid:
                avoid_owner.setdefault(fold_english(avoided), (number, parsed))
        for number, parsed in enumerate(entries):
            owner = avoid_owner.get(fold_english(parsed.entry.target))
            if owner is not None and owner[0] != number:
                target_node = dict((k.value, v) for k, v in parsed.node.value)["target"]
                raise self.error(
                    f"target '{parsed.entry.target}' is listed under 'avoid' by the entry at line"
                    f" {owner[1].entry.line}; a rendering cannot be both canonical and wrong",
                    target_node,
                )

    @staticmethod
    def source_nodes(node: MappingNode) -> list[Node]:
        value = dict((k.value, v) for k, v in node.value)["source"]
        return list(value.value) if isinstance(value, SequenceNode) else [value]


def is_inside_scalar(parsed: ParsedGlossary, index: int) -> bool:
    """Whether text index ``index`` lies inside a scalar (so a ``#`` there is not a comment)."""
    position = bisect.bisect_right(parsed.scalar_ranges, (index, float("inf"))) - 1
    if position < 0:
        return False
    start, end = parsed.scalar_ranges[position]
    # Scalars do not nest, but a key range may end before a later longer range
    # starts; checking the nearest start to the left is enough.
    return start <= index < end


# ---------------------------------------------------------------- writing


def dump_glossary(glossary: Glossary) -> str:
    """The canonical YAML text of ``glossary`` (see the module docstring)."""
    lines = header_lines(glossary)
    if not glossary.entries:
        lines.append("terms: []")
    else:
        lines.append("terms:")
        for entry in glossary.entries:
            lines.extend(render_entry(entry, CANONICAL_DASH_INDENT, CANONICAL_KEY_INDENT))
    return "\n".join(lines) + "\n"


def header_lines(glossary: Glossary) -> list[str]:
    return [
        f"version: {glossary.version}",
        f"source_lang: {yaml_scalar(glossary.source_lang)}",
        f"target_lang: {yaml_scalar(glossary.target_lang)}",
    ]


def render_entry(entry: Entry, dash_indent: int, key_indent: int) -> list[str]:
    """An entry's lines: the first starts with its ``-`` at ``dash_indent``."""
    pairs: list[tuple[str, str | list[str]]] = [
        ("source", entry.sources[0] if len(entry.sources) == 1 else list(entry.sources)),
        ("target", entry.target),
    ]
    pairs += [(key, list(getattr(entry, key))) for key in LIST_KEYS if getattr(entry, key)]
    pairs += [(key, getattr(entry, key)) for key in ("type", "note") if getattr(entry, key)]
    lines: list[str] = []
    for key, value in pairs:
        prefix = " " * key_indent + key + ":"
        if isinstance(value, list):
            flow = f"{prefix} {yaml_flow_list(value)}"
            if len(flow) <= FLOW_LIST_WIDTH and not any("\n" in item for item in value):
                lines.append(flow)
            else:
                lines.append(prefix)
                lines.extend(f"{' ' * (key_indent + 2)}- {yaml_scalar(item)}" for item in value)
        else:
            lines.append(f"{prefix} {yaml_scalar(value)}")
    if entry.inflect:
        lines.append(" " * key_indent + "inflect: true")
    if entry.case != CASE_INSENSITIVE:
        lines.append(" " * key_indent + f"case: {entry.case}")
    first = lines[0]
    gap = max(key_indent - dash_indent - 1, 1)
    lines[0] = " " * dash_indent + "-" + " " * gap + first.lstrip(" ")
    return lines


def yaml_scalar(value: str) -> str:
    """``value`` as a one-line YAML scalar: plain when YAML reads it back as this string."""
    # Line breaks of any kind (YAML 1.1 counts NEL, LS and PS too) would be
    # folded in a plain or single-quoted scalar: double quotes escape them.
    style = '"' if any(c in value for c in "\n\r\x85\u2028\u2029") else None
    dumped = yaml.safe_dump(value, allow_unicode=True, width=10**9, default_style=style)
    if dumped.endswith("\n...\n"):
        dumped = dumped[: -len("\n...\n")]
    return dumped.rstrip("\n")


def yaml_flow_list(values: list[str]) -> str:
    """``[a, b]`` with each item quoted only where flow context needs it."""
    dumped: str = yaml.safe_dump(values, allow_unicode=True, width=10**9, default_flow_style=True)
    return dumped.rstrip("\n")
