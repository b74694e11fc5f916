"""``report.html``: one self-contained, offline HTML file of a store's reported networks.

:func:`write_report` gathers the data (:mod:`coordnet.report.data`), turns each network
into a JSON document (:mod:`coordnet.report.detail`: charts, tables, graph with positions)
and renders ``templates/report.html.j2`` with the vendored sigma.js and graphology and our
own ``static/report.js`` / ``report.css`` inlined. The page opens fast with thousands of
networks: the list is one compact table, and each network's detail is JSON in a
``<script type="application/json">`` element (the browser only scans it) that ``report.js``
renders, and whose graph it draws, only when the network is opened.

Everything from the data (post text, names, handles, URLs, descriptions, reasons) is
hostile. Safeguards:

* Jinja2 autoescaping on every template; charts escape their text themselves and are
  parsed by ``report.js`` as XML (``image/svg+xml``), never as HTML.
* JSON embedded in ``<script type="application/json">`` with ``<``, ``>``, ``&``, U+2028
  and U+2029 written as ``\\uXXXX`` (it can never close the script element).
* Only ``http``/``https`` URLs with a host become links, with ``rel="noopener
  noreferrer"`` and ``target="_blank"``; everything else is plain text.
* A ``Content-Security-Policy`` meta tag: ``default-src 'none'``, scripts and the style
  sheet allowed only by their SHA-256 hashes (so injected markup could run nothing, not even
  an inline event handler), images only as ``data:``; no request can leave the page.
* ``report.js`` builds its DOM with ``createElement``/``textContent``, never ``innerHTML``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from coordnet._version import __version__
from coordnet.networks import detect_settings
from coordnet.report.data import NetworkData, ReportData, gather
from coordnet.report.detail import fmt_lag, fmt_num, fmt_short, fmt_when, network_detail, safe_url
from coordnet.store import Store

__all__ = ["embed_json", "read_asset", "render_report", "write_report"]

_VENDOR = ("graphology.umd.min.js", "sigma.min.js")
_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def write_report(
    store: Store,
    path: str | Path,
    *,
    networks: Iterable[int] | None = None,
    settings: Mapping[str, Any] | None = None,
    title: str | None = None,
) -> Path:
    """Write the HTML report of ``networks`` (ids; default every reported network) to ``path``.

    ``settings``: the detect settings to list with the signal parameters (e.g.
    ``dataclasses.asdict(DetectConfig)``); the store keeps only the signals' own. A store
    with no reported network gives a report that says so. Raises
    :class:`~coordnet.errors.InputError` when the store has no detection results or an id is
    not a reported network. The file is written to a temporary name and renamed, so a
    failed run never leaves half a report. Returns ``path``.
    """
    target = Path(path)
    data = gather(store, networks)
    if settings is None:
        settings = detect_settings(store)
    text = render_report(data, settings=settings, title=title)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def embed_json(value: Any) -> Markup:
    """``value`` as JSON safe to place inside ``<script type="application/json">``."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    for char, escaped in _JSON_ESCAPES.items():
        text = text.replace(char, escaped)
    return Markup(text)


def read_asset(*parts: str) -> str:
    """A file of the report package (``static/report.js``, ``vendor/sigma.min.js``...) as
    text, as the report inlines it; ``coordnet serve`` serves the same files."""
    text = resources.files("coordnet.report").joinpath(*parts).read_text(encoding="utf-8")
    # A source-map comment would make developer tools request a file that is not there.
    lines = [ln for ln in text.splitlines() if not ln.startswith("//# sourceMappingURL=")]
    return "\n".join(lines)


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("coordnet.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(num=fmt_num, when=fmt_when, safe_url=safe_url, lag=fmt_lag, short=fmt_short)
    return env


def render_report(
    data: ReportData, *, settings: Mapping[str, Any] | None = None, title: str | None = None
) -> str:
    """The report's HTML for already gathered ``data`` (see :func:`write_report`)."""
    env = _environment()
    scripts = [read_asset("vendor", name) for name in _VENDOR]
    scripts.append(read_asset("static", "report.js"))
    css = read_asset("static", "report.css")
    csp = "; ".join([
        "default-src 'none'",
        "script-src " + " ".join(_sha256(s) for s in scripts),
        "style-src " + _sha256(css),
        "img-src data:",
        "base-uri 'none'",
        "form-action 'none'",
    ])  # fmt: skip
    rows = [_list_row(net) for net in data.networks]
    details = [
        (net.cluster["cluster_id"], embed_json(network_detail(net))) for net in data.networks
    ]
    return env.get_template("report.html.j2").render(
        title=title or f"coordnet report: {len(rows)} network(s)",
        version=__version__,
        csp=csp,
        css=Markup(css),
        scripts=[Markup(s) for s in scripts],
        data=data,
        rows=rows,
        details=details,
        settings=json.dumps(settings, indent=2, default=str, sort_keys=True) if settings else None,
    )


def _list_row(net: NetworkData) -> dict[str, Any]:
    c = net.cluster
    handles = [m["handle"] or m["actor_id"] for m in net.members[:30] if m["reported"]]
    search = " ".join([str(c["cluster_id"]), *(c["signals"] or []), *map(str, handles)])
    return {**c, "search": search.lower()}
