"""Indicator sharing: STIX bundles that validate, indicators that discriminate, matching that
recovers a network (and nothing where nothing is shared)."""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import stix2
from click.testing import CliRunner
from stix2patterns.validator import run_validator

from coordnet.cli import main
from coordnet.detect import detect
from coordnet.errors import InputError
from coordnet.export._indicators_stix import pattern_for, read_bundle
from coordnet.export.indicators import export_indicators, match_indicators
from coordnet.simulate import simulate
from coordnet.store import Store, open_store

SALT = b"agreed between two platforms"


def _members(store: Store, network: int | None = None) -> set[str]:
    where = "" if network is None else f" AND cluster_id = {int(network)}"
    return {
        str(r[0])
        for r in store.engine.rows(f"SELECT actor_id FROM cluster_members WHERE reported{where}")
    }


def _score(found: set[str], truth: set[str]) -> tuple[float, float]:
    """(precision, recall) of ``found`` against ``truth``."""
    hit = len(found & truth)
    return hit / max(len(found), 1), hit / len(truth)


def _bundle(tmp_path: Path, name: str, *patterns: str, confidence: int | None = None) -> Path:
    """A bundle as another platform would write it (plain stix2, no coordnet code)."""
    extra = {} if confidence is None else {"confidence": confidence}
    inds = [
        stix2.Indicator(pattern=p, pattern_type="stix", valid_from="2019-08-01T00:00:00Z", **extra)
        for p in patterns
    ]
    path = tmp_path / name
    path.write_text(stix2.Bundle(*inds).serialize(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def exported(detected: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("indicators")
    with open_store(detected / "store.duckdb") as st:
        report = export_indicators(st, out)
    return {"out": out, "report": report, "bundle": out / "indicators.json"}


@pytest.fixture(scope="module")
def other_platform(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Store B: the demo scenario with another seed: different accounts, same campaign styles."""
    sim = tmp_path_factory.mktemp("sim12")
    simulate(sim, scenario="demo", seed=12)
    out = tmp_path_factory.mktemp("det12")
    detect([sim / "tweets.csv", sim / "users.csv", sim / "sessions.csv"], out)
    with (sim / "labels.csv").open(encoding="utf-8") as fh:
        labels = list(csv.DictReader(fh))
    return {"store": out / "store.duckdb", "labels": labels}


def test_bundle_validates_with_stix2(exported: dict[str, Any]) -> None:
    data = json.loads(exported["bundle"].read_text(encoding="utf-8"))
    bundle = stix2.parse(data)  # strict: no custom properties needed
    kinds = [o.type for o in bundle.objects]
    report = exported["report"]
    assert kinds.count("identity") == 1
    assert kinds.count("grouping") == len(report.networks) == 2
    assert kinds.count("indicator") == report.n_indicators
    ids = {o.id for o in bundle.objects}
    for obj in bundle.objects:
        if obj.type == "indicator":
            assert run_validator(obj.pattern, stix_version="2.1") == []
            assert 0 <= obj.confidence <= 100
        if obj.type == "grouping":
            assert set(obj.object_refs) <= ids and obj.context == "suspicious-activity"
    with (exported["out"] / "indicators.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == report.n_indicators
    assert list(rows[0]) == [
        "network",
        "type",
        "value",
        "first_seen",
        "last_seen",
        "n_actors",
        "n_outside",
        "share_inside",
        "confidence",
    ]


def test_accounts_are_shared_as_sha256(exported: dict[str, Any], detected: Path) -> None:
    with (exported["out"] / "indicators.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with open_store(detected / "store.duckdb") as st:
        members = _members(st)
        handles = {
            str(r[0]).lower()
            for r in st.engine.rows(
                "SELECT handle FROM actors WHERE actor_id IN "
                "(SELECT actor_id FROM cluster_members WHERE reported)"
            )
        }
    sha = lambda v: hashlib.sha256(v.encode()).hexdigest()  # noqa: E731
    assert {r["value"] for r in rows if r["type"] == "user_id"} == {sha(m) for m in members}
    assert {r["value"] for r in rows if r["type"] == "handle"} == {sha(h) for h in handles}
    text = exported["bundle"].read_text(encoding="utf-8")
    assert not [m for m in members if m in text] and not [h for h in handles if h in text]


def test_objects_discriminate(detected: Path, tmp_path: Path) -> None:
    """A link every member and many outsiders share is dropped; the network's own is kept."""
    path = tmp_path / "store.duckdb"
    shutil.copy(detected / "store.duckdb", path)
    with open_store(path) as st:
        e = st.engine
        add = """UPDATE actions SET urls = list_append(urls, ?), domains = list_append(domains, ?)
                 WHERE action_id IN (SELECT arg_min(action_id, time) FROM actions WHERE {}
                                     GROUP BY actor_id)"""
        in_net3 = (
            "actor_id IN (SELECT actor_id FROM cluster_members WHERE reported AND cluster_id = 3)"
        )
        e.execute(add.format(in_net3), ["https://news.example.com/story", "news.example.com"])
        e.execute(
            add.format(f"NOT {in_net3} AND actor_id < '5'"),
            ["https://news.example.com/story", "news.example.com"],
        )
        e.execute(add.format(in_net3), ["https://op.example.net/a", "op.example.net"])
        report = export_indicators(st, tmp_path / "out", networks=[3])
    with (tmp_path / "out" / "indicators.csv").open(encoding="utf-8") as fh:
        rows = {(r["type"], r["value"]): r for r in csv.DictReader(fh)}
    assert ("url", "https://op.example.net/a") in rows and ("domain", "op.example.net") in rows
    assert rows[("url", "https://op.example.net/a")]["share_inside"] == "1.0"
    assert rows[("url", "https://op.example.net/a")]["confidence"] == str(round(100 * 12 / 13))
    assert not any("news.example.com" in v for _, v in rows)
    assert report.dropped_common["network 3 url"] >= 1
    assert report.dropped_common["network 3 domain"] >= 1
    for r in rows.values():
        if r["type"] not in ("user_id", "handle"):
            assert int(r["n_actors"]) >= 2 and float(r["share_inside"]) >= 0.8


def test_match_in_the_same_store_recovers_the_networks(
    exported: dict[str, Any], detected: Path, tmp_path: Path
) -> None:
    with open_store(detected / "store.duckdb") as st:
        result = match_indicators(st, exported["bundle"], out_dir=tmp_path)
        truth = _members(st)
    found = {c.actor_id for c in result.candidates}
    assert _score(found, truth) == (1.0, 1.0)
    assert result.n_seeds == 27 and result.n_matched_indicators == exported["report"].n_indicators
    with (tmp_path / "matches.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 27 and rows[0]["via"] == "seed" and "matched" in rows[0]["reason"]
    assert float(rows[0]["weight"]) >= float(rows[-1]["weight"])


def test_content_alone_finds_the_copy_paste_network(detected: Path, tmp_path: Path) -> None:
    with open_store(detected / "store.duckdb") as st:
        export_indicators(st, tmp_path, types=["url", "domain", "hashtag", "text"])
        result = match_indicators(st, tmp_path / "indicators.json")
        precision, recall = _score({c.actor_id for c in result.candidates}, _members(st, 3))
    assert precision >= 0.9 and recall >= 0.9  # measured: 1.0 and 1.0 (12 of 12)
    assert result.by_type.keys() <= {"url", "domain", "hashtag", "text"}


def test_a_tip_of_three_accounts_expands_to_the_network(detected: Path, tmp_path: Path) -> None:
    """Another platform names three weak members by plain SHA-256; the graph finds the rest."""
    with open_store(detected / "store.duckdb") as st:
        ring = [
            str(r[0])
            for r in st.engine.rows(
                "SELECT actor_id FROM cluster_members WHERE reported AND cluster_id = 2 "
                "ORDER BY score, actor_id LIMIT 3"
            )
        ]
        tip = _bundle(
            tmp_path,
            "tip.json",
            *(f"[user-account:user_id = '{hashlib.sha256(a.encode()).hexdigest()}']" for a in ring),
        )
        truth = _members(st, 2)
        alone = match_indicators(st, tip, expand=False)
        grown = match_indicators(st, tip)  # until no tie reaches strength 3
        one_hop = match_indicators(st, tip, max_hops=1, min_strength=0)
        strict = match_indicators(st, tip, min_strength=1e9)
    assert {c.actor_id for c in alone.candidates} == set(ring) and alone.graph == "not used"
    assert _score({c.actor_id for c in grown.candidates}, truth) == (1.0, 1.0)  # 15 of 15
    p1, r1 = _score({c.actor_id for c in one_hop.candidates}, truth)
    assert p1 == 1.0 and 0.8 <= r1 < 1.0  # measured: 13 of 15
    assert grown.n_expanded == len(grown.candidates) - 3 == 12
    assert max(c.hop for c in grown.candidates) >= 2
    for c in grown.candidates:
        if c.via == "expansion":
            assert c.tied_to and c.strength >= 3.0 and c.reason.startswith("tied to ")
        if c.via == "expansion" and c.hop == 1:
            assert set(c.tied_to) <= set(ring)
    assert strict.n_expanded == 0


def test_expansion_uses_signal_edges_when_detect_has_not_run(
    detected: Path, tmp_path: Path
) -> None:
    path = tmp_path / "store.duckdb"
    shutil.copy(detected / "store.duckdb", path)
    with open_store(path) as st:
        ring = [
            str(r[0])
            for r in st.engine.rows(
                "SELECT actor_id FROM cluster_members WHERE reported AND cluster_id = 2 "
                "ORDER BY score, actor_id LIMIT 3"
            )
        ]
        truth = _members(st, 2)
        for table in ("fused_edges", "clusters", "cluster_members"):
            st.engine.execute(f"DROP TABLE {table}")
        tip = _bundle(tmp_path, "tip.json", *(f"[user-account:user_id = '{a}']" for a in ring))
        result = match_indicators(st, tip)
    assert result.graph.startswith("edges (q <= 0.05")
    precision, recall = _score({c.actor_id for c in result.candidates}, truth)
    assert result.n_seeds == 3 and recall >= 0.8 and precision >= 0.8


def test_another_store_shares_no_accounts_but_the_same_campaign_content(
    exported: dict[str, Any], other_platform: dict[str, Any], tmp_path: Path
) -> None:
    accounts_only = _accounts_only(exported["bundle"], tmp_path)
    with open_store(other_platform["store"]) as st:
        full = match_indicators(st, exported["bundle"])
        ids = match_indicators(st, accounts_only)
    assert ids.candidates == [] and ids.n_matched_indicators == 0
    copypasta = {r["actor_id"] for r in other_platform["labels"] if r["campaign"] == "copypasta"}
    precision, recall = _score({c.actor_id for c in full.candidates}, copypasta)
    assert precision >= 0.9 and recall >= 0.9  # measured: 12 of 12, nothing else


def _accounts_only(bundle: Path, out: Path) -> Path:
    """The account indicators of ``bundle`` alone, as a new bundle."""
    data = json.loads(bundle.read_text(encoding="utf-8"))
    keep = [
        o
        for o in data["objects"]
        if o["type"] == "indicator" and o["pattern"].startswith("[user-account:")
    ]
    out.mkdir(parents=True, exist_ok=True)
    path = out / "accounts.json"
    path.write_text(json.dumps({**data, "objects": keep}), encoding="utf-8")
    return path


def test_salted_hashes_match_only_with_the_salt(detected: Path, tmp_path: Path) -> None:
    with open_store(detected / "store.duckdb") as st:
        export_indicators(st, tmp_path, types=["user_id", "handle"], salt=SALT)
        some = sorted(_members(st))[0]
        without = match_indicators(st, tmp_path / "indicators.json")
        with_salt = match_indicators(st, tmp_path / "indicators.json", salt=SALT)
        truth = _members(st)
    text = (tmp_path / "indicators.json").read_text(encoding="utf-8")
    assert hmac.new(SALT, some.encode(), hashlib.sha256).hexdigest() in text
    assert hashlib.sha256(some.encode()).hexdigest() not in text
    assert without.candidates == []
    assert {c.actor_id for c in with_salt.candidates} == truth


def test_foreign_spellings_unsupported_and_common_objects(detected: Path, tmp_path: Path) -> None:
    with open_store(detected / "store.duckdb") as st:
        tag = str(
            st.engine.scalar(
                "SELECT h FROM (SELECT unnest(hashtags) AS h, actor_id FROM actions) "
                "GROUP BY h ORDER BY count(DISTINCT actor_id) DESC, h LIMIT 1"
            )
        )
        bundle = _bundle(
            tmp_path, "foreign.json",
            "[x-coordnet-hashtag:value = '#DoYourResearch']",
            "[x-coordnet-hashtag:value = 'NoMandates']",
            f"[x-coordnet-hashtag:value = '{tag}']",
            "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']",
            "[url:value LIKE 'http://%']",
            confidence=60,
        )  # fmt: skip
        result = match_indicators(st, bundle, max_object_actors=50, expand=False)
        net3 = _members(st, 3)
    assert result.n_indicators == 5
    assert result.unsupported == {"file:hashes.MD5": 1, "operator LIKE or non-string value": 1}
    assert list(result.too_common) == [f"hashtag:{tag}"]
    seeds = {c.actor_id for c in result.candidates}
    assert seeds and seeds <= net3  # 0.6 + 0.6 >= 1: both hashtags needed
    assert all(c.weight == pytest.approx(1.2) for c in result.candidates)


def test_hostile_values_survive_the_pattern(tmp_path: Path) -> None:
    value = "https://x.example/a'b\\c\"d<script>"
    path = _bundle(tmp_path, "h.json", pattern_for("url", value), pattern_for("ip", "2001:db8::1"))
    comparisons, unsupported, n = read_bundle(path)
    assert n == 2 and unsupported == {}
    assert [(c.kind, c.value) for c in comparisons] == [("url", value), ("ip", "2001:db8::1")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not a STIX bundle: not JSON"),
        ('["bundle"]', "the top level must be an object of type 'bundle'"),
        ('{"type": "bundle", "objects": [1]}', "'objects' must be a list of objects"),
        ('{"type": "bundle", "id": "bundle--0cfa3900-6aaf-46e8-8c4f-6377b084fd9a", "objects": '
         '[{"type": "indicator", "spec_version": "2.1", "id": '
         '"indicator--0cfa3900-6aaf-46e8-8c4f-6377b084fd9a", "created": "2020-01-01T00:00:00Z", '
         '"modified": "2020-01-01T00:00:00Z", "pattern": "[url:value = \'x\'", '
         '"pattern_type": "stix", "valid_from": "2020-01-01T00:00:00Z"}]}',
         "not a valid STIX bundle"),
    ],
)  # fmt: skip
def test_malformed_bundles(detected: Path, tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    with (
        open_store(detected / "store.duckdb") as st,
        pytest.raises(InputError, match=message) as err,
    ):
        match_indicators(st, bad)
    assert str(err.value).startswith(f"{bad}: ")
    result = CliRunner().invoke(
        main,
        [
            "indicators",
            "match",
            str(bad),
            "--store",
            str(detected / "store.duckdb"),
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {bad}: ") and "Traceback" not in result.stderr


def test_bad_arguments(detected: Path, tmp_path: Path) -> None:
    with open_store(detected / "store.duckdb") as st:
        with pytest.raises(InputError, match="unknown indicator type email"):
            export_indicators(st, tmp_path, types=["email"])
        with pytest.raises(InputError, match="network 7 is not a reported network"):
            export_indicators(st, tmp_path, networks=[7])
        with pytest.raises(InputError, match="no such file"):
            match_indicators(st, tmp_path / "missing.json")


def test_cli(detected: Path, tmp_path: Path) -> None:
    store = str(detected / "store.duckdb")
    runner = CliRunner()
    done = runner.invoke(
        main,
        [
            "indicators",
            "export",
            "--store",
            store,
            "--out",
            str(tmp_path),
            "--network",
            "3",
            "--type",
            "hashtag",
        ],
    )
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith("10 indicators for networks 3 (hashtag: 10)\n")
    assert "not shared, too common outside the network: network 3 hashtag: 1" in done.stdout
    matched = runner.invoke(
        main,
        [
            "indicators",
            "match",
            str(tmp_path / "indicators.json"),
            "--store",
            store,
            "--out",
            str(tmp_path),
        ],
    )
    assert matched.exit_code == 0, matched.output
    first = matched.stdout.splitlines()[0]
    assert first.endswith(
        "10 indicators (hashtag: 10); 10 matched; 12 accounts matched, 0 added "
        "through fused_edges (kept ties of the last detect run)"
    )
    assert f"wrote {tmp_path / 'matches.csv'}" in matched.stdout
