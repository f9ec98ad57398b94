"""Arabic Word documents for the tests, built with python-docx (plus the raw XML
python-docx has no API for: bidi flags, complex-script bold, hyperlinks, a footnote).

The sentences come from the fixture model's training data
(``tests/fixtures/parallel.tsv``), so the fixture model translates them sensibly.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt

SENTENCE_1 = "التحالف الدولي يسلم قاعدة القيارة للقوات العراقية"
SENTENCE_2 = (
    "ولم تعلن أي جهة مسؤوليتها عن أي من الهجمات، غير أن واشنطن توجه أصابع الاتهام إلى كتائب حزب الله المقربة من إيران."
)
SENTENCE_3 = "وقال المتحدث باسم التحالف الكولونيل مايلز كيغنز عبر تويتر إن \"قيادة قوات التحالف الدولي سلمت مقراتها داخل القواعد إلى وزارة الدفاع العراقية، كما غادر مؤقتا مئات الجنود والمدربين للحفاظ على سلامتهم من فيروس كورونا\"."
CELL_TEXT = "قاعدة القيارة"
TEXT_BOX_TEXT = "التحالف الدولي يسلم قاعدة القيارة للقوات العراقية"
HEADER_TEXT = "التحالف الدولي"
FOOTER_TEXT = "قوات التحالف"
FOOTNOTE_TEXT = "مع نهاية العام 2017، أعلنت بغداد \"النصر\" على تنظيم الدولة الإسلامية الذي سيطر لنحو ثلاث سنوات على ما يقارب ثلث مساحة العراق."
LINK_TARGET = "https://example.org/twitter"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTES_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes {nsdecls("w")}>
<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
<w:footnote w:id="1"><w:p><w:pPr><w:bidi/></w:pPr><w:r><w:rPr><w:rtl/></w:rPr><w:footnoteRef/></w:r><w:r><w:rPr><w:rtl/></w:rPr><w:t xml:space="preserve"> {FOOTNOTE_TEXT}</w:t></w:r></w:p></w:footnote>
</w:footnotes>"""


def _bidi(paragraph: object) -> None:
    ppr = paragraph._p.get_or_add_pPr()  # type: ignore[attr-defined]
    ppr.insert(0, parse_xml(f"<w:bidi {nsdecls('w')}/>"))
    ppr.append(parse_xml(f'<w:jc {nsdecls("w")} w:val="left"/>'))


def _run(paragraph: object, text: str, bold_cs: bool = False, size_cs: int | None = None) -> None:
    """A run marked right-to-left, with bold (and size) held only in the complex-script slots."""
    run = paragraph.add_run(text)  # type: ignore[attr-defined]
    rpr = run._r.get_or_add_rPr()
    fonts = parse_xml(f'<w:rFonts {nsdecls("w")} w:cs="Traditional Arabic"/>')
    rpr.append(fonts)
    if bold_cs:
        rpr.append(parse_xml(f"<w:bCs {nsdecls('w')}/>"))
    if size_cs:
        rpr.append(parse_xml(f'<w:szCs {nsdecls("w")} w:val="{size_cs}"/>'))
    rpr.append(parse_xml(f"<w:rtl {nsdecls('w')}/>"))
    rpr.append(parse_xml(f'<w:lang {nsdecls("w")} w:bidi="ar-SA"/>'))


def _hyperlink(document: object, paragraph: object, text: str, url: str) -> None:
    part = document.part  # type: ignore[attr-defined]
    r_id = part.relate_to(url, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink", is_external=True)
    link = parse_xml(
        f'<w:hyperlink {nsdecls("w", "r")} r:id="{r_id}"><w:r><w:rPr><w:rStyle w:val="Hyperlink"/><w:rtl/></w:rPr>'
        f"<w:t>{text}</w:t></w:r></w:hyperlink>"
    )
    paragraph._p.append(link)  # type: ignore[attr-defined]


def build_report_docx(path: Path) -> Path:
    """report.ar.docx: bidi paragraphs, bCs-only bold on a term, a link inside a sentence,
    a bidi table with a nested table, a header, a footer and a footnote."""
    document = Document()
    section = document.sections[0]
    section._sectPr.append(parse_xml(f"<w:bidi {nsdecls('w')}/>"))
    section._sectPr.append(parse_xml(f"<w:rtlGutter {nsdecls('w')}/>"))
    header = section.header.paragraphs[0]
    _bidi(header)
    _run(header, HEADER_TEXT)
    footer = section.footer.paragraphs[0]
    _bidi(footer)
    _run(footer, FOOTER_TEXT)

    first = document.add_paragraph()
    _bidi(first)
    _run(first, "التحالف الدولي يسلم ", size_cs=28)
    _run(first, "قاعدة القيارة", bold_cs=True, size_cs=28)
    _run(first, " للقوات العراقية", size_cs=28)

    second = document.add_paragraph()
    _bidi(second)
    before, after = SENTENCE_2.split("كتائب حزب الله")
    _run(second, before)
    _run(second, "كتائب حزب الله", bold_cs=True)
    _run(second, after)
    # The footnote reference at the end of the sentence.
    second._p.append(
        parse_xml(f'<w:r {nsdecls("w")}><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="1"/></w:r>')
    )

    third = document.add_paragraph()
    _bidi(third)
    head, tail = SENTENCE_3.split("تويتر")
    _run(third, head)
    _hyperlink(document, third, "تويتر", LINK_TARGET)
    _run(third, tail)

    table = document.add_table(rows=2, cols=2)
    table._tbl.tblPr.append(parse_xml(f"<w:bidiVisual {nsdecls('w')}/>"))
    for row in table.rows:
        for cell in row.cells:
            _bidi(cell.paragraphs[0])
            _run(cell.paragraphs[0], CELL_TEXT)
    nested = table.cell(1, 1).add_table(rows=1, cols=1)
    _run(nested.cell(0, 0).paragraphs[0], HEADER_TEXT)

    # A text box (VML) anchored in a paragraph of its own: its paragraph is translated too.
    box = document.add_paragraph()
    box._p.append(
        parse_xml(
            f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape style="width:200pt;height:40pt">'
            f"<v:textbox><w:txbxContent><w:p><w:pPr><w:bidi/></w:pPr><w:r><w:rPr><w:rtl/></w:rPr>"
            f"<w:t>{TEXT_BOX_TEXT}</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
        )
    )

    # A page-number field in the body: kept untouched.
    field_paragraph = document.add_paragraph()
    field_paragraph._p.append(
        parse_xml(
            f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
        )
    )
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(_with_footnotes(buffer.getvalue()))
    return path


def _with_footnotes(data: bytes) -> bytes:
    """Add word/footnotes.xml, its relationship and its content type (python-docx has no footnote API)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "[Content_Types].xml":
                body = body.replace(
                    b"</Types>",
                    b'<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
                    b'officedocument.wordprocessingml.footnotes+xml"/></Types>',
                )
            elif info.filename == "word/_rels/document.xml.rels":
                body = body.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdFootnotes1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/footnotes" Target="footnotes.xml"/></Relationships>',
                )
            target.writestr(info, body)
        target.writestr("word/footnotes.xml", FOOTNOTES_XML.encode("utf-8"))
    return output.getvalue()


def run_texts(path: Path) -> list[str]:
    """Every paragraph's text, body then tables, as python-docx reads it."""
    document = Document(str(path))
    texts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                texts += [paragraph.text for paragraph in cell.paragraphs]
    return texts


__all__ = ["Pt", "build_report_docx", "qn", "run_texts"]
