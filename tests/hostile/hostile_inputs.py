"""Shared builders for the hostile-input suite: bad glossaries, bad text files,
and the assertions every refusal must pass (one error line, no traceback,
nothing changed on disk)."""
from __future__ import annotations

import codecs
import os
import subprocess
import sys
from pathlib import Path
from typing import Callable, Sequence

import pytest
from click.testing import CliRunner, Result

from translator.cli import cli

ROOT = Path(__file__).resolve().parent.parent.parent
SEEDS = ROOT / "seeds"
FIXTURE_MODEL = ROOT / "tests" / "fixtures" / "ar_en_tiny.argosmodel"
TARJAMA = Path(sys.executable).with_name("tarjama")
# Subprocess guard: a case that hangs (a YAML bomb being expanded) fails here
# instead of stalling CI. Not a timing assertion: ordinary cases take ~1 s.
SUBPROCESS_TIMEOUT_S = 60
BIG_FILE_TIMEOUT_S = 180

ERROR_PREFIX = "tarjama: error: "

SEED_GLOSSARY_TEXT = (SEEDS / "glossary.yaml").read_text(encoding="utf-8")
ARTICLE_TEXT = (SEEDS / "qayyarah-handover.ar.txt").read_text(encoding="utf-8")
# The article's first paragraph: has terms (التحالف الدولي, قاعدة القيارة) and is short.
HEADLINE = "التحالف الدولي يسلم قاعدة القيارة للقوات العراقية"

NETWORK_BLOCKER = '''\
"""Installed by tests/hostile: any attempt to open a network connection fails."""
import socket


def _refuse(*args, **kwargs):
    raise OSError(101, "network access is disabled in the hostile-input suite")


socket.socket.connect = _refuse
socket.socket.connect_ex = _refuse
socket.create_connection = _refuse
'''


class NetworkAttempt(OSError):
    """Raised by the patched socket: some code tried to reach the network."""


def refuse_network(*args: object, **kwargs: object) -> None:
    raise NetworkAttempt(101, "network access is disabled in the hostile-input suite")


# ---------------------------------------------------------------- running commands


