"""Converted CTranslate2 models (OPUS-MT, NLLB-200, M2M-100) installed under a name.

They live in tarjama's own models folder, not beside the Argos packages: argospm
would take any folder there for one of its packages. Each installed model is
a copy of the converted folder plus ``tarjama-model.json`` (name, layout, pair,
fingerprint), written before the folder is renamed into place, so a model is
either wholly installed or not at all.

Functions return plain data and raise :mod:`glossary.errors` types; nothing prints.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from glossary.errors import ModelNotInstalled, PackageError
from translator.models.layouts import LAYOUT_TITLES, ModelFiles, detect_ctranslate2_layout, fingerprint

RECORD_FILE = "tarjama-model.json"
# Names are folder names and appear in commands: keep them plain.
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
WORK_PREFIX = ".tarjama-"


def models_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``$TARJAMA_MODELS_DIR``, else ``$XDG_DATA_HOME/tarjama/models``, else ``~/.local/share/tarjama/models``."""
    env = os.environ if environ is None else environ
    if env.get("TARJAMA_MODELS_DIR"):
        return Path(env["TARJAMA_MODELS_DIR"]).expanduser()
    data_home = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home).expanduser() / "tarjama" / "models"


@dataclass(frozen=True)
class InstalledModel:
    """A converted model in the models folder, as its install record describes it."""

    path: Path
    name: str
    layout: str
    from_code: str
    to_code: str
    fingerprint: str
    size_bytes: int = 0
    installed_from: str = ""

    @property
    def version(self) -> str:
        """What reports show as the model version: the start of its fingerprint."""
        return self.fingerprint[:12]

    def files(self) -> ModelFiles:
        return detect_ctranslate2_layout(self.path, self.from_code, self.to_code, self.name, self.version)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "layout": self.layout,
            "from_code": self.from_code,
            "to_code": self.to_code,
            "package_version": self.version,
            "fingerprint": self.fingerprint,
            "size_bytes": self.size_bytes,
            "path": str(self.path),
            "installed_from": self.installed_from,
        }


