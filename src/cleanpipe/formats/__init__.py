"""Datasets of records in and out: JSONL (plain, `.gz`, `.zst`) and Parquet.

A record is a row with a text field and, usually, an id field; every other field passes
through untouched. `columns` holds the per-row logic that the local runner, a pyarrow batch
job and Ray all share, so they produce the same text and the same report for the same row.
"""

from __future__ import annotations

from pathlib import Path

from cleanpipe.formats.columns import REPORT_COLUMNS, Fields, clean_row, report_columns
from cleanpipe.formats.parquet import clean_table  # imports pyarrow only when called

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.zst", ".ndjson", ".ndjson.gz", ".ndjson.zst")
PARQUET_SUFFIXES = (".parquet", ".pq")


def detect_format(path: str | Path) -> str | None:
    """`"jsonl"`, `"parquet"`, or None when the name says neither (e.g. a directory)."""
    name = Path(path).name.lower()
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(PARQUET_SUFFIXES):
        return "parquet"
    return None


__all__ = [
    "JSONL_SUFFIXES",
    "PARQUET_SUFFIXES",
    "REPORT_COLUMNS",
    "Fields",
    "clean_row",
    "clean_table",
    "detect_format",
    "report_columns",
]
