"""Score a detection result against ground-truth labels: is what we flag really a campaign?

Detection quality is only claimed where it is measured. :func:`evaluate` reads the
``labels.csv`` written by ``coordnet simulate`` (or any file with the same columns) and the
result folder of ``coordnet detect`` (its ``accounts.csv``) and computes:

- **actor-level precision, recall and F1**: positives are actors with a non-empty
  ``campaign``; flagged actors are the rows of ``accounts.csv``;
- **recall per campaign and per style**, so that a detector that finds the loud amplification
  rings but misses every slow-burn account cannot hide behind a good average;
- **false positives among organic actors**, overall and per hard-negative ``organic_group``
  (breaking-news bursts, fan communities, hashtag movements, news bots, media): the groups a
  naive detector mistakes for campaigns. For each group it also counts the clusters that are
  mostly (more than half) made of that group with at least three of its members: a genuine
  community reported as a network, the most damaging false positive;
- **cluster purity and the adjusted Rand index** (ARI), which say whether the detector's
  networks match the campaigns: merging two campaigns into one network costs purity, splitting
  one campaign into many networks costs ARI.

Definitions, conventions for empty denominators and references are in ``docs/evaluation.md``.

Cost: one pass over each file and a contingency table over the flagged and campaign actors;
time and memory linear in the number of label rows.

Example::

    >>> ev = evaluate("sim/labels.csv", "result/")          # doctest: +SKIP
    >>> round(ev.f1, 3), [(s.style, s.recall) for s in ev.styles]  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import difflib
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from coordnet.errors import InputError, MissingColumnsError

__all__ = [
    "CampaignRecall",
    "ClusterMix",
    "Evaluation",
    "HardNegativeGroup",
    "StyleRecall",
    "adjusted_rand_index",
    "cluster_purity",
    "evaluate",
]

LABEL_COLUMNS = ("actor_id", "campaign")
ACCOUNT_COLUMNS = ("account_id", "cluster_id")
# A cluster counts as a group "reported as a network" from this many group members on.
MIN_GROUP_NETWORK = 3
ORGANIC = "organic"
NO_STYLE = "(none)"


@dataclass(frozen=True)
class StyleRecall:
    """How many campaign actors of one style were flagged.

    With a ``coordinated_actions`` column in the labels (the simulator writes one), the
    ``acted`` figures count only members with at least one coordinated action: a member
    that did nothing with its campaign is invisible to any behavioural detector, so their
    recall says how much of what *could* be found was. ``None`` without the column.
    """

    style: str
    n_members: int
    n_found: int
    recall: float
    n_acted: int | None = None
    n_acted_found: int | None = None
    recall_acted: float | None = None


@dataclass(frozen=True)
class CampaignRecall:
    """How many actors of one campaign were flagged; ``styles`` are its members' styles."""

    campaign: str
    styles: tuple[str, ...]
    n_members: int
    n_found: int
    recall: float


@dataclass(frozen=True)
class HardNegativeGroup:
    """False positives among one hard-negative organic group.

    ``n_clusters`` counts the reported clusters whose flagged members are mostly (more than
    half) from this group, with at least three of them: the group was reported as a network.
    """

    organic_group: str
    n_members: int
    n_flagged: int
    false_positive_rate: float
    n_clusters: int


@dataclass(frozen=True)
class ClusterMix:
    """What one reported cluster is made of: its majority label and that label's share."""

    cluster_id: str
    size: int
    majority: str
    n_majority: int
    purity: float


