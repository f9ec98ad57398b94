"""Argos Translate packages: where they live, what makes one valid, installing and removing.

An Argos package (``.argosmodel``) is a zip holding ONE top-level folder with
``metadata.json``, ``model/`` (a CTranslate2 model) and ``sentencepiece.model``.
Installed packages are unpacked folders in the same directory ``argospm`` uses, so
both tools see the same models.

Nothing here prints or exits: functions return plain data and raise the
:mod:`glossary.errors` types. ``ctranslate2`` and ``sentencepiece`` are imported
only inside the deep validation, so listing packages stays fast.

We do not call ``argostranslate.package.install_from_path``: it accepts broken
zips, extracts straight into the packages directory (a failure leaves half a
package behind) and imports ``argostranslate.translate`` (torch, seconds).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
import urllib.error
import urllib.request
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Mapping

from glossary.errors import ModelNotInstalled, PackageError, PackageIndexError
from translator.models.layouts import ARGOS, ModelFiles

DEFAULT_INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
DOWNLOAD_TIMEOUT_S = 30.0
PACKAGE_SUFFIX = ".argosmodel"
# Work folders we create inside the packages directory start with this; listing skips them.
WORK_PREFIX = ".tarjama-"
# "ar-en", "ar_en" or "ar→en": a language pair rather than a path or folder name.
PAIR_PATTERN = re.compile(r"^([a-z]{2,3})\s*(?:-|_|→|->)\s*([a-z]{2,3})$")
VOCABULARY_FILES = ("shared_vocabulary.json", "shared_vocabulary.txt")
SPLIT_VOCABULARY_FILES = (
    ("source_vocabulary.json", "target_vocabulary.json"),
    ("source_vocabulary.txt", "target_vocabulary.txt"),
)

ProgressCallback = Callable[[int, "int | None"], None]


@dataclass(frozen=True)
class InstalledPackage:
    """An unpacked, validated Argos package folder."""

    path: Path
    # The folder name, e.g. ``translate-ar_en-1_0``; what ``model remove`` takes.
    name: str
    from_code: str
    to_code: str
    package_version: str
    metadata: Mapping[str, Any] = field(compare=False, hash=False, repr=False)
    size_bytes: int = 0

    @property
    def model_dir(self) -> Path:
        return self.path / "model"

    @property
    def sentencepiece_model(self) -> Path:
        return self.path / "sentencepiece.model"

    @property
    def target_prefix(self) -> str:
        """Token some multilingual Argos models need at the start of the output ("" if none)."""
        value = self.metadata.get("target_prefix", "")
        return value if isinstance(value, str) else ""

    @property
    def pair(self) -> str:
        return f"{self.from_code}-{self.to_code}"

    @property
    def layout(self) -> str:
        return ARGOS

    def files(self) -> ModelFiles:
        """The package as the engine loads it (one SentencePiece model for both sides)."""
        prefix = (self.target_prefix,) if self.target_prefix else ()
        return ModelFiles(
            ARGOS,
            self.path,
            self.model_dir,
            self.sentencepiece_model,
            self.sentencepiece_model,
            self.name,
            self.package_version,
            target_prefix=prefix,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "from_code": self.from_code,
            "to_code": self.to_code,
            "package_version": self.package_version,
            "size_bytes": self.size_bytes,
            "path": str(self.path),
        }


@dataclass(frozen=True)
class PackageScan:
    """What a packages directory holds: valid packages, and folders that are not."""

    directory: Path
    packages: list[InstalledPackage]
    broken: list[PackageError]


@dataclass(frozen=True)
class IndexEntry:
    """One package offered by an Argos package index."""

    from_code: str
    to_code: str
    package_version: str
    argos_version: str
    links: tuple[str, ...]
    raw: Mapping[str, Any] = field(compare=False, hash=False, repr=False)


# ---------------------------------------------------------------- locations


def packages_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where installed packages live, the same rule as argostranslate/argospm.

    ``$ARGOS_PACKAGES_DIR``, else ``$XDG_DATA_HOME/argos-translate/packages``, else
    ``~/.local/share/argos-translate/packages``. Read at call time, never at import.
    """
    env = os.environ if environ is None else environ
    if env.get("ARGOS_PACKAGES_DIR"):
        return Path(env["ARGOS_PACKAGES_DIR"]).expanduser()
    data_home = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home).expanduser() / "argos-translate" / "packages"


