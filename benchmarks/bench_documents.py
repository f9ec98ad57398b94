"""Benchmark: the document overhead of HTML and DOCX against the plain-text path.

Run by hand (a few minutes on 2 cores; the machine is shared, run it once):

    .venv/bin/python benchmarks/bench_documents.py

It builds the transformer-base random-weight Argos package of
``bench_translate.py`` (same builder, same fixed decoding length), then
translates the seed article three ways with ``tarjama translate`` (CLI
subprocess, --no-cache, --no-glossary, best of --repeat runs):

  a) as .txt, the baseline;
  b) as HTML: one <p> per paragraph, a bold word and a link inside every sentence;
  c) as DOCX (python-docx): one paragraph per paragraph, a bold run and a
     hyperlink inside every sentence.

The document overhead (parse, attention for tag placement, tag transfer,
write) is (b − a) / a and (c − a) / a; the target is <= 10 %. Parse and write
alone (no model) are also timed in-process and printed per document.
"""
from __future__ import annotations

import argparse
import html
import io
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_translate import ROOT, SEED_ARTICLE, _FIX_LENGTHS, _run, build_random_package  # noqa: E402

_TARJAMA = _FIX_LENGTHS + """
import sys
from translator.cli import main
sys.argv = ["tarjama", "translate", *sys.argv[1:]]
main()
"""


def paragraphs() -> list[str]:
    return [line.strip() for line in SEED_ARTICLE.read_text(encoding="utf-8").split("\n") if line.strip()]


def _marked(paragraph: str) -> tuple[str, str, str, str, str]:
    """(before, bold word, middle, link word, after): a bold word and a link inside the paragraph."""
    words = paragraph.split(" ")
    if len(words) < 5:
        return paragraph, "", "", "", ""
    bold, link = 1, len(words) // 2
    return (
        " ".join(words[:bold]) + " ",
        words[bold],
        " " + " ".join(words[bold + 1 : link]) + " ",
        words[link],
        " " + " ".join(words[link + 1 :]),
    )


def build_html(path: Path) -> Path:
    body = []
    for paragraph in paragraphs():
        before, bold, middle, link, after = (html.escape(part) for part in _marked(paragraph))
        if bold:
            body.append(f'<p>{before}<b>{bold}</b>{middle}<a href="https://example.org/{len(body)}">{link}</a>{after}</p>')
        else:
            body.append(f"<p>{before}</p>")
    page = (
        '<!DOCTYPE html>\n<html lang="ar" dir="rtl"><head><meta charset="utf-8"></head>\n<body>\n'
        + "\n".join(body)
        + "\n</body></html>\n"
    )
    path.write_text(page, encoding="utf-8")
    return path


def build_docx(path: Path) -> Path:
    from docx import Document
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = Document()
    for paragraph in paragraphs():
        before, bold, middle, link, after = _marked(paragraph)
        p = document.add_paragraph()
        p.add_run(before)
        if bold:
            p.add_run(bold).bold = True
            p.add_run(middle)
            r_id = document.part.relate_to(
                f"https://example.org/{len(document.paragraphs)}",
                "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
                is_external=True,
            )
            p._p.append(
                parse_xml(
                    f'<w:hyperlink {nsdecls("w", "r")} r:id="{r_id}"><w:r><w:t>{html.escape(link)}</w:t></w:r></w:hyperlink>'
                )
            )
            p.add_run(after)
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def parse_and_write_seconds(path: Path, repeat: int) -> float:
    """Read the document and write it back with its own text (no model): the format's own cost."""
    sys.path.insert(0, str(ROOT))
    from translator.formats import TranslatedUnit, read_document

    data = path.read_bytes()
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        document = read_document(data, str(path))
        document.write([TranslatedUnit(unit.text, unit.tags) for unit in document.units])
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each format (best is kept)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tarjama-bench-docs-") as scratch:
        work = Path(scratch)
        print("building a transformer-base package with random weights ...", flush=True)
        package = build_random_package(work / "packages" / "translate-ar_en-bench")
        inputs = {
            "a) .txt": work / "article.ar.txt",
            "b) .html": build_html(work / "article.ar.html"),
            "c) .docx": build_docx(work / "article.ar.docx"),
        }
        inputs["a) .txt"].write_text(SEED_ARTICLE.read_text(encoding="utf-8"), encoding="utf-8")
        env = {
            **__import__("os").environ,
            "ARGOS_PACKAGES_DIR": str(work / "packages"),
            "TARJAMA_CACHE": str(work / "tarjama-cache"),
            "PYTHONPATH": str(ROOT),
        }
        print(f"{len(paragraphs())} paragraphs of {SEED_ARTICLE.name}, best of {options.repeat}\n")
        timings: dict[str, float] = {label: float("inf") for label in inputs}
        (work / "out").mkdir()
        # Interleaved rounds (txt, html, docx, txt, …): on a shared machine load
        # drifts, and the best of each format is then taken under like conditions.
        for _ in range(options.repeat):
            for label, source in inputs.items():
                out = work / "out" / source.name.replace(".ar.", ".en.")
                args = [str(source), "--model", str(package), "--no-cache", "--no-progress", "--no-glossary", "-o", str(out)]
                timings[label] = min(timings[label], _run(label, _TARJAMA, args, env))
        for label in inputs:
            print(f"  {label:<10} {timings[label]:7.2f} s", flush=True)
        baseline = timings["a) .txt"]
        print()
        for label in ("b) .html", "c) .docx"):
            overhead = timings[label] / baseline - 1
            print(f"{label} document overhead vs .txt: {100 * overhead:+5.1f} % (target <= 10 %)")
        for label in ("b) .html", "c) .docx"):
            seconds = parse_and_write_seconds(inputs[label], options.repeat)
            print(f"{label} parse + write alone (no model): {1000 * seconds:6.1f} ms = {100 * seconds / baseline:4.2f} % of .txt")


if __name__ == "__main__":
    main()