def read_model(folder: Path) -> InstalledModel:
    """The installed model in ``folder``; PackageError when its record is missing or wrong."""
    record_path = folder / RECORD_FILE
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PackageError(f"not an installed model: {RECORD_FILE} is missing", str(folder)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PackageError(f"cannot read {RECORD_FILE}: {' '.join(str(exc).split())}", str(folder)) from None
    fields = ("layout", "from_code", "to_code", "fingerprint")
    if not isinstance(record, dict) or not all(isinstance(record.get(key), str) for key in fields):
        raise PackageError(f"{RECORD_FILE} lacks {', '.join(fields)}", str(folder))
    if record["layout"] not in LAYOUT_TITLES:
        raise PackageError(f"{RECORD_FILE} names an unknown layout {record['layout']!r}", str(folder))
    return InstalledModel(
        path=folder,
        name=folder.name,
        layout=record["layout"],
        from_code=record["from_code"],
        to_code=record["to_code"],
        fingerprint=record["fingerprint"],
        size_bytes=_tree_size(folder),
        installed_from=str(record.get("installed_from", "")),
    )


def scan_models(directory: Path) -> tuple[list[InstalledModel], list[PackageError]]:
    """The installed models in ``directory`` and the folders there that are not."""
    models: list[InstalledModel] = []
    broken: list[PackageError] = []
    try:
        children = sorted(Path(directory).iterdir())
    except FileNotFoundError:
        return [], []
    except OSError as exc:
        raise PackageError(f"cannot read the models folder: {' '.join(str(exc).split())}", str(directory)) from None
    for child in children:
        if child.name.startswith(".") or not child.is_dir():
            continue
        try:
            models.append(read_model(child))
        except PackageError as exc:
            broken.append(exc)
    return models, broken


def find_model(name: str, directory: Path) -> InstalledModel | None:
    """The installed model called ``name``, or None (then the caller looks at Argos packages)."""
    if not NAME_PATTERN.match(name):
        return None
    folder = Path(directory) / name
    if not folder.is_dir():
        return None
    return read_model(folder)


def is_converted_model(source: Path) -> bool:
    """True for a converted CTranslate2 model: a folder with model.bin and no metadata.json,
    or a zip whose one top folder holds one. Anything else is left to the Argos installer,
    with its messages (a broken zip, a folder that is nothing)."""
    if source.is_dir():
        return not (source / "metadata.json").is_file() and not source.name.endswith(".argosmodel")
    try:
        with zipfile.ZipFile(source) as bundle:
            names = bundle.namelist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return False
    depth_two = {name.split("/", 1)[1] for name in names if name.count("/") == 1}
    return "model.bin" in depth_two and "metadata.json" not in depth_two


def install_model(
    source: Path, directory: Path, name: str | None = None, from_code: str = "ar", to_code: str = "en"
) -> InstalledModel:
    """Copy a converted model folder (or a zip of one) into ``directory`` as ``name``.

    The copy is made in a hidden work folder beside the target, its layout
    detected, the model and tokenizers loaded and a short test decode run;
    only then is it renamed into place (replacing a model of the same name in
    one step). On any failure the installed models are exactly as before.
    """
    from translator import packages

    source = Path(source).expanduser()
    directory = Path(directory)
    if not source.exists():
        raise PackageError("no such file or folder", str(source))
    work = packages._work_folder(directory, "install")
    try:
        if source.is_dir():
            staged = work / "model"
            try:
                shutil.copytree(source, staged, symlinks=False)
            except (OSError, shutil.Error) as exc:
                raise PackageError(f"cannot copy the model: {' '.join(str(exc).split())}", str(source)) from None
        else:
            top = packages.check_archive(source, required_member=None)
            try:
                with zipfile.ZipFile(source) as bundle:
                    bundle.extractall(work / "unpacked")
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
                raise PackageError(f"cannot extract the model: {' '.join(str(exc).split())}", str(source)) from None
            staged = work / "unpacked" / top
        name = name or (source.name if source.is_dir() else staged.name)
        if not NAME_PATTERN.match(name):
            raise PackageError(
                f"unusable model name {name!r}: letters, digits, '.', '_' and '-' only (choose one with --name)"
            )
        try:
            files = detect_ctranslate2_layout(staged, from_code, to_code, name)
            check_model_runs(files)
        except PackageError as exc:
            raise PackageError(exc.message, str(source)) from None
        record = {
            "name": name,
            "layout": files.layout,
            "from_code": from_code,
            "to_code": to_code,
            "fingerprint": fingerprint(staged),
            "installed_from": str(source.resolve()),
        }
        (staged / RECORD_FILE).write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        target = directory / name
        packages._move_into_place(staged, target, work)
        return read_model(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def check_model_runs(files: ModelFiles) -> None:
    """Load the model and its tokenizers on the CPU and decode one short sentence."""
    from glossary.errors import EngineError
    from translator.ct2_engine import ArgosEngine
    from translator.engine import DecodeRequest

    try:
        engine = ArgosEngine(files, beam_size=1, inter_threads=1)
        engine.translate([DecodeRequest("اختبار")])
    except EngineError as exc:
        raise PackageError(f"the model does not run: {exc.message}", str(files.folder)) from None


def remove_model(name: str, directory: Path) -> InstalledModel:
    """Uninstall a model by name; the folder disappears in one rename."""
    model = find_model(name, directory)
    if model is None:
        raise ModelNotInstalled(f"no installed model named {name!r} in {directory}")
    try:
        graveyard = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}remove-", dir=directory))
        os.rename(model.path, graveyard / model.name)
    except OSError as exc:
        raise PackageError(f"cannot remove the model: {' '.join(str(exc).split())}", str(model.path)) from None
    shutil.rmtree(graveyard, ignore_errors=True)
    return model


def _tree_size(path: Path) -> int:
    from translator.packages import _tree_size as tree_size

    return tree_size(path)
