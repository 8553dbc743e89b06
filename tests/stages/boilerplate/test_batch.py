"""`TreeEnsemble.probabilities` (bitmask tables, numpy) gives `probability`'s floats, bit for bit.

Checked on the packaged model with rows built around its own thresholds (ties, neighbours,
NaN, infinities, -0.0), and on generated ensembles of any shape the JSON format allows:
single-leaf trees, duplicate and non-finite thresholds, unbalanced trees, no trees at all.
"""

from __future__ import annotations

import math
import pickle
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanpipe.stages.boilerplate import batch as treebatch
from cleanpipe.stages.boilerplate import trees as treemodel
from cleanpipe.stages.boilerplate.stage import load_line_model
from cleanpipe.stages.boilerplate.trees import Tree, TreeEnsemble


@pytest.fixture(autouse=True)
def batch_every_call(monkeypatch):
    monkeypatch.setattr(treemodel, "BATCH_MIN_ROWS", 0)


def one_by_one(model: TreeEnsemble, rows: list[list[float]]) -> list[float]:
    return [model.probability(row) for row in rows]


def same_floats(a: list[float], b: list[float]) -> bool:
    return [x.hex() for x in a] == [y.hex() for y in b]


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
            pick = rng.random()
            if pick < 0.05 or feature not in by_feature:
                row.append(rng.choice(specials))
            else:
                t = rng.choice(by_feature[feature])
                row.append(
                    rng.choice(
                        [
                            t,
                            math.nextafter(t, math.inf),
                            math.nextafter(t, -math.inf),
                            t + rng.uniform(-1, 1),
                        ]
                    )
                )
        rows.append(row)
    return rows


@pytest.mark.parametrize("which", ["first", "second"])
def test_packaged_model_bit_for_bit(which):
    model = getattr(load_line_model(), which)
    rows = rows_near_thresholds(model, 500, seed=1)
    assert same_floats(model.probabilities(rows), one_by_one(model, rows))


def test_small_batches_and_no_rows(monkeypatch):
    model = load_line_model().first
    rows = rows_near_thresholds(model, 5, seed=2)
    assert model.probabilities([]) == []
    monkeypatch.setattr(treemodel, "BATCH_MIN_ROWS", 12)  # the default: row by row below it
    assert same_floats(model.probabilities(rows), one_by_one(model, rows))


def test_rows_in_blocks_score_as_at_once(monkeypatch):
    model = load_line_model().second
    rows = rows_near_thresholds(model, 103, seed=5)
    whole = model.probabilities(rows)
    monkeypatch.setattr(treebatch, "BLOCK_ROWS", 10)  # 11 blocks, the last of 3 rows
    assert same_floats(model.probabilities(rows), whole)
    assert same_floats(whole, one_by_one(model, rows))


def test_tables_do_not_pickle():
    model = load_line_model().first
    model.probabilities(rows_near_thresholds(model, 3, seed=3))
    copy = pickle.loads(pickle.dumps(model))
    assert copy._batch is None and copy._total is None
    rows = rows_near_thresholds(model, 50, seed=4)
    assert same_floats(copy.probabilities(rows), model.probabilities(rows))


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


def test_trees_too_large_for_a_mask_are_scored_row_by_row():
    # a chain of 70 splits: 71 leaves, more than a 64-bit mask holds
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
    assert model._batch is False
