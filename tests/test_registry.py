"""The registry and config errors: clashing plugins, unknown names, every problem listed."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import EntryPoint
from typing import Any

import pytest
from click.testing import CliRunner

from cleanpipe import ConfigError, Pipeline, Stage, StageOutput, registry
from cleanpipe.cli import cli


@dataclass(frozen=True)
class Impostor(Stage):
    """A plugin's stage that wants a built-in's name."""

    def __call__(self, text: str, metadata: Any) -> StageOutput:
        return StageOutput()


@pytest.fixture
def impostor_plugin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "_STAGES", dict(registry.available()))
    monkeypatch.setattr(registry, "_entry_points_loaded", False)
    fake = [EntryPoint("canonicalize", f"{__name__}:Impostor", registry.ENTRY_POINT_GROUP)]
    monkeypatch.setattr(registry, "entry_points", lambda group: fake)


def test_a_plugin_under_a_built_in_name_is_an_error(impostor_plugin: None) -> None:
    with pytest.raises(registry.RegistryError, match=r"plugin stage 'canonicalize'.*already taken"):
        registry.available()
    with pytest.raises(registry.RegistryError):  # every time, not only the first
        registry.available()


def test_a_clashing_plugin_is_a_config_error_not_a_traceback(impostor_plugin: None) -> None:
    with pytest.raises(ConfigError, match="plugin stage 'canonicalize'"):
        Pipeline.from_config({"stages": ["canonicalize"]})


def test_an_unknown_stage_without_a_close_match_lists_the_available_ones() -> None:
    with pytest.raises(ConfigError) as caught:
        Pipeline.from_config({"stages": ["zzz"]}, source="x.yaml")
    message = str(caught.value)
    assert message.startswith("x.yaml: stages[0]: unknown stage 'zzz' (available: ")
    for name in registry.available():
        assert name in message


BAD = {
    "colour": "blue",
    "stages": [
        "strip_coments",
        {"strip_link_lists": {"min_itemz": 3, "max_words": "many"}},
        "canonicalize",
    ],
}


def test_every_config_error_is_listed_one_per_line() -> None:
    with pytest.raises(ConfigError) as caught:
        Pipeline.from_config(BAD, source="x.yaml")
    assert str(caught.value).splitlines() == [
        "x.yaml: unknown top-level key 'colour' (allowed: stages, name, description)",
        "x.yaml: stages[0]: unknown stage 'strip_coments' (did you mean 'strip_comment_markers'?)",
        "x.yaml: stages[1] (strip_link_lists): unknown parameter 'min_itemz' "
        "(did you mean 'min_items'?) (parameters: max_chars, max_words, min_items)",
        "x.yaml: stages[1] (strip_link_lists): max_words: input should be a valid integer, "
        "unable to parse string as an integer, got 'many'",
    ]


def test_the_cli_prints_each_config_error_on_its_own_line(tmp_path) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text(
        "stages:\n  - strip_coments\n  - strip_link_lists: {min_items: ten}\n", encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["check-config", str(config)])
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert len(lines) == 2 and all(line.startswith("error: ") for line in lines), lines
    assert "unknown stage 'strip_coments'" in lines[0]
    assert "min_items: input should be a valid integer" in lines[1]
