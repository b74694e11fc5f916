"""What organic users are and write: regions, names, topics, outlets, idols and movements.

Small built-in vocabularies (no downloads). Texts are assembled from a template and topic
phrases drawn per post, so two unrelated users rarely write the same sentence -- unlike the
copy-paste campaigns, whose near-identical texts are the signal. Every draw takes the
caller's ``numpy`` generator, so output stays deterministic per seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "CLIENTS",
    "IDOLS",
    "MEDIA_OUTLETS",
    "MOVEMENTS",
    "MOVEMENT_CLOSERS",
    "NEWS_DOMAINS",
    "REGIONS",
    "TOPICS",
    "Region",
    "Topic",
    "article_path",
    "organic_handles",
    "post_text",
    "reaction_text",
]


@dataclass(frozen=True)
class Region:
    """Where a share of users live: UTC offset (summer time), languages, profile locations."""

    tz_hours: float
    weight: float
    langs: tuple[str, ...]
    locations: tuple[str, ...]


#: A rough mix of Twitter's audience by region (weights sum to 1), after the audience shares
#: reported by Statista / Hootsuite "Digital 2019": the US first, then Japan, the UK, India...
REGIONS: tuple[Region, ...] = (
    Region(-4.0, 0.20, ("en",), ("New York, NY", "Boston, MA", "Atlanta, GA", "Miami, FL", "DC")),
    Region(-5.0, 0.08, ("en", "en", "es"), ("Chicago, IL", "Houston, TX", "Dallas, TX", "Mexico")),
    Region(-7.0, 0.10, ("en",), ("Los Angeles, CA", "Seattle, WA", "San Francisco", "Portland")),
    Region(-3.0, 0.06, ("pt",), ("São Paulo", "Rio de Janeiro", "Brasil", "Buenos Aires")),
    Region(1.0, 0.10, ("en",), ("London, England", "Manchester", "Dublin", "Lagos, Nigeria")),
    Region(2.0, 0.10, ("de", "fr", "es", "it", "nl"), ("Berlin", "Paris", "Madrid", "Roma")),
    Region(3.0, 0.05, ("tr", "ar"), ("İstanbul", "Riyadh", "Dubai", "Nairobi")),
    Region(5.5, 0.08, ("en", "hi"), ("Mumbai", "New Delhi", "Bangalore", "India")),
    Region(7.0, 0.05, ("in", "th"), ("Jakarta", "Bangkok", "Indonesia")),
    Region(8.0, 0.05, ("en", "tl"), ("Manila", "Singapore", "Kuala Lumpur")),
    Region(9.0, 0.10, ("ja", "ko"), ("Tokyo", "東京", "Seoul", "Osaka")),
    Region(10.0, 0.03, ("en",), ("Sydney", "Melbourne", "Brisbane, Australia")),
)

#: Posting clients and their shares among ordinary users.
CLIENTS: tuple[tuple[str, float], ...] = (
    ("Twitter for iPhone", 0.45),
    ("Twitter for Android", 0.33),
    ("Twitter Web App", 0.17),
    ("Twitter for iPad", 0.03),
    ("TweetDeck", 0.02),
)

_FIRST = (
    "maria", "john", "aisha", "kenji", "lucas", "priya", "sam", "olivia", "mateo", "fatima",
    "liam", "chloe", "ahmed", "yuki", "noah", "emma", "ravi", "zoe", "diego", "hana", "ben",
    "ines", "omar", "lena", "tom", "sara", "kofi", "mia", "jack", "nadia", "leo", "grace",
    "ivan", "amara", "felix", "julia", "arjun", "rosa", "ethan", "nina", "kwame", "lily",
)  # fmt: skip
_LAST = (
    "smith", "garcia", "khan", "tanaka", "silva", "patel", "jones", "brown", "rossi", "muller",
    "nguyen", "kim", "okafor", "martin", "lopez", "wilson", "sato", "costa", "ali", "walsh",
    "dubois", "novak", "reyes", "murphy", "singh", "evans", "haddad", "berg", "moreau", "park",
)  # fmt: skip
_WORDS = (
    "sunny", "pixel", "coffee", "night", "wild", "lazy", "blue", "tiny", "lost", "happy",
    "moon", "retro", "spicy", "cloud", "salty", "quiet", "cosmic", "urban", "lucky", "velvet",
)  # fmt: skip
_NOUNS = (
    "fox", "owl", "panda", "rider", "dreamer", "chef", "coder", "gamer", "writer", "runner",
    "kitten", "wolf", "nerd", "rebel", "poet", "dad", "mum", "hiker", "fan", "ghost",
)  # fmt: skip


@dataclass(frozen=True)
class Topic:
    """A topical interest: the phrases people write about it and the hashtags they use."""

    name: str
    phrases: tuple[str, ...]
    hashtags: tuple[str, ...]
    bio: str


TOPICS: tuple[Topic, ...] = (
    Topic("politics", (
        "the debate last night", "the new bill", "the senate vote", "the polls", "my local rep",
        "the budget fight", "voter turnout", "the press conference", "campaign ads",
        "the committee hearing", "the opposition", "election season",
    ), ("politics", "vote", "election2020", "debate"), "opinions on politics"),
    Topic("football", (
        "the transfer window", "that last-minute goal", "our back four", "the new signing",
        "the away kit", "the referee", "the league table", "our keeper", "the derby",
        "the manager's tactics", "VAR", "the pre-season friendly",
    ), ("football", "PremierLeague", "transfers", "MatchDay"), "football till I die"),
    Topic("music", (
        "the new album", "this guitar riff", "the tour dates", "that bridge", "the live show",
        "my playlist", "the festival lineup", "the music video", "their old stuff",
        "the vinyl reissue", "the chorus", "the opening act",
    ), ("NewMusic", "NowPlaying", "music", "concert"), "music is life"),
    Topic("gaming", (
        "the new patch", "this boss fight", "ranked mode", "the speedrun", "the DLC",
        "my controller", "the beta", "the stream tonight", "loot boxes", "the open world",
        "the final level", "co-op mode",
    ), ("gaming", "PS4", "NintendoSwitch", "twitch"), "gamer, streamer, snack eater"),
    Topic("tech", (
        "the new phone", "this framework", "the update", "my laptop battery", "the outage",
        "open source", "the keynote", "dark mode", "the app redesign", "privacy settings",
        "the beta build", "my side project",
    ), ("tech", "javascript", "AI", "programming"), "writes code, breaks things"),
    Topic("climate", (
        "the heatwave", "the flood warnings", "recycling at home", "the new bike lanes",
        "the wildfire smoke", "solar panels", "the plastic ban", "the river clean-up",
        "the climate report", "meat-free mondays", "the bee population", "the drought",
    ), ("climate", "ClimateAction", "environment", "sustainability"), "planet first"),
    Topic("health", (
        "my morning run", "the new gym", "meal prep", "sleep schedule", "the flu shot",
        "my step count", "yoga class", "the clinic wait", "drinking more water",
        "the marathon training", "mental health days", "the new diet",
    ), ("health", "fitness", "wellness", "running"), "runner and tea drinker"),
    Topic("movies", (
        "the trailer", "the season finale", "that plot twist", "the remake", "the box office",
        "the soundtrack", "the casting news", "the director's cut", "the new series",
        "that cliffhanger", "the award show", "the spin-off",
    ), ("movies", "GameOfThrones", "Netflix", "cinema"), "film nerd, series binger"),
    Topic("food", (
        "this ramen", "my sourdough", "the new bakery", "brunch", "the spicy wings",
        "grandma's recipe", "the food truck", "homemade pasta", "the coffee place",
        "street tacos", "the vegan menu", "that cheesecake",
    ), ("food", "foodie", "recipe", "brunch"), "eats first, posts later"),
    Topic("finance", (
        "the market dip", "bitcoin", "my savings plan", "the rate cut", "earnings season",
        "the housing market", "index funds", "the trade war", "my budget app", "the IPO",
        "gold prices", "the quarterly report",
    ), ("bitcoin", "stocks", "investing", "crypto"), "numbers and coffee"),
    Topic("travel", (
        "the flight delay", "this beach", "the night train", "the old town", "my packing list",
        "the hostel", "the mountain hike", "airport food", "the road trip", "the visa office",
        "the sunset view", "the hidden cafe",
    ), ("travel", "wanderlust", "vacation", "travelgram"), "always planning the next trip"),
    Topic("science", (
        "the moon landing anniversary", "the new telescope images", "this study", "the rover",
        "the vaccine trial", "the lab results", "black holes", "the dinosaur find",
        "the science fair", "the eclipse", "the physics lecture", "the launch window",
    ), ("science", "space", "NASA", "research"), "curious about everything"),
)  # fmt: skip

_TEMPLATES = (
    "{a} is {adj} right now",
    "can't stop thinking about {a}",
    "honestly {a} and {b} are all I care about today",
    "anyone else following {a}? {adj}",
    "ok {a} was {adj}",
    "{a} >>> {b}",
    "hot take: {a} is overrated and {b} is underrated",
    "just saw something about {a}, {adj}",
    "so {a} happened. {adj}.",
    "not me spending all evening on {a} again",
    "thoughts on {a}? I think it's {adj}",
    "{a} today, {b} tomorrow",
    "me: I'll sleep early. also me: {a}",
    "reminder that {a} is {adj}",
    "finally some news about {a}",
    "why is nobody talking about {b}",
    "{adj} day. {a} and {b}",
    "the way {a} turned out... {adj}",
)
_ADJECTIVES = (
    "amazing", "wild", "so good", "a mess", "underrated", "hilarious", "unreal", "a lot",
    "kind of boring", "brilliant", "lowkey great", "terrible", "interesting", "weird",
    "too much", "exactly what I needed", "frustrating", "fine I guess",
)  # fmt: skip
_TAILS = ("", "", "", "", " lol", " 😂", " 🙌", " !!", " 🤔", " 😭", " ...", " 🔥", " ❤️", " smh")
_REPLIES = (
    "agreed", "this!!", "not sure about that", "so true", "lol same", "no way",
    "wait really?", "couldn't agree more", "hard disagree", "exactly what I said", "source?",
    "haha", "the best take", "facts", "I was there too", "omg",
)  # fmt: skip


def organic_handles(n: int, rng: np.random.Generator) -> tuple[list[str], list[str]]:
    """``n`` varied, unique handles and display names in the styles real users pick."""
    first = rng.integers(0, len(_FIRST), n)
    last = rng.integers(0, len(_LAST), n)
    word = rng.integers(0, len(_WORDS), n)
    noun = rng.integers(0, len(_NOUNS), n)
    style = rng.integers(0, 6, n)
    num = rng.integers(1, 2000, n)
    handles: list[str] = []
    names: list[str] = []
    seen: set[str] = set()
    for i in range(n):
        f, la = _FIRST[first[i]], _LAST[last[i]]
        s = int(style[i])
        if s == 0:
            h = f"{f}_{la}"
        elif s == 1:
            h = f"{f}{la}{num[i] % 100}"
        elif s == 2:
            h = f"{f[0]}{la}"
        elif s == 3:
            h = f"{_WORDS[word[i]]}{_NOUNS[noun[i]]}"
        elif s == 4:
            h = f"the_real_{f}"
        else:
            h = f"{f}.{_NOUNS[noun[i]]}".replace(".", "_")
        h = h[:15]
        while h in seen:
            h = f"{h[:11]}{int(rng.integers(0, 9999))}"
        seen.add(h)
        handles.append(h)
        names.append(f"{f.title()} {la.title()}" if s < 3 else h.replace("_", " ").title())
    return handles, names


def post_text(
    topic: Topic, picks: np.ndarray, hashtags: list[str], url: str = "", prefix: str = ""
) -> str:
    """A post from a template; ``picks`` holds five random integers (template, a, b, adj, tail)."""
    n = len(topic.phrases)
    a = topic.phrases[picks[1] % n]
    b = topic.phrases[(picks[1] + 1 + picks[2] % (n - 1)) % n]
    text = _TEMPLATES[picks[0] % len(_TEMPLATES)].format(
        a=a, b=b, adj=_ADJECTIVES[picks[3] % len(_ADJECTIVES)]
    )
    text = prefix + text + _TAILS[picks[4] % len(_TAILS)]
    if hashtags:
        text += " " + " ".join("#" + h for h in hashtags)
    if url:
        text += " " + url
    return text


def reaction_text(picks: np.ndarray, handle: str = "") -> str:
    """A short reply or quote comment (``@handle`` first for replies)."""
    text = _REPLIES[picks[0] % len(_REPLIES)] + _TAILS[picks[4] % len(_TAILS)]
    return f"@{handle} {text}" if handle else text


#: Real news domains in rough order of how often they are shared (their Zipf rank).
NEWS_DOMAINS = (
    "nytimes.com", "cnn.com", "theguardian.com", "bbc.co.uk", "washingtonpost.com",
    "foxnews.com", "reuters.com", "apnews.com", "nbcnews.com", "bloomberg.com", "npr.org",
    "wsj.com", "usatoday.com", "independent.co.uk", "aljazeera.com", "latimes.com",
    "politico.com", "theverge.com", "espn.com", "techcrunch.com", "lemonde.fr", "spiegel.de",
    "elpais.com", "ndtv.com", "japantimes.co.jp", "abc.net.au", "globo.com", "cbc.ca",
)  # fmt: skip

#: Verified media accounts: display name, handle and the domain they link to.
MEDIA_OUTLETS = (
    ("World News Desk", "WorldNewsDesk", "worldnewsdesk.com"),
    ("The Morning Ledger", "MorningLedger", "morningledger.com"),
    ("Metro Daily", "MetroDailyNews", "metrodaily.co.uk"),
    ("Global Wire", "GlobalWireNews", "globalwire.net"),
    ("Channel 9 News", "Ch9News", "ch9news.com"),
    ("Pacific Times", "PacificTimes", "pacifictimes.com"),
    ("Sport Central", "SportCentral", "sportcentral.tv"),
    ("Tech Weekly", "TechWeeklyMag", "techweekly.io"),
)

#: Idols with fan communities: display name, handle and topic name.
IDOLS = (
    ("Luna Park ✨", "lunapark_official", "music"),
    ("Marco Vidal", "marcovidal10", "football"),
    ("Kai Streams", "kaistreams", "gaming"),
)

#: Genuine hashtag movements: hashtag, topic name and what participants say.
MOVEMENTS = (
    ("SaveOurLibraries", "politics", (
        "my library taught me to read", "libraries are not a luxury", "write to your council",
        "closing branches hurts kids first", "the library was my safe place growing up",
        "free wifi and a warm room matter", "our librarians deserve better",
        "I did all my homework at the library",
    )),
    ("ClimateStrike", "climate", (
        "we are striking for our future", "see you at the march", "no more empty promises",
        "my kids deserve a livable planet", "proud of the students leading this",
        "there is no planet B", "science says act now", "skipped work to march today",
    )),
    ("NurseAppreciation", "health", (
        "thank you to every nurse", "the night shift heroes", "my mum was a nurse for 30 years",
        "pay nurses what they deserve", "a nurse held my hand when nobody else could",
        "twelve-hour shifts and still smiling", "nurses saved my dad's life",
        "proud to be a nurse",
    )),
    ("BringBackTheShow", "movies", (
        "one more season please", "cancelling it was a mistake", "this show got me through",
        "the cast deserves better", "sign the petition, it matters",
        "rewatching the whole thing tonight", "that ending can't be the ending",
        "we need closure",
    )),
)  # fmt: skip

#: How movement participants close their posts (their own words, not a script).
MOVEMENT_CLOSERS = (
    "", "", "", " who's with me?", " RT if you agree", " 🙏", " we won't stop", " ✊",
    " tell your friends", " thread below", " so grateful", " this is just the start",
    " ❤️", " let's go", " share this",
)  # fmt: skip


def article_path(topic: str, day: str, words: list[str], n: int) -> str:
    """A news article path: ``/2019/08/01/politics/some-words-123``."""
    return f"/{day.replace('-', '/')}/{topic}/{'-'.join(words)}-{n}"
