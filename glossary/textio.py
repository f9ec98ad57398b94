"""Reading text files in the encodings Arabic text arrives in, and writing files
so that nothing is ever half-written.

Shared by every command: one place decides what counts as text, one place
writes atomically, one place serializes glossary edits.
"""
from __future__ import annotations

import codecs
import contextlib
import errno
import fcntl
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterator

from glossary.errors import InputDecodeError, InputFileError, LockTimeout, OutputError

# Arabic letters (the block's letters proper, not punctuation or digits).
_ARABIC_LETTER_RE = re.compile("[\u0621-\u064a\u0671-\u06d3]")
_NON_ASCII_LETTER_RE = re.compile(r"[^\W\d_\x00-\x7f]")
# cp1256 decodes almost any byte string, so the guess must be earned: of the
# letters outside ASCII, this share must be Arabic. ASCII letters do not count
# (a cp1256 glossary is mostly English keys and targets), while Latin-1 text
# decodes to accented Latin letters in cp1256 and is refused.
_CP1256_MIN_ARABIC_SHARE = 0.8


@dataclass(frozen=True)
class DecodedText:
    """A decoded text file: text with line ends as ``\\n``, and how it was stored."""

    text: str
    encoding: str  # "utf-8", "utf-8-sig", "utf-16-le", "utf-16-be", "cp1256"
    newline: str  # the file's dominant line end: "\n", "\r\n" or "\r"


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """Read a file or raise :class:`InputFileError` naming it (never OSError)."""
    name = os.fspath(path)
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        with open(name, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise InputFileError("no such file", path=name) from None
    except IsADirectoryError:
        raise InputFileError("is a directory, expected a file", path=name) from None
    except PermissionError:
        raise InputFileError("permission denied", path=name) from None
    except OSError as exc:
        raise InputFileError(exc.strerror or str(exc), path=name) from None


def decode_text(data: bytes, path: str) -> DecodedText:
    """Decode bytes as UTF-8 (BOM or not), UTF-16 with BOM, or cp1256 Arabic.

    Anything else (binary, NUL bytes, Latin-1 noise) is an :class:`InputDecodeError`
    that names the file and the line and column of the first bad byte.
    """
    if data.startswith(codecs.BOM_UTF8):
        encoding, body = "utf-8-sig", data[3:]
    elif data.startswith(codecs.BOM_UTF16_LE) and not data.startswith(codecs.BOM_UTF32_LE):
        encoding, body = "utf-16-le", data[2:]
    elif data.startswith(codecs.BOM_UTF16_BE):
        encoding, body = "utf-16-be", data[2:]
    else:
        encoding, body = "utf-8", data
    if encoding.startswith("utf-16"):
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError as exc:
            raise InputDecodeError(f"invalid {encoding.upper()} at byte {exc.start + 2}", path=path) from None
    else:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            if encoding == "utf-8-sig" or b"\x00" in body or _utf8_arabic_before(body, exc.start):
                raise _utf8_error(body, exc, path) from None
            guessed = _decode_cp1256(body)
            if guessed is None:
                raise _utf8_error(body, exc, path) from None
            text, encoding = guessed, "cp1256"
    nul = text.find("\x00")
    if nul >= 0:
        line, column = _line_col(text, nul)
        raise InputDecodeError("NUL byte: this looks like a binary file, not text", path, line, column)
    return DecodedText(text=_unify_newlines(text), encoding=encoding, newline=_dominant_newline(text))


def read_text(path: str | os.PathLike[str]) -> DecodedText:
    """Read and decode a text file (``-`` is standard input)."""
    name = os.fspath(path)
    shown = "<stdin>" if name == "-" else name
    return decode_text(read_bytes(name), shown)


def _decode_cp1256(body: bytes) -> str | None:
    try:
        text = body.decode("cp1256")
    except UnicodeDecodeError:
        return None
    letters = len(_NON_ASCII_LETTER_RE.findall(text))
    arabic = len(_ARABIC_LETTER_RE.findall(text))
    if arabic == 0 or arabic / letters < _CP1256_MIN_ARABIC_SHARE:
        return None
    return text


def _utf8_arabic_before(body: bytes, bad_index: int) -> bool:
    """Whether the valid UTF-8 before the first bad byte already holds Arabic letters.

    Such a file is UTF-8 with a damaged byte, not cp1256: cp1256 Arabic letters
    are never followed by UTF-8 continuation bytes long enough to spell Arabic
    in UTF-8, while decoding the whole file as cp1256 would turn every Arabic
    letter into two wrong ones (mojibake that still "looks Arabic").
    """
    return _ARABIC_LETTER_RE.search(body[:bad_index].decode("utf-8", errors="ignore")) is not None


def _utf8_error(body: bytes, exc: UnicodeDecodeError, path: str) -> InputDecodeError:
    good = body[: exc.start].decode("utf-8", errors="replace")
    line, column = _line_col(good, len(good))
    return InputDecodeError(
        f"not valid UTF-8 (byte 0x{body[exc.start]:02x}), and not UTF-16 with a BOM or cp1256 Arabic;"
        " re-save the file as UTF-8",
        path,
        line,
        column,
    )


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def _unify_newlines(text: str) -> str:
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _dominant_newline(text: str) -> str:
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    best = max((lf, "\n"), (crlf, "\r\n"), (cr, "\r"), key=lambda pair: pair[0])
    return best[1] if best[0] else "\n"


def encode_like(text: str, like: DecodedText | None) -> bytes:
    """``text`` in the encoding and line ends ``like`` was read with (UTF-8 for a new file).

    Rewriting a cp1256 or CRLF glossary keeps its untouched lines byte for byte;
    a character the old encoding cannot hold makes the file UTF-8.
    """
    if like is None:
        return text.encode("utf-8")
    if like.newline != "\n":
        text = text.replace("\n", like.newline)
    try:
        if like.encoding == "utf-16-le":
            return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
        if like.encoding == "utf-16-be":
            return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
        return text.encode(like.encoding)
    except UnicodeEncodeError:
        return text.encode("utf-8")


def resolve_links(path: str | os.PathLike[str]) -> Path:
    """The file ``path`` names once every symbolic link on the way is followed (chains too).

    ``path`` unchanged when it is no link. A dangling link gives the missing
    path it points to; a link loop raises OutputError.
    """
    given = Path(path)
    if not given.is_symlink():
        return given
    real = Path(os.path.realpath(given))
    # realpath stops inside a loop and returns a link.
    if real.is_symlink():
        raise OutputError(os.strerror(errno.ELOOP), path=str(given))
    return real


def write_atomic(path: str | os.PathLike[str], data: str | bytes, encoding: str = "utf-8") -> None:
    """Write ``data`` to ``path`` all or nothing: temp file beside it, fsync, rename.

    A crash or Ctrl-C at any point leaves either the old file or the new one,
    and no temp file. The new file keeps the old one's permission bits. When
    ``path`` is a symbolic link, the file it points to is written (temp file
    beside that one) and the link stays: a glossary shared by linking it into
    each project gets the edit, instead of a copy that drifts from it.
    """
    shown = str(path)
    target = resolve_links(path)
    payload = data.encode(encoding) if isinstance(data, str) else data
    if target.is_dir():
        raise OutputError("is a directory, expected a file path", path=shown)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except FileNotFoundError:
        raise OutputError("folder does not exist", path=shown) from None
    except PermissionError:
        raise OutputError("permission denied", path=shown) from None
    except OSError as exc:
        raise OutputError(exc.strerror or str(exc), path=shown) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp_name, target.stat().st_mode & 0o7777)
        if not target.exists():
            os.chmod(tmp_name, 0o666 & ~_umask())
        os.replace(tmp_name, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        if isinstance(exc, OSError):
            if exc.errno == errno.ENOSPC:
                raise OutputError("no space left on device; nothing was written", path=shown) from None
            raise OutputError(exc.strerror or str(exc), path=shown) from None
        raise
    _fsync_directory(directory)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable; not every filesystem allows it.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def edit_lock(path: str | os.PathLike[str], timeout: float = 30.0) -> Iterator[None]:
    """Serialize read-modify-write cycles on ``path`` across processes.

    The lock is an ``flock`` on the file's folder, not on the file: the file is
    replaced by rename on every write, so a lock on its inode would protect
    nothing, and a lock file beside it would be litter. For a symbolic link it
    is the folder of the file the link points to (where :func:`write_atomic`
    renames), so two projects linking one shared glossary take the same lock.
    A link pointing to nothing is refused: the edit would create a file the
    link's owner did not mean to share, or land nowhere they look.
    """
    target = resolve_links(path)
    if target != Path(path) and not target.exists():
        raise InputFileError(
            f"is a symbolic link to {os.readlink(path)}, which does not exist; fix the link or remove it",
            path=str(path),
        )
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError as exc:
        raise OutputError(exc.strerror or str(exc), path=str(directory)) from None
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise LockTimeout(
                        f"another tarjama process has held the lock for {timeout:.0f} s", path=str(path)
                    ) from None
                time.sleep(0.01)
        yield
    finally:
        os.close(fd)


def open_for_stdout() -> IO[str]:
    """Standard output as UTF-8 whatever the locale says (Arabic must survive a C locale)."""
    return open(sys.stdout.fileno(), "w", encoding="utf-8", closefd=False)
