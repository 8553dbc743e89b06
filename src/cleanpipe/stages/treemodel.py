"""A gradient-boosted tree ensemble read from JSON and evaluated in pure Python.

Training happens elsewhere (`training/train_boilerplate.py`, with scikit-learn); inference needs
nothing but the standard library, so the model ships inside the package as plain data and no
pickled estimator (or its library version) is ever loaded.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any


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


@dataclass(frozen=True)
class TreeEnsemble:
    """Log-odds = bias + learning_rate * sum of trees; `probability` applies the logistic."""

    features: tuple[str, ...]
    bias: float
    learning_rate: float
    trees: tuple[Tree, ...]
    meta: dict[str, Any]

    def probability(self, row: Sequence[float]) -> float:
        score = self.bias + self.learning_rate * sum(tree.predict(row) for tree in self.trees)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, score))))

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


def load_packaged(name: str) -> TreeEnsemble:
    """A model shipped as `cleanpipe/stages/models/<name>.json`."""
    blob = (resources.files("cleanpipe.stages") / "models" / f"{name}.json").read_text("utf-8")
    return TreeEnsemble.from_dict(json.loads(blob))
