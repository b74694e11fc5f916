"""What every planted campaign shares: its accounts, schedule, infrastructure and camouflage.

A :class:`Campaign` reads one ``[[campaign]]`` table, creates its accounts, labels them, and
each simulated day acts through :meth:`Campaign.act` (the style) inside the operators'
schedule. The traits here can be switched on for any style; their keys are documented in
:mod:`coordnet.simulate.campaigns`.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, Protocol

import numpy as np

from coordnet.errors import InputError
from coordnet.simulate.campaign_text import (
    CLAIMED_LOCATIONS,
    COUNTRIES,
    VPN_EXITS,
    Narrative,
    draw_narrative,
    patterned_handles,
    persona_handles,
    persona_names,
)
from coordnet.simulate.world import Account, Post, World

__all__ = ["COMMON_DEFAULTS", "Campaign", "Platform"]

_DAY_MS = 86_400_000
_HOUR_MS = 3_600_000
_YEAR_MS = 365 * _DAY_MS

#: Keys every campaign accepts, with their defaults (``None``: derived from ``size``).
COMMON_DEFAULTS: dict[str, Any] = {
    "name": "",
    "style": "",
    "size": 20,
    "start_day": 0,
    "end_day": None,
    "tz_hours": 3.0,
    "country": "RU",
    "lang": "en",
    "office_hours": False,
    "work_hours": [9, 18],
    "workdays": [0, 1, 2, 3, 4],
    "shared_infrastructure": False,
    "n_ips": None,
    "vpn_share": 0.3,
    "n_devices": None,
    "sessions_per_day": 1.5,
    "creation_burst": False,
    "burst_hours": 36.0,
    "created_days_before": 5.0,
    "handle_pattern": "name_digits",
    "aged": False,
    "min_age_years": 2.0,
    "max_age_years": 8.0,
    "camouflage_per_day": 0.0,
    "n_seeds": None,
}

# Share of a day's activity per local hour when no office schedule is kept: operators'
# waking hours, peaks late morning and evening (the IRA set's hourly profile in Moscow time,
# Linvill & Warren 2020 "Troll factories", Political Communication).
_WAKING = np.array(
    [1, 0.5, 0.3, 0.2, 0.2, 0.3, 1, 2, 4, 6, 7, 7, 6, 6, 6, 6, 6, 6, 6, 7, 7, 6, 4, 2], dtype=float
)
_WAKING /= _WAKING.sum()
_USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/76.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_6) AppleWebKit/605.1.15 Version/12.1 Safari",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 12_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "Mozilla/5.0 (Linux; Android 9; SM-G960F) AppleWebKit/537.36 Chrome/76.0 Mobile Safari",
    "Mozilla/5.0 (Windows NT 6.1; rv:68.0) Gecko/20100101 Firefox/68.0",
    "TwitterAndroid/8.6.0 (Android 9; Pixel 3)",
)
_HOME_COUNTRIES = ("US", "US", "US", "GB", "DE", "BR", "IN", "JP", "HK", "GB", "US", "BR")


class Platform(Protocol):
    """What campaigns need from the organic platform (:class:`~.organic.OrganicPlatform`)."""

    accounts: list[Account]

    def organic_like(self, account: Account, day: int, per_day: float) -> None: ...

    def popular_posts(self, day: int, n: int) -> list[Post]: ...


class Campaign:
    """One planted operation; subclasses implement a style in :meth:`act`.

    Subclasses set ``style``, ``defaults`` (style keys and overrides of common keys),
    ``member_role`` (the role of non-seed members) and :meth:`auto_seeds` (how many ``seed``
    accounts when ``n_seeds`` is not given), and implement :meth:`act`.
    """

    style: ClassVar[str] = ""
    defaults: ClassVar[dict[str, Any]] = {}
    member_role: ClassVar[str] = "operator"
    actor_kind: ClassVar[str] = "account"

    def __init__(self, world: World, platform: Platform, config: dict[str, Any]) -> None:
        self.world = world
        self.platform = platform
        self.rng = world.rng
        self.cfg = self._settings(config)
        self.name: str = self.cfg["name"]
        self.size = int(self.cfg["size"])
        self.tz_hours = float(self.cfg["tz_hours"])
        self.start_day = int(self.cfg["start_day"])
        end = self.cfg["end_day"]
        self.end_day = world.days if end is None else int(end)
        self.narrative: Narrative = draw_narrative(self.rng)
        # day-to-day volume: bursts on some days, quiet on others (mean 1)
        self.day_factor = self.rng.gamma(4.0, 0.25, size=max(world.days, 1))
        self.members = self._create_accounts(self.size)
        self.n_seeds = self._n_seeds()
        self.seeds = self.members[: self.n_seeds]
        self.others = self.members[self.n_seeds :]
        if self.seeds:
            world.label(self.seeds, campaign=self.name, style=self.style, role="seed")
        world.label(self.others, campaign=self.name, style=self.style, role=self.member_role)
        self.background: list[Account] = []
        if self.cfg["shared_infrastructure"]:
            self._build_infrastructure()

    # -- configuration -----------------------------------------------------------------------
    def _settings(self, config: dict[str, Any]) -> dict[str, Any]:
        cfg = {**COMMON_DEFAULTS, **self.defaults}
        unknown = sorted(set(config) - set(cfg))
        where = f"campaign {config.get('name', '')!r} (style {self.style!r})"
        if unknown:
            valid = ", ".join(sorted(cfg))
            raise InputError(f"{where}: unknown key(s) {', '.join(unknown)}; valid keys: {valid}")
        cfg.update(config)
        if int(cfg["size"]) < 2:
            raise InputError(f"{where}: size = {cfg['size']}; a campaign needs at least 2 accounts")
        if cfg["handle_pattern"] not in ("name_digits", "prefix_counter"):
            raise InputError(
                f"{where}: handle_pattern = {cfg['handle_pattern']!r}; "
                "use 'name_digits' or 'prefix_counter'"
            )
        if cfg["country"] not in COUNTRIES:
            raise InputError(
                f"{where}: country = {cfg['country']!r}; known: {', '.join(sorted(COUNTRIES))}"
            )
        return cfg

    def _n_seeds(self) -> int:
        """Seed accounts: ``n_seeds`` or the style's share of ``size``; 0 for seedless styles."""
        n = self.cfg.get("n_seeds")
        if n is None:
            n = self.auto_seeds(self.size)
        return int(min(max(n, 0), self.size - 1))

    def auto_seeds(self, size: int) -> int:
        """Seeds when ``n_seeds`` is not given (styles override)."""
        return 0

    # -- accounts ----------------------------------------------------------------------------
    def _create_accounts(self, n: int) -> list[Account]:
        w, rng, cfg = self.world, self.rng, self.cfg
        if cfg["creation_burst"]:
            # registered in one short span shortly before the campaign: a scripted sign-up run
            before = int(cfg["created_days_before"] * _DAY_MS)
            burst_end = w.start_ms + self.start_day * _DAY_MS - before
            span = max(int(cfg["burst_hours"] * _HOUR_MS), 1)
            created = burst_end - span + np.sort(rng.integers(0, span, size=n))
            handles = patterned_handles(n, cfg["handle_pattern"], rng)
            followers = rng.integers(0, 30, size=n)
        else:
            if cfg["aged"]:
                lo, hi = cfg["min_age_years"] * _YEAR_MS, cfg["max_age_years"] * _YEAR_MS
            else:
                lo, hi = 60 * _DAY_MS, 3 * _YEAR_MS
            created = w.start_ms - rng.integers(int(lo), int(hi) + 1, size=n)
            handles = []
            median = 600.0 if cfg["aged"] else 150.0
            followers = np.minimum(rng.lognormal(math.log(median), 1.0, size=n), 4999).astype(int)
        names = self.display_names(n)
        if not handles:
            handles = self.handles(names)
        followers = self.follower_counts(followers)
        locations = rng.choice(len(CLAIMED_LOCATIONS), size=n)
        accounts = []
        for i in range(n):
            a = w.add_account(
                handle=handles[i],
                created_ms=int(created[i]),
                followers=int(followers[i]),
                following=int(rng.integers(50, 2000)),
                tz_hours=self.tz_hours,
                display_name=names[i],
                lang=str(self.cfg["lang"]),
                location=CLAIMED_LOCATIONS[int(locations[i])],
                actor_kind=self.actor_kind,
            )
            accounts.append(a)
        return accounts

    def display_names(self, n: int) -> list[str]:
        """Profile names (styles with pages override)."""
        return persona_names(n, self.rng)

    def handles(self, names: list[str]) -> list[str]:
        """Handles of hand-made accounts (styles with pages override)."""
        return persona_handles(names, self.rng)

    def follower_counts(self, drawn: np.ndarray) -> np.ndarray:
        """Follower counts (styles with prominent seeds override)."""
        return drawn

    # -- schedule ----------------------------------------------------------------------------
    def is_active(self, day: int) -> bool:
        """Whether the operation works on ``day`` (its period, and its workdays if kept)."""
        if not self.start_day <= day < self.end_day:
            return False
        if self.cfg["office_hours"]:
            weekday = (self.world.start.weekday() + day) % 7
            return weekday in self.cfg["workdays"]
        return True

    def times(self, day: int, n: int) -> np.ndarray:
        """``n`` sorted UTC times on the operators' local ``day``, inside their schedule.

        With ``office_hours`` uniformly in ``work_hours`` (the shift), else following the
        waking-hours profile; times outside the simulated range are dropped.
        """
        if n <= 0:
            return np.zeros(0, dtype=np.int64)
        if self.cfg["office_hours"]:
            lo, hi = self.cfg["work_hours"]
            hours = self.rng.uniform(lo, hi, size=n)
        else:
            hours = self.rng.choice(24, size=n, p=_WAKING) + self.rng.random(n)
        t = np.sort(self.world.local_time_ms(day, hours, self.tz_hours))
        return t[self.in_schedule(t)]

    def in_schedule(self, t: np.ndarray) -> np.ndarray:
        """Mask of times the operators can act at: inside the simulation and, with
        ``office_hours``, inside the shift on a workday (reactions after hours are dropped)."""
        ok = (t >= self.world.start_ms) & (t < self.world.end_ms)
        if self.cfg["office_hours"]:
            local = t + int(self.tz_hours * _HOUR_MS)
            hour = (local % _DAY_MS) / _HOUR_MS
            weekday = (local // _DAY_MS + 3) % 7  # 1970-01-01 was a Thursday
            lo, hi = self.cfg["work_hours"]
            ok &= (hour >= lo) & (hour < hi) & np.isin(weekday, self.cfg["workdays"])
        return ok

    def count(self, rate: float, day: int, *, at_least: int = 1) -> int:
        """How many bursts today: Poisson around ``rate`` times the day's volume factor."""
        return max(at_least, int(self.rng.poisson(rate * self.day_factor[day])))

    # -- daily loop --------------------------------------------------------------------------
    def run_day(self, day: int) -> None:
        """Camouflage (every day: the personas live on), then the operation's own acts."""
        per_day = float(self.cfg["camouflage_per_day"])
        if per_day > 0:
            for a in self.members:
                self.platform.organic_like(a, day, per_day)
        if self.is_active(day):
            self.world.coordinating = True
            try:
                self.act(day)
            finally:
                self.world.coordinating = False
            if self.cfg["shared_infrastructure"]:
                self._sessions(day)
        if self.background:
            self._background_sessions(day)

    def act(self, day: int) -> None:
        """The style's coordinated behaviour on an active ``day``."""
        raise NotImplementedError

    def emit_at(
        self,
        accounts: list[Account],
        times: np.ndarray,
        kind: str,
        *,
        parent: Post | None = None,
        text: str = "",
        hashtags: tuple[str, ...] | list[str] = (),
        mentions: tuple[Account, ...] = (),
    ) -> int:
        """One action per (account, time) pair inside the schedule; returns how many."""
        ok = self.in_schedule(times)
        emit = self.world.emit
        n = 0
        for a, t, keep in zip(accounts, times.tolist(), ok.tolist(), strict=True):
            if keep:
                emit(a, t, kind, parent=parent, text=text, hashtags=hashtags, mentions=mentions)
                n += 1
        return n

    def pick(self, pool: list[Account], share: float) -> list[Account]:
        """A random ``share`` of ``pool`` (at least one), in random order."""
        mask = self.rng.random(len(pool)) < share
        if not mask.any() and pool:
            mask[int(self.rng.integers(len(pool)))] = True
        idx = np.flatnonzero(mask)
        self.rng.shuffle(idx)
        return [pool[int(i)] for i in idx]

    # -- infrastructure ----------------------------------------------------------------------
    def _build_infrastructure(self) -> None:
        """A few addresses in the operators' country plus commercial VPN exits, a few devices.

        Mirrors the platforms' disclosures: Twitter's Hong Kong set (August 2019) came "from
        specific unblocked IP addresses originating in mainland China" while others used VPNs;
        Facebook's CIB reports cite shared devices and IP ranges.
        """
        rng, cfg = self.rng, self.cfg
        n_ips = int(cfg["n_ips"] or max(2, math.ceil(self.size / 20)))
        n_vpn = min(round(n_ips * float(cfg["vpn_share"])), n_ips - 1)
        net = COUNTRIES[cfg["country"]]
        rows: list[tuple[str, str, str, bool]] = []
        ips = net.ips(n_ips - n_vpn, rng)
        asns = rng.integers(len(net.asns), size=len(ips))
        for ip, k in zip(ips, asns, strict=True):
            rows.append((ip, net.asns[int(k)], net.country, False))
        for k in rng.integers(len(VPN_EXITS), size=n_vpn):
            country, asn, prefix = VPN_EXITS[int(k)]
            rows.append((_vpn_ip(prefix, rng), asn, country, True))
        self.ips = rows
        # a few addresses carry most logins (office gateway), a Zipf-like share
        weights = 1.0 / np.arange(1, len(rows) + 1)
        self.ip_weights = weights / weights.sum()
        n_devices = int(cfg["n_devices"] or max(2, math.ceil(self.size / 10)))
        self.devices = [f"dev-{int(d):012x}" for d in rng.integers(0, 2**48, size=n_devices)]
        self.device_agents = rng.integers(len(_USER_AGENTS), size=n_devices)

    def _sessions(self, day: int) -> None:
        rng = self.rng
        counts = rng.poisson(float(self.cfg["sessions_per_day"]), size=len(self.members))
        total = int(counts.sum())
        times = self.times(day, total)
        if not len(times):
            return
        owners = np.repeat(np.arange(len(self.members)), counts)[: len(times)]
        rng.shuffle(owners)
        ip_pick = rng.choice(len(self.ips), size=len(times), p=self.ip_weights)
        dev_pick = rng.integers(len(self.devices), size=len(times))
        for o, t, i, d in zip(owners, times.tolist(), ip_pick, dev_pick, strict=True):
            ip, asn, country, is_vpn = self.ips[int(i)]
            self.world.session(
                self.members[int(o)], t, ip=ip, asn=asn, country=country, is_vpn=is_vpn,
                device_id=self.devices[int(d)],
                user_agent=_USER_AGENTS[int(self.device_agents[int(d)])],
            )  # fmt: skip

    def add_background_sessions(self, accounts: list[Account], share: float = 0.3) -> None:
        """Give a sample of other accounts ordinary, diverse session rows.

        Without them, merely having session rows would single out the campaign. Each sampled
        account has a home country, a residential and a mobile address, its own device, and
        a few percent use a VPN now and then.
        """
        rng = self.rng
        n = max(1, int(len(accounts) * share)) if accounts else 0
        picks = np.sort(rng.choice(len(accounts), size=n, replace=False))
        self.background = [accounts[int(i)] for i in picks]
        self.bg_tz = np.array([a.tz_hours for a in self.background], dtype=float)
        homes = rng.choice(len(_HOME_COUNTRIES), size=n)
        self.bg_profile: list[tuple[str, tuple[str, str], tuple[str, str], str, str]] = []
        for k in homes:
            net = COUNTRIES[_HOME_COUNTRIES[int(k)]]
            home, mobile = net.ips(2, rng)
            asns = rng.integers(len(net.asns), size=2)
            self.bg_profile.append((
                net.country, (home, net.asns[int(asns[0])]), (mobile, net.asns[int(asns[1])]),
                f"dev-{int(rng.integers(0, 2**48)):012x}",
                _USER_AGENTS[int(rng.integers(len(_USER_AGENTS)))],
            ))  # fmt: skip

    def _background_sessions(self, day: int) -> None:
        rng, w = self.rng, self.world
        n = len(self.background)
        logs = rng.random(n) < 0.6
        kind = rng.random(n)
        # a login in the account's own waking hours
        hours = rng.choice(24, size=n, p=_WAKING) + rng.random(n)
        times = w.start_ms + day * _DAY_MS + ((hours - self.bg_tz) * _HOUR_MS).astype(np.int64)
        logs &= (times >= w.start_ms) & (times < w.end_ms)
        for j in np.flatnonzero(logs):
            a = self.background[int(j)]
            country, home, mobile, device, agent = self.bg_profile[int(j)]
            if kind[j] < 0.04:
                country, asn, prefix = VPN_EXITS[int(rng.integers(len(VPN_EXITS)))]
                ip, is_vpn = _vpn_ip(prefix, rng), True
            else:
                ip, asn = home if kind[j] < 0.65 else mobile
                is_vpn = False
            w.session(
                a, int(times[j]), ip=ip, asn=asn, country=country, is_vpn=is_vpn,
                device_id=device, user_agent=agent,
            )  # fmt: skip


def _vpn_ip(prefix: str, rng: np.random.Generator) -> str:
    a, b = rng.integers(1, 255, size=2)
    return f"{prefix}.{int(a)}.{int(b)}"
