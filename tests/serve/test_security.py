"""The guard of a real ``coordnet serve``: token off loopback, Host check, CSRF, body size
limit, validation answered with 4xx, security headers, and concurrent writes."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from coordnet.store import open_store

from .server import Server, running_server


@pytest.fixture(scope="module")
def local(detected: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server on 127.0.0.1 (no token) on a private copy of the store."""
    store = tmp_path_factory.mktemp("sec") / "store.duckdb"
    shutil.copy(detected / "store.duckdb", store)
    with running_server(store) as server:
        yield server


@contextmanager
def csrf_session(server: Server) -> Iterator[tuple[httpx.Client, str]]:
    """A client holding the CSRF cookie, and the token that goes with it."""
    with server.client() as client:
        yield client, client.get("/api/csrf").json()["csrf_token"]


def found(pattern: str, text: str) -> str:
    """The first group of ``pattern`` in ``text`` (which must match)."""
    match = re.search(pattern, text)
    assert match is not None, (pattern, text[:500])
    return match.group(1)


def decision(target_id: str = "2", **extra: str) -> dict[str, str]:
    return {"target_kind": "network", "target_id": target_id, "decision": "confirmed",
            "analyst": "ann", "note": "", **extra}  # fmt: skip


def test_security_headers_everywhere(local: Server) -> None:
    with local.client() as c:
        for path in ("/", "/networks/2", "/api/networks", "/static/report.js", "/nope",
                     "/openapi.json"):  # fmt: skip
            r = c.get(path)
            csp = r.headers["content-security-policy"]
            assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp, path
            assert "script-src 'self'" in csp and "unsafe-inline" not in csp
            assert r.headers["x-content-type-options"] == "nosniff"
            assert r.headers["referrer-policy"] == "no-referrer"
            assert r.headers["x-frame-options"] == "DENY"
        assert c.get("/docs").status_code == 404  # the CDN-based docs are off
        assert "/api/decisions" in c.get("/openapi.json").json()["paths"]


def test_host_header_must_be_the_loopback_address(local: Server) -> None:
    with local.client() as c:
        assert c.get("/", headers={"host": "evil.example"}).status_code == 400
        assert c.get("/", headers={"host": f"evil.example:{local.port}"}).status_code == 400
        assert c.get("/", headers={"host": f"localhost:{local.port}"}).status_code == 200


def test_csrf_is_required_on_every_state_change(local: Server) -> None:
    with csrf_session(local) as (c, token):
        assert c.post("/api/decisions", json=decision()).status_code == 403
        bad = c.post("/api/decisions", json=decision(), headers={"x-csrf-token": "0" * 64})
        assert bad.status_code == 403
        evil = {"x-csrf-token": token, "origin": "https://evil.example"}
        cross = c.post("/api/decisions", json=decision(), headers=evil)
        assert cross.status_code == 403
        # the right token without the cookie it belongs to
        with local.client() as bare:
            r = bare.post("/api/decisions", json=decision(), headers={"x-csrf-token": token})
            assert r.status_code == 403
        # a form without its hidden field, and with another session's token
        form = {**decision(), "decision": "dismissed"}
        assert c.post("/decisions", data=form).status_code == 403
        with local.client() as other:
            page = other.get("/networks/2").text
            foreign = found(r'name="csrf_token" value="([^"]+)"', page)
        assert foreign != token
        assert c.post("/decisions", data={**form, "csrf_token": foreign}).status_code == 403
        assert c.get("/api/decisions").json() == []
        ok = c.post("/api/decisions", json=decision(),
                    headers={"x-csrf-token": token, "origin": local.url})  # fmt: skip
        assert ok.status_code == 201, ok.text
        r = c.post("/decisions", data={**form, "csrf_token": token}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/networks/2#decision"
        assert [d["decision"] for d in c.get("/api/decisions").json()] == [
            "dismissed", "confirmed"]  # fmt: skip


def test_body_size_limit(local: Server) -> None:
    with csrf_session(local) as (c, token):
        big = decision(note="x" * 70_000)
        r = c.post("/api/decisions", json=big, headers={"x-csrf-token": token})
        assert r.status_code == 413

        def chunks() -> Iterator[bytes]:  # no Content-Length: streamed
            yield b'{"note": "'
            for _ in range(100):
                yield b"y" * 1000
            yield b'"}'

        r = c.post("/api/decisions", content=chunks(),
                   headers={"x-csrf-token": token, "content-type": "application/json"})  # fmt: skip
        assert r.status_code == 413
        r = c.request("GET", "/api/networks", content=b"x" * 70_000)
        assert r.status_code == 413
        assert c.get("/api/networks").status_code == 200


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (decision(decision="approved"), 422),
        (decision(target_kind="cluster"), 422),
        (decision(analyst="   "), 400),
        (decision(analyst="a\nb"), 400),
        (decision(note="n" * 2001), 422),
        (decision(target_id="123456789"), 404),
        (decision(target_id="not a number"), 404),
        ({**decision(target_id="no such account"), "target_kind": "account"}, 404),
        ({"decision": "confirmed"}, 422),
    ],
)
def test_bad_decisions_are_4xx(local: Server, body: dict[str, str], status: int) -> None:
    with csrf_session(local) as (c, token):
        r = c.post("/api/decisions", json=body, headers={"x-csrf-token": token})
        assert r.status_code == status, r.text
        r = c.post("/api/decisions", content=b"{not json", headers={
            "x-csrf-token": token, "content-type": "application/json"})  # fmt: skip
        assert r.status_code == 422


