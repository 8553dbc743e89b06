"""Arrow tables and Parquet files: clean a text column in place, add the report columns.

`clean_table` is the pyarrow entry point (and what Ray's `map_batches` calls); the rest
streams a Parquet file through it batch by batch. Other columns keep their values and types.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cleanpipe.document import Record
from cleanpipe.io.formats import InputError
from cleanpipe.io.jsonl import RowSettings
from cleanpipe.io.rows import REPORT_COLUMNS, CleanedBatch, Fields, clean_row, row_id
from cleanpipe.optional import load
from cleanpipe.pipeline import Pipeline

if TYPE_CHECKING:
    from collections.abc import Iterator

    import pyarrow as pa


def pyarrow() -> Any:
    return load("pyarrow", extra="parquet", purpose="Parquet")


def clean_table(
    table: pa.Table | pa.RecordBatch,
    pipeline: Pipeline,
    *,
    text_field: str = "text",
    id_field: str = "id",
    first_row: int | None = 0,
    path: str | None = None,
    output: str | None = None,
    max_bytes: int | None = None,
    seconds: Counter[str] | None = None,
) -> pa.Table:
    """`table` with its text column cleaned and the report columns appended; every row kept.

    Rows that were dropped or failed get an empty text: filter on `cleanpipe_status`. Without
    an id column a row's id is `first_row` plus its position (pass None to demand ids).
    """
    pa = pyarrow()
    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    if text_field not in table.column_names:
        raise KeyError(f"no column {text_field!r} (columns: {', '.join(table.column_names)})")
    texts = table.column(text_field).to_pylist()
    ids = (
        table.column(id_field).to_pylist()
        if id_field in table.column_names
        else [None] * len(texts)
    )
    cleaned: list[str] = []
    records: list[Record] = []
    for offset, (value, text) in enumerate(zip(ids, texts, strict=True)):
        row = None if first_row is None else first_row + offset
        clean, record = clean_row(
            pipeline,
            row_id(value, row),
            text,
            text_field=text_field,
            path=path,
            output=output,
            max_bytes=max_bytes,
            seconds=seconds,
        )
        cleaned.append(clean)
        records.append(record)
    index = table.column_names.index(text_field)
    text_type = table.schema.field(index).type
    if not (pa.types.is_string(text_type) or pa.types.is_large_string(text_type)):
        text_type = pa.string()
    table = table.set_column(
        index, pa.field(text_field, text_type), pa.array(cleaned, type=text_type)
    )
    table = table.drop_columns([c for c in REPORT_COLUMNS if c in table.column_names])
    columns = {
        "cleanpipe_status": [r["status"] for r in records],
        "cleanpipe_reason": [r["reason"] for r in records],
        "cleanpipe_report": [json.dumps(r, ensure_ascii=False) for r in records],
    }
    for name in REPORT_COLUMNS:  # typed explicitly: an all-null batch must keep the schema
        table = table.append_column(
            pa.field(name, pa.string()), pa.array(columns[name], type=pa.string())
        )
    return table


@dataclass(frozen=True)
class ParquetBatch:
    first_row: int
    table: pa.Table


def read_batches(path: Path, batch_size: int) -> Iterator[pa.Table]:
    """The file's rows, `batch_size` at a time; InputError when it is damaged midway."""
    handle = _open(path)
    rows = 0
    batches = handle.iter_batches(batch_size=batch_size)
    while True:
        try:
            batch = next(batches)
        except StopIteration:
            return
        except (pyarrow().ArrowException, OSError) as exc:
            raise InputError(f"{path}: corrupt Parquet data after {rows:,} rows: {exc}") from None
        rows += batch.num_rows
        yield pyarrow().Table.from_batches([batch])


def input_schema(path: Path) -> pa.Schema:
    return _open(path).schema_arrow


def _open(path: Path) -> Any:
    """The Parquet file, or InputError saying why it is not one (one line)."""
    try:
        return _parquet().ParquetFile(path)
    except (pyarrow().ArrowException, OSError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{path}: not a Parquet file ({reason})") from None


def clean_batch(pipeline: Pipeline, settings: RowSettings, batch: ParquetBatch) -> CleanedBatch:
    """Clean one batch for a file run: the rows to write and a report record per row."""
    fields: Fields = settings.fields
    seconds: Counter[str] = Counter()
    table = clean_table(
        batch.table,
        pipeline,
        text_field=fields.text,
        id_field=fields.id,
        first_row=batch.first_row,
        path=settings.path,
        output=settings.output,
        max_bytes=settings.max_bytes,
        seconds=seconds,
    )
    records = [json.loads(r) for r in table.column("cleanpipe_report").to_pylist()]
    if not settings.keep_dropped:
        table = table.filter(_ok_mask(table))
    if not settings.report_columns:
        table = table.drop_columns(list(REPORT_COLUMNS))
    return CleanedBatch(table, records, seconds)


def _ok_mask(table: pa.Table) -> Any:
    import pyarrow.compute as pc

    return pc.equal(table.column("cleanpipe_status"), "ok")


def _parquet() -> Any:
    pyarrow()
    import pyarrow.parquet as pq

    return pq


class ParquetWriter:
    """Streams tables into one Parquet file, renamed into place on `close`."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path = path
        self._temporary = path.with_name(f".tmp.{os.getpid()}.{path.name}")
        self._writer = _parquet().ParquetWriter(self._temporary, schema)
        self._schema = schema
        self._closed = False

    def write(self, table: pa.Table) -> None:
        if table.num_rows:
            self._writer.write_table(table.cast(self._schema))

    def close(self) -> None:
        """Close and rename into place (nothing, after `abort`)."""
        if self._closed:
            return
        self._closed = True
        self._writer.close()
        self._temporary.replace(self.path)

    def abort(self) -> None:
        """Close and delete the temporary file: the output never takes its final name."""
        try:
            if not self._closed:
                self._closed = True
                self._writer.close()
        finally:
            self._temporary.unlink(missing_ok=True)


def output_schema(schema: pa.Schema, fields: Fields, report_columns: bool) -> pa.Schema:
    """The schema a file run writes: the input's, text as a string, maybe the report columns."""
    pa = pyarrow()
    index = schema.get_field_index(fields.text)
    if index < 0:
        raise KeyError(f"no column {fields.text!r} (columns: {', '.join(schema.names)})")
    text_type = schema.field(index).type
    if not (pa.types.is_string(text_type) or pa.types.is_large_string(text_type)):
        schema = schema.set(index, pa.field(fields.text, pa.string()))
    for name in REPORT_COLUMNS:
        position = schema.get_field_index(name)
        if position >= 0:
            schema = schema.remove(position)
    if report_columns:
        for name in REPORT_COLUMNS:
            schema = schema.append(pa.field(name, pa.string()))
    return schema
