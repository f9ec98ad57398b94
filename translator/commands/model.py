"""``tarjama model``: list, install, remove and inspect translation models.

Argos packages live where argospm keeps them ($ARGOS_PACKAGES_DIR, else
$XDG_DATA_HOME/argos-translate/packages), so both tools share one set of models.
Converted CTranslate2 models (OPUS-MT, NLLB-200, M2M-100) live in tarjama's
models folder ($TARJAMA_MODELS_DIR, else $XDG_DATA_HOME/tarjama/models).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Callable

import click

from glossary.options import format_option, progress_option
from translator import __version__, packages
from translator.models import installed
from translator.models.layouts import LAYOUT_TITLES


def _human_size(size_bytes: int) -> str:
    if size_bytes < 1024:
        return f"{size_bytes} B"
    size = size_bytes / 1024
    for unit in ("KB", "MB"):
        if size < 1024:
            return f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


@click.group()
def model() -> None:
    """Manage offline models: Argos packages and converted OPUS-MT / NLLB-200 / M2M-100 models.

    \b
    Example:
      tarjama model install ar en
      tarjama model install ~/Downloads/translate-ar_en-1_0.argosmodel
      tarjama model install ~/models/opus-mt-ar-en --name opus-mt-ar-en
      tarjama model list
    """


@model.command("list")
@format_option("text", "json")
def list_command(output_format: str) -> None:
    """List installed models: name, language pair, version, size, path, layout.

    Argos packages first, then converted CTranslate2 models (their version is
    the start of their fingerprint). Folders that are not valid models are
    reported on stderr and skipped.

    \b
    Example:
      tarjama model list
      tarjama model list --format json
    """
    scan = packages.scan_packages(packages.packages_dir())
    models_folder = installed.models_dir()
    models, broken_models = installed.scan_models(models_folder)
    broken = scan.broken + broken_models
    for problem in broken:
        click.echo(f"tarjama: warning: skipping {problem}", err=True)
    if output_format == "json":
        document = {
            "tool": "tarjama",
            "tool_version": __version__,
            "packages_dir": str(scan.directory),
            "packages": [package.as_dict() for package in scan.packages],
            "models_dir": str(models_folder),
            "models": [converted.as_dict() for converted in models],
            "broken": [{"path": problem.path, "error": problem.message} for problem in broken],
        }
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    if not scan.packages and not models:
        click.echo(f"no packages installed in {scan.directory}")
        click.echo(f"hint: {packages.offline_hint()}")
        return
    rows = [(p.name, p.from_code, p.to_code, p.package_version, p.size_bytes, p.path, p.layout) for p in scan.packages]
    rows += [(m.name, m.from_code, m.to_code, m.version, m.size_bytes, m.path, m.layout) for m in models]
    for name, from_code, to_code, version, size, path, layout in rows:
        click.echo(f"{name}\t{from_code}→{to_code}\t{version}\t{_human_size(size)}\t{path}\t{LAYOUT_TITLES[layout]}")


def _progress_printer(enabled: bool) -> Callable[[int, int | None], None] | None:
    if not enabled:
        return None

    def report(done: int, total: int | None) -> None:
        if total:
            line = f"\rdownloading: {_human_size(done)} of {_human_size(total)} ({100 * done // total}%)"
        else:
            line = f"\rdownloading: {_human_size(done)}"
        click.echo(line, nl=False, err=True)

    return report


@model.command("install")
@click.argument("what", nargs=-1, required=True, metavar="FROM TO | FILE.argosmodel | FOLDER | FOLDER.zip")
@click.option(
    "--name",
    metavar="NAME",
    help="Name for a converted model (default: its folder name); what --model NAME takes.",
)
@click.option(
    "--index-url",
    metavar="URL",
    envvar="TARJAMA_INDEX_URL",
    default=packages.DEFAULT_INDEX_URL,
    show_default=True,
    help="Argos package index to download from (env TARJAMA_INDEX_URL).",
)
@progress_option
def install_command(what: tuple[str, ...], name: str | None, index_url: str, progress: bool | None) -> None:
    """Install an Argos package (FROM TO from the index, or a .argosmodel file),
    or a converted CTranslate2 model (a folder, or a zip of one).

    The package is checked (zip integrity, one top-level folder, no unsafe
    paths, metadata, a model that loads) before it replaces anything; on any
    failure the installed packages are unchanged. Offline machines: download the
    .argosmodel elsewhere and install the file.

    A converted OPUS-MT, NLLB-200 or M2M-100 model (made by
    ct2-transformers-converter, see the README) is copied into tarjama's models
    folder under --name, after its layout is recognised, the model and its
    SentencePiece models load and a short test sentence translates.

    \b
    Example:
      tarjama model install ar en
      tarjama model install translate-ar_en-1_0.argosmodel
      tarjama model install ar en --index-url http://mirror.local/index.json
      tarjama model install ./opus-mt-ar-en --name opus-mt-ar-en
      tarjama model install nllb-200-distilled-600M.zip --name nllb
    """
    directory = packages.packages_dir()
    if len(what) == 1 and installed.is_converted_model(Path(what[0])):
        converted = installed.install_model(Path(what[0]), installed.models_dir(), name)
        click.echo(
            f"installed {converted.name} ({converted.from_code}→{converted.to_code} "
            f"{LAYOUT_TITLES[converted.layout]} {converted.version}) in {converted.path}"
        )
        return
    if name is not None:
        raise click.UsageError("--name is for converted CTranslate2 models; an Argos package keeps its own folder name")
    if len(what) == 1:
        installed_package = packages.install_package_file(Path(what[0]), directory)
    elif len(what) == 2:
        show_progress = sys.stderr.isatty() if progress is None else progress
        callback = _progress_printer(show_progress)
        try:
            installed_package = packages.install_from_index(what[0], what[1], directory, index_url, callback)
        finally:
            if callback is not None:
                click.echo("", err=True)
    else:
        raise click.UsageError("give FROM TO (e.g. `ar en`) or one .argosmodel file")
    click.echo(
        f"installed {installed_package.name} ({installed_package.from_code}→{installed_package.to_code} "
        f"{installed_package.package_version}) in {installed_package.path}"
    )


@model.command("remove")
@click.argument("name")
def remove_command(name: str) -> None:
    """Uninstall a model, by name (see `model list`) or an Argos package's language pair.

    \b
    Example:
      tarjama model remove translate-ar_en-1_0
      tarjama model remove ar-en
      tarjama model remove opus-mt-ar-en
    """
    if installed.find_model(name, installed.models_dir()) is not None:
        converted = installed.remove_model(name, installed.models_dir())
        click.echo(f"removed {converted.name} ({converted.from_code}→{converted.to_code} {LAYOUT_TITLES[converted.layout]})")
        return
    removed = packages.remove_package(name, packages.packages_dir())
    click.echo(f"removed {removed.name} ({removed.from_code}→{removed.to_code} {removed.package_version})")


@model.command("info")
@click.argument("name", required=False, default="ar-en")
@format_option("text", "json")
def info_command(name: str, output_format: str) -> None:
    """Show an installed model's metadata (default: the ar→en Argos package).

    \b
    Example:
      tarjama model info
      tarjama model info translate-ar_en-1_0 --format json
      tarjama model info opus-mt-ar-en
    """
    converted = installed.find_model(name, installed.models_dir())
    if converted is not None:
        files = converted.files()
        details: dict[str, Any] = {
            **converted.as_dict(),
            "layout_title": files.title,
            "source_prefix": list(files.source_prefix),
            "source_suffix": list(files.source_suffix),
            "target_prefix": list(files.target_prefix),
        }
        if output_format == "json":
            click.echo(json.dumps(details, ensure_ascii=False, indent=2))
            return
        for key, value in details.items():
            shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            click.echo(f"{key}: {shown}")
        return
    package = packages.find_package(name, packages.packages_dir())
    if output_format == "json":
        document: dict[str, Any] = {**package.as_dict(), "metadata": dict(package.metadata)}
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    click.echo(f"name: {package.name}")
    click.echo(f"path: {package.path}")
    click.echo(f"size: {_human_size(package.size_bytes)}")
    for key, value in package.metadata.items():
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        click.echo(f"{key}: {shown}")
