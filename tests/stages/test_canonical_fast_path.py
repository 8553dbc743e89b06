"""canonicalize's fast path (gaps only, found by regex) gives the general path's edits exactly.

The general path makes every line canonical and then fixes the gaps between lines; on a text
whose lines are already canonical but for edge spaces, the fast path finds only the gaps. Both
run on every text fixture and on generated text crowded with spaces, blank lines, odd breaks,
invisibles and combining marks, for every setting.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanpipe.stages import canonical
from cleanpipe.stages.canonical import Canonicalize
from tests.fixture_cases import fixture_texts

SETTINGS = [
    {},
    {"paragraph_per_line": False},
    {"normalization": "NFKC"},
    {"normalization": None},
    {"normalization": None, "paragraph_per_line": False},
]


def general(stage: Canonicalize, text: str) -> tuple[canonical.Edit, ...]:
    return tuple(stage._line_edits(text))


@pytest.mark.parametrize("params", SETTINGS, ids=str)
def test_fast_path_is_exact_on_fixtures(params):
    stage = Canonicalize(**params)
    paths = fixture_texts()
    assert paths, "no fixtures found"
    plain = 0
    for path in paths:
        text = path.read_bytes().decode("utf-8", "replace")
        plain += canonical._plain(text, stage.normalization)
        assert stage(text, {}).edits == general(stage, text), path
    assert plain, "no fixture took the fast path"


_PIECES = [
    "\n",
    "\n",
    "\n\n",
    "\n\n\n",
    " ",
    "  ",
    " \n",
    "\n ",
    "\t",
    "\r\n",
    "\r",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x85",
    "\u2028",
    "\xa0",
    "\u3000",
    "\u2009",
    "\u200b",
    "\ufeff",
    "\u00ad",
    "word",
    "Word.",
    "é",
    "e\u0301",
    "\u0301",
    "\u0316\u0301",
    "ﬁ",
    "Å",
    "東京",
    "x",
]


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES) | st.text(max_size=3), max_size=25).map("".join),
    st.sampled_from(SETTINGS),
)
def test_fast_path_is_exact_on_generated_text(text, params):
    stage = Canonicalize(**params)
    assert stage(text, {}).edits == general(stage, text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from([" ", "  ", "\n", "\n\n", " \n ", "a", "b c", "é"]), max_size=30).map(
        "".join
    ),
    st.sampled_from(SETTINGS),
)
def test_fast_path_is_exact_on_plain_text(text, params):
    # text made only of what the fast path takes: it is taken, and agrees
    stage = Canonicalize(**params)
    assert stage(text, {}).edits == general(stage, text)