def model_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where ``--model FILE.argosmodel`` is unpacked once: ``$TARJAMA_CACHE/models``,
    else ``$XDG_CACHE_HOME/tarjama/models``, else ``~/.cache/tarjama/models``."""
    env = os.environ if environ is None else environ
    if env.get("TARJAMA_CACHE"):
        return Path(env["TARJAMA_CACHE"]).expanduser() / "models"
    cache_home = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache_home).expanduser() / "tarjama" / "models"


def offline_instructions(from_code: str = "ar", to_code: str = "en") -> str:
    """How to install a package on a machine without network access."""
    file_name = f"translate-{from_code}_{to_code}-1_0{PACKAGE_SUFFIX}"
    return (
        f"download {file_name} on a connected machine (https://www.argosopentech.com/argospm/index/), "
        f"copy it here and run `tarjama model install PATH/{file_name}` "
        f"(`argospm install translate-{from_code}_{to_code}` installs into the same folder)"
    )


def offline_hint(from_code: str = "ar", to_code: str = "en") -> str:
    """The exact commands that get a package onto this machine, online and offline."""
    return (
        f"install it with `tarjama model install {from_code} {to_code}` (downloads from the Argos index), "
        f"or offline: {offline_instructions(from_code, to_code)}"
    )


# ---------------------------------------------------------------- validation


def read_metadata(package_path: Path) -> dict[str, Any]:
    """``metadata.json`` as a dict with string ``from_code``/``to_code``; PackageError otherwise."""
    metadata_path = package_path / "metadata.json"
    try:
        text = metadata_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PackageError("not an Argos package: metadata.json is missing", str(package_path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PackageError(f"cannot read metadata.json: {exc}", str(package_path)) from None
    try:
        metadata = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PackageError(f"metadata.json is not valid JSON: {exc.msg}", str(metadata_path), exc.lineno, exc.colno) from None
    if not isinstance(metadata, dict):
        raise PackageError("metadata.json must hold a JSON object", str(metadata_path))
    for key in ("from_code", "to_code"):
        if not isinstance(metadata.get(key), str) or not metadata[key]:
            raise PackageError(f"metadata.json has no {key}", str(metadata_path))
    return metadata


def validate_package_dir(path: Path, *, load: bool = False) -> InstalledPackage:
    """Check that ``path`` is a usable Argos package folder and describe it.

    The cheap check (always): metadata.json with language codes, ``model/`` with
    ``model.bin`` and a vocabulary, ``sentencepiece.model``. With ``load=True`` the
    model is also opened with ctranslate2 and the tokenizer with sentencepiece,
    which is what ``install`` does so that a package that cannot run is never installed.
    """
    path = Path(path)
    if not path.is_dir():
        raise PackageError("not a package folder", str(path))
    metadata = read_metadata(path)
    model_dir = path / "model"
    if not model_dir.is_dir():
        raise PackageError("not an Argos package: the model/ folder is missing", str(path))
    if not (model_dir / "model.bin").is_file():
        raise PackageError("broken package: model/model.bin is missing", str(path))
    has_vocabulary = any((model_dir / name).is_file() for name in VOCABULARY_FILES) or any(
        (model_dir / source).is_file() and (model_dir / target).is_file() for source, target in SPLIT_VOCABULARY_FILES
    )
    if not has_vocabulary:
        raise PackageError("broken package: model/ has no vocabulary file", str(path))
    sentencepiece_path = path / "sentencepiece.model"
    if not sentencepiece_path.is_file():
        raise PackageError("broken package: sentencepiece.model is missing", str(path))
    if load:
        _load_check(path)
    return InstalledPackage(
        path=path,
        name=path.name,
        from_code=metadata["from_code"],
        to_code=metadata["to_code"],
        package_version=str(metadata.get("package_version", "")),
        metadata=metadata,
        size_bytes=_tree_size(path),
    )


def _load_check(path: Path) -> None:
    import ctranslate2
    import sentencepiece

    try:
        processor = sentencepiece.SentencePieceProcessor(model_file=str(path / "sentencepiece.model"))
        processor.encode("اختبار")
    except (RuntimeError, OSError) as exc:
        raise PackageError(f"broken package: sentencepiece.model does not load ({_one_line(exc)})", str(path)) from None
    try:
        ctranslate2.Translator(str(path / "model"), device="cpu", inter_threads=1, intra_threads=1)
    except (RuntimeError, ValueError, OSError) as exc:
        raise PackageError(f"broken package: the CTranslate2 model does not load ({_one_line(exc)})", str(path)) from None


def _tree_size(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def version_key(version: str) -> tuple[int, ...]:
    """Order package versions numerically: "1.9" < "1.10"; "0.1-tiny" < "1.0"."""
    return tuple(int(part) for part in re.findall(r"\d+", version))


# ---------------------------------------------------------------- listing


def scan_packages(directory: Path) -> PackageScan:
    """Every package folder in ``directory``; broken folders are reported, not fatal."""
    directory = Path(directory)
    packages: list[InstalledPackage] = []
    broken: list[PackageError] = []
    try:
        children = sorted(directory.iterdir())
    except FileNotFoundError:
        return PackageScan(directory, [], [])
    except OSError as exc:
        raise PackageError(f"cannot read the packages folder: {_one_line(exc)}", str(directory)) from None
    for child in children:
        if child.name.startswith(".") or not child.is_dir():
            continue
        try:
            packages.append(validate_package_dir(child))
        except PackageError as exc:
            broken.append(exc)
    return PackageScan(directory, packages, broken)


def list_packages(directory: Path) -> list[InstalledPackage]:
    """The valid packages in ``directory``, sorted by folder name (broken ones skipped)."""
    return scan_packages(directory).packages


def find_package(name_or_pair: str, directory: Path) -> InstalledPackage:
    """The installed package named ``name_or_pair`` (folder name) or for that pair ("ar-en")."""
    packages = list_packages(directory)
    for package in packages:
        if package.name == name_or_pair:
            return package
    pair = PAIR_PATTERN.match(name_or_pair.strip().lower())
    if pair:
        matching = [p for p in packages if (p.from_code, p.to_code) == pair.groups()]
        if matching:
            return max(matching, key=lambda p: version_key(p.package_version))
        from_code, to_code = pair.groups()
        raise ModelNotInstalled(
            f"no {from_code}→{to_code} package is installed in {directory}; {offline_hint(from_code, to_code)}"
        )
    names = ", ".join(p.name for p in packages) or "none"
    raise ModelNotInstalled(f"no installed package named {name_or_pair!r} in {directory} (installed: {names})")


# ---------------------------------------------------------------- install / remove


def check_archive(archive: Path, required_member: str | None = "metadata.json") -> str:
    """Refuse anything but a sound zip with one top-level folder holding ``required_member``.

    Returns that folder's name. Rejects truncated or corrupt zips, absolute or
    ``..`` member paths and symlinks (zip-slip), so extraction can only write
    inside the folder we give it.
    """
    shown = str(archive)
    try:
        with zipfile.ZipFile(archive) as bundle:
            members = bundle.infolist()
            corrupt = bundle.testzip()
    except FileNotFoundError:
        raise PackageError("no such file", shown) from None
    except IsADirectoryError:
        raise PackageError("is a folder, not a .argosmodel file", shown) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, ValueError) as exc:
        raise PackageError(f"not a valid .argosmodel (zip) file, maybe truncated: {_one_line(exc)}", shown) from None
    except OSError as exc:
        raise PackageError(f"cannot read the package: {_one_line(exc)}", shown) from None
    if corrupt is not None:
        raise PackageError(f"corrupt package: {corrupt} fails its checksum (truncated download?)", shown)
    if not members:
        raise PackageError("empty zip: not an Argos package", shown)
    top_levels: set[str] = set()
    for member in members:
        name = member.filename
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
            raise PackageError(f"unsafe member path {name!r} (points outside the package)", shown)
        if stat.S_ISLNK(member.external_attr >> 16):
            raise PackageError(f"unsafe member {name!r}: symbolic links are not allowed in a package", shown)
        if parts:
            top_levels.add(parts[0])
    if len(top_levels) != 1 or any(len(PurePosixPath(m.filename).parts) == 1 and not m.is_dir() for m in members):
        found = ", ".join(sorted(top_levels)[:5])
        what = "an Argos package" if required_member == "metadata.json" else "a model archive"
        raise PackageError(f"{what} holds exactly one top-level folder; found: {found}", shown)
    (top,) = top_levels
    if top.startswith(".") or top in {".", ""}:
        raise PackageError(f"unusable package folder name {top!r}", shown)
    if required_member is not None and not any(m.filename == f"{top}/{required_member}" for m in members):
        raise PackageError(f"not an Argos package: {top}/{required_member} is missing", shown)
    return top


def _work_folder(directory: Path, purpose: str) -> Path:
    """A hidden scratch folder inside the packages folder (created if needed), for atomic renames.

    It sits beside the target so the final rename stays on one filesystem;
    ``list`` skips it, and whoever made it removes it.
    """
    try:
        directory.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{purpose}-", dir=directory))
    except OSError as exc:
        raise PackageError(f"cannot write to the packages folder: {_one_line(exc)}", str(directory)) from None


def install_package_file(
    archive: Path, directory: Path, expect_pair: tuple[str, str] | None = None
) -> InstalledPackage:
    """Install a ``.argosmodel`` into ``directory``, all or nothing.

    The zip is checked, extracted into a work folder beside the target, validated
    (including loading the model), and only then renamed into place. Replacing an
    installed package of the same name swaps the two folders in one step. On any
    failure the installed set is exactly as before. ``expect_pair`` refuses a
    package for another language pair before it is installed.
    """
    archive = Path(archive)
    directory = Path(directory)
    top = check_archive(archive)
    work = _work_folder(directory, "install")
    try:
        try:
            with zipfile.ZipFile(archive) as bundle:
                bundle.extractall(work)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
            raise PackageError(f"cannot extract the package: {_one_line(exc)}", str(archive)) from None
        extracted = work / top
        try:
            candidate = validate_package_dir(extracted, load=True)
            if expect_pair is not None:
                _check_pair(candidate, *expect_pair)
        except PackageError as exc:
            # Name the archive the user gave, not our work folder.
            raise PackageError(exc.message, str(archive)) from None
        target = directory / top
        _move_into_place(extracted, target, work)
        return validate_package_dir(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _move_into_place(new: Path, target: Path, work: Path) -> None:
    try:
        if not target.exists():
            os.rename(new, target)
            return
        if _exchange(new, target):
            return  # the old package now sits in the work folder and is deleted with it
        # No atomic exchange here (not Linux, or an old kernel): two renames, and
        # the old package comes back if the second one fails.
        parked = work / "previous"
        os.rename(target, parked)
        try:
            os.rename(new, target)
        except OSError:
            os.rename(parked, target)
            raise
    except OSError as exc:
        raise PackageError(f"cannot install the package: {_one_line(exc)}", str(target)) from None


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically with Linux renameat2(RENAME_EXCHANGE); False if unsupported."""
    library = ctypes.util.find_library("c")
    if library is None:
        return False
    try:
        libc = ctypes.CDLL(library, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    return bool(result == 0)


def remove_package(name_or_pair: str, directory: Path) -> InstalledPackage:
    """Uninstall a package by folder name or pair; the folder disappears in one rename."""
    directory = Path(directory)
    package = find_package(name_or_pair, directory)
    try:
        graveyard = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}remove-", dir=directory))
        os.rename(package.path, graveyard / package.name)
    except OSError as exc:
        raise PackageError(f"cannot remove the package: {_one_line(exc)}", str(package.path)) from None
    shutil.rmtree(graveyard, ignore_errors=True)
    return package


