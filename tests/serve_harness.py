"""A real ``tarjama serve`` app on 127.0.0.1, in a thread, for the server's tests
(tests/translator/test_serve_*.py and tests/hostile/test_serve_requests.py).

uvicorn serves the app built by ``create_app(config)`` on a socket bound to a
free port; ``running_server`` yields the base URL and shuts the server down
(lifespan included) when the block ends.
"""
from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import uvicorn

from translator.serve.app import create_app
from translator.serve.config import ServeConfig
from translator.serve.server import bind, url_of

ROOT = Path(__file__).resolve().parent.parent
SEED_GLOSSARY = ROOT / "seeds" / "glossary.yaml"
FIXTURE_MODEL = ROOT / "tests" / "fixtures" / "ar_en_tiny.argosmodel"

# Real-looking Arabic news sentences with glossary terms (clitics, quotes, diacritics, tatweel).
NEWS = (
    "قالت كتائب حزب الله إن قاعدة القيارة سلمت.",
    "سلم التحالف الدولي قاعدة القيارة إلى القوات العراقية.",
    "وقالت «كتائب حزب الله» في بيان إنها لن تنسحب.",
    "انسحبت القوات الأميركية من قاعدة عين الأسد.",
    "وأعلنت هيئة الحشد الشعبي وصول تعزيزات إلى الموصل.",
    "قال مصدر عسكري إن تنظيم الدولة الإسلامية هاجم القوات.",
    "وَقالت كتـائب حزب الله إنّ الهجوم فشل.",
    "بغداد ـ سلم التحالف الدولي، اليوم الخميس، قاعدة القيارة العسكرية.",
)


def fixture_engine() -> Any:
    from translator.ct2_engine import ArgosEngine
    from translator.packages import resolve_model

    return ArgosEngine(resolve_model(str(FIXTURE_MODEL), "ar", "en"))


def seed_glossary() -> Any:
    from glossary.yamlio import load_glossary

    return load_glossary(SEED_GLOSSARY)


@contextlib.contextmanager
def running_server(config: ServeConfig) -> Iterator[str]:
    """Serve ``config`` on a free port of 127.0.0.1; yields ``http://127.0.0.1:PORT``."""
    sock = bind("127.0.0.1", 0)
    app = create_app(config)
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on", timeout_graceful_shutdown=5)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    try:
        yield url_of(sock)
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()
