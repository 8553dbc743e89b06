"""Running a pipeline over a directory: discovery, a process pool, atomic outputs, the report.

Workers read, decode and clean; only the main process writes, in input order, so outputs and
`report.jsonl` are the same bytes whatever the worker count. Every output file is written to a
temporary name and renamed, and the report is append-only, one whole line per finished
document: a run killed at any moment leaves complete outputs and a report that is valid up to
its last full line, which is exactly what `--resume` picks up from.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import time
from collections import Counter
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple, Protocol

from cleanpipe.document import Record, Result
from cleanpipe.io.atomic import write_atomic
from cleanpipe.io.readers import (
    Entry,
    RejectedFileError,
    display_path,
    output_name,
    read_document,
    scan,
)
from cleanpipe.pipeline import Pipeline
from cleanpipe.report.summary import Summary
from cleanpipe.runs.core import (
    DEFAULT_MAX_DOC_BYTES,
    REPORT_NAME,
    SUMMARY_NAME,
    Interrupts,
    ReportAppender,
    RunError,
    RunResult,
    ordered_map,
    record_line,
    write_summary,
)
from cleanpipe.runs.core import (  # the exit codes stay importable from here too
    EXIT_DOCUMENT_ERRORS as EXIT_DOCUMENT_ERRORS,
)
from cleanpipe.runs.core import EXIT_INTERRUPTED as EXIT_INTERRUPTED
from cleanpipe.runs.core import EXIT_OK as EXIT_OK
from cleanpipe.runs.core import EXIT_USAGE as EXIT_USAGE
from cleanpipe.runs.lock import LOCK_NAME, OutputLock, OutputLockedError
from cleanpipe.runs.resume import (
    PlanItem,
    plan_resume,
    prune_outputs,
    read_report,
    remove_temporaries,
)
from cleanpipe.runs.select import is_glob, matches
from cleanpipe.runs.texts import TREE, TextsFile, check_format, remove_texts_files

TEXT_DIR = "text"


@dataclass(frozen=True)
class RunOptions:
    workers: int = 1
    overwrite: bool = False
    allow_nested: bool = False
    follow_symlinks: bool = False
    fail_fast: bool = False
    resume: bool = False
    # Larger documents are cut (reported as `truncated`); None: no limit. See read_document.
    max_doc_bytes: int | None = DEFAULT_MAX_DOC_BYTES
    # Only these relative names or glob patterns (`runs.select`); None: every file.
    select: tuple[str, ...] | None = None
    # The clean texts as a tree under text/, or one OUT/texts.jsonl or texts.parquet
    # (`runs.texts`); with a file, `keep_dropped` gives other documents a row too.
    texts: str = TREE
    keep_dropped: bool = False


class Outcome(NamedTuple):
    """One file cleaned: its relative path, the clean text ('' unless ok), its report record
    and the seconds each stage took on it (summed into summary.json, never in the report,
    which must be the same bytes on every run)."""

    relative: str
    text: str
    record: Record
    seconds: Mapping[str, float]


class Outcomes(Protocol):
    """(root, relative paths, pipeline, workers, bytes read at most per document) ->
    (relative, clean text, record), in input order."""

    def __call__(
        self,
        root: Path,
        relatives: list[PurePosixPath],
        pipeline: Pipeline,
        workers: int,
        max_bytes: int | None,
    ) -> Iterator[Outcome]: ...


def clean_file(
    pipeline: Pipeline, root: Path, relative: PurePosixPath, max_bytes: int | None = None
) -> Outcome:
    """Read, decode and clean one file. A file over `max_bytes` is cut there
    (`read_document`).

    Never raises for a bad file: unreadable and binary files come back as `error` or
    `dropped` records with a one-line reason.
    """
    name = display_path(relative)
    try:
        document = read_document(root, relative, max_bytes)
    except RejectedFileError as exc:
        result = Result(name, exc.status, "", "", metadata=exc.metadata, reason=exc.reason)
        return Outcome(str(relative), "", _record(result, relative, pipeline, read=False), {})
    result = pipeline.run(document)
    record = _record(result, relative, pipeline, read=True)
    return Outcome(str(relative), result.text, record, result.timings)


def _record(result: Result, relative: PurePosixPath, pipeline: Pipeline, *, read: bool) -> Record:
    output = display_path(output_name(relative)) if result.ok else None
    return pipeline.record(result, path=display_path(relative), output=output, decoded=read)


def _skipped(entry: Entry, pipeline: Pipeline) -> Outcome:
    """The record of a name the scan did not read (a symlink, a FIFO, an unlistable folder)."""
    assert entry.status is not None
    result = Result(display_path(entry.relative), entry.status, "", "", reason=entry.reason)
    return Outcome(
        str(entry.relative), "", _record(result, entry.relative, pipeline, read=False), {}
    )


def check_directories(input_dir: Path, out_dir: Path, options: RunOptions) -> None:
    """Refuse a run that could read its own output, clobber a user's files, or mix runs."""
    if options.overwrite and options.resume:
        raise RunError("--overwrite and --resume contradict each other; pass one")
    try:
        check_format(options.texts)
    except ValueError as exc:
        raise RunError(str(exc)) from None
    if options.resume and options.texts != TREE:
        raise RunError(
            f"--resume works with --texts tree only: texts.{options.texts} is written whole "
            "at the end of a run; start again with --overwrite"
        )
    if not input_dir.exists():
        raise RunError(f"input directory not found: {input_dir}")
    if not input_dir.is_dir():
        raise RunError(f"input is not a directory: {input_dir}")
    source, target = input_dir.resolve(), out_dir.resolve()
    nested = source == target or source in target.parents or target in source.parents
    if source == target:
        raise RunError(f"output directory {out_dir} is the input directory")
    if nested and not (options.allow_nested or options.select):  # a selection skips OUT
        raise RunError(
            f"output directory {out_dir} and input directory {input_dir} overlap; "
            "pass --allow-nested if you really mean it"
        )
    if out_dir.exists() and not out_dir.is_dir():
        raise RunError(f"output path exists and is not a directory: {out_dir}")
    if not directory_empty(out_dir) and not (options.overwrite or options.resume):
        raise RunError(
            f"output directory {out_dir} is not empty; pass --overwrite to replace it "
            "or --resume to finish an interrupted run"
        )


