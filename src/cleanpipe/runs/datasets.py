"""Running a pipeline over one JSONL or Parquet file: batches out to workers, rows back in order.

The output keeps the input's format and compression (`OUT/<input name>`), next to the same
`report.jsonl` and `summary.json` as a directory run. Workers (a local process pool, or Ray
through `cleanpipe.runs.ray`) only compute; the main process writes, so the bytes are the same
whatever the engine or the worker count.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from cleanpipe.io import jsonl, parquet
from cleanpipe.io.formats import InputError, check_magic, detect_format
from cleanpipe.io.jsonl import RowSettings
from cleanpipe.io.rows import Fields
from cleanpipe.pipeline import Pipeline
from cleanpipe.report.summary import Summary
from cleanpipe.runs.core import (
    DEFAULT_MAX_DOC_BYTES,
    BatchMap,
    Interrupts,
    ReportAppender,
    RunError,
    RunResult,
    ordered_map,
    record_line,
    write_summary,
)
from cleanpipe.runs.directory import directory_empty, lock_output


@dataclass(frozen=True)
class DatasetOptions:
    fields: Fields = field(default_factory=Fields)
    report_columns: bool = False  # write cleanpipe_status/_reason/_report next to the text
    keep_dropped: bool = False  # keep dropped and failed rows (with an empty text)
    batch_size: int = 1000
    workers: int = 1
    overwrite: bool = False
    fail_fast: bool = False
    max_doc_bytes: int | None = DEFAULT_MAX_DOC_BYTES  # longer texts are cut, as for files


def check_paths(input_path: Path, out_dir: Path, overwrite: bool) -> str:
    """The input's format, after checking the input file and the output directory."""
    if not input_path.exists():
        raise RunError(f"input not found: {input_path}")
    kind = detect_format(input_path)
    if kind is None or not input_path.is_file():
        raise RunError(
            f"not a JSONL or Parquet file: {input_path} "
            "(expected .jsonl, .jsonl.gz, .jsonl.zst or .parquet)"
        )
    if out_dir.exists() and not out_dir.is_dir():
        raise RunError(f"output path exists and is not a directory: {out_dir}")
    if not directory_empty(out_dir) and not overwrite:
        raise RunError(f"output directory {out_dir} is not empty; pass --overwrite to replace it")
    if out_dir.resolve() == input_path.parent.resolve():
        raise RunError(f"output directory {out_dir} holds the input; choose another one")
    try:
        check_magic(input_path)  # a .gz that is not gzip: said before anything is written
    except InputError as exc:
        raise RunError(str(exc)) from None
    return kind


def run_dataset(
    input_path: Path,
    out_dir: Path,
    pipeline: Pipeline,
    options: DatasetOptions = DatasetOptions(),  # frozen, so sharing it is safe
    progress: Callable[[int], Any] | None = None,
    batch_map: BatchMap | None = None,
) -> RunResult:
    """Clean every row of `input_path` into `out_dir/<input name>`; see the README."""
    kind = check_paths(input_path, out_dir, options.overwrite)
    with lock_output(out_dir):
        try:
            return _run_dataset(input_path, out_dir, pipeline, options, progress, batch_map, kind)
        except InputError as exc:  # a damaged input: one line, and no output under its name
            raise RunError(str(exc)) from None


def _run_dataset(
    input_path: Path,
    out_dir: Path,
    pipeline: Pipeline,
    options: DatasetOptions,
    progress: Callable[[int], Any] | None,
    batch_map: BatchMap | None,
    kind: str,
) -> RunResult:
    started = time.perf_counter()
    settings = RowSettings(
        options.fields,
        path=input_path.name,
        output=input_path.name,
        report_columns=options.report_columns,
        keep_dropped=options.keep_dropped,
        max_bytes=options.max_doc_bytes,
    )
    target = out_dir / input_path.name
    tasks: Iterable[Any]
    if kind == "jsonl":
        work: Callable[[Any], Any] = partial(jsonl.clean_batch, pipeline, settings)
        tasks = _numbered(jsonl.read_batches(input_path, options.batch_size), jsonl.JsonlBatch)
        writer: Any = jsonl.JsonlWriter(target)
    else:
        work = partial(parquet.clean_batch, pipeline, settings)
        schema = parquet.output_schema(
            parquet.input_schema(input_path), options.fields, options.report_columns
        )
        tasks = _numbered(
            parquet.read_batches(input_path, options.batch_size), parquet.ParquetBatch
        )
        writer = parquet.ParquetWriter(target, schema)
    mapper = batch_map or local_map(options.workers)
    summary = Summary()
    stage_seconds: Counter[str] = Counter()  # CPU time by stage, summed over the workers
    interrupted = stopped_early = False
    failed: InputError | None = None
    seen_ids: set[int] = set()
    try:
        report = ReportAppender(out_dir / "report.jsonl")
    except OSError as exc:
        raise RunError(f"cannot prepare output directory {out_dir}: {exc}") from None
    try:
        with Interrupts() as interrupts:
            for rows, records, seconds in mapper(work, tasks):
                with interrupts.deferred():  # the output, the report and the summary agree
                    writer.write(rows)
                    report.append(b"".join(record_line(r) for r in records))
                    for record in records:
                        summary.add(record)
                        _count_duplicate(summary, seen_ids, record["id"])
                    stage_seconds.update(seconds)
                if progress is not None:
                    progress(len(records))
                # the batch holding the first error is finished, then the run stops
                if options.fail_fast and any(r["status"] == "error" for r in records):
                    stopped_early = True
                    break
    except KeyboardInterrupt:
        interrupted = True
    except InputError as exc:
        failed = exc
    except BaseException:
        writer.abort()
        raise
    finally:
        report.close()
        if failed is not None:
            writer.abort()  # the rows before the damage: not the file's content
        writer.close()  # a valid file holding the rows finished so far (nothing after abort)
    elapsed = time.perf_counter() - started
    write_summary(
        out_dir / "summary.json",
        summary,
        pipeline,
        source={"input": str(input_path.resolve())},
        elapsed=elapsed,
        stage_seconds=stage_seconds,
        interrupted=interrupted,
        stopped_early=stopped_early,
        **({"failed": str(failed)} if failed is not None else {}),
    )
    if failed is not None:
        raise failed
    return RunResult(out_dir, summary, elapsed, interrupted, stopped_early)


def _count_duplicate(summary: Summary, seen: set[int], doc_id: str | None) -> None:
    """Count a row whose id an earlier row had. Ids are kept as their hashes: 8 bytes of
    a 64-bit hash per row instead of the id itself (a collision, at odds of about one in
    10^10 for a million rows, would only count one duplicate too many)."""
    if doc_id is None:
        return
    key = hash(doc_id)
    if key in seen:
        summary.duplicate_ids += 1
        if summary.first_duplicate is None:
            summary.first_duplicate = doc_id
    else:
        seen.add(key)


def _numbered(batches: Iterable[Any], make: Callable[[int, Any], Any]) -> Iterator[Any]:
    """Tag each batch with the row number of its first row (ids of rows without one)."""
    first = 0
    for batch in batches:
        yield make(first, batch)
        first += len(batch)


def local_map(workers: int) -> BatchMap:
    """An ordered map on this machine: the run core's pool (inline for one worker)."""

    def mapper(work: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        return ordered_map(work, items, workers)

    return mapper
