"""The texts a document page shows: the input, read back and checked, and the clean output.

The input text itself is not in the output directory. It is read again from the input
directory recorded in `summary.json` (or given explicitly), decoded exactly as the run decoded
it (the runner's own `read_document`), and checked against the record's `input_sha256`, so a
highlight never lands on text that changed since the run.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from cleanpipe.config import ConfigError
from cleanpipe.io.readers import read_document
from cleanpipe.pipeline import EXTRACTED, Pipeline, input_hash


class Inputs:
    """The decoded input text of each record, read again from the input directory.

    For a document an extracting stage turned from HTML into text, removals are positioned in
    that extracted text (`metadata.positions`), which no file holds: it is rebuilt by cleaning
    the document again with the run's config from `summary.json`. Either way the text must
    hash to the record's `input_sha256`, or it is not shown.
    """

    def __init__(self, input_dir: Path | None, config: Any) -> None:
        self.input_dir = input_dir
        self.config = config
        self._pipeline: Pipeline | None = None
        self._pipeline_error = ""

    def text(self, record: dict[str, Any]) -> tuple[str | None, str]:
        """The input text of `record`, or None and why it cannot be shown."""
        if self.input_dir is None:
            return None, "the input directory is unknown (pass --input)"
        if self.input_dir.is_file():
            return None, "the run read a dataset file, whose rows are not read back"
        relative = PurePosixPath(str(record.get("path") or ""))
        # A record names a file inside the input tree; anything else is not followed.
        if not relative.parts or relative.is_absolute() or ".." in relative.parts:
            return None, "the record's path is not inside the input directory"
        try:
            document = read_document(self.input_dir, relative)
        except OSError as exc:
            return None, f"cannot read {self.input_dir / relative}: {exc.strerror or exc}"
        text = document.text
        if (record.get("metadata") or {}).get("positions") == EXTRACTED:
            pipeline = self.pipeline()
            if pipeline is None:
                return None, f"cannot rebuild the extracted text: {self._pipeline_error}"
            text = pipeline.run(document).input_text
        expected = record.get("input_sha256")
        if expected and input_hash(text) != expected:
            return None, f"{self.input_dir / relative} changed since the run (its hash differs)"
        return text, ""

    def pipeline(self) -> Pipeline | None:
        if self._pipeline is None and not self._pipeline_error:
            try:
                self._pipeline = Pipeline.from_config(self.config, source="summary.json")
            except (ConfigError, TypeError, ValueError) as exc:
                self._pipeline_error = str(exc) or type(exc).__name__
        return self._pipeline


def read_output(out_dir: Path, record: dict[str, Any]) -> str | None:
    name = record.get("output")
    if not name:
        return None
    relative = PurePosixPath(str(name))
    if relative.is_absolute() or ".." in relative.parts:
        return None
    try:
        return (out_dir / "text" / relative).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
