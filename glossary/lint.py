"""Lint: problems in a glossary that loads, reported as findings (data, not exceptions).

Loading (glossary.yamlio) already refuses what cannot work at all: bad YAML,
unknown keys, two entries with the same source form, a target another entry
avoids. Lint reports what loads but is wrong or suspicious. Rules:

- ``arabic-in-rendering`` (error): Arabic letters in a target, accept or avoid;
  renderings are English, so this is a pasted-in-the-wrong-field mistake.
- ``avoid-is-target`` (error): an avoid equal to the entry's own target (as
  English matching compares them: case, "the", apostrophes, hyphens folded);
  ``check`` would flag every correct translation.
- ``accept-is-avoid`` (error): the same rendering both accepted and avoided.
- ``shadowed-form`` (error): a source form equal (after Arabic normalization)
  to one of its own entry's ``exclude`` phrases: the form can never match.
  A shorter form that a longer entry contains is *not* shadowing (the longest
  match wins only where the longer phrase occurs), and an ``exclude`` phrase
  that is another entry's source is legitimate, merely belt and braces.
- ``exclude-without-form`` (warning): an ``exclude`` phrase containing none of
  the entry's source forms; it can never apply.
- ``duplicate-value`` (warning): a form, accept, avoid or exclude listed twice
  in one entry.
- ``accept-is-target`` (warning): an accept equal to the target (redundant).
- ``duplicate-target`` (warning): two entries with the same target; merge them
  into one entry with several source forms.
- ``latin-in-source`` (warning): Latin letters in a source or exclude form.
- ``stray-whitespace`` (warning): leading or trailing whitespace, a run of
  spaces, or a tab or line break inside a term (not checked in ``note``).
"""
from __future__ import annotations

import re

from glossary.english import fold_english
from glossary.findings import ERROR, WARNING, Finding
from glossary.model import CASE_EXACT, Entry, Glossary
from glossary.normalize import normalize_arabic

_ARABIC_RE = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN_RE = re.compile("[A-Za-z\u00c0-\u024f]")
_STRAY_SPACE_RE = re.compile(r"^\s|\s$|\s\s|[\t\n\r\v\f]")


def lint(glossary: Glossary) -> list[Finding]:
    """All findings for ``glossary``, in entry order."""
    findings: list[Finding] = []
    first_with_target: dict[str, Entry] = {}
    for entry in glossary.entries:
        findings += _entry_findings(glossary, entry)
        folded = fold_english(entry.target)
        if folded in first_with_target:
            other = first_with_target[folded]
            findings.append(
                _finding(
                    glossary, entry, "duplicate-target", WARNING,
                    f"target '{entry.target}' is also the target of the entry at line {other.line};"
                    " merge them into one entry with several source forms",
                )
            )
        else:
            first_with_target[folded] = entry
    return findings


def _finding(glossary: Glossary, entry: Entry, rule: str, severity: str, message: str) -> Finding:
    return Finding(
        rule=rule,
        severity=severity,
        message=message,
        path=glossary.path,
        line=entry.line or None,
        column=entry.column or None,
        entry_target=entry.target,
    )


def _entry_findings(glossary: Glossary, entry: Entry) -> list[Finding]:
    found: list[Finding] = []

    def report(rule: str, severity: str, message: str) -> None:
        found.append(_finding(glossary, entry, rule, severity, message))

    renderings = [("target", entry.target)] + [("accept", v) for v in entry.accept] + [("avoid", v) for v in entry.avoid]
    for key, value in renderings:
        if _ARABIC_RE.search(value):
            report("arabic-in-rendering", ERROR, f"{key} '{value}' contains Arabic letters; renderings are English")
    def same(a: str, b: str) -> bool:
        return _same_rendering(a, b, entry.case == CASE_EXACT)

    for value in entry.avoid:
        if same(value, entry.target):
            report("avoid-is-target", ERROR, f"avoid '{value}' is the entry's own target '{entry.target}'")
    for value in entry.accept:
        if any(same(value, avoided) for avoided in entry.avoid):
            report("accept-is-avoid", ERROR, f"'{value}' is both accepted and avoided")
        if same(value, entry.target):
            report("accept-is-target", WARNING, f"accept '{value}' is the target itself; drop it")
    excluded = {normalize_arabic(value).strip(): value for value in entry.exclude}
    forms = [normalize_arabic(form).strip() for form in entry.sources]
    for form, key in zip(entry.sources, forms):
        if key in excluded:
            report("shadowed-form", ERROR, f"source '{form}' is also in 'exclude' ('{excluded[key]}'), so it never matches")
    for key, phrase in excluded.items():
        if key not in forms and not any(_contains_words(key, form) for form in forms):
            report("exclude-without-form", WARNING, f"exclude '{phrase}' contains none of the entry's source forms, so it never applies")
    for key, values, fold in (
        ("source", entry.sources, normalize_arabic),
        ("accept", entry.accept, fold_english),
        ("avoid", entry.avoid, fold_english),
        ("exclude", entry.exclude, normalize_arabic),
    ):
        seen: set[str] = set()
        for value in values:
            folded = fold(value).strip()
            if folded in seen:
                report("duplicate-value", WARNING, f"{key} '{value}' is listed twice")
            seen.add(folded)
    for key, values in (("source", entry.sources), ("exclude", entry.exclude)):
        for value in values:
            if _LATIN_RE.search(value):
                report("latin-in-source", WARNING, f"{key} '{value}' contains Latin letters")
    fields = [("source", v) for v in entry.sources] + renderings + [("exclude", v) for v in entry.exclude]
    if entry.type:
        fields.append(("type", entry.type))
    for key, value in fields:
        if _STRAY_SPACE_RE.search(value):
            report("stray-whitespace", WARNING, f"{key} {value!r} has leading, trailing, doubled or non-space whitespace")
    return found


def _same_rendering(a: str, b: str, case_exact: bool) -> bool:
    """Equal as English matching sees them; under ``case: exact`` letter case counts."""
    if fold_english(a) != fold_english(b):
        return False
    return not case_exact or [c for c in a if c.isalpha()] == [c for c in b if c.isalpha()]


def _contains_words(phrase: str, form: str) -> bool:
    """Whether normalized ``phrase`` contains normalized ``form`` (clitics may attach in front)."""
    return form in phrase
