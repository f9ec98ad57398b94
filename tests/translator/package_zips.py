"""Build broken and foreign variants of the fixture package for refusal tests."""
from __future__ import annotations

import io
import json
import stat
import zipfile
from pathlib import Path
from typing import Callable

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FIXTURE_MODEL = FIXTURES / "ar_en_tiny.argosmodel"
TOP = "translate-ar_en-tiny"

Members = dict[str, bytes]


def fixture_members() -> Members:
    with zipfile.ZipFile(FIXTURE_MODEL) as bundle:
        return {info.filename: bundle.read(info) for info in bundle.infolist()}


def write_zip(path: Path, members: Members, symlinks: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for name, data in members.items():
            bundle.writestr(name, data)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            bundle.writestr(info, target)
    return path


def with_metadata(members: Members, **changes: str) -> Members:
    metadata = json.loads(members[f"{TOP}/metadata.json"])
    metadata.update(changes)
    return {**members, f"{TOP}/metadata.json": json.dumps(metadata).encode()}


def renamed_top(members: Members, top: str) -> Members:
    return {top + name[len(TOP):]: data for name, data in members.items()}


def truncated(path: Path) -> Path:
    data = FIXTURE_MODEL.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def without(prefix: str) -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        return write_zip(path, {n: d for n, d in fixture_members().items() if not n.startswith(prefix)})

    return build


def extra(name: str) -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        return write_zip(path, {**fixture_members(), name: b"owned"})

    return build


def with_symlink(path: Path) -> Path:
    return write_zip(path, fixture_members(), symlinks={f"{TOP}/link": "/etc/passwd"})


def corrupt_model_bin(path: Path) -> Path:
    return write_zip(path, {**fixture_members(), f"{TOP}/model/model.bin": b"not a model"})


def not_a_zip(path: Path) -> Path:
    path.write_text("مرحبا، هذا ليس ملف حزمة\n", encoding="utf-8")
    return path


def fr_en_package(path: Path) -> Path:
    members = renamed_top(with_metadata(fixture_members(), from_code="fr", from_name="French"), "translate-fr_en-tiny")
    return write_zip(path, members)


def snapshot(directory: Path) -> list[tuple[str, int]]:
    """Every path under ``directory`` with its size: equal snapshots mean nothing changed."""
    if not directory.exists():
        return []
    return sorted((str(p.relative_to(directory)), p.stat().st_size if p.is_file() else -1) for p in directory.rglob("*"))


def bit_flipped(path: Path) -> Path:
    """The fixture with one byte of model.bin's compressed data changed (a damaged download)."""
    data = bytearray(FIXTURE_MODEL.read_bytes())
    with zipfile.ZipFile(FIXTURE_MODEL) as bundle:
        info = bundle.getinfo(f"{TOP}/model/model.bin")
    # Local header is 30 bytes plus name and extra field; then the compressed data.
    header = 30 + len(info.filename.encode()) + len(info.extra)
    data[info.header_offset + header + info.compress_size // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    return path
