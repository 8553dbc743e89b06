"""The Python definition of tree-ensemble scoring, the oracle of native/src/trees.rs.

A row walks each tree from its root (left when `row[feature] <= threshold`, so NaN goes
right); the leaves are added one by one from 0.0 in tree order (as `sum()` did up to Python
3.11: 3.12's compensates rounding); the probability is the logistic of the score clamped to
[-50, 50] with `math.exp`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from cleanpipe.stages.boilerplate.trees import Tree, TreeEnsemble


def predict(tree: Tree, row: Sequence[float]) -> float:
    node = 0
    while tree.feature[node] >= 0:
        go_left = row[tree.feature[node]] <= tree.threshold[node]
        node = tree.left[node] if go_left else tree.right[node]
    return tree.value[node]


def probability(model: TreeEnsemble, row: Sequence[float]) -> float:
    total = 0.0
    for tree in model.trees:
        total += predict(tree, row)
    score = model.bias + model.learning_rate * total
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, score))))
