"""A document cut at --max-doc-mb whose kept part is all boilerplate says it was cut: the
rest of it was never read, and may have held the article."""

from __future__ import annotations

import json
from pathlib import Path

from cleanpipe import Pipeline
from cleanpipe.report.summary import Summary
from cleanpipe.runs.directory import RunOptions, run_directory


def test_empty_after_cleaning_says_where_the_document_was_cut(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    line = "Share on Facebook\n"
    (source / "big.txt").write_text(line * (3_300_000 // len(line)), "utf-8")
    (source / "small.txt").write_text("   \n", "utf-8")
    out = tmp_path / "out"
    run_directory(source, out, Pipeline.default(), RunOptions(max_doc_bytes=2_000_000))
    records = [json.loads(x) for x in (out / "report.jsonl").read_text("utf-8").splitlines()]
    assert [r["reason"] for r in records] == [
        "empty after cleaning (cut at 2 MB of 3.3 MB)",
        "empty input",
    ]


def test_the_summary_groups_cut_documents_with_the_others() -> None:
    summary = Summary()
    for reason in ("empty after cleaning (cut at 2 MB of 3.3 MB)", "empty after cleaning"):
        summary.add({"status": "dropped", "reason": reason, "chars_in": 1, "chars_out": 0})
    assert summary.reasons == {"empty after cleaning": 2}
