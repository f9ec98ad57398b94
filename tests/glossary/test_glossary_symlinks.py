"""Glossary edits through symbolic links: the shared file gets the edit, the link stays."""
from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner, Result

from glossary import textio
from glossary.yamlio import load_glossary
from translator.cli import cli

# A team's shared glossary, written with a non-canonical layout so that fmt has work.
SHARED = """\
version: 1
source_lang: ar
target_lang: en
terms:
  - source: حزب الله
    target: Hezbollah
    avoid: [ Hizbollah ]
  - source: كتائب حزب الله
    target: Kataib Hezbollah
"""

Layout = Callable[[Path, Path], Path]  # (shared file, project folder) -> the -g path


def relative_link(shared: Path, project: Path) -> Path:
    link = project / "glossary.yaml"
    link.symlink_to(os.path.relpath(shared, project))
    return link


def absolute_link(shared: Path, project: Path) -> Path:
    link = project / "glossary.yaml"
    link.symlink_to(shared.resolve())
    return link


def chain_of_two(shared: Path, project: Path) -> Path:
    middle = project / "team" / "current.yaml"
    middle.parent.mkdir()
    middle.symlink_to(os.path.relpath(shared, middle.parent))
    link = project / "glossary.yaml"
    link.symlink_to(Path("team") / "current.yaml")
    return link


LAYOUTS = {"relative": relative_link, "absolute": absolute_link, "chain of two": chain_of_two}

# name -> (argv after -g, a check on the shared glossary afterwards)
EDITS: dict[str, tuple[list[str], Callable[[Path], bool]]] = {
    "add": (["glossary", "add", "الحشد الشعبي", "Popular Mobilization Forces"],
            lambda shared: "Popular Mobilization Forces" in shared.read_text(encoding="utf-8")),
    "remove": (["glossary", "remove", "Kataib Hezbollah"],
               lambda shared: "Kataib Hezbollah" not in shared.read_text(encoding="utf-8")),
    "fmt": (["glossary", "fmt"], lambda shared: "avoid: [Hizbollah]" in shared.read_text(encoding="utf-8")),
    "import": (["glossary", "import", "IMPORT"],
               lambda shared: "Qayyarah base" in shared.read_text(encoding="utf-8")),
}


def invoke(argv: list[str], glossary_path: Path, work: Path) -> Result:
    argv = [str(work / "import.csv") if arg == "IMPORT" else arg for arg in argv]
    return CliRunner().invoke(cli, [*argv, "-g", str(glossary_path)], catch_exceptions=False)


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "glossary.yaml").write_text(SHARED, encoding="utf-8")
    (tmp_path / "project").mkdir()
    (tmp_path / "import.csv").write_text("source,target\nقاعدة القيارة,Qayyarah base\n", encoding="utf-8")
    return tmp_path


def folder_names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("edit", list(EDITS))
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_edit_writes_the_linked_file_and_keeps_the_link(work: Path, layout: str, edit: str) -> None:
    shared = work / "shared" / "glossary.yaml"
    link = LAYOUTS[layout](shared, work / "project")
    link_target = os.readlink(link)
    argv, edited = EDITS[edit]

    result = invoke(argv, link, work)

    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == link_target
    assert edited(shared)
    load_glossary(shared)  # still a valid glossary
    # The temp file went beside the shared file, and nothing is left over anywhere.
    assert folder_names(work / "shared") == ["glossary.yaml"]
    assert "glossary.yaml" in folder_names(work / "project")
    assert not [name for name in folder_names(work / "project") if name.endswith(".tmp")]


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_the_lock_is_on_the_linked_files_folder(work: Path, layout: str, monkeypatch: pytest.MonkeyPatch) -> None:
    shared = work / "shared" / "glossary.yaml"
    link = LAYOUTS[layout](shared, work / "project")
    locked: list[int] = []
    real_flock = fcntl.flock

    def recording_flock(fd: int, operation: int) -> None:
        locked.append(os.fstat(fd).st_ino)
        real_flock(fd, operation)

    monkeypatch.setattr(textio.fcntl, "flock", recording_flock)
    result = invoke(EDITS["add"][0], link, work)
    assert result.exit_code == 0, result.output
    assert locked == [(work / "shared").stat().st_ino]


def test_permissions_of_the_shared_file_are_kept(work: Path) -> None:
    shared = work / "shared" / "glossary.yaml"
    shared.chmod(0o640)
    link = relative_link(shared, work / "project")
    assert invoke(EDITS["add"][0], link, work).exit_code == 0
    assert shared.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("edit", list(EDITS))
def test_dangling_link_is_refused(work: Path, edit: str) -> None:
    link = work / "project" / "glossary.yaml"
    link.symlink_to(Path("..") / "shared" / "gone.yaml")
    before = {folder: folder_names(work / folder) for folder in ("shared", "project")}

    result = invoke(EDITS[edit][0], link, work)

    assert result.exit_code == 2
    assert result.stderr == (
        f"tarjama: error: {link}: is a symbolic link to ../shared/gone.yaml, which does not exist;"
        " fix the link or remove it\n"
    )
    assert {folder: folder_names(work / folder) for folder in ("shared", "project")} == before
    assert link.is_symlink()


def test_a_plain_file_is_still_replaced_in_place(work: Path) -> None:
    plain = work / "project" / "glossary.yaml"
    plain.write_text(SHARED, encoding="utf-8")
    assert invoke(EDITS["add"][0], plain, work).exit_code == 0
    assert not plain.is_symlink()
    assert "Popular Mobilization Forces" in plain.read_text(encoding="utf-8")
    assert folder_names(work / "project") == ["glossary.yaml"]
