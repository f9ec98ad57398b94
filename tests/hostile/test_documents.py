"""Hostile HTML and Word files × translate and check: one error line and exit 2
(or a correct translation), never a traceback, never a partial output."""
from __future__ import annotations

import io
import os
import struct
import zipfile
from pathlib import Path
from typing import Callable

import pytest
from docx import Document

from hostile_inputs import (
    FIXTURE_MODEL,
    HEADLINE,
    assert_no_traceback,
    assert_refused,
    folder_state,
    invoke,
    write_file,
)

MACRO_CONTENT_TYPE = b"application/vnd.ms-word.document.macroEnabled.main+xml"
MAIN_CONTENT_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
ENTITY_BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE w:document [\n<!ENTITY a "aaaaaaaaaa">\n'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">\n' for i in range(8))
    + ']>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>&i;</w:t></w:r></w:p></w:body></w:document>"
)
XXE = (
    '<?xml version="1.0"?>\n<!DOCTYPE w:styles [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    '<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">&x;</w:styles>'
)


def _docx_bytes() -> bytes:
    document = Document()
    document.add_paragraph(HEADLINE)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _rezip(data: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    """``data`` with each member passed through ``change`` (None drops it)."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = change(info.filename, source.read(info))
            if body is not None:
                target.writestr(info, body)
    return output.getvalue()


def _claims_terabytes(data: bytes) -> bytes:
    """A zip whose central directory claims a 4 GB member (a zip bomb's signature)."""
    patched = bytearray(data)
    position = patched.find(b"PK\x01\x02")
    while position >= 0:
        struct.pack_into("<I", patched, position + 24, 0xFFFFFFF0)
        position = patched.find(b"PK\x01\x02", position + 4)
    return bytes(patched)


def _bad_crc(data: bytes) -> bytes:
    stored = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
    patched = bytearray(stored.getvalue())
    position = patched.find(b"<w:body>")
    patched[position + 1 : position + 2] = b"W"
    return bytes(patched)


def _deep_html(levels: int) -> bytes:
    return ("<html><body>" + "<div>" * levels + HEADLINE + "</div>" * levels + "</body></html>").encode("utf-8")


def _big_html() -> bytes:
    paragraph = f"<p>{HEADLINE}</p>\n".encode("utf-8")
    return b"<html><body>\n" + paragraph * (50 * 1024 * 1024 // len(paragraph) + 1) + b"</body></html>\n"


# name -> (file name, bytes builder, needle of the one error line)
REFUSED: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "docx that is not a zip": ("report.ar.docx", lambda: HEADLINE.encode("utf-8"), "not a zip archive"),
    "zip without word/document.xml": (
        "report.ar.docx",
        lambda: _rezip(_docx_bytes(), lambda name, body: None if name == "word/document.xml" else body),
        "no word/document.xml",
    ),
    "encrypted document": (
        "report.ar.docx",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096,
        "encrypted",
    ),
    "macro-enabled docm renamed docx": (
        "report.ar.docx",
        lambda: _rezip(
            _docx_bytes(),
            lambda name, body: body.replace(MAIN_CONTENT_TYPE, MACRO_CONTENT_TYPE) if name == "[Content_Types].xml" else body,
        ),
        "macro-enabled",
    ),
    "entity bomb in document.xml": (
        "report.ar.docx",
        lambda: _rezip(_docx_bytes(), lambda name, body: ENTITY_BOMB.encode() if name == "word/document.xml" else body),
        "declares a DTD",
    ),
    "external entity (XXE) in styles.xml": (
        "report.ar.docx",
        lambda: _rezip(_docx_bytes(), lambda name, body: XXE.encode() if name == "word/styles.xml" else body),
        "word/styles.xml declares a DTD",
    ),
    "zip bomb (claimed size)": ("report.ar.docx", lambda: _claims_terabytes(_docx_bytes()), "zip bomb"),
    "corrupt member (bad CRC)": ("report.ar.docx", lambda: _bad_crc(_docx_bytes()), "cannot read word/document.xml"),
    "malformed XML part": (
        "report.ar.docx",
        lambda: _rezip(_docx_bytes(), lambda name, body: body[:-20] if name == "word/document.xml" else body),
        "word/document.xml is not well-formed XML",
    ),
    "50 MB HTML page": ("page.ar.html", _big_html, "tarjama translates pages up to 32 MiB"),
    "markup nested 10,000 levels deep": ("page.ar.html", lambda: _deep_html(10_000), "nested more than 255 levels"),
}


def _translate(source: Path, tmp: Path) -> list[str]:
    return ["translate", str(source), "--model", str(FIXTURE_MODEL), "--no-cache", "--no-glossary"]


def _check(source: Path, tmp: Path) -> list[str]:
    target = source.with_name(source.name.replace(".ar.", ".en."))
    write_file(target, source.read_bytes())
    glossary = write_file(tmp / "g.yaml", "version: 1\nsource_lang: ar\ntarget_lang: en\nterms: []\n")
    return ["check", "--source", str(source), "--target", str(target), "-g", str(glossary)]


COMMANDS = {"translate": _translate, "check": _check}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("case", list(REFUSED))
def test_hostile_document_is_one_error_line(tmp_path: Path, case: str, command: str) -> None:
    name, build, needle = REFUSED[case]
    source = write_file(tmp_path / name, build())
    args = COMMANDS[command](source, tmp_path)
    before = folder_state(tmp_path)
    result = invoke(args)
    line = assert_refused(result, needle)
    assert str(source) in line or str(source.with_name(source.name.replace(".ar.", ".en."))) in line
    assert folder_state(tmp_path) == before


def test_nesting_a_browser_keeps_is_translated(tmp_path: Path) -> None:
    source = write_file(tmp_path / "page.ar.html", _deep_html(200))
    result = invoke(_translate(source, tmp_path))
    assert_no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 0, result.stderr
    english = (tmp_path / "page.en.html").read_text(encoding="utf-8")
    assert english.count("<div>") == 200
    assert "Qayyarah base" in english


@pytest.mark.parametrize("name", ["report.ar.docx", "page.ar.html"])
def test_ctrl_c_leaves_no_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    data = _docx_bytes() if name.endswith(".docx") else f"<html><body><p>{HEADLINE}</p></body></html>".encode()
    source = write_file(tmp_path / name, data)
    before = folder_state(tmp_path)

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    result = invoke(_translate(source, tmp_path))
    assert_no_traceback(result.stdout, result.stderr)
    assert result.exit_code == 130
    assert folder_state(tmp_path) == before
