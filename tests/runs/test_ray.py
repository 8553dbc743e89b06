"""Ray: `clean_dataset` and `run --engine ray` give exactly what the local runner gives.

One local Ray (2 CPUs, no dashboard) is shared by the module and shut down after it; the
data is small, so the time goes to starting Ray and its workers, not to cleaning.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanpipe import Pipeline
from cleanpipe.cli import cli

ray = pytest.importorskip("ray")
pa = pytest.importorskip("pyarrow")

from cleanpipe.io.parquet import clean_table  # noqa: E402 - needs pyarrow
from cleanpipe.runs.ray import clean_dataset  # noqa: E402
from tests.test_readme_examples import EXAMPLES  # noqa: E402

pytestmark = pytest.mark.slow  # starts a local Ray cluster

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
PAGES = [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "sample").glob("*.txt"))]
SHORT = "Rain Expected in the North\nRain Expected in the North\nSteady rain is expected.\n"


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def corpus() -> list[tuple[str, str]]:
    texts = [*PAGES, SHORT, "   \n", "Caf\u00c3\u00a9 menu\n\nThe caf\u00c3\u00a9 opens at nine.\n"]
    return [(f"doc{n:02d}", text) for n, text in enumerate(texts * 3)]


def same_files(one: Path, two: Path) -> None:
    names = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    for name in names:
        if name.name != "summary.json":  # holds the run's duration
            assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_clean_dataset_matches_clean_table(local_ray: None) -> None:
    pipeline = Pipeline.default()
    table = pa.table(
        {
            "id": [i for i, _ in corpus()],
            "text": [t for _, t in corpus()],
            "source": [f"s{n}" for n in range(len(corpus()))],
        }
    )
    expected = clean_table(table, pipeline).to_pylist()
    ds = ray.data.from_arrow(table).repartition(4)
    rows = clean_dataset(ds, pipeline, batch_size=5).take_all()
    assert sorted(rows, key=lambda r: r["id"]) == sorted(expected, key=lambda r: r["id"])
    assert {r["cleanpipe_status"] for r in rows} == {"ok", "dropped"}


def test_clean_dataset_cuts_long_texts_like_clean_table(local_ray: None) -> None:
    pipeline = Pipeline.default()
    table = pa.table({"id": [i for i, _ in corpus()], "text": [t for _, t in corpus()]})
    expected = clean_table(table, pipeline, max_bytes=300).to_pylist()
    rows = clean_dataset(
        ray.data.from_arrow(table), pipeline, batch_size=5, max_doc_bytes=300
    ).take_all()
    assert sorted(rows, key=lambda r: r["id"]) == sorted(expected, key=lambda r: r["id"])
    assert any('"truncated"' in r["cleanpipe_report"] for r in rows)


def test_run_engine_ray_on_a_directory_matches_local(local_ray: None, tmp_path: Path) -> None:
    source = tmp_path / "in"
    for doc_id, text in corpus():
        path = source / doc_id[-1] / f"{doc_id}.txt"  # a few subfolders
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    runner = CliRunner()
    local = runner.invoke(
        cli, ["run", str(source), "--out", str(tmp_path / "local"), "-q", "-j", "1"]
    )
    on_ray = runner.invoke(
        cli, ["run", str(source), "--out", str(tmp_path / "ray"), "-q", "--engine", "ray"]
    )
    assert local.exit_code == on_ray.exit_code == 0, on_ray.output
    same_files(tmp_path / "local", tmp_path / "ray")


@pytest.mark.parametrize("name", ["rows.jsonl.gz", "rows.parquet"])
def test_run_engine_ray_on_a_dataset_matches_local(
    local_ray: None, tmp_path: Path, name: str
) -> None:
    source = tmp_path / "data" / name
    source.parent.mkdir()
    # every other row has no id (JSONL: no key; Parquet: a null): ids come from row
    # numbers, which Ray must get right too
    rows = [{"text": t, "n": n, "id": i if n % 2 else None} for n, (i, t) in enumerate(corpus())]
    if name.endswith(".jsonl.gz"):
        rows = [{k: v for k, v in row.items() if v is not None} for row in rows]
    if name.endswith(".parquet"):
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(rows), source)
    else:
        import gzip

        with gzip.open(source, "wt", encoding="utf-8") as handle:
            handle.writelines(json.dumps(row) + "\n" for row in rows)
    args = ["run", str(source), "-q", "--batch-size", "4", "--report-columns", "--keep-dropped"]
    runner = CliRunner()
    local = runner.invoke(cli, [*args, "--out", str(tmp_path / "local"), "-j", "1"])
    on_ray = runner.invoke(cli, [*args, "--out", str(tmp_path / "ray"), "--engine", "ray"])
    assert local.exit_code == on_ray.exit_code == 0, on_ray.output
    same_files(tmp_path / "local", tmp_path / "ray")
    report = (tmp_path / "ray" / "report.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line)["id"] for line in report][:3] == ["0", "doc01", "2"]


def test_readme_ray_example(
    local_ray: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's Ray example, verbatim, on the module's Ray (its own init and shutdown
    are skipped: the Ray they would start is the one already running)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(ray, "init", lambda *args, **kwargs: None)
    monkeypatch.setattr(ray, "shutdown", lambda: None)
    exec(compile(EXAMPLES["ray"], "README.md (ray example)", "exec"), {})
    assert list((tmp_path / "clean").glob("*.parquet")), "the example writes its output"


def test_repeated_line_table_on_ray_matches_the_local_first_pass(local_ray: None) -> None:
    from cleanpipe.runs.ray import repeated_line_hashes
    from cleanpipe.stages.repeated import count_line_hashes, frequent

    texts = [text for _, text in corpus()] + ["Subscribe to our newsletter\nOne line.\n"] * 2
    ds = ray.data.from_items([{"text": t} for t in texts]).repartition(3)
    for min_docs in (2, 3):
        expected = frequent(count_line_hashes(texts), min_docs)
        assert expected, "the corpus repeats lines, so the table is not empty"
        assert repeated_line_hashes(ds, min_docs=min_docs) == expected


def test_ray_address_reaches_ray_init(monkeypatch: pytest.MonkeyPatch) -> None:
    from cleanpipe.runs.ray import session

    calls: list[object] = []
    monkeypatch.setattr(ray, "is_initialized", lambda: False)
    monkeypatch.setattr(ray, "init", lambda **kwargs: calls.append(kwargs))
    monkeypatch.setattr(ray, "shutdown", lambda: calls.append("shutdown"))
    with session("ray://head:10001"):
        assert len(calls) == 1
    assert calls[0]["address"] == "ray://head:10001"  # type: ignore[index]
    assert calls[-1] == "shutdown"


def test_unreachable_ray_address_exits_2(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def refuse(**kwargs: object) -> None:
        raise ConnectionError(f"nothing listens at {kwargs['address']}")

    monkeypatch.setattr(ray, "is_initialized", lambda: False)
    monkeypatch.setattr(ray, "init", refuse)
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_text("Some text.\n", encoding="utf-8")
    done = CliRunner().invoke(
        cli,
        [
            "run",
            str(source),
            "--out",
            str(tmp_path / "out"),
            "--engine",
            "ray",
            "--ray-address",
            "ray://nowhere:1",
        ],
    )
    assert done.exit_code == 2, done.output
    assert "cannot start or join Ray (ray://nowhere:1)" in done.output
    assert not (tmp_path / "out").exists()  # refused before anything was written


def test_clean_dataset_checks_the_columns_before_the_job(local_ray: None) -> None:
    no_ids = ray.data.from_items([{"text": "A sentence of text."}])
    with pytest.raises(KeyError, match=r"no column 'id' \(columns: text\); on Ray every row"):
        clean_dataset(no_ids)
    with pytest.raises(KeyError, match=r"no column 'body'"):
        clean_dataset(no_ids, text_field="body")
