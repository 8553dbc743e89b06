"""JSONL and Parquet datasets: rows in, rows out, other fields untouched, the report beside."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleanpipe import Pipeline
from cleanpipe.cli import cli
from cleanpipe.io.formats import detect_format
from cleanpipe.io.jsonl import open_binary
from cleanpipe.io.rows import REPORT_COLUMNS, Fields
from cleanpipe.runs.datasets import DatasetOptions, run_dataset

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from cleanpipe.io.parquet import clean_table  # noqa: E402 - needs pyarrow

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
PAGES = [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "sample").glob("*.txt"))]
SHORT = "Rain Expected in the North\nRain Expected in the North\nSteady rain is expected.\n"


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.default()


def rows() -> list[dict[str, Any]]:
    """Records with ids, extra fields of several kinds, a drop and two bad rows."""
    return [
        {
            "id": "a",
            "text": PAGES[0],
            "url": "https://example.org/a",
            "tags": ["x", "y"],
            "meta": {"crawl": 3, "score": 0.5},
        },
        {"url": "https://example.org/b", "text": SHORT, "id": 7, "n": None},
        {"id": "empty", "text": "  \n\n"},
        {"id": "no-text", "body": "the text is in another field"},
        {"id": "number", "text": 12},
        {"id": "b", "text": PAGES[1], "é": "ünïcode stays"},
    ]


def write_jsonl(path: Path, records: list[dict[str, Any]], extra: bytes = b"") -> None:
    with open_binary(path, "wb") as handle:
        for record in records:
            handle.write((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
        handle.write(extra)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with open_binary(path) as handle:
        return [json.loads(line) for line in handle]


def report(out: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in (out / "report.jsonl").read_text("utf-8").splitlines()]


@pytest.mark.parametrize("name", ["rows.jsonl", "rows.jsonl.gz", "rows.jsonl.zst"])
def test_jsonl_rows_are_cleaned_and_other_fields_pass_through(
    tmp_path: Path, pipeline: Pipeline, name: str
) -> None:
    if name.endswith(".zst"):
        pytest.importorskip("zstandard")
    source = tmp_path / name
    # a blank line is not a row; a broken line is an error row, never written
    write_jsonl(source, rows(), extra=b"\n{not json\n[1, 2]\n")
    out = tmp_path / "out"
    result = run_dataset(source, out, pipeline, DatasetOptions(batch_size=2))
    assert result.summary.statuses == {"ok": 3, "dropped": 1, "error": 4}
    written = read_jsonl(out / name)
    originals = {str(r["id"]): r for r in rows()}
    assert [r["id"] for r in written] == ["a", 7, "b"]
    for row in written:
        original = originals[str(row["id"])]
        assert list(row) == list(original)  # same keys, same order
        assert {k: v for k, v in row.items() if k != "text"} == {
            k: v for k, v in original.items() if k != "text"
        }
        assert row["text"] == pipeline.clean(original["text"]).text
    records = report(out)
    # rows that could not be read have no id (a row number could clash: here with id 7)
    assert [r["id"] for r in records] == ["a", "7", "empty", "no-text", "number", "b", None, None]
    assert [r["metadata"]["row"] for r in records[6:]] == [6, 7]
    by_id = {r["id"]: r for r in records[:6]}
    assert by_id["no-text"]["reason"] == "field 'text' is missing"
    assert by_id["number"]["reason"] == "field 'text' is a int, not a string"
    assert by_id["empty"]["status"] == "dropped"
    assert records[6]["reason"].startswith("invalid JSON")
    assert records[7]["reason"] == "a JSON list, not an object"
    assert {r["path"] for r in records} == {name}


def test_jsonl_ok_rows_only_and_their_outputs_named(tmp_path: Path, pipeline: Pipeline) -> None:
    source = tmp_path / "rows.jsonl"
    write_jsonl(source, rows())
    run_dataset(source, tmp_path / "out", pipeline)
    written = read_jsonl(tmp_path / "out" / "rows.jsonl")
    assert [str(r["id"]) for r in written] == ["a", "7", "b"]
    for record in report(tmp_path / "out"):
        assert record["output"] == ("rows.jsonl" if record["status"] == "ok" else None)


def test_keep_dropped_and_report_columns(tmp_path: Path, pipeline: Pipeline) -> None:
    source = tmp_path / "rows.jsonl"
    write_jsonl(source, rows())
    out = tmp_path / "out"
    run_dataset(source, out, pipeline, DatasetOptions(keep_dropped=True, report_columns=True))
    written = read_jsonl(out / "rows.jsonl")
    assert len(written) == len(rows())  # aligned with the input, row by row
    lines = (out / "report.jsonl").read_text("utf-8").splitlines()
    for row, line in zip(written, lines, strict=True):
        assert row["cleanpipe_report"] == line  # exactly the report line
        record = json.loads(line)
        assert row["cleanpipe_status"] == record["status"]
        assert row["cleanpipe_reason"] == record["reason"]
        if record["status"] != "ok":
            assert row["text"] == ""


def test_rows_without_an_id_take_their_row_number(tmp_path: Path, pipeline: Pipeline) -> None:
    source = tmp_path / "rows.jsonl"
    write_jsonl(source, [{"body": SHORT}, {"body": PAGES[0], "doc": "named"}, {"body": SHORT}])
    run_dataset(
        source,
        tmp_path / "out",
        pipeline,
        DatasetOptions(fields=Fields(text="body", id="doc"), batch_size=2),
    )
    assert [r["id"] for r in report(tmp_path / "out")] == ["0", "named", "2"]


def test_gzip_output_is_the_same_bytes_every_run(tmp_path: Path, pipeline: Pipeline) -> None:
    source = tmp_path / "rows.jsonl.gz"
    write_jsonl(source, rows()[:2])
    run_dataset(source, tmp_path / "one", pipeline)
    run_dataset(source, tmp_path / "two", pipeline)
    assert (tmp_path / "one" / "rows.jsonl.gz").read_bytes() == (
        tmp_path / "two" / "rows.jsonl.gz"
    ).read_bytes()
    with gzip.open(tmp_path / "one" / "rows.jsonl.gz") as handle:
        assert len(handle.read().splitlines()) == 2


def parquet_table() -> Any:
    return pa.table(
        {
            "id": pa.array(["a", "b", "c", "d"]),
            "text": pa.array([PAGES[0], None, SHORT, "   "], type=pa.large_string()),
            "n": pa.array([1, 2, 3, 4], type=pa.int32()),
            "when": pa.array(
                [dt.datetime(2019, 5, d) for d in (1, 2, 3, 4)], type=pa.timestamp("ms")
            ),
            "tags": pa.array([["x"], [], None, ["y", "z"]], type=pa.list_(pa.string())),
            "meta": pa.array(
                [{"k": 1}, {"k": 2}, None, {"k": 4}], type=pa.struct([("k", pa.int64())])
            ),
        }
    )


def test_parquet_keeps_types_and_values_of_other_columns(
    tmp_path: Path, pipeline: Pipeline
) -> None:
    source = tmp_path / "rows.parquet"
    table = parquet_table()
    pq.write_table(table, source)
    out = tmp_path / "out"
    run_dataset(
        source, out, pipeline, DatasetOptions(batch_size=1, keep_dropped=True, report_columns=True)
    )
    written = pq.read_table(out / "rows.parquet")
    assert written.schema.names == [*table.schema.names, *REPORT_COLUMNS]
    for name in ("id", "n", "when", "tags", "meta"):
        assert written.column(name).equals(table.column(name)), name
    assert written.schema.field("text").type == pa.large_string()
    assert written.column("cleanpipe_status").to_pylist() == ["ok", "error", "ok", "dropped"]
    assert written.column("text").to_pylist()[0] == pipeline.clean(PAGES[0]).text
    lines = (out / "report.jsonl").read_text("utf-8").splitlines()
    assert written.column("cleanpipe_report").to_pylist() == lines


def test_parquet_default_writes_ok_rows_without_report_columns(
    tmp_path: Path, pipeline: Pipeline
) -> None:
    source = tmp_path / "rows.parquet"
    pq.write_table(parquet_table(), source)
    run_dataset(source, tmp_path / "out", pipeline, DatasetOptions(batch_size=3))
    written = pq.read_table(tmp_path / "out" / "rows.parquet")
    assert written.schema == parquet_table().schema
    assert written.column("id").to_pylist() == ["a", "c"]


def test_clean_table_is_the_pyarrow_entry_point(pipeline: Pipeline) -> None:
    table = pa.table({"text": [SHORT, PAGES[1]], "source": ["x", "y"]})
    cleaned = clean_table(table, pipeline, first_row=10)
    assert cleaned.column("source").to_pylist() == ["x", "y"]
    assert cleaned.column("text").to_pylist() == [pipeline.clean(t).text for t in (SHORT, PAGES[1])]
    reports = [json.loads(r) for r in cleaned.column("cleanpipe_report").to_pylist()]
    assert [r["id"] for r in reports] == ["10", "11"]
    with pytest.raises(KeyError, match="no column 'body'"):
        clean_table(table, pipeline, text_field="body")
    with pytest.raises(KeyError, match="give every row an id"):
        clean_table(table, pipeline, first_row=None)


@pytest.mark.slow
def test_two_workers_write_the_same_bytes_as_one(tmp_path: Path, pipeline: Pipeline) -> None:
    source = tmp_path / "rows.jsonl"
    write_jsonl(source, rows() * 3)
    run_dataset(source, tmp_path / "one", pipeline, DatasetOptions(batch_size=2, workers=1))
    run_dataset(source, tmp_path / "two", pipeline, DatasetOptions(batch_size=2, workers=2))
    for name in ("rows.jsonl", "report.jsonl"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_cli_runs_a_parquet_file(tmp_path: Path) -> None:
    source = tmp_path / "data" / "rows.parquet"
    source.parent.mkdir()
    pq.write_table(parquet_table(), source)
    out = tmp_path / "out"
    done = CliRunner().invoke(
        cli, ["run", str(source), "--out", str(out), "-q", "-j", "1", "--report-columns"]
    )
    assert done.exit_code == 3, done.output  # one row has a null text: an error row
    assert sorted(p.name for p in out.iterdir()) == ["report.jsonl", "rows.parquet", "summary.json"]
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["by_status"] == {"dropped": 1, "error": 1, "ok": 2}
    assert "cleanpipe_report" in pq.read_table(out / "rows.parquet").column_names


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--resume"], "--resume works on directories only"),
        (["--text-field", "body"], "no column 'body'"),
    ],
)
def test_cli_dataset_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    source = tmp_path / "data" / "rows.parquet"
    source.parent.mkdir()
    pq.write_table(parquet_table(), source)
    done = CliRunner().invoke(cli, ["run", str(source), "--out", str(tmp_path / "o"), *args])
    assert done.exit_code == 2
    assert message in done.output


def test_cli_refuses_a_non_empty_output(tmp_path: Path) -> None:
    source = tmp_path / "rows.jsonl"
    write_jsonl(source, rows()[:1])
    (tmp_path / "o").mkdir()
    (tmp_path / "o" / "keep.txt").write_text("x")
    done = CliRunner().invoke(cli, ["run", str(source), "--out", str(tmp_path / "o")])
    assert done.exit_code == 2 and "pass --overwrite" in done.output


def test_detect_format() -> None:
    assert detect_format("a/b.jsonl.gz") == "jsonl"
    assert detect_format("B.PARQUET") == "parquet"
    assert detect_format("b.json") is None
    assert detect_format("pages") is None


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    extra=st.dictionaries(
        st.text().filter(lambda k: k not in ("id", "text")), JSON_VALUES, max_size=4
    ),
    text=st.text(min_size=1),
)
def test_any_extra_fields_pass_through(tmp_path: Path, extra: dict[str, Any], text: str) -> None:
    pipeline = Pipeline.from_config({"stages": ["canonicalize"]})
    source = tmp_path / "row.jsonl"
    record = {"id": "r", "text": text, **extra}
    write_jsonl(source, [record])
    run_dataset(
        source, tmp_path / "out", pipeline, DatasetOptions(keep_dropped=True, overwrite=True)
    )
    [row] = read_jsonl(tmp_path / "out" / "row.jsonl")
    assert row == {**record, "text": pipeline.clean(text).text}
    assert list(row) == list(record)
