"""co-hashtag and co-domain by hand: case-folded tags, normalised hosts, reposts left out."""

from __future__ import annotations

from pathlib import Path

import coordnet
from coordnet.signals import CoDomain, CoHashtag
from coordnet.store import Store

HEADER = "tweetid,userid,tweet_text,tweet_time,is_retweet,retweet_tweetid,hashtags,urls\n"


def test_hashtags_and_domains(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text(HEADER + "\n".join([
        "1,a,x,2019-01-01 00:00:00,False,,[StopViolence],[https://www.site.example/a]",
        "2,b,y,2019-01-01 00:00:30,False,,[stopviolence],[https://site.example/b?utm_source=t]",
        "3,c,rt,2019-01-01 00:00:40,True,1,[StopViolence],[https://site.example/a]",
        "4,d,z,2019-01-01 00:10:00,False,,[StopViolence],[https://site.example/c]",
    ]) + "\n", encoding="utf-8")  # fmt: skip
    coordnet.ingest([path], store)
    tags = CoHashtag(window=60).fit(store, evidence_q=1.0)
    assert [(e["source"], e["target"]) for e in tags.edges_.to_pylist()] == [("a", "b")]
    assert tags.evidence_.to_pylist()[0]["object"] == "stopviolence"
    domains = CoDomain(window=60).fit(store, evidence_q=1.0)
    assert [(e["source"], e["target"]) for e in domains.edges_.to_pylist()] == [("a", "b")]
    assert domains.evidence_.to_pylist()[0]["object"] == "site.example"
