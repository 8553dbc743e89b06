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
import multiprocessing
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from cleanpipe.document import Result
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
from cleanpipe.runs.lock import LOCK_NAME, OutputLock, OutputLockedError
from cleanpipe.runs.resume import (
    TEMP_PREFIX,
    TEMP_SUFFIX,
    PlanItem,
    plan_resume,
    prune_outputs,
    read_report,
    remove_temporaries,
)

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_DOCUMENT_ERRORS = 3
EXIT_INTERRUPTED = 130

REPORT_NAME = "report.jsonl"
SUMMARY_NAME = "summary.json"
TEXT_DIR = "text"


class RunError(Exception):
    """A problem with the run as a whole (bad directories); one line for the user."""


# Cleaning holds a document whole, with the line classifier's features at about 1 kB a line
# on top: 2 MB of 26-byte lines peak at 265 MB in one worker, 4 MB at 374 MB. Scraped pages
# are far smaller (the dev pages: at most 100 kB of text). HTML pages may be four times
# larger (readers.HTML_LIMIT_FACTOR).
DEFAULT_MAX_DOC_BYTES = 2_000_000


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


@dataclass
class RunResult:
    out_dir: Path
    summary: Summary
    elapsed_seconds: float
    interrupted: bool = False
    stopped_early: bool = False
    resumed: int = 0  # documents whose earlier record and output were kept (--resume)

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return EXIT_INTERRUPTED
        return EXIT_DOCUMENT_ERRORS if self.summary.statuses.get("error") else EXIT_OK


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
    ) -> Iterator[tuple[str, str, dict[str, Any]]]: ...


# Per-document stage timings ride in the record from the worker to the main process, which
# removes them: the report holds no timings (same bytes every run), summary.json their sums.
TIMINGS_KEY = "_stage_seconds"

# One pipeline and read limit per worker process, set once by the pool initializer.
_worker_pipeline: Pipeline | None = None
_worker_max_bytes: int | None = None


def _init_worker(pipeline: Pipeline, max_bytes: int | None) -> None:
    global _worker_pipeline, _worker_max_bytes
    _worker_pipeline = pipeline
    _worker_max_bytes = max_bytes
    # Ctrl-C reaches the whole process group: the main process alone decides what to do
    # (stop the pool, flush the report); a worker dying mid-task would only add noise.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _clean_in_worker(task: tuple[str, str]) -> tuple[str, str, dict[str, Any]]:
    assert _worker_pipeline is not None
    return clean_file(_worker_pipeline, Path(task[0]), PurePosixPath(task[1]), _worker_max_bytes)


def clean_file(
    pipeline: Pipeline, root: Path, relative: PurePosixPath, max_bytes: int | None = None
) -> tuple[str, str, dict[str, Any]]:
    """Read, decode and clean one file: (relative path, clean text or '', report record).
    A file over `max_bytes` is cut there (`read_document`).

    Never raises for a bad file: unreadable and binary files come back as `error` or
    `dropped` records with a one-line reason.
    """
    name = display_path(relative)
    try:
        document = read_document(root, relative, max_bytes)
    except RejectedFileError as exc:
        result = Result(name, exc.status, "", "", metadata=exc.metadata, reason=exc.reason)
        return str(relative), "", _record(result, relative, pipeline, read=False)
    result = pipeline.run(document)
    record = _record(result, relative, pipeline, read=True)
    record[TIMINGS_KEY] = dict(result.timings)  # taken out again before the report is written
    return str(relative), result.text, record


def _record(
    result: Result, relative: PurePosixPath, pipeline: Pipeline, *, read: bool
) -> dict[str, Any]:
    output = display_path(output_name(relative)) if result.ok else None
    record = pipeline.record(result, path=display_path(relative), output=output)
    if not read:
        record["input_sha256"] = None  # no text was decoded, so there is no input to hash
    return record


def _skipped(entry: Entry, pipeline: Pipeline) -> tuple[str, str, dict[str, Any]]:
    """The record of a name the scan did not read (a symlink, a FIFO, an unlistable folder)."""
    assert entry.status is not None
    result = Result(display_path(entry.relative), entry.status, "", "", reason=entry.reason)
    return str(entry.relative), "", _record(result, entry.relative, pipeline, read=False)


def check_directories(input_dir: Path, out_dir: Path, options: RunOptions) -> None:
    """Refuse a run that could read its own output, clobber a user's files, or mix runs."""
    if options.overwrite and options.resume:
        raise RunError("--overwrite and --resume contradict each other; pass one")
    if not input_dir.exists():
        raise RunError(f"input directory not found: {input_dir}")
    if not input_dir.is_dir():
        raise RunError(f"input is not a directory: {input_dir}")
    source, target = input_dir.resolve(), out_dir.resolve()
    nested = source == target or source in target.parents or target in source.parents
    if source == target:
        raise RunError(f"output directory {out_dir} is the input directory")
    if nested and not options.allow_nested:
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