def invoke(args: Sequence[str], **kwargs: object) -> Result:
    """The CLI in-process, as a user would call it (exceptions reach the root's handler)."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, **kwargs)  # type: ignore[arg-type]


def run_tarjama(
    args: Sequence[str], cwd: Path, env: dict[str, str], timeout: float = SUBPROCESS_TIMEOUT_S
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(TARJAMA), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def assert_no_traceback(stdout: str, stderr: str) -> None:
    assert "Traceback" not in stdout + stderr
    assert "internal error" not in stderr


def assert_one_error(exit_code: int, stdout: str, stderr: str, *needles: str) -> str:
    """Exit 2, and stderr is exactly one line ``tarjama: error: …`` containing every needle."""
    assert_no_traceback(stdout, stderr)
    assert exit_code == 2, (exit_code, stdout, stderr)
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(ERROR_PREFIX), stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def assert_refused(result: Result, *needles: str) -> str:
    return assert_one_error(result.exit_code, result.stdout, result.stderr, *needles)


def folder_state(folder: Path) -> dict[str, bytes | None]:
    """Every path under ``folder`` with its bytes (None for folders): equal states mean nothing changed,
    no temp file was left, nothing partial was written."""
    state: dict[str, bytes | None] = {}
    for path in sorted(folder.rglob("*")):
        relative = str(path.relative_to(folder))
        if path.is_symlink() or not path.exists():
            state[relative] = os.fsencode(os.readlink(path)) if path.is_symlink() else None
        elif path.is_dir():
            state[relative] = None
        else:
            state[relative] = path.read_bytes()
    return state


# ---------------------------------------------------------------- bad glossaries

# name -> (file content, the text the one error line must contain (besides the path))
BAD_GLOSSARIES: dict[str, tuple[str, str]] = {
    "malformed-yaml": ("version: 1\nterms:\n  - source: [التحالف\n", ":4:1: invalid YAML"),
    "unclosed-quote": ('version: 1\nterms:\n  - source: "التحالف\n    target: coalition\n', "invalid YAML"),
    "tab-indent": ("version: 1\nterms:\n\t- source: التحالف\n", ":3:1: invalid YAML"),
    "duplicate-top-key": ("version: 1\nversion: 1\nterms: []\n", ":2:1: duplicate key 'version'"),
    "duplicate-entry-key": (
        "version: 1\nterms:\n  - source: التحالف الدولي\n    target: coalition\n    target: alliance\n",
        ":5:5: duplicate key 'target'",
    ),
    "duplicate-source": (
        "version: 1\nterms:\n  - source: بغداد\n    target: Baghdad\n  - source: بَغْداد\n    target: Bagdad\n",
        ":5:13: source 'بَغْداد' duplicates 'بغداد'",
    ),
    "target-is-number": ("version: 1\nterms:\n  - source: القيارة\n    target: 1989\n", ":4:13: 'target' must be a string"),
    "target-is-bool": ("version: 1\nterms:\n  - source: القيارة\n    target: yes\n", "'target' must be a string"),
    "accept-not-list": (
        "version: 1\nterms:\n  - source: القيارة\n    target: Qayyarah\n    accept: Qayara\n",
        ":5:13: 'accept' must be a list of strings",
    ),
    "terms-is-mapping": ("version: 1\nterms:\n  source: القيارة\n", ":3:3: 'terms' must be a list"),
    "root-is-list": ("- version: 1\n", ":1:1: a glossary is a mapping"),
    "unknown-top-key": ("version: 1\nterm: []\n", ":2:1: unknown top-level key 'term'; did you mean 'terms'?"),
    "unknown-entry-key": (
        "version: 1\nterms:\n  - source: القيارة\n    target: Qayyarah\n    avoids: [Qayara]\n",
        ":5:5: unknown entry key 'avoids'",
    ),
    "version-2": ("version: 2\nterms: []\n", ":1:10: unsupported glossary version 2"),
    "version-string": ('version: "1"\nterms: []\n', ":1:10: 'version' must be the number 1"),
    "no-version": ("terms: []\n", ":1:1: missing 'version: 1'"),
    "empty-source": ('version: 1\nterms:\n  - source: ""\n    target: Qayyarah\n', ":3:13: 'source' is empty"),
    "blank-source": ('version: 1\nterms:\n  - source: "   "\n    target: Qayyarah\n', ":3:13: 'source' is empty"),
    "diacritics-only-source": (
        'version: 1\nterms:\n  - source: "\u064e\u064f"\n    target: Qayyarah\n',
        "has no letters once diacritics are removed",
    ),
    "empty-source-list": ("version: 1\nterms:\n  - source: []\n    target: Qayyarah\n", ":3:13: 'source' is an empty list"),
    "entry-without-target": ("version: 1\nterms:\n  - source: القيارة\n", ":3:5: entry without 'target'"),
    "empty-file": ("", ":1:1: the glossary file is empty"),
    "comments-only": ("# nothing here\n", "the glossary file is empty"),
    "yaml-bomb": (
        "version: 1\n"
        'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
        + "".join(
            f"{chr(98 + level)}: &{chr(98 + level)} [" + ", ".join([f"*{chr(97 + level)}"] * 9) + "]\n"
            for level in range(9)
        )
        + "terms: []\n",
        ":3:8: YAML aliases (*name) are not allowed",
    ),
    "alias-in-entry": (
        "version: 1\nterms:\n  - source: &s القيارة\n    target: Qayyarah\n  - source: *s\n    target: Q\n",
        "YAML aliases (*name) are not allowed",
    ),
    "python-object-tag": (
        'version: 1\nterms:\n  - source: !!python/object/apply:os.system ["echo owned"]\n    target: x\n',
        "YAML tags like tag:yaml.org,2002:python/object/apply:os.system are not allowed",
    ),
    "python-tag-on-terms": (
        "version: 1\nterms: !!python/object:os.system\n  - source: القيارة\n    target: Qayyarah\n",
        ":2:8: YAML tags like tag:yaml.org,2002:python/object:os.system are not allowed",
    ),
    "python-tag-on-root": (
        "!!python/object/apply:os.system\nversion: 1\nterms: []\n",
        ":1:1: YAML tags like tag:yaml.org,2002:python/object/apply:os.system are not allowed",
    ),
    "python-name-scalar": (
        "version: 1\nterms:\n  - source: القيارة\n    target: !!python/name:os.system\n",
        "YAML tags like tag:yaml.org,2002:python/name:os.system are not allowed",
    ),
    "set-tag": ("version: 1\nterms: !!set {a, b}\n", "YAML tags like tag:yaml.org,2002:set are not allowed"),
    "local-tag": ("version: 1\nterms:\n  - !entry\n    source: القيارة\n    target: Q\n", "YAML tags like !entry"),
    "control-character": ("version: 1\nterms:\n  - source: القيارة\x07\n    target: Q\n", "is not allowed in YAML text"),
    "deep-nesting": ("version: 1\nterms: " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
}


def write_bad_glossary(folder: Path, name: str) -> Path:
    path = folder / "glossary.yaml"
    path.write_bytes(BAD_GLOSSARIES[name][0].encode("utf-8"))
    return path


# ---------------------------------------------------------------- bad text files


def _utf16(text: str, bom: bytes, codec: str) -> bytes:
    return bom + text.encode(codec)


# name -> bytes of a text file tarjama must READ correctly (same terms found as in UTF-8)
READABLE_TEXTS: dict[str, bytes] = {
    "utf-8": (HEADLINE + "\n").encode("utf-8"),
    "utf-8-bom": codecs.BOM_UTF8 + (HEADLINE + "\n").encode("utf-8"),
    "utf-16-le-bom": _utf16(HEADLINE + "\n", codecs.BOM_UTF16_LE, "utf-16-le"),
    "utf-16-be-bom": _utf16(HEADLINE + "\n", codecs.BOM_UTF16_BE, "utf-16-be"),
    "cp1256": (HEADLINE + "\n").encode("cp1256"),
    "crlf": (HEADLINE + "\r\n").encode("utf-8"),
    "lone-cr": (HEADLINE + "\r").encode("utf-8"),
}

# name -> (bytes, what the one error line must contain besides the path)
UNREADABLE_TEXTS: dict[str, tuple[bytes, str]] = {
    "latin-1-noise": ("Zürich café naïve résumé\n".encode("latin-1"), ":1:2: not valid UTF-8 (byte 0xfc)"),
    "invalid-utf8-mid-file": (
        (HEADLINE + "\nسطر ثان ").encode("utf-8") + b"\xff\xfe\x80" + " باقي النص\n".encode("utf-8"),
        ":2:9: not valid UTF-8 (byte 0xff)",
    ),
    "truncated-utf8-at-end": ((HEADLINE + "\n").encode("utf-8") + "ق".encode("utf-8")[:1], ":2:1: not valid UTF-8"),
    "nul-byte": ("التحالف\x00الدولي\n".encode("utf-8"), ":1:8: NUL byte"),
    "png": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa"
        + bytes(range(256)),
        ":1:1: not valid UTF-8 (byte 0x89)",
    ),
    "utf-16-odd-length": (codecs.BOM_UTF16_LE + "قاعدة".encode("utf-16-le") + b"\x00", "invalid UTF-16-LE"),
    "utf-16-lone-surrogate": (codecs.BOM_UTF16_LE + b"\x00\xd8\x41\x00", "invalid UTF-16-LE"),
}

# Text that decodes but is unusual; every command must treat it as ordinary text.
ODD_TEXTS: dict[str, str] = {
    "empty": "",
    "whitespace-only": "  \n\t\n \u00a0\n",
    "bidi-embedding": "\u202bالتحالف الدولي\u202c يسلم \u2067قاعدة القيارة\u2069\n",
    "rlm-between-clitic-and-term": "و\u200fالتحالف الدولي يسلم ل\u200eقاعدة القيارة\n",
    "zwj-and-tatweel": "التحـــالف\u200d الدولي\n",
    "only-diacritics": "\u064e\u064f\u0650\u0651\n",
    "single-long-line": ("التحالف الدولي يسلم قاعدة القيارة " * 3000)[:100_000],
    "mixed-scripts": "Qayyarah قاعدة القيارة 123 ١٢٣ 😀\n",
}


def write_file(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def root_ignores_permissions(path: Path) -> bool:
    """Whether ``chmod 000`` on ``path`` fails to stop this process (we run as root)."""
    return os.access(path, os.R_OK) or os.access(path, os.W_OK)


CommandBuilder = Callable[[Path, Path], list[str]]


def make_directory(path: Path) -> Path:
    """A folder where a file is expected."""
    path.mkdir()
    return path


def make_symlink_loop(path: Path) -> Path:
    """``path`` → a sibling → ``path``: opening it fails with ELOOP."""
    partner = path.with_name(f"loop-partner-{path.name}")
    os.symlink(partner, path)
    os.symlink(path, partner)
    return path


def deny_reading(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """Make opening ``path`` fail with EACCES (tests run as root, where chmod 000 does not stop reads)."""
    real_open = open

    def denying_open(file: object, *args: object, **kwargs: object) -> object:
        if os.fspath(file) == str(path):  # type: ignore[arg-type]
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", denying_open)
