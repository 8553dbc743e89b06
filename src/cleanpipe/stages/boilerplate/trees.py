"""A gradient-boosted tree ensemble read from JSON and scored by the native core.

Training happens elsewhere (`training/train_boilerplate.py`, with scikit-learn); the model
ships inside the package as plain data and no pickled estimator (or its library version) is
ever loaded. Scoring is `cleanpipe._native.TreeModel` (native/src/trees.rs): the leaves are
added one by one from 0.0 in tree order and the logistic taken of the clamped score, so a
probability is the same float on every machine and Python version (the Python definition it
is checked against bit for bit is tests/oracles/trees.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

import numpy as np

from cleanpipe import _native

if TYPE_CHECKING:
    from numpy.typing import ArrayLike


@dataclass(frozen=True)
class Tree:
    """One regression tree in array form: leaves have feature -1 and carry `value`; a row goes
    left when `row[feature] <= threshold` (NaN goes right). Children follow their parent."""

    feature: tuple[int, ...]
    threshold: tuple[float, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    value: tuple[float, ...]


_DERIVED = ("_compiled",)


@dataclass(frozen=True)
class TreeEnsemble:
    """Log-odds = bias + learning_rate * sum of trees; `probability` applies the logistic."""

    features: tuple[str, ...]
    bias: float
    learning_rate: float
    trees: tuple[Tree, ...]
    meta: dict[str, Any]

    # the compiled native scorer, built on first use (not pickled)
    _compiled: _native.TreeModel | None = field(default=None, init=False, repr=False, compare=False)

    def scorer(self) -> _native.TreeModel:
        """The native scorer of this ensemble (ValueError for arrays that are not trees)."""
        if self._compiled is None:
            object.__setattr__(
                self,
                "_compiled",
                _native.TreeModel(
                    self.bias,
                    self.learning_rate,
                    len(self.features),
                    [(t.feature, t.threshold, t.left, t.right, t.value) for t in self.trees],
                ),
            )
        assert self._compiled is not None
        return self._compiled

    def probability(self, row: Sequence[float]) -> float:
        return self.probabilities([row])[0]

    def probabilities(self, rows: ArrayLike) -> list[float]:
        """The probability of each row (a matrix of `len(features)` columns)."""
        matrix = np.ascontiguousarray(rows, dtype=np.float64)
        if matrix.size == 0:
            return []
        if matrix.ndim != 2 or matrix.shape[1] != len(self.features):
            raise ValueError(
                f"rows of {len(self.features)} features expected, got shape {matrix.shape}"
            )
        scored = self.scorer().probabilities(matrix.tobytes())
        out: list[float] = np.frombuffer(scored, dtype=np.float64).tolist()
        return out

    def __getstate__(self) -> dict[str, Any]:
        # The native scorer is rebuilt where it is used, not pickled.
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