# ---------------------------------------------------------------- resolving --model


def resolve_model(
    spec: str | None,
    from_code: str,
    to_code: str,
    environ: Mapping[str, str] | None = None,
) -> InstalledPackage:
    """The package to translate ``from_code``→``to_code`` with.

    ``spec`` is None (the installed package for the pair), a pair ("ar-en",
    "ar_en"), a package folder, or a ``.argosmodel`` file (unpacked once into the
    model cache, keyed by the file's sha256, and reused afterwards). Raises
    ModelNotInstalled with the commands that fix it, or PackageError for a broken
    package or one for another language pair.
    """
    if spec is None or (PAIR_PATTERN.match(spec.strip().lower()) and not Path(spec).exists()):
        pair = (from_code, to_code)
        if spec is not None:
            requested = PAIR_PATTERN.match(spec.strip().lower())
            assert requested is not None
            if requested.groups() != pair:
                raise PackageError(
                    f"--model {spec} asks for a {requested.group(1)}→{requested.group(2)} package; "
                    f"tarjama needs {from_code}→{to_code}"
                )
        directory = packages_dir(environ)
        try:
            scan = scan_packages(directory)
        except PackageError:
            scan = PackageScan(directory, [], [])
        matching = [p for p in scan.packages if (p.from_code, p.to_code) == pair]
        if not matching:
            raise ModelNotInstalled(
                f"no {from_code}→{to_code} translation package is installed (looked in {directory}); "
                f"{offline_hint(from_code, to_code)}"
            )
        return _check_pair(max(matching, key=lambda p: (version_key(p.package_version), p.name)), from_code, to_code)

    path = Path(spec).expanduser()
    if path.is_dir():
        return _check_pair(validate_package_dir(path), from_code, to_code)
    if path.is_file():
        return _unpacked_from_cache(path, (from_code, to_code), environ)
    raise PackageError(
        "no such model: give a package folder, a .argosmodel file, or a pair like ar-en", str(path)
    )


