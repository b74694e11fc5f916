"""near-duplicate text: two actors post nearly the same text within ``window`` seconds.

Copy-paste operators edit their script lightly so that exact matching misses them: a swapped
word, an emoji or a hashtag added or dropped, a change of case (Keller et al. 2020,
"Political astroturfing on Twitter"; coordination-network-toolkit's ``co_similar_tweet``
compares every pair of tweets in the window for this). Here texts whose word sets have a
Jaccard similarity of at least ``threshold`` are found without comparing all pairs: MinHash
signatures (Broder 1997, "On the resemblance and containment of documents") and
locality-sensitive hashing by banding (Leskovec, Rajaraman and Ullman, "Mining of Massive
Datasets", ch. 3), each candidate pair then verified exactly.

Measured: as co-text, with a near-duplicate *family* as the object. Each original post,
reply or quote (reposts repeat their original) is normalised: lower-cased; a leading
``RT @user:``, URLs, @mentions and HTML entities removed; split into words (runs of
letters, marks and digits, so punctuation, ``#`` and emoji drop out). Chinese and Japanese
characters count as one word each, as those scripts put no spaces between words (Thai and
other unspaced scripts are not split). A text is its *set* of distinct words; texts with
fewer than ``min_words`` of them are skipped: on a handful of words one edit moves the
similarity by 0.2 or more, and short phrases ("thank you so much") recur by chance. Two
texts are similar when ``|A ∩ B| / |A ∪ B| >= threshold``.

Families are stars, not connected components. Similarity is not transitive, and on templated
text ("thoughts on X? I think it's Y") components chain into families of thousands (on a
simulated 20,000-account platform 71 % of the evidence pairs they produced were texts
below the threshold). Instead the texts with most similar texts become centres, greedily
(ties by the MD5 of the words; no centre is similar to another), and every other text joins
its best-ranked similar centre. So each text in a family is similar to the centre, any two
members share at least ``2 * threshold - 1`` (Jaccard distance is a metric: 0.4 at 0.7),
and a copy-paste family's centre is typically the script itself. The cost: two similar
texts that joined different centres are not paired (on the simulated copy-paste campaign
stars keep 97 % of the copier pairs that components find, while evidence pairs below the
threshold fall from 71 % to 34 %). The object, shown in the evidence, is the id of the first
post (by time, then id) of the centre's text; identical texts are always in one family, so
the signal includes co-text on texts of ``min_words`` words or more.

Why word sets and 0.7: over pairs of copies in the simulator's copy-paste campaigns (one to
three light edits of a script of about 12 words) 93 % have a word-set Jaccard of at least
0.7, against 68 % for word 2-shingles and 74-82 % for character 3- to 5-shingles; one
swapped word in ten gives 9/11 = 0.82, a swap plus an added hashtag 9/12 = 0.75. Word sets
are also the peer's measure (coordination-network-toolkit's command-line default is 0.8).

Candidates: ``n_hashes`` MinHash values per text from the family
``(a * h(word) + b) mod (2^31 - 1)``, ``h`` the first 32 bits of the word's MD5 and ``a``,
``b`` fixed by MD5 too, so that signatures are the same in every run and on every engine
(DuckDB's ``hash()`` is not portable). :func:`lsh_bands` splits them into ``b`` bands of
``r`` rows: the most selective split under which a pair at exactly ``threshold`` becomes a
candidate with probability ``1 - (1 - J^r)^b >= 0.95`` (0.7 and 64 hashes: 16 bands of 4
rows, 0.99 at J = 0.7, 0.12 at 0.3). Texts whose band values agree share a bucket. Buckets
of more than 17 texts come from one common word that happens to hash low in all rows of a
band ("note", "on" and "topic" in every "Note <id> on topic <n>"), or from large families:
they are split by the next band's values, then by the band after's (as if the band had
twice or three times the rows), and where still too big each text is paired with the next
16 by id. So cost stays linear, and real near-duplicates, which agree on many bands, stay
together (on the IRA tweets 98.6 % of the similar pairs an unsplit, uncapped run finds; on
a million synthetic templated actions 5.0 million candidates instead of 31 million with
the cap alone). Candidates are verified on their exact word sets (of 32-bit word hashes),
so the threshold means what it says; LSH can only miss pairs.

Cost: a regular-expression pass over the texts, ``n_hashes`` multiply-modulo operations per
(distinct text, word), a sort of the band buckets, a join per candidate pair, and a few
rounds of SQL for the stars: about linear in the text volume. The whole fit on the IRA
tweets (300,000 texts) takes about 20 s of CPU. All in SQL that sqlglot translates to Spark.

False positives: meme and app templates ("me: I'll sleep early. also me: ..."), headlines
posted by many news bots, quotes, lyrics and prayers. As with co-text, the time window,
``min_shared`` and the popularity weighting separate campaigns from coincidence.
"""

