"""XLIFF, TMX and PO files in the shapes real tools write, with Arabic news carrying seed-glossary terms.

Each builder returns the file's text. Units are given as ``(id, source_xml,
target_xml_or_None)``; the XML of a side may hold the tool's inline codes.
"""
from __future__ import annotations

from typing import Sequence

Unit = tuple[str, str, "str | None"]

# Arabic wire-news sentences with seed-glossary terms, some inside inline codes.
NEWS_12: list[Unit] = [
    (
        "1",
        'سلّم <g id="g1">التحالف الدولي</g> قاعدة القيارة إلى القوات العراقية.',
        None,
    ),
    (
        "2",
        'وقال <bpt id="b1">&lt;b&gt;</bpt>مصدر عسكري<ept id="b1">&lt;/b&gt;</ept> إن <x id="x1"/>الحشد الشعبي انتشر قرب الموصل.',
        None,
    ),
    (
        "3",
        'اتهمت واشنطن <ph id="p1">&lt;a href="#kh"/&gt;</ph>كتائب حزب الله بقصف قاعدة التاجي.',
        None,
    ),
]


def po2xliff(units: Sequence[Unit], source_lang: str = "ar", target_lang: str = "") -> str:
    """translate-toolkit's ``po2xliff`` shape: one file, ``datatype="po"``, ``xml:space="preserve"`` units."""
    body = []
    for unit_id, source, target in units:
        target_xml = "" if target is None else f"\n        <target>{target}</target>"
        body.append(
            f'      <trans-unit xml:space="preserve" id="{unit_id}" approved="no">\n'
            f"        <source>{source}</source>{target_xml}\n"
            f'        <context-group name="po-reference" purpose="location"><context context-type="sourcefile">news.py:{unit_id}</context></context-group>\n'
            "      </trans-unit>"
        )
    target_attr = f' target-language="{target_lang}"' if target_lang is not None else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">\n'
        f'  <file datatype="po" original="news.po" source-language="{source_lang}"{target_attr}>\n'
        "    <body>\n" + "\n".join(body) + "\n    </body>\n  </file>\n</xliff>\n"
    )


def omegat_12(units: Sequence[Unit]) -> str:
    """OmegaT's XLIFF 1.2 export: a header with the tool, ``state`` on every target."""
    body = []
    for unit_id, source, target in units:
        target_xml = "" if target is None else f'\n        <target state="translated">{target}</target>'
        body.append(
            f'      <trans-unit id="{unit_id}">\n        <source xml:lang="ar-IQ">{source}</source>{target_xml}\n'
            f'        <note from="OmegaT">news desk</note>\n      </trans-unit>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">\n'
        '  <file original="akhbar/qayyarah.html" source-language="ar-IQ" target-language="en-US" datatype="html">\n'
        '    <header><tool tool-id="OmegaT" tool-name="OmegaT" tool-version="5.7.1"/></header>\n'
        "    <body>\n" + "\n".join(body) + "\n    </body>\n  </file>\n</xliff>\n"
    )


def memoq_12(units: Sequence[Unit]) -> str:
    """memoQ's ``.mqxliff``: the ``mq`` namespace on units, a skeleton-free body with ``alt-trans``."""
    body = []
    for unit_id, source, target in units:
        target_xml = "" if target is None else f"<target xml:space=\"preserve\">{target}</target>"
        body.append(
            f'<trans-unit id="{unit_id}" mq:status="NotStarted" mq:percent="0" mq:translatorcommitmatchrate="0">'
            f'<source xml:space="preserve">{source}</source>{target_xml}'
            f'<alt-trans origin="TM"><source>{source}</source><target>TM suggestion {unit_id}</target></alt-trans>'
            "<mq:insertedmatch mq:matchtype=\"0\" mq:source=\"\" mq:target=\"\"/>"
            "</trans-unit>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\r\n'
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" xmlns:mq="MQXliff" version="1.2">\r\n'
        '<file original="D:\\Jobs\\2020-03\\qayyarah.docx" source-language="ar" target-language="en-gb" datatype="x-mq-docx">\r\n'
        '<header><mq:historical-unit-data /></header>\r\n'
        "<body>\r\n" + "\r\n".join(body) + "\r\n</body>\r\n</file>\r\n</xliff>"
    )


