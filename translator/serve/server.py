"""Run an app with uvicorn: bind first (a busy port is a one-line error), print
the URL, stop cleanly on Ctrl-C or SIGTERM."""
from __future__ import annotations

import contextlib
import logging
import signal
import socket
import threading
from typing import Callable, Iterator

import uvicorn

from glossary.errors import TarjamaError
from translator.serve.app import create_app
from translator.serve.config import ServeConfig

# In-flight requests get this long to finish after Ctrl-C or SIGTERM.
GRACEFUL_SHUTDOWN_S = 10


class ListenError(TarjamaError):
    """The server cannot listen on the address it was given."""


class _Server(uvicorn.Server):
    """uvicorn's server, but a stop signal ends the run with exit 0.

    uvicorn re-raises the signals it caught once it has shut down, which
    would turn a clean Ctrl-C/SIGTERM stop into exit 130/143.
    """

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        handled = (signal.SIGINT, signal.SIGTERM)
        original = {sig: signal.signal(sig, self.handle_exit) for sig in handled}
        try:
            yield
        finally:
            for sig, handler in original.items():
                signal.signal(sig, handler)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket; port 0 picks a free one."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ListenError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise ListenError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.setblocking(False)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def run(config: ServeConfig, host: str, port: int, on_listening: Callable[[str], None]) -> None:
    """Serve until stopped; ``on_listening`` gets the URL once the port is bound."""
    sock = bind(host, port)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    app = create_app(config)
    server = _Server(
        uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,  # the app logs requests itself, without query strings (API keys)
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
            lifespan="on",
            log_config=None,
        )
    )
    on_listening(url_of(sock))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
