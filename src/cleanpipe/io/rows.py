"""One row of a dataset: pick its id and text, clean it, and state the report as columns.

Everything that decides what a row becomes lives here, so the JSONL and Parquet paths, the
local runner and Ray cannot drift apart.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from cleanpipe.document import Document, Record, Result
from cleanpipe.io.readers import cut_document, truncation
from cleanpipe.pipeline import Pipeline

# Written next to the text when asked: the status and reason to filter on, and the whole
# report record (exactly a `report.jsonl` line) as a JSON string.
REPORT_COLUMNS = ("cleanpipe_status", "cleanpipe_reason", "cleanpipe_report")


@dataclass(frozen=True)
class Fields:
    """Which field of a record holds the text and which its id."""

    text: str = "text"
    id: str = "id"


class CleanedBatch(NamedTuple):
    """A batch of rows cleaned: what to write, one report record per row, and the seconds
    each stage took over the batch (summed into summary.json)."""

    rows: Any
    records: list[Record]
    seconds: Counter[str]


def row_id(value: Any, row: int | None) -> str:
    """The id a row is reported under: its id field, else its 0-based row number."""
    if value is not None:
        return str(value)
    if row is None:
        raise KeyError("a row has no id and its row number is unknown; give every row an id")
    return str(row)


def clean_row(
    pipeline: Pipeline,
    doc_id: str,
    text: Any,
    *,
    text_field: str = "text",
    path: str | None = None,
    output: str | None = None,
    max_bytes: int | None = None,
    seconds: Counter[str] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> tuple[str, Record]:
    """Clean one row's text: (clean text, '' unless ok; its report record).

    A missing or non-string text is an `error` row, never an exception: one bad row must not
    end a job over millions. `output` is recorded only for rows whose text is kept. A text
    over `max_bytes` in UTF-8 is cut there, at a line break where one is near, and the record
    says `truncated` (as for files: `readers.cut_document`). Stage timings are added to
    `seconds` when given.
    """
    if not isinstance(text, str):
        got = "missing" if text is None else f"a {type(text).__name__}, not a string"
        result = Result(doc_id, "error", "", "", reason=f"field {text_field!r} is {got}")
        return "", pipeline.record(result, path=path, decoded=False)
    start: dict[str, Any] = dict(metadata or {})  # what reading the row found (its decoding)
    if max_bytes is not None and len(text) > max_bytes // 4:  # else it cannot be over
        data = text.encode("utf-8", "surrogatepass")
        if len(data) > max_bytes:
            kept = cut_document(data, max_bytes)
            text = kept.decode("utf-8", "surrogatepass")
            start["truncated"] = truncation(len(data), len(kept))
    result = pipeline.run(Document(doc_id, text, start))
    if seconds is not None:  # stage timings, summed for summary.json
        seconds.update(result.timings)
    record = pipeline.record(result, path=path, output=output if result.ok else None)
    return result.text, record


def error_record(
    pipeline: Pipeline, doc_id: str | None, reason: str, path: str | None = None
) -> Record:
    """The record of a row that could not even be read (bad JSON): its id is None when none
    could be read."""
    result = Result(doc_id or "", "error", "", "", reason=reason)
    record = pipeline.record(result, path=path, decoded=False)
    record["id"] = doc_id
    return record


def report_columns(record: Record) -> dict[str, Any]:
    """The report columns of one row (see `REPORT_COLUMNS`)."""
    return {
        "cleanpipe_status": record["status"],
        "cleanpipe_reason": record["reason"],
        "cleanpipe_report": json.dumps(record, ensure_ascii=False),
    }