@dataclass(frozen=True)
class Evaluation:
    """Every metric of one result against one labels file (see the module docstring).

    Ratios whose denominator is zero (no flagged actor, no campaign actor, an empty group) are
    0.0, so that the JSON stays valid and an empty result scores as badly as it should.
    """

    labels: str
    result: str
    precision: float
    recall: float
    f1: float
    n_tp: int
    n_fp: int
    n_fn: int
    n_flagged: int
    n_campaign_actors: int
    n_organic: int
    n_organic_flagged: int
    false_positive_rate: float
    n_unlabelled_flagged: int
    n_clusters: int
    purity: float
    adjusted_rand_index: float
    styles: tuple[StyleRecall, ...]
    campaigns: tuple[CampaignRecall, ...]
    hard_negatives: tuple[HardNegativeGroup, ...]
    clusters: tuple[ClusterMix, ...]

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON: nested records become dicts, tuples lists."""
        return asdict(self)


def ratio(num: int, den: int) -> float:
    """num / den, or 0.0 when there is nothing to divide by."""
    return num / den if den else 0.0


def adjusted_rand_index(labels_true: Sequence[Hashable], labels_pred: Sequence[Hashable]) -> float:
    """The adjusted Rand index of two partitions of the same items (Hubert & Arabie 1985).

    The Rand index counts the item pairs on which two partitions agree (together in both, or
    apart in both); the adjusted index subtracts what random partitions with the same cluster
    sizes would reach and scales so that identical partitions score 1.0 and independent ones
    about 0.0 (it can be negative). From the contingency table ``n_ij`` with row sums ``a_i``
    and column sums ``b_j``::

        ARI = (sum_ij C(n_ij,2) - E) / ((A + B) / 2 - E),   E = A * B / C(n,2)
        A = sum_i C(a_i,2),   B = sum_j C(b_j,2)

    evaluated in exact integer arithmetic through the equivalent pair-counting form
    ``2 (tp tn - fn fp) / ((tp + fn)(fn + tn) + (tp + fp)(fp + tn))``, so that textbook cases
    come out exact. When the partitions agree on every pair (including fewer than two items)
    the result is 1.0. Labels may be any hashable values; only equality matters.
    Cost O(n log n) time, O(n) memory: only the nonzero cells of the table are built.

    Reference: L. Hubert and P. Arabie, "Comparing partitions", Journal of Classification 2,
    193-218 (1985).

    >>> adjusted_rand_index([0, 0, 1, 1], [0, 0, 1, 2])
    0.5714285714285714
    """
    if len(labels_true) != len(labels_pred):
        raise ValueError(
            f"partitions differ in length: {len(labels_true)} vs {len(labels_pred)} items"
        )
    n = len(labels_true)
    if n < 2:
        return 1.0
    true_codes = codes(labels_true)
    pred_codes = codes(labels_pred)
    # Nonzero cells only: with thousands of singleton clusters the full table would be huge.
    cells = np.unique(true_codes * (int(pred_codes.max()) + 1) + pred_codes, return_counts=True)[1]
    together_both = pairs(cells)
    together_true = pairs(np.bincount(true_codes))
    together_pred = pairs(np.bincount(pred_codes))
    tp = together_both
    fn = together_true - together_both
    fp = together_pred - together_both
    tn = n * (n - 1) // 2 - tp - fn - fp
    if fn == 0 and fp == 0:
        return 1.0
    return 2 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))


def codes(labels: Sequence[Hashable]) -> np.ndarray:
    """Dense integer codes 0..k-1 for arbitrary hashable labels (first seen, first code)."""
    seen: dict[Hashable, int] = {}
    return np.fromiter((seen.setdefault(x, len(seen)) for x in labels), dtype=np.int64)


def pairs(counts: np.ndarray) -> int:
    """Sum of C(c, 2) over the counts: the number of item pairs sharing a cell."""
    c = counts.astype(np.int64)
    return int((c * (c - 1) // 2).sum())


def cluster_purity(labels_true: Sequence[Hashable], labels_pred: Sequence[Hashable]) -> float:
    """Purity: the share of items that belong to their cluster's majority true class.

    ``sum over clusters of max_j n_ij / n``, i.e. each cluster's majority share weighted by its
    size (Manning, Raghavan & Schütze, *Introduction to Information Retrieval*, 2008, §16.3).
    1.0 when no cluster mixes classes; 0.0 for no items. Purity does not penalise splitting
    one class into many clusters; the adjusted Rand index does.

    >>> cluster_purity(["a", "a", "b", "b"], [1, 1, 1, 2])
    0.75
    """
    if len(labels_true) != len(labels_pred):
        raise ValueError(
            f"partitions differ in length: {len(labels_true)} vs {len(labels_pred)} items"
        )
    by_cluster: dict[Hashable, Counter[Hashable]] = defaultdict(Counter)
    for t, p in zip(labels_true, labels_pred, strict=True):
        by_cluster[p][t] += 1
    majority = sum(max(c.values()) for c in by_cluster.values())
    return ratio(majority, len(labels_true))


@dataclass(frozen=True)
class Label:
    """One row of labels.csv: the truth about one actor."""

    campaign: str
    style: str
    organic_group: str
    #: Coordinated actions of a campaign member, ``None`` when the labels do not say.
    coordinated_actions: int | None = None


def read_csv(
    path: Path, required: Sequence[str], what: str, hint: str = ""
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each record of a CSV file that has the required columns.

    ``what`` names the expected file in messages ("a labels file"); ``hint`` adds a fix.

    Line numbers count the header as line 1, as the ingest reject report does.
    """
    if not path.is_file():
        raise InputError(f"{path}: file not found (expected {what}{hint})")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        missing = [c for c in required if c not in header]
        if missing:
            suggestions = {
                c: difflib.get_close_matches(c, header, n=2, cutoff=0.6) for c in missing
            }
            raise MissingColumnsError(str(path), what, missing, suggestions)
        for line, row in enumerate(reader, start=2):
            yield line, {k: (v or "") for k, v in row.items() if k is not None}


