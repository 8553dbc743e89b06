"""What every run shares: one ordered bounded pool, one interrupt path, one report appender,
one summary writer.

Directory runs, dataset runs and Ray runs differ in what a unit of work is (a file, a batch
of rows) and who computes it (this machine's processes, Ray tasks); they must not differ in
how results come back (in input order, a bounded number in flight), in what Ctrl-C or SIGTERM
does (the document being committed is finished, then the run stops with exit 130), in how the
report is appended (whole lines, a short write never unnoticed) or in what `summary.json`
holds (the same keys, stage timings included).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import multiprocessing
import os
import signal
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleanpipe.io.atomic import write_atomic
from cleanpipe.pipeline import Pipeline
from cleanpipe.report.summary import Summary

# An ordered map: apply a function to every item, yield the results in input order.
BatchMap = Callable[[Callable[[Any], Any], Iterable[Any]], Iterator[Any]]

# Modules the forkserver imports once, so that each worker forks with the stages (ftfy,
# rapidfuzz, the native core, ...) loaded instead of importing them again: about a second
# of CPU per worker.
_PRELOAD = ["cleanpipe.pipeline", "cleanpipe.stages"]


EXIT_OK = 0
EXIT_USAGE = 2
EXIT_DOCUMENT_ERRORS = 3
EXIT_INTERRUPTED = 130

REPORT_NAME = "report.jsonl"
SUMMARY_NAME = "summary.json"

# Cleaning holds a document whole, with the line classifier's features for every line on
# top, so a worker's memory grows with the largest document (measured in
# docs/performance.md); scraped pages are far smaller than this. HTML pages may be four
# times larger (readers.HTML_LIMIT_FACTOR).
DEFAULT_MAX_DOC_BYTES = 2_000_000


class RunError(Exception):
    """A problem with the run as a whole (bad paths, an unwritable report); one line."""


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


def ordered_map(
    work: Callable[[Any], Any], items: Iterable[Any], workers: int, window: int | None = None
) -> Iterator[Any]:
    """`work(item)` for every item, in input order: inline, or on a pool of `workers`
    processes with at most `window` items (default: two per worker) in flight.

    `work` (and the pipeline inside it) goes to each worker once, so models load once per
    process. Workers ignore SIGINT: Ctrl-C reaches the whole process group, and the main
    process alone decides what to do (finish the commit, stop the pool).
    """
    pending = iter(items)
    head = list(itertools.islice(pending, 2))
    if workers <= 1 or len(head) < 2:  # one item: a pool would only add its start-up
        yield from map(work, itertools.chain(head, pending))
        return
    context = multiprocessing.get_context("spawn" if os.name == "nt" else "forkserver")
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(_PRELOAD)
    with context.Pool(workers, initializer=_init_worker, initargs=(work,)) as pool:
        try:
            yield from windowed(
                lambda item: pool.apply_async(_work_in_worker, (item,)).get,
                itertools.chain(head, pending),
                window or 2 * workers,
            )
        except BaseException:
            pool.terminate()  # a consumer that stops early or is interrupted waits for nothing
            raise


def windowed(
    submit: Callable[[Any], Callable[[], Any]], items: Iterable[Any], window: int
) -> Iterator[Any]:
    """Submit items as results are taken, keeping at most `window` in flight, in order.

    `pool.imap` would read the whole input ahead of the workers; a bounded window keeps the
    memory flat on an input of any size. `submit` returns a function that waits for the result.
    """
    pending: deque[Callable[[], Any]] = deque()
    for item in items:
        pending.append(submit(item))
        if len(pending) >= window:
            yield pending.popleft()()
    while pending:
        yield pending.popleft()()


_worker_work: Callable[[Any], Any] | None = None


def _init_worker(work: Callable[[Any], Any]) -> None:
    global _worker_work
    _worker_work = work
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _work_in_worker(item: Any) -> Any:
    assert _worker_work is not None
    return _worker_work(item)


class Interrupts:
    """Ctrl-C (or SIGTERM, what a batch scheduler sends) while a result is being committed
    (outputs, report lines, summary counts) waits for that commit to finish, so the report
    and `summary.json` always count the same documents; anywhere else (waiting for a
    worker) it interrupts at once, as KeyboardInterrupt."""

    # A signal is taken over only if it still has its default handler: one the caller set
    # or ignored stays theirs.
    _DEFAULTS = ((signal.SIGINT, signal.default_int_handler), (signal.SIGTERM, signal.SIG_DFL))

    def __init__(self) -> None:
        self._committing = False
        self._pending = False
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> Interrupts:
        if threading.current_thread() is threading.main_thread():  # only it may set handlers
            for signum, default in self._DEFAULTS:
                if signal.getsignal(signum) is default:
                    self._previous[signum] = signal.signal(signum, self._on_signal)
        return self

    def __exit__(self, *exc_info: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def _on_signal(self, signum: int, frame: Any) -> None:
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


_O_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation


class ReportAppender:
    """`report.jsonl`, appended one whole line at a time; a report that cannot be written
    (a full disk) ends the run with a RunError, never half a line unnoticed."""

    def __init__(self, path: Path, keep_bytes: int = 0) -> None:
        """Open `path`, keeping its first `keep_bytes` (a resumed run's valid head)."""
        self.path = path
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | _O_BINARY, 0o644)
        try:
            os.ftruncate(self._fd, keep_bytes)
            os.lseek(self._fd, 0, os.SEEK_END)
        except BaseException:
            os.close(self._fd)
            raise

    def append(self, data: bytes) -> None:
        view = memoryview(data)
        try:
            while view:  # os.write may write less than asked (a full disk, a signal)
                view = view[os.write(self._fd, view) :]
        except OSError as exc:
            raise RunError(f"cannot write {self.path}: {exc.strerror or exc}") from None

    def close(self) -> None:
        os.close(self._fd)

    def __enter__(self) -> ReportAppender:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def record_line(record: Mapping[str, Any]) -> bytes:
    """One report line: the record as JSON, UTF-8, newline-terminated."""
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


def write_summary(
    path: Path,
    summary: Summary,
    pipeline: Pipeline,
    *,
    source: Mapping[str, Any],
    elapsed: float,
    stage_seconds: Counter[str],
    interrupted: bool,
    stopped_early: bool,
    **after: Any,
) -> None:
    """`summary.json` of any run: the counts, the config, where the input was (`source`),
    the timings (CPU seconds by stage, summed over the workers) and how the run ended."""
    totals = summary.to_dict()
    totals.update(config=pipeline.to_config(), config_sha256=pipeline.config_hash)
    totals.update(source)
    totals.update(
        elapsed_seconds=round(elapsed, 3),
        stage_seconds={name: round(seconds, 3) for name, seconds in stage_seconds.items()},
        interrupted=interrupted,
        stopped_early=stopped_early,
    )
    totals.update(after)
    blob = json.dumps(totals, indent=2, ensure_ascii=False) + "\n"
    write_atomic(path, blob.encode("utf-8", "backslashreplace"))
