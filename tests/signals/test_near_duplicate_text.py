"""near-duplicate text: light edits by hand, the threshold, families, parameters, determinism,
and a planted copy-paste campaign."""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

import pytest

import coordnet
from coordnet.errors import InputError
from coordnet.signals import CoText
from coordnet.signals.near_duplicate_text import NearDuplicateText, lsh_bands
from coordnet.simulate import simulate
from coordnet.store import Store

HEADER = "tweetid,userid,tweet_text,tweet_time,is_retweet\n"
SCRIPT = "The protesters are paid by foreign powers. Share the truth now! #StandWithPolice"


def io_file(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    """Tweets (id, user, text, time) in the information-operations archive format."""
    lines = ['{},{},"{}",{},False'.format(i, u, t.replace('"', '""'), s) for i, u, t, s in rows]
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def pairs(sig: NearDuplicateText) -> list[tuple[str, str]]:
    return [(e["source"], e["target"]) for e in sig.edges_.to_pylist()]


@pytest.fixture
def edited(store: Store, tmp_path: Path) -> Store:
    coordnet.ingest([io_file(tmp_path / "t.csv", [
        ("1", "a", SCRIPT, "2019-01-01 00:00:00"),
        # a swapped word and an emoji: 10 of 12 distinct words shared (0.83)
        ("2", "b", SCRIPT.replace("now", "today") + " 🔥", "2019-01-01 00:01:00"),
        # case, punctuation, a link, three hashtags added: 11 of 14 words (0.79)
        ("3", "c", "the protesters are PAID by foreign powers share the truth now "
                   "#StandWithPolice #Breaking #MustWatch #Viral https://t.co/x1",
         "2019-01-01 00:02:00"),
        # unrelated, in the window
        ("4", "d", "Lovely weather in the park today, going for a run with the dog",
         "2019-01-01 00:01:30"),
        # the script again, word for word, 20 minutes later
        ("5", "e", SCRIPT, "2019-01-01 00:20:00"),
    ])], store)  # fmt: skip
    return store


def test_light_edits_found_unrelated_not(edited: Store) -> None:
    sig = NearDuplicateText(window=300).fit(edited, evidence_q=1.0)
    # b and c share 10 of 15 words (0.67), but both are near-duplicates of the script (the
    # family's centre), so they pair up too; the family is named by the script's first post.
    assert pairs(sig) == [("a", "b"), ("a", "c"), ("b", "c")]
    evidence = {(r["action_source"], r["action_target"], r["object"], r["lag_s"])
                for r in sig.evidence_.to_pylist()}  # fmt: skip
    assert evidence == {("1", "2", "1", 60.0), ("1", "3", "1", 120.0), ("2", "3", "1", 60.0)}


def test_identical_texts_and_the_window(edited: Store) -> None:
    # e posted the script word for word 20 minutes after a: found once the window allows.
    sig = NearDuplicateText(window=1200).fit(edited, evidence_q=1.0)
    assert pairs(sig) == [("a", "b"), ("a", "c"), ("a", "e"), ("b", "c"), ("b", "e"), ("c", "e")]
    assert ("1", "5", 1200.0) in {
        (r["action_source"], r["action_target"], r["lag_s"]) for r in sig.evidence_.to_pylist()
    }
    # 1140 s from b and 1080 s from c, but 1200 s from a: a window of 1199 s drops a-e only.
    assert ("a", "e") not in pairs(NearDuplicateText(window=1199).fit(edited, evidence_q=1.0))


def test_exact_co_text_misses_the_edits(edited: Store) -> None:
    assert [(e["source"], e["target"]) for e in CoText(window=300).fit(edited).edges_.to_pylist()
            ] == []  # fmt: skip


def test_threshold_is_exact_and_inclusive(store: Store, tmp_path: Path) -> None:
    ten = "alpha bravo charlie delta echo foxtrot golf hotel india juliet"
    seven = "alpha bravo charlie delta echo foxtrot golf"  # 7/10 = 0.7 of ten's words
    six = "alpha bravo charlie delta echo foxtrot kilo lima"  # 6/12 = 0.5
    coordnet.ingest([io_file(tmp_path / "t.csv", [
        ("1", "a", ten, "2019-01-01 00:00:00"),
        ("2", "b", seven, "2019-01-01 00:00:10"),
        ("3", "c", six, "2019-01-01 00:00:20"),
    ])], store)  # fmt: skip
    assert pairs(NearDuplicateText(window=60).fit(store, evidence_q=1.0)) == [("a", "b")]
    assert pairs(NearDuplicateText(window=60, threshold=0.71).fit(store, evidence_q=1.0)) == []
    # seven and six share 6 of 9 words (0.67); at 0.5 every pair is similar.
    assert pairs(NearDuplicateText(window=60, threshold=0.5).fit(store, evidence_q=1.0)) == [
        ("a", "b"), ("a", "c"), ("b", "c")]  # fmt: skip
    assert pairs(NearDuplicateText(window=60, threshold=1.0).fit(store, evidence_q=1.0)) == []


def test_threshold_holds_on_many_random_pairs(store: Store, tmp_path: Path) -> None:
    """Pairs of texts with known word-set Jaccard: never below the threshold, and LSH misses
    few above it (each pair has its own words and actors, so families cannot chain)."""
    rng = random.Random(5)
    rows, truth = [], {}
    for i in range(300):
        n_a = rng.randint(5, 20)
        n_shared, n_b = rng.randint(n_a // 2, n_a), rng.randint(0, 4)
        words = [f"w{i}x{k}" for k in range(n_a + n_b)]
        text_a = " ".join(words[:n_a])
        text_b = " ".join(words[:n_shared] + words[n_a:])
        if n_shared + n_b < 5:
            continue
        truth[(f"p{i:03d}a", f"p{i:03d}b")] = n_shared / (n_a + n_b)
        rows += [(f"{i}1", f"p{i:03d}a", text_a, "2019-01-01 00:00:00"),
                 (f"{i}2", f"p{i:03d}b", text_b, "2019-01-01 00:00:30")]  # fmt: skip
    coordnet.ingest([io_file(tmp_path / "t.csv", rows)], store)
    found = set(pairs(NearDuplicateText(window=60).fit(store, evidence_q=1.0)))
    assert found <= set(truth)
    assert all(truth[p] >= 0.7 for p in found)
    similar = {p for p, j in truth.items() if j >= 0.7}
    assert len(similar) > 80
    assert len(found) >= 0.95 * len(similar)
    assert {p for p, j in truth.items() if j >= 0.85} <= found


def test_a_family_is_a_star(store: Store, tmp_path: Path) -> None:
    """The text with most similar ones is the centre; its similar texts join it, so that two
    of them pair up although they are less similar to each other than the threshold."""
    base = "one two three four five six seven"
    coordnet.ingest([io_file(tmp_path / "t.csv", [
        ("1", "a", base + " eight", "2019-01-01 00:00:00"),
        ("2", "b", base + " eight nine", "2019-01-01 00:00:10"),
        ("3", "c", base + " nine ten", "2019-01-01 00:00:20"),
    ])], store)  # fmt: skip
    sig = NearDuplicateText(window=60, threshold=0.75).fit(store, evidence_q=1.0)
    # a-b: 8/9 = 0.89 and b-c: 8/10 = 0.8 make b the centre; a-c: 7/10 = 0.7 < 0.75.
    assert pairs(sig) == [("a", "b"), ("a", "c"), ("b", "c")]
    assert {r["object"] for r in sig.evidence_.to_pylist()} == {"2"}


def test_families_do_not_chain(store: Store, tmp_path: Path) -> None:
    """Text k holds words k..k+9: neighbours share 9 of 11 words (0.82), texts two apart
    8 of 12 (0.67), three apart 7 of 13 (0.54). Connected components would make all 15 one
    family; stars keep every pair within two steps of each other (at the price of some
    similar neighbours left unpaired when both joined other centres)."""
    coordnet.ingest([io_file(tmp_path / "t.csv", [
        (str(k), f"u{k:02d}", " ".join(f"w{j}" for j in range(k, k + 10)),
         f"2019-01-01 00:00:{k:02d}") for k in range(15)
    ])], store)  # fmt: skip
    sig = NearDuplicateText(window=60).fit(store, evidence_q=1.0)
    found = pairs(sig)
    assert found and all(int(b[1:]) - int(a[1:]) <= 2 for a, b in found)
    assert len({actor for pair in found for actor in pair}) >= 10
    members: dict[str, set[str]] = {}
    for r in sig.evidence_.to_pylist():
        members.setdefault(r["object"], set()).update((r["source"], r["target"]))
    assert len(members) >= 4 and all(len(m) <= 3 for m in members.values())


def test_short_texts_are_skipped(store: Store, tmp_path: Path) -> None:
    coordnet.ingest([io_file(tmp_path / "t.csv", [
        ("1", "a", "Stop the violence now!", "2019-01-01 00:00:00"),
        ("2", "b", "stop the violence now", "2019-01-01 00:00:10"),
        ("3", "c", "now now now stop the violence", "2019-01-01 00:00:20"),  # 4 distinct words
    ])], store)  # fmt: skip
    assert pairs(NearDuplicateText(window=60).fit(store, evidence_q=1.0)) == []
    assert pairs(NearDuplicateText(window=60, min_words=4).fit(store, evidence_q=1.0)) == [
        ("a", "b"), ("a", "c"), ("b", "c")]  # fmt: skip


def test_chinese_characters_are_words(store: Store, tmp_path: Path) -> None:
    coordnet.ingest([io_file(tmp_path / "t.csv", [
        ("1", "a", "香港警察保护市民安全，请大家支持！", "2019-01-01 00:00:00"),
        ("2", "b", "香港警察保护市民安全，请大家支持 🔥 #香港", "2019-01-01 00:00:10"),
        ("3", "c", "香港警察保护市民的安全，请大家支持", "2019-01-01 00:00:20"),
        ("4", "d", "今天天气很好我们去公园散步吧朋友们", "2019-01-01 00:00:30"),
    ])], store)  # fmt: skip
    # b adds an emoji and the tag 香港, both characters already there: the same 15 words;
    # c adds 的: 15 of 16 (0.94); d shares none.
    assert pairs(NearDuplicateText(window=60).fit(store, evidence_q=1.0)) == [
        ("a", "b"),
        ("a", "c"),
        ("b", "c"),
    ]


def test_bad_parameters(store: Store) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"threshold": 0}, r"near_duplicate_text: threshold must be a number in \(0, 1\]"),
        ({"threshold": 1.5}, r"threshold must be a number in \(0, 1\], such as 0.7, not 1.5"),
        ({"threshold": "0.7"}, r"threshold must be a number in \(0, 1\], such as 0.7, not '0.7'"),
        ({"threshold": True}, "threshold must be a number"),
        ({"min_words": 0}, "near_duplicate_text: min_words must be an integer >= 1, not 0"),
        ({"min_words": 2.5}, "min_words must be an integer >= 1, not 2.5"),
        ({"n_hashes": 0}, "near_duplicate_text: n_hashes must be an integer between 1 and 512"),
        ({"n_hashes": 1000}, "n_hashes must be an integer between 1 and 512, not 1000"),
        ({"window": -5}, "near_duplicate_text: window"),
        ({"min_shared": 0}, "near_duplicate_text: min_shared"),
    ]
    for params, match in cases:
        with pytest.raises(InputError, match=match):
            NearDuplicateText(**params).fit(store, evidence_q=1.0)


