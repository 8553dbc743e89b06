"""`cleanpipe.run(...)` in Python does what `cleanpipe run` does."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import cleanpipe
from cleanpipe.cli import cli
from tests.fixture_cases import FIXTURES


def _outputs(out):
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.txt"))}


def test_run_on_a_directory_gives_the_cli_bytes(tmp_path):
    done = CliRunner().invoke(
        cli, ["run", str(FIXTURES / "sample"), "--out", str(tmp_path / "cli"), "-q", "-j", "1"]
    )
    assert done.exit_code == 0, done.output
    result = cleanpipe.run(FIXTURES / "sample", tmp_path / "api", workers=1)
    assert result.exit_code == 0
    for name in ("report.jsonl",):
        assert (tmp_path / "cli" / name).read_bytes() == (tmp_path / "api" / name).read_bytes()
    assert _outputs(tmp_path / "cli") == _outputs(tmp_path / "api")


def test_run_on_a_dataset_file(tmp_path):
    source = tmp_path / "rows.jsonl"
    source.write_text(
        json.dumps({"id": "a", "text": "A title\n\nA sentence that stays here.\n\nComments\n"})
        + "\n",
        encoding="utf-8",
    )
    result = cleanpipe.run(source, tmp_path / "out", workers=1, report_columns=True)
    row = json.loads((tmp_path / "out" / "rows.jsonl").read_text("utf-8"))
    assert result.summary.to_dict()["documents"] == 1
    assert row["cleanpipe_status"] == "ok" and "Comments" not in row["text"]


def test_a_directory_only_option_on_a_dataset_is_a_run_error(tmp_path):
    source = tmp_path / "rows.jsonl"
    source.write_text("", encoding="utf-8")
    with pytest.raises(cleanpipe.RunError, match="--resume works on directories only"):
        cleanpipe.run(source, tmp_path / "out", resume=True)
