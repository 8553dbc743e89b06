"""Stages that read only the top or the end of a document split only that part: same edits.

`first_lines`, `last_lines` and `lines_at` must give exactly the lines `split_lines` gives, and
strip_duplicate_title and strip_link_lists must give the edits their whole-split versions
(kept here as references) give, on every text fixture and on generated text.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanpipe.document import Edit
from cleanpipe.stage import (
    UNCHANGED,
    StageOutput,
    first_lines,
    last_lines,
    lines_at,
    remove_lines,
    split_lines,
)
from cleanpipe.stages.linklists import StripLinkLists
from cleanpipe.stages.titles import StripDuplicateTitle, _title_keys, could_be_title
from tests.fixture_cases import fixture_texts

_LINES = st.lists(
    st.sampled_from(["a", " ", "\n", "bc\n", "\n\n", "\u200b", "\t\n", "d", "\r"]), max_size=20
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_LINES, st.integers(0, 8))
def test_line_helpers_give_the_lines_split_lines_gives(text, count):
    lines = split_lines(text)
    assert first_lines(text, count) == [line for line in lines if not line.blank][:count]
    assert list(last_lines(text)) == lines[::-1]
    assert lines_at(text, [line.start for line in lines]) == lines
    assert lines_at(text, [line.start for line in lines[1::2]]) == lines[1::2]


def title_reference(stage: StripDuplicateTitle, text: str, metadata: dict) -> StageOutput:
    """strip_duplicate_title on every non-blank line of the text."""
    lines = [line for line in split_lines(text) if not line.blank]
    if len(lines) < 2 or not could_be_title(lines[0].text):
        return UNCHANGED
    keys = _title_keys(lines[0].text, metadata.get("title"))
    if not keys or min(len(k.split()) for k in keys) < stage.min_words:
        return UNCHANGED
    repeats = [ln for ln in lines[1 : 1 + stage.search_lines] if stage._matches(ln, keys)]
    if not repeats:
        return UNCHANGED
    return StageOutput(tuple(remove_lines(repeats, "repeated_title")))


def link_list_reference(stage: StripLinkLists, text: str) -> StageOutput:
    """strip_link_lists on the whole split, walking it from the end."""
    lines = split_lines(text)
    run_start = len(lines)
    items = 0
    headers: list[int] = []
    for line in reversed(lines):
        kind = stage._kind(line)
        if kind is None:
            break
        run_start = line.index
        if kind == "headline":
            items += 1
        elif kind == "header":
            headers.append(line.index)
    if run_start == len(lines):
        return UNCHANGED
    if items < stage.min_items and not (headers and items >= 1):
        return UNCHANGED
    cut = min(headers) if headers else run_start
    while lines[cut].blank:
        cut += 1
    return StageOutput((Edit(lines[cut].start, len(text), "trailing_link_list"),))


@pytest.mark.parametrize("params", [{}, {"search_lines": 2}, {"search_lines": 0}], ids=str)
def test_titles_on_fixtures(params):
    stage = StripDuplicateTitle(**params)
    for text in _texts():
        assert stage(text, {}) == title_reference(stage, text, {})


@pytest.mark.parametrize("params", [{}, {"min_items": 1}], ids=str)
def test_link_lists_on_fixtures(params):
    stage = StripLinkLists(**params)
    found = 0
    for text in _texts():
        output = stage(text, {})
        found += len(output.edits)
        assert output == link_list_reference(stage, text)
    assert found, "no fixture holds a link list"


_TEXT = st.lists(
    st.sampled_from(
        [
            "Big News Today\n",
            "Big News Today | Site\n",
            "Read: Big News Today\n",
            "\n",
            "\n\n",
            " \n",
            "A sentence that ends.\n",
            "Related stories\n",
            "Another Headline Here\n",
            "March 3, 2021\n",
            "5 min read\n",
            "12 shares\n",
            "tail",
            "\u200b\n",
        ]
    ),
    max_size=20,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.integers(0, 4), st.sampled_from([None, "Big News Today"]))
def test_titles_on_generated_text(text, search_lines, title):
    stage = StripDuplicateTitle(search_lines=search_lines)
    metadata = {} if title is None else {"title": title}
    assert stage(text, metadata) == title_reference(stage, text, metadata)


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.integers(1, 4))
def test_link_lists_on_generated_text(text, min_items):
    stage = StripLinkLists(min_items=min_items)
    assert stage(text, {}) == link_list_reference(stage, text)


def _texts() -> list[str]:
    return [p.read_bytes().decode("utf-8", "replace") for p in fixture_texts()]
