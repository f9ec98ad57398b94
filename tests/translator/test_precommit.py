"""The pre-commit hooks, run for real by pre-commit in a throwaway git repository."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
TARJAMA = shutil.which("tarjama", path=str(BIN)) or str(BIN / "tarjama")
PRE_COMMIT = str(BIN / "pre-commit")

BROKEN_TARGET = "A rocket hit Al-Taji Camp north of Baghdad.\n"
FIXED_TARGET = "A rocket hit Camp Taji north of Baghdad.\n"
SOURCE = "سقط صاروخ على قاعدة التاجي شمال بغداد.\n"
FINDING = 'a.en.txt:1:14: error avoided-term: "Al-Taji Camp" is an avoided rendering of "قاعدة التاجي": use "Camp Taji"'


def _hooks() -> dict[str, dict[str, object]]:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return {hook["id"]: hook for hook in hooks}


HOOK_FIELDS = [
    ("tarjama-check", "entry", "tarjama check"),
    ("tarjama-check", "language", "python"),
    ("tarjama-check", "files", r"\.(ar|en)\.(txt|md)$"),
    ("tarjama-check", "pass_filenames", True),
    ("tarjama-glossary-lint", "entry", "tarjama glossary lint"),
    ("tarjama-glossary-lint", "language", "python"),
    ("tarjama-glossary-lint", "files", r"glossary\.ya?ml$"),
]


@pytest.mark.parametrize(("hook_id", "key", "value"), HOOK_FIELDS)
def test_hooks_file_declares(hook_id: str, key: str, value: object) -> None:
    assert _hooks()[hook_id][key] == value


FILE_PATTERN_CASES = [
    ("tarjama-check", "docs/report.ar.txt", True),
    ("tarjama-check", "report.en.md", True),
    ("tarjama-check", "report.fr.txt", False),
    ("tarjama-check", "report.en.txt.bak", False),
    ("tarjama-glossary-lint", "glossary.yaml", True),
    ("tarjama-glossary-lint", "terms/glossary.yml", True),
    ("tarjama-glossary-lint", "glossary.json", False),
]


@pytest.mark.parametrize(("hook_id", "path", "matches"), FILE_PATTERN_CASES)
def test_hook_file_patterns(hook_id: str, path: str, matches: bool) -> None:
    # pre-commit matches `files` with re.search on the repository-relative path.
    assert bool(re.search(str(_hooks()[hook_id]["files"]), path)) is matches


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=test@example.com", "-c", "user.name=test", *args],
        cwd=repo, check=True, capture_output=True,
    )


def _pre_commit(repo: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never", NO_COLOR="1")
    env.pop("TARJAMA_GLOSSARY", None)
    return subprocess.run([PRE_COMMIT, *args], cwd=repo, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture
def user_repo(tmp_path: Path, seed_glossary: Path) -> Path:
    """Another project's repository: the seed glossary and a pair with an avoided term."""
    repo = tmp_path / "project"
    repo.mkdir()
    _git(repo, "init", "-q", ".")
    shutil.copy(seed_glossary, repo / "glossary.yaml")
    (repo / "a.ar.txt").write_text(SOURCE, encoding="utf-8")
    (repo / "a.en.txt").write_text(BROKEN_TARGET, encoding="utf-8")
    return repo


def test_pre_commit_runs_the_local_hook_and_fails_then_passes(user_repo: Path, tmp_path: Path) -> None:
    config = {
        "repos": [
            {
                "repo": "local",
                "hooks": [
                    {
                        "id": "tarjama-check",
                        "name": "tarjama check",
                        "entry": f"{TARJAMA} check",
                        "language": "system",
                        "files": r"\.(ar|en)\.(txt|md)$",
                        "require_serial": True,
                    },
                    {
                        "id": "tarjama-glossary-lint",
                        "name": "tarjama glossary lint",
                        "entry": f"{TARJAMA} glossary lint",
                        "language": "system",
                        "files": r"glossary\.ya?ml$",
                    },
                ],
            }
        ]
    }
    (user_repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    _git(user_repo, "add", "-A")

    failed = _pre_commit(user_repo, tmp_path / "pre-commit-home", "run", "--all-files")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert FINDING in failed.stdout.splitlines()
    assert re.search(r"^tarjama check\.+Failed$", failed.stdout, re.MULTILINE)
    assert re.search(r"^tarjama glossary lint\.+Passed$", failed.stdout, re.MULTILINE)

    (user_repo / "a.en.txt").write_text(FIXED_TARGET, encoding="utf-8")
    _git(user_repo, "add", "-A")
    passed = _pre_commit(user_repo, tmp_path / "pre-commit-home", "run", "--all-files")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r"^tarjama check\.+Passed$", passed.stdout, re.MULTILINE)


# try-repo builds a virtualenv and pip-installs this project into it (about a
# minute, from the local wheel mirror): too slow for every run.
@pytest.mark.skipif(not os.environ.get("TARJAMA_SLOW_TESTS"), reason="set TARJAMA_SLOW_TESTS=1 (pip-installs tarjama)")
def test_pre_commit_try_repo_uses_the_published_hook(user_repo: Path, tmp_path: Path) -> None:
    # try-repo only sees committed files, and this working tree is not ours to
    # commit: snapshot it into a scratch repository.
    snapshot = tmp_path / "tarjama"
    ignored = shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.egg-info", ".*_cache", ".hypothesis", "tests")
    shutil.copytree(ROOT, snapshot, ignore=ignored)
    _git(snapshot, "init", "-q", ".")
    _git(snapshot, "add", "-A")
    _git(snapshot, "commit", "-q", "-m", "snapshot")
    _git(user_repo, "add", "-A")

    failed = _pre_commit(user_repo, tmp_path / "pre-commit-home", "try-repo", str(snapshot), "tarjama-check", "--all-files")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert FINDING in failed.stdout.splitlines()
