"""Scoring many rows through a tree ensemble at once, QuickScorer style, with numpy.

Walking each tree node by node costs a Python comparison per node and row. Here every
comparison is answered from tables built once per model:

- Each tree's leaves are numbered left to right. A node whose test fails (`x > threshold`,
  or NaN) rules out every leaf of its left subtree; the leaf a row reaches is the leftmost
  one no failed node rules out (QuickScorer, Lucchese et al., SIGIR 2015). So a tree's
  answer is a bitmask: all ones, AND the mask of each failed node, then the lowest set bit.
- For one feature, the nodes a value fails are those whose threshold is below it: a prefix
  of that feature's sorted thresholds. So the AND of their masks, for every tree at once, is
  one row of a prefix table, found with `searchsorted`.
- A row's masks are then the AND over features of one table row each; the masks of several
  trees share a 64-bit word, so the ANDs run on whole words.

Leaf values are summed tree by tree in model order and the logistic taken with `math.exp`,
exactly as `TreeEnsemble.probability` does, so the probabilities are the same floats.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from cleanpipe.stages.boilerplate.trees import Tree

# Trees with more leaves than a word has bits do not fit one mask: the caller scores row by row.
MAX_LEAVES = 64
# Rows scored at once: bounds the gathered table rows (about 16 kB a row for the shipped model)
# to some 30 MB, whatever the length of the document.
BLOCK_ROWS = 2048


class BatchScorer:
    """Sums of leaf values for many rows; built once per ensemble."""

    def __init__(self, trees: Sequence[Tree]) -> None:
        leaves = [_leaves_in_order(tree) for tree in trees]
        most = max((len(order) for order in leaves), default=1)
        if most > MAX_LEAVES:
            raise ValueError(f"a tree has {most} leaves; masks hold at most {MAX_LEAVES}")
        bits = next(b for b in (8, 16, 32, 64) if most <= b)
        self._dtype = np.dtype(f"<u{bits // 8}")
        self._trees = len(trees)
        per_word = 64 // bits
        words = -(-len(trees) // per_word) or 1
        full = (1 << bits) - 1

        # the values of each tree's leaves, left to right; leaf j of tree t at t * most + j
        values = np.zeros((len(trees), most))
        # per feature: (threshold, tree, mask of the leaves a failed test leaves possible)
        tests: dict[int, list[tuple[float, int, int]]] = {}
        always_failed = np.full(words * per_word, full, dtype=self._dtype)
        for t, (tree, order) in enumerate(zip(trees, leaves, strict=True)):
            position = {node: j for j, node in enumerate(order)}
            values[t, : len(order)] = [tree.value[node] for node in order]
            for node, feature in enumerate(tree.feature):
                if feature < 0:
                    continue
                left = 0
                for leaf in _leaves_in_order(tree, tree.left[node]):
                    left |= 1 << position[leaf]
                threshold = float(tree.threshold[node])
                if math.isnan(threshold):  # `x <= nan` is always false
                    always_failed[t] &= full & ~left
                else:
                    tests.setdefault(feature, []).append((threshold, t, full & ~left))
        self._values = values.ravel()
        self._tree_base = np.arange(len(trees)) * most
        self._features = sorted(tests)
        self._thresholds: list[np.ndarray] = []
        tables: list[np.ndarray] = []
        starts: list[int] = []
        start = 0
        for feature in self._features:
            found = sorted(tests[feature])
            distinct = sorted({threshold for threshold, _, _ in found})
            table = np.empty((len(distinct) + 1, words * per_word), dtype=self._dtype)
            running = always_failed.copy()
            table[0] = running
            k = 0
            for rank, threshold in enumerate(distinct, start=1):
                while k < len(found) and found[k][0] == threshold:
                    running[found[k][1]] &= found[k][2]
                    k += 1
                table[rank] = running
            self._thresholds.append(np.asarray(distinct, dtype=np.float64))
            tables.append(table)
            starts.append(start)
            start += len(table)
        if tables:
            self._table = np.concatenate(tables).view(np.uint64)
        else:  # no tests at all: every tree is one leaf
            self._table = always_failed.view(np.uint64)[None, :]
            starts = [0]
        self._starts = np.asarray(starts, dtype=np.intp)

    def sums(self, rows: Sequence[Sequence[float]] | np.ndarray) -> list[float]:
        """Per row, the sum of its leaf values: from 0.0, tree by tree, as `compile_total` adds.

        Rows go through in blocks of `BLOCK_ROWS`: the table rows gathered for one row take
        a few kilobytes, so a document of 300,000 lines at once would take gigabytes.
        """
        n = len(rows)
        if n == 0 or not self._trees:
            return [0.0] * n
        matrix = _matrix(rows)
        totals: list[float] = []
        for start in range(0, n, BLOCK_ROWS):
            totals += self._block_sums(matrix[start : start + BLOCK_ROWS])
        return totals

    def _block_sums(self, matrix: np.ndarray) -> list[float]:
        n = len(matrix)
        ranks = np.empty((n, max(1, len(self._features))), dtype=np.intp)
        ranks[:, 0] = 0
        for column, (feature, thresholds) in enumerate(
            zip(self._features, self._thresholds, strict=True)
        ):
            # how many thresholds the value fails: those below it (all of them for NaN)
            ranks[:, column] = thresholds.searchsorted(matrix[:, feature], side="left")
        ranks += self._starts
        words = np.bitwise_and.reduce(self._table[ranks], axis=1)
        masks = words.view(self._dtype)[:, : self._trees]
        lowest = masks & (~masks + np.array(1, dtype=self._dtype))
        leaf = np.frexp(lowest.astype(np.float64))[1] - 1  # exact: powers of two
        values = self._values[leaf + self._tree_base]
        values[:, 0] += 0.0  # the sum starts from 0.0, which turns a leading -0.0 into 0.0
        totals: list[float] = np.add.accumulate(values, axis=1)[:, -1].tolist()
        return totals


def _matrix(rows: Sequence[Sequence[float]] | np.ndarray) -> np.ndarray:
    """Rows as a float matrix; lists of equal-length rows are read without nesting (faster)."""
    if isinstance(rows, np.ndarray):
        return rows.astype(np.float64, copy=False)
    width = len(rows[0])
    if all(len(row) == width for row in rows):
        flat = np.fromiter(itertools.chain.from_iterable(rows), np.float64, len(rows) * width)
        return flat.reshape(len(rows), width)
    return np.asarray(rows, dtype=np.float64)  # ragged: numpy says why it cannot


def _leaves_in_order(tree: Tree, node: int = 0) -> list[int]:
    """The leaves under `node`, left to right (iterative: deep trees must not recurse)."""
    order: list[int] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if tree.feature[current] < 0:
            order.append(current)
        else:
            stack.append(tree.right[current])
            stack.append(tree.left[current])
    return order
