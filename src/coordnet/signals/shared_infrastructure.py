"""shared-infrastructure: actors using the same address or device, or the same profile material.

Operators run many personas from a few machines and networks, and platforms cite this in
takedowns: Twitter's Hong Kong disclosure (August 2019) named accounts "tweeting from
specific unblocked IP addresses originating in mainland China", many others through VPNs;
Facebook's coordinated-inauthentic-behaviour reports cite shared devices and IP ranges. The
same persona factory also reuses profile material: one stolen photo, one bio template.

Measured: as co-repost, with typed objects, so that evidence says what was shared:

* from ``sessions`` (login rows; platform-internal data): ``ip:<address>``,
  ``device:<device id>``, and on request ``user_agent:<string>`` and ``asn:<asn>``. Two
  actors match when their sessions on one value are at most ``window`` seconds apart
  (default a day, inclusive): addresses are reassigned and devices change hands, so a value
  ties two accounts only at about the same time. A session's action id is
  ``session:<file>:<line>``.
* from ``actors`` (the profile): ``image:<profile_image_hash>`` and
  ``description:<md5 of the normalised bio>`` (lower-cased, every run of characters other
  than letters, marks and digits made one space, trimmed; a bio left empty, such as "...",
  never matches). A profile has no time, so these rows carry the constant time 0 (the Unix
  epoch) and match whatever ``window`` is, while session values need time proximity; the lag
  of a profile match is 0. Their action id is ``profile:<actor_id>``.

``kinds`` picks the object types (a list, or a comma-separated string such as
``"ip,device"``); the default is ``("ip", "device", "image")``.
``user_agent`` is left out because a browser's version string is shared by millions (it
helps for rare or custom agents, such as automation tools), ``asn`` because a carrier's
ASN holds millions of subscribers (it helps for narrow networks, such as small hosting
providers). ``description`` is left out because short bios recur among strangers: on the
simulator's default scenario 4,016 organic accounts share 513 topical bios and the kind adds
140,000 organic edges (none of them with a second shared value, so ``min_shared=2`` removes
them all). A value used by more than ``max_actors`` distinct actors of a platform (a VPN
exit, a carrier-grade NAT address, the default avatar, a one-word bio) is skipped;
``skipped_`` lists these after ``fit``, as they may deserve a look by hand. The price is
recall for a farm that puts more than ``max_actors`` accounts on one value (its other,
less crowded values still count).

Significance: the null model takes each value's crowd as given, and a campaign is most of
its own values' crowd, so the pairs inside a campaign that runs on a few values surprise it
less than two strangers who once shared a home address. On the default scenario 69 of the
planted campaign's 435 pairs reach ``q_value <= 0.05``, and so do 2 of the 3 organic pairs
that share an address. What sets the campaign apart is sharing several values (an address
and a device, 4-5 values for most pairs there, one for the households): read this signal by
``n_objects`` (or set ``min_shared=2``) and by the size of the group.

Cost: one row per session and kind plus one per profile attribute; pairs per value grow
with the square of its rows inside the window, bounded through ``max_actors``. On the
default scenario (6,832 sessions) a fit takes about a second; adding ``user_agent`` and
``asn`` (6 agents and 23 networks for everyone) makes it 343,000 edges and 44 s. An
account that logs in thousands of times a day on a shared value multiplies pairs: thin such
logs first.

False positives: VPN exits and carrier-grade NAT addresses (many strangers behind one
address at once); households, offices, schools, internet cafés; one owner's legitimate
accounts (a brand and its staff); default and stock images; generic bios. Each is weak
alone: several shared values (``min_shared``) and activity traces from other signals are
what make a case.
"""

from __future__ import annotations

from typing import Any, ClassVar

from coordnet.errors import InputError
from coordnet.signals.crowd import CrowdGuard

__all__ = ["KINDS", "SharedInfrastructure"]

#: Every object type, in the order rows are built.
KINDS: tuple[str, ...] = ("ip", "device", "user_agent", "asn", "image", "description")
#: Session columns behind the session kinds, and how each value is normalised.
_SESSION_VALUES = {
    "ip": "lower(trim(ip))",
    "device": "trim(device_id)",
    "user_agent": "trim(user_agent)",
    "asn": "trim(asn)",
}
_PROFILE_VALUES = {
    "image": "lower(trim(profile_image_hash))",
    # runs of anything but letters, marks and digits become one space
    "description": (
        r"md5(nullif(trim(regexp_replace(lower(description), '[^\p{L}\p{M}\p{N}]+', ' ', "
        r"'g')), ''))"
    ),
}


class SharedInfrastructure(CrowdGuard):
    """Actors sharing an address or device within ``window`` seconds, or a profile image or bio.

    >>> SharedInfrastructure(kinds=("ip", "device")).kinds
    ('ip', 'device')
    """

    name: ClassVar[str] = "shared_infrastructure"
    description: ClassVar[str] = "same IP or device within the window; same profile image or bio"
    default_window: ClassVar[float] = 86_400.0
    auto_window: ClassVar[bool] = False
    default_max_actors: ClassVar[int | None] = 500

    def __init__(
        self,
        *,
        window: float | str = "auto",
        min_shared: int = 1,
        max_evidence: int = 20,
        kinds: tuple[str, ...] = ("ip", "device", "image"),
        max_actors: int | None = 500,
    ) -> None:
        super().__init__(
            window=window, min_shared=min_shared, max_evidence=max_evidence, max_actors=max_actors
        )
        self.kinds = kinds

    def _kinds(self) -> list[str]:
        """``kinds`` as a list; a string is read as comma-separated (``"ip,device"``)."""
        kinds: Any = self.kinds
        if isinstance(kinds, str):
            return [k.strip() for k in kinds.split(",")]
        return list(kinds) if isinstance(kinds, tuple | list) else []

    def _validate(self) -> None:
        super()._validate()
        kinds = self._kinds()
        if not kinds or any(k not in KINDS for k in kinds):
            raise InputError(
                f"shared_infrastructure: kinds must be a non-empty list of "
                f"{', '.join(KINDS)}, not {self.kinds!r}"
            )

    def _objects_sql(self) -> str:
        """Every (actor, typed value) row of the chosen kinds; the crowd guard
        (:mod:`coordnet.signals.crowd`) then skips values over ``max_actors``."""
        parts = []
        for kind in KINDS:
            if kind not in self._kinds():
                continue
            if kind in _SESSION_VALUES:
                parts.append(
                    f"""SELECT platform, actor_id,
                           'session:' || source_file || ':' || CAST(source_line AS VARCHAR)
                               AS action_id,
                           '{kind}:' || nullif({_SESSION_VALUES[kind]}, '') AS object,
                           epoch_ms(time) AS ms
                    FROM sessions WHERE time IS NOT NULL"""
                )
            else:
                parts.append(
                    f"""SELECT platform, actor_id, 'profile:' || actor_id AS action_id,
                           '{kind}:' || nullif({_PROFILE_VALUES[kind]}, '') AS object,
                           CAST(0 AS BIGINT) AS ms
                    FROM actors"""
                )
        return " UNION ALL ".join(parts)
