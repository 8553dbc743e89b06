"""Every numeric stage parameter has a range, checked when a config is built (`check-config`),
so `similarity: -50` cannot make `strip_duplicate_title` remove arbitrary lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanpipe import registry
from cleanpipe.cli import cli
from cleanpipe.config import ConfigError, make_stage
from cleanpipe.stage import is_number


@pytest.mark.parametrize(
    ("stage", "params", "message"),
    [
        ("strip_duplicate_title", {"similarity": -50}, "similarity: must be between 0 and 100"),
        ("strip_link_lists", {"min_items": -5}, "min_items: must be at least 1, got -5"),
        ("strip_comment_markers", {"thread_zone": 5}, "thread_zone: must be between 0 and 1"),
        ("strip_link_lists", {"min_items": True}, "min_items: expected a number, got true"),
        ("detect_language", {"min_prob": 1.5}, "min_prob: must be between 0 and 1, got 1.5"),
    ],
)
def test_out_of_range_parameters_are_config_errors(stage, params, message):
    with pytest.raises(ConfigError, match=message):
        make_stage(registry.get(stage), params)


def test_check_config_names_the_entry(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("stages:\n  - strip_duplicate_title: {similarity: -50}\n", "utf-8")
    done = CliRunner().invoke(cli, ["check-config", str(config)])
    assert done.exit_code == 2
    assert done.stderr.strip() == (
        f"error: {config}: stages[0] (strip_duplicate_title): similarity: must be between "
        "0 and 100, got -50.0"
    )


def test_every_numeric_parameter_has_a_range_holding_its_default():
    for name, cls in registry.available().items():
        if not cls.__module__.startswith("cleanpipe."):
            continue  # plugins choose for themselves
        for field in cls.parameters():
            if is_number(field.default):
                assert "range" in field.metadata, f"{name}.{field.name} has no range"
                low, high = field.metadata["range"]
                assert (low is None or field.default >= low) and (
                    high is None or field.default <= high
                ), f"{name}.{field.name}: default outside its range"


def test_values_at_the_bounds_are_accepted():
    cls = registry.get("strip_duplicate_title")
    assert make_stage(cls, {"similarity": 0, "search_lines": -1, "min_words": 0}).similarity == 0
    assert make_stage(cls, {"similarity": 100}).similarity == 100
