"""`--texts jsonl|parquet`: a directory run's clean texts as one file, the same texts as the
tree, and never half a file under the final name."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import pytest
from click.testing import CliRunner

from cleanpipe import Pipeline, run
from cleanpipe.cli.commands import cli
from cleanpipe.io.readers import output_name
from cleanpipe.pipeline import Pipeline as PipelineType
from cleanpipe.runs.core import RunError
from cleanpipe.runs.directory import Outcome, clean_file

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample, the mixed inputs (HTML, gzip, UTF-16, cp1252, a subfolder), the
    stage cases, and files that are dropped or fail."""
    source = tmp_path_factory.mktemp("corpus") / "in"
    inputs = [
        *FIXTURES.glob("sample/*"),
        *FIXTURES.glob("mixed/**/*"),
        *FIXTURES.glob("stages/*/*/input.txt"),
    ]
    for path in sorted(p for p in inputs if p.is_file()):
        relative = path.relative_to(FIXTURES)
        target = source / relative.parent.as_posix().replace("/", "__") / relative.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    (source / "binary.bin").write_bytes(b"\x00\x01\x02" * 100)
    (source / "blank.txt").write_bytes(b"  \n\n")
    (source / "link.txt").symlink_to(source / "blank.txt")  # skipped by the scan
    return source


def _tree(out: Path) -> dict[str, bytes]:
    text = out / "text"
    return {p.relative_to(text).as_posix(): p.read_bytes() for p in text.rglob("*") if p.is_file()}


def _jsonl_rows(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def _records(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "report.jsonl").read_text("utf-8").splitlines()]


