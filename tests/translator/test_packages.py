"""translator.packages: locations, validation, all-or-nothing install, resolve_model, the index."""
from __future__ import annotations

import http.server
import json
import socket
import threading
from pathlib import Path
from typing import Callable, Iterator

import package_zips as Z
import pytest
from hypothesis import given
from hypothesis import strategies as st

from glossary.errors import ModelNotInstalled, PackageError, PackageIndexError
from translator import packages
from translator.packages import (
    install_from_index,
    install_package_file,
    list_packages,
    packages_dir,
    remove_package,
    resolve_model,
    scan_packages,
    validate_package_dir,
    version_key,
)

HOME = str(Path.home())

PACKAGES_DIR_CASES = [
    ({"ARGOS_PACKAGES_DIR": "/srv/argos", "XDG_DATA_HOME": "/x"}, "/srv/argos"),
    ({"XDG_DATA_HOME": "/data"}, "/data/argos-translate/packages"),
    ({"ARGOS_PACKAGES_DIR": "", "XDG_DATA_HOME": "/data"}, "/data/argos-translate/packages"),
    ({}, f"{HOME}/.local/share/argos-translate/packages"),
]

CACHE_DIR_CASES = [
    ({"TARJAMA_CACHE": "/c", "XDG_CACHE_HOME": "/x"}, "/c/models"),
    ({"XDG_CACHE_HOME": "/x"}, "/x/tarjama/models"),
    ({}, f"{HOME}/.cache/tarjama/models"),
]

TOP = Z.TOP

# (case id, builder, message after "FILE: "; a trailing "…" means "starts with")
REFUSALS: list[tuple[str, Callable[[Path], Path], str]] = [
    ("truncated", Z.truncated, "not a valid .argosmodel (zip) file, maybe truncated: …"),
    ("not a zip", Z.not_a_zip, "not a valid .argosmodel (zip) file, maybe truncated: …"),
    ("bit flip", Z.bit_flipped, f"corrupt package: {TOP}/model/model.bin fails its checksum (truncated download?)"),
    ("no metadata", Z.without(f"{TOP}/metadata.json"), f"not an Argos package: {TOP}/metadata.json is missing"),
    ("no model folder", Z.without(f"{TOP}/model/"), "not an Argos package: the model/ folder is missing"),
    ("no model.bin", Z.without(f"{TOP}/model/model.bin"), "broken package: model/model.bin is missing"),
    ("no sentencepiece", Z.without(f"{TOP}/sentencepiece.model"), "broken package: sentencepiece.model is missing"),
    ("zip slip", Z.extra("../evil.txt"), "unsafe member path '../evil.txt' (points outside the package)"),
    (
        "nested zip slip",
        Z.extra(f"{TOP}/../../evil.txt"),
        f"unsafe member path '{TOP}/../../evil.txt' (points outside the package)",
    ),
    ("absolute member", Z.extra("/tmp/evil.txt"), "unsafe member path '/tmp/evil.txt' (points outside the package)"),
    ("symlink", Z.with_symlink, f"unsafe member '{TOP}/link': symbolic links are not allowed in a package"),
    (
        "two top-level folders",
        Z.extra("other/readme.txt"),
        f"an Argos package holds exactly one top-level folder; found: other, {TOP}",
    ),
    (
        "loose top-level file",
        Z.extra("readme.txt"),
        f"an Argos package holds exactly one top-level folder; found: readme.txt, {TOP}",
    ),
    ("model does not load", Z.corrupt_model_bin, "broken package: the CTranslate2 model does not load (…"),
]


def assert_message(error: Exception, path: Path, expected: str) -> None:
    if expected.endswith("…"):
        assert str(error).startswith(f"{path}: {expected[:-1]}")
    else:
        assert str(error) == f"{path}: {expected}"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"ARGOS_PACKAGES_DIR": str(tmp_path / "packages"), "TARJAMA_CACHE": str(tmp_path / "cache")}


@pytest.fixture
def installed(tmp_path: Path) -> Path:
    """A packages directory holding the fixture package."""
    directory = tmp_path / "packages"
    install_package_file(Z.FIXTURE_MODEL, directory)
    return directory


@pytest.mark.parametrize(("environ", "expected"), PACKAGES_DIR_CASES)
def test_packages_dir_follows_argos_rules(environ: dict[str, str], expected: str) -> None:
    assert packages_dir(environ) == Path(expected)


