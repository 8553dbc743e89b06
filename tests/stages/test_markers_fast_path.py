"""strip_comment_markers tries only the lines holding one of its words: same marker edits as all.

The reference is the stage's own matching on every line of the text (`split_lines`), behind the
original whole-text `_HINT` regex. Both run on every text fixture and on generated text crowded
with markers, their words in every case, characters whose case folding is odd (İ, ı, ſ, K),
long and short lines.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanpipe.stage import UNCHANGED, StageOutput, split_lines
from cleanpipe.stages import markers
from cleanpipe.stages.markers import StripCommentMarkers
from tests.fixture_cases import fixture_texts

SETTINGS = [{}, {"glued": False}, {"drop_thread": True}, {"drop_thread": True, "thread_zone": 0.0}]


def reference(stage: StripCommentMarkers, text: str) -> StageOutput:
    if not markers._HINT.search(text):
        return UNCHANGED
    lines = split_lines(text)
    return stage._edits(text, lines, lines)


@pytest.mark.parametrize("params", SETTINGS, ids=str)
def test_fast_path_is_exact_on_fixtures(params):
    stage = StripCommentMarkers(**params)
    paths = fixture_texts()
    assert paths, "no fixtures found"
    found = 0
    for path in paths:
        text = path.read_bytes().decode("utf-8", "replace")
        output = stage._markers(text)
        found += len(output.edits)
        assert output == reference(stage, text), path
    assert found, "no fixture holds a marker"


_PIECES = [
    "\n",
    "\n",
    " ",
    "Comments",
    "COMMENTS",
    "comment",
    "12 Comments",
    "No comments yet",
    "Leave a reply",
    "Join the discussion",
    "Join the conversation",
    "The discussion is closed",
    "Kommentare",
    "comentários",
    "Plaats een reactie",
    "Replies",
    "Responses (3)",
    "(4)",
    "Read the whole thing here and tell us what you think.",
    "act.",
    "\u201d",
    "\u0130",
    "\u0131",
    "\u017f",
    "\u212a",
    "ommen",
    "REPL",
    "respons",
    "x" * 50,
    "\u200b",
    "\t",
]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES) | st.text(max_size=3), max_size=25).map("".join),
    st.sampled_from(SETTINGS),
)
def test_fast_path_is_exact_on_generated_text(text, params):
    stage = StripCommentMarkers(**params)
    assert stage._markers(text) == reference(stage, text)
