"""Running a pipeline over a directory: discovery, a process pool, atomic outputs, the report.

Workers read, decode and clean; only the main process writes, in input order, so outputs and
`report.jsonl` are the same bytes whatever the worker count.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from cleanpipe.document import Result
from cleanpipe.pipeline import Pipeline
from cleanpipe.readers import discover, output_name, read_document
from cleanpipe.summary import Summary

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_DOCUMENT_ERRORS = 3
EXIT_INTERRUPTED = 130


class RunError(Exception):
    """A problem with the run as a whole (bad directories); one line for the user."""


@dataclass(frozen=True)
class RunOptions:
    workers: int = 1
    overwrite: bool = False
    allow_nested: bool = False
    follow_symlinks: bool = False
    fail_fast: bool = False


@dataclass
class RunResult:
    out_dir: Path
    summary: Summary
    elapsed_seconds: float
    interrupted: bool = False
    stopped_early: bool = False
    worst: list[dict[str, Any]] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return EXIT_INTERRUPTED
        return EXIT_DOCUMENT_ERRORS if self.summary.statuses.get("error") else EXIT_OK


# (root, relative paths, pipeline, workers) -> (relative, clean text, record) in input order.
Outcomes = Callable[
    [Path, list[PurePosixPath], Pipeline, int], Iterator[tuple[str, str, dict[str, Any]]]
]

# One pipeline per worker process, set once by the pool initializer (not per task).
_worker_pipeline: Pipeline | None = None


def _init_worker(pipeline: Pipeline) -> None:
    global _worker_pipeline
    _worker_pipeline = pipeline


def _clean_in_worker(task: tuple[str, str]) -> tuple[str, str, dict[str, Any]]:
    assert _worker_pipeline is not None
    return clean_file(_worker_pipeline, Path(task[0]), PurePosixPath(task[1]))


def clean_file(
    pipeline: Pipeline, root: Path, relative: PurePosixPath
) -> tuple[str, str, dict[str, Any]]:
    """Read, decode and clean one file: (relative path, clean text or '', report record)."""
    try:
        doc = read_document(root, relative)
    except OSError as exc:
        result = Result(str(relative), "error", "", "", reason=f"cannot read: {exc.strerror or exc}")
        record = pipeline.record(result, path=str(relative))
        record["input_sha256"] = None  # nothing was read, so there is no input to hash
        return str(relative), "", record
    result = pipeline.run(doc)
    output = str(output_name(relative)) if result.ok else None
    return str(relative), result.text, pipeline.record(result, path=str(relative), output=output)


def check_directories(input_dir: Path, out_dir: Path, options: RunOptions) -> None:
    if not input_dir.exists():
        raise RunError(f"input directory not found: {input_dir}")
    if not input_dir.is_dir():
        raise RunError(f"input is not a directory: {input_dir}")
    source, target = input_dir.resolve(), out_dir.resolve()
    nested = source == target or source in target.parents or target in source.parents
    if nested and not options.allow_nested:
        raise RunError(
            f"output directory {out_dir} and input directory {input_dir} overlap; "
            "pass --allow-nested if you really mean it"
        )
    if out_dir.exists() and not out_dir.is_dir():
        raise RunError(f"output path exists and is not a directory: {out_dir}")
    if out_dir.exists() and any(out_dir.iterdir()) and not options.overwrite:
        raise RunError(f"output directory {out_dir} is not empty; pass --overwrite to replace it")


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file and rename, so a killed run never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with temporary.open("wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


def run_directory(
    input_dir: Path,
    out_dir: Path,
    pipeline: Pipeline,
    options: RunOptions = RunOptions(),  # noqa: B008 - frozen, so sharing it is safe
    progress: Callable[[int], Any] | None = None,
    on_start: Callable[[int], Any] | None = None,
    outcomes: Outcomes | None = None,
) -> RunResult:
    """Clean every file under `input_dir` into `out_dir`; see the README for the layout.

    `outcomes` replaces the local process pool (`cleanpipe.ray` passes one that cleans on Ray).
    """
    check_directories(input_dir, out_dir, options)
    started = time.perf_counter()
    relatives = list(discover(input_dir, follow_symlinks=options.follow_symlinks))
    if on_start is not None:
        on_start(len(relatives))
    text_dir = out_dir / "text"
    text_dir.mkdir(parents=True, exist_ok=True)
    summary = Summary()
    interrupted = stopped_early = False
    written: dict[str, str] = {}
    report_path = out_dir / "report.jsonl"
    fd = os.open(report_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        clean_all = outcomes or _outcomes
        for relative, text, record in clean_all(input_dir, relatives, pipeline, options.workers):
            if record["output"] is not None:
                clash = written.get(record["output"])
                if clash is not None:
                    record.update(status="error", output=None, chars_out=0,
                                  reason=f"output name {record['output']} already written for {clash}")
                else:
                    written[record["output"]] = relative
                    write_atomic(text_dir / record["output"], text.encode("utf-8"))
            os.write(fd, (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
            summary.add(record)
            if progress is not None:
                progress(1)
            if options.fail_fast and record["status"] == "error":
                stopped_early = True
                break
    except KeyboardInterrupt:
        interrupted = True
    finally:
        os.close(fd)
    elapsed = time.perf_counter() - started
    totals = summary.to_dict()
    totals.update(
        config=pipeline.to_config(),
        config_sha256=pipeline.config_hash,
        input_dir=str(input_dir.resolve()),  # lets `cleanpipe report` show the input text
        elapsed_seconds=round(elapsed, 3),
        interrupted=interrupted,
        stopped_early=stopped_early,
    )
    write_atomic(out_dir / "summary.json", (json.dumps(totals, indent=2, ensure_ascii=False) + "\n").encode())
    return RunResult(out_dir, summary, elapsed, interrupted, stopped_early)


def _outcomes(
    root: Path, relatives: list[PurePosixPath], pipeline: Pipeline, workers: int
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    if workers <= 1 or len(relatives) < 2 * workers:
        for relative in relatives:
            yield clean_file(pipeline, root, relative)
        return
    tasks: Iterable[tuple[str, str]] = ((str(root), str(r)) for r in relatives)
    context = multiprocessing.get_context("spawn" if os.name == "nt" else "forkserver")
    chunk = max(1, min(64, len(relatives) // (workers * 8)))
    with context.Pool(workers, initializer=_init_worker, initargs=(pipeline,)) as pool:
        try:
            yield from pool.imap(_clean_in_worker, tasks, chunksize=chunk)
        except BaseException:
            pool.terminate()
            raise
