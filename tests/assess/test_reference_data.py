"""The reference tables shipped with coordnet: places and state media domains."""

from __future__ import annotations

from coordnet.assess.reference_data import (
    load_places,
    load_state_media_domains,
    state_media_items,
)


def test_places() -> None:
    places = load_places().to_pylist()
    assert len(places) > 400
    assert all(p["utc_offset_min"] <= p["utc_offset_max"] for p in places)
    assert {p["kind"] for p in places} == {"country", "region", "city", "code"}
    keys = [(p["place"], p["kind"] == "code") for p in places]
    assert len(keys) == len(set(keys))


def test_state_media_domains() -> None:
    domains = load_state_media_domains()
    assert domains["rt.com"].startswith("Russia") and domains["cgtn.com"].startswith("China")
    assert all(d == d.lower() and not d.startswith("www.") for d in domains)
    assert dict(state_media_items()) == domains
    domains.clear()  # a fresh dict each call: the cached list cannot be changed
    assert load_state_media_domains()
