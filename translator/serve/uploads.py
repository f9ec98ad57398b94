"""Translated files waiting to be downloaded: a private folder, random names.

Files live in a folder only this process's user can read (``mkdtemp``, mode
0700) under names made of 32 random URL-safe characters plus the extension;
the store keeps its own table of names, so ``/download_file`` serves only files
it wrote, never a path a client made up (no traversal, no symlinks: files are
opened with ``O_NOFOLLOW``). A file is removed once downloaded, or after
``expiry_s``; the folder goes when the server stops.
"""
from __future__ import annotations

import os
import re
import secrets
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

NAME_RE = re.compile(r"^[A-Za-z0-9_-]{32}(\.[a-z0-9]{1,10})?$")
DEFAULT_EXPIRY_S = 30 * 60


@dataclass(frozen=True)
class StoredFile:
    name: str  # random name in the store
    download_name: str  # what the client is offered, e.g. article.en.docx
    media_type: str
    created: float


class UploadStore:
    def __init__(self, expiry_s: float = DEFAULT_EXPIRY_S) -> None:
        self.expiry_s = expiry_s
        self._folder: Path | None = None
        self._files: dict[str, StoredFile] = {}
        self._lock = threading.Lock()

    def put(self, data: bytes, suffix: str, download_name: str, media_type: str) -> str:
        """Store ``data``; returns its name for ``/download_file/<name>``."""
        self.expire()
        clean_suffix = suffix.lower() if re.fullmatch(r"\.[a-z0-9]{1,10}", suffix.lower()) else ""
        name = secrets.token_urlsafe(24)[:32] + clean_suffix
        path = self._ensure_folder() / name
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        with self._lock:
            self._files[name] = StoredFile(name, download_name, media_type, time.monotonic())
        return name

    def take(self, name: str) -> tuple[StoredFile, bytes] | None:
        """The file and its bytes, removed from the store; None if it is not ours."""
        self.expire()
        if not NAME_RE.fullmatch(name):
            return None
        with self._lock:
            stored = self._files.pop(name, None)
        if stored is None or self._folder is None:
            return None
        path = self._folder / stored.name
        try:
            descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
            with os.fdopen(descriptor, "rb") as handle:
                data = handle.read()
        except OSError:
            return None
        finally:
            _remove(path)
        return stored, data

    def expire(self, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            old = [name for name, stored in self._files.items() if now - stored.created > self.expiry_s]
            for name in old:
                del self._files[name]
        if self._folder is not None:
            for name in old:
                _remove(self._folder / name)

    def close(self) -> None:
        with self._lock:
            self._files.clear()
            folder, self._folder = self._folder, None
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)

    def _ensure_folder(self) -> Path:
        with self._lock:
            if self._folder is None:
                self._folder = Path(tempfile.mkdtemp(prefix="tarjama-serve-"))
            return self._folder


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
