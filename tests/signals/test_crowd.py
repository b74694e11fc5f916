"""The crowd guard: objects with more than max_actors actors are skipped and listed."""

from __future__ import annotations

import pytest

from coordnet.errors import InputError
from coordnet.signals import CoDomain, CoHashtag, CoRepostSlow
from coordnet.store import Store


def _links(store: Store) -> None:
    """Six accounts link big.example within a minute; two of them also small.example, twice."""
    rows = []
    for i in range(6):
        rows.append((f"b{i}", f"u{i}", f"2019-08-01 10:00:{i:02d}", "big.example"))
    for k in range(2):
        for i in range(2):
            rows.append((f"s{k}{i}", f"u{i}", f"2019-08-0{k + 2} 12:00:0{i}", "small.example"))
    for action_id, actor, time, domain in rows:
        store.engine.execute(
            "INSERT INTO actions (action_id, actor_id, platform, time, kind, domains) "
            "VALUES (?, ?, 'twitter', ?, 'post', [?])",
            [action_id, actor, time, domain],
        )


def test_crowded_objects_are_skipped_and_listed(store: Store) -> None:
    _links(store)
    guarded = CoDomain(window=60, max_actors=5).fit(store)
    assert guarded.edges_.select(
        ["source", "target", "n_objects", "weight_source"]
    ).to_pylist() == [{"source": "u0", "target": "u1", "n_objects": 1, "weight_source": 2}]
    assert guarded.skipped_.to_pylist() == [
        {"platform": "twitter", "object": "big.example", "n_actors": 6}
    ]
    unguarded = CoDomain(window=60, max_actors=None).fit(store)
    assert unguarded.edges_.num_rows == 15  # every pair of the six
    assert unguarded.skipped_.num_rows == 0


def test_defaults_and_validation() -> None:
    assert CoRepostSlow().max_actors == 1000
    assert CoHashtag().max_actors == 1000
    assert "max_actors" in CoDomain().get_params()
    with pytest.raises(InputError, match="max_actors"):
        CoDomain(max_actors=1)._validate()