@pytest.mark.parametrize(("environ", "expected"), CACHE_DIR_CASES)
def test_model_cache_dir(environ: dict[str, str], expected: str) -> None:
    assert packages.model_cache_dir(environ) == Path(expected)


def test_packages_dir_reads_the_environment_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", "/first")
    assert packages_dir() == Path("/first")
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", "/second")
    assert packages_dir() == Path("/second")


def test_install_fixture(tmp_path: Path) -> None:
    package = install_package_file(Z.FIXTURE_MODEL, tmp_path / "packages")
    assert (package.name, package.from_code, package.to_code, package.package_version) == (
        TOP,
        "ar",
        "en",
        "0.1-tiny",
    )
    assert package.path == tmp_path / "packages" / TOP
    assert package.size_bytes == sum(p.stat().st_size for p in package.path.rglob("*") if p.is_file())
    assert package.metadata["from_name"] == "Arabic"
    # Nothing but the package: no work folders left behind.
    assert [p.name for p in (tmp_path / "packages").iterdir()] == [TOP]


def test_reinstall_replaces_in_place(installed: Path) -> None:
    (installed / TOP / "stale.txt").write_text("من التثبيت السابق", encoding="utf-8")
    package = install_package_file(Z.FIXTURE_MODEL, installed)
    assert not (package.path / "stale.txt").exists()
    assert [p.name for p in installed.iterdir()] == [TOP]


@pytest.mark.parametrize(("case", "build", "expected"), REFUSALS, ids=[c[0] for c in REFUSALS])
def test_install_refuses_and_changes_nothing(
    installed: Path, tmp_path: Path, case: str, build: Callable[[Path], Path], expected: str
) -> None:
    archive = build(tmp_path / "bad.argosmodel")
    before = Z.snapshot(installed)
    with pytest.raises(PackageError) as caught:
        install_package_file(archive, installed)
    assert_message(caught.value, archive, expected)
    assert Z.snapshot(installed) == before


def test_install_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PackageError) as caught:
        install_package_file(tmp_path / "nope.argosmodel", tmp_path / "packages")
    assert str(caught.value) == f"{tmp_path / 'nope.argosmodel'}: no such file"
    assert not (tmp_path / "packages").exists()


def test_validate_package_dir_load_checks_the_model(tmp_path: Path) -> None:
    package = install_package_file(Z.FIXTURE_MODEL, tmp_path / "packages")
    (package.model_dir / "model.bin").write_bytes(b"garbage")
    assert validate_package_dir(package.path).name == TOP  # the cheap check only looks at files
    with pytest.raises(PackageError, match="the CTranslate2 model does not load"):
        validate_package_dir(package.path, load=True)


def test_list_skips_and_reports_broken_folders(installed: Path) -> None:
    (installed / "half-a-package").mkdir()
    (installed / "half-a-package" / "metadata.json").write_text("{not json", encoding="utf-8")
    (installed / ".tarjama-install-x").mkdir()  # an interrupted install's work folder
    (installed / "notes.txt").write_text("ملاحظات", encoding="utf-8")
    scan = scan_packages(installed)
    assert [p.name for p in scan.packages] == [TOP]
    assert [str(e) for e in scan.broken] == [
        f"{installed / 'half-a-package' / 'metadata.json'}:1:2: metadata.json is not valid JSON: "
        "Expecting property name enclosed in double quotes"
    ]
    assert [p.name for p in list_packages(installed)] == [TOP]


def test_list_of_missing_directory_is_empty(tmp_path: Path) -> None:
    assert list_packages(tmp_path / "absent") == []


REMOVE_SPECS = [TOP, "ar-en", "ar_en"]


@pytest.mark.parametrize("spec", REMOVE_SPECS)
def test_remove(installed: Path, spec: str) -> None:
    removed = remove_package(spec, installed)
    assert removed.name == TOP
    assert list(installed.iterdir()) == []


def test_remove_unknown_name(installed: Path) -> None:
    with pytest.raises(ModelNotInstalled) as caught:
        remove_package("translate-fr_en-1_0", installed)
    assert str(caught.value) == f"no installed package named 'translate-fr_en-1_0' in {installed} (installed: {TOP})"


# ---------------------------------------------------------------- resolve_model


def test_resolve_none_without_package_says_how_to_install(env: dict[str, str]) -> None:
    with pytest.raises(ModelNotInstalled) as caught:
        resolve_model(None, "ar", "en", env)
    message = str(caught.value)
    assert message.startswith(f"no ar→en translation package is installed (looked in {env['ARGOS_PACKAGES_DIR']}); ")
    assert "`tarjama model install ar en`" in message
    assert "`tarjama model install PATH/translate-ar_en-1_0.argosmodel`" in message
    assert "argospm install translate-ar_en" in message


