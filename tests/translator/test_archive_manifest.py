"""Manifest records: JSON round trip, torn lines, what counts as up to date."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from translator.archive.manifest import (
    ENFORCEMENT_KEYS,
    ManifestRecord,
    ManifestWriter,
    Producer,
    is_up_to_date,
    load_manifest,
    sha256_bytes,
)

PRODUCER = Producer("translate-ar_en-1_0", "1.0", "beam=4;length_penalty=1.0", "ab" * 32, "0.1.0")
paths = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)
digests = st.none() | st.text("0123456789abcdef", min_size=64, max_size=64)
records = st.builds(
    ManifestRecord,
    input=paths,
    output=paths,
    input_sha256=digests,
    output_sha256=digests,
    model=st.just(PRODUCER.model),
    model_version=st.just(PRODUCER.model_version),
    decoding=st.just(PRODUCER.decoding),
    glossary_sha256=digests,
    tool_version=st.just("0.1.0"),
    status=st.sampled_from(["ok", "error"]),
    error=st.none() | paths.map(lambda p: f"{p}:3:7: NUL byte"),
    segments=st.integers(0, 10_000),
    enforcement=st.fixed_dictionaries({key: st.integers(0, 500) for key in ENFORCEMENT_KEYS}),
)

# The machine these run on is shared: a slow draw is load, not a slow strategy.
shared_machine = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@shared_machine
@given(records)
def test_record_round_trips_through_one_json_line(record: ManifestRecord) -> None:
    line = record.to_json()
    assert "\n" not in line
    assert ManifestRecord.from_json(line) == record


@shared_machine
@given(records, st.data())
def test_a_torn_line_is_never_a_record(record: ManifestRecord, data: st.DataObject) -> None:
    line = record.to_json()
    cut = data.draw(st.integers(0, len(line) - 1))
    assert ManifestRecord.from_json(line[:cut]) is None


def _record(output_bytes: bytes, **changes: object) -> ManifestRecord:
    fields: dict[str, object] = dict(
        input="a/x.ar.txt", output="a/x.en.txt", input_sha256=sha256_bytes(b"in"), output_sha256=sha256_bytes(output_bytes),
        model=PRODUCER.model, model_version=PRODUCER.model_version, decoding=PRODUCER.decoding,
        glossary_sha256=PRODUCER.glossary_sha256, tool_version=PRODUCER.tool_version, status="ok",
    )
    fields.update(changes)
    return ManifestRecord(**fields)  # type: ignore[arg-type]


UP_TO_DATE_CASES = [
    ("same everything", {}, PRODUCER, b"out", True),
    ("earlier error", {"status": "error"}, PRODUCER, b"out", False),
    ("input changed", {"input_sha256": sha256_bytes(b"other")}, PRODUCER, b"out", False),
    ("output corrupted", {}, PRODUCER, b"ou", False),
    ("other glossary", {}, Producer(PRODUCER.model, "1.0", PRODUCER.decoding, "cd" * 32, "0.1.0"), b"out", False),
    ("no glossary now", {}, Producer(PRODUCER.model, "1.0", PRODUCER.decoding, None, "0.1.0"), b"out", False),
    ("other model version", {}, Producer(PRODUCER.model, "1.1", PRODUCER.decoding, PRODUCER.glossary_sha256, "0.1.0"), b"out", False),
    ("other beam", {}, Producer(PRODUCER.model, "1.0", "beam=2;length_penalty=1.0", PRODUCER.glossary_sha256, "0.1.0"), b"out", False),
]


@pytest.mark.parametrize(("case", "changes", "producer", "on_disk", "expected"), UP_TO_DATE_CASES, ids=[c[0] for c in UP_TO_DATE_CASES])
def test_up_to_date(tmp_path: Path, case: str, changes: dict[str, object], producer: Producer, on_disk: bytes, expected: bool) -> None:
    output = tmp_path / "x.en.txt"
    output.write_bytes(on_disk)
    assert is_up_to_date(_record(b"out", **changes), sha256_bytes(b"in"), output, producer) is expected


def test_missing_output_is_not_up_to_date(tmp_path: Path) -> None:
    assert not is_up_to_date(_record(b"out"), sha256_bytes(b"in"), tmp_path / "gone.en.txt", PRODUCER)


def test_writer_appends_then_compacts_sorted_with_the_latest_record(tmp_path: Path) -> None:
    path = tmp_path / ".tarjama" / "manifest.jsonl"
    writer = ManifestWriter(path, {})
    writer.append(_record(b"1", output="b.en.txt"))
    writer.append(_record(b"2", output="a.en.txt", status="error", error="a.ar.txt:1:1: bad"))
    writer.append(_record(b"3", output="a.en.txt"))
    assert path.read_text(encoding="utf-8").count("\n") == 3  # appended as they came
    writer.close()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [ManifestRecord.from_json(line).output for line in lines] == ["a.en.txt", "b.en.txt"]  # type: ignore[union-attr]
    assert load_manifest(path)["a.en.txt"].output_sha256 == sha256_bytes(b"3")
