"""Coordination signals: one behavioural trace each, actor-actor edges with evidence."""

from __future__ import annotations

from coordnet.signals._base import Signal
from coordnet.signals.co_link import CoLink
from coordnet.signals.co_reply import CoReply
from coordnet.signals.co_repost import CoRepost
from coordnet.signals.co_text import CoText

__all__ = ["CoLink", "CoReply", "CoRepost", "CoText", "Signal"]
