"""The native tree scorer (`TreeEnsemble.probabilities`) gives the floats of the Python
definition (tests/oracles/trees.py), bit for bit.

Checked on the packaged model over real pages' feature rows (both passes, built as the stage
builds them) and over rows around its own thresholds (ties, neighbours, NaN, infinities,
-0.0), and on generated ensembles of any shape the JSON format allows: single-leaf trees,
duplicate and non-finite thresholds, unbalanced and deep trees, no trees at all.
"""

from __future__ import annotations

import math
import pickle
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanpipe import _native
from cleanpipe.stages.boilerplate.features import LineShape, feature_matrix, neighbourhood_matrix
from cleanpipe.stages.boilerplate.stage import DocumentLines, load_line_model
from cleanpipe.stages.boilerplate.trees import Tree, TreeEnsemble
from tests.oracles import trees as oracle

DEV_INPUTS = Path(__file__).resolve().parents[2].parent / "shared" / "evalset" / "dev" / "input"


def one_by_one(model: TreeEnsemble, rows: list[list[float]]) -> list[float]:
    return [oracle.probability(model, row) for row in rows]


def same_floats(a: list[float], b: list[float]) -> bool:
    return [x.hex() for x in a] == [y.hex() for y in b]


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
    checked = 0
    for matrix, shapes in _pages(30):
        expected = one_by_one(model.first, matrix.tolist())
        assert same_floats(model.first.probabilities(matrix), expected)
        # the second pass reads the first pass's probabilities around each line
        context = neighbourhood_matrix(np.array(expected, dtype=np.float64), shapes)
        rows = np.concatenate((matrix, context), axis=1)
        assert same_floats(
            model.second.probabilities(rows), one_by_one(model.second, rows.tolist())
        )
        checked += len(matrix)
    assert checked > 1000


def rows_near_thresholds(model: TreeEnsemble, count: int, seed: int) -> list[list[float]]:
    rng = random.Random(seed)
    by_feature: dict[int, list[float]] = {}
    for tree in model.trees:
        for feature, threshold in zip(tree.feature, tree.threshold, strict=True):
            if feature >= 0:
                by_feature.setdefault(feature, []).append(threshold)
    specials = [math.nan, math.inf, -math.inf, 0.0, -0.0]
    rows = []
    for _ in range(count):
        row = []
        for feature in range(len(model.features)):
            if rng.random() < 0.05 or feature not in by_feature:
                row.append(rng.choice(specials))
            else:
                t = rng.choice(by_feature[feature])
                near = [t, math.nextafter(t, math.inf), math.nextafter(t, -math.inf)]
                row.append(rng.choice([*near, t + rng.uniform(-1, 1)]))
        rows.append(row)
    return rows


@pytest.mark.parametrize("which", ["first", "second"])
def test_packaged_model_near_its_thresholds(which):
    model = getattr(load_line_model(), which)
    rows = rows_near_thresholds(model, 500, seed=1)
    assert same_floats(model.probabilities(rows), one_by_one(model, rows))
    assert same_floats([model.probability(row) for row in rows[:20]], one_by_one(model, rows[:20]))


def test_no_rows_and_the_scorer_does_not_pickle():
    model = load_line_model().first
    assert model.probabilities([]) == []
    model.probabilities(rows_near_thresholds(model, 3, seed=3))
    copy = pickle.loads(pickle.dumps(model))
    assert copy._compiled is None
    rows = rows_near_thresholds(model, 50, seed=4)
    assert same_floats(copy.probabilities(rows), model.probabilities(rows))


def test_rows_of_the_wrong_width_are_value_errors():
    model = load_line_model().first
    with pytest.raises(ValueError, match="features expected"):
        model.probabilities([[0.0, 1.0]])


# Generated ensembles -------------------------------------------------------------------------

_THRESHOLDS = st.sampled_from([0.0, -0.0, 0.5, 1.0, 1.5, -2.0, math.inf, -math.inf, math.nan])
_VALUES = st.floats(-5, 5, allow_nan=False) | st.sampled_from([0.0, -0.0, 1e-300, 3.0])


@st.composite
def trees(draw: st.DrawFn, features: int, max_internal: int = 10) -> Tree:
    """A tree grown by splitting random leaves; nodes in the array order training writes."""
    feature, threshold, left, right, value = [-1], [0.0], [-1], [-1], [draw(_VALUES)]
    for _ in range(draw(st.integers(0, max_internal))):
        leaves = [i for i, f in enumerate(feature) if f < 0]
        node = draw(st.sampled_from(leaves))
        feature[node] = draw(st.integers(0, features - 1))
        threshold[node] = draw(_THRESHOLDS | st.floats(-3, 3, allow_nan=False))
        left[node], right[node] = len(feature), len(feature) + 1
        for _ in range(2):
            feature.append(-1)
            threshold.append(0.0)
            left.append(-1)
            right.append(-1)
            value.append(draw(_VALUES))
    return Tree(tuple(feature), tuple(threshold), tuple(left), tuple(right), tuple(value))


@st.composite
def ensembles(draw: st.DrawFn) -> TreeEnsemble:
    features = draw(st.integers(1, 4))
    forest = tuple(draw(st.lists(trees(features), max_size=12)))
    return TreeEnsemble(
        tuple(f"f{i}" for i in range(features)),
        draw(st.floats(-2, 2, allow_nan=False)),
        draw(st.sampled_from([1.0, 0.1, 0.3])),
        forest,
        {},
    )


_CELLS = _THRESHOLDS | st.floats(-3, 3, allow_nan=False) | st.integers(-2, 2)


@settings(max_examples=300, deadline=None)
@given(ensembles(), st.data())
def test_generated_ensembles_bit_for_bit(model, data):
    width = len(model.features)
    rows = data.draw(st.lists(st.lists(_CELLS, min_size=width, max_size=width), max_size=20))
    assert same_floats(model.probabilities(rows), one_by_one(model, rows))


def test_a_deep_tree():
    # a chain of 70 splits: 71 leaves (more than the former bitmask scorer held)
    n = 70
    feature = [0] * n + [-1] * (n + 1)
    threshold = [float(i) for i in range(n)] + [0.0] * (n + 1)
    left = [n + i for i in range(n)] + [-1] * (n + 1)
    right = [i + 1 for i in range(n - 1)] + [2 * n] + [-1] * (n + 1)
    value = [0.0] * n + [float(i) for i in range(n + 1)]
    tree = Tree(tuple(feature), tuple(threshold), tuple(left), tuple(right), tuple(value))
    model = TreeEnsemble(("x",), 0.0, 0.1, (tree,), {})
    rows = [[x / 2] for x in range(-2, 2 * n + 3)]
    assert same_floats(model.probabilities(rows), one_by_one(model, rows))


def test_arrays_that_are_not_trees_are_value_errors():
    with pytest.raises(ValueError, match="not a later node"):
        _native.TreeModel(0.0, 1.0, 1, [([0, -1], [0.0, 0.0], [0, -1], [1, -1], [0.0, 1.0])])
    with pytest.raises(ValueError, match="outside a row"):
        arrays = ([5, -1, -1], [0.0] * 3, [1, -1, -1], [2, -1, -1], [0.0] * 3)
        _native.TreeModel(0.0, 1.0, 1, [arrays])
    model = _native.TreeModel(0.0, 1.0, 2, [([-1], [0.0], [-1], [-1], [0.5])])
    with pytest.raises(ValueError, match="whole rows"):
        model.probabilities(b"\0" * 8)
    with pytest.raises(ValueError, match="float64 bytes"):
        model.probabilities(b"\0" * 5)
