"""URL, hashtag, list and text normalisation (the SQL macros), by example and by property."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import coordnet
from coordnet.ingest.normalize import SNOWFLAKE_EPOCH_MS

STORE = coordnet.open_store()


def sql(expr: str, *params: object) -> object:
    return STORE.engine.scalar(f"SELECT {expr}", list(params))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTPS://WWW.Example.COM/Path/", "https://example.com/Path"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443", "https://example.com"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("https://example.com/a?utm_source=tw&utm_medium=x&id=3", "https://example.com/a?id=3"),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com/a?fbclid=XYZ", "https://example.com/a"),
        ("https://example.com/a#section", "https://example.com/a"),
        ("https://user:pw@example.com/a", "https://example.com/a"),
        ("https://example.com./a", "https://example.com/a"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("example.com/no-scheme", "example.com/no-scheme"),
        ("https://t.co/AbCd", "https://t.co/AbCd"),
    ],
)
def test_url_normalisation_examples(raw: str, expected: str) -> None:
    assert sql("cn_norm_url(?)", raw) == expected


def test_empty_urls_vanish() -> None:
    assert sql("cn_norm_url(?)", "") is None
    assert sql("cn_norm_url(NULL)") is None


def test_domains_and_shorteners() -> None:
    assert sql("cn_url_domain(?)", "https://WWW.BBC.co.uk/news") == "bbc.co.uk"
    assert sql("cn_is_short_domain(cn_url_domain(?))", "http://bit.ly/x") is True
    assert sql("cn_is_short_domain(cn_url_domain(?))", "https://bbc.co.uk/x") is False


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("[a, b]", ["a", "b"]),
        ("['a', 'b c']", ["a", "b c"]),
        ('["q"]', ["q"]),
        ("a,b", ["a", "b"]),
        ("[]", []),
        ("", []),
        ("[ ]", []),
    ],
)
def test_list_columns(raw: str, expected: list[str]) -> None:
    assert sql("cn_split_list(?)", raw) == expected


def test_text_fingerprint_ignores_retweet_prefix_case_urls_and_spacing() -> None:
    a = sql("cn_text_fingerprint(?)", "RT @someone: Stop the   violence https://t.co/x1")
    b = sql("cn_text_fingerprint(?)", "stop the violence\nhttps://t.co/other")
    assert a == b
    assert sql("cn_text_fingerprint(?)", "   ") is None
    assert a != sql("cn_text_fingerprint(?)", "stop the violence now")


def test_text_entities() -> None:
    text = "RT @Alice: #Hong_Kong and #2019 #香港 see https://x.co/a). @bob_1 mail a@b.com"
    assert sql("cn_text_hashtags(?)", text) == ["Hong_Kong", "香港"]
    assert sql("cn_text_urls(?)", text) == ["https://x.co/a"]
    assert sql("cn_text_mentions(?)", text) == ["alice", "bob_1"]
    assert sql("cn_rt_handle(?)", text) == "alice"


def test_snowflake_time() -> None:
    tweet_id = (1565697637123 - SNOWFLAKE_EPOCH_MS) << 22 | 5
    assert sql("cn_snowflake_ms(?)", str(tweet_id)) == 1565697637123
    assert sql("cn_snowflake_ms(?)", "42") is None
    assert sql("cn_snowflake_ms(?)", "abc") is None


hosts = st.from_regex(r"[a-z0-9]{1,10}(\.[a-z]{2,5}){1,2}", fullmatch=True)
paths = st.from_regex(r"(/[A-Za-z0-9_\-]{0,8}){0,3}/?", fullmatch=True)
params = st.lists(
    st.tuples(st.from_regex(r"[a-z]{1,6}", fullmatch=True),
              st.from_regex(r"[A-Za-z0-9]{0,5}", fullmatch=True)),
    max_size=4,
)  # fmt: skip


def build(scheme: str, host: str, path: str, query: list[tuple[str, str]]) -> str:
    q = "&".join(f"{k}={v}" for k, v in query)
    return f"{scheme}://{host}{path}" + (f"?{q}" if q else "")


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["http", "https", "HTTPS"]), hosts, paths, params)
def test_normalisation_is_idempotent_and_case_blind_on_host(
    scheme: str, host: str, path: str, query: list[tuple[str, str]]
) -> None:
    url = build(scheme, host, path, query)
    once = sql("cn_norm_url(?)", url)
    assert sql("cn_norm_url(?)", once) == once
    assert sql("cn_norm_url(?)", build(scheme, host.upper(), path, query)) == once
    assert not once.endswith("/")


@settings(max_examples=50, deadline=None)
@given(
    hosts, paths, params, st.lists(st.sampled_from(["utm_source", "fbclid", "gclid"]), max_size=3)
)
def test_tracking_parameters_never_change_the_url(
    host: str, path: str, query: list[tuple[str, str]], tracking: list[str]
) -> None:
    clean = sql("cn_norm_url(?)", build("https", host, path, query))
    tracked = build("https", host, path, query + [(t, "abc") for t in tracking])
    assert sql("cn_norm_url(?)", tracked) == clean


@settings(max_examples=50, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_hashtag_folding_is_idempotent(tag: str) -> None:
    once = sql("cn_fold_tag(?)", tag)
    assert sql("cn_fold_tag(?)", once) == once
