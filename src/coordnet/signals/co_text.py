"""co-text: two actors post the same text within ``window`` seconds (copy-paste).

Copypasta campaigns hand their accounts a script to paste (Keller et al. 2020 found it
among the strongest traces of the South Korean NIS campaign; coordination-network-toolkit's
``co_tweet``). Content is only used to group identical messages, not to judge them.

Measured: as co-repost, with the normalised text of an original post, reply or quote as the
object (reposts repeat their original by construction and are left out). ``text_form``
chooses the normalisation:

* ``"fingerprint"`` (default): the ingest fingerprint ``text_hash``: lower-cased, without a
  leading ``RT @user:``, without URLs (link wrappers differ per post), whitespace collapsed.
* ``"peer"``: coordination-network-toolkit's ``message_preprocessor``: lower-cased, @mentions
  removed, whitespace collapsed; with it the directed counts equal the peer's ``co_tweet``.

Texts that normalise to nothing are never matched. Light edits defeat this signal; the
near-duplicate signal (MinHash) covers them.

Cost: a join on the normalised text, then the time band. False positives: slogans, song
lyrics, "happy new year" at midnight, automated posts of one app ("I'm at ...").
"""

from __future__ import annotations

from typing import ClassVar

from coordnet.errors import InputError
from coordnet.signals._base import Signal

__all__ = ["CoText"]

# Python's str.split() whitespace (the peer joins words split by it), for RE2.
_WS = r"[\s\x{0b}\x{1c}-\x{1f}\x{85}\p{Z}]"
TEXT_FORMS = ("fingerprint", "peer")


class CoText(Signal):
    """Actors posting the same normalised text within ``window`` seconds of each other.

    >>> CoText(window=60, text_form="peer").text_form
    'peer'
    """

    name: ClassVar[str] = "co_text"
    description: ClassVar[str] = "same normalised text posted within the window"

    def __init__(
        self, *, window: float = 60.0, min_shared: int = 1, text_form: str = "fingerprint"
    ) -> None:
        super().__init__(window=window, min_shared=min_shared)
        self.text_form = text_form

    def _validate(self) -> None:
        super()._validate()
        if self.text_form not in TEXT_FORMS:
            raise InputError(
                f"co_text: text_form must be one of {', '.join(TEXT_FORMS)}, not {self.text_form!r}"
            )

    def _objects_sql(self) -> str:
        if self.text_form == "fingerprint":
            obj = "text_hash"
        else:
            obj = (
                f"nullif(trim(regexp_replace(regexp_replace(lower(coalesce(text, '')), "
                f"'@[^{_WS[1:-1]}]*', '', 'g'), '{_WS}+', ' ', 'g'), ' '), '')"
            )
        return f"""SELECT platform, actor_id, action_id, {obj} AS object, epoch_ms(time) AS ms
                   FROM actions WHERE kind <> 'repost'"""
