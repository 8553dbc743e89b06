"""Optional format dependencies: without them, a dataset run says what to install (exit 2)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanpipe.cli import cli


@pytest.mark.parametrize(
    ("name", "content", "module", "extra"),
    [
        ("rows.jsonl.zst", b"", "zstandard", "zstd"),
        ("rows.parquet", b"PAR1", "pyarrow", "parquet"),
    ],
    ids=["zst_without_zstandard", "parquet_without_pyarrow"],
)
def test_missing_optional_module_exits_2_with_the_hint(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    content: bytes,
    module: str,
    extra: str,
) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    monkeypatch.setitem(sys.modules, module, None)
    done = CliRunner().invoke(cli, ["run", str(source), "--out", str(tmp_path / "out")])
    assert done.exit_code == 2, done.output
    assert f"pip install 'cleanpipe[{extra}]'" in done.output
