"""Writing one page per document, in this process or spread over the run core's pool.

Pages are independent, so workers render and write them directly; the main process reads
`report.jsonl` once, keeps the rule examples and hands records out in batches. The pages are
the same bytes whatever the worker count.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleanpipe.report.html import links
from cleanpipe.report.html.corpus import Corpus, Examples, iter_records
from cleanpipe.report.html.docpage import render_document
from cleanpipe.report.html.texts import Inputs, read_output
from cleanpipe.runs.core import ordered_map

BATCH = 200  # records per task: large enough to amortise pickling, small enough to balance


@dataclass
class Written:
    """Totals of the document pages written."""

    missing: int = 0  # pages shown without their input text
    files: int = 0
    bytes: int = 0

    def __iadd__(self, other: Written) -> Written:
        self.missing += other.missing
        self.files += other.files
        self.bytes += other.bytes
        return self


class PageWriter:
    """Renders and writes document pages; one per process."""

    def __init__(self, root: Path, corpus: Corpus, input_dir: Path | None) -> None:
        self.root = root
        self.corpus = corpus
        self.inputs = Inputs(input_dir, corpus.summary_file.get("config"))
        self.purposes = stage_purposes()

    def write(self, batch: list[tuple[int, dict[str, Any]]]) -> Written:
        done = Written()
        for index, record in batch:
            input_text, why = self.inputs.text(record)
            output_text = read_output(self.corpus.out_dir, record)
            html = render_document(
                self.corpus, index, record, input_text, why, output_text, self.purposes
            )
            done.missing += input_text is None
            done.bytes += write_file(self.root / links.doc_path(index), html)
            done.files += 1
        return done


def write_documents(
    root: Path, corpus: Corpus, input_dir: Path | None, examples: Examples, workers: int = 1
) -> Written:
    """Write every document's page under `root`, collecting `examples` on the way."""
    batches = _batches(corpus, examples)
    if len(corpus.rows) < 2 * BATCH:
        workers = 1  # a pool would only add its start-up
    # The run core's pool: the page writer goes to each worker once, a bounded window of
    # batches is in flight (the whole report is never queued at once).
    total = Written()
    writer = PageWriter(root, corpus, input_dir)
    for done in ordered_map(writer.write, batches, workers, window=4 * workers):
        total += done
    return total


def _batches(corpus: Corpus, examples: Examples) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    batch: list[tuple[int, dict[str, Any]]] = []
    for index, record in enumerate(iter_records(corpus.out_dir)):
        if index >= len(corpus.rows):
            break  # the report grew while we read it; the index covers what came first
        examples.add(index, record)
        batch.append((index, record))
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def write_file(path: Path, content: str) -> int:
    """Write `content` as UTF-8, making its folder on first use; the number of bytes."""
    data = content.encode("utf-8", "replace")
    try:
        handle = path.open("wb")
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("wb")
    with handle:
        handle.write(data)
    return len(data)


def stage_purposes() -> dict[str, str]:
    """Each registered stage's one-line purpose: why its spans went, shown in the legend."""
    from cleanpipe import registry

    try:
        available = registry.available()
    except registry.RegistryError:
        return {}
    return {
        name: (cls.__doc__ or "").strip().splitlines()[0]
        for name, cls in available.items()
        if (cls.__doc__ or "").strip()
    }
