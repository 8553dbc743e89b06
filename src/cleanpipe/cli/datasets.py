"""The `run` options for datasets and engines: JSONL/Parquet input, `--engine ray`.

Kept apart from `commands.py` so the directory options and these grow independently; what
they do is `cleanpipe.runs.dispatch.run`'s business.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from cleanpipe.runs.dispatch import ENGINES


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
            help="Datasets and --texts jsonl/parquet: keep dropped and failed rows (empty "
            "text) in the output.",
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