def _check_pair(package: InstalledPackage, from_code: str, to_code: str) -> InstalledPackage:
    if (package.from_code, package.to_code) != (from_code, to_code):
        raise PackageError(
            f"is a {package.from_code}→{package.to_code} package; tarjama needs {from_code}→{to_code}",
            str(package.path),
        )
    return package


def _unpacked_from_cache(
    archive: Path, pair: tuple[str, str], environ: Mapping[str, str] | None
) -> InstalledPackage:
    digest = _sha256(archive)
    slot = model_cache_dir(environ) / digest
    cached = _cached_package(slot, pair)
    if cached is not None:
        return cached
    try:
        return install_package_file(archive, slot, expect_pair=pair)
    except PackageError:
        # Two runs unpacking the same file at once: the loser's rename finds the
        # winner's folder in place. The slot is keyed by the file's sha256, so
        # the winner's package is this very file: use it.
        cached = _cached_package(slot, pair)
        if cached is None:
            raise
        return cached


def _cached_package(slot: Path, pair: tuple[str, str]) -> InstalledPackage | None:
    """The valid package already unpacked in ``slot``, or None (missing or damaged)."""
    if not slot.is_dir():
        return None
    for child in sorted(slot.iterdir()):
        if child.is_dir() and not child.name.startswith("."):
            try:
                return _check_pair(validate_package_dir(child), *pair)
            except PackageError:
                return None  # a damaged cache entry: unpack again over it
    return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise PackageError(f"cannot read the package: {_one_line(exc)}", str(path)) from None
    return digest.hexdigest()


