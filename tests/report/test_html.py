"""report.html as a file: escaping, the Content-Security-Policy, no external references,
empty stores, determinism and the CLI."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from coordnet.cli import main
from coordnet.report import write_report
from coordnet.report.detail import safe_url
from coordnet.report.html import embed_json
from coordnet.store import open_store


def test_embedded_json_cannot_close_its_script() -> None:
    value = {"t": "</script><script>alert(1)</script><!-- & \u2028\u2029 >"}
    text = str(embed_json(value))
    assert not set("<>&\u2028\u2029") & set(text)
    assert json.loads(text) == value


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.com/a?b=1", True),
        ("http://example.com", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("vbscript:msgbox(1)", False),
        ("//evil.example/x", False),
        ("https://", False),
        ('https://evil.example/"><script>', True),
        (None, False),
    ],
)
def test_only_http_urls_become_links(url: str | None, ok: bool) -> None:
    assert (safe_url(url) is not None and safe_url(url) == url) is ok


@pytest.fixture(scope="module")
def report(detected: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("report") / "report.html"
    with open_store(detected / "store.duckdb") as st:
        assert write_report(st, out) == out
    return out.read_text(encoding="utf-8")


def test_csp_allows_exactly_the_inline_scripts_and_style(report: str) -> None:
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', report)
    assert csp
    content = html.unescape(csp.group(1))
    policy = dict(p.strip().split(" ", 1) for p in content.split(";"))
    assert policy["default-src"] == "'none'" and policy["img-src"] == "data:"
    scripts = re.findall(r"<script>(.*?)</script>", report, re.S)
    styles = re.findall(r"<style>(.*?)</style>", report, re.S)
    assert len(scripts) == 3 and len(styles) == 1

    def digest(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    assert sorted(policy["script-src"].split()) == sorted(digest(s) for s in scripts)
    assert policy["style-src"] == digest(styles[0])
    assert "unsafe-inline" not in content


def test_no_external_reference_and_no_inline_handlers(report: str) -> None:
    assert not re.search(r"<(link|img|iframe|object|embed)\b", report)
    assert not re.search(r"\ssrc\s*=", report)
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", report)
    assert not re.search(r"\sstyle\s*=", report)


def test_every_network_is_embedded(report: str, detected: Path) -> None:
    with open_store(detected / "store.duckdb") as st:
        ids = [r[0] for r in st.engine.rows("SELECT cluster_id FROM clusters WHERE reported")]
    for cid in ids:
        data = re.search(rf'<script type="application/json" id="net-{cid}">(.*?)</script>',
                         report, re.S)  # fmt: skip
        assert data and json.loads(data.group(1))["id"] == cid
        assert f'data-id="{cid}"' in report


def test_same_store_same_bytes(detected: Path, tmp_path: Path, report: str) -> None:
    with open_store(detected / "store.duckdb") as st:
        again = write_report(st, tmp_path / "again.html").read_text(encoding="utf-8")
    assert again == report


def test_zero_reported_networks_says_so(detected: Path, tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    shutil.copy(detected / "store.duckdb", store)
    with open_store(store) as st:
        st.engine.execute("UPDATE clusters SET reported = false")
        st.engine.execute("UPDATE cluster_members SET reported = false")
        text = write_report(st, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "No networks were reported" in text
    assert 'type="application/json" id="net-' not in text


def test_cli_report(detected: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "r.html"
    ok = runner.invoke(main, ["report", "--store", str(detected / "store.duckdb"),
                              "--out", str(out), "--network", "3"])  # fmt: skip
    assert ok.exit_code == 0, ok.output
    assert ok.output == f"wrote {out}\n"
    assert 'id="net-3"' in out.read_text(encoding="utf-8")
    bad = runner.invoke(main, ["report", "--store", str(detected / "store.duckdb"),
                               "--out", str(out), "--network", "999"])  # fmt: skip
    assert bad.exit_code == 2
    assert "Error:" in bad.output and "999 is not a reported network" in bad.output
