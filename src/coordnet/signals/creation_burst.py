"""creation-burst: accounts registered within ``window`` seconds whose handles share a shape.

Operations register their accounts in bulk shortly before use: a script or a hired crew signs
up dozens to thousands of accounts within hours, naming them from a template or taking the
handle the platform suggests (on Twitter typically a name and eight digits,
``anna12345678``). Thomas et al. 2013 ("Trafficking fraudulent accounts: the role of the
underground market in Twitter spam and abuse", USENIX Security) tell merchants' bulk-made
accounts by their registration times and naming patterns; Beskow & Carley 2019 ("Its all in
a name") label bots by their generated screen names.

This is an **inauthenticity** trace, not a coordination trace: it says the accounts were
probably made together, not that they acted together, and scores keep it separate from the
coordination signals (it corroborates a cluster that co-actions found).

Measured: each account (``actors``; ``action_id`` is the ``actor_id``, the time is
``created_at``) has the *shape* of its handle as the object: every run of letters becomes
``a`` (any case, any script), every digit ``9``, anything else is kept
(``anna12345678`` and ``Boris87654321`` -> ``a99999999``; ``news_0001`` -> ``a_9999``;
``john_smith`` -> ``a_a``). Collapsing letter runs lets names of any length match; keeping
each digit keeps the template's fixed number width. Only handles with a run of at least
``min_digits`` digits (default 4) get a shape: without a serial or a suggested number a shape
such as ``a`` or ``a_a`` is shared by most ordinary handles and says nothing. Handles that
are 32-64 hex digits are the archives' hashes of small accounts' names and get none either.
Two accounts pair when their shapes are equal and their creation times are at most
``window`` seconds apart. Every edge has ``n_objects = 1`` (an account has one shape).

Parameters: ``window`` defaults to one day (``auto_window`` is off: the activity-based
estimate does not apply to creation times); the archives give creation *dates*, so there a
day's window pairs accounts created on the same or on consecutive days, and ``window=0`` the
same day. ``min_digits`` (default 4; 8 for Twitter's suggested handles only, 0 for every
handle). ``min_shared`` must stay 1.

Cost: one row per account with a patterned handle; pairs grow with the square of the accounts
of one shape created within a day (a few per day for ordinary shapes).

False positives: ordinary users who picked the suggested handle on the same day (common on
days of mass sign-ups: elections, platform migrations), and birth years (``mike1990``,
shape ``a9999``). Misses: templates that vary the digit width (``bot7``, ``bot12``),
letter-only or random-string handles, handles renamed since registration, and archives where
small accounts' handles are hashed (most of an information-operations archive).
"""

from __future__ import annotations

from typing import ClassVar

from coordnet.errors import InputError
from coordnet.signals._base import Signal

__all__ = ["CreationBurst"]


class CreationBurst(Signal):
    """Accounts created within ``window`` seconds of each other with handles of one shape.

    >>> CreationBurst(window=86400, min_digits=8).min_digits
    8
    """

    name: ClassVar[str] = "creation_burst"
    description: ClassVar[str] = "accounts created within the window with handles of one shape"
    default_window: ClassVar[float] = 86400.0
    auto_window: ClassVar[bool] = False

    def __init__(
        self,
        *,
        window: float | str = "auto",
        min_shared: int = 1,
        max_evidence: int = 20,
        min_digits: int = 4,
    ) -> None:
        super().__init__(window=window, min_shared=min_shared, max_evidence=max_evidence)
        self.min_digits = min_digits

    def _validate(self) -> None:
        super()._validate()
        n = self.min_digits
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise InputError(
                f"creation_burst: min_digits must be an integer >= 0, not {n!r} "
                "(0 gives every handle a shape)"
            )
        if self.min_shared != 1:
            raise InputError(
                f"creation_burst: min_shared must be 1, not {self.min_shared!r}: an account "
                "has one handle shape, so two accounts never share more than one object"
            )

    def _objects_sql(self) -> str:
        n = int(self.min_digits)
        return rf"""SELECT platform, actor_id, actor_id AS action_id,
                          regexp_replace(regexp_replace(handle, '\p{{L}}+', 'a', 'g'),
                                         '[0-9]', '9', 'g') AS object,
                          epoch_ms(created_at) AS ms
                   FROM actors
                   WHERE created_at IS NOT NULL AND handle IS NOT NULL
                     AND regexp_matches(handle, '[0-9]{{{n}}}')
                     AND NOT regexp_matches(lower(handle), '^[0-9a-f]{{32,64}}$')"""
