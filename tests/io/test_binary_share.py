"""NUL is judged like the other control characters: a share of the text, not a veto."""

from __future__ import annotations

from cleanpipe import Pipeline
from cleanpipe.io.readers import binary_reason

ENGLISH = (
    "The committee met on Tuesday to discuss the budget for the coming year. "
    "Members agreed that the library would stay open longer on weekends.\x00 "
    "The vote\x07 was unanimous\x1b and the\x01 chair thanked everyone.\n"
)


def test_one_nul_among_a_few_controls_in_300_bytes_is_text():
    text = (ENGLISH * 2)[:300]
    assert binary_reason(text) is None
    cleaned = Pipeline.from_config({"stages": ["fix_encoding", "canonicalize"]}).clean(text)
    assert cleaned.status == "ok" and "\x00" not in cleaned.text


def test_nul_heavy_data_is_still_binary():
    assert binary_reason("ab\x00\x00" * 50) == "binary file: 50% control characters"
    assert binary_reason("\x00" * 8) == "binary file: 100% control characters"
