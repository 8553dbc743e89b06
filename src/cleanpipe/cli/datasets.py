"""The `run` options for datasets and engines: JSONL/Parquet input, `--engine ray`.

Kept apart from `commands.py` so the directory options and these grow independently; `commands.py`
only dispatches here.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from cleanpipe.io.formats import detect_format
from cleanpipe.io.rows import Fields
from cleanpipe.optional import MissingDependencyError, requires
from cleanpipe.pipeline import Pipeline
from cleanpipe.runs.datasets import DatasetOptions, run_dataset
from cleanpipe.runs.directory import Outcomes, RunError, RunResult

ENGINES = ("local", "ray")


def dataset_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate `run` with the engine and dataset options."""
    options = [
        click.option(
            "--engine",
            type=click.Choice(ENGINES),
            default="local",
            show_default=True,
            help="Where to clean: this machine's processes, or Ray (pip install "
            "'cleanpipe[ray]'); same outputs either way.",
        ),
        click.option(
            "--ray-address",
            default=None,
            metavar="ADDRESS",
            help="With --engine ray: the cluster to join (default: a local Ray).",
        ),
        click.option(
            "--text-field",
            default="text",
            show_default=True,
            help="Datasets: the field holding the text.",
        ),
        click.option(
            "--id-field",
            default="id",
            show_default=True,
            help="Datasets: the field holding the id (missing: the row number).",
        ),
        click.option(
            "--report-columns",
            is_flag=True,
            help="Datasets: add cleanpipe_status, cleanpipe_reason and "
            "cleanpipe_report (the report record as JSON) to each row.",
        ),
        click.option(
            "--keep-dropped",
            is_flag=True,
            help="Datasets: keep dropped and failed rows (empty text) in the output.",
        ),
        click.option(
            "--batch-size",
            type=click.IntRange(min=1),
            default=1000,
            show_default=True,
            help="Datasets: rows per batch sent to a worker.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def is_dataset(path: Path) -> bool:
    """A JSONL or Parquet file (by its name) rather than a directory of documents."""
    return detect_format(path) is not None and not path.is_dir()


def engine_outcomes(engine: str, workers: int, ray_address: str | None) -> Outcomes | None:
    """The directory runner's outcome provider for `engine` (None: the local pool)."""
    if engine == "local":
        return None
    from cleanpipe.runs.ray import ray_map, ray_outcomes

    _connect_ray(ray_address)
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


def run_dataset_command(
    input_path: Path,
    out_dir: Path,
    pipeline: Pipeline,
    *,
    workers: int,
    overwrite: bool,
    fail_fast: bool,
    quiet: bool,
    directory_only: dict[str, bool],
    engine: str,
    ray_address: str | None,
    text_field: str,
    id_field: str,
    report_columns: bool,
    keep_dropped: bool,
    batch_size: int,
    max_doc_bytes: int | None,
) -> RunResult:
    """`cleanpipe run DATA.jsonl --out OUT`: check the options, run, return the result."""
    given = [name for name, value in directory_only.items() if value]
    if given:
        raise RunError(f"{given[0]} works on directories only, not on {input_path.name}")
    options = DatasetOptions(
        fields=Fields(text=text_field, id=id_field),
        report_columns=report_columns,
        keep_dropped=keep_dropped,
        batch_size=batch_size,
        workers=workers or 0,
        overwrite=overwrite,
        fail_fast=fail_fast,
        max_doc_bytes=max_doc_bytes,
    )
    batch_map = None
    if engine == "ray":
        _connect_ray(ray_address)
        from cleanpipe.runs.ray import ray_map

        batch_map = ray_map(workers, ray_address)
    elif not workers:
        options = dataclasses.replace(options, workers=os.cpu_count() or 1)
    progress = Progress(
        SpinnerColumn(),
        TextColumn("cleaning: {task.completed} rows"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
        disable=quiet,
    )
    task = progress.add_task("cleaning", total=None)
    try:
        with progress:
            return run_dataset(
                input_path,
                out_dir,
                pipeline,
                options,
                progress=lambda n: progress.advance(task, n),
                batch_map=batch_map,
            )
    except KeyError as exc:  # a missing text column, or rows without ids where ids are needed
        raise RunError(f"{input_path}: {exc.args[0]}") from None
    except ImportError as exc:  # pyarrow for Parquet, zstandard for .zst: the install hint
        raise RunError(str(exc)) from None
