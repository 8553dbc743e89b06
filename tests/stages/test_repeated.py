"""strip_repeated_lines: the two-pass table (first pass counts, second pass removes)."""

from __future__ import annotations

import pickle
from pathlib import Path

from cleanpipe import Pipeline
from cleanpipe.config import make_stage
from cleanpipe.stages.repeated import (
    StripRepeatedLines,
    count_line_hashes,
    frequent,
    line_hash,
    main,
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
    table = tmp_path / "table.txt"
    assert main([str(docs), "--out", str(table), "--min-docs", "3"]) == 0
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
