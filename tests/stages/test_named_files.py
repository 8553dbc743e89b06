"""Files a config names (a repeated-lines table, a boilerplate model) are checked when the
config is built: missing, not a regular file or too large is a config error, not an error on
every document, and `/dev/zero` is never read until memory runs out."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanpipe.cli import cli
from cleanpipe.config import ConfigError
from cleanpipe.pipeline import Pipeline
from cleanpipe.stage import read_named_file


def _config(tmp_path: Path, stage: str, key: str, value: str) -> Path:
    path = tmp_path / "c.yaml"
    path.write_text(f"stages:\n  - {stage}: {{{key}: '{value}'}}\n", "utf-8")
    return path


@pytest.mark.parametrize(
    ("stage", "key"), [("strip_repeated_lines", "table"), ("strip_boilerplate", "model_path")]
)
@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("/nonexistent.txt", "No such file or directory"),
        ("/dev/zero", "not a regular file"),
    ],
)
def test_check_config_refuses_a_file_it_cannot_use(tmp_path, stage, key, target, message):
    if not Path(target).parent.exists() or (target == "/dev/zero" and not Path(target).exists()):
        pytest.skip("needs /dev/zero")
    config = _config(tmp_path, stage, key, target)
    done = CliRunner().invoke(cli, ["check-config", str(config)])
    assert done.exit_code == 2
    line = " ".join(done.stderr.split())
    assert f"{key}: cannot read {target}: {message}" in line, line


def test_a_table_over_the_limit_is_refused_without_reading_it_all(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(10_000)  # sparse: its size is what counts
    with pytest.raises(OSError, match="larger than 1,000 bytes"):
        read_named_file(big, 1_000)
    assert read_named_file(big, 10_000) == b"\0" * 10_000


def test_a_good_table_still_works(tmp_path):
    table = tmp_path / "t.txt"
    from cleanpipe.stages.repeated import line_hash

    table.write_text(line_hash("Share this article") + "\n", "utf-8")
    pipeline = Pipeline.from_config({"stages": [{"strip_repeated_lines": {"table": str(table)}}]})
    result = pipeline.clean("Real text.\nShare this article\n")
    assert result.text == "Real text.\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs: POSIX only")
def test_a_fifo_named_as_a_table_does_not_hang(tmp_path):
    fifo = tmp_path / "table.fifo"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match="not a regular file"):
        Pipeline.from_config({"stages": [{"strip_repeated_lines": {"table": str(fifo)}}]})
