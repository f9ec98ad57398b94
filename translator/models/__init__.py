"""Which model a run uses: ``--model`` resolved over Argos packages and converted models.

``layouts`` says what files make each family and how each tokenizes;
``installed`` keeps converted models under a name. :func:`resolve_model_files`
is the one answer to "what does ``--model X`` mean", for every command.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from glossary.errors import ModelNotInstalled, PackageError
from translator.models.layouts import ModelFiles, detect_ctranslate2_layout, expected_files_message, looks_like_ctranslate2_model

__all__ = ["ModelChoice", "ModelFiles", "resolve_model_files"]


@dataclass(frozen=True)
class ModelChoice:
    """What the command line asked for: ``--model``, ``--device``, ``--compute-type``."""

    spec: str | None = None
    device: str = "auto"
    compute_type: str = "auto"
    # The user named the device (flag or $TARJAMA_DEVICE): an auto fallback is then worth a note.
    device_explicit: bool = False


def resolve_model_files(
    spec: str | None, from_code: str, to_code: str, environ: Mapping[str, str] | None = None
) -> ModelFiles:
    """The model ``spec`` names, ready for the engine.

    In order: nothing or a pair ("ar-en") → the newest installed Argos package
    for the pair, else the first installed converted model for it (by name); an
    existing path → an Argos package folder or ``.argosmodel`` file (as before)
    or a converted CTranslate2 model folder, its layout detected; otherwise the
    name of an installed converted model, then of an installed Argos package.
    """
    from translator import packages
    from translator.models import installed

    models_folder = installed.models_dir(environ)
    if spec is None or (packages.PAIR_PATTERN.match(spec.strip().lower()) and not Path(spec).exists()):
        try:
            return packages.resolve_model(spec, from_code, to_code, environ).files()
        except ModelNotInstalled:
            models, _broken = installed.scan_models(models_folder)
            for candidate in models:
                if (candidate.from_code, candidate.to_code) == (from_code, to_code):
                    return candidate.files()
            raise
    path = Path(spec).expanduser()
    if path.is_dir() and looks_like_ctranslate2_model(path):
        return detect_ctranslate2_layout(path, from_code, to_code)
    if path.is_dir() and not (path / "metadata.json").is_file():
        raise PackageError(expected_files_message("not a translation model"), str(path))
    if path.exists() or "/" in spec or spec.endswith(packages.PACKAGE_SUFFIX):
        # Paths (and what looks like one) keep the Argos rules and messages.
        return packages.resolve_model(spec, from_code, to_code, environ).files()
    model = installed.find_model(spec, models_folder)
    if model is not None:
        if (model.from_code, model.to_code) != (from_code, to_code):
            raise PackageError(
                f"is a {model.from_code}→{model.to_code} model; tarjama needs {from_code}→{to_code}", str(model.path)
            )
        return model.files()
    argos_folder = packages.packages_dir(environ)
    if (argos_folder / spec).is_dir() and not spec.startswith("."):
        return packages._check_pair(packages.validate_package_dir(argos_folder / spec), from_code, to_code).files()
    known = [m.name for m in installed.scan_models(models_folder)[0]]
    known += [p.name for p in packages.list_packages(argos_folder)]
    raise ModelNotInstalled(
        f"no such model {spec!r}: not a folder or file, nor an installed model "
        f"(installed: {', '.join(known) or 'none'}; see `tarjama model list`)"
    )
