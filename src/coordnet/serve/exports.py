"""Exports of the networks analysts have confirmed: takedown summary, disclosure, indicators.

Only a network whose current decision is ``confirmed`` (and that the latest detect run
reported) is ever exported: a finding leaves the team only after a person has checked it.
Each export is written by the same library function as the command line uses
(:func:`coordnet.export.takedown.write_takedown`, :func:`coordnet.export.disclose.disclose`,
:func:`coordnet.export.indicators.export_indicators`) into a temporary folder and returned
as one ZIP archive.

The disclosure data set hashes small accounts with a secret salt. The web app never makes
one up: it uses the salt file named when the server was started (``--salt-file``) and
refuses the disclosure export otherwise, so that two releases of the same network always
use the same salt.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from coordnet.errors import InputError
from coordnet.networks import reported_networks
from coordnet.serve.decisions import current_decisions
from coordnet.store import Store

__all__ = ["EXPORT_KINDS", "NoConfirmedNetworks", "confirmed_networks", "export_confirmed"]

#: What can be exported, with the file name of the archive.
EXPORT_KINDS: dict[str, str] = {
    "takedown": "coordnet-takedown.zip",
    "disclosure": "coordnet-disclosure.zip",
    "indicators": "coordnet-indicators.zip",
}


class NoConfirmedNetworks(InputError):
    """There is nothing to export: no reported network is confirmed."""


def confirmed_networks(store: Store) -> list[int]:
    """Reported networks whose current decision is ``confirmed``, strongest first."""
    current = current_decisions(store, "network")
    return [n for n in reported_networks(store)
            if (d := current.get(str(n))) is not None and d.decision == "confirmed"]  # fmt: skip


def export_confirmed(
    store: Store, kind: str, *, salt_file: str | Path | None = None
) -> tuple[str, bytes]:
    """Export the confirmed networks as ``kind`` (one of :data:`EXPORT_KINDS`); returns the
    archive's file name and bytes.

    Raises :class:`NoConfirmedNetworks` when no network is confirmed and
    :class:`InputError` for an unknown kind, or for a disclosure without ``salt_file``.
    """
    if kind not in EXPORT_KINDS:
        raise InputError(f"export {kind!r} is not one of {', '.join(EXPORT_KINDS)}")
    if kind == "disclosure" and salt_file is None:
        raise InputError(
            "the disclosure export needs the secret salt: start the server with "
            "--salt-file FILE (make one with coordnet disclose --new-salt-file)"
        )
    ids = confirmed_networks(store)
    if not ids:
        raise NoConfirmedNetworks(
            "no network is confirmed yet: only networks an analyst confirmed are exported"
        )
    with tempfile.TemporaryDirectory(prefix="coordnet-export-") as tmp:
        out = Path(tmp) / kind
        if kind == "takedown":
            from coordnet.export.takedown import write_takedown

            write_takedown(store, out, networks=ids)
        elif kind == "disclosure":
            from coordnet.export.disclose import disclose, read_salt_file

            salt = read_salt_file(str(salt_file), out_dir=out)
            disclose(store, out, networks=ids, salt=salt)
        else:
            from coordnet.export.indicators import export_indicators

            export_indicators(store, out, networks=ids)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(out.rglob("*")):
                if path.is_file():
                    archive.write(path, f"{kind}/{path.relative_to(out).as_posix()}")
    return EXPORT_KINDS[kind], buffer.getvalue()
