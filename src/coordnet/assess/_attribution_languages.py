"""Attribution hints from the languages of the actions.

For each cluster: the main language most over-represented among the members against the
store (against random sets of as many store accounts with coded actions); a language the
store mostly writes places no one. For each member: its main language when that is rare in
the store. Codes meaning "undetermined" (``und``, ``zxx``) are not languages.
"""

from __future__ import annotations

from collections import Counter

from coordnet.assess._attribution_run import (
    ACTOR_WEIGHTS,
    MIN_ITEMS,
    RARE,
    AttributionRun,
    category_excess,
    main_categories,
    sql_literal,
    top_counts,
)
from coordnet.assess.random_sets import pct

__all__ = ["assess_languages"]

_NOT_LANGUAGES = ("und", "zxx", "")


def assess_languages(run: AttributionRun) -> None:
    """Main language hints of each cluster and member."""
    not_lang = ", ".join(sql_literal(x) for x in _NOT_LANGUAGES)
    run.table(
        "_attr_lang",
        "SELECT actor_id, lower(lang) AS cat, count(*) AS n FROM actions "
        f"WHERE lang IS NOT NULL AND lower(lang) NOT IN ({not_lang}) GROUP BY ALL",
    )
    if not run.e.scalar("SELECT count(*) FROM _attr_lang"):
        for reasons in [*run.c_reasons.values(), *run.a_reasons]:
            reasons.append("languages: not available: no action has a language code")
        return
    sets = run.random_sets(
        "languages",
        "store accounts with coded actions",
        "SELECT DISTINCT actor_id FROM _attr_lang",
    )
    cats = main_categories(run, "_attr_lang", sets)
    for a, i in run.index.items():
        if not cats.members[a]:
            run.a_reasons[i].append("language: not available: no language codes")
            continue
        top = cats.main[a]
        share = cats.members[a][top] / sum(cats.members[a].values())
        run.a[i].update(top_language=top, top_language_share=round(share, 4))
        rate = cats.store.get(top, 0.0)
        run.a_reasons[i].append(
            f"language: {top} {pct(share)} of its actions (store: {pct(rate)} of accounts "
            f"write mostly {top})"
        )
        n_coded = sum(cats.members[a].values())
        if rate < RARE and share >= 0.5 and n_coded >= MIN_ITEMS:
            run.a_hints[i].append(("language", ACTOR_WEIGHTS["language"]))
    for c, ix in run.clusters.items():
        counts = sum((cats.members[run.actor_ids[i]] for i in ix), Counter[str]())
        found = category_excess(run, c, cats, "language")
        if not found:
            run.c_reasons[c].append("languages: not available: no codes on the actions")
            continue
        top, share, store, p, text = found
        run.c[c].update(
            language=top,
            language_share=round(share, 4),
            store_language_share=round(store, 4),
            language_p=p,
        )
        total = sum(counts.values())
        listing = ", ".join(f"{k} {pct(v / total)}" for k, v in top_counts(counts, 3))
        run.c_reasons[c].append(f"languages: {listing} of the actions; {text}")
