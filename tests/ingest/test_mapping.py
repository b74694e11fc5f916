"""Loading and checking column mappings, before any file is read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from coordnet.errors import MappingError
from coordnet.ingest.mapping import load_mapping, parse_mapping

MINIMAL: dict[str, Any] = {"platform": "twitter", "mapping": {"actor_id": "u", "time": "t"}}


def with_fields(**fields: Any) -> dict[str, Any]:
    return {**MINIMAL, "mapping": {**MINIMAL["mapping"], **fields}}


def test_file_and_pairs_merge(data_dir: Path) -> None:
    config = load_mapping(
        data_dir / "tabular_posts.toml",
        ["text=other", "platform=mastodon", "hashed_ids=true", "extra=a, b"],
    )
    assert config["mapping"]["text"] == "other"
    assert config["mapping"]["actor_id"] == "user"
    assert (config["platform"], config["hashed_ids"], config["extra"]) == (
        "mastodon",
        True,
        ["a", "b"],
    )
    spec = parse_mapping(config)
    assert spec.table == "actions" and spec.is_hashed_ids
    assert spec.fields["time"].format == "auto"
    assert spec.needed_columns()["posted"] == "time"


def test_aliases_and_defaults() -> None:
    spec = parse_mapping(
        with_fields(text="body", urls_raw={"from_text": True}, hashtags_raw="tags")
    )
    assert set(spec.fields) == {"actor_id", "time", "text", "urls", "hashtags"}
    assert spec.fields["urls"].from_text == "urls"
    assert (spec.platform, spec.actor_kind, spec.group_rows_by) == ("twitter", "account", None)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (with_fields(actr="x"), "unknown field 'actr' (did you mean 'actor_id'?)"),
        ({**MINIMAL, "tabel": "actors"}, "unknown option 'tabel' (did you mean 'table'?)"),
        ({**MINIMAL, "table": "posts"}, "table = 'posts': choose 'actions' or 'actors'"),
        ({"platform": "x", "mapping": {"actor_id": "u"}}, "table 'actions' needs field(s) time"),
        ({"mapping": {"actor_id": "u", "time": "t"}}, "no platform: add platform ="),
        (with_fields(time={"column": "t", "fmt": "unix"}), "unknown option 'fmt' (did you mean"),
        (with_fields(time={"column": "t", "format": "epoch"}), "format 'epoch' is not one of"),
        (with_fields(kind={"column": "k", "value": "post"}), "give exactly one of column, value"),
        (with_fields(kind={"column": "k", "values": ["R"]}), "values must be a table"),
        (
            with_fields(media_hashes={"from_text": True}),
            "from_text works for urls, hashtags, mentions only",
        ),
        (with_fields(parent_actor_id={"from_text": "rt"}), 'from_text must be "rt_handle"'),
        (with_fields(action_id={"hash": "a"}), "hash must be a list of column names"),
        (with_fields(action_id={"value": "1"}), "action_id cannot be a constant"),
        (with_fields(urls={"from_text": True}), "urls read from the text, but text is not mapped"),
        (with_fields(text=3), "expected a column name or a table of options"),
        ({**MINIMAL, "group_rows_by": "action_id"}, "group_rows_by needs action_id mapped"),
        ({**MINIMAL, "extra": [1]}, "extra must be a list of column names"),
        (
            {"table": "actors", "platform": "x", "mapping": {"actor_id": "u", "time": "t"}},
            "field 'time' belongs to table 'actions', and this mapping reads table 'actors'",
        ),
    ],
)
def test_bad_mappings_are_explained(config: dict[str, Any], message: str) -> None:
    with pytest.raises(MappingError) as info:
        parse_mapping(config)
    assert message in str(info.value)


def test_bad_pairs_and_files(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="expected FIELD=COLUMN"):
        load_mapping(None, ["actor_id"])
    bad = tmp_path / "m.toml"
    bad.write_text("table = \n", encoding="utf-8")
    with pytest.raises(MappingError, match="not valid TOML"):
        load_mapping(bad)
    with pytest.raises(MappingError, match="cannot read mapping file"):
        load_mapping(tmp_path / "absent.toml")
