"""Ray stays optional: without it, `cleanpipe.runs.ray` and `--engine ray` say how to install it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanpipe.cli import cli


@pytest.fixture
def without_ray(monkeypatch: pytest.MonkeyPatch) -> None:
    real_find_spec = importlib.util.find_spec
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "ray" else real_find_spec(name, *a),
    )


def test_importing_cleanpipe_does_not_import_ray() -> None:
    import subprocess

    code = "import sys, cleanpipe, cleanpipe.cli, cleanpipe.io; print('ray' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "False"


def test_clean_dataset_without_ray_gives_the_install_hint(without_ray: None) -> None:
    from cleanpipe.runs.ray import clean_dataset

    with pytest.raises(ImportError, match=r"pip install 'cleanpipe\[ray\]'"):
        clean_dataset(object())  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["directory", "jsonl"])
def test_engine_ray_without_ray_exits_2(without_ray: None, tmp_path: Path, kind: str) -> None:
    if kind == "directory":
        source = tmp_path / "in"
        source.mkdir()
        (source / "a.txt").write_text("Some text.\n", encoding="utf-8")
    else:
        source = tmp_path / "rows.jsonl"
        source.write_text('{"id": "a", "text": "Some text."}\n', encoding="utf-8")
    done = CliRunner().invoke(
        cli, ["run", str(source), "--out", str(tmp_path / "out"), "--engine", "ray"]
    )
    assert done.exit_code == 2, done.output
    assert "--engine ray needs Ray: pip install 'cleanpipe[ray]'" in done.output
