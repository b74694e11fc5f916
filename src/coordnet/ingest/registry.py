"""The list of input formats, and picking one for a file.

Readers are tried in the order of :data:`READERS`; the first whose ``sniff`` is most
confident wins. Entries are ``"module:attribute"`` where the attribute is a
:class:`~coordnet.ingest._base.Reader` subclass or a function returning readers (presets).
"""

from __future__ import annotations

import importlib
from functools import cache

from coordnet.errors import InputError, UnknownFormatError
from coordnet.ingest._base import Reader
from coordnet.ingest.source import SourceFile

__all__ = ["READERS", "all_readers", "choose_reader", "get_reader"]

READERS: tuple[str, ...] = (
    "coordnet.ingest.twitter_io:TwitterIOTweets",
    "coordnet.ingest.twitter_io:TwitterIOUsers",
    "coordnet.ingest.sessions:SessionsCSV",
    "coordnet.ingest.crowdtangle:CrowdTangle",
    "coordnet.ingest.telegram:TelegramExport",
    "coordnet.ingest.twitter_api:TwitterAPIv1",
    "coordnet.ingest.twitter_api:TwitterAPIv2",
    "coordnet.ingest.tabular:Tabular",
    "coordnet.ingest.tabular:preset_readers",
)


@cache
def all_readers() -> tuple[Reader, ...]:
    """Every registered reader, instantiated once, in priority order."""
    found: list[Reader] = []
    for entry in READERS:
        module_name, attr = entry.split(":")
        obj = getattr(importlib.import_module(module_name), attr)
        if isinstance(obj, type) and issubclass(obj, Reader):
            found.append(obj())
        else:
            found.extend(obj())
    return tuple(found)


def get_reader(name: str) -> Reader:
    """The reader called ``name`` (as given to ``--format``)."""
    readers = {r.name: r for r in all_readers()}
    if name not in readers:
        raise InputError(f"unknown format {name!r}; choose one of: {', '.join(sorted(readers))}")
    return readers[name]


def choose_reader(src: SourceFile) -> Reader:
    """The reader that recognises ``src`` best; :class:`UnknownFormatError` if none does."""
    scored = [(r.sniff(src), -i, r) for i, r in enumerate(all_readers())]
    best_score, _, best = max(scored, key=lambda t: (t[0], t[1]))
    if best_score > 0:
        return best
    near = sorted(
        ((r.coverage(src), r) for r in all_readers() if r.coverage(src) > 0),
        key=lambda t: -t[0],
    )[:3]
    kind = src.container.upper()
    seen = f"columns: {', '.join(src.columns[:12])}" if src.columns else "no header"
    if near:
        present = {x.lower() for x in src.columns}
        hints = "; ".join(
            f"{r.name} lacks "
            + ", ".join(c for c in r.required_columns if c.lower() not in present)
            for _, r in near
        )
        detail = f"closest formats: {hints}"
    else:
        detail = "no format comes close"
    raise UnknownFormatError(
        f"{src.display}: unrecognised {kind} file ({seen}); {detail}. "
        "Name the format with --format, or map columns with --format tabular --map FIELD=COLUMN."
    )
