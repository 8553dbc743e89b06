"""benchmarks/quality.py: the shingle metric of the evalset, and config variants for ablation."""

from __future__ import annotations

import pytest
from benchmarks.quality import aggregate, config_variant, document_scores, score_texts


def test_document_scores_count_shared_shingles() -> None:
    gold = "one two three four five six"
    assert document_scores(gold, gold) == (1.0, 1.0)
    precision, recall = document_scores(gold, "one two three four five six seven eight")
    assert precision == pytest.approx(3 / 5)
    assert recall == 1.0
    # Layout and punctuation are free; case is not.
    assert document_scores(gold, "one, two\n\nthree four. five six!") == (1.0, 1.0)
    assert document_scores(gold, "One two three four five six")[0] == pytest.approx(2 / 3)


def test_empty_outputs_cost_recall_only() -> None:
    assert document_scores("some gold text here today", "") == (None, 0.0)
    assert document_scores("", "") == (None, None)
    summary = aggregate([(1.0, 1.0), (None, 0.0)])
    assert summary["precision"] == 1.0
    assert summary["recall"] == 0.5
    assert summary["f1"] == pytest.approx(2 * 1.0 * 0.5 / 1.5)


def test_documents_weigh_the_same() -> None:
    gold = {"a": "w " * 400, "b": "x y z q r"}
    pred = {"a": "w " * 400}  # the long document perfect, the short one missing
    assert score_texts(gold, pred)["recall"] == 0.5


def test_config_variant_keeps_rules_and_drops_stages() -> None:
    config = {
        "name": "x",
        "stages": ["fix_encoding", {"strip_boilerplate": {"threshold": 0.4}}, "canonicalize"],
    }
    variant = config_variant(config, keep_rules=["footer"], without="fix_encoding")
    assert variant["stages"] == [
        {"strip_boilerplate": {"threshold": 0.4, "keep_rules": ["footer"]}},
        {"canonicalize": {}},
    ]
    assert config["stages"][1] == {"strip_boilerplate": {"threshold": 0.4}}