def directory_empty(out_dir: Path) -> bool:
    """Whether `out_dir` is missing or holds nothing but a lock file (left by a crash)."""
    return not out_dir.exists() or all(p.name == LOCK_NAME for p in out_dir.iterdir())


def run_directory(
    input_dir: Path,
    out_dir: Path,
    pipeline: Pipeline,
    options: RunOptions = RunOptions(),  # frozen, so sharing the default is safe
    progress: Callable[[int], Any] | None = None,
    on_start: Callable[[int], Any] | None = None,
    outcomes: Outcomes | None = None,
) -> RunResult:
    """Clean every file under `input_dir` into `out_dir`; see the README for the layout.

    `outcomes` replaces the local process pool (`cleanpipe.runs.ray` passes one that cleans on Ray).
    """
    check_directories(input_dir, out_dir, options)
    with lock_output(out_dir):
        return _run_directory(input_dir, out_dir, pipeline, options, progress, on_start, outcomes)


def lock_output(out_dir: Path) -> OutputLock:
    """Hold `out_dir` for this run (see `runs.lock`); RunError while another run holds it."""
    try:
        return OutputLock(out_dir)
    except OutputLockedError as exc:
        raise RunError(str(exc)) from None
    except OSError as exc:
        raise RunError(f"cannot prepare output directory {out_dir}: {exc}") from None


def _entries(input_dir: Path, out_dir: Path, options: RunOptions) -> list[Entry]:
    """The names a run takes: all of the scan, or those `options.select` names (named files
    are taken as they are, without scanning the folder they are in)."""
    select = options.select
    if select and not any(is_glob(name) for name in select):
        return [Entry(PurePosixPath(name)) for name in select]
    exclude = out_dir if options.allow_nested or select else None
    found = scan(input_dir, follow_symlinks=options.follow_symlinks, exclude=exclude)
    return [e for e in found if select is None or matches(e.relative, select)]


