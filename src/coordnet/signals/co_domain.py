"""co-domain: two actors link to the same web domain within ``window`` seconds.

A weaker variant of co-link: link-amplification campaigns vary the article (and its
surface form) but push one site (Giglietto et al. 2020 on coordinated link sharing; state
media domains in platform takedowns).

Measured: as co-link, with each distinct domain (normalised host, without ``www.``) of an
original post, reply or quote as the object. Cost: a join on the domain, then the time band;
big news sites generate very many pairs. False positives: popular outlets and platforms
(youtube.com), shorteners (bit.ly): use with popularity weighting and ``min_shared``.
"""

from __future__ import annotations

from typing import ClassVar

from coordnet.signals._base import Signal
from coordnet.signals.crowd import CrowdGuard

__all__ = ["CoDomain"]


class CoDomain(CrowdGuard, Signal):
    """Actors linking to the same domain within ``window`` seconds of each other."""

    name: ClassVar[str] = "co_domain"
    description: ClassVar[str] = "same web domain linked within the window (weaker co-link)"

    def _objects_sql(self) -> str:
        return """SELECT platform, actor_id, action_id, unnest(domains) AS object,
                         epoch_ms(time) AS ms
                  FROM actions WHERE kind <> 'repost' AND len(domains) > 0"""
