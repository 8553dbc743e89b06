"""A gradient-boosted tree ensemble read from JSON and evaluated in Python (numpy for batches).

Training happens elsewhere (`training/train_boilerplate.py`, with scikit-learn); the model
ships inside the package as plain data and no pickled estimator (or its library version) is
ever loaded. `probability` scores one row with compiled Python; `probabilities` scores many
at once through bitmask tables (`treebatch`), with the same results.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import numpy as np

    from cleanpipe.stages.boilerplate.batch import BatchScorer


@dataclass(frozen=True)
class Tree:
    """One regression tree in array form: leaves have feature -1 and carry `value`."""

    feature: tuple[int, ...]
    threshold: tuple[float, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    value: tuple[float, ...]

    def predict(self, row: Sequence[float]) -> float:
        node = 0
        feature, threshold, left, right = self.feature, self.threshold, self.left, self.right
        while feature[node] >= 0:
            node = left[node] if row[feature[node]] <= threshold[node] else right[node]
        return self.value[node]


# Fewer rows than this are scored one by one by `probabilities` (see there).
BATCH_MIN_ROWS = 12
_DERIVED = ("_total", "_batch")


@dataclass(frozen=True)
class TreeEnsemble:
    """Log-odds = bias + learning_rate * sum of trees; `probability` applies the logistic."""

    features: tuple[str, ...]
    bias: float
    learning_rate: float
    trees: tuple[Tree, ...]
    meta: dict[str, Any]

    _total: Callable[[Sequence[float]], float] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    # the batch tables, or False for trees too large for them
    _batch: BatchScorer | Literal[False] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def probability(self, row: Sequence[float]) -> float:
        if self._total is None:
            object.__setattr__(self, "_total", compile_total(self.trees))
        assert self._total is not None
        return self._logistic(self._total(row))

    def probabilities(self, rows: Sequence[Sequence[float]] | np.ndarray) -> list[float]:
        """`[probability(row) for row in rows]`, the same floats, faster for many rows.

        Below `BATCH_MIN_ROWS` rows (or for trees too large for a bitmask) the rows are scored
        one by one: the tables' fixed cost per call is about that of a dozen rows.
        """
        if self._batch is None:
            object.__setattr__(self, "_batch", _batch_scorer(self.trees))
        if len(rows) < BATCH_MIN_ROWS or self._batch is False:
            listed = rows.tolist() if hasattr(rows, "tolist") else rows  # numpy: Python floats
            return [self.probability(row) for row in listed]
        assert self._batch is not None
        return [self._logistic(total) for total in self._batch.sums(rows)]

    def _logistic(self, total: float) -> float:
        score = self.bias + self.learning_rate * total
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, score))))

    def __getstate__(self) -> dict[str, Any]:
        # The compiled function and the tables are rebuilt where they are used, not pickled.
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _DERIVED}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for key, value in state.items():
            object.__setattr__(self, key, value)
        for name in _DERIVED:
            object.__setattr__(self, name, None)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TreeEnsemble:
        trees = tuple(
            Tree(
                tuple(t["feature"]),
                tuple(t["threshold"]),
                tuple(t["left"]),
                tuple(t["right"]),
                tuple(t["value"]),
            )
            for t in data["trees"]
        )
        return cls(
            tuple(data["features"]),
            float(data["bias"]),
            float(data["learning_rate"]),
            trees,
            dict(data.get("meta", {})),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "bias": self.bias,
            "learning_rate": self.learning_rate,
            "meta": self.meta,
            "trees": [
                {
                    "feature": list(t.feature),
                    "threshold": list(t.threshold),
                    "left": list(t.left),
                    "right": list(t.right),
                    "value": list(t.value),
                }
                for t in self.trees
            ],
        }


def _batch_scorer(trees: Sequence[Tree]) -> BatchScorer | Literal[False]:
    from cleanpipe.stages.boilerplate.batch import (
        MAX_LEAVES,
        BatchScorer,
    )  # numpy: only when batching

    most = max((sum(1 for f in tree.feature if f < 0) for tree in trees), default=1)
    return BatchScorer(trees) if most <= MAX_LEAVES else False


def compile_total(trees: Sequence[Tree]) -> Callable[[Sequence[float]], float]:
    """One function returning the sum of every tree's leaf value for a row, as Python source
    compiled once.

    Walking 150 trees node by node in a loop was most of a pipeline's CPU; as nested
    conditional expressions the same comparisons run about five times faster. Values and
    thresholds are written with `repr`, which round-trips floats exactly, so the leaves are
    the ones `Tree.predict` finds. The leaves are added one by one from 0.0 in tree order, as
    `sum()` did up to Python 3.11 and as the batch scorer does (Python 3.12's `sum()` of
    floats compensates rounding, which would make scores depend on the Python version).
    Models with non-finite numbers keep the loop.
    """
    numbers = [x for tree in trees for x in (*tree.threshold, *tree.value)]
    if not trees or not all(math.isfinite(x) for x in numbers):
        return lambda row: _sequential_sum(tree.predict(row) for tree in trees)
    used = sorted({f for tree in trees for f in tree.feature if f >= 0})
    # each feature read once into a local: the trees then compare locals, not row[i]
    reads = "".join(f"    r{f} = row[{f}]\n" for f in used)
    adds = "".join(f"    total += {_expression(tree, 0)}\n" for tree in trees)
    source = f"def total(row):\n{reads}    total = 0.0\n{adds}    return total\n"
    namespace: dict[str, Any] = {}
    exec(compile(source, "<tree ensemble>", "exec"), namespace)  # our own generated source
    return namespace["total"]  # type: ignore[no-any-return]


def _sequential_sum(values: Iterable[float]) -> float:
    total = 0.0
    for value in values:
        total += value
    return total


def _expression(tree: Tree, node: int) -> str:
    if tree.feature[node] < 0:
        return repr(float(tree.value[node]))
    return (
        f"({_expression(tree, tree.left[node])} "
        f"if r{tree.feature[node]} <= {float(tree.threshold[node])!r} "
        f"else {_expression(tree, tree.right[node])})"
    )