from __future__ import annotations

import hashlib
from typing import ClassVar

from coordnet.engine.protocol import SqlEngine
from coordnet.errors import InputError
from coordnet.signals._base import Signal

__all__ = ["NearDuplicateText", "lsh_bands"]

#: The Mersenne prime 2^31 - 1: MinHash values and word hashes lie below it, so that
#: ``a * h + b`` stays below 2^62 and fits a signed 64-bit integer on every engine.
_PRIME = 2_147_483_647
#: The probability that a pair at exactly the threshold becomes a candidate.
_RECALL_AT_THRESHOLD = 0.95
#: A band bucket of more texts than this plus one is split, or each text meets only the next.
_BUCKET_NEIGHBOURS = 16
#: More MinHash values than this only make the SQL longer, not the result better.
_MAX_HASHES = 512

_CJK = r"\p{Han}\p{Hiragana}\p{Katakana}\x{30FC}"
_NOT_WORD = r"\p{P}\p{S}\p{C}\p{Z}\s" + _CJK
#: A word: one Chinese/Japanese character, or a run of letters, marks and digits that starts
#: with a letter or digit. (RE2 syntax; Java, hence Spark, spells the scripts \p{IsHan}...)
WORD_RE = rf"[{_CJK}]|[^\p{{M}}{_NOT_WORD}][^{_NOT_WORD}]*"
#: Removed before splitting into words: links, @mentions and HTML entities such as ``&amp;``.
STRIP_RE = r"https?://\S+|www\.\S+|@\w+|&#?\w+;"

_TABLES = (
    "stage", "doc", "action", "word", "vocab", "sh", "sig", "band", "bucket", "cand", "edge",
    "nb", "open", "new", "grown", "next", "center", "label", "first",
)  # fmt: skip

#: Star clustering, step 1: texts with a similar neighbour, ranked by their number of similar
#: neighbours (most first; ties by id), and each (text, neighbour) pair with both ranks.
_RANK_SQL = (
    """CREATE OR REPLACE TEMP TABLE cn_ndt_open AS
       SELECT doc, row_number() OVER (ORDER BY count(*) DESC, doc) AS rk
       FROM (SELECT a AS doc FROM cn_ndt_edge UNION ALL SELECT b FROM cn_ndt_edge)
       GROUP BY doc""",
    """CREATE OR REPLACE TEMP TABLE cn_ndt_nb AS
       SELECT e.doc, r.rk, e.nb, q.rk AS nb_rk
       FROM (SELECT a AS doc, b AS nb FROM cn_ndt_edge UNION ALL SELECT b, a FROM cn_ndt_edge) e
       JOIN cn_ndt_open r ON r.doc = e.doc JOIN cn_ndt_open q ON q.doc = e.nb""",
    "CREATE OR REPLACE TEMP TABLE cn_ndt_center AS SELECT doc, rk FROM cn_ndt_open WHERE false",
)
#: Step 2, one round: open texts ranked before all their open neighbours become centres; they
#: and their neighbours leave. Repeated until none is open, this gives the greedy choice
#: (best-ranked text first), a maximal set of centres no two of which are similar.
_ROUND_SQL = (
    """CREATE OR REPLACE TEMP TABLE cn_ndt_new AS
       WITH best AS (SELECT n.doc, min(n.nb_rk) AS nb_rk
                     FROM cn_ndt_nb n JOIN cn_ndt_open o ON o.doc = n.nb GROUP BY n.doc)
       SELECT o.doc, o.rk FROM cn_ndt_open o LEFT JOIN best b ON b.doc = o.doc
       WHERE b.nb_rk IS NULL OR o.rk < b.nb_rk""",
    """CREATE OR REPLACE TEMP TABLE cn_ndt_grown AS
       SELECT doc, rk FROM cn_ndt_center UNION ALL SELECT doc, rk FROM cn_ndt_new""",
    "CREATE OR REPLACE TEMP TABLE cn_ndt_center AS SELECT * FROM cn_ndt_grown",
    """CREATE OR REPLACE TEMP TABLE cn_ndt_next AS
       SELECT o.doc, o.rk FROM cn_ndt_open o
       WHERE o.doc NOT IN (SELECT doc FROM cn_ndt_new)
         AND o.doc NOT IN (SELECT n.nb FROM cn_ndt_nb n JOIN cn_ndt_new c ON c.doc = n.doc)""",
    "CREATE OR REPLACE TEMP TABLE cn_ndt_open AS SELECT * FROM cn_ndt_next",
)
#: Step 3: every other text joins its best-ranked similar centre; a family is named by the
#: first post (time, then id) of its centre's text, and so is a text without similar ones.
_OBJECT_SQL = (
    """CREATE OR REPLACE TEMP TABLE cn_ndt_label AS
       SELECT doc, doc AS label FROM cn_ndt_center
       UNION ALL
       SELECT n.doc, min_by(n.nb, n.nb_rk) FROM cn_ndt_nb n
       JOIN cn_ndt_center c ON c.doc = n.nb LEFT JOIN cn_ndt_center s ON s.doc = n.doc
       WHERE s.doc IS NULL GROUP BY n.doc""",
    """CREATE OR REPLACE TEMP TABLE cn_ndt_first AS
       SELECT doc, action_id FROM (
           SELECT doc, action_id,
                  row_number() OVER (PARTITION BY doc ORDER BY ms, platform, action_id) AS k
           FROM cn_ndt_action) WHERE k = 1""",
    """CREATE OR REPLACE TEMP TABLE cn_ndt_object AS
       SELECT o.platform, o.actor_id, o.action_id, f.action_id AS object, o.ms
       FROM cn_ndt_action o LEFT JOIN cn_ndt_label l ON l.doc = o.doc
       JOIN cn_ndt_first f ON f.doc = coalesce(l.label, o.doc)""",
)


