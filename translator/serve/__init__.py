"""``tarjama serve``: a LibreTranslate-compatible HTTP API and a translator's web page.

Modules: :mod:`.config` (what the server is told), :mod:`.coalesce` (concurrent
requests into shared engine batches), :mod:`.service` (texts in, enforced
translations and glossary reports out; no HTTP), :mod:`.params` (LibreTranslate's
ways of passing parameters), :mod:`.app` (``create_app(config)``, the routes),
:mod:`.guards` (API keys, rate limits), :mod:`.uploads` (translated files
awaiting download), :mod:`.server` (uvicorn, graceful shutdown) and ``static/``
(the web page). Starlette and uvicorn are imported only here, never by
``check``, ``terms`` or ``glossary``.
"""
