"""hashtag-sequence: two actors post the same ordered run of hashtags within ``window`` seconds.

Operations that push hashtags into trends hand their accounts a block of tags to paste, and
the block comes out in the same order every time, while people who share one tag seldom
share the next three in the same order. Pacheco et al. 2021 ("Uncovering coordinated
networks on social media", ICWSM; case study 3, code in osome-iu/coordination-detection)
link accounts whose ordered sequences of five or more hashtags in a day are identical.

Measured: as co-repost, with the object being the whole ordered hashtag list of an original
post, reply or quote (reposts repeat their original and are left out), case-folded, in the
order the source lists the tags (the order of the text for the archives, the APIs and text
extraction), written ``#tag1 #tag2 ...``: a hashtag ends at whitespace on every platform, so
no tag holds the separator and two different sequences never read the same. Posts with fewer
than ``min_hashtags`` distinct tags have no object. Unlike Pacheco et al., the sequence is one
post's, not an account's day, and the match is bounded by ``window`` rather than the
calendar day: a post-level match keeps the evidence concrete (two posts), and the window
bounds the pairs a popular sequence can generate.

Parameters: ``min_hashtags`` (default 2): the fewest distinct hashtags a sequence needs.
Two already separates scripted blocks from single-tag crowds; Pacheco et al. used five, which
is stricter (fewer false positives, more missed floods that use two or three tags).

Cost: a join on the sequence, then the time band; cheaper than co-hashtag because most posts
carry fewer than two tags and long sequences are rare.

False positives: apps and share buttons that append a fixed tag block (news sites, games,
"#NowPlaying #Spotify"), and organic two-tag habits within one topic (``#worldcup #football``).
A higher ``min_hashtags`` or ``min_shared`` removes most of them.
"""

from __future__ import annotations

from typing import ClassVar

from coordnet.errors import InputError
from coordnet.signals._base import Signal

__all__ = ["HashtagSequence"]


class HashtagSequence(Signal):
    """Actors posting the same ordered hashtag sequence within ``window`` seconds.

    >>> HashtagSequence(window=600, min_hashtags=3).min_hashtags
    3
    """

    name: ClassVar[str] = "hashtag_sequence"
    description: ClassVar[str] = "same ordered sequence of hashtags posted within the window"
    # Scripted floods post one block in bursts of minutes; an hour keeps a burst together.
    default_window: ClassVar[float] = 3600.0
    auto_window: ClassVar[bool] = True

    def __init__(
        self,
        *,
        window: float | str = "auto",
        min_shared: int = 1,
        max_evidence: int = 20,
        min_hashtags: int = 2,
    ) -> None:
        super().__init__(window=window, min_shared=min_shared, max_evidence=max_evidence)
        self.min_hashtags = min_hashtags

    def _validate(self) -> None:
        super()._validate()
        n = self.min_hashtags
        if isinstance(n, bool) or not isinstance(n, int) or n < 2:
            raise InputError(
                f"hashtag_sequence: min_hashtags must be an integer >= 2, not {n!r} "
                "(single hashtags are the co_hashtag signal)"
            )

    def _objects_sql(self) -> str:
        return f"""SELECT platform, actor_id, action_id,
                          '#' || array_to_string(hashtags, ' #') AS object, epoch_ms(time) AS ms
                   FROM actions
                   WHERE kind IN ('post', 'reply', 'quote')
                     AND len(list_distinct(hashtags)) >= {int(self.min_hashtags)}"""
