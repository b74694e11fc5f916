"""The evaluator's metrics on hand-made cases where every figure can be checked by hand."""

from __future__ import annotations

import json
from fractions import Fraction
from itertools import combinations
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from coordnet.cli import main
from coordnet.errors import InputError, MissingColumnsError
from coordnet.evaluate import (
    ClusterMix,
    Evaluation,
    HardNegativeGroup,
    StyleRecall,
    adjusted_rand_index,
    cluster_purity,
    evaluate,
)

# Three campaigns (9 actors) and 8 organic actors, 6 of them in hard-negative groups.
LABELS = [
    ("a1", "ring", "amplification_ring", "seed", ""),
    ("a2", "ring", "amplification_ring", "amplifier", ""),
    ("a3", "ring", "amplification_ring", "amplifier", ""),
    ("a4", "ring", "amplification_ring", "amplifier", ""),
    ("b1", "copy", "copy_paste", "", ""),
    ("b2", "copy", "copy_paste", "", ""),
    ("b3", "copy", "copy_paste", "", ""),
    ("c1", "slow", "slow_burn", "operator", ""),
    ("c2", "slow", "slow_burn", "operator", ""),
    ("f1", "", "", "", "fan_community"),
    ("f2", "", "", "", "fan_community"),
    ("f3", "", "", "", "fan_community"),
    ("f4", "", "", "", "fan_community"),
    ("n1", "", "", "", "breaking_news"),
    ("n2", "", "", "", "breaking_news"),
    ("o1", "", "", "", ""),
    ("o2", "", "", "", ""),
]
RING, COPY, SLOW = ["a1", "a2", "a3", "a4"], ["b1", "b2", "b3"], ["c1", "c2"]


