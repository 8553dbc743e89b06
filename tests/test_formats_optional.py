"""Optional format dependencies: without them, a dataset run says what to install (exit 2)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanpipe.cli import cli


def test_zst_without_zstandard_exits_2_with_the_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "rows.jsonl.zst"
    source.write_bytes(b"")
    monkeypatch.setitem(sys.modules, "zstandard", None)
    done = CliRunner().invoke(cli, ["run", str(source), "--out", str(tmp_path / "out")])
    assert done.exit_code == 2, done.output
    assert "pip install 'cleanpipe[zstd]'" in done.output


def test_parquet_without_pyarrow_exits_2_with_the_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "rows.parquet"
    source.write_bytes(b"PAR1")
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    done = CliRunner().invoke(cli, ["run", str(source), "--out", str(tmp_path / "out")])
    assert done.exit_code == 2, done.output
    assert "pip install 'cleanpipe[parquet]'" in done.output
