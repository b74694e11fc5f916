"""The registered signals, by key (``co_repost``) and CLI name (``co-repost``)."""

from __future__ import annotations

from coordnet.errors import InputError
from coordnet.signals._base import Signal
from coordnet.signals.co_domain import CoDomain
from coordnet.signals.co_hashtag import CoHashtag
from coordnet.signals.co_link import CoLink
from coordnet.signals.co_mention import CoMention
from coordnet.signals.co_reply import CoReply
from coordnet.signals.co_repost import CoRepost
from coordnet.signals.co_repost_slow import CoRepostSlow
from coordnet.signals.co_text import CoText
from coordnet.signals.creation_burst import CreationBurst
from coordnet.signals.hashtag_sequence import HashtagSequence
from coordnet.signals.lockstep import Lockstep
from coordnet.signals.near_duplicate_text import NearDuplicateText
from coordnet.signals.shared_infrastructure import SharedInfrastructure
from coordnet.signals.synchrony import Synchrony

__all__ = ["SIGNALS", "get_signal"]

#: Every signal class, by its key.
SIGNALS: dict[str, type[Signal]] = {
    cls.name: cls
    for cls in (
        CoRepost,
        CoRepostSlow,
        CoLink,
        CoDomain,
        CoText,
        NearDuplicateText,
        CoHashtag,
        HashtagSequence,
        CoReply,
        CoMention,
        Synchrony,
        Lockstep,
        SharedInfrastructure,
        CreationBurst,
    )
}


def get_signal(name: str) -> type[Signal]:
    """The signal class for a key or CLI name (``co_repost`` or ``co-repost``)."""
    key = name.replace("-", "_")
    if key not in SIGNALS:
        raise InputError(
            f"unknown signal {name!r}; choose from "
            + ", ".join(k.replace("_", "-") for k in sorted(SIGNALS))
        )
    return SIGNALS[key]
