"""Column mappings for the generic ``tabular`` reader, from a TOML file and/or ``--map``.

A mapping file looks like::

    table = "actions"          # or "actors"
    platform = "twitter"

    [mapping]                  # canonical field = source column
    action_id = "tweet_id"
    actor_id = "user_id"
    time = "created_at"
    text = "text"

``--map FIELD=COLUMN`` pairs on the command line add to (and override) the file's
``[mapping]`` table.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from coordnet.errors import MappingError

__all__ = ["load_mapping"]


def load_mapping(path: str | Path | None, pairs: Iterable[str] = ()) -> dict[str, Any]:
    """Merge a TOML mapping file and ``FIELD=COLUMN`` pairs into one mapping config."""
    config: dict[str, Any] = {}
    if path is not None:
        try:
            config = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise MappingError(f"{path}: cannot read mapping file ({exc})") from exc
        except tomllib.TOMLDecodeError as exc:
            raise MappingError(f"{path}: not valid TOML ({exc})") from exc
    columns = dict(config.get("mapping", {}))
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise MappingError(f"--map {pair!r}: expected FIELD=COLUMN, e.g. actor_id=user_id")
        columns[field.strip()] = column.strip()
    config["mapping"] = columns
    return config