def write_labels(folder: Path, rows: list[tuple[str, ...]] = LABELS) -> Path:
    """labels.csv as the simulator writes it, plus an extra column that must be ignored."""
    path = folder / "labels.csv"
    lines = ["actor_id,campaign,style,role,organic_group,extra"]
    lines += [",".join(row) + ",x" for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_result(folder: Path, clusters: dict[str, list[str]]) -> Path:
    """A detect result folder whose accounts.csv flags each listed actor in its cluster."""
    result = folder / "result"
    result.mkdir(parents=True)
    lines = ["account_id,cluster_id,score,role"]
    lines += [f"{a},{cid},0.9,amplifier" for cid, actors in clusters.items() for a in actors]
    (result / "accounts.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return result


def score(tmp_path: Path, clusters: dict[str, list[str]]) -> Evaluation:
    return evaluate(write_labels(tmp_path), write_result(tmp_path, clusters))


# --- actor-level and cluster metrics on hand-made results ---------------------------------


def test_recall_among_members_that_acted(tmp_path: Path) -> None:
    acts = {"a1": "3", "a2": "2", "a3": "0", "a4": "1", "b1": "4", "b2": "4", "b3": "4",
            "c1": "0", "c2": "1"}  # fmt: skip
    path = tmp_path / "labels.csv"
    lines = ["actor_id,campaign,style,role,organic_group,coordinated_actions"]
    lines += [",".join(row) + "," + acts.get(row[0], "0") for row in LABELS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ev = evaluate(path, write_result(tmp_path, {"1": ["a1", "a2"], "2": ["c2"]}))
    assert ev.styles == (
        StyleRecall("amplification_ring", 4, 2, 0.5, 3, 2, pytest.approx(2 / 3)),
        StyleRecall("copy_paste", 3, 0, 0.0, 3, 0, 0.0),
        StyleRecall("slow_burn", 2, 1, 0.5, 1, 1, 1.0),
    )
    # Without the column the figures are unknown, not zero.
    (tmp_path / "plain").mkdir()
    plain = score(tmp_path / "plain", {"1": ["a1"]})
    assert all(s.n_acted is None and s.recall_acted is None for s in plain.styles)
    lines[3] = lines[3].rsplit(",", 1)[0] + ",two"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"labels.csv:4: coordinated_actions .* 'two'"):
        evaluate(path, tmp_path / "result")


def test_perfect_detection(tmp_path: Path) -> None:
    ev = score(tmp_path, {"1": RING, "2": COPY, "3": SLOW})
    assert (ev.precision, ev.recall, ev.f1) == (1.0, 1.0, 1.0)
    assert (ev.n_tp, ev.n_fp, ev.n_fn, ev.n_flagged) == (9, 0, 0, 9)
    assert (ev.n_campaign_actors, ev.n_organic, ev.n_organic_flagged) == (9, 8, 0)
    assert ev.false_positive_rate == 0.0
    assert (ev.purity, ev.adjusted_rand_index, ev.n_clusters) == (1.0, 1.0, 3)
    assert all(c.recall == 1.0 for c in ev.campaigns)
    assert [h.n_clusters for h in ev.hard_negatives] == [0, 0]


def test_missed_campaign(tmp_path: Path) -> None:
    ev = score(tmp_path, {"1": RING, "2": COPY})
    assert (ev.n_tp, ev.n_fp, ev.n_fn) == (7, 0, 2)
    assert ev.precision == 1.0
    assert ev.recall == pytest.approx(7 / 9)
    assert ev.f1 == pytest.approx(2 * 7 / (2 * 7 + 0 + 2))
    assert ev.styles == (
        StyleRecall("amplification_ring", 4, 4, 1.0),
        StyleRecall("copy_paste", 3, 3, 1.0),
        StyleRecall("slow_burn", 2, 0, 0.0),
    )
    slow = next(c for c in ev.campaigns if c.campaign == "slow")
    assert (slow.styles, slow.n_members, slow.n_found, slow.recall) == (("slow_burn",), 2, 0, 0)
    assert ev.purity == 1.0
    # 9 actors, 36 pairs: 9 together in both, 1 (c1-c2) together only in truth, 26 apart in both:
    # ARI = 2 (9*26 - 1*0) / ((9+1)(1+26) + (9+0)(0+26)) = 468 / 504 = 13/14.
    assert ev.adjusted_rand_index == pytest.approx(13 / 14)


def test_fan_community_reported_as_a_network(tmp_path: Path) -> None:
    # The fans form their own cluster; one breaking-news account is swept into the ring.
    ev = score(tmp_path, {"1": [*RING, "n1"], "2": COPY, "3": SLOW, "4": ["f1", "f2", "f3", "f4"]})
    assert (ev.n_tp, ev.n_fp, ev.n_fn, ev.n_flagged) == (9, 5, 0, 14)
    assert ev.precision == pytest.approx(9 / 14)
    assert ev.f1 == pytest.approx(18 / 23)
    assert ev.n_organic_flagged == 5
    assert ev.false_positive_rate == pytest.approx(5 / 8)
    assert ev.hard_negatives == (
        HardNegativeGroup("breaking_news", 2, 1, 0.5, 0),
        HardNegativeGroup("fan_community", 4, 4, 1.0, 1),
    )
    # Majority shares 4/5 (ring + n1), 3/3, 2/2, 4/4 (fans are all "organic").
    assert ev.purity == pytest.approx(13 / 14)
    assert ev.clusters[0] == ClusterMix("1", 5, "ring", 4, 0.8)
    assert ev.clusters[1] == ClusterMix("4", 4, "organic", 4, 1.0)
    # Each flagged organic actor is its own true class. Row pairs A = 6+3+1 = 10, column pairs
    # B = 10+3+1+6 = 20, shared 10, 91 pairs: E = 200/91, ARI = (10-E)/(15-E) = 142/233.
    assert ev.adjusted_rand_index == pytest.approx(142 / 233)


def test_group_network_needs_a_majority_and_three_members(tmp_path: Path) -> None:
    ev = score(
        tmp_path,
        {
            "half": ["f1", "f2", "f3", *COPY],  # 3 fans of 6: not more than half
            "pair": ["n1", "n2"],  # all breaking news, but only 2
        },
    )
    assert [h.n_clusters for h in ev.hard_negatives] == [0, 0]
    result = write_result(tmp_path / "b", {"most": ["f1", "f2", "f3", "o1", "o2"]})
    ev = evaluate(tmp_path / "labels.csv", result)
    fans = next(h for h in ev.hard_negatives if h.organic_group == "fan_community")
    assert (fans.n_flagged, fans.n_clusters) == (3, 1)  # 3 of 5 is a majority


def test_merged_campaigns_lower_purity_and_ari(tmp_path: Path) -> None:
    ev = score(tmp_path, {"1": [*RING, *COPY], "2": SLOW})
    assert (ev.precision, ev.recall) == (1.0, 1.0)
    assert ev.purity == pytest.approx(6 / 9)
    assert ev.clusters[0] == ClusterMix("1", 7, "ring", 4, pytest.approx(4 / 7))
    # A = 10, B = 21 + 1 = 22, 36 pairs: E = 55/9, ARI = (10 - E) / (16 - E) = 35/89.
    assert ev.adjusted_rand_index == pytest.approx(35 / 89)
    assert ev.adjusted_rand_index < 1.0 and ev.purity < 1.0


def test_nothing_flagged_scores_zero(tmp_path: Path) -> None:
    ev = score(tmp_path, {})
    assert (ev.precision, ev.recall, ev.f1, ev.purity) == (0.0, 0.0, 0.0, 0.0)
    assert (ev.n_flagged, ev.n_clusters, ev.n_fn) == (0, 0, 9)
    assert ev.adjusted_rand_index == 0.0  # all campaign pairs split


def test_unlabelled_flagged_actor_is_a_false_positive(tmp_path: Path) -> None:
    ev = score(tmp_path, {"1": [*RING, "stranger"], "2": COPY, "3": SLOW})
    assert (ev.n_fp, ev.n_unlabelled_flagged, ev.n_organic, ev.n_organic_flagged) == (1, 1, 8, 0)
    assert ev.precision == pytest.approx(9 / 10)


def test_ids_stay_strings_and_styles_mix(tmp_path: Path) -> None:
    rows = [
        ("007", "mixed", "copy_paste", "", ""),
        ("7", "mixed", "hashtag_flood", "", ""),
        ("0x1", "mixed", "", "", ""),
        ("8", "", "", "", ""),
    ]
    ev = evaluate(write_labels(tmp_path, rows), write_result(tmp_path, {"c": ["007", "8"]}))
    assert (ev.n_tp, ev.n_fp, ev.n_fn) == (1, 1, 2)  # "7" is not "007"
    assert ev.campaigns[0].styles == ("(none)", "copy_paste", "hashtag_flood")
    assert [(s.style, s.n_found) for s in ev.styles] == [
        ("(none)", 0),
        ("copy_paste", 1),
        ("hashtag_flood", 0),
    ]


def test_as_dict_is_json(tmp_path: Path) -> None:
    ev = score(tmp_path, {"1": RING})
    data = json.loads(json.dumps(ev.as_dict()))
    assert data["n_tp"] == 4 and data["styles"][0]["style"] == "amplification_ring"
    assert data["campaigns"][0] == {
        "campaign": "copy",
        "styles": ["copy_paste"],
        "n_members": 3,
        "n_found": 0,
        "recall": 0.0,
    }


# --- the adjusted Rand index and purity against reference values --------------------------


@pytest.mark.parametrize(
    ("truth", "pred", "expected"),
    [
        ([0, 0, 1, 1], [0, 0, 1, 1], 1.0),  # identical
        ([0, 0, 1, 1], [1, 1, 0, 0], 1.0),  # identical up to names
        ([0, 0, 1, 1], [0, 0, 1, 2], 0.5714285714285715),  # scikit-learn's documented example
        ([0, 0, 1, 2], [0, 0, 1, 1], 0.5714285714285715),  # symmetric
        ([0, 0, 0, 0], [0, 1, 2, 3], 0.0),  # all together vs all apart
        ([0, 0, 1, 1], [0, 1, 0, 1], -0.5),  # worse than chance
        ([0, 1, 2, 3], [0, 1, 2, 3], 1.0),  # all singletons
        ([7], [3], 1.0),  # one item
    ],
)
def test_ari_reference_values(truth: list[int], pred: list[int], expected: float) -> None:
    assert adjusted_rand_index(truth, pred) == pytest.approx(expected, abs=1e-12)


def test_ari_hand_computed_table() -> None:
    # Contingency (rows truth x, y; columns pred p, q, r): x = [3, 1, 0], y = [0, 1, 3].
    truth = ["x"] * 4 + ["y"] * 4
    pred = ["p", "p", "p", "q", "q", "r", "r", "r"]
    # sum C(n_ij,2) = 3+3 = 6; A = 6+6 = 12; B = 3+1+3 = 7; C(8,2) = 28; E = 84/28 = 3;
    # ARI = (6 - 3) / (9.5 - 3) = 6/13.
    assert adjusted_rand_index(truth, pred) == pytest.approx(6 / 13)


def test_ari_rejects_unequal_lengths() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        adjusted_rand_index([0, 1], [0])


def ari_by_definition(truth: list[int], pred: list[int]) -> Fraction:
    """Hubert & Arabie's formula, by brute force over all pairs, in exact fractions."""
    n = len(truth)
    pairs = list(combinations(range(n), 2))
    together = sum(truth[i] == truth[j] and pred[i] == pred[j] for i, j in pairs)
    a = sum(truth[i] == truth[j] for i, j in pairs)
    b = sum(pred[i] == pred[j] for i, j in pairs)
    expected = Fraction(a * b, len(pairs))
    maximum = Fraction(a + b, 2)
    return Fraction(1) if maximum == expected else (together - expected) / (maximum - expected)


labelings = st.integers(2, 14).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 4), min_size=n, max_size=n),
        st.lists(st.integers(0, 6), min_size=n, max_size=n),
    )
)


