"""The native entry points, fuzzed through the binding (hypothesis, a bounded budget): on any
text and any bytes they return or raise ValueError/UnicodeEncodeError, never panic (a panic
would surface as NativeError) and never crash the interpreter."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanpipe import _native
from cleanpipe.stages.boilerplate.stage import DocumentLines, load_line_model
from cleanpipe.stages.boilerplate.vocab import STOP_WORDS
from cleanpipe.stages.native_lines import line_features

ANY_TEXT = st.text(st.characters(), max_size=300)  # lone surrogates included
LINES = st.lists(ANY_TEXT, max_size=30)
BUDGET = settings(max_examples=150, deadline=None)
MODEL = functools.cache(load_line_model)


def _allowed(call):
    try:
        return call()
    except (ValueError, UnicodeEncodeError):  # bad input, said so (lone surrogates: encode)
        return None


@BUDGET
@given(LINES, st.sampled_from(["*", *STOP_WORDS, "xx"]))
def test_document_never_panics(lines, stops):
    n = len(lines)
    result = _allowed(lambda: line_features().document(lines, [True] * n, [False] * n, stops))
    if result is not None:
        rows, *_, block = result
        assert len(rows) == 8 * n * line_features().width
        assert block[0] <= block[1] <= n


@BUDGET
@given(ANY_TEXT)
def test_marker_and_title_key_never_panic(line):
    _allowed(lambda: line_features().marker_of(line))
    for strip in (False, True):
        _allowed(lambda strip=strip: line_features().title_key(line, strip))


@BUDGET
@given(st.binary(max_size=400), st.lists(st.integers(0, 2**40), max_size=60))
def test_number_entry_points_never_panic(data, chars):
    _allowed(lambda: _native.neighbourhood(data, chars))
    model = MODEL()
    _allowed(lambda: model.first.scorer().probabilities(data))
    n = len(chars)
    _allowed(lambda: _native.main_block(chars, chars[::-1], [True] * n, [False] * n))


@BUDGET
@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=2000))
def test_the_classifier_on_any_page(text):
    doc = DocumentLines.of(text)
    probabilities, shapes, _ = MODEL().score(
        [line.stripped for line in doc.lines],
        doc.blank_before,
        doc.blank_after,
        frozenset().union(*STOP_WORDS.values()),
    )
    assert len(probabilities) == len(shapes) == len(doc.lines)
    assert all(0.0 <= p <= 1.0 for p in probabilities)


def test_mismatched_lengths_are_value_errors():
    with pytest.raises(ValueError, match="differ in length"):
        line_features().document(["a"], [], [], "*")
    with pytest.raises(ValueError, match="differ in length"):
        _native.neighbourhood(np.zeros(3).tobytes(), [1, 2])
