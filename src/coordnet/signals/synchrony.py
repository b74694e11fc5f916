"""synchrony: actors active in the same short time buckets far more often than chance.

Automated and centrally run accounts act in lockstep: scheduled bots and operators working
through a list fire within seconds of each other, again and again, whatever they post.
CopyCatch (Beutel et al., WWW 2013) and SynchroTrap (Cao et al., CCS 2014) find lockstep
groups as users whose actions fall in the same time windows on the same page or target;
DeBot (Chavoshi et al., ICDM 2016) drops the target and correlates activity time series
alone, as this signal does (co-repost and the other co-signals keep the target).

Measured: each action falls in a bucket of ``bucket`` seconds (aligned to the Unix epoch);
the object is ``bucket:<start time, UTC>`` and ``ms`` the action's own time, so evidence shows
true lags. Two actors co-act when they act in the same bucket at most ``window`` seconds
apart; ``n_objects`` counts the buckets they share. With ``window`` at least ``bucket`` (the
default: both 60 s) every pair of actions in a bucket counts and ``window`` has no further
role; a smaller ``window`` asks for tighter lockstep inside each bucket. A pair ``d``
seconds apart straddles a bucket boundary, and is missed, with probability ``d / bucket``;
lockstep that repeats is still found in its other buckets. ``kinds`` restricts the actions
(``("post",)``, or a comma-separated string such as ``"post,reply"``); all kinds by default.
The null model (expected shared buckets given each actor's activity and the crowd of its
buckets) is what separates lockstep from merely being busy at busy times: rank by
``z``/``q_value``, not ``n_objects``.

Why 60 s: on the simulator's default scenario (seed 1, a tuning case) 60 s buckets flag 213
of 355 campaign accounts at ``q_value <= 0.05`` against 147 with 30 s and 100 with 10 s,
with 7 plain organic accounts flagged against 2 and 0 (fan communities aside, below); the
``hard_negatives`` scenario flags as many organic accounts at 30 s as at 60 s. Minute
buckets also suit minute-precision times (the archives' ``tweet_time`` where no snowflake id
refines it, ``time_source = 'field'``); timestamps coarser than ``bucket`` pile into its
first second and make the signal meaningless.

Cost. Pairs in a bucket grow with the square of its actors, so two guards:

* buckets with more than ``max_actors`` distinct actors are skipped (``skipped_`` lists
  them): at most ``max_actors**2 / 2`` pairs per bucket. The price is recall: lockstep that
  happens only in crowded buckets is lost. On a whole platform every bucket is crowded: 10M
  actions of 200k actors spread over 30 days make ~230 actions a minute, so with the
  defaults every bucket is skipped (12 s, nothing found); 30 s buckets keep 10 % of them
  (717k rows, 29.5M co-action pairs, 549 s and 6 GB on a busy 2-core machine). Synchrony
  is for a candidate set (the accounts of an archive, a hashtag's or a narrative's
  participants, one kind of action) rather than a platform's firehose: lower the crowd
  rather than raise the limit.
* actors acting in fewer than ``min_shared`` buckets (skipped ones aside) are dropped
  before pairing: they cannot share ``min_shared`` buckets with anyone, so this costs no
  recall. ``min_shared`` defaults to 3 here: one or two shared minutes mean nothing.

False positives: fan communities replying to their idol within a minute, post after post
(242 of the 259 organic accounts flagged on the default scenario are fans); news events and live
broadcasts (everyone posts at the goal); scheduling tools firing on the minute; one
person's accounts cross-posted by one app; news bots on fixed intervals.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import pyarrow as pa

from coordnet.engine.protocol import SqlEngine
from coordnet.errors import InputError
from coordnet.signals._base import Signal

__all__ = ["Synchrony"]

_KIND = re.compile(r"[a-z_]+")
_CROWD = "cn_synchrony_crowd"


class Synchrony(Signal):
    """Actors acting in the same ``bucket``-second time buckets, whatever they act on.

    >>> Synchrony(bucket=60, kinds=("post",)).bucket
    60
    """

    name: ClassVar[str] = "synchrony"
    description: ClassVar[str] = "active in the same short time buckets, whatever the object"
    default_window: ClassVar[float] = 60.0
    auto_window: ClassVar[bool] = False

    def __init__(
        self,
        *,
        window: float | str = "auto",
        min_shared: int = 3,
        max_evidence: int = 20,
        bucket: float = 60.0,
        kinds: tuple[str, ...] | None = None,
        max_actors: int | None = 100,
    ) -> None:
        super().__init__(window=window, min_shared=min_shared, max_evidence=max_evidence)
        self.bucket = bucket
        self.kinds = kinds
        self.max_actors = max_actors

    def _validate(self) -> None:
        super()._validate()
        b: Any = self.bucket
        if isinstance(b, bool) or not isinstance(b, int | float) or not 0.001 <= b < float("inf"):
            raise InputError(f"synchrony: bucket must be a number of seconds >= 0.001, not {b!r}")
        kinds = self._kinds()
        if kinds is not None and (
            not kinds or not all(isinstance(k, str) and _KIND.fullmatch(k) for k in kinds)
        ):
            raise InputError(
                "synchrony: kinds must be None (every kind) or a non-empty list of action "
                f"kinds such as post, repost, reply, quote; not {kinds!r}"
            )
        m: Any = self.max_actors
        if m is not None and (isinstance(m, bool) or not isinstance(m, int) or m < 2):
            raise InputError(
                f"synchrony: max_actors must be an integer >= 2 or None (no limit), not {m!r}"
            )

    def _kinds(self) -> list[Any] | None:
        """``kinds`` as a list (``None``: every kind); a string is read as comma-separated."""
        kinds: Any = self.kinds
        if kinds is None:
            return None
        if isinstance(kinds, str):
            return [k.strip() for k in kinds.split(",")]
        return list(kinds) if isinstance(kinds, tuple | list) else []

    def _bucketed_sql(self) -> str:
        """Every action with its bucket number ``k``."""
        where = ""
        kinds = self._kinds()
        if kinds is not None:
            where = "WHERE kind IN (" + ", ".join(f"'{k}'" for k in sorted(set(kinds))) + ")"
        b_ms = max(1, round(float(self.bucket) * 1000))
        return f"""SELECT platform, actor_id, action_id, epoch_ms(time) AS ms,
                          CAST(floor(epoch_ms(time) / {b_ms}) AS BIGINT) AS k
                   FROM actions {where}"""

    def _prepare(self, engine: SqlEngine) -> None:
        """Count the distinct actors of each bucket.

        Buckets of one actor stay in: they pair with nobody, but the null model needs every
        actor's activity (dropping them would leave only rows that did pair)."""
        engine.execute(
            f"""CREATE OR REPLACE TEMP TABLE {_CROWD} AS
                SELECT platform, k, count(DISTINCT actor_id) AS n_actors
                FROM ({self._bucketed_sql()}) GROUP BY platform, k"""
        )

    def _objects_sql(self) -> str:
        limit = "" if self.max_actors is None else f"WHERE n_actors <= {int(self.max_actors)}"
        return f"""
            WITH a AS ({self._bucketed_sql()}),
                 c AS (SELECT platform, k FROM {_CROWD} {limit}),
                 kept AS (SELECT a.* FROM a JOIN c ON a.platform = c.platform AND a.k = c.k),
                 busy AS (SELECT platform, actor_id FROM kept GROUP BY platform, actor_id
                          HAVING count(DISTINCT k) >= {int(self.min_shared)})
            SELECT kept.platform, kept.actor_id, kept.action_id,
                   {self._label_sql("kept.k")} AS object, kept.ms
            FROM kept JOIN busy
                ON kept.platform = busy.platform AND kept.actor_id = busy.actor_id"""

    def _label_sql(self, k: str) -> str:
        """The object of bucket number ``k``: ``bucket:`` and its start time (UTC)."""
        b_ms = max(1, round(float(self.bucket) * 1000))
        return f"'bucket:' || CAST(epoch_ms({k} * {b_ms}) AS VARCHAR)"

    def _finish(self, run: SqlEngine) -> None:
        """Sets ``skipped_``: the buckets over ``max_actors``
        (``platform, object, n_actors``)."""
        limit = 2**62 if self.max_actors is None else int(self.max_actors)
        self.skipped_: pa.Table = run.arrow(
            f"""SELECT platform, {self._label_sql("k")} AS object, n_actors
                FROM {_CROWD} WHERE n_actors > {limit} ORDER BY platform, object"""
        )
        run.execute(f"DROP TABLE {_CROWD}")
