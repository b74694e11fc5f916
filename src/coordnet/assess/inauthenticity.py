"""Inauthenticity indicators: how fake the accounts of a cluster look, next to the population.

Coordination says that accounts act together; it does not say that they are fake. A takedown
report also needs the traces of *inauthentic* accounts, stated so that an investigator can
paste them: "27 of 30 accounts were created within 48 hours, 2019-07-27 06:00 to 2019-07-28
18:00 UTC; 1 % of all accounts were". :func:`inauthenticity` measures five families of such
traces for every member and every cluster, always against the store's own population (every
actor in the store), so that a trait common on the platform is never called unusual:

- **creation**: the share of the cluster created in its densest 48 hours, and the share of
  accounts under 30 days old at their first action in the data. Bulk registration shortly
  before use is the most cited trace of bought or scripted accounts (Thomas et al. 2013,
  "Trafficking fraudulent accounts: the role of the underground market in Twitter spam and
  abuse", USENIX Security; the platforms' information-operations disclosures).
- **handles**: a name followed by a long number (``anna48213957``, the handle Twitter
  suggests at sign-up), random-looking strings (letters and digits interleaved, or almost no
  vowels), and a shared prefix with a running counter (``news_0001``, ``news_0002``...).
  Generated names are a classic bot feature (Beskow & Carley 2019, "Its all in a name:
  detecting and labeling bots by their name", Computational and Mathematical Organization
  Theory 25; Yang et al. 2020, "Scalable and generalizable social bot detection through data
  selection", AAAI).
- **profile**: no description, no profile image, no location; the same description or the
  same profile image (``profile_image_hash``) used by several members.
- **followers**: very few followers or following far more accounts than follow back, and
  near-identical follower counts across members. Cresci et al. 2015 ("Fame for sale:
  efficient detection of fake Twitter followers", Decision Support Systems 80) evaluate the
  rules of thumb of fake-follower checkers; "at least 30 followers" and a balanced
  following/followers ratio are among the human traits they list.
- **client**: the share of members posting mainly from the cluster's top client (an
  automation tool, or one app for everyone) against the share of all accounts that do.

**Per account**, four yes/no indicators apply: new account, patterned handle, default
profile (no description and no profile image, as far as the data has them) and follower
shape. The account's ``inauthenticity`` is the mean over the four of ``indicator x (1 -
population rate)``: a trait half the store shows adds little, a rare one almost its quarter.

**Per cluster**, every indicator is a test of the members against random sets of the same
size drawn from the population, and gives a tail probability (``*_p_value``):

- a *share* (new accounts, patterned handles, blank fields, follower shape) against the
  population rate: binomial upper tail;
- a *largest group sharing one value* (accounts created in one 48-hour window, follower
  counts within a factor of 1.5, one description, one image hash, one handle prefix with a
  running counter, one main client): the chance that *any* value reaches that count in a
  random set, bounded by the sum of the binomial tails over every value of the population
  (Bonferroni; for overlapping windows this is the classic bound on the scan statistic,
  Glaz, Naus & Wallenstein 2001, "Scan Statistics", Springer). The bound is conservative,
  never lenient, and needs no assumption on the shape of the distribution. Follower bands
  count only at or below the population's median: large accounts alike (newsrooms) are no
  sign of a batch.

An indicator counts when its tail probability is below :data:`ALPHA`. Its *strength* is the
excess over the baseline as a share of the possible excess, ``(observed - expected) / (1 -
expected)``, in [0, 1]; ``expected`` is the population rate (at least ``1 / n`` for a
largest group), or for the densest 48 hours the mean densest share of 200 random sets of the
same size (``burst_expected_share``). A family's score is its strongest counting indicator;
the cluster's ``inauthenticity`` is the mean of the five family scores, so 0.6 reads "three
families fully present, or more in part". The score is relative to the store: where the
whole population is inauthentic (one troll archive alone) little stands out.

**Missing data is never evidence.** A field is available for an account when it has a value
or when the file it came from filled that field for other accounts: a blank description in a
file with descriptions counts as blank, a file without the column as "not available".
Indicators without data are skipped with a reason naming the field the data lacked; cluster
indicators need :data:`MIN_MEMBERS` members with the field.

Cost: one pass over ``actions`` (first action and main client per actor: a group-by on
``actor_id, client``) and one over ``actors`` (regular expressions on handles), kept as a
temporary table of one row per actor; the rest runs on the members. The expected densest
share draws at most :data:`MAX_DRAWN` creation hours per distinct cluster size in numpy.
Memory grows with the number of actors, not of actions.

False positives: genuine communities of new users (a platform migration, a sign-up drive),
fans who kept the suggested handle, organisations that post through one scheduling tool
(newsrooms on ``SocialFlow``), automated news feeds sharing one description. Misses: aged or
bought-and-repurposed accounts with full profiles, handles renamed after registration,
archives that hash small accounts' handles, stores that lack the fields.

The work is split by stage: the thresholds (:mod:`._inauthenticity_thresholds`, importable
from here), the queries and their temporary tables (:mod:`._inauthenticity_sql`), the
baseline and the tail probabilities (:mod:`._inauthenticity_statistics`), the account and
cluster verdicts with their reasons (:mod:`._inauthenticity_actors`,
:mod:`._inauthenticity_clusters`). No result depends on the order of the input rows or of
the rows DuckDB returns: every choice among tied rows is ordered by value.

Example::

    >>> import pyarrow as pa, coordnet
    >>> with coordnet.open_store() as store:
    ...     members = pa.table({"cluster_id": pa.array([], pa.int64()),
    ...                         "actor_id": pa.array([], pa.string())})
    ...     inauthenticity(store, members).clusters.num_rows
    0
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from coordnet.assess._inauthenticity_actors import actor_table
from coordnet.assess._inauthenticity_clusters import cluster_table
from coordnet.assess._inauthenticity_sql import Session
from coordnet.assess._inauthenticity_thresholds import (
    ALPHA,
    COUNTER_SPREAD,
    FAMILIES,
    FEW_FOLLOWERS,
    FOLLOW_RATIO,
    LONG_DIGITS,
    MAX_DRAWN,
    MIN_COUNTER_GROUP,
    MIN_FOLLOWING,
    MIN_MEMBERS,
    N_DRAWS,
    NEW_ACCOUNT_DAYS,
    SIMILAR_FOLLOWERS,
    WINDOW_HOURS,
)
from coordnet.assess.members import validate_members
from coordnet.store import Store

# the thresholds stay importable from here, where the docstring explains them
__all__ = [
    "ALPHA",
    "COUNTER_SPREAD",
    "FAMILIES",
    "FEW_FOLLOWERS",
    "FOLLOW_RATIO",
    "LONG_DIGITS",
    "MAX_DRAWN",
    "MIN_COUNTER_GROUP",
    "MIN_FOLLOWING",
    "MIN_MEMBERS",
    "NEW_ACCOUNT_DAYS",
    "N_DRAWS",
    "SIMILAR_FOLLOWERS",
    "WINDOW_HOURS",
    "Inauthenticity",
    "inauthenticity",
]


@dataclass(frozen=True)
class Inauthenticity:
    """The inauthenticity indicators of every member (``actors``) and cluster (``clusters``).

    Both tables carry the score ``inauthenticity`` (0-1) and ``reasons`` (sentences to quote).
    ``actors`` has one row per member with the account's indicators; ``clusters`` one row
    per cluster with a score per family (``creation_score``...), the observed shares, the
    population's figures and the tail probabilities behind them (see the module docstring).
    """

    actors: pa.Table
    clusters: pa.Table


def inauthenticity(store: Store, members: pa.Table, *, seed: int = 0) -> Inauthenticity:
    """Measure how inauthentic each cluster's accounts look, against the store's population.

    Parameters
    ----------
    store:
        The canonical store; all of its actors are the baseline.
    members:
        One row per cluster member: ``cluster_id`` (integers) and ``actor_id`` (strings). An
        actor may be in one cluster only. Actors absent from the store are kept, with every
        indicator "not available".
    seed:
        Seed of the random sets behind ``burst_expected_share`` (only that figure, and the
        creation score through it, depends on it).

    Returns an :class:`Inauthenticity`; its tables are sorted by ``cluster_id`` (and
    ``actor_id``). Raises :class:`~coordnet.errors.InputError` when ``members`` lacks a
    column, holds nulls or puts an actor in two clusters.

    Cost: one pass over ``actions`` and one over ``actors`` (see the module docstring).
    """
    table = validate_members(members)
    with Session(store) as session:
        session.load_members(table)
        pop = session.population()
        member_rows = session.member_rows()
        cluster_rows = session.cluster_rows(seed)
    return Inauthenticity(
        actors=actor_table(member_rows, pop), clusters=cluster_table(cluster_rows, pop)
    )
