"""JSONL rows a scraper gets wrong: an unreadable row's id cannot clash with a real one, ids
given twice are warned about and counted, and a row with a few bytes that are not UTF-8 is
decoded as a file would be (and flagged) instead of failing whole."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cleanpipe import Pipeline
from cleanpipe.cli import cli
from cleanpipe.runs.datasets import DatasetOptions, run_dataset

RULES = Pipeline.from_config({"stages": ["fix_encoding", "canonicalize"]})
TEXT = "The council approved the new budget on Monday after a long debate."


def _source(tmp_path: Path) -> Path:
    lines = [
        json.dumps({"id": "1", "text": TEXT}).encode(),
        b"{not json",
        json.dumps({"id": "a", "text": TEXT + " Second."}).encode(),
        json.dumps({"id": "a", "text": TEXT + " Third."}).encode(),
        b'{"id": "u", "text": "Caf\xe9 au lait. ' + TEXT.encode() + b'"}',
    ]
    source = tmp_path / "x.jsonl"
    source.write_bytes(b"\n".join(lines) + b"\n")
    return source


def _records(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "report.jsonl").read_text("utf-8").splitlines()]


def test_an_unreadable_row_has_no_id_and_says_its_row(tmp_path):
    out = tmp_path / "out"
    run_dataset(_source(tmp_path), out, RULES, DatasetOptions(batch_size=2))
    bad = _records(out)[1]
    assert bad["status"] == "error" and bad["id"] is None
    assert bad["metadata"]["row"] == 1
    assert [r["id"] for r in _records(out)].count("1") == 1


def test_duplicate_ids_are_counted_and_warned(tmp_path):
    out = tmp_path / "out"
    result = run_dataset(_source(tmp_path), out, RULES, DatasetOptions(batch_size=2))
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["duplicate_ids"] == 1
    assert result.summary.duplicate_ids == 1
    config = tmp_path / "c.yaml"
    config.write_text("stages: [fix_encoding, canonicalize]\n", "utf-8")
    done = CliRunner().invoke(
        cli, ["run", str(_source(tmp_path)), "-o", str(tmp_path / "o2"), "-c", str(config)]
    )
    assert "1 row repeats the id of an earlier row (first: 'a')" in " ".join(done.stderr.split())


def test_a_row_with_bytes_that_are_not_utf8_is_decoded_and_flagged(tmp_path):
    out = tmp_path / "out"
    run_dataset(_source(tmp_path), out, RULES, DatasetOptions(batch_size=2))
    row = _records(out)[4]
    assert row["status"] == "ok"
    assert row["metadata"]["row_not_utf8"] is True
    assert row["metadata"]["encoding"]
    written = [json.loads(line) for line in (out / "x.jsonl").read_text("utf-8").splitlines()]
    assert written[-1]["text"].startswith("Café au lait.")


def test_valid_rows_carry_no_new_metadata(tmp_path):
    out = tmp_path / "out"
    run_dataset(_source(tmp_path), out, RULES, DatasetOptions(batch_size=2))
    assert "row_not_utf8" not in _records(out)[0]["metadata"]
    assert "row" not in _records(out)[0]["metadata"]