def lsh_bands(threshold: float, n_hashes: int) -> tuple[int, int]:
    """The LSH split ``(bands, rows)`` of ``n_hashes`` MinHash values for ``threshold``.

    The largest ``rows`` (fewest chance candidates) for which a pair with Jaccard similarity
    exactly ``threshold`` shares a bucket in at least one of ``bands = n_hashes // rows``
    bands with probability >= 0.95.

    >>> lsh_bands(0.7, 64)
    (16, 4)
    >>> lsh_bands(0.9, 128)
    (10, 12)
    """
    best = (n_hashes, 1)
    for rows in range(1, n_hashes + 1):
        bands = n_hashes // rows
        if 1.0 - (1.0 - threshold**rows) ** bands >= _RECALL_AT_THRESHOLD:
            best = (bands, rows)
    return best


def _hash_family(n: int) -> list[tuple[int, int, int, int]]:
    """``n`` fixed coefficient sets ``(a, b, c, d)``: MinHash ``i`` is ``(a * h + b) mod p``;
    ``c`` and ``d`` mix a band's values into two bucket keys. From MD5, not from a generator,
    so that they are the same everywhere."""
    family = []
    for i in range(n):
        digest = hashlib.md5(f"coordnet near_duplicate_text {i}".encode()).digest()
        a, b, c, d = (int.from_bytes(digest[k : k + 4], "big") for k in (0, 4, 8, 12))
        family.append(
            (a % (_PRIME - 1) + 1, b % _PRIME, c % (_PRIME - 1) + 1, d % (_PRIME - 1) + 1)
        )
    return family


