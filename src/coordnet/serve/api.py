"""The JSON API (``/api/...``), described by FastAPI's OpenAPI document at ``/openapi.json``.

The same library calls as the pages, under the same lock: the ranked networks, one network
(with the report's JSON), one account (the explain view), search, and the decisions (list
and record). Every parameter is validated (ranges, lengths, choices), so a bad request gets
a 4xx answer, never a server error. Nothing here takes SQL, a table or a column name from
the caller.

Recording a decision is the only state change: ``POST /api/decisions`` needs the CSRF token
(``GET /api/csrf``) in ``X-CSRF-Token`` along with the ``coordnet_csrf`` cookie that call
set; see :mod:`coordnet.serve.security`.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, HTTPException, Path, Query, Request
from pydantic import BaseModel, Field

from coordnet.errors import InputError
from coordnet.serve.decisions import MAX_ANALYST, MAX_NOTE, Decision, record_decision
from coordnet.serve.queue import QueueFilters
from coordnet.serve.search import MAX_QUERY, network_number, search
from coordnet.serve.views import UnknownTarget, account_exists, account_view
from coordnet.serve.workbench import Workbench
from coordnet.store import Store

__all__ = [
    "AccountOut",
    "DecisionIn",
    "DecisionOut",
    "NetworkOut",
    "NetworkSummary",
    "api_router",
    "check_target",
    "plain",
]

_MAX_ID = 2**63 - 1
DecisionValue = Literal["confirmed", "dismissed", "needs_review"]
TargetKind = Literal["network", "account"]


def plain(value: Any) -> Any:
    """``value`` made JSON-safe: NaN and infinities become None, times RFC 3339 text (UTC),
    bytes hex, tuples and sets lists (recursively)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, datetime):
        # The store's times are UTC without a zone; RFC 3339 wants the zone written.
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain(v) for v in value]
    if isinstance(value, Decision):
        return plain(asdict(value))
    return value


class DecisionIn(BaseModel):
    """A decision to record."""

    target_kind: TargetKind
    target_id: str = Field(min_length=1, max_length=512,
                           description="network id (as text) or account id")  # fmt: skip
    decision: DecisionValue
    note: str = Field(default="", max_length=MAX_NOTE)
    analyst: str = Field(min_length=1, max_length=MAX_ANALYST)


class DecisionOut(BaseModel):
    """One row of the audit trail."""

    decision_id: int
    target_kind: str
    target_id: str
    decision: str
    note: str
    analyst: str
    decided_at: datetime


class NetworkSummary(BaseModel):
    """A network in the queue."""

    cluster_id: int
    size: int
    n_flagged: int
    score: float | None
    inauthenticity: float | None
    attribution_confidence: float | None
    signals: list[str]
    first_seen: datetime | None
    last_seen: datetime | None
    decision: str | None = Field(description="current analyst decision, None when undecided")
    analyst: str | None
    decided_at: datetime | None
    is_new: bool | None = Field(description="new since the previous monitoring run")
    n_new_members: int | None
    n_lost_members: int | None
    change: str
    is_priority: bool = Field(description="confirmed and gained members: shown first")


class NetworkList(BaseModel):
    """One page of the ranked queue."""

    total: int
    limit: int
    offset: int
    signals: list[str] = Field(description="signals present in reported networks")
    networks: list[NetworkSummary]


class MemberOut(BaseModel):
    """A member of a network with its current decision."""

    actor_id: str
    handle: str | None
    display_name: str | None
    role: str | None
    score: float | None
    reported: bool | None
    outside: bool | None
    n_actions: int | None
    is_new_member: bool
    decision: DecisionOut | None


class NetworkOut(BaseModel):
    """A network: the cluster row, members, decisions, history and the report's JSON."""

    cluster: dict[str, Any]
    change: str
    members: list[MemberOut]
    n_members: int
    decisions: list[DecisionOut]
    runs: list[dict[str, Any]]
    report: dict[str, Any] = Field(description="what report.js renders (graph, charts, tables)")


class AccountOut(BaseModel):
    """The explain view of an account, with its decisions."""

    actor_id: str
    verdict: str
    profile: dict[str, Any]
    membership: dict[str, Any] | None
    cluster: dict[str, Any] | None
    partners: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    evidence: list[dict[str, Any]]
    decisions: list[DecisionOut]
    network_decision: DecisionOut | None


class SearchOut(BaseModel):
    """Search results and how the query was read."""

    query: str
    kinds: list[str]
    accounts: list[dict[str, Any]]
    networks: list[dict[str, Any]]


class CsrfOut(BaseModel):
    """The CSRF token for ``X-CSRF-Token`` (goes with the cookie this call sets)."""

    csrf_token: str


