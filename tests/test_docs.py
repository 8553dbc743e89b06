"""Docs that cannot drift: the README's commands, its stage reference, the packaged config."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from cleanpipe import reference, registry

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _fenced_commands() -> list[str]:
    return re.findall(r"```\n(python3 -m venv [^\n]+)\n```", README)


def test_readme_gives_the_two_setup_commands():
    commands = _fenced_commands()
    assert any("cleanpipe run fixtures/" in c for c in commands), commands
    assert any("pytest" in c for c in commands), commands


def test_ci_runs_exactly_the_readme_test_command():
    test_command = next(c for c in _fenced_commands() if "pytest" in c)
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in ci_lines


def test_the_readme_stage_table_is_the_generated_one():
    # regenerate with: cleanpipe stages --markdown
    assert reference.markdown() in README, "stale README stage table: cleanpipe stages --markdown"


def test_every_command_is_in_the_readme_cli_table():
    from cleanpipe.cli import cli

    for name, command in cli.commands.items():
        assert f"| `cleanpipe {name}" in README, f"command {name} is missing from the README"
        assert command.help, f"command {name} has no help"


def test_every_stage_is_in_the_readme_reference():
    for name in registry.available():
        assert f"| `{name}` |" in README, f"stage {name} is missing from the README's reference"


def test_every_stage_documents_its_purpose_and_parameters():
    for name, cls in registry.available().items():
        assert (cls.__doc__ or "").strip(), f"{name} has no docstring"
        for field in cls.parameters():
            assert field.metadata.get("doc"), f"{name}.{field.name} has no doc"


def test_packaged_default_config_matches_configs_dir():
    packaged = ROOT / "src" / "cleanpipe" / "configs" / "default.yaml"
    assert packaged.read_bytes() == (ROOT / "configs" / "default.yaml").read_bytes()


def test_the_readme_example_record_is_what_the_sample_gives():
    import json

    from cleanpipe import Pipeline
    from cleanpipe.runs.directory import clean_file

    block = README.split("## One example and its record", 1)[1].split("```json\n", 1)[1]
    shown = json.loads(block.split("```", 1)[0])
    _, _, record, _ = clean_file(
        Pipeline.default(), ROOT / "fixtures" / "sample", PurePosixPath(shown["id"])
    )
    for key in ("id", "status", "chars_in", "chars_out", "rewrites", "input_sha256"):
        assert record[key] == shown[key], key
    spans = ("stage", "rule", "start", "end", "line_start", "line_end")
    assert [{k: r[k] for k in spans} for r in record["removals"]] == [
        {k: r[k] for k in spans} for r in shown["removals"]
    ]
    for removal, text in zip(record["removals"], shown["removals"], strict=True):
        assert removal["text"].startswith(text["text"].rstrip("…")), removal["rule"]
