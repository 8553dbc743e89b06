"""LineIndex answers by counting newlines for the first asks and from a table afterwards:
both give the line numbers of the reference (a regex over `\\r\\n`, `\\r`, `\\n`)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from cleanpipe.lines import LineIndex


def reference(text: str, offset: int) -> int:
    return 1 + sum(1 for m in re.finditer(r"\r\n|\r|\n", text) if m.end() <= offset)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "bc", "\n", "\r", "\r\n", "\n\n", "é"]), max_size=30).map(
        "".join
    )
)
def test_line_numbers_match_the_reference_before_and_after_the_table(text):
    index = LineIndex(text)
    asks = [*range(len(text) + 1)] * 2  # more than COUNTED_ASKS once the text is long
    for offset in asks:
        assert index.line_of(offset) == reference(text, offset), (text, offset)


def test_the_table_takes_over_after_the_counted_asks():
    text = "a\nb\n" * 20
    index = LineIndex(text)
    for offset in range(LineIndex.COUNTED_ASKS):
        index.line_of(offset)
    assert index._starts is None
    assert index.line_of(len(text)) == 41
    assert index._starts is not None