def check_target(store: Store, target_kind: str, target_id: str) -> None:
    """:class:`UnknownTarget` unless the network (any cluster of the store) or the account
    exists."""
    if target_kind == "network":
        number = network_number(target_id)
        ok = number is not None and bool(
            store.engine.rows("SELECT 1 FROM clusters WHERE cluster_id = ?", [number])
        )
    else:
        ok = account_exists(store, target_id)
    if not ok:
        raise UnknownTarget(f"{target_kind} {target_id!r} is not in the store")


def _bench(request: Request) -> Workbench:
    bench: Workbench = request.app.state.workbench
    return bench


def _fail(exc: InputError) -> HTTPException:
    return HTTPException(404 if isinstance(exc, UnknownTarget) else 400, str(exc))


api_router = APIRouter(prefix="/api", tags=["api"])


@api_router.get("/csrf", response_model=CsrfOut)
def get_csrf(request: Request) -> dict[str, str]:
    """The CSRF token for state-changing calls (send it in ``X-CSRF-Token``)."""
    return {"csrf_token": request.scope["coordnet.csrf"]}


@api_router.get("/networks", response_model=NetworkList)
def list_networks(
    request: Request,
    signal: Annotated[str | None, Query(max_length=100)] = None,
    min_size: Annotated[int | None, Query(ge=0, le=2**62)] = None,
    max_size: Annotated[int | None, Query(ge=0, le=2**62)] = None,
    since: date | None = None,
    until: date | None = None,
    decision: Annotated[
        Literal["undecided", "confirmed", "dismissed", "needs_review"] | None, Query()
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=2**62)] = 0,
) -> dict[str, Any]:
    """Reported networks, ranked (confirmed ones with new members first, then by score)."""
    filters = QueueFilters(signal, min_size, max_size, since, until, decision)
    try:
        page = _bench(request).queue(filters, limit=limit, offset=offset)
    except InputError as exc:
        raise _fail(exc) from exc
    return plain({"total": page.total, "limit": page.limit, "offset": page.offset,
                  "signals": page.signals, "networks": page.rows})  # fmt: skip


@api_router.get("/networks/{cluster_id}", response_model=NetworkOut)
def get_network(request: Request, cluster_id: Annotated[int, Path(ge=0, le=_MAX_ID)]) -> Any:
    """One reported network: members with decisions, decisions, history, report JSON."""
    try:
        view, _ = _bench(request).network(cluster_id)
    except InputError as exc:
        raise _fail(exc) from exc
    return plain({"cluster": view.cluster, "change": view.change, "members": view.members,
                  "n_members": view.n_members, "decisions": view.decisions,
                  "runs": view.runs, "report": view.detail})  # fmt: skip


@api_router.get("/accounts/{actor_id:path}", response_model=AccountOut)
def get_account(
    request: Request, actor_id: Annotated[str, Path(min_length=1, max_length=512)]
) -> Any:
    """One account: why it is (or is not) flagged, partners, evidence, decisions."""
    try:
        view = _bench(request).run(account_view, actor_id)
    except InputError as exc:
        raise _fail(exc) from exc
    ex = view.explanation
    return plain({"actor_id": ex.actor_id, "verdict": ex.verdict, "profile": ex.profile,
                  "membership": ex.membership, "cluster": ex.cluster, "partners": ex.partners,
                  "edges": ex.edges, "evidence": ex.evidence, "decisions": view.decisions,
                  "network_decision": view.network_decision})  # fmt: skip


@api_router.get("/search", response_model=SearchOut)
def get_search(request: Request, q: Annotated[str, Query(max_length=MAX_QUERY)] = "") -> Any:
    """Accounts and networks by account id, handle, URL, #hashtag or network id."""
    try:
        found = _bench(request).run(search, q)
    except InputError as exc:
        raise _fail(exc) from exc
    return plain({"query": found.query, "kinds": found.kinds, "accounts": found.accounts,
                  "networks": found.networks})  # fmt: skip


@api_router.get("/decisions", response_model=list[DecisionOut])
def list_decisions(
    request: Request,
    target_kind: TargetKind | None = None,
    target_id: Annotated[str | None, Query(min_length=1, max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0, le=2**62)] = 0,
) -> Any:
    """The audit trail, newest first (optionally of one kind and/or one target)."""
    from coordnet.serve.decisions import decision_history

    rows = _bench(request).run(decision_history, target_kind=target_kind, target_id=target_id,
                               limit=limit, offset=offset)  # fmt: skip
    return plain(rows)


@api_router.post("/decisions", response_model=DecisionOut, status_code=201)
def post_decision(
    request: Request,
    body: DecisionIn,
    x_csrf_token: Annotated[
        str | None, Header(description="the token of GET /api/csrf (checked before this)")
    ] = None,
) -> Any:
    """Record a decision (appended to the audit trail; the latest one is current)."""
    try:
        with _bench(request).locked() as store:
            check_target(store, body.target_kind, body.target_id)
            made = record_decision(store, body.target_kind, body.target_id, body.decision,
                                   analyst=body.analyst, note=body.note)  # fmt: skip
    except InputError as exc:
        raise _fail(exc) from exc
    return plain(made)
