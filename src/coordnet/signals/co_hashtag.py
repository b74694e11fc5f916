"""co-hashtag: two actors use the same hashtag within ``window`` seconds.

Hashtag campaigns push a tag into trends with many accounts posting it in bursts (Pacheco et
al. 2021, "hashtag sequences"; the IRA's HashtagGamer accounts). Hashtags are compared
case-folded (``#StopViolence`` = ``#stopviolence``).

Measured: as co-repost, with each distinct hashtag of an original post, reply or quote as the
object (reposts repeat their original's tags and are left out). Cost: a join on the hashtag,
then the time band; trending tags generate many pairs. False positives: genuine movements and
event hashtags (#WorldCup) used by thousands at once: a weak signal alone, strong when
repeated across many tags (``min_shared``).
"""

from __future__ import annotations

from typing import ClassVar

from coordnet.signals._base import Signal
from coordnet.signals.crowd import CrowdGuard

__all__ = ["CoHashtag"]


class CoHashtag(CrowdGuard, Signal):
    """Actors using the same hashtag within ``window`` seconds of each other."""

    name: ClassVar[str] = "co_hashtag"
    description: ClassVar[str] = "same hashtag used within the window"

    def _objects_sql(self) -> str:
        return """SELECT platform, actor_id, action_id, unnest(list_distinct(hashtags)) AS object,
                         epoch_ms(time) AS ms
                  FROM actions WHERE kind <> 'repost' AND len(hashtags) > 0"""
