"""Walking folder trees into a list of files to translate, and where each goes.

``a/b/x.ar.txt`` under an input folder becomes ``OUT/a/b/x.en.txt``. Hidden
folders and files (a leading dot: ``.git``, ``.tarjama``) are never entered,
unsupported files are skipped, and both are counted so the summary can say so.
"""
from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable, Sequence

from glossary.errors import InputFileError, OutputError

# Manifest, plan and memory snapshot live here, inside the output folder.
STATE_FOLDER = ".tarjama"


def supported_suffixes() -> frozenset[str]:
    """THE test of which files an archive run translates (lower-case suffixes).

    One place on purpose: a format that ``tarjama translate`` learns (by a
    suffix table) becomes archive-translatable by changing only this answer.
    """
    # Archive workers translate text and Markdown (their documents are one unit);
    # the document formats join once the workers read through translator.formats.
    return frozenset({".txt"}) | _markdown_suffixes()


def _markdown_suffixes() -> frozenset[str]:
    from translator.formats import FORMAT_MODULES

    return frozenset(suffix for suffix, name in FORMAT_MODULES.items() if name == "markdown")


@dataclass(frozen=True)
class ArchiveFile:
    """One file of the archive: its path as shown to the user, relative path, and output."""

    shown: str  # the input folder as given, joined with the relative path (messages use it)
    source: str  # absolute path (workers on other machines read this)
    relative: str  # POSIX path relative to the output folder's mirror: a/b/x.ar.txt
    output_relative: str  # a/b/x.en.txt
    size: int  # bytes, for the time-left estimate

    @property
    def markdown(self) -> bool:
        return PurePosixPath(self.relative).suffix.lower() in _markdown_suffixes()


@dataclass(frozen=True)
class ArchivePlan:
    """Every file to consider, sorted by relative path, and what the walk skipped."""

    out_dir: Path
    files: tuple[ArchiveFile, ...]
    skipped_hidden: int = 0
    skipped_unsupported: int = 0
    skipped_excluded: int = 0
    skipped_links: int = 0

    @property
    def state_dir(self) -> Path:
        return self.out_dir / STATE_FOLDER


@dataclass
class _Walk:
    files: list[ArchiveFile] = field(default_factory=list)
    hidden: int = 0
    unsupported: int = 0
    excluded: int = 0
    links: int = 0


def plan_archive(
    folders: Sequence[str],
    out_dir: str,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    output_name: Callable[[Path], str] | None = None,
) -> ArchivePlan:
    """The files under ``folders`` to translate into ``out_dir``, mirroring each tree.

    ``include``/``exclude`` are glob patterns matched against the path relative
    to its input folder (``a/b/x.ar.txt``) and against the bare file name; a
    file is kept when it matches some include (or none are given) and no
    exclude. Two inputs mapping to one output is an error, as for single files.
    """
    from translator.commands.translate import output_name as default_output_name

    name_of = output_name or default_output_name
    out_real = Path(os.path.realpath(out_dir))
    suffixes = supported_suffixes()
    walk = _Walk()
    for folder in folders:
        root = Path(folder)
        if not root.is_dir():
            raise InputFileError("not a folder", path=folder)
        _walk_folder(root, out_real, suffixes, include, exclude, name_of, walk)
    walk.files.sort(key=lambda f: (f.output_relative, f.shown))
    seen: dict[str, str] = {}
    for item in walk.files:
        if item.output_relative in seen:
            raise OutputError(
                f"{seen[item.output_relative]} and {item.shown} would both be written to it",
                path=str(Path(out_dir) / item.output_relative),
            )
        seen[item.output_relative] = item.shown
    return ArchivePlan(
        out_dir=Path(out_dir),
        files=tuple(walk.files),
        skipped_hidden=walk.hidden,
        skipped_unsupported=walk.unsupported,
        skipped_excluded=walk.excluded,
        skipped_links=walk.links,
    )



def _walk_folder(
    root: Path,
    out_real: Path,
    suffixes: frozenset[str],
    include: Sequence[str],
    exclude: Sequence[str],
    name_of: Callable[[Path], str],
    walk: _Walk,
) -> None:
    def refuse(error: OSError) -> None:
        raise InputFileError(f"cannot read the folder ({error.strerror or error})", path=error.filename)

    # followlinks=False: a symlinked folder could loop or leave the tree; it is counted, not entered.
    for directory, subfolders, names in os.walk(root, onerror=refuse, followlinks=False):
        here = Path(directory)
        kept = []
        for sub in sorted(subfolders):
            full = here / sub
            if sub.startswith("."):
                walk.hidden += 1
            elif full.is_symlink():
                walk.links += 1
            elif Path(os.path.realpath(full)) == out_real:
                continue  # the output folder inside an input folder: never translate our own outputs
            else:
                kept.append(sub)
        subfolders[:] = kept
        for name in sorted(names):
            full = here / name
            relative = full.relative_to(root).as_posix()
            if name.startswith("."):
                walk.hidden += 1
                continue
            if full.suffix.lower() not in suffixes:
                walk.unsupported += 1
                continue
            if not _selected(relative, name, include, exclude):
                walk.excluded += 1
                continue
            try:
                stat = full.stat()
            except OSError:
                walk.links += 1  # a dangling link
                continue
            output_relative = PurePosixPath(relative).with_name(name_of(Path(name))).as_posix()
            walk.files.append(
                ArchiveFile(
                    shown=str(full),
                    source=os.path.abspath(full),
                    relative=relative,
                    output_relative=output_relative,
                    size=stat.st_size,
                )
            )


def _selected(relative: str, name: str, include: Iterable[str], exclude: Iterable[str]) -> bool:
    def matches(pattern: str) -> bool:
        return fnmatch.fnmatchcase(relative, pattern) or fnmatch.fnmatchcase(name, pattern)

    include = list(include)
    if include and not any(matches(p) for p in include):
        return False
    return not any(matches(p) for p in exclude)
