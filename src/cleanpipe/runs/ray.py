"""Cleaning on Ray: `clean_dataset` for Ray Data jobs, and the engine of `run --engine ray`.

Ray is an optional extra (`pip install 'cleanpipe[ray]'`), imported only when used. Nothing
here cleans anything itself: rows go through the same code as a local run
(`cleanpipe.io`) and files through the directory runner's `clean_files`, so a document
comes out with the same text and the same report record wherever it was cleaned.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, cast

from cleanpipe.io.parquet import clean_table
from cleanpipe.optional import load
from cleanpipe.pipeline import Pipeline
from cleanpipe.runs.core import BatchMap, RunError, windowed
from cleanpipe.runs.directory import Outcome, Outcomes, clean_files

if TYPE_CHECKING:
    import pyarrow as pa
    import ray.data

FILES_PER_TASK = 32  # enough work per task to hide Ray's per-call overhead (about 1 ms)


def _ray() -> Any:
    return load("ray", extra="ray", purpose="cleanpipe.runs.ray", name="Ray")


class _CleanBatch:
    """The `map_batches` callable. A class, so Ray runs it in actors that live across batches
    and a stage's lazily loaded model (langdetect's profiles) is loaded once per actor."""

    def __init__(
        self, pipeline: Pipeline, text_field: str, id_field: str, max_doc_bytes: int | None = None
    ) -> None:
        self.pipeline = pipeline
        self.text_field = text_field
        self.id_field = id_field
        self.max_doc_bytes = max_doc_bytes

    def __call__(self, batch: pa.Table) -> pa.Table:
        # first_row=None: a batch does not know its place in the dataset, so ids are required
        return clean_table(
            batch,
            self.pipeline,
            text_field=self.text_field,
            id_field=self.id_field,
            first_row=None,
            max_bytes=self.max_doc_bytes,
        )


def clean_dataset(
    ds: ray.data.Dataset,
    pipeline: Pipeline | None = None,
    *,
    text_field: str = "text",
    id_field: str = "id",
    batch_size: int = 256,
    max_doc_bytes: int | None = None,
    **map_batches_args: Any,
) -> ray.data.Dataset:
    """`ds` with its text cleaned and the report columns added, lazily, via `map_batches`.

    Every row is kept: dropped and failed rows get an empty text and say so in
    `cleanpipe_status` and `cleanpipe_reason`; `cleanpipe_report` holds the whole report
    record as JSON (a `report.jsonl` line). Other columns pass through. Extra keyword
    arguments go to `map_batches` (e.g. `compute=ray.data.ActorPoolStrategy(size=8)`).
    `max_doc_bytes`: cut longer texts there and say `truncated` in the report (as `cleanpipe
    run --max-doc-mb`); None, the default here, cleans every text whole.
    """
    _ray()
    check_columns(ds, text_field, id_field)
    return ds.map_batches(
        _CleanBatch,
        fn_constructor_kwargs={
            "pipeline": pipeline or Pipeline.default(),
            "text_field": text_field,
            "id_field": id_field,
            "max_doc_bytes": max_doc_bytes,
        },
        batch_format="pyarrow",
        batch_size=batch_size,
        **map_batches_args,
    )


def check_columns(ds: ray.data.Dataset, text_field: str, id_field: str) -> None:
    """Raise KeyError now, naming the columns there are, when `ds` lacks the text or the id
    column: on Ray a missing column would surface only once the job runs, deep inside a
    RayTaskError. A dataset whose schema is not known without running it is not checked."""
    try:
        schema = ds.schema()
    except Exception:  # a source that cannot tell its schema cheaply: the job will say
        return
    names = list(getattr(schema, "names", None) or [])
    if not names:
        return
    listed = ", ".join(names)
    if text_field not in names:
        raise KeyError(f"clean_dataset: no column {text_field!r} (columns: {listed})")
    if id_field not in names:  # Ray cannot number rows: a batch does not know its place
        raise KeyError(
            f"clean_dataset: no column {id_field!r} (columns: {listed}); on Ray every row "
            "needs an id: add one or pass id_field="
        )


def repeated_line_hashes(
    ds: ray.data.Dataset, *, text_field: str = "text", min_docs: int = 5
) -> list[str]:
    """The first pass of `strip_repeated_lines`, distributed: the hashes of normalized lines
    found in at least `min_docs` rows of `ds`, sorted (the table file's lines).

    The same answer as `cleanpipe repeated-lines` gives for the same texts; write
    it to a file every worker can read and name that file as the stage's `table`. Workers
    hash and count per batch; this process adds the counts up, so it holds one counter per
    distinct line, as the local first pass does (a Ray shuffle would avoid that, at many
    times the cost on anything but a huge corpus).
    """
    _ray()
    from cleanpipe.stages.repeated import count_line_hashes

    def batch_counts(batch: pa.Table) -> dict[str, list[Any]]:
        texts = [t for t in batch.column(text_field).to_pylist() if isinstance(t, str)]
        counts = count_line_hashes(texts)
        return {"hash": list(counts), "documents": list(counts.values())}

    total: Counter[str] = Counter()
    counted = ds.map_batches(batch_counts, batch_format="pyarrow")
    for batch in counted.iter_batches(batch_format="pyarrow"):
        table = cast("pa.Table", batch)
        # a batch here joins several workers' batches: a hash can occur more than once
        for line, documents in zip(
            table.column("hash").to_pylist(), table.column("documents").to_pylist(), strict=True
        ):
            total[line] += documents
    return sorted(h for h, n in total.items() if n >= min_docs)


# --- the engine behind `cleanpipe run --engine ray` ----------------------------------------


def connect(address: str | None = None) -> bool:
    """Start a local Ray, or join the cluster at `address`, unless Ray already runs here.

    True when this call started it. A failure is one line (`RunError`), not a traceback.
    """
    ray = _ray()
    if ray.is_initialized():
        return False
    try:
        ray.init(
            address=address,
            include_dashboard=False,
            log_to_driver=False,
            logging_level=logging.WARNING,
        )
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise RunError(f"cannot start or join Ray ({address or 'local'}): {exc}") from None
    return True


@contextmanager
def session(address: str | None = None) -> Iterator[None]:
    """Ray for the block's duration; a Ray the caller started is used and left running."""
    started = connect(address)
    try:
        yield
    finally:
        if started:
            _ray().shutdown()


# Per Ray worker process: the work function of the current run, by object id, so a pipeline
# and its lazily loaded models (about a second to load) are set up once per process, not
# once per batch. Cleared when another run's function arrives: memory stays bounded.
_work_cache: dict[str, Callable[[Any], Any]] = {}


def _run_batch(box: list[Any], item: Any) -> Any:
    """A Ray task: `box` holds the ObjectRef of the work function (boxed, so Ray passes the
    reference and this process fetches the function only the first time)."""
    key = box[0].hex()
    work = _work_cache.get(key)
    if work is None:
        work = _ray().get(box[0])
        _work_cache.clear()
        _work_cache[key] = work
    return work(item)


def ray_map(workers: int = 0, address: str | None = None) -> BatchMap:
    """An ordered map over Ray tasks, at most `workers` batches at a time (0: one per CPU of
    the cluster).

    Batches are read by this process and results come back to it in input order: that is
    what keeps outputs and `report.jsonl` identical to a local run, and memory flat on an
    input of any size. Ray is started (or joined at `address`) when the first batch is due
    and left after the last, unless the caller had already initialised it.
    """

    def mapper(work: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        ray = _ray()
        with session(address):
            count = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
            box = [ray.put(work)]
            task = ray.remote(num_cpus=1)(_run_batch)

            def submit(item: Any) -> Callable[[], Any]:
                ref = task.remote(box, item)
                return lambda: ray.get(ref)

            yield from windowed(submit, items, count)

    return mapper


def ray_outcomes(batch_map: BatchMap) -> Outcomes:
    """Directory runs on Ray: files are read by the workers, so with a remote cluster the
    input directory must be visible to every node at the same path (a shared file system)."""

    def outcomes(
        root: Path,
        relatives: list[PurePosixPath],
        pipeline: Pipeline,
        workers: int,
        max_bytes: int | None,
    ) -> Iterator[Outcome]:
        work = partial(clean_files, pipeline, str(root), max_bytes)
        chunks = (
            relatives[i : i + FILES_PER_TASK] for i in range(0, len(relatives), FILES_PER_TASK)
        )
        for results in batch_map(work, chunks):
            yield from results

    return outcomes
