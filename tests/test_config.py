"""Config loading: every problem is a line naming the file, the entry and the fix."""

from __future__ import annotations

import pytest

from cleanpipe import ConfigError, Pipeline
from cleanpipe.config import build_stages, load_yaml


def _error(config: object) -> str:
    with pytest.raises(ConfigError) as info:
        build_stages(config, "x.yaml")
    message = str(info.value)
    assert all(line.startswith("x.yaml: ") for line in message.splitlines()), message
    return message


def test_unknown_stage_suggests_the_close_name():
    assert _error({"stages": ["strip_coment_markers"]}) == (
        "x.yaml: stages[0]: unknown stage 'strip_coment_markers' "
        "(did you mean 'strip_comment_markers'?)"
    )


def test_unknown_parameter_suggests_and_lists():
    message = _error({"stages": [{"strip_comment_markers": {"drop_thred": True}}]})
    assert message.startswith(
        "x.yaml: stages[0] (strip_comment_markers): unknown parameter 'drop_thred' "
        "(did you mean 'drop_thread'?)"
    )


def test_wrong_type_names_the_parameter_and_value():
    message = _error({"stages": [{"strip_link_lists": {"min_items": "ten"}}]})
    assert message.startswith("x.yaml: stages[0] (strip_link_lists): min_items: ")
    assert "'ten'" in message


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ([], "x.yaml: expected a mapping with a 'stages' list at the top"),
        ({"stages": "fix_encoding"}, "x.yaml: 'stages' must be a list of stage entries"),
        (
            {"stage": []},
            "x.yaml: unknown top-level key 'stage' (allowed: stages, name, description)",
        ),
        ({"stages": [{"a": 1, "b": 2}]}, "x.yaml: stages[0]: expected a stage name or a one-key"),
    ],
)
def test_shape_errors(config, expected):
    assert _error(config).startswith(expected)


def test_yaml_object_tags_are_refused(tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text("stages: !!python/object/apply:os.system ['echo pwned']\n")
    with pytest.raises(ConfigError, match="invalid YAML"):
        load_yaml(path)


def test_yaml_aliases_are_refused(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text('a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\nstages: [*c]\n')
    with pytest.raises(ConfigError, match="aliases"):
        load_yaml(path)


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        Pipeline.from_yaml(tmp_path / "nope.yaml")


def test_valid_config_builds_stages_with_params():
    pipeline = Pipeline.from_config(
        {"name": "t", "stages": ["fix_encoding", {"strip_link_lists": {"min_items": 5}}]}
    )
    assert [s.name for s in pipeline.stages] == ["fix_encoding", "strip_link_lists"]
    assert pipeline.stages[1].min_items == 5
    assert pipeline.config_hash == Pipeline.from_config(pipeline.to_config()).config_hash


def test_every_shipped_config_is_valid():
    from pathlib import Path

    configs = sorted((Path(__file__).resolve().parents[1] / "configs").glob("*.yaml"))
    assert configs
    for path in configs:
        assert Pipeline.from_yaml(path).stages, path
