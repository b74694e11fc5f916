"""coordnet: find coordinated inauthentic behaviour in social-media activity.

The public surface; the CLI (``coordnet --help``) mirrors it one to one.
"""

from __future__ import annotations

from coordnet._version import __version__

# Ingest first: coordnet.ingest and coordnet.store import each other.
from coordnet.ingest import FileReport, IngestReport, ingest  # isort: skip
from coordnet.detect import DetectConfig, DetectResult, detect
from coordnet.errors import (
    CoordnetError,
    InputError,
    MappingError,
    MissingColumnsError,
    MissingDependencyError,
    StoreError,
    UnknownFormatError,
)
from coordnet.evaluate import Evaluation, evaluate
from coordnet.explain import Explanation, explain
from coordnet.export.disclose import disclose
from coordnet.export.graph import export_graph
from coordnet.export.indicators import export_indicators, match_indicators
from coordnet.export.takedown import takedown, write_takedown
from coordnet.report import write_report
from coordnet.store import Store, StoreInfo, open_store

__all__ = [
    "CoordnetError",
    "DetectConfig",
    "DetectResult",
    "Evaluation",
    "Explanation",
    "FileReport",
    "IngestReport",
    "InputError",
    "MappingError",
    "MissingColumnsError",
    "MissingDependencyError",
    "Store",
    "StoreError",
    "StoreInfo",
    "UnknownFormatError",
    "__version__",
    "detect",
    "disclose",
    "evaluate",
    "explain",
    "export_graph",
    "export_indicators",
    "ingest",
    "match_indicators",
    "open_store",
    "takedown",
    "write_report",
    "write_takedown",
]
