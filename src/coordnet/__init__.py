"""coordnet: find coordinated inauthentic behaviour in social-media activity.

The public surface; the CLI (``coordnet --help``) mirrors it one to one.
"""

from __future__ import annotations

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
from coordnet.ingest import FileReport, IngestReport, ingest
from coordnet.store import Store, StoreInfo, open_store

__version__ = "0.1.0"

__all__ = [
    "CoordnetError",
    "Evaluation",
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
    "evaluate",
    "ingest",
    "open_store",
]
