"""Readers for the formats investigators hold, all writing one canonical store."""

from __future__ import annotations

from coordnet.ingest.pipeline import FileReport, IngestReport, ingest
from coordnet.ingest.registry import all_readers, choose_reader, get_reader
from coordnet.ingest.source import SourceFile, inspect_source

__all__ = [
    "FileReport",
    "IngestReport",
    "SourceFile",
    "all_readers",
    "choose_reader",
    "get_reader",
    "ingest",
    "inspect_source",
]
