"""``tarjama serve``: the LibreTranslate-compatible HTTP API and the web page."""
from __future__ import annotations

import os
from pathlib import Path

import click

from glossary.errors import MissingDependency
from glossary.options import glossary_option
from translator.commands.translate import _load_glossary, make_engine


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, envvar="TARJAMA_SERVE_HOST", help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=5000, show_default=True, envvar="TARJAMA_SERVE_PORT", help="Port (0: any free one).")
@glossary_option
@click.option("--no-glossary", is_flag=True, help="Serve without a glossary.")
@click.option("--model", "model_spec", metavar="PAIR|PATH", help="Argos package: installed pair, folder or .argosmodel file.")
@click.option("--beam", type=click.IntRange(1, 16), default=4, show_default=True, help="Beam size.")
@click.option("--api-keys", "api_keys_path", metavar="FILE", envvar="TARJAMA_SERVE_API_KEYS", help="Require one of these keys (one per line).")
@click.option("--char-limit", type=int, default=-1, show_default=True, envvar="TARJAMA_SERVE_CHAR_LIMIT", help="Most characters per text (-1: no limit).")
@click.option("--batch-limit", type=int, default=-1, show_default=True, envvar="TARJAMA_SERVE_BATCH_LIMIT", help="Most texts per request (-1: no limit).")
@click.option("--req-limit", type=int, default=-1, show_default=True, envvar="TARJAMA_SERVE_REQ_LIMIT", help="Most requests per minute per key, else per client address (-1: no limit).")
@click.option("--max-upload-mb", type=click.FloatRange(min=0.001), default=10, show_default=True, envvar="TARJAMA_SERVE_MAX_UPLOAD_MB", help="Largest request body, in MB.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the translation memory.")
@click.pass_context
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    glossary_path: str,
    no_glossary: bool,
    model_spec: str | None,
    beam: int,
    api_keys_path: str | None,
    char_limit: int,
    batch_limit: int,
    req_limit: int,
    max_upload_mb: float,
    no_cache: bool,
) -> None:
    """Serve the LibreTranslate HTTP API (Arabic→English) and a web page at /.

    Every request is translated like `tarjama translate`, with the glossary
    (-g, else $TARJAMA_GLOSSARY, else ./glossary.yaml if it exists) enforced
    and reported; the glossary file is reloaded when it changes. Binds to
    127.0.0.1 unless --host says otherwise; Ctrl-C or SIGTERM finishes the
    requests in flight (at most 10 s) and exits 0.

    \b
    Example:
      tarjama serve -g seeds/glossary.yaml --model tests/fixtures/ar_en_tiny.argosmodel
      tarjama serve --host 0.0.0.0 --port 5000 --api-keys keys.txt --req-limit 60
      curl -s localhost:5000/translate -H 'Content-Type: application/json' \\
           -d '{"q": "قالت كتائب حزب الله", "source": "ar", "target": "en"}'
    """
    try:
        from translator.serve.config import ServeConfig
        from translator.serve.guards import read_api_keys
        from translator.serve.server import run
    except ModuleNotFoundError as exc:
        raise MissingDependency(
            f"tarjama serve needs {exc.name}; install it with: pip install 'tarjama[serve]'"
        ) from None
    from translator.cache import default_cache_dir

    glossary = None if no_glossary else _load_glossary(ctx, glossary_path)
    api_keys = read_api_keys(api_keys_path) if api_keys_path else ()
    engine = make_engine(model_spec, beam)
    config = ServeConfig(
        engine=engine,
        glossary=glossary,
        glossary_path=os.path.abspath(glossary_path) if glossary is not None else None,
        api_keys=api_keys,
        char_limit=char_limit,
        batch_limit=batch_limit,
        req_limit=req_limit,
        max_upload_bytes=int(max_upload_mb * 1024 * 1024),
        cache_dir=None if no_cache else Path(default_cache_dir()),
    )

    def announce(url: str) -> None:
        what = f"glossary {glossary.digest[:12]}, {len(glossary.entries)} entries" if glossary is not None else "no glossary"
        click.echo(f"tarjama serve: {url}/ ({engine.name} {engine.version}; {what}); Ctrl-C stops", err=True)

    run(config, host, port, announce)
    click.echo("tarjama serve: stopped", err=True)
