"""The directory runner from Python: reproducible bytes, whatever the worker count."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

import pytest

from cleanpipe import Pipeline
from cleanpipe.runs.directory import RunOptions, clean_file, run_directory, write_atomic

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
# The rule stages and the seeded language detector: every source of nondeterminism we have.
STAGES = [
    "fix_encoding",
    "strip_duplicate_title",
    "strip_comment_markers",
    "strip_link_lists",
    {"detect_language": {"backend": "langdetect", "sample_chars": 1000}},
    "canonicalize",
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every text under fixtures/ (sample pages and stage cases), in a nested tree."""
    source = tmp_path_factory.mktemp("corpus") / "in"
    inputs = sorted([*FIXTURES.glob("sample/*.txt"), *FIXTURES.glob("*/*/*/input.txt")])
    for path in inputs:
        relative = path.relative_to(FIXTURES)
        target = source / relative.parent.as_posix().replace("/", "__") / relative.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    (source / "binary.bin").write_bytes(b"\x00\x01\x02" * 100)
    return source


def _run(source: Path, out: Path, workers: int) -> tuple[bytes, dict[str, bytes], dict]:
    pipeline = Pipeline.from_config({"stages": STAGES})
    run_directory(source, out, pipeline, RunOptions(workers=workers))
    texts = {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.txt"))}
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    summary.pop("elapsed_seconds")
    summary.pop("stage_seconds")  # timings, like the elapsed time, differ from run to run
    return (out / "report.jsonl").read_bytes(), texts, summary


@pytest.mark.slow
def test_same_bytes_across_runs_and_worker_counts(corpus, tmp_path):
    first = _run(corpus, tmp_path / "j1", 1)
    assert first[0].count(b"\n") > 20 and len(first[1]) > 10  # a real corpus was cleaned
    assert _run(corpus, tmp_path / "j1_again", 1) == first
    assert _run(corpus, tmp_path / "j2", 2) == first


def test_clean_file_from_python(corpus):
    pipeline = Pipeline.from_config({"stages": STAGES})
    relative, text, record, _ = clean_file(pipeline, corpus, PurePosixPath("binary.bin"))
    assert (relative, text, record["status"], record["reason"]) == (
        "binary.bin",
        "",
        "dropped",
        "binary file: 100% control characters",
    )
    name = next(p for p in corpus.rglob("*.txt")).relative_to(corpus)
    relative, text, record, _ = clean_file(pipeline, corpus, PurePosixPath(name.as_posix()))
    assert record["status"] == "ok" and text.endswith("\n")
    assert record["input_sha256"] and record["metadata"]["bytes_sha256"]


def test_write_atomic_leaves_nothing_behind_on_failure(tmp_path):
    target = tmp_path / "a.txt"
    write_atomic(target, b"first")
    with pytest.raises(TypeError):
        write_atomic(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]
