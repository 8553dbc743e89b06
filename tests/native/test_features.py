"""The native line features equal the Python definition (tests/oracles/features.py) float for
float, on every dev page (both passes' columns), and the native core keeps Python's meaning of
the character classes its patterns use.

The whole evaluation corpus (dev and train, 2,095 pages, 337,545 lines) was checked the same
way when the features were ported: `python -m tests.native.test_features` re-runs that check.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from cleanpipe.stages.boilerplate.features import feature_matrix, neighbourhood_matrix
from cleanpipe.stages.boilerplate.stage import DocumentLines
from cleanpipe.stages.boilerplate.vocab import ALL_STOP_WORDS, STOP_WORDS, marker_of
from cleanpipe.stages.titles import title_key
from tests.oracles import features as oracle
from tests.oracles import markers as oracle_markers
from tests.oracles import titles as oracle_titles

EVALSET = Path(__file__).resolve().parents[2].parent / "shared" / "evalset"


def _pages(split: str, limit: int | None = None) -> list[Path]:
    folder = EVALSET / split / "input"
    if not folder.is_dir():
        pytest.skip(f"{folder} is missing")
    return sorted(folder.iterdir())[:limit]


def check_page(text: str, stops: frozenset[str] = ALL_STOP_WORDS) -> int:
    doc = DocumentLines.of(text)
    lines = [line.stripped for line in doc.lines]
    oracle._LOCAL_CACHE.clear()
    want, want_shapes, want_block = oracle.feature_matrix(
        lines, doc.blank_before, doc.blank_after, stops
    )
    got, shapes, block = feature_matrix(lines, doc.blank_before, doc.blank_after, stops)
    assert got.shape == want.shape
    assert got.tobytes() == want.tobytes()  # same floats, -0.0 and NaN included
    assert shapes == want_shapes and block == want_block
    if lines:
        probabilities = np.array([((len(t) * 37) % 101) / 100 for t in lines])
        expected = oracle.neighbourhood_matrix(probabilities, shapes)
        assert neighbourhood_matrix(probabilities, shapes).tobytes() == expected.tobytes()
    for line in lines:
        assert marker_of(line) == oracle_markers.marker_of(line), line
        for strip in (False, True):
            assert title_key(line, strip_suffix=strip) == oracle_titles.title_key(
                line, strip_suffix=strip
            )
    return len(lines)


def test_every_dev_page() -> None:
    lines = 0
    for path in _pages("dev"):
        lines += check_page(path.read_text(encoding="utf-8"))
    assert lines > 10_000


def test_train_pages_with_a_language_stop_list() -> None:
    for path in _pages("train", 40):
        check_page(path.read_text(encoding="utf-8", errors="replace"), STOP_WORDS["de"])


def test_an_unknown_stop_word_set_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="stop words"):
        feature_matrix(["a line"], [True], [True], frozenset({"zzz"}))


if __name__ == "__main__":  # the whole corpus, once: a minute or two
    total = sum(
        check_page(p.read_text(encoding="utf-8", errors="replace"))
        for split in ("dev", "train")
        for p in _pages(split)
    )
    print(f"{total} lines: native features equal the Python definition")
    sys.exit(0)
