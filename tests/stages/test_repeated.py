"""strip_repeated_lines: the two-pass table (first pass counts, second pass removes)."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

from click.testing import CliRunner

from cleanpipe import Pipeline
from cleanpipe.cli import cli
from cleanpipe.config import make_stage
from cleanpipe.stages.repeated import (
    StripRepeatedLines,
    count_line_hashes,
    frequent,
    line_hash,
)


def test_line_hash_folds_case_digits_and_punctuation() -> None:
    assert line_hash("© 2019 Example Media") == line_hash("© 2020  example media!")
    assert line_hash("Example Media") != line_hash("Example News")
    assert line_hash("  ...  ") == ""


def test_counts_are_per_document() -> None:
    counts = count_line_hashes(["Menu\nMenu\nText one.", "Menu\nText two.", "Other"])
    assert counts[line_hash("Menu")] == 2
    assert frequent(counts, 2) == [line_hash("Menu")]


def test_two_passes_over_a_directory(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for i, topic in enumerate(("rain", "trains", "taxes")):
        body = f"This story is about {topic}, told in full.\n"
        (docs / f"{i}.txt").write_text(f"Home\n{body}Subscribe now\n", encoding="utf-8")
    (docs / "page.html").write_text("<html><p>Home</p></html>\n", encoding="utf-8")
    (docs / "blob.bin").write_bytes(bytes(range(256)) * 8)  # rejected as by a run
    table = tmp_path / "table.txt"
    done = CliRunner().invoke(
        cli, ["repeated-lines", str(docs), "--out", str(table), "--min-docs", "3"]
    )
    assert done.exit_code == 0, done.output
    assert done.output == f"2 lines repeated in >= 3 documents -> {table}\n"
    assert len(table.read_text(encoding="utf-8").split()) == 2
    pipeline = Pipeline.from_config({"stages": [{"strip_repeated_lines": {"table": str(table)}}]})
    result = pipeline.clean((docs / "1.txt").read_text(encoding="utf-8"))
    assert result.text == "This story is about trains, told in full.\n"
    assert [r.rule for r in result.removals] == ["repeated_line", "repeated_line"]


def test_without_a_table_nothing_changes() -> None:
    stage = make_stage(StripRepeatedLines, {})
    assert stage("Home\nText\n", {}).edits == ()


def test_pickle_leaves_the_table_behind(tmp_path: Path) -> None:
    table = tmp_path / "t.txt"
    table.write_text(line_hash("Home") + "\n", encoding="utf-8")
    stage = make_stage(StripRepeatedLines, {"table": str(table)})
    assert stage("Home\nText\n", {}).edits
    clone = pickle.loads(pickle.dumps(stage))
    assert clone == stage
    assert clone("Home\nText\n", {}) == stage("Home\nText\n", {})


def test_the_table_of_a_dataset_file_counts_its_text_field(tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    lines = [json.dumps({"id": i, "body": f"Home\nStory {i} told in full.\n"}) for i in "abc"]
    rows.write_text("\n".join([*lines, "not json"]) + "\n", encoding="utf-8")
    table = tmp_path / "table.txt"
    args = [
        "repeated-lines",
        str(rows),
        "-o",
        str(table),
        "--min-docs",
        "3",
        "--text-field",
        "body",
    ]
    done = CliRunner().invoke(cli, args)
    assert done.exit_code == 0, done.output
    assert table.read_text(encoding="utf-8") == line_hash("Home") + "\n"


def test_a_missing_input_is_one_line() -> None:
    done = CliRunner().invoke(cli, ["repeated-lines", "/no/such/dir", "-o", "t.txt"])
    assert done.exit_code == 2
    assert done.output == "error: input not found: /no/such/dir\n"
