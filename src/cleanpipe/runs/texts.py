"""Where a directory run puts its clean texts: a tree of files under `text/`, or one file.

One file (`texts.jsonl` or `texts.parquet`: a row of id, text and status per document) suits
a loader better than thousands of small files. It is written through the dataset writers of
`cleanpipe.io` under a temporary name and renamed when the run is over, so the final name
only ever holds the texts of a finished run: an interrupted or failed run leaves none.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from cleanpipe.document import Record
from cleanpipe.io.jsonl import JsonlWriter
from cleanpipe.io.parquet import ParquetWriter, pyarrow

TREE = "tree"
TEXT_FORMATS = (TREE, "jsonl", "parquet")
TEXTS_NAMES = {"jsonl": "texts.jsonl", "parquet": "texts.parquet"}

# Parquet rows are gathered into row groups of this many documents (one group per document
# would make the file slow to read).
PARQUET_GROUP_ROWS = 1000


def check_format(texts: str) -> None:
    if texts not in TEXT_FORMATS:
        raise ValueError(f"unknown texts format {texts!r} (formats: {', '.join(TEXT_FORMATS)})")


def remove_texts_files(out_dir: Path) -> None:
    """Delete the texts files (and temporary ones a killed run left) of an earlier run in
    `out_dir`, so an overwritten or resumed directory never shows another run's texts."""
    for name in TEXTS_NAMES.values():
        for path in (out_dir / name, *out_dir.glob(f".tmp.*.{name}")):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


class TextsFile:
    """The texts of a run as rows {id: the input's relative path, text, status}, in the
    report's order; documents that are not `ok` only with `keep_dropped` (with text '')."""

    def __init__(self, out_dir: Path, texts: str, *, keep_dropped: bool = False) -> None:
        check_format(texts)
        self.name = TEXTS_NAMES[texts]
        self.keep_dropped = keep_dropped
        path = out_dir / self.name
        self._jsonl: JsonlWriter | None = None
        self._parquet: ParquetWriter | None = None
        self._rows: list[dict[str, Any]] = []
        if texts == "jsonl":
            self._jsonl = JsonlWriter(path)
        else:
            pa = pyarrow()
            schema = pa.schema([(field, pa.string()) for field in ("id", "text", "status")])
            self._parquet = ParquetWriter(path, schema)

    def add(self, record: Record, text: str) -> None:
        """Add one document's row (if it has one). OSError on a full disk: the file cannot
        be trusted after that, so the caller aborts it."""
        if record["status"] != "ok":
            if not self.keep_dropped:
                return
            text = ""
        row = {"id": record["path"], "text": text, "status": record["status"]}
        if self._jsonl is not None:
            self._jsonl.write([json.dumps(row, ensure_ascii=False) + "\n"])
            return
        self._rows.append(row)
        if len(self._rows) >= PARQUET_GROUP_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self._parquet is not None and self._rows:
            self._parquet.write(pyarrow().Table.from_pylist(self._rows))
            self._rows = []

    def close(self) -> None:
        """Finish the file and give it its final name."""
        self._flush()
        writer = self._jsonl or self._parquet
        assert writer is not None
        writer.close()

    def abort(self) -> None:
        """Delete the temporary file: nothing appears under the final name."""
        writer = self._jsonl or self._parquet
        assert writer is not None
        with contextlib.suppress(OSError):
            writer.abort()
