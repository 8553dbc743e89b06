"""The first pass of `strip_repeated_lines`: the table of lines repeated across a corpus.

It reads the corpus with the same readers as a run (a directory: every file decoded as
`cleanpipe run` decodes it; a JSONL or Parquet file: its text field), so the lines it counts
are the lines the second pass will see. HTML pages are left out: their lines are markup, and
the stage meets their extracted text, not the page.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from cleanpipe.io import jsonl, parquet
from cleanpipe.io.atomic import write_atomic
from cleanpipe.io.formats import InputError, detect_format
from cleanpipe.io.readers import RejectedFileError, read_document, scan
from cleanpipe.runs.core import DEFAULT_MAX_DOC_BYTES, RunError
from cleanpipe.stages.repeated import count_line_hashes, frequent

_BATCH = 1000


def corpus_texts(
    path: Path, *, text_field: str = "text", max_doc_bytes: int | None = DEFAULT_MAX_DOC_BYTES
) -> Iterator[str]:
    """Every document's text under `path` (a directory), or every row's (a dataset file)."""
    kind = detect_format(path) if path.is_file() else None
    if kind == "jsonl":
        for lines in jsonl.read_batches(path, _BATCH):
            for raw in lines:
                try:
                    row = json.loads(raw)
                except (UnicodeDecodeError, json.JSONDecodeError):
                    continue  # a damaged row: the run reports it, the table skips it
                if isinstance(row, dict) and isinstance(row.get(text_field), str):
                    yield row[text_field]
    elif kind == "parquet":
        for table in parquet.read_batches(path, _BATCH):
            if text_field not in table.column_names:
                raise RunError(f"{path}: no column {text_field!r}")
            yield from (t for t in table.column(text_field).to_pylist() if isinstance(t, str))
    elif path.is_dir():
        for entry in scan(path):
            if entry.status is not None:
                continue  # a symlink, a FIFO: skipped, as by a run
            try:
                document = read_document(path, entry.relative, max_doc_bytes)
            except RejectedFileError:
                continue
            if document.metadata.get("format") != "html":
                yield document.text
    else:
        raise RunError(f"not a directory, JSONL or Parquet file: {path}")


def write_repeated_table(
    path: str | Path,
    out: str | Path,
    *,
    min_docs: int = 5,
    text_field: str = "text",
    max_doc_bytes: int | None = DEFAULT_MAX_DOC_BYTES,
) -> int:
    """Write the hashes of lines found in at least `min_docs` documents to `out`, one per
    line (the `table` of `strip_repeated_lines`); returns how many there are."""
    if min_docs < 1:
        raise RunError(f"--min-docs: expected 1 or more, got {min_docs}")
    source = Path(path)
    if not source.exists():
        raise RunError(f"input not found: {source}")
    try:
        texts = corpus_texts(source, text_field=text_field, max_doc_bytes=max_doc_bytes)
        table = frequent(count_line_hashes(texts), min_docs)
        write_atomic(Path(out), "".join(f"{h}\n" for h in table).encode("ascii"))
    except InputError as exc:
        raise RunError(str(exc)) from None
    except OSError as exc:
        raise RunError(f"cannot write {out}: {exc.strerror or exc}") from None
    return len(table)
