"""The native tree scorer gives the same floats as the Python definition (`TreeEnsemble`), the
oracle: on the packaged model over real pages' feature rows, and on random trees and rows."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanpipe import _native
from cleanpipe.stages.boilerplate import DocumentLines, load_line_model
from cleanpipe.stages.linefeatures import LineShape, feature_matrix, neighbourhood_matrix
from cleanpipe.stages.treemodel import Tree, TreeEnsemble

DEV_INPUTS = Path(__file__).resolve().parents[2].parent / "shared" / "evalset" / "dev" / "input"


def native_of(model: TreeEnsemble) -> _native.TreeModel:
    return _native.TreeModel(
        model.bias,
        model.learning_rate,
        len(model.features),
        [(t.feature, t.threshold, t.left, t.right, t.value) for t in model.trees],
    )


def native_probabilities(model: _native.TreeModel, rows: np.ndarray) -> list[float]:
    data = np.ascontiguousarray(rows, dtype=np.float64).tobytes()
    return np.frombuffer(model.probabilities(data), dtype=np.float64).tolist()


def bits(values: list[float]) -> list[bytes]:
    return [struct.pack("<d", v) for v in values]


def _pages(limit: int) -> list[tuple[np.ndarray, list[LineShape]]]:
    """Feature rows and line shapes of the first `limit` dev pages, as the stage builds them."""
    if not DEV_INPUTS.is_dir():
        pytest.skip(f"{DEV_INPUTS} is missing")
    pages = []
    for path in sorted(DEV_INPUTS.iterdir())[:limit]:
        doc = DocumentLines.of(path.read_text(encoding="utf-8"))
        matrix, shapes, _ = feature_matrix(
            [line.stripped for line in doc.lines], doc.blank_before, doc.blank_after
        )
        if len(matrix):
            pages.append((matrix, shapes))
    return pages


def test_the_packaged_model_scores_real_pages_bit_for_bit():
    model = load_line_model()
    first, second = native_of(model.first), native_of(model.second)
    checked = 0
    for matrix, shapes in _pages(40):
        expected = model.first.probabilities(matrix)
        assert bits(native_probabilities(first, matrix)) == bits(expected)
        # the second pass reads the first pass's probabilities around each line
        context = neighbourhood_matrix(np.array(expected, dtype=np.float64), shapes)
        rows = np.concatenate((matrix, context), axis=1)
        assert bits(native_probabilities(second, rows)) == bits(model.second.probabilities(rows))
        checked += len(matrix)
    assert checked > 1000


@st.composite
def trees(draw: st.DrawFn, width: int) -> Tree:
    """A random binary tree in the JSON's array form, children after their parent."""
    feature: list[int] = []
    threshold: list[float] = []
    left: list[int] = []
    right: list[int] = []
    value: list[float] = []
    numbers = st.floats(allow_nan=True, allow_infinity=True, width=64)

    def grow(depth: int) -> int:
        node = len(feature)
        feature.append(-1)
        threshold.append(0.0)
        left.append(-1)
        right.append(-1)
        value.append(draw(st.floats(-10, 10)))
        if depth < 4 and draw(st.booleans()):
            feature[node] = draw(st.integers(0, width - 1))
            threshold[node] = draw(numbers)
            left[node] = grow(depth + 1)
            right[node] = grow(depth + 1)
        return node

    grow(0)
    return Tree(tuple(feature), tuple(threshold), tuple(left), tuple(right), tuple(value))


@settings(max_examples=150, deadline=None)
@given(data=st.data(), width=st.integers(1, 5))
def test_random_trees_and_rows_score_the_same(data: st.DataObject, width: int) -> None:
    forest = tuple(data.draw(st.lists(trees(width), min_size=1, max_size=6)))
    ensemble = TreeEnsemble(
        tuple(f"f{i}" for i in range(width)),
        data.draw(st.floats(-5, 5)),
        data.draw(st.floats(0.01, 2)),
        forest,
        {},
    )
    cell = st.floats(allow_nan=True, allow_infinity=True, width=64)
    rows = data.draw(st.lists(st.lists(cell, min_size=width, max_size=width), max_size=20))
    matrix = np.array(rows, dtype=np.float64).reshape(len(rows), width)
    expected = [ensemble.probability(row) for row in rows]
    assert bits(native_probabilities(native_of(ensemble), matrix)) == bits(expected)


def test_malformed_models_and_rows_are_value_errors():
    with pytest.raises(ValueError, match="not a later node"):
        _native.TreeModel(0.0, 1.0, 1, [([0, -1], [0.0, 0.0], [0, -1], [1, -1], [0.0, 1.0])])
    with pytest.raises(ValueError, match="outside a row"):
        _native.TreeModel(
            0.0, 1.0, 1, [([5, -1, -1], [0.0] * 3, [1, -1, -1], [2, -1, -1], [0.0] * 3)]
        )
    model = _native.TreeModel(0.0, 1.0, 2, [([-1], [0.0], [-1], [-1], [0.5])])
    with pytest.raises(ValueError, match="whole rows"):
        model.probabilities(b"\0" * 8)
    with pytest.raises(ValueError, match="float64 bytes"):
        model.probabilities(b"\0" * 5)
