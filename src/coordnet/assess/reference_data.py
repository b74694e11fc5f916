"""Reference tables shipped with coordnet for attribution: places and listed domains.

Both are small CSV files in ``coordnet/assess/data`` (lines starting with ``#`` are
comments that name the sources), read once per process and never downloaded:

* ``places.csv``: countries, regions, cities and country codes as people write them in a
  profile's location, with the country and the range of UTC offsets in use there (daylight
  time included), so that a claimed place can be checked against active hours;
* ``state_media_domains.csv``: domains of state media outlets with a label, the default
  list of domains whose share among a network's links is an attribution hint.

>>> load_state_media_domains()["rt.com"].startswith("Russia")
True
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

import pyarrow as pa

__all__ = ["load_places", "load_state_media_domains", "state_media_items"]


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("coordnet.assess").joinpath("data", name).read_text("utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines))


@cache
def load_places() -> pa.Table:
    """The places table shipped with coordnet: ``place``, ``kind``, ``country`` (ISO 3166
    alpha-2), ``utc_offset_min`` and ``utc_offset_max`` (hours, daylight time included)."""
    rows = _read_csv("places.csv")
    return pa.table(
        {
            "place": [r["place"] for r in rows],
            "kind": [r["kind"] for r in rows],
            "country": [r["country"] for r in rows],
            "utc_offset_min": [float(r["utc_offset_min"]) for r in rows],
            "utc_offset_max": [float(r["utc_offset_max"]) for r in rows],
        }
    )


@cache
def state_media_items() -> tuple[tuple[str, str], ...]:
    """The state media list as (domain, label) pairs in file order (cached, immutable)."""
    return tuple((r["domain"], r["label"]) for r in _read_csv("state_media_domains.csv"))


def load_state_media_domains() -> dict[str, str]:
    """The default listed domains: state media outlet domain -> label (e.g. ``rt.com`` ->
    ``Russia state media (RT)``); see ``data/state_media_domains.csv`` for the sources."""
    return dict(state_media_items())