def _run_directory(
    input_dir: Path,
    out_dir: Path,
    pipeline: Pipeline,
    options: RunOptions,
    progress: Callable[[int], Any] | None,
    on_start: Callable[[int], Any] | None,
    outcomes: Outcomes | None,
) -> RunResult:
    started = time.perf_counter()
    entries = _entries(input_dir, out_dir, options)
    if on_start is not None:
        on_start(len(entries))
    text_dir = out_dir / TEXT_DIR
    report_path = out_dir / REPORT_NAME
    texts: TextsFile | None = None
    try:
        if options.overwrite or options.resume:
            remove_texts_files(out_dir)
        if options.texts == TREE:
            text_dir.mkdir(parents=True, exist_ok=True)
        remove_temporaries(text_dir)
        earlier = read_report(report_path) if options.resume else []
        plan, keep_lines, keep_bytes = plan_resume(
            input_dir,
            text_dir,
            entries,
            earlier,
            pipeline.config_hash,
            lambda entry: record_line(_skipped(entry, pipeline).record),
        )
        if options.texts != TREE:
            texts = TextsFile(out_dir, options.texts, keep_dropped=options.keep_dropped)
        report = ReportAppender(report_path, keep_bytes)
    except OSError as exc:
        if texts is not None:
            texts.abort()
        raise RunError(f"cannot prepare output directory {out_dir}: {exc}") from None
    except ImportError as exc:  # pyarrow, for texts.parquet: the install hint
        raise RunError(str(exc)) from None
    summary = Summary()
    stage_seconds: Counter[str] = Counter()  # CPU time by stage, summed over the workers
    interrupted = stopped_early = False
    written: dict[str, str] = {}
    produced: set[str] = set()  # output paths the report lists, as on disk
    made: set[Path] = set()  # output directories created (or found) so far
    try:
        ordered = _in_order(
            input_dir,
            plan,
            pipeline,
            options.workers,
            outcomes or _clean_all,
            options.max_doc_bytes,
        )
        with contextlib.closing(ordered), Interrupts() as interrupts:
            for index, (relative, text, record, seconds, line) in enumerate(ordered):
                with interrupts.deferred():  # the report and the summary must agree
                    stage_seconds.update(seconds)
                    if texts is not None:
                        line = _add_row(texts, text, record, line)
                    elif line is None:
                        line = _commit(text_dir, relative, text, record, written, made)
                    else:
                        _claim(record, relative, written)
                    if index >= keep_lines:
                        report.append(line)
                    summary.add(record)
                    if record["output"] is not None and texts is None:
                        produced.add(output_name(PurePosixPath(relative)).as_posix())
                if progress is not None:
                    progress(1)
                if options.fail_fast and record["status"] == "error":
                    stopped_early = True
                    break
    except KeyboardInterrupt:
        interrupted = True
    except BaseException:
        if texts is not None:
            texts.abort()
        raise
    finally:
        report.close()
    if texts is not None:
        _finish_texts(texts, out_dir, interrupted)
    if (options.overwrite or options.resume) and not (interrupted or stopped_early):
        if texts is None:
            prune_outputs(text_dir, produced)
        else:  # an earlier tree run's texts: this run's are all in the file
            shutil.rmtree(text_dir, ignore_errors=True)
    elapsed = time.perf_counter() - started
    resumed = sum(1 for entry, line in plan if line is not None and entry.status is None)
    write_summary(
        out_dir / SUMMARY_NAME,
        summary,
        pipeline,
        source={"input_dir": str(input_dir.resolve())},  # lets `cleanpipe report` show inputs
        elapsed=elapsed,
        stage_seconds=stage_seconds,
        interrupted=interrupted,
        stopped_early=stopped_early,
        resumed=resumed,
    )
    return RunResult(out_dir, summary, elapsed, interrupted, stopped_early, resumed=resumed)


