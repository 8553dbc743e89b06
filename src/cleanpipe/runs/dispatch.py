"""`cleanpipe.run(...)`: what `cleanpipe run` does, as one Python call.

The command line only parses options and calls this, so an ETL job and the CLI run the same
code: a directory of documents or a JSONL/Parquet file, on this machine or on Ray.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cleanpipe.io.formats import detect_format
from cleanpipe.io.rows import Fields
from cleanpipe.optional import MissingDependencyError, requires
from cleanpipe.pipeline import Pipeline
from cleanpipe.runs.core import DEFAULT_MAX_DOC_BYTES, RunError, RunResult
from cleanpipe.runs.datasets import DatasetOptions, run_dataset
from cleanpipe.runs.directory import Outcomes, RunOptions, run_directory
from cleanpipe.runs.select import split_input
from cleanpipe.runs.texts import TREE

ENGINES = ("local", "ray")


def is_dataset(path: Path) -> bool:
    """A JSONL or Parquet file (by its name) rather than a directory of documents."""
    return detect_format(path) is not None and not path.is_dir()


def run(
    input_path: str | Path,
    out_dir: str | Path,
    pipeline: Pipeline | None = None,
    *,
    workers: int = 0,
    overwrite: bool = False,
    fail_fast: bool = False,
    max_doc_bytes: int | None = DEFAULT_MAX_DOC_BYTES,
    engine: str = "local",
    ray_address: str | None = None,
    # directories only
    resume: bool = False,
    allow_nested: bool = False,
    follow_symlinks: bool = False,
    texts: str = TREE,
    # datasets only (and keep_dropped for a directory's texts file)
    text_field: str = "text",
    id_field: str = "id",
    report_columns: bool = False,
    keep_dropped: bool = False,
    batch_size: int = 1000,
    # what a front end shows
    progress: Callable[[int], Any] | None = None,
    on_start: Callable[[int], Any] | None = None,
) -> RunResult:
    """Clean every file under `input_path` (a directory) or every row of it (a `.jsonl[.gz|
    .zst]` or `.parquet` file) into `out_dir`, with `pipeline` (default: the packaged one).

    A directory's clean texts go to `out_dir/text/` (`texts="tree"`), or into one
    `out_dir/texts.jsonl` or `texts.parquet` (`texts="jsonl"` or `"parquet"`), renamed into
    place when the run ends. `workers=0` is one per CPU core (on Ray: one per CPU of the
    cluster). A problem with the run as a whole (paths, options, a missing optional library)
    is a `RunError` whose message is one line for the user; problems with single documents
    are in the report.
    """
    source, target = Path(input_path), Path(out_dir)
    pipeline = pipeline if pipeline is not None else Pipeline.default()
    if engine not in ENGINES:
        raise RunError(f"unknown engine {engine!r} (engines: {', '.join(ENGINES)})")
    local_workers = workers or (os.cpu_count() or 1)
    if is_dataset(source):
        directory_only = {
            "resume": resume,
            "allow_nested": allow_nested,
            "follow_symlinks": follow_symlinks,
            "texts": texts != TREE,
        }
        given = [name for name, value in directory_only.items() if value]
        if given:
            option = "--" + given[0].replace("_", "-")
            raise RunError(f"{option} works on directories only, not on {source.name}")
        options = DatasetOptions(
            fields=Fields(text=text_field, id=id_field),
            report_columns=report_columns,
            keep_dropped=keep_dropped,
            batch_size=batch_size,
            workers=local_workers if engine == "local" else workers,
            overwrite=overwrite,
            fail_fast=fail_fast,
            max_doc_bytes=max_doc_bytes,
        )
        batch_map = None
        if engine == "ray":
            _connect_ray(ray_address)
            from cleanpipe.runs.ray import ray_map

            batch_map = ray_map(workers, ray_address)
        try:
            return run_dataset(source, target, pipeline, options, progress, batch_map)
        except KeyError as exc:  # a missing text column, or rows without ids where needed
            raise RunError(f"{source}: {exc.args[0]}") from None
        except ImportError as exc:  # pyarrow for Parquet, zstandard for .zst: the hint
            raise RunError(str(exc)) from None
    source, select = split_input(source)  # one file, or a glob: its folder and names
    options_dir = RunOptions(
        select=select,
        workers=local_workers,
        overwrite=overwrite,
        resume=resume,
        allow_nested=allow_nested,
        follow_symlinks=follow_symlinks,
        fail_fast=fail_fast,
        max_doc_bytes=max_doc_bytes,
        texts=texts,
        keep_dropped=keep_dropped,
    )
    outcomes = _engine_outcomes(engine, workers, ray_address)
    return run_directory(source, target, pipeline, options_dir, progress, on_start, outcomes)


def _engine_outcomes(engine: str, workers: int, ray_address: str | None) -> Outcomes | None:
    """The directory runner's outcome provider for `engine` (None: the local pool)."""
    if engine == "local":
        return None
    _connect_ray(ray_address)
    from cleanpipe.runs.ray import ray_map, ray_outcomes

    return ray_outcomes(ray_map(workers, ray_address))


def _connect_ray(address: str | None) -> None:
    """Start or join Ray before anything is written, so a failure is a clean exit 2; it is
    shut down when the process ends."""
    try:
        requires("ray", extra="ray", purpose="--engine ray", name="Ray")
    except MissingDependencyError as exc:
        raise RunError(str(exc)) from None
    from cleanpipe.runs.ray import connect

    connect(address)
