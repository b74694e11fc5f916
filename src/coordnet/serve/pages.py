"""The HTML pages: queue, network, account, search, decisions, exports; and the static files.

Pages are rendered on the server by Jinja2 with autoescaping (every value from the store is
hostile text). The network page embeds the report's per-network JSON the way
``report.html`` does (:func:`coordnet.report.html.embed_json`) and the browser renders it with
the report's ``report.js``, loaded like every script from ``/static/`` (the app's CSP allows
scripts from the app only; nothing inline, no CDN).

Forms post with the CSRF token in a hidden field and are answered with a redirect (so a
reload does not post twice); a bad value re-renders the page with the message and status
400.
"""

from __future__ import annotations

from datetime import date
from importlib import resources
from typing import Annotated, Any
from urllib.parse import quote, unquote, urlencode

import jinja2
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from coordnet._version import __version__
from coordnet.errors import InputError
from coordnet.report.detail import fmt_lag, fmt_num, fmt_short, fmt_when, safe_url
from coordnet.report.html import read_asset
from coordnet.serve.api import check_target
from coordnet.serve.decisions import DECISIONS, MAX_ANALYST, MAX_NOTE, record_decision
from coordnet.serve.exports import EXPORT_KINDS, NoConfirmedNetworks, export_confirmed
from coordnet.serve.queue import DECISION_FILTERS, QueueFilters
from coordnet.serve.search import MAX_QUERY, network_number, search
from coordnet.serve.views import UnknownTarget, account_view
from coordnet.serve.workbench import Workbench

__all__ = ["STATIC_FILES", "page_router"]

ANALYST_COOKIE = "coordnet_analyst"
PAGE_SIZE = 100

#: Files under /static/: name -> (package, path parts, media type). The report's script,
#: style sheet and vendored graph libraries are served from the report package itself.
STATIC_FILES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "report.js": ("coordnet.report", ("static", "report.js"), "text/javascript"),
    "report.css": ("coordnet.report", ("static", "report.css"), "text/css"),
    "graphology.umd.min.js": ("coordnet.report", ("vendor", "graphology.umd.min.js"),
                              "text/javascript"),
    "sigma.min.js": ("coordnet.report", ("vendor", "sigma.min.js"), "text/javascript"),
    "serve.js": ("coordnet.serve", ("static", "serve.js"), "text/javascript"),
    "serve.css": ("coordnet.serve", ("static", "serve.css"), "text/css"),
}  # fmt: skip
_STATIC_CACHE: dict[str, bytes] = {}


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        # Our pages first; the report's templates give the network skeleton.
        loader=jinja2.ChoiceLoader(
            [
                jinja2.PackageLoader("coordnet.serve", "templates"),
                jinja2.PackageLoader("coordnet.report", "templates"),
            ]
        ),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(num=fmt_num, when=fmt_when, safe_url=safe_url, lag=fmt_lag,
                       short=fmt_short, urlpart=lambda v: quote(str(v), safe=""))  # fmt: skip
    return env


_ENV = _environment()


def _bench(request: Request) -> Workbench:
    bench: Workbench = request.app.state.workbench
    return bench


