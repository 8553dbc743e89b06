"""`_native.Pattern` counts and finds what Python's `re` does (given the same class meanings),
and strip_comment_markers' native thread-hint scan never counts fewer matches than its Python
pattern finds (so a count below the threshold is a sure no)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanpipe import _native
from cleanpipe.stages import markers

EVALSET = Path(__file__).resolve().parents[2].parent / "shared" / "evalset"
PIECES = st.sampled_from(
    ["said:", "Says :", "wrote:", "12:30", "1:5", "WRİTES:", "saİd:", " ", "¼", "\u0301", "x"]
)
TEXTS = st.lists(PIECES | st.text(st.characters(exclude_categories=("Cn", "Cs")), max_size=8))


def _count(text: str) -> int:
    return sum(scan.count(text, 10**9) for scan in markers._THREAD_HINT_SCANS)


def _texts(limit: int) -> list[str]:
    folders = [EVALSET / split / "input" for split in ("dev", "train")]
    if not all(f.is_dir() for f in folders):
        pytest.skip("no evalset next to the repository")
    paths = [p for f in folders for p in sorted(f.iterdir())[:limit]]
    return [p.read_text(encoding="utf-8", errors="replace") for p in paths]


def test_the_thread_hint_scan_bounds_python_on_real_pages():
    for text in _texts(150):
        want = len(markers._THREAD_HINT.findall(text))
        assert _count(text) >= want
        assert sum(scan.count(text, 3) for scan in markers._THREAD_HINT_SCANS) >= min(want, 3)


@settings(max_examples=300, deadline=None)
@given(TEXTS.map("".join))
def test_the_native_thread_hint_never_counts_fewer_than_python(text):
    assert _count(text) >= len(markers._THREAD_HINT.findall(text))


@pytest.mark.parametrize(
    ("pattern", "flags", "text"),
    [
        (r"\w+", 0, "a_b c\u0301d ²"),
        (r"[\W_]+", 0, "a, b__c"),
        (r"\s+", 0, "a\x1cb \u3000c"),
        (r"cookie", re.IGNORECASE, "COOKİE cooKie"),
    ],
)
def test_class_meanings_are_pythons(pattern, flags, text):
    native = _native.Pattern(pattern, ignore_case=bool(flags))
    assert native.count(text, 100) == len(re.findall(pattern, text, flags))
    assert native.search(text) == bool(re.search(pattern, text, flags))


def test_a_bad_pattern_is_a_value_error():
    with pytest.raises(ValueError, match="pattern"):
        _native.Pattern("(unclosed", ignore_case=False)
