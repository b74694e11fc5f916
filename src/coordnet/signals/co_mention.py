"""co-mention: two actors mention the same actor within ``window`` seconds.

Reply and mention swarms aim many accounts at one target (a journalist, an activist, a
politician) within minutes, to harass them or to drown their replies. Magelinski, Ng &
Carley 2021 ("A synchronized action framework for responsible detection of coordination on
social media", MAISoN) link accounts that mention the same account within a few minutes
(their ``mention`` view: 5 to 20 minute windows, retweets left out); Pacheco et al. 2021
frame such shared traces in general. coordination-network-toolkit has no co-mention network.

Measured: as co-repost, with each distinct mentioned actor of an original post, reply or
quote as the object. Reposts repeat their original's mentions (and an archive retweet
mentions the original's author) and are left out. A reply's mention of the account it
answers counts like any other: that is how a swarm names its target. The object is the
``mentions`` entry lower-cased: ingest stores ids where the source gives them (archive
``user_mentions``, API entities) and lower-cased handles where it only has text
(CrowdTangle, text-based presets, Telegram ``mention`` entities), so one target seen as an id
in one file and as a handle in another is two objects. ``n_objects`` counts distinct
mentioned actors, so a swarm on one target's posts gives ``n_objects = 1`` however many posts
it answered; the directed weights count the actions.

Cost: a join on the mentioned actor, then the time band; accounts everybody mentions
(celebrities, outlets) give pairs with the square of their mentions inside one window.

False positives: fan communities answering their idol within seconds, crowds replying to a
breaking-news account, reply-guy regulars of one prominent account. Weak alone; stronger with
``min_shared`` (several distinct targets) and with co-reply on the same posts.
"""

from __future__ import annotations

from typing import ClassVar

from coordnet.signals._base import Signal

__all__ = ["CoMention"]


class CoMention(Signal):
    """Actors mentioning the same actor within ``window`` seconds of each other.

    >>> CoMention(window=300).window
    300
    """

    name: ClassVar[str] = "co_mention"
    description: ClassVar[str] = "same actor mentioned within the window"
    # Magelinski et al. 2021 use 5 to 20 minutes; swarms reply within minutes of the target.
    default_window: ClassVar[float] = 300.0
    auto_window: ClassVar[bool] = True

    def _objects_sql(self) -> str:
        # lower() before DISTINCT: "Bob" and "bob" in one post are one mention
        return """SELECT DISTINCT platform, actor_id, action_id, lower(m) AS object, ms
                  FROM (SELECT platform, actor_id, action_id, unnest(mentions) AS m,
                               epoch_ms(time) AS ms
                        FROM actions
                        WHERE kind IN ('post', 'reply', 'quote') AND len(mentions) > 0)
                  WHERE m <> ''"""
