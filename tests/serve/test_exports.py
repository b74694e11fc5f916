"""Exports from the app: confirmed networks only, the export library's own files, and no
disclosure without the salt file the server was started with."""

from __future__ import annotations

import csv
import io
import json
import secrets
import zipfile
from pathlib import Path

import httpx

from .server import running_server


def decide(c: httpx.Client, token: str, cid: int, decision: str) -> None:
    r = c.post("/api/decisions", headers={"x-csrf-token": token}, json={
        "target_kind": "network", "target_id": str(cid), "decision": decision,
        "analyst": "ann"})  # fmt: skip
    assert r.status_code == 201


def test_only_confirmed_networks_are_exported(store_copy: Path, tmp_path: Path) -> None:
    salt = tmp_path / "salt.txt"
    salt.write_text(secrets.token_hex(32))
    with running_server(store_copy) as server, server.client() as c:
        token = c.get("/api/csrf").json()["csrf_token"]
        first, second = [n["cluster_id"] for n in c.get("/api/networks").json()["networks"]]
        assert c.get("/exports/takedown").status_code == 409
        assert "No network is confirmed" in c.get("/exports").text
        decide(c, token, first, "confirmed")
        decide(c, token, second, "needs_review")
        r = c.get("/exports/takedown")
        assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
        assert "attachment" in r.headers["content-disposition"]
        files = zipfile.ZipFile(io.BytesIO(r.content))
        assert sorted(files.namelist()) == ["takedown/takedown.json", "takedown/takedown.md"]
        doc = json.loads(files.read("takedown/takedown.json"))
        assert [n["cluster_id"] for n in doc["networks"]] == [first]
        r = c.get("/exports/indicators")
        files = zipfile.ZipFile(io.BytesIO(r.content))
        rows = list(csv.DictReader(io.StringIO(files.read("indicators/indicators.csv").decode())))
        assert rows and {int(row["network"]) for row in rows} == {first}
        r = c.get("/exports/disclosure")
        assert r.status_code == 400 and "--salt-file" in r.text
        # a change of mind: the latest decision counts
        decide(c, token, first, "dismissed")
        assert c.get("/exports/takedown").status_code == 409
        decide(c, token, second, "confirmed")
    with (
        running_server(store_copy, args=("--salt-file", str(salt))) as server,
        server.client() as c,
    ):
        r = c.get("/exports/disclosure")
        assert r.status_code == 200
        names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
        assert f"disclosure/network_{second}_tweets_csv_hashed.csv" in names
        assert not any(f"network_{first}_" in n for n in names)
        assert salt.read_text() not in r.content.decode("latin-1")
