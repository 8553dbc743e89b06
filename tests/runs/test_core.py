"""The run core: what directory runs, dataset runs and Ray share, and once differed in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from cleanpipe import Pipeline
from cleanpipe.document import Result
from cleanpipe.runs.core import ordered_map
from cleanpipe.runs.datasets import DatasetOptions, run_dataset
from cleanpipe.runs.directory import RunOptions, run_directory

STAGES = ["fix_encoding", "strip_comment_markers", "canonicalize"]
ROW = "Storm closes the coastal road\n\nThe road was closed on Sunday.\n\nComments\n"


def _rows(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for number in range(count):
            out.write(json.dumps({"id": f"r{number}", "text": ROW}) + "\n")
    return path


def _square(value: int) -> int:
    return value * value


def test_the_pool_keeps_input_order_with_any_window():
    assert list(ordered_map(_square, range(50), 2, window=3)) == [n * n for n in range(50)]
    assert list(ordered_map(_square, range(50), 1)) == [n * n for n in range(50)]


def test_a_dataset_run_sums_stage_timings_like_a_directory_run(tmp_path):
    pipeline = Pipeline.from_config({"stages": STAGES})
    source = _rows(tmp_path / "rows.jsonl", 5)
    run_dataset(source, tmp_path / "rows", pipeline, DatasetOptions(batch_size=2))
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "a.txt").write_text(ROW, encoding="utf-8")
    run_directory(texts, tmp_path / "dir", pipeline, RunOptions())
    for out in ("rows", "dir"):
        summary = json.loads((tmp_path / out / "summary.json").read_text("utf-8"))
        assert set(summary["stage_seconds"]) == set(STAGES), out


def test_a_dataset_report_survives_short_writes(tmp_path, monkeypatch):
    real_write = os.write

    def short_write(fd, data):  # a disk that takes a few bytes at a time
        return real_write(fd, bytes(data[:7]))

    monkeypatch.setattr(os, "write", short_write)
    source = _rows(tmp_path / "rows.jsonl", 4)
    run_dataset(source, tmp_path / "out", Pipeline.from_config({"stages": STAGES}))
    lines = (tmp_path / "out" / "report.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["r0", "r1", "r2", "r3"]


SIGTERM_RUN = """
import os, signal, sys
from pathlib import Path
from cleanpipe import Pipeline
from cleanpipe.runs.datasets import DatasetOptions, run_dataset

def batch_map(work, items):
    for number, item in enumerate(items):
        if number == 2:  # a scheduler's SIGTERM while the run waits for its next batch
            os.kill(os.getpid(), signal.SIGTERM)
        yield work(item)

pipeline = Pipeline.from_config({"stages": ["canonicalize"]})
result = run_dataset(Path(sys.argv[1]), Path(sys.argv[2]), pipeline,
                     DatasetOptions(batch_size=1), batch_map=batch_map)
sys.exit(result.exit_code)
"""


def test_sigterm_stops_a_dataset_run_with_a_summary_and_exit_130(tmp_path):
    source = _rows(tmp_path / "rows.jsonl", 5)
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-c", SIGTERM_RUN, str(source), str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 130, done.stderr
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["interrupted"] is True
    assert summary["documents"] == 2
    assert len((out / "report.jsonl").read_text("utf-8").splitlines()) == 2


def test_a_record_without_decoded_text_has_no_input_hash():
    pipeline = Pipeline.from_config({"stages": STAGES})
    result = Result("x", "error", "", "", reason="unreadable")
    assert pipeline.record(result, decoded=False)["input_sha256"] is None
    assert pipeline.record(result)["input_sha256"] is not None


def test_every_record_has_the_typed_keys_in_order(tmp_path):
    from typing import get_type_hints

    from cleanpipe import Record

    keys = list(get_type_hints(Record))
    pipeline = Pipeline.from_config({"stages": STAGES})
    assert list(pipeline.record(pipeline.clean(ROW))) == keys
    source = _rows(tmp_path / "rows.jsonl", 1)
    run_dataset(source, tmp_path / "out", pipeline)
    line = (tmp_path / "out" / "report.jsonl").read_text("utf-8")
    assert list(json.loads(line)) == keys
