"""co-reply: two actors reply to the same post within ``window`` seconds.

Reply swarms flood a target's posts with replies from many accounts at once (harassment,
drowning out, pushing a counter-narrative); coordination-network-toolkit's ``co_reply``
measures the same trace (Graham et al.).

Measured: as co-repost, with the replied-to post as the shared object; directed counts equal
the peer's ``co_reply`` weights. Cost: a join on the replied-to post, then the time band.
False positives: popular posts (a celebrity's, a breaking story) collect many organic
replies within minutes.
"""

from __future__ import annotations

from typing import ClassVar

from coordnet.signals._base import Signal

__all__ = ["CoReply"]


class CoReply(Signal):
    """Actors replying to the same post within ``window`` seconds of each other.

    >>> CoReply(window=120).window
    120
    """

    name: ClassVar[str] = "co_reply"
    description: ClassVar[str] = "same post replied to within the window"

    def _objects_sql(self) -> str:
        return """SELECT platform, actor_id, action_id, parent_id AS object, epoch_ms(time) AS ms
                  FROM actions WHERE kind = 'reply'"""