def read_labels(path: Path) -> dict[str, Label]:
    """actor_id -> Label; an empty or repeated actor_id is an InputError naming the line."""
    labels: dict[str, Label] = {}
    first_line: dict[str, int] = {}
    for line, row in read_csv(path, LABEL_COLUMNS, "a labels file"):
        actor_id = row["actor_id"]
        if not actor_id:
            raise InputError(f"{path}:{line}: empty actor_id")
        if actor_id in labels:
            raise InputError(
                f"{path}:{line}: actor_id {actor_id!r} already labelled on line "
                f"{first_line[actor_id]}; each actor needs exactly one label row"
            )
        campaign = row["campaign"].strip()
        acts = row.get("coordinated_actions", "").strip()
        if acts and not (acts.isascii() and acts.isdigit()):
            raise InputError(
                f"{path}:{line}: coordinated_actions must be a whole number, not {acts!r}"
            )
        labels[actor_id] = Label(
            campaign=campaign,
            style=row.get("style", "").strip(),
            organic_group=row.get("organic_group", "").strip(),
            coordinated_actions=int(acts) if acts else None,
        )
        first_line[actor_id] = line
    return labels


def read_accounts(result: Path) -> dict[str, str]:
    """account_id -> cluster_id from a result folder's accounts.csv."""
    if not result.is_dir():
        raise InputError(
            f"{result}: result folder not found; pass the --out folder of `coordnet detect`"
        )
    path = result / "accounts.csv"
    flagged: dict[str, str] = {}
    first_line: dict[str, int] = {}
    for line, row in read_csv(
        path,
        ACCOUNT_COLUMNS,
        "a detect accounts file",
        hint=f"; is {result} a detect --out folder?",
    ):
        account_id, cluster_id = row["account_id"], row["cluster_id"]
        if not account_id:
            raise InputError(f"{path}:{line}: empty account_id")
        if not cluster_id:
            raise InputError(f"{path}:{line}: account {account_id!r} has an empty cluster_id")
        if account_id in flagged:
            raise InputError(
                f"{path}:{line}: account_id {account_id!r} already listed on line "
                f"{first_line[account_id]}; a flagged actor belongs to one cluster"
            )
        flagged[account_id] = cluster_id
        first_line[account_id] = line
    return flagged


def evaluate(labels: str | Path, result: str | Path) -> Evaluation:
    """Score the result folder of ``coordnet detect`` against a labels file.

    Parameters
    ----------
    labels
        CSV with columns ``actor_id`` and ``campaign`` (empty for organic actors) and, when
        present, ``style`` and ``organic_group``; other columns are ignored.
    result
        A folder holding ``accounts.csv`` with ``account_id`` and ``cluster_id``.

    A flagged actor absent from the labels counts as a false positive (it is not a campaign
    member) and is counted in ``n_unlabelled_flagged``, but not among the organic actors.
    ``organic_group`` is read for organic actors only. Raises :class:`InputError` for a
    missing file or column, an empty id or an actor listed twice.
    """
    labels_path, result_path = Path(labels), Path(result)
    truth = read_labels(labels_path)
    flagged = read_accounts(result_path)

    campaign_actors = {a for a, lab in truth.items() if lab.campaign}
    organic_actors = {a for a, lab in truth.items() if not lab.campaign}
    n_tp = len(campaign_actors & flagged.keys())
    n_fp = len(flagged) - n_tp
    n_fn = len(campaign_actors) - n_tp
    precision = ratio(n_tp, len(flagged))
    recall = ratio(n_tp, len(campaign_actors))
    f1 = ratio(2 * n_tp, 2 * n_tp + n_fp + n_fn)
    n_organic_flagged = len(organic_actors & flagged.keys())

    styles, campaigns = recall_by_style_and_campaign(truth, flagged)
    clusters = cluster_mix(truth, flagged)
    hard_negatives = hard_negative_groups(truth, flagged)

    # Purity over flagged actors: organic (and unlabelled) actors share the label "organic".
    purity_true = [truth_label(truth, a) for a in flagged]
    purity = cluster_purity(purity_true, list(flagged.values()))

    # ARI over flagged + campaign actors. Tagged tuples keep the label spaces apart so a
    # cluster id can never collide with an actor id or a campaign name.
    universe = sorted(flagged.keys() | campaign_actors)
    ari_true: list[tuple[str, str]] = []
    ari_pred: list[tuple[str, str]] = []
    for actor_id in universe:
        lab = truth.get(actor_id)
        ari_true.append(("campaign", lab.campaign) if lab and lab.campaign else (ORGANIC, actor_id))
        cid = flagged.get(actor_id)
        ari_pred.append(("cluster", cid) if cid is not None else ("unflagged", actor_id))
    ari = adjusted_rand_index(ari_true, ari_pred)

    return Evaluation(
        labels=str(labels_path),
        result=str(result_path),
        precision=precision,
        recall=recall,
        f1=f1,
        n_tp=n_tp,
        n_fp=n_fp,
        n_fn=n_fn,
        n_flagged=len(flagged),
        n_campaign_actors=len(campaign_actors),
        n_organic=len(organic_actors),
        n_organic_flagged=n_organic_flagged,
        false_positive_rate=ratio(n_organic_flagged, len(organic_actors)),
        n_unlabelled_flagged=len(flagged.keys() - truth.keys()),
        n_clusters=len(set(flagged.values())),
        purity=purity,
        adjusted_rand_index=ari,
        styles=styles,
        campaigns=campaigns,
        hard_negatives=hard_negatives,
        clusters=clusters,
    )


