"""What planted campaigns write: narratives, light edits, handles, links and infrastructure.

Small built-in vocabularies (no downloads) shaped after the public takedown archives: the
operations' own talking points, the handle patterns of accounts registered in bulk, the
article links pushed to one outlet and the network addresses in the platforms' disclosures.
Every draw takes the caller's ``numpy`` generator, so output stays deterministic per seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "CLAIMED_LOCATIONS",
    "COUNTRIES",
    "EDIT_DRAWS",
    "URL_DRAWS",
    "VPN_EXITS",
    "Narrative",
    "Network",
    "article_url",
    "draw_narrative",
    "light_edit",
    "patterned_handles",
    "persona_handles",
    "persona_names",
]

_FIRST = (
    "Maria", "John", "Anna", "David", "Laura", "James", "Sofia", "Michael", "Emma", "Daniel",
    "Olivia", "Robert", "Chloe", "Kevin", "Grace", "Brian", "Nina", "Jason", "Lucy", "Mark",
)  # fmt: skip
_LAST = (
    "Smith", "Lopez", "Brown", "Miller", "Wilson", "Taylor", "Clark", "Lewis", "Walker", "Hall",
    "Young", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Moore",
)  # fmt: skip
_PREFIXES = ("news", "voice", "patriot", "truth", "daily", "real", "free", "citizen")

#: Profile locations the personas claim (operators elsewhere, as in the IRA and HK sets).
CLAIMED_LOCATIONS = (
    "New York, NY", "Texas, USA", "Atlanta, GA", "Florida", "Ohio, USA", "Los Angeles, CA",
    "London, England", "Hong Kong", "Toronto", "Chicago, IL", "", "",
)  # fmt: skip

_CODE_CHARS = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_EMOJI = ("🔥", "👉", "‼️", "💯", "🙏", "😡", "👏", "⚠️")
_SWAPS = {
    "lies": "lying", "must": "should", "people": "citizens", "truth": "facts", "now": "today",
    "never": "not", "everyone": "all", "stop": "end", "share": "spread", "exposed": "revealed",
}  # fmt: skip


@dataclass(frozen=True)
class Narrative:
    """One operation's talking points: sentence parts, hashtags and the outlet it pushes."""

    subjects: tuple[str, ...]
    claims: tuple[str, ...]
    calls: tuple[str, ...]
    hashtags: tuple[str, ...]
    outlet_words: tuple[str, ...]

    def sentence(self, rng: np.random.Generator) -> str:
        """A fresh talking-point sentence (subject, claim, call to action)."""
        return self.sentences(rng, 1)[0]

    def sentences(self, rng: np.random.Generator, n: int) -> list[str]:
        """``n`` talking-point sentences, drawn in one go."""
        s, c, a = self.subjects, self.claims, self.calls
        picks = (rng.random((n, 3)) * (len(s), len(c), len(a))).astype(int).tolist()
        return [f"{s[i]} {c[j]}. {a[k]}" for i, j, k in picks]

    def slug(self, rng: np.random.Generator) -> str:
        """An article slug built from the narrative's words."""
        words = rng.choice(np.array(self.outlet_words), size=4, replace=False)
        return "-".join(str(w) for w in words)


_NARRATIVES = (
    Narrative(
        subjects=("The protesters", "The rioters", "These radicals", "The foreign agents",
                  "The so-called activists"),
        claims=("are paid by foreign powers", "are destroying our city", "attacked innocent people",
                "have no support from ordinary people", "are spreading lies about the police"),
        calls=("Share the truth now!", "Everyone must see this.", "Stop the violence.",
               "The media will never tell you this.", "Wake up people!"),
        hashtags=("StandWithPolice", "StopTheViolence", "RestoreOrder", "TruthExposed",
                  "NoMoreRiots", "PeaceNow", "ForeignHands"),
        outlet_words=("riot", "police", "foreign", "funding", "exposed", "truth", "city", "order"),
    ),
    Narrative(
        subjects=("The election", "The official count", "The ruling party", "The opposition",
                  "The corrupt elites"),
        claims=("was rigged from the start", "hides the real numbers", "lies to everyone",
                "is controlled by outsiders", "silences real voters"),
        calls=("Share before they delete it!", "Demand answers now.", "Stop the steal.",
               "The truth must come out.", "Everyone must share this."),
        hashtags=("StopTheSteal", "RiggedElection", "AuditNow", "VoterFraud", "CountEveryVote",
                  "ElectionTruth", "WeThePeople"),
        outlet_words=("election", "fraud", "ballots", "audit", "count", "exposed", "votes", "leak"),
    ),
    Narrative(
        subjects=("The vaccine", "Big Pharma", "The health ministry", "The new drug",
                  "The lab in Wuhan"),
        claims=("hides deadly side effects", "lies about the data", "was never tested",
                "makes billions from fear", "covers up the truth"),
        calls=("Share to save lives!", "Do your own research now.", "Stop the mandates.",
               "Everyone must know this.", "They never tell you this."),
        hashtags=("NoMandates", "HealthFreedom", "TruthAboutVaccines", "PharmaLies",
                  "MyBodyMyChoice", "DoYourResearch", "CoverUp"),
        outlet_words=("vaccine", "side-effects", "pharma", "data", "hidden", "truth", "study",
                      "doctors"),
    ),
)  # fmt: skip