def _commit(
    text_dir: Path,
    relative: str,
    text: str,
    record: Record,
    written: dict[str, str],
    made: set[Path] | None = None,
) -> bytes:
    """Write one document's output (if any) and return its report line.

    A document that cannot be written (a name too long, a full disk) or serialized (text a
    file could never have produced) becomes an `error` record; the run goes on.
    """
    try:
        line = record_line(record)
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        _fail(record, f"cannot encode as UTF-8: {exc.reason}")
        return record_line(record)
    if record["output"] is None:
        return line
    clash = written.get(record["output"])
    if clash is not None:
        _fail(record, f"output name {record['output']} already written for {clash}")
        return record_line(record)
    try:
        write_atomic(text_dir / output_name(PurePosixPath(relative)), data, made)
    except OSError as exc:
        _fail(record, f"cannot write output: {exc.strerror or exc}")
        return record_line(record)
    written[record["output"]] = record["path"] or ""
    return line


def _add_row(texts: TextsFile, text: str, record: Record, line: bytes | None) -> bytes:
    """Add one document's row to the run's texts file and return its report line (`line`,
    for a name the scan skipped); a text's `output` is the file's name, as for the rows of a
    dataset run."""
    if line is None:
        if record["output"] is not None:
            record["output"] = texts.name
        try:
            line = record_line(record)
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            _fail(record, f"cannot encode as UTF-8: {exc.reason}")
            line = record_line(record)
    try:
        texts.add(record, text)
    except OSError as exc:
        raise RunError(f"cannot write {texts.name}: {exc.strerror or exc}") from None
    return line


def _finish_texts(texts: TextsFile, out_dir: Path, interrupted: bool) -> None:
    """Rename the texts file into place, unless the run was interrupted: then it never
    appears, rather than holding part of the corpus under the final name."""
    if interrupted:
        texts.abort()
        return
    try:
        texts.close()
    except OSError as exc:
        texts.abort()
        raise RunError(f"cannot write {out_dir / texts.name}: {exc.strerror or exc}") from None


def _claim(record: Record, relative: str, written: dict[str, str]) -> None:
    """Note the output name of a record kept from an earlier run (for clash detection)."""
    if record["output"] is not None:
        written.setdefault(record["output"], record["path"] or "")


def _fail(record: Record, reason: str) -> None:
    """A document that was cleaned but could not be written: its record becomes an error."""
    record["status"] = "error"
    record["reason"] = reason
    record["output"] = None
    record["chars_out"] = 0


# Producing outcomes, in input order -----------------------------------------------------------


def _in_order(
    root: Path,
    plan: list[PlanItem],
    pipeline: Pipeline,
    workers: int,
    clean_all: Outcomes,
    max_bytes: int | None,
) -> Generator[tuple[str, str, Record, Mapping[str, float], bytes | None], None, None]:
    """(relative path, text, record, stage seconds, finished report line or None) per entry,
    in order."""
    todo = [entry.relative for entry, line in plan if line is None]
    cleaned = clean_all(root, todo, pipeline, workers, max_bytes)
    try:
        for entry, line in plan:
            if line is not None:
                yield str(entry.relative), "", json.loads(line), {}, line
            else:
                yield (*next(cleaned), None)
    finally:
        close = getattr(cleaned, "close", None)
        if close is not None:
            close()


def _clean_all(
    root: Path,
    relatives: list[PurePosixPath],
    pipeline: Pipeline,
    workers: int,
    max_bytes: int | None,
) -> Iterator[Outcome]:
    """The local engine: files cleaned in chunks on the run core's pool, in input order."""
    if workers <= 1 or len(relatives) < 2 * workers:
        for relative in relatives:
            yield clean_file(pipeline, root, relative, max_bytes)
        return
    # Chunks amortise the pool's per-task cost; four chunks per worker in flight keep every
    # worker busy while the main process writes, and the memory bounded on any corpus.
    size = max(1, min(64, len(relatives) // (workers * 8)))
    chunks = (relatives[i : i + size] for i in range(0, len(relatives), size))
    work = partial(clean_files, pipeline, str(root), max_bytes)
    for outcomes in ordered_map(work, chunks, workers, window=4 * workers):
        yield from outcomes


def clean_files(
    pipeline: Pipeline, root: str, max_bytes: int | None, relatives: list[PurePosixPath]
) -> list[Outcome]:
    """`clean_file` over a chunk of files (a unit of work for a pool or a Ray task)."""
    return [clean_file(pipeline, Path(root), relative, max_bytes) for relative in relatives]
