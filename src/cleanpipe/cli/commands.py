"""The command line: a thin layer that parses options and calls the library."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from cleanpipe import __version__, reference, registry
from cleanpipe.cli.datasets import dataset_options
from cleanpipe.config import ConfigError
from cleanpipe.io.readers import RejectedFileError
from cleanpipe.pipeline import Pipeline, packaged_configs
from cleanpipe.runs.core import (
    DEFAULT_MAX_DOC_BYTES,
    EXIT_DOCUMENT_ERRORS,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    RunError,
    RunResult,
)
from cleanpipe.runs.dispatch import is_dataset
from cleanpipe.runs.dispatch import run as run_anything
from cleanpipe.runs.tables import write_repeated_table
from cleanpipe.runs.texts import TEXT_FORMATS, TREE

PROGRESS_THRESHOLD = 50  # fewer files than this finish before a bar is worth drawing

err = Console(stderr=True)


def _fail(message: str) -> None:
    # The message is the user's own text (paths, YAML): never read it as rich markup.
    for line in message.splitlines() or [""]:  # a config's problems: one line each
        err.print(
            f"[bold red]error:[/] {escape(line)}", highlight=False, markup=True, soft_wrap=True
        )
    sys.exit(EXIT_USAGE)


def _load_pipeline(config: Path | None) -> Pipeline:
    try:
        return Pipeline.from_yaml(config) if config else Pipeline.default()
    except ConfigError as exc:
        _fail(str(exc))
        raise  # unreachable; keeps type checkers calm


LOG_LEVELS = ("debug", "info", "warning", "error")
log = logging.getLogger("cleanpipe")


# Named from the package itself, so the help cannot fall behind the configs it ships.
CONFIG_HELP = (
    "Pipeline YAML, or a packaged config by name: "
    f"{', '.join(packaged_configs())} (default: default)."
)
# The one --config option of every command that cleans (run, diff, clean).
config_option = click.option(
    "--config",
    "-c",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help=CONFIG_HELP,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="cleanpipe")
@click.option(
    "-v", "--verbose", count=True, help="More messages on standard error (-v info, -vv debug)."
)
@click.option(
    "-q", "--quiet", is_flag=True, help="Errors only: no progress bar, no summary, no notes."
)
@click.option(
    "--log-level",
    type=click.Choice(LOG_LEVELS, case_sensitive=False),
    default=None,
    help="The level of cleanpipe's log messages on standard error (instead of -v/-q).",
)
@click.pass_context
def cli(ctx: click.Context, verbose: int, quiet: bool, log_level: str | None) -> None:
    """Clean scraped web text and report every removal.

    \b
    Examples:
      cleanpipe run scraped/ --out out/
      cat page.html | cleanpipe clean -
      cleanpipe diff page.txt --context 2
      cleanpipe stages
    """
    if log_level is None:
        log_level = "error" if quiet else ("debug", "info", "warning")[max(0, 2 - verbose)]
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    log.handlers[:] = [handler]
    log.setLevel(log_level.upper())
    ctx.obj = {"quiet": quiet}


def _quiet(quiet: bool) -> bool:
    """A command's own --quiet, or the group's `cleanpipe -q`."""
    context = click.get_current_context(silent=True)
    root = context.find_root().obj if context is not None else None
    return quiet or bool(isinstance(root, dict) and root.get("quiet"))


def _max_doc_bytes(megabytes: float | None) -> int | None:
    if megabytes is None:
        return DEFAULT_MAX_DOC_BYTES
    if megabytes == 0:
        return None  # no limit
    return max(1, int(megabytes * 1e6))


@cli.command()
@click.argument("input_dir", metavar="INPUT", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "-o",
    "out_dir",
    type=click.Path(path_type=Path),
    required=True,
    help="Output directory: text/ (or the cleaned dataset), report.jsonl, summary.json.",
)
@config_option
@click.option(
    "--workers",
    "-j",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Worker processes (0: one per CPU core).",
)
@click.option("--overwrite", is_flag=True, help="Replace a non-empty output directory.")
@click.option(
    "--resume",
    is_flag=True,
    help="Finish an interrupted run in --out: keep documents already done with the "
    "same input and config, clean the rest.",
)
@click.option(
    "--allow-nested",
    is_flag=True,
    help="Allow the output directory inside the input directory or vice versa.",
)
@click.option(
    "--follow-symlinks", is_flag=True, help="Follow symlinks (still never out of the input tree)."
)
@click.option("--fail-fast", is_flag=True, help="Stop at the first document that errors.")
@click.option(
    "--texts",
    type=click.Choice(TEXT_FORMATS),
    default=TREE,
    show_default=True,
    help="Directories: the clean texts as files under OUT/text/, or as rows (id, text, "
    "status) of one OUT/texts.jsonl or texts.parquet, written when the run ends.",
)
@click.option(
    "--max-doc-mb",
    type=click.FloatRange(min=0),
    default=None,
    help=f"Cut larger documents there, at a line break, and mark them truncated in "
    f"the report (0: no limit) [default: {DEFAULT_MAX_DOC_BYTES / 1e6:g}].",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary table.")
@click.option(
    "--html-report",
    is_flag=True,
    help="Also write the HTML audit report into OUT/report/ (see `cleanpipe report`).",
)
@dataset_options
def run(
    input_dir: Path,
    out_dir: Path,
    config: Path | None,
    workers: int,
    overwrite: bool,
    resume: bool,
    allow_nested: bool,
    follow_symlinks: bool,
    fail_fast: bool,
    texts: str,
    max_doc_mb: float | None,
    quiet: bool,
    html_report: bool,
    **dataset: Any,
) -> None:
    """Clean every file under INPUT (a directory, one file, or a quoted glob such as
    'crawl/**/*.html'), or every row of INPUT (a .jsonl[.gz|.zst] or .parquet file), into
    --out.

    \b
    Examples:
      cleanpipe run scraped/ --out out/
      cleanpipe run 'crawl/**/*.html' --out out/ --config news
      cleanpipe run rows.jsonl.gz --out out/ --text-field body
      cleanpipe run scraped/ --out out/ --resume
      cleanpipe run scraped/ --out out/ --texts jsonl
    """
    quiet = _quiet(quiet)
    pipeline = _load_pipeline(config)
    log.info("config %s (%s): %d stages", pipeline.name, pipeline.config_hash, len(pipeline.stages))
    log.debug("stages: %s", ", ".join(stage.name for stage in pipeline.stages))
    dataset_input = is_dataset(input_dir)
    if dataset_input and html_report:
        _fail(f"--html-report works on directories only, not on {input_dir.name}")
    if html_report and texts != TREE:
        _fail(f"--html-report needs the texts as files: drop --texts {texts}")
    progress = _progress(quiet, rows=dataset_input)
    task = progress.add_task("cleaning", total=None)

    def on_start(total: int) -> None:
        progress.update(task, total=total)
        if total >= PROGRESS_THRESHOLD:
            progress.start()

    if dataset_input:
        progress.start()
    try:
        result = run_anything(
            input_dir,
            out_dir,
            pipeline,
            workers=workers,
            overwrite=overwrite,
            resume=resume,
            allow_nested=allow_nested,
            follow_symlinks=follow_symlinks,
            fail_fast=fail_fast,
            texts=texts,
            max_doc_bytes=_max_doc_bytes(max_doc_mb),
            progress=lambda n: progress.advance(task, n),
            on_start=on_start,
            **dataset,
        )
    except RunError as exc:
        progress.stop()
        _fail(str(exc))
        return
    except KeyboardInterrupt:  # before the first document: nothing written to report yet
        progress.stop()
        err.print("interrupted before any document was cleaned", highlight=False)
        sys.exit(EXIT_INTERRUPTED)
    finally:
        progress.stop()
    if not quiet:
        _print_summary(result)
    if html_report:
        _write_html_report(out_dir, input_dir, quiet, workers or (os.cpu_count() or 1))
    sys.exit(result.exit_code)


def _progress(quiet: bool, *, rows: bool) -> Progress:
    """A bar over the files of a directory; a running count of the rows of a dataset."""
    if rows:
        columns: tuple[Any, ...] = (
            SpinnerColumn(),
            TextColumn("cleaning: {task.completed} rows"),
            TimeElapsedColumn(),
        )
    else:
        columns = (
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
        )
    disable = quiet or (not rows and not err.is_terminal)
    return Progress(*columns, console=err, transient=True, disable=disable)


def _print_summary(result: RunResult) -> None:
    totals = result.summary.to_dict()
    table = Table(
        title=f"cleanpipe: {totals['documents']} documents in "
        f"{result.elapsed_seconds:.1f}s -> {result.out_dir}"
    )
    table.add_column("stage/rule")
    table.add_column("documents", justify="right")
    table.add_column("lines", justify="right")
    table.add_column("chars", justify="right")
    for key, stats in totals["rules"].items():
        table.add_row(key, str(stats["documents"]), str(stats["lines"]), str(stats["chars"]))
    err.print(table)
    statuses = ", ".join(f"{k} {v}" for k, v in totals["by_status"].items()) or "none"
    summary = result.summary
    err.print(
        f"status: {statuses}; removed {_share(summary.removed_share)} of the "
        f"{summary.read_chars:,} characters of the documents read (removals and dropped "
        "documents; errors not counted)",
        highlight=False,
    )
    if summary.extracted_pages:
        err.print(
            f"extraction: {summary.extracted_pages:,} HTML "
            f"page{'s' if summary.extracted_pages != 1 else ''}, {summary.markup_chars:,} "
            f"characters of markup -> {summary.extracted_chars:,} of text (counted from the "
            "text above)",
            highlight=False,
        )
    if totals["truncated"]:
        err.print(
            f"[yellow]truncated:[/] {totals['truncated']} documents were cut at "
            "--max-doc-mb (metadata 'truncated' in report.jsonl)",
            highlight=False,
        )
    if result.summary.duplicate_ids:
        count = result.summary.duplicate_ids
        err.print(
            f"[yellow]warning:[/] {count} row{'s' if count > 1 else ''} "
            f"repeat{'' if count > 1 else 's'} the id of an earlier row "
            f"(first: {escape(repr(result.summary.first_duplicate))}); "
            "summary.json counts them as duplicate_ids",
            highlight=False,
        )
    if result.resumed:
        cleaned = totals["documents"] - result.resumed
        err.print(
            f"resumed: kept {result.resumed} documents finished by the earlier run, "
            f"cleaned {cleaned}",
            highlight=False,
        )
    if result.interrupted:
        err.print("[yellow]interrupted:[/] outputs and report cover the documents above")
    if result.stopped_early:
        err.print("[yellow]stopped at the first error (--fail-fast)[/]")


def _share(share: float) -> str:
    """A share as the HTML report shows it (`report.html.markup.pct`): one definition."""
    from cleanpipe.report.html.markup import pct

    return pct(share)


@cli.command()
@click.option("--markdown", is_flag=True, help="Print the README's stage table instead.")
def stages(markdown: bool) -> None:
    """List every stage with its YAML name, parameters, defaults and purpose: those of the
    default config in the order it runs them, then the others by name.

    \b
    Examples:
      cleanpipe stages
      cleanpipe stages --markdown > stages.md
    """
    try:
        available = registry.available()
        order = reference.stage_order()
    except registry.RegistryError as exc:
        _fail(str(exc))
        return
    if markdown:
        click.echo(reference.markdown(), nl=False)
        return
    in_default = {s.name for s in Pipeline.default().stages}
    others = [name for name in order if name not in in_default]
    for name in order:
        if others and name == others[0]:
            click.echo("# not in the default config:\n")
        cls = available[name]
        click.echo(click.style(name, bold=True) + f"  {reference.purpose(cls)}")
        for field in cls.parameters():
            default = reference.show_default(field.default)
            low, high = field.metadata.get("range", (None, None))
            bounds = (
                f"  [{'' if low is None else f'{low:g}'}..{'' if high is None else f'{high:g}'}]"
            )
            shown = bounds if field.metadata.get("range") else ""
            click.echo(f"    {field.name} = {default}{shown}  # {field.metadata.get('doc', '')}")
        click.echo()


@cli.command("check-config")
@click.argument("config", type=click.Path(path_type=Path, dir_okay=False))
def check_config(config: Path) -> None:
    """Validate CONFIG (a YAML file, or a packaged config's name) without processing
    anything.

    \b
    Examples:
      cleanpipe check-config configs/news.yaml
      cleanpipe check-config news
    """
    pipeline = _load_pipeline(config)
    click.echo(
        f"{config}: ok ({len(pipeline.stages)} stages: "
        f"{', '.join(s.name for s in pipeline.stages)})"
    )


@cli.command("repeated-lines")
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "-o",
    "table",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="Table file to write: one line hash per line.",
)
@click.option(
    "--min-docs",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="A line must occur in at least this many documents.",
)
@click.option(
    "--text-field",
    default="text",
    show_default=True,
    help="Datasets: the field holding the text.",
)
def repeated_lines(input_path: Path, table: Path, min_docs: int, text_field: str) -> None:
    """Build the table of lines repeated across the documents of INPUT (a directory, or a
    JSONL/Parquet file): the first pass of strip_repeated_lines ({table: TABLE}).

    \b
    Examples:
      cleanpipe repeated-lines scraped/ --out repeated.txt
      cleanpipe repeated-lines rows.jsonl --out repeated.txt --min-docs 10
    """
    try:
        count = write_repeated_table(input_path, table, min_docs=min_docs, text_field=text_field)
    except RunError as exc:
        _fail(str(exc))
        return
    click.echo(f"{count} lines repeated in >= {min_docs} documents -> {table}")


@cli.command()
@click.argument("out_dir", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--input",
    "-i",
    "input_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Where the run's inputs are now (default: the directory summary.json records).",
)
@click.option(
    "--workers",
    "-j",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Processes writing document pages (0: one per CPU core).",
)
@click.option("--quiet", "-q", is_flag=True, help="Print nothing on success.")
def report(out_dir: Path, input_dir: Path | None, workers: int, quiet: bool) -> None:
    """Write the HTML audit report of the run in OUT_DIR into OUT_DIR/report/.

    \b
    Examples:
      cleanpipe report out/
      cleanpipe report out/ --input moved/scraped/
    """
    _write_html_report(out_dir, input_dir, _quiet(quiet), workers or (os.cpu_count() or 1))


def _write_html_report(out_dir: Path, input_dir: Path | None, quiet: bool, workers: int) -> None:
    from cleanpipe.report.html import ReportError, write_report

    try:
        stats = write_report(out_dir, input_dir, workers=workers)
    except (ReportError, OSError) as exc:
        _fail(str(exc))
        return
    if not quiet:
        err.print(
            f"report: {stats.path / 'index.html'} ({stats.documents:,} documents, "
            f"{stats.files:,} files, {stats.bytes / 1e6:.1f} MB, {stats.seconds:.1f}s)",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
        if stats.inputs_missing:
            err.print(
                f"note: {stats.inputs_missing:,} documents shown without their input "
                "text (each page says why; moved inputs: pass --input DIR)",
                highlight=False,
                markup=False,
                soft_wrap=True,
            )


@cli.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@config_option
@click.option(
    "--context",
    "-C",
    type=click.IntRange(min=0),
    default=None,
    help="Show only lines within N lines of a removal.",
)
@click.option("--output", "show_output", is_flag=True, help="Also print the clean output.")
def diff(file: Path, config: Path | None, context: int | None, show_output: bool) -> None:
    """Clean FILE now and show its removals in colour, by stage, in the terminal.

    \b
    Examples:
      cleanpipe diff scraped/page.txt
      cleanpipe diff scraped/page.html --config news --context 2 --output
    """
    from cleanpipe.report.diffview import clean_path, diff_view

    pipeline = _load_pipeline(config)
    try:
        result = clean_path(file, pipeline)
    except RejectedFileError as exc:
        _fail(f"{file}: {exc.status}: {exc.reason}")
        return
    except OSError as exc:
        _fail(f"cannot read {file}: {exc.strerror or exc}")
        return
    stages = [stage.name for stage in pipeline.stages if stage.removes]
    Console().print(
        diff_view(result, stages, context=context, title=str(file), show_output=show_output),
        highlight=False,
        soft_wrap=True,
    )


# Standard input is read up to this many bytes (an HTML page's limit, as for files).
MAX_STDIN_BYTES = 64 * 1024 * 1024


@cli.command("clean")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@config_option
@click.option(
    "--record",
    "record_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the report record (one JSON line) to this file instead of standard error.",
)
def clean_command(file: Path, config: Path | None, record_path: Path | None) -> None:
    """Clean one FILE, or standard input (`-`): the clean text to standard output, the report
    record to standard error (or --record). HTML is recognised by the file name, or on
    standard input by how the text starts.

    \b
    Examples:
      cat page.html | cleanpipe clean - > page.txt
      cleanpipe clean page.txt --record page.json
    """
    from cleanpipe.report.diffview import clean_path

    pipeline = _load_pipeline(config)
    if str(file) == "-":
        data = sys.stdin.buffer.read(MAX_STDIN_BYTES + 1)
        if len(data) > MAX_STDIN_BYTES:
            _fail(f"standard input is larger than {MAX_STDIN_BYTES:,} bytes; save it to a file")
        result = pipeline.clean(data, doc_id="-")
    else:
        try:
            result = clean_path(file, pipeline)
        except RejectedFileError as exc:
            _fail(f"{file}: {exc.status}: {exc.reason}")
            return
        except OSError as exc:
            _fail(f"cannot read {file}: {exc.strerror or exc}")
            return
    record = json.dumps(pipeline.record(result, path=str(file)), ensure_ascii=False) + "\n"
    sys.stdout.buffer.write(result.text.encode("utf-8"))
    sys.stdout.buffer.flush()
    if record_path is not None:
        record_path.write_text(record, encoding="utf-8")
    else:
        sys.stderr.write(record)
    sys.exit(EXIT_DOCUMENT_ERRORS if result.status == "error" else 0)


def main() -> None:
    cli(prog_name="cleanpipe")
