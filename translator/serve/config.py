"""What a server is told: plain data, resolved at the CLI boundary and passed in."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from glossary.model import Glossary
    from translator.engine import Engine

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000
DEFAULT_MAX_UPLOAD_MB = 10
# A request still unanswered after this is answered 503; the translation it
# started finishes in the background (a decode cannot be interrupted).
DEFAULT_REQUEST_TIMEOUT_S = 120.0
# A client must send its whole body within this (against slow-body attacks).
DEFAULT_BODY_TIMEOUT_S = 15.0
# What LibreTranslate's web page waits for a translation, in ms (``frontendTimeout``).
DEFAULT_FRONTEND_TIMEOUT_MS = 500
UNLIMITED = -1


@dataclass(frozen=True)
class ServeConfig:
    """Everything ``create_app`` needs; limits at -1 are off, as in LibreTranslate."""

    engine: Engine
    # The glossary as loaded at start-up, and its file (watched for edits); None: no glossary.
    glossary: Glossary | None = None
    glossary_path: str | None = None
    api_keys: tuple[str, ...] = ()
    char_limit: int = UNLIMITED
    batch_limit: int = UNLIMITED
    req_limit: int = UNLIMITED
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_MB * 1024 * 1024
    request_timeout_s: float = DEFAULT_REQUEST_TIMEOUT_S
    body_timeout_s: float = DEFAULT_BODY_TIMEOUT_S
    # Translation memory folder; None: no memory.
    cache_dir: Path | None = None
    files_translation: bool = True
    frontend_timeout_ms: int = DEFAULT_FRONTEND_TIMEOUT_MS
    # Coalescer knobs (translator.serve.coalesce); engine_calls: shared engine
    # calls in flight at once.
    max_wait_s: float | None = None
    token_budget: int | None = None
    engine_calls: int = 1
