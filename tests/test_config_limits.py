"""Hostile YAML configs: one line within a second, whatever the size of the attack."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanpipe.cli import cli
from cleanpipe.config import ConfigError, load_yaml


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "c.yaml"
    path.write_text(text, "utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("stages:\n  - strip_link_lists:\n      min_items: " + "9" * 5000 + "\n", "digits"),
        ("stages: " + "[" * 1000 + "]" * 1000 + "\n", "nested deeper than"),
        ("stages: " + "[" * 400_000 + "]" * 400_000 + "\n", "nested deeper than"),
        ("stages:\n" + "".join("  " * (i + 1) + "a:\n" for i in range(400)), "nested deeper"),
        ("stages:\n  - canonicalize\nstages:\n  - fix_encoding\n", "duplicate key 'stages'"),
        ("stages:\n  - strip_link_lists: {min_items: 2, min_items: 3}\n", "duplicate key"),
    ],
    ids=["5000-digits", "1000-flow", "400000-flow", "400-block", "dup-top", "dup-param"],
)
def test_one_line_within_a_second(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    started = time.process_time()
    with pytest.raises(ConfigError) as caught:
        load_yaml(path)
    assert time.process_time() - started < 1.0
    assert message in str(caught.value)
    assert len(str(caught.value).splitlines()) == 1
    assert str(caught.value).startswith(f"{path}: ") and str(caught.value).count(str(path)) == 1


def test_check_config_says_where_the_duplicate_is(tmp_path: Path) -> None:
    path = _write(tmp_path, "stages:\n  - canonicalize\nstages:\n  - fix_encoding\n")
    done = CliRunner().invoke(cli, ["check-config", str(path)])
    assert done.exit_code == 2
    assert done.stderr.strip() == (
        f"error: {path}: invalid YAML (line 3, column 1): duplicate key 'stages' (first at line 1)"
    )


def test_ordinary_nesting_and_long_numbers_still_load(tmp_path: Path) -> None:
    text = "stages:\n  - strip_boilerplate: {keep_rules: [a, b]}\n  - x: {y: {z: [1, 2]}}\n"
    assert load_yaml(_write(tmp_path, text))["stages"][1] == {"x": {"y": {"z": [1, 2]}}}
    assert load_yaml(_write(tmp_path, "n: " + "9" * 100 + "\n"))["n"] == int("9" * 100)
