"""Edits and the offset mapping that positions every removal in the decoded input."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleanpipe.document import Edit
from cleanpipe.edits import EditError, EditMap, apply_edits


def test_apply_edits_removes_and_rewrites():
    text = "abcdefghij"
    edits = [Edit(1, 3, "x"), Edit(5, 6, "y", "ZZ")]
    assert apply_edits(text, edits) == "adeZZghij"


@pytest.mark.parametrize(
    "edits",
    [[Edit(3, 5, "a"), Edit(4, 6, "b")], [Edit(5, 6, "a"), Edit(1, 2, "b")], [Edit(8, 12, "a")]],
    ids=["overlap", "unsorted", "out_of_range"],
)
def test_bad_edits_are_rejected(edits):
    with pytest.raises(EditError):
        apply_edits("0123456789", edits)


def test_map_through_a_deletion_and_a_rewrite():
    # input "aaXXbbYcc": delete XX, rewrite Y -> "QQQ"; output "aabbQQQcc"
    edit_map = EditMap([Edit(2, 4, "del"), Edit(6, 7, "rw", "QQQ")])
    assert edit_map.to_input(2, is_end=False) == 4  # first 'b' comes after the deletion
    assert edit_map.to_input(2, is_end=True) == 2  # a span ending before 'b' excludes 'XX'
    assert edit_map.to_input(5, is_end=False) == 6  # inside the rewrite: its start
    assert edit_map.to_input(5, is_end=True) == 7  # inside the rewrite: its end
    assert edit_map.to_input(7, is_end=False) == 7  # first 'c'


def test_insertion_at_the_end():
    # canonicalize appends the final newline to a text that lacks one
    edit_map = EditMap([Edit(3, 3, "final_newline", "\n")])
    assert edit_map.to_input(3, is_end=False) == 3
    assert edit_map.to_input(4, is_end=True) == 3
    assert edit_map.to_input(1, is_end=False) == 1


@st.composite
def text_and_edits(draw):
    text = draw(st.text(alphabet="ab\n ", max_size=40))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=8)))
    edits = []
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        if start == end:
            continue  # pure insertions are covered by test_insertion_at_the_end
        replacement = draw(st.sampled_from(["", "", "R", "\n\n"]))
        edits.append(Edit(start, end, "r", replacement))
    return text, edits


@given(text_and_edits(), st.data())
def test_mapped_spans_cover_the_same_input(case, data):
    """Replaying the edits inside a mapped span rebuilds the output span.

    A span that starts or ends inside a rewrite maps to the whole rewritten input, so the
    replay may be longer than the span; it must contain it.
    """
    text, edits = case
    output = apply_edits(text, edits)
    edit_map = EditMap(edits)
    start = data.draw(st.integers(0, len(output)))
    end = data.draw(st.integers(start, len(output)))
    in_start = edit_map.to_input(start, is_end=False)
    in_end = edit_map.to_input(end, is_end=True)
    assert 0 <= in_start <= len(text)
    assert in_start <= in_end or start == end
    # Replaying the edits that fall inside the mapped span gives back the output span.
    inside = [
        Edit(e.start - in_start, e.end - in_start, e.rule, e.replacement)
        for e in edits
        if in_start <= e.start and e.end <= in_end
    ]
    if start < end:
        assert output[start:end] in apply_edits(text[in_start:in_end], inside)