def test_bad_page_inputs_are_4xx(local: Server) -> None:
    with csrf_session(local) as (c, token):
        assert c.get("/networks/999999").status_code == 404
        assert c.get("/networks/abc").status_code == 404
        assert c.get("/accounts/nobody").status_code == 404
        assert c.get("/", params={"min_size": "lots"}).status_code == 400
        assert c.get("/", params={"since": "yesterday"}).status_code == 400
        assert c.get("/", params={"decision": "maybe"}).status_code == 400
        assert c.get("/exports/everything").status_code == 400
        form = {**decision(decision="approved"), "csrf_token": token}
        r = c.post("/decisions", data=form)
        assert r.status_code == 400 and "not one of confirmed" in r.text


def test_concurrent_decisions_keep_the_store_sound(detected: Path, tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    shutil.copy(detected / "store.duckdb", store)
    with running_server(store) as server:
        session = csrf_session(server)
        c, token = session.__enter__()
        members = [m["actor_id"] for m in c.get("/api/networks/2").json()["members"]]

        def post(i: int) -> int:
            body = ({**decision(), "note": f"n{i}"} if i % 2 else
                    {**decision(target_id=members[i % len(members)]), "target_kind": "account",
                     "note": f"n{i}"})  # fmt: skip
            return c.post("/api/decisions", json=body, headers={"x-csrf-token": token}).status_code

        def read(i: int) -> int:
            return c.get("/" if i % 2 else "/networks/2").status_code

        with ThreadPoolExecutor(16) as pool:
            writes = pool.map(post, range(60))
            reads = pool.map(read, range(30))
            assert set(writes) == {201} and set(reads) == {200}
        session.__exit__(None, None, None)
    with open_store(store) as st:  # opened again after the server stopped
        ids = [r[0] for r in st.engine.rows("SELECT decision_id FROM decisions ORDER BY 1")]
        notes = {r[0] for r in st.engine.rows("SELECT note FROM decisions")}
    assert ids == list(range(1, 61))
    assert notes == {f"n{i}" for i in range(60)}


def test_token_off_loopback(detected: Path, tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    shutil.copy(detected / "store.duckdb", store)
    with running_server(store, host="0.0.0.0") as server:
        line = server.output()
        token = found(r"\?token=(\S+)", line)
        assert len(token) >= 40
        with server.client() as c:
            for path in ("/", "/networks/2", "/api/networks", "/openapi.json",
                         "/static/report.js"):  # fmt: skip
                assert c.get(path).status_code == 401, path
            assert c.get("/", headers={"authorization": "Bearer wrong"}).status_code == 401
            assert c.get("/?token=wrong").status_code == 401
            with server.client(cookies={"coordnet_token": "wrong"}) as wrong:
                assert wrong.get("/").status_code == 401
            auth = {"authorization": f"Bearer {token}"}
            assert c.get("/api/networks", headers=auth).status_code == 200
            # any Host is fine off loopback: the token is the protection
            assert c.get("/", headers={**auth, "host": "example.org"}).status_code == 200
            csrf = c.get("/api/csrf", headers=auth).json()["csrf_token"]
            assert c.post("/api/decisions", json=decision(), headers=auth).status_code == 403
            r = c.post("/api/decisions", json=decision(),
                       headers={**auth, "x-csrf-token": csrf})  # fmt: skip
            assert r.status_code == 201
        with server.client() as browser_like:
            r = browser_like.get(f"/networks/2?token={token}&x=1", follow_redirects=False)
            assert r.status_code == 303 and r.headers["location"] == "/networks/2?x=1"
            assert "HttpOnly" in r.headers["set-cookie"]
            assert "SameSite=Strict" in r.headers["set-cookie"]
            assert browser_like.get("/networks/2").status_code == 200  # by the cookie now