def sdlxliff(units: Sequence[tuple[str, Sequence[tuple[str, str, "str | None"]]]]) -> str:
    """Trados Studio's SDLXLIFF: ``seg-source`` with ``mrk mtype="seg"``, ``sdl:seg-defs``, a skeleton.

    ``units`` is ``[(unit_id, [(mid, source_xml, target_xml_or_None), …]), …]``.
    """
    body = []
    for unit_id, segments in units:
        seg_source = " ".join(f'<mrk mtype="seg" mid="{mid}">{source}</mrk>' for mid, source, _ in segments)
        plain_source = " ".join(source for _, source, _ in segments)
        translated = [(mid, target) for mid, _, target in segments if target is not None]
        target_xml = (
            "<target>" + " ".join(f'<mrk mtype="seg" mid="{mid}">{target}</mrk>' for mid, target in translated) + "</target>"
            if translated
            else ""
        )
        defs = "".join(
            f'<sdl:seg id="{mid}" conf="Draft" origin="mt"/>' if target is not None else f'<sdl:seg id="{mid}"/>'
            for mid, _, target in segments
        )
        body.append(
            f'<group><sdl:cxts><sdl:cxt id="c{unit_id}"/></sdl:cxts><trans-unit id="{unit_id}">'
            f"<source>{plain_source}</source><seg-source>{seg_source}</seg-source>{target_xml}"
            f"<sdl:seg-defs>{defs}</sdl:seg-defs></trans-unit></group>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<xliff xmlns:sdl="http://sdl.com/FileTypes/SdlXliff/1.0" xmlns="urn:oasis:names:tc:xliff:document:1.2"'
        ' version="1.2" sdl:version="1.0">'
        '<file original="qayyarah.docx" datatype="x-sdlfilterframework2" source-language="ar-IQ" target-language="en-US">'
        '<header><file-info xmlns="http://sdl.com/FileTypes/SdlXliff/1.0"><value key="SDL:FileId">7c1f</value></file-info>'
        '<sdl:filetype-info><sdl:filetype-id>Word 2007 v 2</sdl:filetype-id></sdl:filetype-info>'
        '<tag-defs xmlns="http://sdl.com/FileTypes/SdlXliff/1.0"><tag id="pt1"><bpt name="b">&lt;w:b&gt;</bpt></tag></tag-defs>'
        "</header><body>" + "".join(body) + "</body></file></xliff>"
    )


def xliff_21(units: Sequence[Unit], state: str | None = None) -> str:
    """An XLIFF 2.1 file (Okapi/Weblate style) with ``originalData`` for the codes."""
    body = []
    for unit_id, source, target in units:
        state_attr = f' state="{state}"' if state and target is not None else ""
        target_xml = "" if target is None else f"\n          <target>{target}</target>"
        body.append(
            f'      <unit id="{unit_id}">\n'
            '        <originalData>\n          <data id="d1">&lt;b&gt;</data>\n          <data id="d2">&lt;/b&gt;</data>\n'
            '          <data id="d3">&lt;br/&gt;</data>\n        </originalData>\n'
            f"        <segment{state_attr}>\n          <source>{source}</source>{target_xml}\n        </segment>\n"
            "      </unit>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1" srcLang="ar" trgLang="en">\n'
        '  <file id="f1" original="qayyarah.html">\n'
        "    <group id=\"g1\">\n" + "\n".join(body) + "\n    </group>\n  </file>\n</xliff>\n"
    )


NEWS_21: list[Unit] = [
    ("u1", 'سلّم <pc id="1" dataRefStart="d1" dataRefEnd="d2">التحالف الدولي</pc> قاعدة القيارة إلى القوات العراقية.', None),
    ("u2", 'وقال مصدر عسكري إن<ph id="2" dataRef="d3"/> الحشد الشعبي انتشر قرب الموصل.', None),
    ("u3", 'اتهمت واشنطن <sc id="3" dataRef="d1"/>كتائب حزب الله<ec startRef="3" dataRef="d2"/> بقصف قاعدة التاجي.', None),
]


def tmx(units: Sequence[tuple[str, str, "str | None"]], srclang: str = "ar") -> str:
    """A TMX 1.4b memory as CAT tools export it (DOCTYPE naming the external DTD)."""
    body = []
    for tuid, source, target in units:
        target_xml = "" if target is None else f'\n      <tuv xml:lang="en-US"><seg>{target}</seg></tuv>'
        body.append(
            f'    <tu tuid="{tuid}" creationdate="20200326T101500Z">\n'
            f'      <tuv xml:lang="ar-IQ"><seg>{source}</seg></tuv>{target_xml}\n    </tu>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n<tmx version="1.4">\n'
        f'  <header creationtool="memoQ" creationtoolversion="9.2" segtype="sentence" o-tmf="memoQ" adminlang="en-us" srclang="{srclang}" datatype="plaintext"/>\n'
        "  <body>\n" + "\n".join(body) + "\n  </body>\n</tmx>\n"
    )
