"""One definition of "removed %": summary.json, the CLI line and the HTML report agree; a run
where every document failed removed nothing; HTML extraction is its own line."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from cleanpipe.cli import cli
from cleanpipe.report.summary import Summary


def _record(status: str, chars_in: int, removed: int = 0) -> dict:
    removals = [{"stage": "s", "rule": "r", "text": "x" * removed, "line_start": 0, "line_end": 0}]
    return {
        "status": status,
        "reason": None if status == "ok" else "why",
        "chars_in": chars_in,
        "chars_out": chars_in - removed if status == "ok" else 0,
        "removals": removals if removed else [],
    }


def test_removals_and_dropped_documents_over_the_documents_read() -> None:
    summary = Summary()
    for record in (_record("ok", 100, 10), _record("dropped", 50), _record("error", 1000)):
        summary.add(record)
    assert summary.removed_chars == 10 + 50 and summary.read_chars == 150
    assert summary.to_dict()["removed_share"] == round(60 / 150, 4)


def test_a_run_where_every_document_failed_removed_nothing() -> None:
    summary = Summary()
    summary.add(_record("error", 1000))
    assert summary.to_dict()["removed_share"] == 0.0


def test_the_cli_and_the_html_report_show_the_same_share(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    sample = Path(__file__).resolve().parents[2] / "fixtures" / "sample"
    for page in sample.glob("*.txt"):
        (source / page.name).write_bytes(page.read_bytes())
    (source / "page.html").write_text(
        "<html><head><title>T</title></head><body><article><p>The council approved the "
        "budget on Monday after a long debate about roads.</p></article></body></html>",
        "utf-8",
    )
    out = tmp_path / "out"
    done = CliRunner().invoke(cli, ["run", str(source), "-o", str(out), "--html-report"])
    assert done.exit_code == 0, done.stderr
    stderr = " ".join(done.stderr.split())
    shown = re.search(r"removed (\S+%) of the", stderr)
    assert shown is not None
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert shown.group(1) == f"{summary['removed_share']:.1%}"
    page = (out / "report" / "index.html").read_text("utf-8")
    assert f'<div class="note">{shown.group(1)} of the documents read</div>' in page
    assert "extraction: 1 HTML page, " in stderr
    assert "Extracted from HTML" in page
