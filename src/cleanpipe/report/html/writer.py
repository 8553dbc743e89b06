"""Writing the whole report folder: overview, lists, one page per document, assets.

The folder is built next to the old one and swapped in at the end, so a report is never half
old and half new, and pages of documents that left the corpus do not linger.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from cleanpipe.report.html import links
from cleanpipe.report.html.corpus import Corpus, Examples, ReportError, load_corpus
from cleanpipe.report.html.documents import write_documents, write_file
from cleanpipe.report.html.lists import list_pages
from cleanpipe.report.html.markup import page
from cleanpipe.report.html.overview import render_overview
from cleanpipe.report.html.segments import PALETTE, STRONG


@dataclass(frozen=True)
class ReportStats:
    """What `write_report` produced."""

    path: Path  # the report folder; open path / "index.html"
    documents: int
    files: int
    bytes: int
    inputs_missing: int  # documents shown without their input text (see their page)
    seconds: float


def write_report(
    out_dir: str | Path,
    input_dir: str | Path | None = None,
    dest: str | Path | None = None,
    workers: int = 1,
) -> ReportStats:
    """Write the HTML audit report of the run in `out_dir` into `dest` (`out_dir/report`).

    `input_dir` is where the run read its inputs; by default the one `summary.json` records.
    `workers` processes write the document pages (the same bytes whatever the number).
    """
    started = time.perf_counter()
    out_dir = Path(out_dir)
    corpus = load_corpus(out_dir)
    source = Path(input_dir) if input_dir else _recorded_input(corpus)
    target = Path(dest) if dest else out_dir / "report"
    building = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    try:
        files, size = _write_assets(building, corpus)
        examples = Examples(corpus)
        documents = write_documents(building, corpus, source, examples, workers)
        counts = _write_pages(building, _pages(corpus, examples))
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    _swap(building, target)
    return ReportStats(
        path=target,
        documents=len(corpus.rows),
        files=files + counts[0] + documents.files,
        bytes=size + counts[1] + documents.bytes,
        inputs_missing=documents.missing,
        seconds=time.perf_counter() - started,
    )


def _recorded_input(corpus: Corpus) -> Path | None:
    """The run's input: `input_dir` of a directory run, `input` of a JSONL/Parquet run."""
    recorded = corpus.summary_file.get("input_dir") or corpus.summary_file.get("input")
    return Path(recorded) if isinstance(recorded, str) and recorded else None


def _pages(corpus: Corpus, examples: Examples) -> Iterable[tuple[str, str]]:
    yield "index.html", page("cleanpipe report", "", render_overview(corpus), "overview")
    everyone = [row.index for row in corpus.rows]
    yield from list_pages(corpus, "all", "All documents", everyone)
    statuses = sorted({row.status for row in corpus.rows})
    for number, status in enumerate(statuses):
        chosen = [row.index for row in corpus.rows if row.status == status]
        name = links.status_list(status, number)
        yield from list_pages(corpus, name, f"Documents with status {status}", chosen)
    for rule, key in enumerate(corpus.rules):
        title = f"Documents with removals by {key}"
        yield from list_pages(
            corpus,
            links.rule_list(rule),
            title,
            corpus.rule_docs[rule],
            rule,
            examples.by_rule[rule],
        )


def _write_pages(root: Path, pages: Iterable[tuple[str, str]]) -> tuple[int, int]:
    files = size = 0
    for relative, html in pages:
        size += write_file(root / relative, html)
        files += 1
    return files, size


def _write_assets(root: Path, corpus: Corpus) -> tuple[int, int]:
    assets = resources.files("cleanpipe.report.html") / "assets"
    css = (assets / "report.css").read_text(encoding="utf-8")
    # Stage colours depend on the run's config, so they are appended here rather than fixed.
    css += "\n/* stage colours, in pipeline order */\n" + "".join(
        f".s{number}{{--c:{PALETTE[number % len(PALETTE)]};--d:{STRONG[number % len(STRONG)]}}}\n"
        for number in range(max(len(corpus.stage_index), 1))
    )
    script = (assets / "report.js").read_text(encoding="utf-8")
    written = write_file(root / "assets/report.css", css)
    return 2, written + write_file(root / "assets/report.js", script)


def _swap(building: Path, target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise ReportError(f"{target} exists and is not a folder")
    old = target.with_name(f".{target.name}.{os.getpid()}.old")
    if target.exists():
        target.replace(old)
    building.replace(target)
    shutil.rmtree(old, ignore_errors=True)
