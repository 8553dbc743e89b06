"""Names that stop being regular files after the scan (a FIFO or a folder swapped in), and
`cleanpipe diff` on a device: `dropped: not a regular file`, never an opaque error."""

from __future__ import annotations

import os
import sys
from pathlib import Path, PurePosixPath

import pytest
from click.testing import CliRunner

from cleanpipe import Pipeline
from cleanpipe.cli import cli
from cleanpipe.io.readers import scan
from cleanpipe.runs.directory import clean_file

RULES = Pipeline.from_config({"stages": ["fix_encoding", "canonicalize"]})


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs: POSIX only")
def test_a_fifo_or_folder_swapped_in_after_the_scan_is_dropped(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("some text\n", "utf-8")
    entries = list(scan(tmp_path))
    (tmp_path / "a.txt").unlink()
    os.mkfifo(tmp_path / "a.txt")
    (tmp_path / "b.txt").unlink()
    (tmp_path / "b.txt").mkdir()
    records = [clean_file(RULES, tmp_path, PurePosixPath(e.relative))[2] for e in entries]
    assert [(r["status"], r["reason"]) for r in records] == [
        ("dropped", "not a regular file (FIFO, socket or device)"),
        ("dropped", "not a regular file (a directory)"),
    ]


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_diff_on_a_device_says_it_is_not_a_regular_file() -> None:
    done = CliRunner().invoke(cli, ["diff", "/dev/null"])
    assert done.exit_code == 2
    assert done.stderr.strip() == (
        "error: /dev/null: dropped: not a regular file (FIFO, socket or device)"
    )
