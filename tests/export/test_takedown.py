"""Takedown summaries: figures equal independent SQL, Markdown stays inert, JSON and CLI."""

from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from coordnet.cli import main
from coordnet.errors import InputError
from coordnet.export._takedown_markdown import md_text
from coordnet.export._takedown_wording import confidence_level
from coordnet.export.takedown import CONFIDENCE_SCALE, Takedown, takedown, write_takedown
from coordnet.store import Store, open_store

HOSTILE = [
    "<script>alert(1)</script>",
    "[click me](javascript:alert(document.cookie))",
    "![x](https://evil.example/pixel.png)",
    "<img src=x onerror=alert(1)>",
    "www.evil-site.com and https://evil.example/path?a=1&b=2 and mail@evil.example",
    "<https://autolink.example>",
    "&lt;script&gt; &#106;avascript:",
    "| table | break |\n# heading\n- list\n1. ordered\n> quote",
    "**bold** _em_ `code` ~~strike~~ $x$ @someone #123",
    "[ref]: https://evil.example\n[ref]",
    "line\x00with\x1bcontrol\u202eRLO\u200bzw",
]


class Tags(HTMLParser):
    """Every start tag and attribute of an HTML document."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


#: What the summary itself writes; anything else came from the data.
OWN_TAGS = {"h1", "h2", "h3", "p", "ul", "li", "strong", "code", "table", "thead", "tbody",
            "tr", "th", "td"}  # fmt: skip


def render(markdown: str) -> str:
    """CommonMark with GFM tables and strike-through, raw HTML allowed (the worst case)."""
    return (
        MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(markdown)
    )


@pytest.fixture
def demo(detected: Path) -> Any:
    with open_store(detected / "store.duckdb") as store:
        yield store


@pytest.fixture
def varied(detected: Path, tmp_path: Path) -> Any:
    """A copy of the demo store with pages, groups, channels, unknown follower figures and
    hostile handles, names and post texts on the members of the reported networks."""
    shutil.copy(detected / "store.duckdb", tmp_path / "store.duckdb")
    with open_store(tmp_path / "store.duckdb") as store:
        ids = [
            r[0]
            for r in store.engine.rows(
                "SELECT actor_id FROM cluster_members WHERE reported ORDER BY score DESC, actor_id"
            )
        ]
        e = store.engine
        for i, actor in enumerate(ids):
            kind = ("page", "group", "channel", "account", "account")[i % 5]
            e.execute("UPDATE actors SET actor_kind = ? WHERE actor_id = ?", [kind, actor])
            if i % 4 == 1:
                e.execute("UPDATE actors SET followers = NULL WHERE actor_id = ?", [actor])
            payload = HOSTILE[i % len(HOSTILE)]
            e.execute(
                "UPDATE actors SET handle = ?, display_name = ? WHERE actor_id = ?",
                [payload, payload, actor],
            )
        # every text of the members' own posts becomes a payload (several members share one)
        e.execute(
            """UPDATE actions SET text = ?
               WHERE kind IN ('post', 'reply', 'quote')
                 AND actor_id IN (SELECT actor_id FROM cluster_members WHERE reported)""",
            [" ".join(HOSTILE)],
        )
        yield store


def sql_figures(store: Store, cluster_id: int) -> dict[str, Any]:
    """The figures a takedown states, by independent SQL."""
    e = store.engine
    members = "SELECT actor_id FROM cluster_members WHERE reported AND cluster_id = ?"
    kinds = dict(
        e.rows(
            f"""SELECT coalesce(a.actor_kind, 'unknown'), count(*) FROM ({members}) m
                LEFT JOIN actors a USING (actor_id) GROUP BY 1""",
            [cluster_id],
        )
    )
    total, missing = e.rows(
        f"""SELECT coalesce(sum(a.followers), 0), count(*) - count(a.followers)
            FROM ({members}) m LEFT JOIN actors a USING (actor_id)""",
        [cluster_id],
    )[0]
    n_actions, first, last = e.rows(
        f"SELECT count(*), min(time), max(time) FROM actions WHERE actor_id IN ({members})",
        [cluster_id],
    )[0]
    span = e.rows("SELECT first_seen, last_seen FROM clusters WHERE cluster_id = ?", [cluster_id])
    return {
        "kinds": kinds,
        "n_members": sum(kinds.values()),
        "followers_total": total,
        "n_members_without_followers": missing,
        "n_actions": n_actions,
        "active": (first, last),
        "coordinated": span[0],
    }


def check_figures(store: Store, found: list[Takedown]) -> None:
    for t in found:
        want = sql_figures(store, t.cluster_id)
        assert t.actor_kinds == want["kinds"]
        assert (t.n_accounts, t.n_pages, t.n_groups, t.n_channels) == tuple(
            want["kinds"].get(k, 0) for k in ("account", "page", "group", "channel")
        )
        assert t.n_members == want["n_members"]
        assert t.followers_total == want["followers_total"]
        assert t.n_members_without_followers == want["n_members_without_followers"]
        assert t.n_actions == want["n_actions"]
        assert (t.active_first_at, t.active_last_at) == want["active"]
        assert (t.coordinated_first_at, t.coordinated_last_at) == want["coordinated"]


def test_figures_equal_independent_sql(demo: Store) -> None:
    found = takedown(demo)
    reported = [r[0] for r in demo.engine.rows("SELECT cluster_id FROM clusters WHERE reported")]
    assert sorted(t.cluster_id for t in found) == sorted(reported)
    check_figures(demo, found)
    assert all(t.n_members > 0 and t.behaviours and t.shared_objects for t in found)


def test_figures_with_pages_groups_and_missing_followers(varied: Store) -> None:
    found = takedown(varied)
    check_figures(varied, found)
    assert sum(t.n_pages for t in found) > 0 and sum(t.n_channels for t in found) > 0
    assert sum(t.n_members_without_followers for t in found) > 0
    assert any("had no follower figure" in t.summary for t in found)


def test_behaviours_count_the_internal_kept_ties(demo: Store) -> None:
    for t in takedown(demo):
        ties = dict(
            demo.engine.rows(
                """WITH m AS (SELECT actor_id FROM cluster_members
                              WHERE reported AND cluster_id = ?)
                   SELECT s.signal, count(*) FROM fused_edges f, unnest(f.signals) AS s(signal)
                   WHERE f.kept AND f.source IN (SELECT * FROM m)
                     AND f.target IN (SELECT * FROM m)
                   GROUP BY 1""",
                [t.cluster_id],
            )
        )
        assert {b["signal"]: b["n_pairs"] for b in t.behaviours} == ties
        for b in t.behaviours:
            verbs = ("acted", "reposted", "posted", "shared", "linked", "used", "replied")
            assert b["description"].startswith((*verbs, "mentioned"))
            assert f"{b['n_coactions']:,} times" in b["description"]


def test_chosen_network_and_unknown_network(demo: Store) -> None:
    reported = [r[0] for r in demo.engine.rows("SELECT cluster_id FROM clusters WHERE reported")]
    assert [t.cluster_id for t in takedown(demo, networks=[reported[-1]])] == [reported[-1]]
    with pytest.raises(InputError, match="network 404 is not a reported network"):
        takedown(demo, networks=[404])


def test_write_takedown_lists_every_network_once(demo: Store, tmp_path: Path) -> None:
    md_path, json_path = write_takedown(demo, tmp_path / "out")
    doc = json.loads(json_path.read_text(encoding="utf-8"))
    reported = sorted(
        r[0] for r in demo.engine.rows("SELECT cluster_id FROM clusters WHERE reported")
    )
    assert sorted(n["cluster_id"] for n in doc["networks"]) == reported
    markdown = md_path.read_text(encoding="utf-8")
    for c in reported:
        assert markdown.count(f"\n## Network {c}:") == 1
    from coordnet import __version__

    assert doc["coordnet_version"] == __version__
    assert [b["level"] for b in doc["confidence_scale"]] == ["none", "low", "moderate", "high"]
    assert "co_repost" in doc["method"]["signals"]
    assert "window_s" in doc["method"]["signals"]["co_repost"]
    levels = {b["level"] for b in CONFIDENCE_SCALE}
    for network in doc["networks"]:
        assert network["active_first_at"] <= network["active_last_at"]
        kinds = [s["kind"] for s in network["statements"]]
        assert kinds[:2] == ["coordination", "inauthenticity"] and kinds[-1] == "attribution"
        for s in network["statements"]:
            assert s["confidence"] in levels and s["evidence_score_is"]
            assert s["confidence"] == confidence_level(s["evidence_score"])
            if s["hint"]:
                assert "consistent with" in s["statement"] and s["reasons"]
                assert f"({s['confidence']} confidence)" in s["statement"]


def test_attribution_hints_keep_their_own_reasons(demo: Store) -> None:
    for t in takedown(demo):
        stored = demo.engine.rows(
            "SELECT attribution_hints, attribution_reasons FROM clusters WHERE cluster_id = ?",
            [t.cluster_id],
        )[0]
        hints = [s for s in t.statements if s["hint"]]
        assert [s["hint"] for s in hints] == list(stored[0])
        for s in hints:
            assert set(s["reasons"]) <= set(stored[1])
            if s["hint"] == "time_zone":
                zone = s["reasons"][0].split("active as if in ")[1].split(" ")[0]
                assert f"operator in {zone}" in s["statement"]


def test_markdown_of_hostile_content_is_inert(varied: Store, tmp_path: Path) -> None:
    md_path, json_path = write_takedown(varied, tmp_path / "out")
    markdown = md_path.read_text(encoding="utf-8")
    html = render(markdown)
    tags = Tags(html).tags
    assert {tag for tag, _ in tags} <= OWN_TAGS
    assert {name for _, attrs in tags for name, _ in attrs} <= {"style"}
    for bad in ("www.evil", "https://evil", "http://", "\x00", "\x1b", "\u202e", "\u200b"):
        assert bad not in markdown, bad
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text, not run
    # the hostile strings stay data in the JSON
    doc = json.loads(json_path.read_text(encoding="utf-8"))
    handles = {a["handle"] for n in doc["networks"] for a in n["accounts"]}
    assert HOSTILE[0] in handles and HOSTILE[1] in handles
    texts = [p["text"] for n in doc["networks"] for p in n["example_posts"]]
    assert " ".join(HOSTILE) in texts


FRAGMENTS = [*"<>&[]()!*_`#|~$@:/.\\-+=1 \n\tahtpswxe", "http", "https://", "www.", "\x00",
             "\u202e", "a@b.co", "&#106;", "1. ", "- ", "    ", "```", "<a href=x>", "*x*",
             "_x_", "**", "[x](y)", "![x](y)", "[x]", "`x`", "~~x~~", "<http://x.y>",
             "<b>", "&amp;", "\\*", "| a |", "---"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join) | st.text(max_size=40))
def test_md_text_never_makes_markup(text: str) -> None:
    tokens = (
        MarkdownIt("commonmark", {"html": True})
        .enable(["table", "strikethrough"])
        .parse(md_text(text))
    )
    assert [t.type for t in tokens] in ([], ["paragraph_open", "inline", "paragraph_close"])
    for t in tokens:
        for child in t.children or []:
            assert child.type in ("text", "softbreak"), (text, child.type)


def test_confidence_scale_boundaries() -> None:
    assert [confidence_level(s) for s in (None, 0, 1e-9, 0.3499, 0.35, 0.6499, 0.65, 1.0)] == [
        "none", "none", "low", "low", "moderate", "moderate", "high", "high"
    ]  # fmt: skip


def test_cli_takedown(detected: Path, tmp_path: Path) -> None:
    store = str(detected / "store.duckdb")
    out = tmp_path / "td"
    result = CliRunner().invoke(main, ["takedown", "--store", store, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {out / 'takedown.md'}\nwrote {out / 'takedown.json'}\n"
    assert json.loads((out / "takedown.json").read_text(encoding="utf-8"))["networks"]
    result = CliRunner().invoke(
        main, ["takedown", "--store", store, "--out", str(out), "--network", "404"]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {store}: network 404 is not a reported network")
    assert "Traceback" not in result.stderr
