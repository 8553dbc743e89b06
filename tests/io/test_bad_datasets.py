"""Dataset files that are damaged or are not what their name says: one line saying which file
and what is wrong, exit 2, and a partial output never takes the final name."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanpipe import Pipeline
from cleanpipe.cli import cli
from cleanpipe.runs.datasets import DatasetOptions, run_dataset
from cleanpipe.runs.directory import RunError

RULES = Pipeline.from_config({"stages": ["fix_encoding", "canonicalize"]})


def _rows(count: int) -> bytes:
    lines = (
        json.dumps({"id": f"r{i}", "text": f"Row {i} holds a sentence."}) for i in range(count)
    )
    return "".join(line + "\n" for line in lines).encode("utf-8")


def _run_cli(source: Path, out: Path) -> tuple[int, str]:
    config = source.parent / "rules.yaml"
    config.write_text("stages: [fix_encoding, canonicalize]\n", "utf-8")
    args = ["run", str(source), "-o", str(out), "-q", "-j", "1", "-c", str(config)]
    done = CliRunner().invoke(cli, args)
    return done.exit_code, done.stderr


def test_a_truncated_gzip_is_an_error_and_its_partial_output_is_not_kept(tmp_path):
    source = tmp_path / "x.jsonl.gz"
    data = gzip.compress(_rows(20_000), mtime=0)
    source.write_bytes(data[: len(data) // 2])
    out = tmp_path / "out"
    code, stderr = _run_cli(source, out)
    assert code == 2
    assert "Aborted" not in stderr and "Traceback" not in stderr
    assert f"{source}: truncated" in " ".join(stderr.split())
    assert not (out / "x.jsonl.gz").exists()
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []  # no temporary
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["failed"].startswith(f"{source}: truncated")


def test_run_dataset_raises_run_error_on_a_truncated_file(tmp_path):
    source = tmp_path / "x.jsonl.gz"
    data = gzip.compress(_rows(5_000), mtime=0)
    source.write_bytes(data[:-20])
    with pytest.raises(RunError, match="truncated"):
        run_dataset(source, tmp_path / "out", RULES, DatasetOptions(batch_size=100))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.jsonl.gz", b'{"id": "a", "text": "plain"}\n', "not gzip data"),
        ("x.jsonl.gz", b"\x1f", "not gzip data"),
        ("y.parquet", b"not parquet at all\n", "not a Parquet file"),
        ("y.parquet", b"PAR1" + b"\0" * 40, "not a Parquet file"),
    ],
)
def test_a_file_that_is_not_what_its_name_says(tmp_path, name, content, message):
    if name.endswith(".parquet"):
        pytest.importorskip("pyarrow")
    source = tmp_path / name
    source.write_bytes(content)
    code, stderr = _run_cli(source, tmp_path / "out")
    assert code == 2
    assert "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert f"{source}: {message}" in stderr
    assert not (tmp_path / "out" / name).exists()
