"""What a new user meets in the first hour: `python -m cleanpipe`, `-V`, `stages` in the order
a run applies them, what `--resume` kept, and HTML support without an extra."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from cleanpipe import Pipeline, __version__
from cleanpipe.cli import cli

ROOT = Path(__file__).resolve().parents[2]


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cleanpipe", "-V"], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == f"cleanpipe, version {__version__}"


def test_dash_capital_v_prints_the_version() -> None:
    done = CliRunner().invoke(cli, ["-V"])
    assert done.exit_code == 0 and __version__ in done.output


def test_stages_are_listed_in_the_order_the_default_config_runs_them() -> None:
    done = CliRunner().invoke(cli, ["stages"])
    assert done.exit_code == 0
    listed = [line.split()[0] for line in done.output.splitlines() if line[:1].isalpha()]
    default = [stage.name for stage in Pipeline.default().stages]
    assert listed[: len(default)] == default
    assert "strip_repeated_lines" in listed[len(default) :]


def test_resume_says_how_many_documents_it_kept(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    for i in range(4):
        (source / f"d{i}.txt").write_text(f"Document {i} has a sentence of text.\n", "utf-8")
    config = tmp_path / "c.yaml"
    config.write_text("stages: [fix_encoding, canonicalize]\n", "utf-8")
    out = tmp_path / "out"
    args = ["run", str(source), "-o", str(out), "-c", str(config), "-j", "1"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    (source / "d9.txt").write_text("A new document.\n", "utf-8")
    done = CliRunner().invoke(cli, [*args, "--resume"])
    assert done.exit_code == 0
    assert "resumed: kept 4 documents finished by the earlier run, cleaned 1" in done.stderr


def test_trafilatura_is_a_core_dependency() -> None:
    # (tomllib is Python 3.11+; cleanpipe supports 3.10)
    text = (ROOT / "pyproject.toml").read_text("utf-8")
    block = re.search(r"^dependencies = \[(.*?)^\]", text, re.M | re.S)
    assert block is not None and '"trafilatura>=' in block.group(1)


def test_every_command_shows_examples_in_its_help() -> None:
    for name in ["", *cli.commands]:  # type: ignore[attr-defined]
        done = CliRunner().invoke(cli, [*([name] if name else []), "--help"])
        assert done.exit_code == 0 and "Examples:" in done.output, name or "cleanpipe"


def _corpus(tmp_path: Path) -> list[str]:
    source = tmp_path / "in"
    source.mkdir(exist_ok=True)
    (source / "d.txt").write_text("Document one has a sentence of text.\n", "utf-8")
    config = tmp_path / "c.yaml"
    config.write_text("stages: [fix_encoding, canonicalize]\n", "utf-8")
    return [str(source), "-c", str(config), "-j", "1"]


def test_group_quiet_verbose_and_log_level(tmp_path: Path) -> None:
    args = _corpus(tmp_path)
    quiet = CliRunner().invoke(cli, ["-q", "run", *args, "-o", str(tmp_path / "a")])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    verbose = CliRunner().invoke(cli, ["-v", "run", *args, "-o", str(tmp_path / "b")])
    assert "INFO cleanpipe: config custom (" in verbose.stderr
    debug = CliRunner().invoke(
        cli, ["--log-level", "debug", "run", *args, "-o", str(tmp_path / "c")]
    )
    assert "DEBUG cleanpipe: stages: fix_encoding, canonicalize" in debug.stderr
    bad = CliRunner().invoke(cli, ["--log-level", "loud", "stages"])
    assert bad.exit_code == 2


def test_config_option_help_names_every_packaged_config():
    from cleanpipe.pipeline import packaged_configs

    names = packaged_configs()
    assert {"default", "news", "fast"} <= set(names)
    for command in ("run", "diff", "clean"):
        (option,) = [p for p in cli.commands[command].params if p.name == "config"]
        assert all(name in (option.help or "") for name in names), option.help