# ---------------------------------------------------------------- the package index


def _network_reason(exc: Exception) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {_one_line(Exception(exc.reason))}"
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    return _one_line(reason) if isinstance(reason, BaseException) else " ".join(str(reason).split())


def fetch_index(url: str, timeout: float = DOWNLOAD_TIMEOUT_S) -> list[IndexEntry]:
    """The packages an Argos index (``index.json``) offers. PackageIndexError if unreachable."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body = response.read()
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise PackageIndexError(f"cannot reach the package index {url}: {_network_reason(exc)}") from None
    try:
        raw = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PackageIndexError(f"the package index {url} is not valid JSON: {_one_line(exc)}") from None
    if not isinstance(raw, list):
        raise PackageIndexError(f"the package index {url} is not a JSON list of packages")
    entries = []
    for item in raw:
        if not isinstance(item, dict):
            continue
        links = item.get("links")
        if not isinstance(item.get("from_code"), str) or not isinstance(item.get("to_code"), str):
            continue
        if not isinstance(links, list) or not all(isinstance(link, str) for link in links):
            continue
        entries.append(
            IndexEntry(
                from_code=item["from_code"],
                to_code=item["to_code"],
                package_version=str(item.get("package_version", "")),
                argos_version=str(item.get("argos_version", "")),
                links=tuple(links),
                raw=item,
            )
        )
    return entries


def install_from_index(
    from_code: str,
    to_code: str,
    directory: Path,
    index_url: str = DEFAULT_INDEX_URL,
    progress_callback: ProgressCallback | None = None,
    timeout: float = DOWNLOAD_TIMEOUT_S,
) -> InstalledPackage:
    """Download the newest ``from_code``→``to_code`` package the index offers and install it.

    The download goes to a work file inside ``directory``; it is checked and
    installed exactly like a local file (:func:`install_package_file`).
    ``progress_callback(done_bytes, total_bytes_or_None)`` is called as bytes arrive.
    """
    hint = offline_instructions(from_code, to_code)
    try:
        entries = fetch_index(index_url, timeout)
    except PackageIndexError as exc:
        raise PackageIndexError(f"{exc.message}; offline: {hint}") from None
    matching = [e for e in entries if (e.from_code, e.to_code) == (from_code, to_code) and e.links]
    if not matching:
        raise PackageIndexError(f"the package index {index_url} offers no {from_code}→{to_code} package")
    entry = max(matching, key=lambda e: version_key(e.package_version))
    directory = Path(directory)
    work = _work_folder(directory, "download")
    try:
        failures = []
        for link in entry.links:
            file_name = PurePosixPath(urllib.request.url2pathname(link.split("?")[0])).name or "package.argosmodel"
            download = work / file_name
            try:
                _download(link, download, progress_callback, timeout)
            except PackageIndexError as exc:
                failures.append(exc.message)
                continue
            return install_package_file(download, directory, expect_pair=(from_code, to_code))
        raise PackageIndexError(f"{'; '.join(failures)}; offline: {hint}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _download(url: str, destination: Path, progress_callback: ProgressCallback | None, timeout: float) -> None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(destination, "wb") as out:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            done = 0
            if progress_callback:
                progress_callback(0, total)
            while True:
                block = response.read(1 << 16)
                if not block:
                    break
                out.write(block)
                done += len(block)
                if progress_callback:
                    progress_callback(done, total)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise PackageIndexError(f"cannot download {url}: {_network_reason(exc)}") from None
    if total is not None and done != total:
        raise PackageIndexError(f"download of {url} stopped after {done} of {total} bytes")
