"""co-repost: two actors repost the same post within ``window`` seconds.

The oldest and strongest trace of amplification networks: accounts that retweet the same
posts within seconds of each other, again and again (Keller et al. 2020, "Political
astroturfing on Twitter"; Pacheco et al. 2021, "Uncovering coordinated networks on social
media"; Graham et al., coordination-network-toolkit's ``co_retweet``).

Measured: for every pair of distinct actors, the reposted posts they share with reposts at
most ``window`` seconds apart (inclusive); ``n_objects`` counts those posts, and the
directed counts equal coordination-network-toolkit's co_retweet weights (see
``coordnet.signals._base``). Evidence rows name the post and both reposts with the lag.

Cost: a join on the reposted post, then a time filter: pairs generated grow with the square
of a post's reposts within the window (viral posts dominate). Posts reposted by more than
``max_actors`` (1,000) accounts are skipped and listed in ``skipped_``
(:mod:`coordnet.signals.crowd`); ``max_actors=None`` keeps them, as the peer does. Measured on
the simulated default platform at 100,000 accounts (1.15 M actions): the estimated window
was 730 s and the unguarded pairing generated 195 M candidate pairs.

False positives: breaking news and fan communities repost the same posts within minutes;
popularity weighting, the null model and the crowd guard discount them.
"""

from __future__ import annotations

from typing import ClassVar

from coordnet.signals.crowd import CrowdGuard

__all__ = ["CoRepost"]


class CoRepost(CrowdGuard):
    """Actors reposting the same post within ``window`` seconds of each other.

    >>> import coordnet
    >>> CoRepost(window=60).window
    60
    """

    name: ClassVar[str] = "co_repost"
    description: ClassVar[str] = "same post reposted within the window"

    def _objects_sql(self) -> str:
        return """SELECT platform, actor_id, action_id, parent_id AS object, epoch_ms(time) AS ms
                  FROM actions WHERE kind = 'repost'"""
