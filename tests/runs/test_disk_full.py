"""A full disk mid-run: documents whose output could not be written are `error` records, and
`--resume` (space freed) retries every one of them, ending as an uninterrupted run would."""

from __future__ import annotations

import errno
from pathlib import Path

from cleanpipe import Pipeline
from cleanpipe.runs import directory
from cleanpipe.runs.directory import RunOptions, run_directory

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "sample"
RULES = ["fix_encoding", "strip_comment_markers", "strip_link_lists", "canonicalize"]


def _corpus(root: Path, documents: int) -> Path:
    source = root / "in"
    source.mkdir()
    lines = [ln for p in sorted(SAMPLE.glob("*.txt")) for ln in p.read_text("utf-8").splitlines()]
    for i in range(documents):
        body = lines[(i * 5) % len(lines) :][: 4 + i % 7] or lines[:4]
        (source / f"doc_{i:02d}.txt").write_text("\n".join(body) + "\n", "utf-8")
    (source / "empty.txt").write_text("  \n", "utf-8")  # dropped: kept by --resume
    return source


def _run(source: Path, out: Path, **options: bool) -> directory.RunResult:
    return run_directory(
        source, out, Pipeline.from_config({"stages": RULES}), RunOptions(**options)
    )


def _texts(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in (out / "text").rglob("*")}


def test_resume_retries_documents_that_could_not_be_written(tmp_path, monkeypatch):
    source = _corpus(tmp_path, 20)
    reference = tmp_path / "reference"
    _run(source, reference)
    out = tmp_path / "out"
    real = directory.write_atomic
    calls = {"n": 0}

    def full_after_five(path: Path, data: bytes, made: set[Path] | None = None) -> None:
        calls["n"] += 1
        if path.parent.name == "text" and calls["n"] > 5:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data, made)

    monkeypatch.setattr(directory, "write_atomic", full_after_five)
    first = _run(source, out)
    assert first.exit_code == directory.EXIT_DOCUMENT_ERRORS
    errors = (out / "report.jsonl").read_text("utf-8").count("No space left on device")
    assert errors >= 10
    monkeypatch.setattr(directory, "write_atomic", real)  # space freed

    resumed = _run(source, out, resume=True)
    assert resumed.exit_code == directory.EXIT_OK
    assert resumed.resumed == 21 - errors  # every document but those that failed
    assert (out / "report.jsonl").read_bytes() == (reference / "report.jsonl").read_bytes()
    assert _texts(out) == _texts(reference)


def test_an_error_record_is_retried_even_with_its_input_hash(tmp_path):
    source = _corpus(tmp_path, 3)
    out = tmp_path / "out"
    _run(source, out)
    report = out / "report.jsonl"
    lines = report.read_text("utf-8").splitlines(keepends=True)
    lines[0] = lines[0].replace('"status": "ok"', '"status": "error"', 1)
    report.write_text("".join(lines), "utf-8")
    assert _run(source, out, resume=True).resumed == len(lines) - 1
    assert '"status": "error"' not in report.read_text("utf-8")
