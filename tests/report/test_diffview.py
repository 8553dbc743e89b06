"""`cleanpipe diff`: the terminal view of one document's removals."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from cleanpipe.cli import cli
from cleanpipe.pipeline import Pipeline
from cleanpipe.report.diffview import diff_view, visible
from cleanpipe.report.html.segments import PALETTE

CONFIG = {
    "name": "diff-test",
    "stages": ["strip_duplicate_title", "strip_comment_markers", "canonicalize"],
}
STAGES = ["strip_duplicate_title", "strip_comment_markers"]
TEXT = (
    "Storm closes the harbour road\n"
    "Storm closes the harbour road\n"
    "The harbour road was closed on Monday after the storm.\n"
    "Crews expect to reopen it by Friday.\n"
    "Fishermen said the damage was the worst in a decade.\n"
    "Comments\n"
)


def render(text: str, **options) -> tuple[str, Console]:
    result = Pipeline.from_config(CONFIG).clean(text, doc_id="harbour.txt")
    console = Console(record=True, width=200, color_system="truecolor", force_terminal=True)
    console.print(diff_view(result, STAGES, **options), soft_wrap=True)
    return console.export_text(clear=False), console


def test_each_removal_is_coloured_by_its_stage_and_named_beside_its_line():
    plain, console = render(TEXT)
    lines = plain.splitlines()
    line_two = next(line for line in lines if line.lstrip().startswith("2 "))
    assert "Storm closes the harbour road" in line_two
    assert "◂ strip_duplicate_title/repeated_title" in line_two
    assert any("◂ strip_comment_markers/comment_marker" in line for line in lines)
    assert not any("◂" in line for line in lines if line.lstrip().startswith(("1 ", "3 ")))
    styled = console.export_text(styles=True)
    title_rgb = tuple(int(PALETTE[0][i : i + 2], 16) for i in (1, 3, 5))
    marker_rgb = tuple(int(PALETTE[1][i : i + 2], 16) for i in (1, 3, 5))
    assert "48;2;{};{};{}m".format(*title_rgb) in styled  # background of the first stage
    assert "48;2;{};{};{}m".format(*marker_rgb) in styled


def test_context_keeps_only_lines_near_a_removal():
    plain, _ = render(TEXT, context=0)
    numbers = [m[1] for line in plain.splitlines() if (m := re.match(r"\s*(\d+) ", line))]
    assert numbers == ["2", "6"]
    assert "⋮" in plain


def test_the_clean_output_is_printed_on_request():
    plain, _ = render(TEXT, show_output=True)
    assert "clean output" in plain
    assert plain.count("Crews expect to reopen it by Friday.") == 2


def test_terminal_control_sequences_in_the_text_are_made_visible():
    assert visible("a\x1b[2Jb\r\nc\rd\x07\x9b") == "a␛[2Jb\nc\nd␇\ufffd"
    plain, console = render("Title here now\n\x1b]0;pwned\x07 body text of the story.\n")
    assert "\x1b]0;" not in console.export_text(styles=True)
    assert "␛]0;pwned␇" in plain


def test_cli_diff_cleans_a_file_with_a_config(tmp_path: Path):
    page = tmp_path / "harbour.txt"
    page.write_text(TEXT, encoding="utf-8")
    config = tmp_path / "config.yaml"
    config.write_text(
        "name: t\nstages:\n  - strip_duplicate_title\n  - canonicalize\n", encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["diff", str(page), "-c", str(config), "--context", "1"])
    assert result.exit_code == 0, result.output
    assert "◂ strip_duplicate_title/repeated_title" in result.output
    assert "comment_marker" not in result.output  # not in this config
    assert "\x1b" not in result.output  # not a terminal: no colour codes at all


@pytest.mark.parametrize("name", ["missing.txt", "binary.bin"])
def test_cli_diff_refuses_unreadable_files(tmp_path: Path, name: str):
    (tmp_path / "binary.bin").write_bytes(b"\x00\x01\x02" * 100)
    result = CliRunner().invoke(cli, ["diff", str(tmp_path / name)])
    assert result.exit_code == 2
    assert "error" in result.output
