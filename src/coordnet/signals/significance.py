"""How surprising is an edge: a null model, a p-value and a false-discovery-rate q-value.

**Null model (actor-label permutation).** Keep every action where and when it happened, and
each actor's number of actions, but hand the actions to actors at random. An action of actor
``a`` whose window holds ``c`` other actors' actions is then matched by actor ``b`` with
probability at most ``d_b * c / (M - d_a)`` (``d`` = an actor's rows, ``M`` = all rows of the
platform), so at most ``d_b * C_a / (M - d_a)`` of ``a``'s actions are expected to be matched
by ``b``, ``C_a`` being the sum of ``c`` over ``a``'s actions (its co-action "crowd"). Actors who
only ever act inside crowds (viral posts, trending tags, busy minutes) have a large ``C`` and
so a large expectation: popularity is discounted by construction, not by a threshold.

**Test.** Each direction is tested: ``a``'s matched actions (``weight_source``) against its
expectation, and ``b``'s (``weight_target``) against its own; the edge keeps the larger
p-value, ``P(Poisson(expected) >= observed)``, and that direction's ``expected`` and ``z =
(observed - expected) / sqrt(expected)``. The union bound over-estimates the expectation,
and taking the larger p-value of two tests of one hypothesis is conservative too.

**Multiple testing.** Every pair of actors active in the signal is a test, co-acting or not
(``m = sum over platforms of A (A - 1) / 2``); pairs that never co-act have ``p = 1``. The
Benjamini-Hochberg step-up over those ``m`` tests gives ``q_value``: keeping edges with
``q_value <= 0.05`` bounds the expected share of chance edges among those kept at 5 %.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import pdtrc

__all__ = [
    "bh_qvalues", "bh_qvalues_sql", "pair_pvalues", "pair_significance", "poisson_pvalues",
    "z_scores",
]  # fmt: skip


def poisson_pvalues(observed: ArrayLike, expected: ArrayLike) -> NDArray[np.float64]:
    """Upper tail ``P(Poisson(expected) >= observed)`` for each pair (1.0 when observed <= 0)."""
    k = np.asarray(observed, dtype=np.float64)
    lam = np.maximum(np.asarray(expected, dtype=np.float64), 0.0)
    p = np.ones(np.broadcast(k, lam).shape)
    k, lam = np.broadcast_arrays(k, lam)
    # P(X >= 1) = 1 - exp(-lam) in closed form: most edges of a big run co-act once, and the
    # series of the general case costs far more.
    one = k == 1
    p[one] = -np.expm1(-lam[one])
    # pdtrc(k - 1, lam) = P(X > k - 1) = P(X >= k).
    many = k > 1
    p[many] = pdtrc(k[many] - 1, lam[many])
    return np.clip(p, 0.0, 1.0)


def z_scores(observed: ArrayLike, expected: ArrayLike) -> NDArray[np.float64]:
    """``(observed - expected) / sqrt(expected)``; ``inf`` where nothing was expected."""
    k = np.asarray(observed, dtype=np.float64)
    lam = np.asarray(expected, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (k - lam) / np.sqrt(lam)
    return np.where(lam > 0, z, np.inf)


def bh_qvalues(p: ArrayLike, m: int) -> NDArray[np.float64]:
    """Benjamini-Hochberg q-values of ``p`` among ``m >= len(p)`` tests (the rest have p = 1)."""
    p = np.asarray(p, dtype=np.float64)
    n = len(p)
    if n == 0:
        return p
    m = max(int(m), n)
    order = np.argsort(p, kind="stable")
    ranked = p[order] * m / np.arange(1, n + 1)
    # Step-up: q_(i) = min over j >= i of p_(j) m / j.
    q_sorted = np.minimum.accumulate(ranked[::-1])[::-1]
    q = np.empty(n)
    q[order] = np.minimum(q_sorted, 1.0)
    return q


def pair_pvalues(
    observed_source: ArrayLike,
    expected_source: ArrayLike,
    observed_target: ArrayLike,
    expected_target: ArrayLike,
) -> dict[str, NDArray[np.float64]]:
    """Per edge: the weaker direction's ``expected``, ``z`` and ``p_value`` (no q-value, so
    that edges can be tested in batches)."""
    p_s = poisson_pvalues(observed_source, expected_source)
    p_t = poisson_pvalues(observed_target, expected_target)
    use_s = p_s >= p_t
    expected = np.where(use_s, expected_source, expected_target).astype(np.float64)
    observed = np.where(use_s, observed_source, observed_target)
    return {
        "expected": expected,
        "z": z_scores(observed, expected),
        "p_value": np.maximum(p_s, p_t),
    }


def pair_significance(
    observed_source: ArrayLike,
    expected_source: ArrayLike,
    observed_target: ArrayLike,
    expected_target: ArrayLike,
    n_tests: int,
) -> dict[str, NDArray[np.float64]]:
    """Per edge: the weaker direction's ``expected``, ``z`` and ``p_value``, and ``q_value``."""
    out = pair_pvalues(observed_source, expected_source, observed_target, expected_target)
    out["q_value"] = bh_qvalues(out["p_value"], n_tests)
    return out


def bh_qvalues_sql(table: str, m: int) -> str:
    """A query giving the ``q_value`` of each distinct ``p_value`` of ``table``: the same
    step-up as :func:`bh_qvalues`, in SQL, so that it runs over any number of edges within
    the engine's memory limit. Tied p-values share a q-value (each tie group's rank is its
    last), so the step-up runs over distinct values with their counts, two columns wide: at
    10 M actions the step-up over every edge row (ids and figures carried through two window
    sorts) ran out of disk (about 50 GB free) with its spill files."""
    return f"""SELECT p_value,
                      least(min(p_value * {int(m)} / cn_rank) OVER (
                          ORDER BY p_value DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
                          1.0) AS q_value
               FROM (SELECT p_value,
                            CAST(sum(n) OVER (ORDER BY p_value ROWS UNBOUNDED PRECEDING)
                                 AS BIGINT) AS cn_rank
                     FROM (SELECT p_value, count(*) AS n FROM {table} GROUP BY p_value))"""
