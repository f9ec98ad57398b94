"""Hostile requests to `tarjama serve`: each gets the right status and a JSON
error without a traceback or a path, and the server keeps serving.

The suite's network ban stays, narrowed to let connections reach 127.0.0.1.
"""
from __future__ import annotations

import os
import socket
import time
from pathlib import Path
from typing import Any, Iterator, Sequence

import httpx
import pytest

from serve_harness import fixture_engine, running_server, seed_glossary
from translator.engine import DecodeRequest, DecodeResult
from translator.serve.config import ServeConfig

LOOPBACK = ("127.0.0.1", "::1", "localhost")
_connect, _create_connection = socket.socket.connect, socket.create_connection


def _loopback_only(address: Any) -> None:
    host = address[0] if isinstance(address, tuple) else address
    if host not in LOOPBACK:
        raise OSError(101, "network access is disabled in the hostile-input suite (loopback only)")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Overrides the suite's ban: loopback only."""

    def connect(self: socket.socket, address: Any) -> None:
        _loopback_only(address)
        _connect(self, address)

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        _loopback_only(address)
        return _create_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "create_connection", create_connection)


@pytest.fixture(scope="module")
def engine() -> Any:
    return fixture_engine()


@pytest.fixture(scope="module")
def base(engine: Any) -> Iterator[str]:
    config = ServeConfig(
        engine=engine, glossary=seed_glossary(), max_upload_bytes=64 * 1024, body_timeout_s=1.0, char_limit=5000
    )
    with running_server(config) as url:
        yield url


