"""Ingest is atomic per file: a run killed mid-file leaves the store consistent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import coordnet

BIG_CSV = r"""
COPY (
  SELECT ((((1565000000000 + i * 937) - 1288834974657) << 22) + (i % 4096))::VARCHAR AS tweetid,
         (i % 5000)::VARCHAR AS userid, 'text ' || i || ' #tag' || (i % 9) AS tweet_text,
         strftime(make_timestamp((1565000000000 + i * 937) * 1000), '%Y-%m-%d %H:%M')
             AS tweet_time,
         'False' AS is_retweet, '[tag' || (i % 9) || ']' AS hashtags,
         '[https://www.example.com/a/' || (i % 777) || '?utm_source=x]' AS urls
  FROM range({rows}) t(i)
) TO '{path}' (HEADER)
"""


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def make_big_csv(path: Path, rows: int) -> Path:
    with coordnet.open_store() as st:
        st.engine.execute(BIG_CSV.format(rows=rows, path=path))
    return path


@pytest.mark.slow
def test_killed_ingest_leaves_store_consistent_and_rerunnable(
    data_dir: Path, tmp_path: Path
) -> None:
    db = tmp_path / "store.duckdb"
    coordnet.ingest([data_dir / "io_tweets.csv"], db)
    big = make_big_csv(tmp_path / "big.csv", 1_500_000)
    code = f"import coordnet; coordnet.ingest([{str(big)!r}], {str(db)!r})"
    proc = subprocess.Popen([sys.executable, "-c", code])
    # Kill once the child has spent 2.5 s of CPU (start-up takes well under 1 s, the whole
    # ingest many seconds): mid-file on a fast or a busy machine alike.
    deadline = time.monotonic() + 120
    while cpu_seconds(proc.pid) < 2.5 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "ingest finished before it could be interrupted"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    with coordnet.open_store(db) as store:
        info = store.info()
        assert (info.n_actions, info.n_sources, info.n_rejects) == (6, 1, 0)
        assert info.n_actors == 3
    report = coordnet.ingest([big], db)
    assert report.files[0].n_actions == 1_500_000
    with coordnet.open_store(db) as store:
        assert store.info().n_actions == 1_500_006
        assert store.info().n_sources == 2