def test_empty_store_and_default_window(store: Store) -> None:
    sig = NearDuplicateText().fit(store, evidence_q=1.0)
    assert sig.edges_.num_rows == 0 and sig.window_ == 300.0
    assert sig.get_params() == {"window": "auto", "min_shared": 1, "max_evidence": 20,
                                "threshold": 0.7, "min_words": 5, "n_hashes": 64}  # fmt: skip


def test_lsh_bands_follow_the_s_curve() -> None:
    for threshold in (0.5, 0.7, 0.8, 0.9):
        for n_hashes in (16, 64, 128):
            bands, rows = lsh_bands(threshold, n_hashes)
            assert bands == n_hashes // rows
            assert 1 - (1 - threshold**rows) ** bands >= 0.95
            # One row more (fewer chance candidates) would miss more than 5 % at the threshold.
            more = n_hashes // (rows + 1)
            assert rows == n_hashes or 1 - (1 - threshold ** (rows + 1)) ** more < 0.95
    assert lsh_bands(1.0, 64) == (1, 64)


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sim")
    simulate(out, scenario="default", accounts=800, days=2, seed=7)
    return out


def test_deterministic_and_independent_of_row_order(simulated: Path, store: Store) -> None:
    coordnet.ingest([simulated / "tweets.csv"], store)
    sig = NearDuplicateText(window=300).fit(store, evidence_q=1.0)
    assert sig.edges_.num_rows > 100
    again = NearDuplicateText(window=300).fit(store, evidence_q=1.0)
    assert again.edges_.equals(sig.edges_) and again.evidence_.equals(sig.evidence_)
    other = coordnet.open_store()
    coordnet.ingest([simulated / "tweets.csv"], other)
    other.engine.execute("CREATE TABLE rev AS SELECT * FROM actions ORDER BY action_id DESC")
    other.engine.execute("DELETE FROM actions")
    other.engine.execute("INSERT INTO actions SELECT * FROM rev")
    reverse = NearDuplicateText(window=300).fit(other, evidence_q=1.0)
    assert reverse.edges_.equals(sig.edges_) and reverse.evidence_.equals(sig.evidence_)