def write_atomic(path: Path, data: bytes, made: set[Path] | None = None) -> None:
    """Write via a temporary file and rename, so a killed run never leaves half a file.

    Only the main process writes, one file at a time, so one temporary name per directory
    and process is enough (and short: a long input name must not overflow NAME_MAX).
    `made` remembers the directories already created, sparing a system call per file.
    """
    folder = path.parent
    if made is None or folder not in made:
        folder.mkdir(parents=True, exist_ok=True)
        if made is not None:
            made.add(folder)
    temporary = folder / f"{TEMP_PREFIX}{os.getpid()}{TEMP_SUFFIX}"
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _O_BINARY, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        temporary.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


_O_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation


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
    exclude = out_dir if options.allow_nested else None
    entries = list(scan(input_dir, follow_symlinks=options.follow_symlinks, exclude=exclude))
    if on_start is not None:
        on_start(len(entries))
    text_dir = out_dir / TEXT_DIR
    report_path = out_dir / REPORT_NAME
    try:
        text_dir.mkdir(parents=True, exist_ok=True)
        remove_temporaries(text_dir)
        earlier = read_report(report_path) if options.resume else []
        plan, keep_lines, keep_bytes = plan_resume(
            input_dir,
            text_dir,
            entries,
            earlier,
            pipeline.config_hash,
            lambda entry: _line(_skipped(entry, pipeline)[2]),
        )
        fd = os.open(report_path, os.O_WRONLY | os.O_CREAT, 0o644)
    except OSError as exc:
        raise RunError(f"cannot prepare output directory {out_dir}: {exc}") from None
    summary = Summary()
    stage_seconds: Counter[str] = Counter()  # CPU time by stage, summed over the workers
    interrupted = stopped_early = False
    written: dict[str, str] = {}
    produced: set[str] = set()  # output paths the report lists, as on disk
    made: set[Path] = set()  # output directories created (or found) so far
    try:
        os.ftruncate(fd, keep_bytes)
        os.lseek(fd, 0, os.SEEK_END)
        ordered = _in_order(
            input_dir,
            plan,
            pipeline,
            options.workers,
            outcomes or _clean_all,
            options.max_doc_bytes,
        )
        with contextlib.closing(ordered), _Interrupts() as interrupts:
            for index, (relative, text, record, line) in enumerate(ordered):
                with interrupts.deferred():  # the report and the summary must agree
                    stage_seconds.update(record.pop(TIMINGS_KEY, None) or {})
                    if line is None:
                        line = _commit(text_dir, relative, text, record, written, made)
                    else:
                        _claim(record, relative, written)
                    if index >= keep_lines:
                        _append(fd, line, report_path)
                    summary.add(record)
                    if record["output"] is not None:
                        produced.add(output_name(PurePosixPath(relative)).as_posix())
                if progress is not None:
                    progress(1)
                if options.fail_fast and record["status"] == "error":
                    stopped_early = True
                    break
    except KeyboardInterrupt:
        interrupted = True
    finally:
        os.close(fd)
    if (options.overwrite or options.resume) and not (interrupted or stopped_early):
        prune_outputs(text_dir, produced)
    elapsed = time.perf_counter() - started
    resumed = sum(1 for entry, line in plan if line is not None and entry.status is None)
    totals = summary.to_dict()
    totals.update(
        config=pipeline.to_config(),
        config_sha256=pipeline.config_hash,
        input_dir=str(input_dir.resolve()),  # lets `cleanpipe report` show the input text
        elapsed_seconds=round(elapsed, 3),
        stage_seconds={name: round(seconds, 3) for name, seconds in stage_seconds.items()},
        interrupted=interrupted,
        stopped_early=stopped_early,
        resumed=resumed,
    )
    blob = json.dumps(totals, indent=2, ensure_ascii=False) + "\n"
    write_atomic(out_dir / SUMMARY_NAME, blob.encode("utf-8", "backslashreplace"))
    return RunResult(out_dir, summary, elapsed, interrupted, stopped_early, resumed=resumed)


