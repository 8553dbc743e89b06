"""Which dataset format a path names: JSONL (plain, `.gz`, `.zst`) or Parquet."""

from __future__ import annotations

from pathlib import Path

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
