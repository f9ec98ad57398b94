"""The HTTP application: ``create_app(config)`` builds one, with no globals.

Routes, parameters, shapes, status codes and error messages follow
LibreTranslate 1.9 (README, "tarjama serve"); the glossary report, the
``X-Tarjama-Unenforced`` header, ``strict`` and ``glossary`` are extensions that
LibreTranslate clients ignore. Every answer is JSON, errors included (404, 405,
413 too), and none carries a traceback, a file path or the glossary's path.
"""
from __future__ import annotations

import contextlib
import logging
import re
import time
from dataclasses import replace
from functools import partial
from importlib import resources
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, AsyncIterator, Awaitable, Callable, Sequence

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.middleware import Middleware
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from glossary.errors import TarjamaError
from translator import __version__
from translator.serve.coalesce import DEFAULT_MAX_WAIT_S, DEFAULT_TOKEN_BUDGET, CoalescingEngine
from translator.serve.config import UNLIMITED, ServeConfig
from translator.serve.guards import ApiKeys, RateLimiter
from translator.serve.params import ApiError, Params, UploadedFile, from_json, from_query, from_urlencoded, merge_form
from translator.serve.service import (
    LANGUAGE_NAMES,
    FixedGlossary,
    GlossarySource,
    GlossaryWatcher,
    PlacedOccurrence,
    ReportedOccurrence,
    TextTranslation,
    TranslationService,
    Translations,
    detect_language,
    tool_version,
    without_path,
)
from translator.serve.spec import openapi_spec
from translator.serve.uploads import UploadStore

if TYPE_CHECKING:
    from starlette.datastructures import UploadFile

LOG = logging.getLogger("tarjama.serve")