RESOLVE_SPECS = [None, "ar-en", "ar_en"]


@pytest.mark.parametrize("spec", RESOLVE_SPECS)
def test_resolve_installed_pair(installed: Path, env: dict[str, str], spec: str | None) -> None:
    package = resolve_model(spec, "ar", "en", env)
    assert package.path == installed / TOP


def test_resolve_uses_the_process_environment(installed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(installed))
    assert resolve_model(None, "ar", "en").name == TOP


def test_resolve_folder(installed: Path, env: dict[str, str]) -> None:
    assert resolve_model(str(installed / TOP), "ar", "en", env).path == installed / TOP


def test_resolve_file_unpacks_once_into_the_cache(env: dict[str, str], tmp_path: Path) -> None:
    first = resolve_model(str(Z.FIXTURE_MODEL), "ar", "en", env)
    assert first.path.parent.parent == tmp_path / "cache" / "models"
    marker = first.path / "reused.txt"
    marker.write_text("x", encoding="utf-8")
    second = resolve_model(str(Z.FIXTURE_MODEL), "ar", "en", env)
    assert second.path == first.path and marker.exists()
    assert not (tmp_path / "packages").exists()  # --model FILE installs nothing


def test_resolve_other_pair_file(env: dict[str, str], tmp_path: Path) -> None:
    archive = Z.fr_en_package(tmp_path / "translate-fr_en-tiny.argosmodel")
    with pytest.raises(PackageError) as caught:
        resolve_model(str(archive), "ar", "en", env)
    assert str(caught.value) == f"{archive}: is a fr→en package; tarjama needs ar→en"


def test_resolve_other_pair_folder(tmp_path: Path, env: dict[str, str]) -> None:
    package = install_package_file(Z.fr_en_package(tmp_path / "fr.argosmodel"), tmp_path / "elsewhere")
    with pytest.raises(PackageError) as caught:
        resolve_model(str(package.path), "ar", "en", env)
    assert str(caught.value) == f"{package.path}: is a fr→en package; tarjama needs ar→en"


def test_resolve_other_pair_spec(env: dict[str, str]) -> None:
    with pytest.raises(PackageError) as caught:
        resolve_model("fr-en", "ar", "en", env)
    assert str(caught.value) == "--model fr-en asks for a fr→en package; tarjama needs ar→en"


def test_resolve_missing_path(env: dict[str, str], tmp_path: Path) -> None:
    with pytest.raises(PackageError) as caught:
        resolve_model(str(tmp_path / "nope"), "ar", "en", env)
    assert str(caught.value) == f"{tmp_path / 'nope'}: no such model: give a package folder, a .argosmodel file, or a pair like ar-en"


def test_resolve_prefers_the_newest_version(installed: Path, env: dict[str, str], tmp_path: Path) -> None:
    newer = Z.write_zip(
        tmp_path / "newer.argosmodel",
        Z.renamed_top(Z.with_metadata(Z.fixture_members(), package_version="1.10"), "translate-ar_en-1_10"),
    )
    install_package_file(newer, installed)
    assert resolve_model(None, "ar", "en", env).name == "translate-ar_en-1_10"


VERSION_ORDER = [("0.1-tiny", "1.0"), ("1.9", "1.10"), ("1.0", "1.0.1")]


@pytest.mark.parametrize(("older", "newer"), VERSION_ORDER)
def test_version_key_orders_numerically(older: str, newer: str) -> None:
    assert version_key(older) < version_key(newer)


@given(st.lists(st.sampled_from(["..", ".", "a", "ب", "model"]), min_size=1, max_size=5))
def test_member_paths_with_dotdot_are_always_refused(parts: list[str]) -> None:
    import tempfile
    import zipfile

    name = "/".join([TOP, *parts, "x.txt"])
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "p.argosmodel"
        with zipfile.ZipFile(archive, "w") as bundle:
            bundle.writestr(f"{TOP}/metadata.json", "{}")
            bundle.writestr(name, "x")
        if ".." in parts:
            with pytest.raises(PackageError, match="unsafe member path"):
                packages.check_archive(archive)
        else:
            assert packages.check_archive(archive) == TOP


# ---------------------------------------------------------------- the index, over real HTTP


