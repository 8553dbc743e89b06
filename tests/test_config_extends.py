"""A config may extend another (`extends: default`, `params: {stage: {...}}`): news.yaml is
the default pipeline with three changes, so it extracts HTML and runs the line classifier."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleanpipe import Pipeline
from cleanpipe.config import ConfigError
from cleanpipe.io.readers import read_document

ROOT = Path(__file__).resolve().parents[1]
NEWS_CHANGES = {
    "strip_duplicate_title": {"search_lines": 20},
    "strip_comment_markers": {"drop_thread": True},
    "detect_language": {"keep": ["en", "de", "fr"]},
}


@pytest.mark.parametrize("news", ["news", str(ROOT / "configs" / "news.yaml")])
def test_news_is_the_default_with_three_changes(news: str) -> None:
    default, derived = Pipeline.default(), Pipeline.from_yaml(news)
    assert [s.name for s in derived.stages] == [s.name for s in default.stages]
    assert derived.name == "news"
    for a, b in zip(default.stages, derived.stages, strict=True):
        assert b.params() == {**a.params(), **NEWS_CHANGES.get(a.name, {})}


def test_news_extracts_html_pages() -> None:
    page = read_document(ROOT / "fixtures" / "mixed", Path("news/ferry.html"))
    result = Pipeline.from_yaml("news").run(page)
    assert result.status == "ok", result.reason
    assert "<" not in result.text and result.metadata["extraction"]["extractor"]


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, "utf-8")
    return path


def test_a_relative_base_and_a_chain(tmp_path: Path) -> None:
    _write(tmp_path, "base.yaml", "stages: [fix_encoding, {strip_link_lists: {min_items: 4}}]\n")
    _write(tmp_path, "mid.yaml", "extends: base.yaml\nparams: {strip_link_lists: {max_words: 9}}\n")
    top = _write(tmp_path, "top.yaml", "extends: mid.yaml\nparams: {fix_encoding: {}}\n")
    stages = Pipeline.from_yaml(top).stages
    assert stages[1].params()["min_items"] == 4 and stages[1].params()["max_words"] == 9


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("extends: default\nparams: {strip_coments: {}}\n", "stage 'strip_coments' is not in"),
        ("extends: default\nstages: [canonicalize]\n", "does not list 'stages'"),
        ("extends: nowhere\n", "extends: no config file 'nowhere'"),
        ("extends: loop.yaml\n", "more than 8 configs deep"),
        ("extends: default\nparams: {strip_link_lists: {min_items: -1}}\n", "must be at least 1"),
    ],
)
def test_errors_say_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    config = _write(tmp_path, "loop.yaml", text)
    with pytest.raises(ConfigError, match=message):
        Pipeline.from_yaml(config)