SOURCE_CODES = ("ar", "auto")
TARGET_CODE = "en"
FORMATS = ("text", "html")
MAX_ALTERNATIVES = 3  # as LibreTranslate
UNENFORCED_HEADER = "X-Tarjama-Unenforced"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Headers": "Authorization, Content-Type",
    "Access-Control-Allow-Methods": "GET, POST",
    "Access-Control-Allow-Credentials": "true",
    "Access-Control-Max-Age": "1728000",
    "Access-Control-Expose-Headers": UNENFORCED_HEADER,
}
# File suffix -> media type of the English, for /translate_file: the formats
# ``tarjama translate`` reads (translator.formats.FORMAT_MODULES, plus text).
FILE_FORMATS: dict[str, str] = {
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".markdown": "text/markdown; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# An HTML text with one of these is a page, answered as a page; without, a fragment.
PAGE_TAG_RE = re.compile(r"<(?:html|head|body)[\s>/]|<!doctype", re.IGNORECASE)
STATIC_FILES = {"page.js": "text/javascript; charset=utf-8", "page.css": "text/css; charset=utf-8"}
# Threads running translations at once; beyond it requests wait their turn (in
# the coalescer they would only make the shared batches longer).
MAX_TRANSLATING_THREADS = 64

Handler = Callable[[Request], Awaitable[Response]]


class _State:
    """What the routes of one app share (one per create_app call)."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        watcher: GlossaryWatcher | None = None
        if config.glossary is not None and config.glossary_path is not None:
            watcher = GlossaryWatcher(config.glossary_path, config.glossary)
        coalescer = CoalescingEngine(
            config.engine,
            max_wait_s=config.max_wait_s if config.max_wait_s is not None else DEFAULT_MAX_WAIT_S,
            token_budget=config.token_budget or DEFAULT_TOKEN_BUDGET,
            workers=config.engine_calls,
        )
        source: GlossarySource | None = watcher
        if watcher is None and config.glossary is not None:
            source = FixedGlossary(config.glossary)
        self.service = TranslationService(config.engine, source, config.cache_dir, coalescer)
        self.keys = ApiKeys(config.api_keys)
        self.limiter = RateLimiter(config.req_limit)
        self.uploads = UploadStore()
        self.threads = anyio.CapacityLimiter(MAX_TRANSLATING_THREADS)


def create_app(config: ServeConfig) -> Starlette:
    """A LibreTranslate-compatible app translating through ``config.engine``."""
    state = _State(config)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await anyio.to_thread.run_sync(state.service.close)
            state.uploads.close()

    def api(handler: Callable[[Request, _State], Awaitable[Response]]) -> Handler:
        async def endpoint(request: Request) -> Response:
            try:
                return await handler(request, state)
            except ApiError as exc:
                return error_response(exc.status, exc.message, exc.extra)
            except Exception:  # noqa: BLE001 - the detail goes to the log, never to the client
                LOG.exception("internal error answering %s %s", request.method, request.url.path)
                return error_response(500, "internal error")

        return endpoint

    routes = [
        Route("/", api(_index), methods=["GET"]),
        Route("/static/{name}", api(_static), methods=["GET"]),
        Route("/languages", api(_languages), methods=["GET"]),
        Route("/translate", api(_translate), methods=["POST"]),
        Route("/detect", api(_detect), methods=["POST"]),
        Route("/translate_file", api(_translate_file), methods=["POST"]),
        Route("/download_file/{name:path}", api(_download_file), methods=["GET"]),
        Route("/suggest", api(_suggest), methods=["POST"]),
        Route("/frontend/settings", api(_settings), methods=["GET"]),
        Route("/health", api(_health), methods=["GET"]),
        Route("/spec", api(_spec), methods=["GET"]),
        Route("/docs", api(_docs), methods=["GET"]),
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(_Cors),
            Middleware(_BodyLimit, limit=config.max_upload_bytes, timeout_s=config.body_timeout_s),
        ],
        exception_handlers={HTTPException: _http_error, Exception: _internal_error},
        lifespan=lifespan,
    )
    app.state.tarjama = state  # tests and benchmarks read the coalescer's counters
    return app


def error_response(status: int, message: str, extra: dict[str, Any] | None = None) -> JSONResponse:
    return JSONResponse({"error": message, **(extra or {})}, status_code=status)


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else "internal error"
    return error_response(status, str(detail))


async def _internal_error(request: Request, exc: Exception) -> Response:
    LOG.error("internal error answering %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal error")


# -- middleware -------------------------------------------------------------


class _Cors:
    """LibreTranslate's CORS headers on every answer; OPTIONS preflight answered here."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS":
            await Response(status_code=200, headers=CORS_HEADERS)(scope, receive, send)
            return
        started = time.monotonic()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in CORS_HEADERS.items():
                    if name.lower().encode() not in present:
                        headers.append((name.lower().encode(), value.encode()))
                message = {**message, "headers": headers}
                # Our own access log: the path without its query string, which may hold an API key.
                LOG.info(
                    "%s %s %s %.0f ms", scope["method"], scope["path"], message["status"], 1000 * (time.monotonic() - started)
                )
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _BodyLimit:
    """413 for a body over the limit (declared or streamed), 408 for one sent too slowly.

    The body is read here, whole, and replayed to the app, so every route (and
    Starlette's form parser) sees a body already checked.
    """

    def __init__(self, app: ASGIApp, limit: int, timeout_s: float) -> None:
        self.app = app
        self.limit = limit
        self.timeout_s = timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.limit
            except ValueError:
                await error_response(400, "Invalid request: bad Content-Length")(scope, receive, send)
                return
            if too_big:
                await self._too_large(scope, receive, send)
                return
        chunks: list[bytes] = []
        size = 0
        disconnected = False
        try:
            with anyio.fail_after(self.timeout_s):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        disconnected = True
                        break
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > self.limit:
                        await self._too_large(scope, receive, send)
                        return
                    chunks.append(chunk)
                    if not message.get("more_body", False):
                        break
        except TimeoutError:
            await error_response(408, "Request timeout: the body was not received in time")(scope, receive, send)
            return
        if disconnected:
            return
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        megabytes = self.limit / (1024 * 1024)
        await error_response(413, f"Request too large: the limit is {megabytes:g} MB")(scope, receive, send)


# -- parameters and guards ----------------------------------------------------


async def read_params(request: Request) -> Params:
    query = from_query(request.scope.get("query_string", b""))
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if content_type == "application/json" or content_type.endswith("+json"):
        return from_json(body, query)
    if content_type == "application/x-www-form-urlencoded":
        return from_urlencoded(body, query)
    if content_type == "multipart/form-data":
        return await _multipart(request, query)
    return query


async def _multipart(request: Request, query: Params) -> Params:
    try:
        form = await request.form(max_files=4, max_fields=1000)
    except HTTPException as exc:
        raise ApiError(400, f"Invalid request: malformed multipart form ({exc.detail})") from None
    except Exception:  # noqa: BLE001 - any parser failure is the client's malformed body
        raise ApiError(400, "Invalid request: malformed multipart form") from None
    fields: list[tuple[str, str]] = []
    files: dict[str, UploadedFile] = {}
    try:
        for key, value in form.multi_items():
            if isinstance(value, str):
                fields.append((key, value))
            else:
                upload: UploadFile = value
                files[key] = UploadedFile(upload.filename or "", await upload.read())
    finally:
        await form.close()
    return merge_form(query, fields, files)


def _guard(request: Request, state: _State, params: Params) -> None:
    """API key, then rate limit (per key, else per client address)."""
    key = params.text("api_key") or ""
    if state.keys.required:
        if not key:
            raise ApiError(403, "Invalid API key")
        if not state.keys.accepts(key):
            raise ApiError(403, "Invalid API key")
    client = f"key:{key}" if key and state.keys.required else f"ip:{request.client.host if request.client else '?'}"
    if not state.limiter.allow(client):
        raise ApiError(429, f"Slowdown: {state.limiter.description()}")


async def _in_thread(state: _State, work: Callable[[], Any]) -> Any:
    """Run blocking work off the event loop; 503 past the request timeout."""
    try:
        with anyio.fail_after(state.config.request_timeout_s):
            return await anyio.to_thread.run_sync(work, abandon_on_cancel=True, limiter=state.threads)
    except TimeoutError:
        raise ApiError(503, f"Request timeout: no translation within {state.config.request_timeout_s:g} s") from None
    except TarjamaError as exc:
        LOG.error("translation failed: %s", exc)
        raise ApiError(500, "internal error") from None


# -- routes -------------------------------------------------------------------


async def _languages(request: Request, state: _State) -> Response:
    return JSONResponse(
        [
            {"code": "ar", "name": LANGUAGE_NAMES["ar"], "targets": [TARGET_CODE]},
            {"code": "en", "name": LANGUAGE_NAMES["en"], "targets": []},
        ]
    )


def _language_pair(params: Params) -> str:
    """The request's source language after checking both (LibreTranslate's messages); ``ar`` or ``auto``."""
    source = (params.text("source") or "").lower()
    target = (params.text("target") or "").lower()
    if not source:
        raise ApiError(400, "Invalid request: missing source parameter")
    if not target:
        raise ApiError(400, "Invalid request: missing target parameter")
    if source not in SOURCE_CODES:
        raise ApiError(400, f"{source} is not supported")
    if target != TARGET_CODE:
        raise ApiError(400, f"{target} is not supported")
    return source


async def _translate(request: Request, state: _State) -> Response:
    params = await read_params(request)
    _guard(request, state, params)
    q = params.q()
    if q is None or q == "" or q == []:
        raise ApiError(400, "Invalid request: missing q parameter")
    source = _language_pair(params)
    text_format = (params.text("format") or "text").lower()
    if text_format not in FORMATS:
        raise ApiError(400, f"{text_format} format is not supported")
    texts = q if isinstance(q, list) else [q]
    _check_limits(state.config, texts, batch=isinstance(q, list))
    alternatives = _alternatives(params)
    use_glossary = params.flag("glossary", True)
    strict = params.flag("strict", False)
    detections = [detect_language(text)[0] for text in texts] if source == "auto" else None
    # Text detected as English is already in the target language: it is returned as it came.
    to_translate = [i for i, text in enumerate(texts) if detections is None or detections[i].language == "ar"]
    work = partial(_translate_texts, state.service, [texts[i] for i in to_translate], text_format, use_glossary)
    translated: Translations = await _in_thread(state, work)
    results: list[TextTranslation] = [TextTranslation(text) for text in texts]
    for index, result in zip(to_translate, translated.texts):
        results[index] = result
    batch = isinstance(q, list)
    body: dict[str, Any] = {"translatedText": [r.text for r in results] if batch else results[0].text}
    if detections is not None:
        detected = [{"confidence": d.confidence, "language": d.language} for d in detections]
        body["detectedLanguage"] = detected if batch else detected[0]
    if alternatives:
        # The server returns one rendering per text: the enforced one. Other
        # beam hypotheses would not be glossary-checked, so none are offered.
        body["alternatives"] = [[] for _ in results] if batch else []
    unenforced = sum(len(r.unenforced) for r in results)
    if translated.glossary_digest is not None:
        body["glossary"] = _glossary_report(state, translated.glossary_digest, results)
    headers = {UNENFORCED_HEADER: str(unenforced)}
    if strict and unenforced:
        noun = "occurrence" if unenforced == 1 else "occurrences"
        return JSONResponse(
            {"error": f"{unenforced} glossary term {noun} unenforced", **body}, status_code=422, headers=headers
        )
    return JSONResponse(body, headers=headers)


def _translate_texts(service: TranslationService, texts: list[str], text_format: str, use_glossary: bool) -> Translations:
    if text_format == "html":
        return translate_html(service, texts, use_glossary)
    return service.translate(texts, use_glossary)


def translate_html(service: TranslationService, documents: Sequence[str], use_glossary: bool) -> Translations:
    """HTML texts through the documents' HTML format (markup, attributes and
    verbatim elements kept, inline tags re-placed on the English).

    A fragment (what LibreTranslate clients send: ``<p>…</p>``) comes back as a
    fragment, not wrapped in the page the format writes around it; occurrence
    offsets point into the HTML sent.
    """
    files = [(document.encode("utf-8"), "q.html") for document in documents]
    try:
        english, digest = service.translate_files(files, use_glossary)
    except TarjamaError as exc:
        raise ApiError(400, f"Invalid request: {without_path(exc)}") from None
    results = []
    for document, translated in zip(documents, english):
        text = translated.data.decode("utf-8")
        if not PAGE_TAG_RE.search(document):
            text = _body_of(text)
        occurrences = tuple(_in_source(document, placed) for placed in translated.occurrences)
        results.append(TextTranslation(text, occurrences))
    return Translations(tuple(results), digest)


def _body_of(page: str) -> str:
    start, end = page.find("<body>"), page.rfind("</body>")
    return page[start + len("<body>") : end] if start >= 0 and end > start else page


def _in_source(document: str, placed: PlacedOccurrence) -> ReportedOccurrence:
    """The occurrence with offsets into the HTML sent (from its line and column there)."""
    occurrence = placed.occurrence
    if placed.line is None or placed.column is None:
        return occurrence
    line_start = 0
    for _ in range(placed.line - 1):
        line_start = document.find("\n", line_start) + 1
    start = line_start + placed.column - 1
    return replace(occurrence, start=start, end=start + (occurrence.end - occurrence.start))


def _check_limits(config: ServeConfig, texts: list[str], batch: bool) -> None:
    if batch and config.batch_limit != UNLIMITED and len(texts) > config.batch_limit:
        raise ApiError(400, f"Invalid request: request ({len(texts)}) exceeds text limit ({config.batch_limit})")
    if config.char_limit != UNLIMITED:
        longest = max(len(text) for text in texts)
        if longest > config.char_limit:
            raise ApiError(400, f"Invalid request: request ({longest}) exceeds text limit ({config.char_limit})")


def _alternatives(params: Params) -> int:
    raw = params.text("alternatives")
    if raw is None or raw == "":
        return 0
    try:
        wanted = int(raw)
    except ValueError:
        raise ApiError(400, "Invalid request: alternatives must be a number") from None
    return max(0, min(MAX_ALTERNATIVES, wanted))


def _glossary_report(state: _State, digest: str, results: Sequence[TextTranslation]) -> dict[str, Any]:
    """The ``glossary`` field: provenance, totals, and per text every occurrence."""
    return {
        "tool": tool_version(),
        "model": state.service.model,
        "digest": digest,
        "found": sum(len(r.occurrences) for r in results),
        "unenforced": sum(len(r.unenforced) for r in results),
        "texts": [
            {
                "occurrences": [o.as_json() for o in r.occurrences],
                "unenforced": [o.as_json() for o in r.unenforced],
            }
            for r in results
        ],
    }


async def _detect(request: Request, state: _State) -> Response:
    params = await read_params(request)
    _guard(request, state, params)
    q = params.q()
    if q is None or q == "" or q == []:
        raise ApiError(400, "Invalid request: missing q parameter")
    text = "\n".join(q) if isinstance(q, list) else q
    return JSONResponse([{"confidence": d.confidence, "language": d.language} for d in detect_language(text)])


async def _translate_file(request: Request, state: _State) -> Response:
    if not state.config.files_translation:
        raise ApiError(403, "Files translation are disabled on this server.")
    params = await read_params(request)
    _guard(request, state, params)
    upload = params.files.get("file")
    if upload is None:
        raise ApiError(400, "Invalid request: missing file parameter")
    _language_pair(params)
    name = PurePath(upload.filename.replace("\\", "/")).name or "file.txt"
    suffix = PurePath(name).suffix.lower()
    if suffix not in FILE_FORMATS:
        raise ApiError(400, "Invalid request: file format not supported")
    use_glossary = params.flag("glossary", True)
    work = partial(_translate_file_bytes, state.service, upload.data, name, use_glossary)
    data, unenforced = await _in_thread(state, work)
    from translator.commands.translate import output_name

    stored = state.uploads.put(data, suffix, output_name(Path(name)), FILE_FORMATS[suffix])
    url = str(request.base_url).rstrip("/") + f"/download_file/{stored}"
    return JSONResponse({"translatedFileUrl": url}, headers={UNENFORCED_HEADER: str(unenforced)})


def _translate_file_bytes(service: TranslationService, data: bytes, name: str, use_glossary: bool) -> tuple[bytes, int]:
    try:
        [english], _ = service.translate_files([(data, name)], use_glossary)
    except TarjamaError as exc:
        raise ApiError(400, f"Invalid request: {without_path(exc)}") from None
    return english.data, english.unenforced_count


async def _download_file(request: Request, state: _State) -> Response:
    found = state.uploads.take(request.path_params["name"])
    if found is None:
        raise ApiError(404, "File not found")
    stored, data = found
    disposition = f"attachment; filename*=UTF-8''{_quote(stored.download_name)}"
    return Response(data, media_type=stored.media_type, headers={"Content-Disposition": disposition})


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


async def _suggest(request: Request, state: _State) -> Response:
    raise ApiError(403, "Suggestions are disabled on this server.")


async def _settings(request: Request, state: _State) -> Response:
    config = state.config
    return JSONResponse(
        {
            "charLimit": config.char_limit,
            "frontendTimeout": config.frontend_timeout_ms,
            "apiKeys": state.keys.required,
            "keyRequired": state.keys.required,
            "suggestions": False,
            "filesTranslation": config.files_translation,
            "supportedFilesFormat": list(FILE_FORMATS),
            "language": {
                "source": {"code": "ar", "name": LANGUAGE_NAMES["ar"]},
                "target": {"code": "en", "name": LANGUAGE_NAMES["en"]},
            },
        }
    )


async def _health(request: Request, state: _State) -> Response:
    source = state.service.glossary
    report: dict[str, Any] | None = None
    if source is not None:
        glossary = source.current()
        report = {
            "digest": glossary.digest,
            "entries": len(glossary.entries),
            "watched": source.watched,
            "reloads": source.reloads,
            "last_reload_error": source.last_error,
        }
    return JSONResponse(
        {"status": "ok", "tool": tool_version(), "version": __version__, "model": state.service.model, "glossary": report}
    )


async def _spec(request: Request, state: _State) -> Response:
    return JSONResponse(openapi_spec())


async def _index(request: Request, state: _State) -> Response:
    return Response(_asset("index.html"), media_type="text/html; charset=utf-8")


async def _docs(request: Request, state: _State) -> Response:
    return Response(_asset("docs.html"), media_type="text/html; charset=utf-8")


async def _static(request: Request, state: _State) -> Response:
    name = request.path_params["name"]
    if name not in STATIC_FILES:
        raise ApiError(404, "Not Found")
    return Response(_asset(name), media_type=STATIC_FILES[name])


def _asset(name: str) -> bytes:
    return resources.files("translator.serve").joinpath("static").joinpath(name).read_bytes()
