"""shared-infrastructure by hand: session values within the window, profile values always."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

import coordnet
from coordnet.errors import InputError
from coordnet.signals.shared_infrastructure import SharedInfrastructure
from coordnet.simulate import simulate
from coordnet.store import Store

SESSIONS = """actor_id,time,ip,asn,country,is_vpn,device_id,user_agent
a,2019-08-01T10:00:00Z,36.110.1.1,AS4134 Chinanet,CN,false,dev-1,TwitterAndroid/8.6.0
b,2019-08-01T11:00:00Z,36.110.1.1,AS4134 Chinanet,CN,false,dev-2,TwitterAndroid/8.6.0
c,2019-08-02T11:00:00.001Z,36.110.1.1,AS4134 Chinanet,CN,false,dev-3,TwitterAndroid/8.6.0
d,2019-08-02T11:00:00Z,58.19.2.2,AS4134 Chinanet,CN,false,dev-2,TwitterAndroid/8.6.0
"""
# the information-operations user file: a and e share a bio up to case and punctuation; f and g
# share one that is punctuation only
USERS = """userid,user_screen_name,user_profile_description,account_creation_date
a,aa,"Proud patriot. Love my country!",2019-07-01
e,ee,"proud   PATRIOT -- love my country",2019-07-02
f,ff,...,2019-07-03
g,gg,...,2019-07-03
"""
# a generic actors table with image hashes (read through a tabular mapping)
IMAGES = "userid,image\nb,ABCDEF01\nh,abcdef01\n"
IMAGE_MAPPING = {
    "table": "actors", "platform": "twitter",
    "mapping": {"actor_id": "userid", "profile_image_hash": "image"},
}  # fmt: skip


def ingest_toy(store: Store, tmp_path: Path) -> None:
    (tmp_path / "sessions.csv").write_text(SESSIONS, encoding="utf-8")
    (tmp_path / "users.csv").write_text(USERS, encoding="utf-8")
    (tmp_path / "images.csv").write_text(IMAGES, encoding="utf-8")
    coordnet.ingest([tmp_path / "sessions.csv", tmp_path / "users.csv"], store)
    coordnet.ingest([tmp_path / "images.csv"], store, mapping=IMAGE_MAPPING)


def edge_list(sig: SharedInfrastructure) -> list[tuple[str, str, int]]:
    return [(e["source"], e["target"], e["n_objects"]) for e in sig.edges_.to_pylist()]


def test_sessions_within_the_window_by_hand(store: Store, tmp_path: Path) -> None:
    ingest_toy(store, tmp_path)
    sig = SharedInfrastructure(window=86_400).fit(store, evidence_q=1.0)
    # a-b: one address an hour apart; b-d: one device exactly a day apart (the edge is
    # inclusive); b-c: the address a day and a millisecond apart; image b-h is in the default
    # kinds, the bios are not.
    assert edge_list(sig) == [("a", "b", 1), ("b", "d", 1), ("b", "h", 1)]
    sessions = str(tmp_path / "sessions.csv")
    evidence = sorted(
        (r["object"], r["action_source"], r["action_target"], r["lag_s"])
        for r in sig.evidence_.to_pylist()
    )
    assert evidence == [
        ("device:dev-2", f"session:{sessions}:3", f"session:{sessions}:5", 86_400.0),
        ("image:abcdef01", "profile:b", "profile:h", 0.0),
        ("ip:36.110.1.1", f"session:{sessions}:2", f"session:{sessions}:3", 3_600.0),
    ]
    assert sig.skipped_.num_rows == 0
    assert SharedInfrastructure().fit(store, evidence_q=1.0).window_ == 86_400.0
    # every row counts in the null model, shared or not: 4 sessions x (ip, device), 2 images
    assert sig.stats_["rows"] == 10


def test_profile_values_match_whatever_the_window(store: Store, tmp_path: Path) -> None:
    ingest_toy(store, tmp_path)
    sig = SharedInfrastructure(window=0, kinds=("ip", "device", "image", "description")).fit(
        store, evidence_q=1.0
    )
    assert edge_list(sig) == [("a", "e", 1), ("b", "h", 1)]
    bio = hashlib.md5(b"proud patriot love my country").hexdigest()
    assert sorted(r["object"] for r in sig.evidence_.to_pylist()) == [
        f"description:{bio}", "image:abcdef01",
    ]  # fmt: skip


def test_kinds_and_the_crowd_limit(store: Store, tmp_path: Path) -> None:
    ingest_toy(store, tmp_path)
    # everyone is on one ASN; pairs within a day: a-b (1 h), b-d (24 h), c-d (1 ms)
    asn = SharedInfrastructure(window=86_400, kinds=("asn",)).fit(store, evidence_q=1.0)
    assert edge_list(asn) == [("a", "b", 1), ("b", "d", 1), ("c", "d", 1)]
    assert {r["object"] for r in asn.evidence_.to_pylist()} == {"asn:AS4134 Chinanet"}
    both = SharedInfrastructure(window=86_400, kinds="asn, user_agent").fit(store, evidence_q=1.0)
    assert edge_list(both) == [("a", "b", 2), ("b", "d", 2), ("c", "d", 2)]
    crowded = SharedInfrastructure(window=86_400, kinds=("asn", "ip"), max_actors=3).fit(
        store, evidence_q=1.0
    )
    # four actors on the ASN: skipped and listed; three on the address: kept
    assert edge_list(crowded) == [("a", "b", 1)]
    assert crowded.skipped_.to_pylist() == [
        {"platform": "twitter", "object": "asn:AS4134 Chinanet", "n_actors": 4}
    ]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"kinds": ("ip", "mac")}, r"kinds must be a non-empty list of ip, device, .* 'mac'"),
        ({"kinds": ()}, "kinds must be a non-empty list"),
        ({"kinds": "ip, mac"}, "kinds must be a non-empty list .* 'ip, mac'"),
        ({"kinds": 3}, "kinds must be a non-empty list"),
        ({"max_actors": 1}, "max_actors must be an integer >= 2 or None .*not 1"),
        ({"max_actors": 2.5}, "max_actors must be an integer >= 2"),
        ({"window": -1}, "window"),
        ({"min_shared": 0}, "min_shared"),
    ],
)
def test_bad_parameters(store: Store, params: dict, message: str) -> None:
    with pytest.raises(InputError, match=f"shared_infrastructure: {message}"):
        SharedInfrastructure(**{"window": 60, **params}).fit(store, evidence_q=1.0)


def test_planted_campaign_shares_more_values_than_organic_accounts(
    store: Store, tmp_path: Path
) -> None:
    """The default scenario's shared_infrastructure campaign logs in from a few addresses and
    devices; 30 % of the other accounts have ordinary sessions of their own. Added by hand:
    the known false positives, a household of three organic accounts on one address and every
    organic account behind one VPN exit within an hour."""
    simulate(tmp_path, scenario="default", accounts=600, days=2, seed=21)
    with open(tmp_path / "labels.csv", encoding="utf-8") as fh:
        style = {r["actor_id"]: r["style"] for r in csv.DictReader(fh)}
    organic = sorted(a for a, s in style.items() if not s)
    planted = {a for a, s in style.items() if s == "shared_infrastructure"}
    extra = ["actor_id,time,ip,asn,country,is_vpn,device_id,user_agent"]
    extra += [f"{a},2019-08-01T20:0{i}:00Z,203.0.113.7,AS7922,US,false,," for i, a in
              enumerate(organic[:3])]  # fmt: skip
    extra += [f"{a},2019-08-01T12:00:00Z,185.245.1.1,AS9009 M247,US,true,," for a in organic]
    (tmp_path / "extra_sessions.csv").write_text("\n".join(extra) + "\n", encoding="utf-8")
    coordnet.ingest(
        [tmp_path / "users.csv", tmp_path / "sessions.csv", tmp_path / "extra_sessions.csv"],
        store,
    )
    with_sessions = {r[0] for r in store.engine.rows("SELECT DISTINCT actor_id FROM sessions")}
    sig = SharedInfrastructure(window=86_400).fit(store, evidence_q=1.0)
    assert sig.skipped_.to_pylist() == [
        {"platform": "twitter", "object": "ip:185.245.1.1", "n_actors": len(organic)}
    ]
    best: dict[str, int] = {}
    for e in sig.edges_.to_pylist():
        for actor in (e["source"], e["target"]):
            best[actor] = max(best.get(actor, 0), e["n_objects"])
    # every member that logged in shares an address and a device with other members; no
    # account outside the campaign shares more than one value with anyone
    assert len(planted) == 30
    assert min(best.get(a, 0) for a in planted & with_sessions) >= 2
    assert {best[a] for a in organic[:3]} == {1}
    assert max(n for a, n in best.items() if a not in planted) == 1
