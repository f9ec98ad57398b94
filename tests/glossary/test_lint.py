"""Lint rules: each rule fires on its case and stays quiet on a clean entry."""
from __future__ import annotations

from pathlib import Path

import pytest

from glossary.lint import lint
from glossary.model import Entry, Glossary
from glossary.yamlio import load_glossary

# (rule name for the id, entries, expected (rule, severity, message) findings)
LINT_CASES = [
    ("clean", [Entry(("الحشد الشعبي",), "Popular Mobilization Forces", accept=("PMF",), avoid=("Popular Crowd",))], []),
    ("arabic-in-target", [Entry(("الموصل",), "الموصل")],
     [("arabic-in-rendering", "error", "target 'الموصل' contains Arabic letters; renderings are English")]),
    ("arabic-in-avoid", [Entry(("الموصل",), "Mosul", avoid=("Mosul الموصل",))],
     [("arabic-in-rendering", "error", "avoid 'Mosul الموصل' contains Arabic letters; renderings are English")]),
    ("avoid-is-target", [Entry(("حزب الله",), "Hezbollah", avoid=("the hezbollah",))],
     [("avoid-is-target", "error", "avoid 'the hezbollah' is the entry's own target 'Hezbollah'")]),
    ("accept-is-avoid", [Entry(("داعش",), "Islamic State group", accept=("ISIL",), avoid=("isil",))],
     [("accept-is-avoid", "error", "'ISIL' is both accepted and avoided")]),
    ("accept-is-target", [Entry(("كوفيد-19",), "COVID-19", accept=("Covid-19",))],
     [("accept-is-target", "warning", "accept 'Covid-19' is the target itself; drop it")]),
    ("accept-differs-by-case-under-exact", [Entry(("كوفيد-19",), "COVID-19", accept=("Covid-19",), case="exact")], []),
    ("shadowed-form", [Entry(("قوات التحالف", "قوات التحالف العربي"), "coalition forces", exclude=("قوات التحالفِ العربي",))],
     [("shadowed-form", "error", "source 'قوات التحالف العربي' is also in 'exclude' ('قوات التحالفِ العربي'), so it never matches")]),
    ("exclude-containing-form-is-fine", [Entry(("قوات التحالف",), "coalition forces", exclude=("قوات التحالف العربي",))], []),
    ("exclude-without-form", [Entry(("قوات التحالف",), "coalition forces", exclude=("الجيش العراقي",))],
     [("exclude-without-form", "warning", "exclude 'الجيش العراقي' contains none of the entry's source forms, so it never applies")]),
    ("duplicate-form", [Entry(("داعش", "داعشْ"), "Islamic State group")],
     [("duplicate-value", "warning", "source 'داعشْ' is listed twice")]),
    ("latin-in-source", [Entry(("كوفيد-19 COVID",), "COVID-19")],
     [("latin-in-source", "warning", "source 'كوفيد-19 COVID' contains Latin letters")]),
    ("stray-whitespace", [Entry(("الموصل ",), "Mosul  city")],
     [("stray-whitespace", "warning", "source 'الموصل ' has leading, trailing, doubled or non-space whitespace"),
      ("stray-whitespace", "warning", "target 'Mosul  city' has leading, trailing, doubled or non-space whitespace")]),
    ("duplicate-target", [Entry(("القوات الأميركية",), "US forces"), Entry(("القوات الأمريكية",), "US Forces", line=9)],
     [("duplicate-target", "warning",
       "target 'US Forces' is also the target of the entry at line 0; merge them into one entry with several source forms")]),
]


@pytest.mark.parametrize(("entries", "expected"), [c[1:] for c in LINT_CASES], ids=[c[0] for c in LINT_CASES])
def test_lint_rule(entries: list[Entry], expected: list[tuple[str, str, str]]) -> None:
    findings = lint(Glossary(entries=tuple(entries), path="g.yaml"))
    assert [(f.rule, f.severity, f.message) for f in findings] == expected


def test_finding_carries_file_position_and_entry(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text("version: 1\nterms:\n  - source: الموصل\n    target: Mosul\n    avoid: [mosul]\n", encoding="utf-8")
    (finding,) = lint(load_glossary(path))
    assert finding.as_text() == f"{path}:3:5: error avoid-is-target: avoid 'mosul' is the entry's own target 'Mosul'"
    assert finding.entry_target == "Mosul"


def test_seed_glossary_has_no_lint_errors(seed_glossary: Path) -> None:
    assert [f.as_text() for f in lint(load_glossary(seed_glossary)) if f.severity == "error"] == []
