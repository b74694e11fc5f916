"""Session rows: shared infrastructure data into the sessions table."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import coordnet
from coordnet.store import Store


def test_sessions_are_read_and_bad_rows_kept(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "sessions.csv"
    path.write_text(
        "actor_id,time,ip,asn,country,is_vpn,device_id,user_agent\n"
        "u1,2019-08-13T12:00:00.250Z,203.0.113.7,AS4134,CN,true,d1,Mozilla/5.0\n"
        "u2,2019-08-13 20:00:00+08:00,198.51.100.2,AS7018,US,false,,\n"
        ",2019-08-13 12:00,203.0.113.7,,,,,\n"
        "u3,never,203.0.113.8,,,,,\n",
        encoding="utf-8",
    )
    f = coordnet.ingest([path], store).files[0]
    assert (f.format, f.n_records, f.n_sessions, f.n_rejects) == ("sessions", 4, 2, 2)
    rows = store.engine.rows("SELECT actor_id, time, ip, country, is_vpn FROM sessions ORDER BY 1")
    assert rows == [
        ("u1", datetime(2019, 8, 13, 12, 0, 0, 250000), "203.0.113.7", "CN", True),
        ("u2", datetime(2019, 8, 13, 12, 0), "198.51.100.2", "US", False),
    ]
    assert dict(store.engine.rows("SELECT source_line, reason FROM rejects")) == {
        4: "missing actor: field actor_id is empty",
        5: "bad time: field time = 'never' is not a date-time",
    }