def draw_narrative(rng: np.random.Generator) -> Narrative:
    """One of the built-in narratives."""
    return _NARRATIVES[int(rng.integers(len(_NARRATIVES)))]


#: Uniform draws :func:`light_edit` consumes per copy.
EDIT_DRAWS = 9


def light_edit(text: str, hashtags: list[str], u: list[float]) -> tuple[str, list[str]]:
    """Apply one to three light edits, as copy-paste operators do to dodge exact matching.

    The edits seen in copypasta campaigns (Keller et al., "Political astroturfing on Twitter",
    Political Communication 2020; Pacheco et al., ICWSM 2021): a swapped word, an emoji added,
    a hashtag added or dropped, a change of case. ``u`` holds :data:`EDIT_DRAWS` uniform
    draws in [0, 1), so that callers draw for many copies at once.
    """
    tags = list(hashtags)
    n_edits = 1 + int(u[0] * 3)
    for edit in sorted(range(5), key=lambda e: u[1 + e])[:n_edits]:
        if edit == 0:
            words = text.split()
            hits = [i for i, w in enumerate(words) if w.lower().strip(".!?,") in _SWAPS]
            if hits:
                i = hits[int(u[6] * len(hits))]
                core = words[i].lower().strip(".!?,")
                words[i] = words[i].lower().replace(core, _SWAPS[core])
                text = " ".join(words)
        elif edit == 1:
            text = f"{text} {_EMOJI[int(u[7] * len(_EMOJI))]}"
        elif edit == 2 and len(tags) > 1:
            tags.pop(int(u[8] * len(tags)))
        elif edit == 3:
            tags.append(("Breaking", "MustWatch", "Share", "Viral")[int(u[8] * 4)])
        elif edit == 4:
            text = text.upper() if u[7] < 0.3 else text.lower()
    return text, tags


def persona_names(n: int, rng: np.random.Generator) -> list[str]:
    """Display names of ordinary-looking personas."""
    f = rng.integers(len(_FIRST), size=n)
    last = rng.integers(len(_LAST), size=n)
    return [f"{_FIRST[int(a)]} {_LAST[int(b)]}" for a, b in zip(f, last, strict=True)]


def persona_handles(names: list[str], rng: np.random.Generator) -> list[str]:
    """Handles in the mixed styles of hand-made accounts (name, initials, a few digits)."""
    style = rng.integers(3, size=len(names))
    digits = rng.integers(1, 10_000, size=len(names))
    out = []
    for name, s, d in zip(names, style, digits, strict=True):
        first, last = name.split()
        base = (f"{first}{last}", f"{first.lower()}_{last.lower()}", f"{last}{first[0]}")[int(s)]
        out.append(f"{base}{int(d)}")
    return out


def patterned_handles(n: int, pattern: str, rng: np.random.Generator) -> list[str]:
    """Handles of accounts registered in bulk.

    ``name_digits``: a first name plus 8 digits, the default handle Twitter suggests at sign-up
    and the most common pattern in bulk-created sets (e.g. the 2019-2020 takedown disclosures).
    ``prefix_counter``: one prefix plus a zero-padded counter, as in scripted registrations.
    """
    if pattern == "prefix_counter":
        prefix = _PREFIXES[int(rng.integers(len(_PREFIXES)))] + str(rng.choice(["_", ""]))
        first = int(rng.integers(1, 50))
        return [f"{prefix}{first + i:04d}" for i in range(n)]
    names = rng.integers(len(_FIRST), size=n)
    # distinct 8-digit numbers so handles never collide
    numbers = 10_000_000 + rng.choice(90_000_000, size=n, replace=False)
    return [f"{_FIRST[int(a)]}{int(b)}" for a, b in zip(names, numbers, strict=True)]


