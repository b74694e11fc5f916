"""Coordination signals: one behavioural trace each, actor-actor edges with evidence."""

from __future__ import annotations

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
from coordnet.signals.registry import SIGNALS, get_signal
from coordnet.signals.run import build_signals, run_signals
from coordnet.signals.shared_infrastructure import SharedInfrastructure
from coordnet.signals.synchrony import Synchrony

__all__ = [
    "SIGNALS",
    "CoDomain",
    "CoHashtag",
    "CoLink",
    "CoMention",
    "CoReply",
    "CoRepost",
    "CoRepostSlow",
    "CoText",
    "CreationBurst",
    "HashtagSequence",
    "Lockstep",
    "NearDuplicateText",
    "SharedInfrastructure",
    "Signal",
    "Synchrony",
    "build_signals",
    "get_signal",
    "run_signals",
]
