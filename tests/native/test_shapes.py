"""`LineFeatures.shapes` (what detect_document_kind counts per line) equals its Python
definition: runs of `\\w`, a sentence end, `marker_of`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanpipe.stage import _BLANK_EDGE, split_lines
from cleanpipe.stages.boilerplate.stage import DocumentLines
from cleanpipe.stages.native_lines import line_features
from tests.oracles.markers import marker_of

_WORD = re.compile(r"\w+")
_TERMINAL = re.compile(r"[.!?…。！？][\"'”’»)\]]*$")
DEV = Path(__file__).resolve().parents[2].parent / "shared" / "evalset" / "dev" / "input"


def python_shapes(lines: list[str]) -> tuple[list[int], list[bool], list[str | None]]:
    return (
        [len(_WORD.findall(line)) for line in lines],
        [_TERMINAL.search(line) is not None for line in lines],
        [marker_of(line) for line in lines],
    )


def test_dev_pages():
    if not DEV.is_dir():
        pytest.skip(f"{DEV} is missing")
    for path in sorted(DEV.iterdir()):
        lines = [line.stripped for line in DocumentLines.of(path.read_text("utf-8")).lines]
        assert line_features().shapes(lines) == python_shapes(lines)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(st.characters(exclude_categories=("Cn", "Cs")), max_size=40)))
def test_generated_lines(lines):
    assert line_features().shapes(lines) == python_shapes(lines)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(st.characters(exclude_categories=("Cn", "Cs")), max_size=30)
        | st.sampled_from(["", " \u200b ", "\r", "\u00ad", "Share", "a b c."]),
        max_size=20,
    ).map("\n".join)
)
def test_text_shapes_split_and_strip_as_split_lines(text):
    lines = [line.stripped for line in split_lines(text) if not line.blank]
    assert line_features().text_shapes(text, _BLANK_EDGE) == python_shapes(lines)