def _raw(base: str, request: bytes, pause_after: int | None = None, wait_s: float = 0.0) -> tuple[int, bytes]:
    """Send bytes as they are; returns (status, body)."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        if pause_after is None:
            sock.sendall(request)
        else:
            sock.sendall(request[:pause_after])
            time.sleep(wait_s)
            try:
                sock.sendall(request[pause_after:])
            except OSError:
                pass
        data = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
            if b"\r\n\r\n" in data:
                head, _, body = data.partition(b"\r\n\r\n")
                length = [l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")]
                if length and len(body) >= int(length[0].split(b":")[1]):
                    break
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    return status, data.partition(b"\r\n\r\n")[2]


def _request(path: str, body: bytes, content_type: str, extra: str = "") -> bytes:
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n{extra}Connection: close\r\n\r\n"
    return head.encode() + body


def assert_clean(body: bytes) -> None:
    text = body.decode("utf-8", "replace")
    assert "Traceback" not in text and "File \"" not in text
    assert "/tmp" not in text and str(Path.home()) not in text and "glossary.yaml" not in text


def assert_still_serving(base: str) -> None:
    response = httpx.post(base + "/translate", json={"q": "قال", "source": "ar", "target": "en"}, timeout=30)
    assert response.status_code == 200


JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
BAD_BODIES = [
    ("truncated JSON", b'{"q": "\xd9\x82', JSON, 400, "Invalid JSON format"),
    ("JSON list", b'["q"]', JSON, 400, "Invalid JSON format"),
    ("JSON null", b"null", JSON, 400, "Invalid JSON format"),
    ("JSON string", b'"q"', JSON, 400, "Invalid JSON format"),
    ("deep JSON", b"[" * 100_000 + b"]" * 100_000, JSON, 413, None),
    ("deep JSON under the limit", b'{"q": ' + b"[" * 20_000 + b"]" * 20_000 + b"}", JSON, 400, None),
    ("invalid UTF-8 JSON", b'{"q": "\xff\xfe", "source": "ar", "target": "en"}', JSON, 400, "Invalid JSON format"),
    ("lone surrogate", b'{"q": "\\ud800 \xd9\x82", "source": "ar", "target": "en"}', JSON, 400, "Invalid request: q is not valid Unicode"),
    ("invalid UTF-8 form", b"q=\xff&source=ar&target=en", FORM, 400, "Invalid request: the form is not valid UTF-8"),
    ("percent-encoded invalid UTF-8", b"q=%FF%FE&source=ar&target=en", FORM, 400, "Invalid request: the form is not valid UTF-8"),
    ("q as an object", b'{"q": {"a": 1}, "source": "ar", "target": "en"}', JSON, 400, "Invalid request: q must be a string or a list of strings"),
    ("source as a list", b'{"q": "x", "source": ["ar"], "target": "en"}', JSON, 400, "Invalid request: source must be a string"),
    ("multipart without boundary", b"--x\r\n", "multipart/form-data", 400, None),
    ("truncated multipart", b'--BND\r\nContent-Disposition: form-data; name="q"\r\n\r\nab', "multipart/form-data; boundary=BND", 400, None),
    ("too long a text", ("q=" + "ق" * 6000 + "&source=ar&target=en").encode(), FORM, 400, "Invalid request: request (6000) exceeds text limit (5000)"),
]


@pytest.mark.parametrize(("body", "content_type", "status", "message"), [b[1:] for b in BAD_BODIES], ids=[b[0] for b in BAD_BODIES])
def test_malformed_bodies_are_400s(base: str, body: bytes, content_type: str, status: int, message: str | None) -> None:
    got, answer = _raw(base, _request("/translate", body, content_type))
    assert got == status, answer
    assert_clean(answer)
    if message is not None:
        assert answer.decode() == '{"error":"%s"}' % message
    assert_still_serving(base)


def test_invalid_utf8_in_the_query_string(base: str) -> None:
    got, answer = _raw(base, b"POST /translate?q=%FF&source=ar&target=en HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    assert (got, answer) == (400, b'{"error":"Invalid request: the query string is not valid UTF-8"}')


def test_a_declared_huge_body_is_refused_before_it_is_read(base: str) -> None:
    head = b"POST /translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000000000\r\nConnection: close\r\n\r\n"
    got, answer = _raw(base, head + b"{")
    assert got == 413 and b"Request too large" in answer
    assert_still_serving(base)


def test_a_streamed_huge_body_is_cut_at_the_limit(base: str) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(200):
            yield b"a" * 4096

    response = httpx.post(base + "/translate", content=chunks(), headers={"Content-Type": FORM}, timeout=30)
    assert response.status_code == 413
    assert response.json()["error"].startswith("Request too large")
    assert_still_serving(base)


def test_a_slow_body_times_out(base: str) -> None:
    request = _request("/translate", b'{"q": "\xd9\x82", "source": "ar", "target": "en"}', JSON)
    got, answer = _raw(base, request, pause_after=len(request) - 10, wait_s=2.0)
    assert got == 408
    assert answer == b'{"error":"Request timeout: the body was not received in time"}'
    assert_still_serving(base)


def test_a_bad_content_length_is_a_400(base: str) -> None:
    got, answer = _raw(base, b"POST /translate HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\nConnection: close\r\n\r\n")
    assert got == 400
    assert_clean(answer)
    assert_still_serving(base)


PATHS_AND_METHODS = [
    ("GET", "/admin", 404),
    ("GET", "/static/../app.py", 404),
    ("GET", "/static/index.html", 404),
    ("PUT", "/translate", 405),
    ("DELETE", "/languages", 405),
    ("PATCH", "/detect", 405),
    ("GET", "/translate_file", 405),
]


@pytest.mark.parametrize(("method", "path", "status"), PATHS_AND_METHODS)
def test_unknown_paths_and_methods_are_json(base: str, method: str, path: str, status: int) -> None:
    response = httpx.request(method, base + path)
    assert response.status_code == status
    assert set(response.json()) == {"error"}


TRAVERSALS = [
    "../../../../etc/passwd",
    "..%2F..%2F..%2Fetc%2Fpasswd",
    "%2e%2e/%2e%2e/etc/passwd",
    "/etc/passwd",
    "....//....//etc/passwd",
    "a" * 32 + ".txt",
    "a" * 32 + ".txt/../../etc/passwd",
    "%00",
]


@pytest.mark.parametrize("name", TRAVERSALS)
def test_download_file_serves_only_its_own_files(base: str, name: str) -> None:
    # Sent as written (httpx would normalize the dots away).
    got, answer = _raw(base, f"GET /download_file/{name} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    assert got == 404
    assert answer in (b'{"error":"File not found"}', b'{"error":"Not Found"}')


def test_a_symlink_planted_in_the_upload_folder_is_not_followed(base: str, tmp_path: Path) -> None:
    upload = httpx.post(base + "/translate_file", data={"source": "ar", "target": "en"}, files={"file": ("a.txt", "قال".encode())})
    url = upload.json()["translatedFileUrl"]
    name = url.rsplit("/", 1)[1]
    folders = [p for p in Path(os.environ.get("TMPDIR", "/tmp")).glob("tarjama-serve-*") if (p / name).exists()]
    assert len(folders) == 1
    assert oct(folders[0].stat().st_mode & 0o777) == "0o700"
    secret = tmp_path / "secret.txt"
    secret.write_text("secret", encoding="utf-8")
    (folders[0] / name).unlink()
    (folders[0] / name).symlink_to(secret)
    response = httpx.get(url)
    assert response.status_code == 404 and b"secret" not in response.content


def test_wrong_keys_and_rate_limits(engine: Any) -> None:
    with running_server(ServeConfig(engine=engine, api_keys=("s3cret-key",), req_limit=5)) as url:
        statuses = [
            httpx.post(url + "/translate", data={"q": "قال", "source": "ar", "target": "en", "api_key": key}).status_code
            for key in ("", "s3cret-ke", "s3cret-key\x00", "S3CRET-KEY", "ق")
        ]
        flood = [httpx.post(url + "/detect", data={"q": "قال", "api_key": "s3cret-key"}).status_code for _ in range(7)]
        health = httpx.get(url + "/health")
    assert statuses == [403, 403, 403, 403, 403]
    assert flood == [200] * 5 + [429, 429]
    assert health.status_code == 200


class _BrokenEngine:
    name, version = "broken", "1"

    def translate(self, requests: Sequence[DecodeRequest]) -> list[DecodeResult]:
        raise ValueError("/secret/path/model.bin exploded")


def test_an_internal_error_is_a_bare_500_and_the_server_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    with running_server(ServeConfig(engine=_BrokenEngine())) as url:
        first = httpx.post(url + "/translate", json={"q": "قال", "source": "ar", "target": "en"})
        second = httpx.post(url + "/translate", json={"q": "قال", "source": "ar", "target": "en"})
        health = httpx.get(url + "/health")
    assert (first.status_code, first.json()) == (500, {"error": "internal error"})
    assert second.status_code == 500 and health.status_code == 200
    assert "secret" not in first.text
    assert first.headers["Access-Control-Allow-Origin"] == "*"


class _SlowEngine:
    name, version = "slow", "1"

    def translate(self, requests: Sequence[DecodeRequest]) -> list[DecodeResult]:
        time.sleep(1.5)
        return [DecodeResult("Said.") for _ in requests]


def test_a_request_past_the_timeout_is_a_503_and_the_server_goes_on() -> None:
    with running_server(ServeConfig(engine=_SlowEngine(), request_timeout_s=0.3)) as url:
        late = httpx.post(url + "/translate", json={"q": "قال", "source": "ar", "target": "en"}, timeout=30)
        health = httpx.get(url + "/health")
    assert (late.status_code, late.json()) == (503, {"error": "Request timeout: no translation within 0.3 s"})
    assert health.status_code == 200
