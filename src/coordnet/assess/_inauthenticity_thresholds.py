"""The thresholds of the inauthenticity indicators, each with the reason for its value.

Shared by the queries, the statistics and the verdicts of :mod:`.inauthenticity`, and
importable from there.
"""

from __future__ import annotations

__all__ = [
    "ALPHA",
    "COUNTER_SPREAD",
    "FAMILIES",
    "FEW_FOLLOWERS",
    "FOLLOW_RATIO",
    "LONG_DIGITS",
    "MAX_DRAWN",
    "MIN_COUNTER_GROUP",
    "MIN_FOLLOWING",
    "MIN_MEMBERS",
    "NEW_ACCOUNT_DAYS",
    "N_DRAWS",
    "SIMILAR_FOLLOWERS",
    "WINDOW_HOURS",
]

#: Width of the creation-burst window. Scripted or hired sign-up runs take hours to a day or
#: two; archives give creation *dates*, and 48 hours then spans two calendar days.
WINDOW_HOURS = 48
#: An account younger than this at its first action in the data is "new": room for a sign-up
#: run and a short warm-up before use, while few genuine accounts are first seen so young
#: (the population rate says how few in each store).
NEW_ACCOUNT_DAYS = 30
#: Digits a handle must end in to be "a name and a long number": longer than a birth year
#: (4) or a two-digit number; Twitter's suggested handles carry 8, fewer when a long name is
#: cut to the 15-character limit.
LONG_DIGITS = 6
#: "Very few followers": below the 30 that Cresci et al. 2015 list as a human trait.
FEW_FOLLOWERS = 30
#: "Following far more than followers": this many times more, and at least
#: :data:`MIN_FOLLOWING` accounts followed (a new genuine user following 20 says nothing).
FOLLOW_RATIO = 10
MIN_FOLLOWING = 100
#: A shared handle prefix is a *counter* when at least :data:`MIN_COUNTER_GROUP` members
#: carry it with numbers of one width spread over fewer than ``COUNTER_SPREAD`` per member
#: (nine in ten numbers may be unused); random suffixes essentially never are this close.
MIN_COUNTER_GROUP = 3
COUNTER_SPREAD = 10
#: "Near-identical follower counts": within this factor of each other, counting ``1 +
#: followers`` (100 to 150, 10 to 15, 0 with 0): the spread of a batch of accounts made or
#: bought together, far narrower than any platform's follower distribution.
SIMILAR_FOLLOWERS = 1.5
#: Tail probability below which a cluster indicator counts: 0.1 % over the twelve tests of a
#: cluster (Bonferroni), so a random set of accounts trips any of them about once in 1,000.
ALPHA = 1e-4
#: Clusters with fewer members with a field are not tested on it: a share of one or two
#: accounts says nothing about a group.
MIN_MEMBERS = 3
#: Random sets drawn per cluster size for the expected densest-window share, and the cap on
#: creation hours drawn per size (large clusters need fewer sets: their maximum varies little).
N_DRAWS = 200
MAX_DRAWN = 2_000_000
#: The indicator families; a cluster's score is the mean of their scores.
FAMILIES = ("creation", "handles", "profile", "followers", "client")
