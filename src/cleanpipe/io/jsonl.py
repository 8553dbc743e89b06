"""JSON Lines in and out, plain or compressed (`.gz`, `.zst`), read and written in batches.

Lines travel to workers as raw bytes and are parsed there, so a pool spends its cores on
JSON too, not only on cleaning. A record's other fields are written back as they were read
(same keys, same order, same values).
"""

from __future__ import annotations

import gzip
import io
import json
import os
import sys
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cleanpipe.document import Record
from cleanpipe.io.decode import decode_bytes
from cleanpipe.io.formats import InputError, check_magic
from cleanpipe.io.rows import (
    CleanedBatch,
    Fields,
    clean_row,
    error_record,
    report_columns,
    row_id,
)
from cleanpipe.optional import load
from cleanpipe.pipeline import Pipeline


def _zstandard() -> Any:
    return load("zstandard", extra="zstd", purpose="reading or writing .zst files")


def open_binary(path: Path, mode: str = "rb") -> IO[bytes]:
    """Open `path` for binary reading or writing, (de)compressing by its suffix."""
    name = path.name.lower()
    if name.endswith(".gz"):
        # mtime=0: the same rows give the same bytes on every run
        if "w" in mode:
            return gzip.GzipFile(path, mode, mtime=0)  # type: ignore[return-value]
        return gzip.open(path, mode)  # type: ignore[return-value]
    if name.endswith(".zst"):
        stream = _zstandard().open(path, mode)
        # zstandard's reader cannot iterate lines itself; a buffer on top can
        return stream if "w" in mode else io.BufferedReader(stream)  # type: ignore[no-any-return]
    return path.open(mode)  # type: ignore[return-value]


def read_batches(path: Path, batch_size: int) -> Iterator[list[bytes]]:
    """The file's non-blank lines, `batch_size` at a time (blank lines are not rows).

    A compressed stream that ends early or is corrupt raises InputError (after the rows
    before the damage were yielded): the caller must not take its output for complete.
    """
    check_magic(path)
    batch: list[bytes] = []
    rows = 0
    try:
        with open_binary(path) as handle:
            for line in handle:
                if not line.strip():
                    continue
                batch.append(line)
                rows += 1
                if len(batch) >= batch_size:
                    yield batch
                    batch = []
    except EOFError:
        raise InputError(
            f"{path}: truncated: the compressed stream ends before its end marker "
            f"(after {rows:,} rows)"
        ) from None
    except (OSError, zlib.error, _zstd_error()) as exc:  # gzip.BadGzipFile is an OSError
        raise InputError(f"{path}: corrupt data after {rows:,} rows: {exc}") from None
    if batch:
        yield batch


def _zstd_error() -> type[Exception]:
    """zstandard's error class, if it is loaded (else one that read_batches catches anyway)."""
    return getattr(sys.modules.get("zstandard"), "ZstdError", OSError)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class JsonlBatch:
    """What a worker needs to clean one batch of lines."""

    first_row: int
    lines: list[bytes]


@dataclass(frozen=True)
class RowSettings:
    """How rows are read and written; the same for every batch of a run."""

    fields: Fields = field(default_factory=Fields)
    path: str | None = None  # the input file's name, recorded as each row's `path`
    output: str | None = None  # the output file's name, recorded for rows written
    report_columns: bool = False
    keep_dropped: bool = False
    max_bytes: int | None = None  # longer texts are cut (see clean_row)


def clean_batch(pipeline: Pipeline, settings: RowSettings, batch: JsonlBatch) -> CleanedBatch:
    """Clean a batch of JSON lines: the output lines and a report record per row."""
    seconds: Counter[str] = Counter()
    lines: list[str] = []
    records: list[Record] = []
    for offset, raw in enumerate(batch.lines):
        row = batch.first_row + offset
        found = _parse(raw)
        if isinstance(found, str):  # unreadable: reported, and not written (no row to keep)
            # No id could be read: a row number in its place could clash with a real id.
            record = error_record(pipeline, None, found, settings.path)
            record["metadata"] = {"row": row}
            records.append(record)
            continue
        parsed, decoding = found
        doc_id = row_id(parsed.get(settings.fields.id), row)
        text, record = clean_row(
            pipeline,
            doc_id,
            parsed.get(settings.fields.text),
            text_field=settings.fields.text,
            path=settings.path,
            output=settings.output,
            max_bytes=settings.max_bytes,
            seconds=seconds,
            metadata=decoding,
        )
        records.append(record)
        if record["status"] == "ok" or settings.keep_dropped:
            parsed[settings.fields.text] = text
            if settings.report_columns:
                parsed.update(report_columns(record))
            lines.append(json.dumps(parsed, ensure_ascii=False) + "\n")
    return CleanedBatch(lines, records, seconds)


def _parse(raw: bytes) -> tuple[dict[str, Any], dict[str, Any]] | str:
    """The record on a line and the metadata its decoding adds, or why it is not a record.

    A line that is not valid UTF-8 (a few bytes of Latin-1 in a scraped text) is decoded as
    a file would be (`decode_bytes`), and flagged `row_not_utf8`, rather than lost whole.
    """
    decoding: dict[str, Any] = {}
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        decoded = decode_bytes(raw)
        text = decoded.text
        decoding = {
            "row_not_utf8": True,
            "encoding": decoded.encoding,
            "encoding_confidence": decoded.confidence,
            "encoding_source": decoded.source,
        }
        if decoded.replaced:
            decoding["decode_replaced"] = True
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return f"invalid JSON: {exc.msg} (column {exc.colno})"
    if not isinstance(value, dict):
        return f"a JSON {type(value).__name__}, not an object"
    return value, decoding


class JsonlWriter:
    """Writes lines to a temporary file renamed into place on `close`: never half a file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # keep the real suffix last so the right compression is chosen
        self._temporary = path.with_name(f".tmp.{os.getpid()}.{path.name}")
        self._handle = open_binary(self._temporary, "wb")

    def write(self, lines: list[str]) -> None:
        self._handle.write("".join(lines).encode("utf-8"))

    def close(self) -> None:
        """Close and rename into place (nothing, after `abort`)."""
        if self._handle.closed:
            return
        self._handle.close()
        self._temporary.replace(self.path)

    def abort(self) -> None:
        """Close and delete the temporary file: the output never takes its final name."""
        try:
            self._handle.close()  # may fail (a full disk): the file goes all the same
        finally:
            self._temporary.unlink(missing_ok=True)