class NearDuplicateText(Signal):
    """Actors posting nearly the same text (word-set Jaccard >= ``threshold``) within
    ``window`` seconds of each other.

    Parameters besides ``window`` and ``min_shared``: ``threshold`` (0 < t <= 1, default 0.7),
    ``min_words`` (distinct words a text needs to be compared, default 5) and ``n_hashes``
    (MinHash values per text, default 64: more find a few more pairs near the threshold and
    cost proportionally more).

    >>> NearDuplicateText(window=300, threshold=0.8).threshold
    0.8
    """

    name: ClassVar[str] = "near_duplicate_text"
    description: ClassVar[str] = (
        "nearly the same text (MinHash, Jaccard of words) within the window"
    )
    #: Copy-paste operators post one script over minutes to tens of minutes.
    default_window: ClassVar[float] = 300.0
    auto_window: ClassVar[bool] = True

    def __init__(
        self,
        *,
        window: float | str = "auto",
        min_shared: int = 1,
        max_evidence: int = 20,
        threshold: float = 0.7,
        min_words: int = 5,
        n_hashes: int = 64,
    ) -> None:
        super().__init__(window=window, min_shared=min_shared, max_evidence=max_evidence)
        self.threshold = threshold
        self.min_words = min_words
        self.n_hashes = n_hashes

    def _validate(self) -> None:
        super()._validate()
        t = self.threshold
        if isinstance(t, bool) or not isinstance(t, int | float) or not 0 < t <= 1:
            raise InputError(
                f"{self.name}: threshold must be a number in (0, 1], such as 0.7, not {t!r}"
            )
        m = self.min_words
        if isinstance(m, bool) or not isinstance(m, int) or m < 1:
            raise InputError(f"{self.name}: min_words must be an integer >= 1, not {m!r}")
        n = self.n_hashes
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= _MAX_HASHES:
            raise InputError(
                f"{self.name}: n_hashes must be an integer between 1 and {_MAX_HASHES}, not {n!r}"
            )

    def _prepare(self, engine: SqlEngine) -> None:
        """Group the normalised texts into near-duplicate families (TEMP table cn_ndt_object)."""
        for sql in (*self._pair_statements(), *_RANK_SQL):
            engine.execute(sql)
        while engine.rows("SELECT count(*) FROM cn_ndt_open")[0][0]:
            for sql in _ROUND_SQL:
                engine.execute(sql)
        for sql in _OBJECT_SQL:
            engine.execute(sql)
        for table in _TABLES:
            engine.execute(f"DROP TABLE IF EXISTS cn_ndt_{table}")

    def _finish(self, engine: SqlEngine) -> None:
        engine.execute("DROP TABLE IF EXISTS cn_ndt_object")

    def _pair_statements(self) -> list[str]:
        """Statements from ``actions`` to the verified similar pairs ``cn_ndt_edge(a, b)``."""
        bands, rows = lsh_bands(float(self.threshold), self.n_hashes)
        family = _hash_family(bands * rows)
        p = _PRIME
        text = "regexp_replace(lower(text), '^rt @\\w+:?', '')"
        minhash = ", ".join(
            f"min(({a} * h + {b}) % {p}) AS m{i}" for i, (a, b, _, _) in enumerate(family)
        )

        def mix(first_band: int, n_bands: int, coeff: int) -> str:
            """A bucket key mixing the values of ``n_bands`` bands from ``first_band`` on."""
            ids = [(first_band + k) % bands * rows + i for k in range(n_bands) for i in range(rows)]
            return " + ".join(f"(m{i} * {family[i][coeff]}) % {p}" for i in ids)

        band_rows = " UNION ALL ".join(
            f"SELECT doc, {j} AS band, {mix(j, 1, 2)} AS k1, {mix(j, 1, 3)} AS k2, "
            f"{mix(j, 2, 2)} AS l1, {mix(j, 2, 3)} AS l2, "
            f"{mix(j, 3, 2)} AS p1, {mix(j, 3, 3)} AS p2 FROM cn_ndt_sig"
            for j in range(bands)
        )
        c = _BUCKET_NEIGHBOURS
        key = "band, k1, k2, l1, l2, p1, p2"
        return [
            # Each action's sorted distinct words; a text is keyed by the MD5 of that list.
            f"""CREATE OR REPLACE TEMP TABLE cn_ndt_stage AS
                SELECT platform, actor_id, action_id, ms, words,
                       md5(array_to_string(words, ' ')) AS key
                FROM (SELECT platform, actor_id, action_id, epoch_ms(time) AS ms,
                             list_sort(list_distinct(regexp_extract_all(
                                 regexp_replace({text}, '{STRIP_RE}', ' ', 'g'), '{WORD_RE}')))
                                 AS words
                      FROM actions WHERE kind <> 'repost' AND text IS NOT NULL)
                WHERE len(words) >= {int(self.min_words)}""",
            # Distinct texts get dense ids in key order: ties never depend on the row order.
            """CREATE OR REPLACE TEMP TABLE cn_ndt_doc AS
               SELECT row_number() OVER (ORDER BY key) AS doc, key, words
               FROM (SELECT key, any_value(words) AS words FROM cn_ndt_stage GROUP BY key)""",
            """CREATE OR REPLACE TEMP TABLE cn_ndt_action AS
               SELECT s.platform, s.actor_id, s.action_id, d.doc, s.ms
               FROM cn_ndt_stage s JOIN cn_ndt_doc d ON d.key = s.key""",
            "DROP TABLE cn_ndt_stage",
            # Words hashed once each: 32 bits of MD5, below the prime.
            """CREATE OR REPLACE TEMP TABLE cn_ndt_word AS
               SELECT doc, unnest(words) AS word FROM cn_ndt_doc""",
            "DROP TABLE cn_ndt_doc",
            f"""CREATE OR REPLACE TEMP TABLE cn_ndt_vocab AS
                SELECT word, CAST('0x' || substr(md5(word), 1, 8) AS BIGINT) % {p} AS h
                FROM (SELECT DISTINCT word FROM cn_ndt_word)""",
            """CREATE OR REPLACE TEMP TABLE cn_ndt_sh AS
               SELECT DISTINCT w.doc, v.h
               FROM cn_ndt_word w JOIN cn_ndt_vocab v ON v.word = w.word""",
            "DROP TABLE cn_ndt_word",
            # MinHash signatures: one pass, one aggregate per hash function.
            f"""CREATE OR REPLACE TEMP TABLE cn_ndt_sig AS
                SELECT doc, {minhash} FROM cn_ndt_sh GROUP BY doc""",
            f"CREATE OR REPLACE TEMP TABLE cn_ndt_band AS {band_rows}",
            "DROP TABLE cn_ndt_sig",
            # Buckets shared by two texts or more. A bucket of more than c + 1 texts is split
            # by the next band's values, and if still too big by the band after (as if bands
            # had 2 or 3 times the rows); candidates: all pairs in a bucket, or, in a bucket
            # still too big, each text with its next c by id.
            f"""CREATE OR REPLACE TEMP TABLE cn_ndt_bucket AS
                WITH s AS (
                    SELECT doc, band, k1, k2, l1, l2, p1, p2,
                           count(*) OVER (PARTITION BY band, k1, k2) AS n1,
                           count(*) OVER (PARTITION BY band, k1, k2, l1, l2) AS n2
                    FROM cn_ndt_band
                    WHERE (band, k1, k2) IN (SELECT band, k1, k2 FROM cn_ndt_band
                                             GROUP BY band, k1, k2 HAVING count(*) > 1)),
                t AS (
                    SELECT doc, band, k1, k2,
                           CASE WHEN n1 > {c + 1} THEN l1 ELSE 0 END AS l1,
                           CASE WHEN n1 > {c + 1} THEN l2 ELSE 0 END AS l2,
                           CASE WHEN n2 > {c + 1} THEN p1 ELSE 0 END AS p1,
                           CASE WHEN n2 > {c + 1} THEN p2 ELSE 0 END AS p2
                    FROM s)
                SELECT doc, {key},
                       row_number() OVER (PARTITION BY {key} ORDER BY doc) AS pos,
                       count(*) OVER (PARTITION BY {key}) AS size
                FROM t""",
            "DROP TABLE cn_ndt_band",
            f"""CREATE OR REPLACE TEMP TABLE cn_ndt_cand AS
                SELECT DISTINCT x.doc AS a, y.doc AS b
                FROM (SELECT {key}, doc, pos,
                             unnest(generate_series(1, least(size - pos, {c}))) AS step
                      FROM cn_ndt_bucket) x
                JOIN cn_ndt_bucket y
                  ON y.band = x.band AND y.k1 = x.k1 AND y.k2 = x.k2 AND y.l1 = x.l1
                 AND y.l2 = x.l2 AND y.p1 = x.p1 AND y.p2 = x.p2 AND y.pos = x.pos + x.step""",
            "DROP TABLE cn_ndt_bucket",
            # Verification on the exact word sets, so that the threshold means what it says.
            f"""CREATE OR REPLACE TEMP TABLE cn_ndt_edge AS
                WITH n AS (SELECT doc, count(*) AS n FROM cn_ndt_sh GROUP BY doc),
                i AS (SELECT c.a, c.b, count(*) AS n_both
                      FROM cn_ndt_cand c JOIN cn_ndt_sh x ON x.doc = c.a
                      JOIN cn_ndt_sh y ON y.doc = c.b AND y.h = x.h GROUP BY c.a, c.b)
                SELECT i.a, i.b FROM i JOIN n na ON na.doc = i.a JOIN n nb ON nb.doc = i.b
                WHERE i.n_both / (na.n + nb.n - i.n_both) >= {float(self.threshold)!r}""",
        ]

    def _objects_sql(self) -> str:
        return "SELECT platform, actor_id, action_id, object, ms FROM cn_ndt_object"