@pytest.fixture(scope="module")
def tree_run(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tree") / "out"
    run(corpus, out, workers=1)
    return out


@pytest.mark.parametrize("workers", [1, 2])
def test_jsonl_texts_are_the_tree_texts(
    corpus: Path, tree_run: Path, tmp_path: Path, workers: int
) -> None:
    out = tmp_path / "out"
    result = run(corpus, out, workers=workers, texts="jsonl")
    assert result.exit_code in (0, 3)
    assert sorted(p.name for p in out.iterdir()) == ["report.jsonl", "summary.json", "texts.jsonl"]
    rows = _jsonl_rows(out / "texts.jsonl")
    tree = _tree(tree_run)
    assert len(rows) == len(tree) > 10
    by_output = {output_name(PurePosixPath(row["id"])).as_posix(): row for row in rows}
    assert {row["status"] for row in rows} == {"ok"}
    assert set(by_output) == set(tree)
    for name, data in tree.items():  # byte for byte, file by file
        assert by_output[name]["text"].encode("utf-8") == data, name
    # the report is the tree run's, but each text's output is the one file
    tree_records, records = _records(tree_run), _records(out)
    for ours, theirs in zip(records, tree_records, strict=True):
        assert ours["output"] == ("texts.jsonl" if theirs["output"] else None)
        assert {**ours, "output": None} == {**theirs, "output": None}
    ok_paths = [r["path"] for r in records if r["status"] == "ok"]
    assert [row["id"] for row in rows] == ok_paths  # in the report's order
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["documents"] == len(records)


def test_parquet_texts_are_the_jsonl_texts(corpus: Path, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    run(corpus, tmp_path / "j", workers=1, texts="jsonl", keep_dropped=True)
    run(corpus, tmp_path / "p", workers=1, texts="parquet", keep_dropped=True)
    rows = _jsonl_rows(tmp_path / "j" / "texts.jsonl")
    table = pq.read_table(tmp_path / "p" / "texts.parquet")
    assert table.column_names == ["id", "text", "status"]
    assert table.to_pylist() == rows
    # keep_dropped: every document has a row, those not ok with an empty text
    records = _records(tmp_path / "j")
    assert [(r["path"], r["status"]) for r in records] == [(r["id"], r["status"]) for r in rows]
    assert {r["status"] for r in rows} >= {"ok", "dropped"}
    assert all(r["text"] == "" for r in rows if r["status"] != "ok")


def _interrupting_after(count: int):  # type: ignore[no-untyped-def]
    """An outcome provider that cleans `count` documents, then is hit by Ctrl-C."""

    def outcomes(
        root: Path,
        relatives: list[PurePosixPath],
        pipeline: PipelineType,
        workers: int,
        max_bytes: int | None,
    ) -> Iterator[Outcome]:
        for index, relative in enumerate(relatives):
            if index == count:
                raise KeyboardInterrupt
            yield clean_file(pipeline, root, relative, max_bytes)

    return outcomes


@pytest.mark.parametrize("texts", ["jsonl", "parquet"])
def test_an_interrupted_run_leaves_no_texts_file(corpus: Path, tmp_path: Path, texts: str) -> None:
    if texts == "parquet":
        pytest.importorskip("pyarrow")
    from cleanpipe.runs.directory import RunOptions, run_directory

    out = tmp_path / "out"
    options = RunOptions(texts=texts)
    result = run_directory(
        corpus, out, Pipeline.default(), options, outcomes=_interrupting_after(5)
    )
    assert result.interrupted and result.exit_code == 130
    # no texts file, under its name or a temporary one; the report covers what was done
    assert sorted(p.name for p in out.iterdir() if p.name != ".cleanpipe.lock") == [
        "report.jsonl",
        "summary.json",
    ]
    assert [r["path"] for r in _records(out)].count("link.txt") == 1  # skipped, not cleaned
    assert len(_records(out)) == 5 + 1
    # --resume is refused (the texts of the first part are gone); --overwrite starts again
    with pytest.raises(RunError, match="--resume works with --texts tree only"):
        run(corpus, out, texts=texts, resume=True)
    run(corpus, out, workers=1, texts=texts, overwrite=True)
    assert (out / f"texts.{texts}").is_file()


def test_overwrite_replaces_the_other_layout(corpus: Path, tmp_path: Path) -> None:
    """A directory overwritten in the other layout ends as a fresh run's would, and a
    temporary file a killed run left behind is gone."""
    out = tmp_path / "out"
    run(corpus, out, workers=1)
    (out / ".tmp.99999.texts.jsonl").write_bytes(b'{"id": "half')
    run(corpus, out, workers=1, texts="jsonl", overwrite=True)
    names = sorted(p.name for p in out.iterdir() if p.name != ".cleanpipe.lock")
    assert names == ["report.jsonl", "summary.json", "texts.jsonl"]
    run(corpus, out, workers=1, overwrite=True)
    names = sorted(p.name for p in out.iterdir() if p.name != ".cleanpipe.lock")
    assert names == ["report.jsonl", "summary.json", "text"]


def test_a_failing_row_write_leaves_no_texts_file(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk while writing the file: a one-line RunError, and no file of any name."""
    from cleanpipe.runs import texts

    def full(self: texts.TextsFile, record: dict, text: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(texts.TextsFile, "add", full)
    out = tmp_path / "out"
    with pytest.raises(RunError, match=r"cannot write texts\.jsonl: No space left on device"):
        run(corpus, out, workers=1, texts="jsonl")
    assert not list(out.glob("*texts*"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--texts", "jsonl", "--resume"], "--resume works with --texts tree only"),
        (["--texts", "parquet", "--html-report"], "--html-report needs the texts as files"),
        (["--texts", "csv"], "Invalid value for '--texts'"),
    ],
)
def test_bad_combinations_are_one_line_errors(
    corpus: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    result = CliRunner().invoke(
        cli,
        ["run", str(corpus), "--out", str(tmp_path / "out"), *args],
    )
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_a_dataset_input_refuses_texts(tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"id": "a", "text": "Hello."}\n', "utf-8")
    with pytest.raises(RunError, match="--texts works on directories only"):
        run(rows, tmp_path / "out", texts="jsonl")


def test_an_unknown_format_from_python_is_a_run_error(corpus: Path, tmp_path: Path) -> None:
    with pytest.raises(RunError, match="unknown texts format 'csv'"):
        run(corpus, tmp_path / "out", texts="csv")
