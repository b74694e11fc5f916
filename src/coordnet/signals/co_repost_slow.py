"""co-repost-slow: two actors repost the same post within an hour, for camouflaged, jittered
amplification.

Operations that know about co-retweet detection spread their reposts over tens of minutes
(the "slow burn" of aged, camouflaged accounts; Cresci, "A decade of social bot detection",
CACM 2020). At ``co_repost``'s estimated window (about 90 s on the simulator's platforms) two
such accounts are rarely seconds apart, so they share no co-action; within an hour they share
several. The same definition with a fixed one-hour window keeps both views: the fast one's
tight evidence and this one's reach. Organic popular posts collect many reposts within an
hour, so this signal leans on the null model (the crowd of each actor's windows is far
larger) and on ``detect``'s reporting rule, which asks for signs of inauthenticity.

Measured on the simulator's four-week ``slow_burn`` scenario (seed 201): pairs of the two
slow-burn operations with ``q <= 0.05`` and at least 2 shared posts: 108 of 279 and 72 of 703
at one hour, none at ``co_repost``'s estimated window.
"""

from __future__ import annotations

from typing import ClassVar

from coordnet.signals.co_repost import CoRepost

__all__ = ["CoRepostSlow"]


class CoRepostSlow(CoRepost):
    """Actors reposting the same post within an hour (``window``) of each other.

    >>> CoRepostSlow().window
    'auto'
    """

    name: ClassVar[str] = "co_repost_slow"
    description: ClassVar[str] = "same post reposted within an hour (jittered amplification)"
    default_window: ClassVar[float] = 3600.0
    auto_window: ClassVar[bool] = False