def test_planted_copy_paste_ranks_above_organic(simulated: Path, store: Store) -> None:
    coordnet.ingest([simulated / "tweets.csv"], store)
    with open(simulated / "labels.csv", encoding="utf-8") as f:
        style = {r["actor_id"]: r["style"] for r in csv.DictReader(f)}
    copiers = {a for a, s in style.items() if s == "copy_paste"}
    organic = [a for a, s in style.items() if not s]

    def copier_pairs_and_auc(edges: list[dict[str, Any]]) -> tuple[int, float]:
        score: dict[str, int] = {}
        for e in edges:
            for actor in (e["source"], e["target"]):
                score[actor] = score.get(actor, 0) + e["n_objects"]
        wins = sum((score.get(c, 0) > score.get(o, 0)) + 0.5 * (score.get(c, 0) == score.get(o, 0))
                   for c in copiers for o in organic)  # fmt: skip
        inside = sum(1 for e in edges if e["source"] in copiers and e["target"] in copiers)
        return inside, wins / len(copiers) / len(organic)

    near, near_auc = copier_pairs_and_auc(
        NearDuplicateText(window=300).fit(store, evidence_q=1.0).edges_.to_pylist()
    )
    exact, exact_auc = copier_pairs_and_auc(
        CoText(window=300).fit(store, evidence_q=1.0).edges_.to_pylist()
    )
    assert len(copiers) >= 20
    assert near_auc > 0.99
    # Light edits hide most copies from exact matching: many more copier pairs found here.
    assert near > 2 * exact and near_auc > exact_auc