@given(labelings)
def test_ari_matches_definition_and_invariants(pair: tuple[list[int], list[int]]) -> None:
    truth, pred = pair
    ari = adjusted_rand_index(truth, pred)
    assert ari == pytest.approx(float(ari_by_definition(truth, pred)), abs=1e-12)
    assert ari <= 1.0
    assert adjusted_rand_index(pred, truth) == pytest.approx(ari, abs=1e-12)
    renamed = [f"cluster-{p * 7 % 11}" for p in pred]  # a bijective renaming
    assert adjusted_rand_index(truth, renamed) == pytest.approx(ari, abs=1e-12)


def test_purity() -> None:
    assert cluster_purity(["a", "a", "b", "b"], [1, 1, 1, 2]) == 0.75
    assert cluster_purity(["a", "b", "c"], [1, 2, 3]) == 1.0  # splitting is not penalised
    assert cluster_purity([], []) == 0.0


# --- bad input ----------------------------------------------------------------------------


def test_missing_label_column_names_file_and_column(tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text("actor_id,campain,style\na1,ring,copy_paste\n")
    result = write_result(tmp_path, {"1": ["a1"]})
    with pytest.raises(MissingColumnsError) as info:
        evaluate(labels, result)
    assert str(info.value) == (
        f"{labels}: not readable as a labels file: missing required column(s) campaign "
        "(closest: campain)"
    )
    assert isinstance(info.value, InputError)


def test_missing_account_column(tmp_path: Path) -> None:
    result = tmp_path / "result"
    result.mkdir()
    (result / "accounts.csv").write_text("account_id,score\na1,0.9\n")
    with pytest.raises(
        InputError, match=r"accounts\.csv: .*missing required column\(s\) cluster_id"
    ):
        evaluate(write_labels(tmp_path), result)


def test_missing_files(tmp_path: Path) -> None:
    nope = tmp_path / "nope.csv"
    with pytest.raises(InputError) as info:
        evaluate(nope, tmp_path)
    assert str(info.value) == f"{nope}: file not found (expected a labels file)"
    labels = write_labels(tmp_path)
    with pytest.raises(InputError) as info:
        evaluate(labels, tmp_path / "nowhere")
    assert str(info.value).startswith(f"{tmp_path / 'nowhere'}: result folder not found")
    with pytest.raises(InputError) as info:
        evaluate(labels, tmp_path)
    assert str(info.value) == (
        f"{tmp_path / 'accounts.csv'}: file not found (expected a detect accounts file; "
        f"is {tmp_path} a detect --out folder?)"
    )


def test_repeated_ids_name_both_lines(tmp_path: Path) -> None:
    result = write_result(tmp_path, {"1": ["a1"], "2": ["a1"]})
    with pytest.raises(
        InputError, match=r"accounts\.csv:3: account_id 'a1' already listed on line 2"
    ):
        evaluate(write_labels(tmp_path), result)
    (tmp_path / "b").mkdir()
    twice = write_labels(tmp_path / "b", [LABELS[0], LABELS[0]])
    with pytest.raises(
        InputError, match=r"labels\.csv:3: actor_id 'a1' already labelled on line 2"
    ):
        evaluate(twice, result)


# --- the command line ---------------------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), prog_name="coordnet")
    return result.exit_code, result.stdout, result.stderr


def test_cli_prints_tables_and_writes_json(tmp_path: Path) -> None:
    labels = write_labels(tmp_path)
    result = write_result(tmp_path, {"1": [*RING, "n1"], "2": COPY, "4": ["f1", "f2", "f3", "f4"]})
    code, out, _ = run("evaluate", "--labels", str(labels), "--result", str(result))
    assert code == 0
    # precision 7/12, recall 7/9, F1 14/21, organic FP rate 5/8.
    for figure in ("0.583", "0.778", "0.667", "0.625", "slow_burn", "fan_community"):
        assert figure in out
    assert f"wrote {result / 'evaluation.json'}" in " ".join(out.split())
    data = json.loads((result / "evaluation.json").read_text())
    assert (data["n_tp"], data["n_fp"], data["n_fn"]) == (7, 5, 2)
    assert data["hard_negatives"][1] == {
        "organic_group": "fan_community",
        "n_members": 4,
        "n_flagged": 4,
        "false_positive_rate": 1.0,
        "n_clusters": 1,
    }


def test_cli_json_option(tmp_path: Path) -> None:
    labels = write_labels(tmp_path)
    result = write_result(tmp_path, {"1": RING})
    target = tmp_path / "out" / "scores.json"
    code, _, _ = run("evaluate", "--labels", str(labels), "--result", str(result),
                     "--json", str(target))  # fmt: skip
    assert code == 0
    assert json.loads(target.read_text())["n_tp"] == 4
    assert not (result / "evaluation.json").exists()


def test_cli_bad_input_is_an_error_line(tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text("actor_id,style\na1,copy_paste\n")
    result = write_result(tmp_path, {"1": ["a1"]})
    code, _, err = run("evaluate", "--labels", str(labels), "--result", str(result))
    assert code == 2
    assert err.startswith(f"Error: {labels}: not readable as a labels file: missing required")
    assert "Traceback" not in err
