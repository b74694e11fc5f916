"""schemathesis against the running app's OpenAPI description: generated valid and invalid
requests for every operation never get a server error, and every 2xx answer matches the
documented response schema. Loopback only; a bounded number of examples per operation."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance

from .server import Server, running_server

MAX_EXAMPLES = 40


@pytest.fixture(scope="module")
def server(detected: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    store = tmp_path_factory.mktemp("schema") / "store.duckdb"
    shutil.copy(detected / "store.duckdb", store)
    with running_server(store) as running:
        yield running


def test_openapi_document(server: Server) -> None:
    with server.client() as c:
        doc = c.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    assert set(paths) == {"/api/csrf", "/api/networks", "/api/networks/{cluster_id}",
                          "/api/accounts/{actor_id}", "/api/search", "/api/decisions"}  # fmt: skip
    assert set(paths["/api/decisions"]) == {"get", "post"}
    assert all(set(ops) == {"get"} for p, ops in paths.items() if p != "/api/decisions")
    body = doc["components"]["schemas"]["DecisionIn"]["properties"]
    assert body["decision"]["enum"] == ["confirmed", "dismissed", "needs_review"]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_server_errors(server: Server, mode: GenerationMode) -> None:
    with server.client() as c:
        token = c.get("/api/csrf").json()["csrf_token"]
        cookies = dict(c.cookies)
        networks = [n["cluster_id"] for n in c.get("/api/networks").json()["networks"]]
        members = [m["actor_id"] for m in c.get(f"/api/networks/{networks[0]}").json()["members"]]
    # Random ids rarely exist; real ones are mixed in so the found-paths are exercised too.
    real = {"cluster_id": networks, "actor_id": members[:5]}
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    statuses: dict[str, set[int]] = {}
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # raises on an invalid schema
        if mode == GenerationMode.NEGATIVE and operation.label == "GET /api/csrf":
            continue  # no parameter to get wrong
        seen = statuses.setdefault(operation.label, set())

        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        @given(case=operation.as_strategy(generation_mode=mode), pick=st.integers(0, 3),
               data=st.data())  # fmt: skip
        def check(case: Any, pick: int, data: Any) -> None:
            if mode == GenerationMode.POSITIVE and pick:
                for name, choices in real.items():
                    if case.path_parameters and name in case.path_parameters:
                        case.path_parameters[name] = data.draw(st.sampled_from(choices))
                if isinstance(case.body, dict) and "target_kind" in case.body:
                    kind = case.body["target_kind"]
                    pool = [str(n) for n in networks] if kind == "network" else members[:5]
                    case.body["target_id"] = data.draw(st.sampled_from(pool))
            response = case.call(base_url=server.url, headers={"X-CSRF-Token": token},
                                 cookies=cookies)  # fmt: skip
            seen.add(response.status_code)  # noqa: B023 (called within the iteration)
            case.validate_response(response, checks=[not_a_server_error,
                                                     response_schema_conformance])  # fmt: skip

        check()
    assert all(code < 500 for codes in statuses.values() for code in codes)
    if mode == GenerationMode.POSITIVE:
        # the valid requests reached the real answers, not only 404s
        assert 200 in statuses["GET /api/networks/{cluster_id}"]
        assert 200 in statuses["GET /api/accounts/{actor_id}"]
        assert 201 in statuses["POST /api/decisions"]
    else:
        assert statuses["POST /api/decisions"] <= {400, 403, 404, 413, 422}
