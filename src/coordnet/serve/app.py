"""The app factory and the server: :func:`create_app` builds it, :func:`serve` runs it.

:func:`create_app` opens the store once (read-write, for the decisions; see
:mod:`coordnet.serve.workbench`), puts the guard of :mod:`coordnet.serve.security` in front
of the pages and the JSON API, and closes the store when the server shuts down.
:func:`serve` runs it with uvicorn in one process, on 127.0.0.1 by default. Bound to any
other address it requires a token on every request, and makes one (``secrets``) when none
is given; the address to open, token included, is printed at start.
"""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from coordnet._version import __version__
from coordnet.errors import InputError
from coordnet.serve.api import api_router
from coordnet.serve.pages import page_router
from coordnet.serve.security import MAX_BODY, SecurityMiddleware, SecuritySettings
from coordnet.serve.workbench import Workbench

__all__ = ["create_app", "is_loopback", "loopback_hosts", "serve"]


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or ``localhost``) is the loopback interface."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def loopback_hosts(port: int) -> frozenset[str]:
    """The ``Host`` headers a browser sends for the loopback server on ``port``."""
    names = ("127.0.0.1", "localhost", "[::1]")
    hosts = {f"{n}:{port}" for n in names}
    if port == 80:
        hosts |= set(names)
    return frozenset(hosts)


def create_app(
    store_path: str | Path,
    *,
    token: str | None = None,
    salt_file: str | Path | None = None,
    allowed_hosts: frozenset[str] | None = None,
    max_body: int = MAX_BODY,
    memory_limit: str | None = None,
) -> FastAPI:
    """The web app on the store at ``store_path`` (a store ``coordnet detect`` wrote to).

    ``token``: required on every request when given (see :mod:`coordnet.serve.security`).
    ``salt_file``: the secret salt of the disclosure export (refused without one).
    ``allowed_hosts``: accepted ``Host`` headers (None: any). ``max_body``: largest request
    body in bytes. ``memory_limit``: DuckDB's, e.g. ``"4GB"``.

    Opens the store now and creates its ``decisions`` table if missing; raises
    :class:`~coordnet.errors.InputError` for a missing store, one without detection
    results, or a missing salt file. The store is closed when the app shuts down.
    """
    if token is not None and len(token) < 16:
        raise InputError("the token must have at least 16 characters")
    bench = Workbench(store_path, salt_file=salt_file, memory_limit=memory_limit)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            bench.close()

    app = FastAPI(
        title="coordnet workbench",
        version=__version__,
        description=(
            "Triage the networks coordnet detect found: ranked networks, network and account "
            "views, search, and analysts' decisions (an append-only audit trail). "
            "State-changing calls need the CSRF token of GET /api/csrf in X-CSRF-Token; a "
            "server bound off loopback needs 'Authorization: Bearer <token>'."
        ),
        docs_url=None,  # the interactive docs load scripts from a CDN
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.workbench = bench
    app.include_router(api_router)
    app.include_router(page_router)
    settings = SecuritySettings(token=token, allowed_hosts=allowed_hosts, max_body=max_body)
    app.add_middleware(SecurityMiddleware, settings=settings)
    return app


def serve(
    store_path: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    token: str | None = None,
    salt_file: str | Path | None = None,
    memory_limit: str | None = None,
    announce: Callable[[str], None] = print,
) -> None:
    """Serve the web app on ``host``:``port`` until interrupted (Ctrl-C).

    On a loopback address only ``Host`` headers naming it are accepted; on any other
    address a token is required, made with :func:`secrets.token_urlsafe` unless ``token``
    is given. ``announce`` receives the line with the address to open (with the token).
    Other parameters as :func:`create_app`.
    """
    import uvicorn

    if not 0 <= port <= 65535:
        raise InputError(f"port {port} is not between 0 and 65535")
    local = is_loopback(host)
    if not local and token is None:
        token = secrets.token_urlsafe(32)
    app = create_app(store_path, token=token, salt_file=salt_file, memory_limit=memory_limit,
                     allowed_hosts=loopback_hosts(port) if local else None)  # fmt: skip
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    if token is not None:
        announce(f"coordnet serve: open {url}?token={token} (token required on every request)")
    else:
        announce(f"coordnet serve: open {url} (loopback only; Ctrl-C to stop)")
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                            server_header=False, proxy_headers=False,
                            timeout_graceful_shutdown=5)  # fmt: skip
    uvicorn.Server(config).run()