@pytest.fixture
def index_server(tmp_path: Path) -> Iterator[str]:
    """A localhost HTTP server serving tmp_path/www; yields its base URL."""
    root = tmp_path / "www"
    root.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(root), **kwargs)  # type: ignore[arg-type]

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def publish(base_url: str, www: Path, archive: Path, from_code: str = "ar", to_code: str = "en") -> str:
    (www / "translate-ar_en-1_0.argosmodel").write_bytes(archive.read_bytes())
    index = [
        {"from_code": "de", "to_code": "en", "package_version": "1.0", "argos_version": "1.0", "links": []},
        {
            "from_code": from_code,
            "to_code": to_code,
            "package_version": "1.0",
            "argos_version": "1.0",
            "links": [f"{base_url}/translate-ar_en-1_0.argosmodel"],
        },
    ]
    (www / "index.json").write_text(json.dumps(index), encoding="utf-8")
    return f"{base_url}/index.json"


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/index.json"


def test_fetch_index(index_server: str, tmp_path: Path) -> None:
    url = publish(index_server, tmp_path / "www", Z.FIXTURE_MODEL)
    entries = packages.fetch_index(url)
    assert [(e.from_code, e.to_code, e.package_version) for e in entries] == [("de", "en", "1.0"), ("ar", "en", "1.0")]
    assert entries[1].links == (f"{index_server}/translate-ar_en-1_0.argosmodel",)


def test_install_from_index(index_server: str, tmp_path: Path) -> None:
    url = publish(index_server, tmp_path / "www", Z.FIXTURE_MODEL)
    progress: list[tuple[int, int | None]] = []
    package = install_from_index("ar", "en", tmp_path / "packages", url, lambda d, t: progress.append((d, t)))
    size = Z.FIXTURE_MODEL.stat().st_size
    assert package.path == tmp_path / "packages" / TOP
    assert progress[0] == (0, size) and progress[-1] == (size, size)
    assert [p.name for p in (tmp_path / "packages").iterdir()] == [TOP]


def test_install_from_index_refuses_a_package_for_another_pair(index_server: str, tmp_path: Path) -> None:
    url = publish(index_server, tmp_path / "www", Z.fr_en_package(tmp_path / "fr.argosmodel"))
    with pytest.raises(PackageError, match="is a fr→en package; tarjama needs ar→en"):
        install_from_index("ar", "en", tmp_path / "packages", url)
    assert list((tmp_path / "packages").iterdir()) == []


def test_install_from_index_without_the_pair(index_server: str, tmp_path: Path) -> None:
    url = publish(index_server, tmp_path / "www", Z.FIXTURE_MODEL, from_code="fr")
    with pytest.raises(PackageIndexError) as caught:
        install_from_index("ar", "en", tmp_path / "packages", url)
    assert str(caught.value) == f"the package index {url} offers no ar→en package"


def test_install_from_index_broken_link(index_server: str, tmp_path: Path) -> None:
    url = publish(index_server, tmp_path / "www", Z.FIXTURE_MODEL)
    (tmp_path / "www" / "translate-ar_en-1_0.argosmodel").unlink()
    with pytest.raises(PackageIndexError) as caught:
        install_from_index("ar", "en", tmp_path / "packages", url)
    assert str(caught.value).startswith(
        f"cannot download {index_server}/translate-ar_en-1_0.argosmodel: HTTP 404 File not found; offline: download translate-ar_en-1_0.argosmodel"
    )
    assert list((tmp_path / "packages").iterdir()) == []


def test_unreachable_index_gives_the_offline_alternative(tmp_path: Path) -> None:
    url = closed_port_url()
    with pytest.raises(PackageIndexError) as caught:
        install_from_index("ar", "en", tmp_path / "packages", url, timeout=5)
    message = str(caught.value)
    assert message.startswith(f"cannot reach the package index {url}: ")
    assert message.endswith(
        "; offline: download translate-ar_en-1_0.argosmodel on a connected machine "
        "(https://www.argosopentech.com/argospm/index/), copy it here and run "
        "`tarjama model install PATH/translate-ar_en-1_0.argosmodel` "
        "(`argospm install translate-ar_en` installs into the same folder)"
    )
    assert caught.value.exit_code == 2


def test_index_that_is_not_json(index_server: str, tmp_path: Path) -> None:
    (tmp_path / "www" / "index.json").write_text("<html>proxy login</html>", encoding="utf-8")
    with pytest.raises(PackageIndexError, match=r"is not valid JSON"):
        packages.fetch_index(f"{index_server}/index.json")
