"""``tarjama model``: list, install, remove and inspect Argos translation packages.

Packages live where argospm keeps them ($ARGOS_PACKAGES_DIR, else
$XDG_DATA_HOME/argos-translate/packages), so both tools share one set of models.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Callable

import click

from glossary.options import format_option, progress_option
from translator import __version__, packages


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
    """Manage offline translation packages (Argos Translate .argosmodel).

    \b
    Example:
      tarjama model install ar en
      tarjama model install ~/Downloads/translate-ar_en-1_0.argosmodel
      tarjama model list
    """


@model.command("list")
@format_option("text", "json")
def list_command(output_format: str) -> None:
    """List installed packages: name, language pair, version, size, path.

    Folders in the packages directory that are not valid packages are reported
    on stderr and skipped.

    \b
    Example:
      tarjama model list
      tarjama model list --format json
    """
    scan = packages.scan_packages(packages.packages_dir())
    for problem in scan.broken:
        click.echo(f"tarjama: warning: skipping {problem}", err=True)
    if output_format == "json":
        document = {
            "tool": "tarjama",
            "tool_version": __version__,
            "packages_dir": str(scan.directory),
            "packages": [package.as_dict() for package in scan.packages],
            "broken": [{"path": problem.path, "error": problem.message} for problem in scan.broken],
        }
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    if not scan.packages:
        click.echo(f"no packages installed in {scan.directory}")
        click.echo(f"hint: {packages.offline_hint()}")
        return
    for package in scan.packages:
        click.echo(
            f"{package.name}\t{package.from_code}→{package.to_code}\t{package.package_version}\t"
            f"{_human_size(package.size_bytes)}\t{package.path}"
        )


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
@click.argument("what", nargs=-1, required=True, metavar="FROM TO | FILE.argosmodel")
@click.option(
    "--index-url",
    metavar="URL",
    envvar="TARJAMA_INDEX_URL",
    default=packages.DEFAULT_INDEX_URL,
    show_default=True,
    help="Argos package index to download from (env TARJAMA_INDEX_URL).",
)
@progress_option
def install_command(what: tuple[str, ...], index_url: str, progress: bool | None) -> None:
    """Install a package from the Argos index (FROM TO) or from a local file.

    The package is checked (zip integrity, one top-level folder, no unsafe
    paths, metadata, a model that loads) before it replaces anything; on any
    failure the installed packages are unchanged. Offline machines: download the
    .argosmodel elsewhere and install the file.

    \b
    Example:
      tarjama model install ar en
      tarjama model install translate-ar_en-1_0.argosmodel
      tarjama model install ar en --index-url http://mirror.local/index.json
    """
    directory = packages.packages_dir()
    if len(what) == 1:
        installed = packages.install_package_file(Path(what[0]), directory)
    elif len(what) == 2:
        show_progress = sys.stderr.isatty() if progress is None else progress
        callback = _progress_printer(show_progress)
        try:
            installed = packages.install_from_index(what[0], what[1], directory, index_url, callback)
        finally:
            if callback is not None:
                click.echo("", err=True)
    else:
        raise click.UsageError("give FROM TO (e.g. `ar en`) or one .argosmodel file")
    click.echo(
        f"installed {installed.name} ({installed.from_code}→{installed.to_code} {installed.package_version}) "
        f"in {installed.path}"
    )


@model.command("remove")
@click.argument("name")
def remove_command(name: str) -> None:
    """Uninstall a package, by folder name (see `model list`) or language pair.

    \b
    Example:
      tarjama model remove translate-ar_en-1_0
      tarjama model remove ar-en
    """
    removed = packages.remove_package(name, packages.packages_dir())
    click.echo(f"removed {removed.name} ({removed.from_code}→{removed.to_code} {removed.package_version})")


@model.command("info")
@click.argument("name", required=False, default="ar-en")
@format_option("text", "json")
def info_command(name: str, output_format: str) -> None:
    """Show an installed package's metadata (default: the ar→en package).

    \b
    Example:
      tarjama model info
      tarjama model info translate-ar_en-1_0 --format json
    """
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