def truth_label(truth: dict[str, Label], actor_id: str) -> str:
    """The campaign of an actor, or "organic" for organic and unlabelled actors."""
    lab = truth.get(actor_id)
    return lab.campaign if lab and lab.campaign else ORGANIC


def recall_by_style_and_campaign(
    truth: dict[str, Label], flagged: dict[str, str]
) -> tuple[tuple[StyleRecall, ...], tuple[CampaignRecall, ...]]:
    """Recall per style (each actor counts under its own style) and per campaign."""
    style_counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    acted_counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    known: dict[str, bool] = defaultdict(lambda: True)
    campaign_counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    campaign_styles: dict[str, set[str]] = defaultdict(set)
    for actor_id, lab in truth.items():
        if not lab.campaign:
            continue
        found = actor_id in flagged
        style = lab.style or NO_STYLE
        for counts in (style_counts[style], campaign_counts[lab.campaign]):
            counts[0] += 1
            counts[1] += found
        known[style] &= lab.coordinated_actions is not None
        if lab.coordinated_actions:
            acted_counts[style][0] += 1
            acted_counts[style][1] += found
        campaign_styles[lab.campaign].add(style)
    styles = tuple(
        StyleRecall(style=s, n_members=m, n_found=f, recall=ratio(f, m))
        if not known[s] else
        StyleRecall(style=s, n_members=m, n_found=f, recall=ratio(f, m),
                    n_acted=acted_counts[s][0], n_acted_found=acted_counts[s][1],
                    recall_acted=ratio(acted_counts[s][1], acted_counts[s][0]))
        for s, (m, f) in sorted(style_counts.items())
    )  # fmt: skip
    campaigns = tuple(
        CampaignRecall(
            campaign=c,
            styles=tuple(sorted(campaign_styles[c])),
            n_members=m,
            n_found=f,
            recall=ratio(f, m),
        )
        for c, (m, f) in sorted(campaign_counts.items())
    )
    return styles, campaigns


def cluster_mix(truth: dict[str, Label], flagged: dict[str, str]) -> tuple[ClusterMix, ...]:
    """Each reported cluster's majority label and purity, largest clusters first.

    Ties between majority labels go to the alphabetically first label, for determinism.
    """
    members: dict[str, Counter[str]] = defaultdict(Counter)
    for actor_id, cluster_id in flagged.items():
        members[cluster_id][truth_label(truth, actor_id)] += 1
    mixes = []
    for cluster_id, counts in members.items():
        majority, n_majority = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        size = sum(counts.values())
        mixes.append(ClusterMix(cluster_id, size, majority, n_majority, n_majority / size))
    return tuple(sorted(mixes, key=lambda m: (-m.size, m.cluster_id)))


def hard_negative_groups(
    truth: dict[str, Label], flagged: dict[str, str]
) -> tuple[HardNegativeGroup, ...]:
    """False-positive rate per organic_group and the clusters each group dominates."""
    group_of = {a: lab.organic_group for a, lab in truth.items() if not lab.campaign}
    n_members = Counter(g for g in group_of.values() if g)
    n_flagged = Counter(group_of[a] for a in flagged if group_of.get(a))
    cluster_sizes = Counter(flagged.values())
    by_cluster: dict[str, Counter[str]] = defaultdict(Counter)
    for actor_id, cluster_id in flagged.items():
        if group_of.get(actor_id):
            by_cluster[cluster_id][group_of[actor_id]] += 1
    n_clusters: Counter[str] = Counter()
    for cluster_id, counts in by_cluster.items():
        for group, k in counts.items():
            if k >= MIN_GROUP_NETWORK and 2 * k > cluster_sizes[cluster_id]:
                n_clusters[group] += 1
    return tuple(
        HardNegativeGroup(
            organic_group=g,
            n_members=n_members[g],
            n_flagged=n_flagged[g],
            false_positive_rate=ratio(n_flagged[g], n_members[g]),
            n_clusters=n_clusters[g],
        )
        for g in sorted(n_members)
    )