class _Interrupts:
    """Ctrl-C (or SIGTERM, what a batch scheduler sends) while one document is being
    committed (output, report line, summary) waits for that commit to finish, so
    `report.jsonl` and `summary.json` always count the same documents; anywhere else
    (waiting for a worker) it interrupts at once."""

    # A signal is taken over only if it still has its default handler: one the caller set
    # or ignored stays theirs.
    _DEFAULTS = ((signal.SIGINT, signal.default_int_handler), (signal.SIGTERM, signal.SIG_DFL))

    def __init__(self) -> None:
        self._committing = False
        self._pending = False
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> _Interrupts:
        if threading.current_thread() is threading.main_thread():  # only it may set handlers
            for signum, default in self._DEFAULTS:
                if signal.getsignal(signum) is default:
                    self._previous[signum] = signal.signal(signum, self._on_sigint)
        return self

    def __exit__(self, *exc_info: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def _on_sigint(self, signum: int, frame: Any) -> None:
        if self._committing:
            self._pending = True
        else:
            raise KeyboardInterrupt

    @contextlib.contextmanager
    def deferred(self) -> Iterator[None]:
        self._committing = True
        try:
            yield
        finally:
            self._committing = False
        if self._pending:
            raise KeyboardInterrupt


def _append(fd: int, line: bytes, path: Path) -> None:
    """Append one whole report line; a report that cannot be written ends the run."""
    view = memoryview(line)
    try:
        while view:  # a short write (a full disk) must not leave half a line unnoticed
            view = view[os.write(fd, view) :]
    except OSError as exc:
        raise RunError(f"cannot write {path}: {exc.strerror or exc}") from None


def _commit(
    text_dir: Path,
    relative: str,
    text: str,
    record: dict[str, Any],
    written: dict[str, str],
    made: set[Path] | None = None,
) -> bytes:
    """Write one document's output (if any) and return its report line.

    A document that cannot be written (a name too long, a full disk) or serialized (text a
    file could never have produced) becomes an `error` record; the run goes on.
    """
    try:
        line = _line(record)
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        _fail(record, f"cannot encode as UTF-8: {exc.reason}")
        return _line(record)
    if record["output"] is None:
        return line
    clash = written.get(record["output"])
    if clash is not None:
        _fail(record, f"output name {record['output']} already written for {clash}")
        return _line(record)
    try:
        write_atomic(text_dir / output_name(PurePosixPath(relative)), data, made)
    except OSError as exc:
        _fail(record, f"cannot write output: {exc.strerror or exc}")
        return _line(record)
    written[record["output"]] = record["path"]
    return line


def _claim(record: dict[str, Any], relative: str, written: dict[str, str]) -> None:
    """Note the output name of a record kept from an earlier run (for clash detection)."""
    if record.get("output") is not None:
        written.setdefault(record["output"], record["path"])


def _fail(record: dict[str, Any], reason: str) -> None:
    record.update(status="error", reason=reason, output=None, chars_out=0)


def _line(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


# Producing outcomes, in input order -----------------------------------------------------------


def _in_order(
    root: Path,
    plan: list[PlanItem],
    pipeline: Pipeline,
    workers: int,
    clean_all: Outcomes,
    max_bytes: int | None,
) -> Generator[tuple[str, str, dict[str, Any], bytes | None], None, None]:
    """(relative path, text, record, finished report line or None) per entry, in order."""
    todo = [entry.relative for entry, line in plan if line is None]
    cleaned = clean_all(root, todo, pipeline, workers, max_bytes)
    try:
        for entry, line in plan:
            if line is not None:
                yield str(entry.relative), "", json.loads(line), line
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
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    if workers <= 1 or len(relatives) < 2 * workers:
        for relative in relatives:
            yield clean_file(pipeline, root, relative, max_bytes)
        return
    context = multiprocessing.get_context("spawn" if os.name == "nt" else "forkserver")
    if context.get_start_method() == "forkserver":
        # Workers fork from a server that imported the stages (ftfy, rapidfuzz, ...) once,
        # instead of each importing them again: about a second of CPU per worker.
        context.set_forkserver_preload(["cleanpipe.pipeline", "cleanpipe.stages"])
    chunk = max(1, min(64, len(relatives) // (workers * 8)))
    # Pool.imap reads its task iterator as fast as it can and keeps every result the main
    # process has not taken yet; with slow writes that would hold the whole corpus. A
    # semaphore lets only `window` documents be queued, in work or waiting at once.
    window = threading.BoundedSemaphore(workers * chunk * 4)
    stop = threading.Event()  # set when the consumer is done, early or not
    tasks = _bounded(((str(root), str(r)) for r in relatives), window, stop)
    with context.Pool(workers, initializer=_init_worker, initargs=(pipeline, max_bytes)) as pool:
        try:
            for outcome in pool.imap(_clean_in_worker, tasks, chunksize=chunk):
                window.release()
                yield outcome
        except BaseException:
            stop.set()
            pool.terminate()
            raise
        finally:
            stop.set()  # before the pool's exit waits for the thread reading `tasks`


def _bounded(
    tasks: Iterable[tuple[str, str]], window: threading.BoundedSemaphore, stop: threading.Event
) -> Iterator[tuple[str, str]]:
    """`tasks`, each one waiting for a free place in `window` (released per result taken)."""
    for task in tasks:
        while not window.acquire(timeout=0.1):
            if stop.is_set():
                return
        yield task
