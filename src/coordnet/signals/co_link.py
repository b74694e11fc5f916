"""co-link: two actors post the same (normalised) URL within ``window`` seconds.

Link amplification pushes a site or an article by many accounts posting it in waves
(Giglietto et al. 2020, CooRnet's "coordinated link sharing behaviour";
coordination-network-toolkit's ``co_link``). URLs are compared after ingest normalisation
(case, ``www.``, tracking parameters, trailing slashes: ``docs/formats.md``); shortener links
cannot be expanded offline and are compared as they are.

Measured: as co-repost, with each distinct URL of an original post, reply or quote as the
object. The URLs inside reposts are left out, as the peer does: a repost carries the
original's link and is co-repost's business. Directed counts equal the peer's ``co_link``
weights on posts with URLs (the peer also links posts *without* URLs through an empty URL,
which coordnet does not copy).

Cost: a join on the URL, then the time band; popular articles generate many pairs.
False positives: breaking news everybody links to at once, news bots of one outlet.
"""

from __future__ import annotations

from typing import ClassVar

from coordnet.signals._base import Signal

__all__ = ["CoLink"]


class CoLink(Signal):
    """Actors posting the same URL within ``window`` seconds of each other.

    >>> CoLink(window=60, min_shared=2).min_shared
    2
    """

    name: ClassVar[str] = "co_link"
    description: ClassVar[str] = "same URL posted within the window"

    def _objects_sql(self) -> str:
        return """SELECT platform, actor_id, action_id, unnest(list_distinct(urls)) AS object,
                         epoch_ms(time) AS ms
                  FROM actions WHERE kind <> 'repost' AND len(urls) > 0"""