#: Uniform draws :func:`article_url` consumes per link.
URL_DRAWS = 14
_SHORTENERS = ("bit.ly", "ow.ly", "tinyurl.com")
_SECTIONS = ("news", "world", "politics", "2019", "article")
_SOURCES = ("twitter", "facebook", "share", "tw")


def article_url(
    domain: str,
    slug: str,
    article: int,
    u: list[float],
    *,
    tracking_share: float,
    shortener_share: float,
) -> str:
    """A link to an article of ``domain``: varied paths, tracking parameters, shorteners.

    Link-amplification networks vary the surface form of the same article so that
    exact-URL matching misses them (Giglietto et al., "It takes a village to manipulate the
    media", Information, Communication & Society 2020). ``u`` holds :data:`URL_DRAWS`
    uniform draws in [0, 1).
    """
    if u[0] < shortener_share:
        code = "".join(_CODE_CHARS[int(x * len(_CODE_CHARS))] for x in u[2:9])
        return f"https://{_SHORTENERS[int(u[1] * 3)]}/{code}"
    host = domain if u[9] < 0.7 else f"www.{domain}"
    url = f"https://{host}/{_SECTIONS[int(u[10] * 5)]}/{slug}-{article}"
    if u[11] < tracking_share:
        src = _SOURCES[int(u[12] * 4)]
        url += f"?utm_source={src}&utm_medium=social&utm_campaign={100 + int(u[13] * 900)}"
    return url


@dataclass(frozen=True)
class Network:
    """A country's consumer internet as seen in session logs: ASNs and address prefixes."""

    country: str
    asns: tuple[str, ...]
    prefixes: tuple[str, ...]

    def ips(self, n: int, rng: np.random.Generator) -> list[str]:
        """``n`` residential-looking addresses in this country's prefixes."""
        p = rng.integers(len(self.prefixes), size=n)
        c, d = rng.integers(1, 255, size=n), rng.integers(1, 255, size=n)
        return [
            f"{self.prefixes[int(i)]}.{int(x)}.{int(y)}" for i, x, y in zip(p, c, d, strict=True)
        ]


#: Consumer networks per country (made-up prefixes in plausible ranges; names of real ASNs).
COUNTRIES: dict[str, Network] = {
    n.country: n
    for n in (
        Network("CN", ("AS4134 Chinanet", "AS4837 China Unicom", "AS9808 China Mobile"),
                ("36.110", "58.19", "112.65", "183.14", "221.6")),
        Network("RU", ("AS12389 Rostelecom", "AS8359 MTS", "AS31213 MegaFon"),
                ("95.24", "178.66", "46.39", "188.162")),
        Network("IR", ("AS58224 TCI", "AS197207 MCCI", "AS44244 Irancell"),
                ("5.112", "91.98", "2.176")),
        Network("US", ("AS7922 Comcast", "AS7018 AT&T", "AS701 Verizon", "AS20115 Charter"),
                ("73.12", "99.45", "71.176", "24.9", "68.36", "108.28")),
        Network("GB", ("AS2856 BT", "AS5089 Virgin Media", "AS5607 Sky"),
                ("81.151", "86.12", "90.200")),
        Network("DE", ("AS3320 Deutsche Telekom", "AS3209 Vodafone"), ("79.192", "91.64")),
        Network("BR", ("AS28573 Claro", "AS18881 Vivo"), ("177.33", "189.6", "201.17")),
        Network("IN", ("AS55836 Reliance Jio", "AS24560 Airtel"), ("49.36", "106.20", "117.99")),
        Network("HK", ("AS4760 HKT", "AS9269 HKBN"), ("112.118", "203.186")),
        Network("JP", ("AS4713 NTT OCN", "AS2516 KDDI"), ("126.140", "153.20")),
    )
}  # fmt: skip

#: Commercial VPN / hosting exits: (country, ASN, prefix), the "VPN" rows in disclosures.
VPN_EXITS = (
    ("US", "AS9009 M247", "185.245"), ("NL", "AS60781 LeaseWeb", "89.38"),
    ("SG", "AS14061 DigitalOcean", "139.59"), ("DE", "AS24940 Hetzner", "88.198"),
    ("GB", "AS9009 M247", "146.70"), ("JP", "AS20473 Vultr", "45.76"),
)  # fmt: skip
