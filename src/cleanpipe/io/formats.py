"""Which dataset format a path names: JSONL (plain, `.gz`, `.zst`) or Parquet."""

from __future__ import annotations

from pathlib import Path

# What a file must start with to be what its name says (checked before a run writes anything).
MAGIC = {".gz": (b"\x1f\x8b", "gzip"), ".zst": (b"\x28\xb5\x2f\xfd", "zstd")}
PARQUET_MAGIC = b"PAR1"


class InputError(Exception):
    """A dataset file that cannot be read through: `path: what is wrong`, one line."""


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


def check_magic(path: Path) -> None:
    """Raise InputError when a compressed file's first bytes are not its format's magic."""
    for suffix, (magic, kind) in MAGIC.items():
        if path.name.lower().endswith(suffix):
            try:
                with path.open("rb") as handle:
                    head = handle.read(len(magic))
            except OSError as exc:
                raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
            if head and head != magic:  # an empty file holds no rows, compressed or not
                raise InputError(f"{path}: not {kind} data (it starts with {head!r})")