def _render(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    bench = _bench(request)
    html = _ENV.get_template(template).render(
        csrf=request.scope.get("coordnet.csrf", ""),
        store_path=bench.store_path,
        version=__version__,
        decisions=DECISIONS,
        max_note=MAX_NOTE,
        max_analyst=MAX_ANALYST,
        analyst=unquote(request.cookies.get(ANALYST_COOKIE, ""))[:MAX_ANALYST],
        q=values.pop("q", ""),
        **values,
    )
    return HTMLResponse(html, status_code=status)


def _error(request: Request, exc: InputError) -> HTMLResponse:
    status = 404 if isinstance(exc, UnknownTarget) else 400
    if isinstance(exc, NoConfirmedNetworks):
        status = 409
    return _render(request, "error.html.j2", status, title="Not found" if status == 404
                   else "Cannot do that", message=str(exc))  # fmt: skip


page_router = APIRouter(include_in_schema=False)


@page_router.get("/static/{name}")
def static_file(name: str) -> Response:
    """The app's scripts and style sheets (a fixed list; nothing else on disk is served)."""
    if name not in STATIC_FILES:
        return Response("not found", status_code=404, media_type="text/plain")
    package, parts, media = STATIC_FILES[name]
    if name not in _STATIC_CACHE:
        if package == "coordnet.report":
            text = read_asset(*parts)
        else:
            text = resources.files(package).joinpath(*parts).read_text(encoding="utf-8")
        _STATIC_CACHE[name] = text.encode("utf-8")
    return Response(_STATIC_CACHE[name], media_type=f"{media}; charset=utf-8",
                    headers={"cache-control": "private, max-age=3600"})  # fmt: skip


@page_router.get("/", response_class=HTMLResponse)
def queue_page(
    request: Request,
    signal: str = "",
    min_size: str = "",
    max_size: str = "",
    since: str = "",
    until: str = "",
    decision: str = "",
    page: Annotated[int, Query(ge=1, le=10**6)] = 1,
) -> HTMLResponse:
    """The triage queue with its filter form."""
    form = {"signal": signal, "min_size": min_size, "max_size": max_size, "since": since,
            "until": until, "decision": decision}  # fmt: skip
    try:
        filters = QueueFilters(
            signal=signal or None,
            min_size=_int(min_size, "minimum size"),
            max_size=_int(max_size, "maximum size"),
            since=_date(since, "since"),
            until=_date(until, "until"),
            decision=decision or None,
        )
        result = _bench(request).queue(filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    except InputError as exc:
        return _error(request, exc)
    kept = urlencode({k: v for k, v in form.items() if v})
    return _render(request, "queue.html.j2", title="Queue", result=result, form=form,
                   decision_filters=DECISION_FILTERS, page=page, kept=kept,
                   n_pages=max(1, -(-result.total // PAGE_SIZE)))  # fmt: skip


def _int(text: str, name: str) -> int | None:
    if not text.strip():
        return None
    number = network_number(text.strip())
    if number is None:
        raise InputError(f"{name} {text!r} is not a whole number")
    return number


def _date(text: str, name: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InputError(f"{name} {text!r} is not a date (YYYY-MM-DD)") from exc


@page_router.get("/networks/{cluster_id}", response_class=HTMLResponse)
def network_page(request: Request, cluster_id: str) -> HTMLResponse:
    """One network: decision, members with decisions, history, and the report's view."""
    try:
        cid = network_number(cluster_id)
        if cid is None:
            raise UnknownTarget(f"network {cluster_id!r} is not in the store")
        view, embedded = _bench(request).network(cid)
    except InputError as exc:
        return _error(request, exc)
    return _render(request, "network_page.html.j2", title=f"Network {cid}", view=view,
                   detail_json=embedded, error=None)  # fmt: skip


@page_router.get("/accounts/{actor_id:path}", response_class=HTMLResponse)
def account_page(request: Request, actor_id: str) -> HTMLResponse:
    """One account: the explain view and its decisions."""
    try:
        view = _bench(request).run(account_view, actor_id)
    except InputError as exc:
        return _error(request, exc)
    return _render(request, "account.html.j2", title=f"Account {actor_id}", view=view,
                   ex=view.explanation, error=None)  # fmt: skip


@page_router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, q: str = "") -> HTMLResponse:
    """Search results."""
    try:
        found = _bench(request).run(search, q[:MAX_QUERY])
    except InputError as exc:
        return _error(request, exc)
    return _render(request, "search.html.j2", title="Search", found=found, q=q)


@page_router.get("/decisions", response_class=HTMLResponse)
def decisions_page(
    request: Request, page: Annotated[int, Query(ge=1, le=10**6)] = 1
) -> HTMLResponse:
    """The whole audit trail, newest first."""
    from coordnet.serve.decisions import decision_history

    rows = _bench(request).run(decision_history, limit=PAGE_SIZE + 1,
                               offset=(page - 1) * PAGE_SIZE)  # fmt: skip
    return _render(request, "decisions.html.j2", title="Decisions", rows=rows[:PAGE_SIZE],
                   page=page, has_more=len(rows) > PAGE_SIZE)  # fmt: skip


@page_router.post("/decisions", response_class=HTMLResponse)
def decide(
    request: Request,
    target_kind: Annotated[str, Form(max_length=20)],
    target_id: Annotated[str, Form(max_length=512)],
    decision: Annotated[str, Form(max_length=40)] = "",
    note: Annotated[str, Form(max_length=MAX_NOTE * 2)] = "",
    analyst: Annotated[str, Form(max_length=MAX_ANALYST * 2)] = "",
) -> Response:
    """Record a decision from a page's form, then go back to the page."""
    bench = _bench(request)
    try:
        with bench.locked() as store:
            if target_kind not in ("network", "account"):
                raise InputError(f"target kind {target_kind!r} is not network or account")
            check_target(store, target_kind, target_id)
            record_decision(store, target_kind, target_id, decision, analyst=analyst, note=note)
    except UnknownTarget as exc:
        return _error(request, exc)
    except InputError as exc:
        return _decide_again(request, target_kind, target_id, str(exc))
    back = (f"/networks/{quote(target_id, safe='')}" if target_kind == "network"
            else f"/accounts/{quote(target_id, safe='')}")  # fmt: skip
    response = RedirectResponse(back + "#decision", status_code=303)
    response.set_cookie(ANALYST_COOKIE, quote(analyst.strip()[:MAX_ANALYST], safe=""),
                        httponly=True, samesite="strict", path="/")  # fmt: skip
    return response


def _decide_again(request: Request, kind: str, target_id: str, message: str) -> HTMLResponse:
    """The target's page again, with the form's error, status 400."""
    bench = _bench(request)
    try:
        if kind == "network":
            cid = int(target_id)
            view, embedded = bench.network(cid)
            return _render(request, "network_page.html.j2", 400, title=f"Network {cid}",
                           view=view, detail_json=embedded, error=message)  # fmt: skip
        if kind == "account":
            aview = bench.run(account_view, target_id)
            return _render(request, "account.html.j2", 400, title=f"Account {target_id}",
                           view=aview, ex=aview.explanation, error=message)  # fmt: skip
    except (InputError, ValueError):
        pass
    return _render(request, "error.html.j2", 400, title="Cannot do that", message=message)


@page_router.get("/exports", response_class=HTMLResponse)
def exports_page(request: Request) -> HTMLResponse:
    """The confirmed networks and the exports of them."""
    from coordnet.serve.exports import confirmed_networks

    bench = _bench(request)
    ids = bench.run(confirmed_networks)
    return _render(request, "exports.html.j2", title="Exports", confirmed=ids,
                   kinds=list(EXPORT_KINDS), has_salt=bench.salt_file is not None)  # fmt: skip


@page_router.get("/exports/{kind}")
def export_download(request: Request, kind: str) -> Response:
    """A ZIP archive of one export of the confirmed networks."""
    bench = _bench(request)
    try:
        name, data = bench.run(export_confirmed, kind, salt_file=bench.salt_file)
    except InputError as exc:
        return _error(request, exc)
    return Response(data, media_type="application/zip",
                    headers={"content-disposition": f'attachment; filename="{name}"'})  # fmt: skip
