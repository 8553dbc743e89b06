"""Custom stages: `@register` in-process, and the `cleanpipe.stages` entry point end to end.

The example plugin under `examples/` is built and installed for real, offline, into a
temporary `--target` directory that the test puts on the path. Nothing is installed into the
environment running the tests, so an interrupted run or a parallel one never leaves a stray
plugin behind (which an install-then-uninstall into site-packages could).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cleanpipe import Edit, Pipeline, Stage, StageOutput, param, register, registry
from cleanpipe.registry import RegistryError

pytestmark = pytest.mark.slow  # builds and installs the example plugin

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = ROOT / "examples" / "cleanpipe-plugin-example"
PAGE = (
    "Storm Closes Coastal Road\n"
    "BREAKING NEWS FROM THE COAST\n"
    "The coastal road was closed on Sunday after NASA satellite images showed damage.\n"
)


@pytest.fixture
def isolated_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy of the registry for one test: whatever it registers is gone afterwards."""
    monkeypatch.setattr(registry, "_STAGES", dict(registry.available()))


def test_register_makes_a_stage_nameable_in_a_config(isolated_registry: None) -> None:
    @register("test_strip_digits_lines")
    @dataclass(frozen=True)
    class StripDigitLines(Stage):
        """Drop lines made of digits only."""

        keep_years: bool = param(False, "unused; shows a parameter")

        def __call__(self, text: str, metadata: Any) -> StageOutput:
            start = text.find("\n2024\n")
            if start < 0:
                return StageOutput()
            return StageOutput((Edit(start + 1, start + 6, "digits_line"),))

    pipeline = Pipeline.from_config({"stages": ["test_strip_digits_lines", "canonicalize"]})
    result = pipeline.clean("Title here\n2024\nBody text.\n")
    assert result.text == "Title here\n\nBody text.\n"
    assert [(r.stage, r.rule, r.text) for r in result.removals] == [
        ("test_strip_digits_lines", "digits_line", "2024\n")
    ]


def test_a_taken_name_cannot_be_given_to_another_class(isolated_registry: None) -> None:
    with pytest.raises(RegistryError, match="'canonicalize' is already taken"):

        @register("canonicalize")
        @dataclass(frozen=True)
        class Impostor(Stage):
            def __call__(self, text: str, metadata: Any) -> StageOutput:
                return StageOutput()


@pytest.fixture(scope="module")
def plugin_target(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example plugin built and installed (offline) into a temporary target directory."""
    target = tmp_path_factory.mktemp("plugin-site")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--no-build-isolation",
            "--disable-pip-version-check",
            "--target",
            str(target),
            str(PLUGIN),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return target


@pytest.fixture
def plugin_on_path(
    plugin_target: Path, monkeypatch: pytest.MonkeyPatch, isolated_registry: None
) -> Iterator[Path]:
    monkeypatch.syspath_prepend(str(plugin_target))
    monkeypatch.setattr(registry, "_entry_points_loaded", False)  # look again
    yield plugin_target
    sys.modules.pop("cleanpipe_plugin_example", None)


def test_installed_plugin_stage_is_found_by_its_entry_point(plugin_on_path: Path) -> None:
    assert "strip_shouting" in registry.available()
    pipeline = Pipeline.from_yaml(PLUGIN / "shouting.yaml")
    result = pipeline.clean(PAGE)
    assert "BREAKING NEWS" not in result.text
    assert "NASA satellite" in result.text  # a short acronym inside a sentence stays
    assert [(r.stage, r.rule) for r in result.removals] == [("strip_shouting", "all_caps_line")]


def test_plugin_stage_pickles_like_a_built_in(plugin_on_path: Path) -> None:
    import pickle

    pipeline = Pipeline.from_yaml(PLUGIN / "shouting.yaml")
    copy = pickle.loads(pickle.dumps(pipeline))
    assert copy.clean(PAGE) == pipeline.clean(PAGE)


def test_cli_runs_a_config_naming_the_plugin_stage(plugin_target: Path, tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "storm.txt").write_text(PAGE, encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            [str(plugin_target), os.environ.get("PYTHONPATH", "")]
        ).rstrip(os.pathsep),
    }
    cli = [sys.executable, "-c", "from cleanpipe.cli import main; main()"]
    listed = subprocess.run(
        [*cli, "stages"], capture_output=True, text=True, env=env, check=False, timeout=120
    )
    assert listed.returncode == 0, listed.stderr
    assert "strip_shouting" in listed.stdout and "min_letters" in listed.stdout
    ran = subprocess.run(
        [
            *cli,
            "run",
            str(source),
            "--out",
            str(tmp_path / "out"),
            "-q",
            "-j",
            "1",
            "--config",
            str(PLUGIN / "shouting.yaml"),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert ran.returncode == 0, ran.stderr
    record = json.loads((tmp_path / "out" / "report.jsonl").read_text("utf-8"))
    assert [r["rule"] for r in record["removals"]] == ["all_caps_line"]
    assert record["removals"][0]["text"] == "BREAKING NEWS FROM THE COAST\n"


def test_without_the_plugin_the_config_fails_with_one_line(isolated_registry: None) -> None:
    if "strip_shouting" in registry.available():
        pytest.skip("the example plugin is installed in this environment")
    from cleanpipe.config import ConfigError

    with pytest.raises(ConfigError, match="unknown stage 'strip_shouting'"):
        Pipeline.from_yaml(PLUGIN / "shouting.yaml")
