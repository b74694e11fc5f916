"""The curated public surface is pinned: adding or removing a name is a deliberate act."""

from __future__ import annotations

import coordnet


def test_public_names() -> None:
    assert coordnet.__all__ == sorted(coordnet.__all__)
    assert set(coordnet.__all__) == {
        "CoordnetError", "Evaluation", "FileReport", "IngestReport", "InputError",
        "MappingError", "MissingColumnsError", "MissingDependencyError", "Store", "StoreError",
        "StoreInfo", "UnknownFormatError", "__version__", "evaluate", "ingest", "open_store",
        "DetectConfig", "DetectResult", "Explanation", "detect", "disclose", "explain",
        "export_graph", "export_indicators", "match_indicators", "takedown", "write_report",
        "write_takedown",
    }  # fmt: skip


def test_errors_subclass_builtins() -> None:
    assert issubclass(coordnet.InputError, ValueError)
    assert issubclass(coordnet.UnknownFormatError, coordnet.CoordnetError)
    assert issubclass(coordnet.StoreError, RuntimeError)
    assert issubclass(coordnet.MissingDependencyError, ImportError)
