#!/usr/bin/env python3
"""Train the line classifier of `strip_boilerplate` and report k-fold cross-validated quality.

    pip install -e '.[train]'
    python training/train_boilerplate.py --input DEV/input --gold DEV/gold \\
        --manifest DEV/manifest.json [--folds 5] [--out MODEL.json]

Labels come from the gold texts: a line is article text when most of the 4-token shingles that
touch its tokens (the shingles across its edges included, so a short subheading is judged in
context) occur in the gold. Each line weighs its share of its document's tokens, as the metric
weighs documents equally. Folds are grouped by site (from the manifest's URLs) so that no site
is both trained on and scored in the same fold: the cross-validated figures are what to expect
on unseen sites. The features are general (`cleanpipe/stages/linefeatures.py`): no word or site
learned from the pages.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import GroupKFold

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.quality import TOKEN, aggregate, document_scores, line  # noqa: E402

from cleanpipe import Pipeline  # noqa: E402
from cleanpipe.config import load_yaml  # noqa: E402
from cleanpipe.pipeline import default_config_path  # noqa: E402
from cleanpipe.stages.boilerplate import (  # noqa: E402
    DocumentLines,
    first_line_verdict,
    keep_decisions,
)
from cleanpipe.stages.linefeatures import FEATURE_NAMES, LineShape, line_features  # noqa: E402
from cleanpipe.stages.treemodel import Tree, TreeEnsemble  # noqa: E402
from cleanpipe.stages.vocab import stop_words  # noqa: E402

HYPER = {"max_iter": 200, "max_leaf_nodes": 15, "learning_rate": 0.1, "min_samples_leaf": 40,
         "l2_regularization": 1.0, "random_state": 0}


@dataclass
class Page:
    key: str
    group: str
    doc: DocumentLines
    rows: list[list[float]]
    shapes: list[LineShape]
    block: tuple[int, int]
    labels: list[float]
    weights: list[float]
    gold: str


def pre_pipeline() -> Pipeline:
    """The default config's stages before strip_boilerplate: what the classifier is fed."""
    config = load_yaml(default_config_path())
    stages = []
    for entry in config["stages"]:
        name = entry if isinstance(entry, str) else next(iter(entry))
        if name == "strip_boilerplate":
            break
        stages.append(entry)
    return Pipeline.from_config({"stages": stages})


def line_labels(doc: DocumentLines, gold: str) -> tuple[list[float], list[int]]:
    """Per line: the share of shingles touching its tokens found in the gold, and its tokens."""
    gold_tokens = TOKEN.findall(gold)
    gold_set = {tuple(gold_tokens[i : i + 4]) for i in range(max(len(gold_tokens) - 3, 1))}
    tokens: list[str] = []
    owner: list[int] = []
    for index, ln in enumerate(doc.lines):
        words = TOKEN.findall(ln.text)
        tokens.extend(words)
        owner.extend([index] * len(words))
    hits = [0] * len(doc.lines)
    total = [0] * len(doc.lines)
    for i in range(max(len(tokens) - 3, 0)):
        found = tuple(tokens[i : i + 4]) in gold_set
        for index in set(owner[i : i + 4]):
            hits[index] += found
            total[index] += 1
    counts = [0] * len(doc.lines)
    for index in owner:
        counts[index] += 1
    return [h / t if t else 0.0 for h, t in zip(hits, total, strict=True)], counts


def load_pages(input_dir: Path, gold_dir: Path, manifest: Path | None) -> list[Page]:
    groups: dict[str, str] = {}
    if manifest is not None:
        for entry in json.loads(manifest.read_text(encoding="utf-8"))["docs"]:
            host = urlparse(entry["url"]).netloc.lower().removeprefix("www.")
            groups[entry["id"]] = host
    pipeline = pre_pipeline()
    pages = []
    for path in sorted(input_dir.glob("*.txt")):
        gold_path = gold_dir / path.name
        if not gold_path.is_file():
            continue
        result = pipeline.clean(path.read_text(encoding="utf-8", errors="replace"))
        doc = DocumentLines.of(result.text)
        if not doc.lines:
            continue
        stripped = [ln.stripped for ln in doc.lines]
        rows, shapes, block = line_features(stripped, doc.blank_before, doc.blank_after,
                                   stop_words(result.metadata.get("lang")))
        gold = gold_path.read_text(encoding="utf-8", errors="replace")
        labels, counts = line_labels(doc, gold)
        total = sum(counts) or 1
        weights = [(c + 1) / total for c in counts]
        pages.append(Page(path.stem, groups.get(path.stem, path.stem), doc, rows, shapes,
                          block, labels, weights, gold))
    return pages


def _matrix(rows: Sequence[Sequence[float]]) -> np.ndarray:
    return np.array(rows, dtype=np.float64)


def fit_pass(pages: Sequence[Page], rows: Sequence[list[list[float]]]) -> Any:
    """One boosted-tree pass on the given per-page feature rows."""
    x = _matrix([r for page_rows in rows for r in page_rows])
    y = np.array([lab >= 0.5 for p in pages for lab in p.labels], dtype=np.int64)
    w = np.array([wt for p in pages for wt in p.weights], dtype=np.float64)
    w *= len(w) / w.sum()
    return HistGradientBoostingClassifier(**HYPER).fit(x, y, sample_weight=w)


def _proba(clf: Any, rows: list[list[float]]) -> list[float]:
    return [float(v) for v in clf.predict_proba(_matrix(rows))[:, 1]]


def fit(pages: Sequence[Page]) -> Any:
    return fit_pass(pages, [p.rows for p in pages])


def export(clf: HistGradientBoostingClassifier, names: Sequence[str],
           probe: np.ndarray) -> TreeEnsemble:
    """A fitted ensemble as plain data, checked against scikit-learn's own predictions.

    Leaf values of scikit-learn's histogram trees already carry the learning rate.
    """
    trees = []
    for (predictor,) in clf._predictors:
        nodes = predictor.nodes
        trees.append(Tree(
            tuple(-1 if leaf else int(f) for f, leaf in
                  zip(nodes["feature_idx"], nodes["is_leaf"], strict=True)),
            tuple(float(v) for v in nodes["num_threshold"]),
            tuple(int(v) for v in nodes["left"]),
            tuple(int(v) for v in nodes["right"]),
            tuple(round(float(v), 6) for v in nodes["value"]),
        ))
    bias = float(np.ravel(clf._baseline_prediction)[0])
    model = TreeEnsemble(tuple(names), bias, 1.0, tuple(trees), {"hyper": HYPER})
    ours = np.array([model.probability(row) for row in probe])
    theirs = clf.predict_proba(probe)[:, 1]
    if np.max(np.abs(ours - theirs)) > 1e-3:
        raise SystemExit(f"export mismatch: {np.max(np.abs(ours - theirs))}")
    return model


def predicted_text(page: Page, probabilities: Sequence[float], threshold: float) -> str:
    """What strip_boilerplate keeps with its default settings, as plain text."""
    verdict = first_line_verdict("keep_unless_site_title", page.doc.lines[0].text)
    keep = keep_decisions(probabilities, page.shapes, threshold, verdict, page.block)
    return "\n".join(ln.text for ln, kept in zip(page.doc.lines, keep, strict=True) if kept)


def evaluate(pages: Sequence[Page], probabilities: dict[str, list[float]],
             thresholds: Sequence[float]) -> dict[float, dict[str, float]]:
    return {
        t: aggregate(document_scores(p.gold, predicted_text(p, probabilities[p.key], t))
                     for p in pages)
        for t in thresholds
    }


def cross_validate(pages: Sequence[Page], folds: int) -> dict[str, list[float]]:
    """Held-out probabilities of every page, from models that never saw its site."""
    held_out: dict[str, list[float]] = {}
    splitter = GroupKFold(n_splits=folds)
    for fold, (train, test) in enumerate(splitter.split(pages, groups=[p.group for p in pages])):
        clf = fit([pages[i] for i in train])
        for i in test:
            held_out[pages[i].key] = _proba(clf, pages[i].rows)
        print(f"fold {fold + 1}/{folds}: {len(train)} train pages, {len(test)} held out",
              file=sys.stderr)
    return held_out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--input", type=Path, required=True)
    ap.add_argument("--gold", type=Path, required=True)
    ap.add_argument("--manifest", type=Path, help="manifest.json with page URLs (site groups)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--out", type=Path,
                    default=ROOT / "src/cleanpipe/stages/models/boilerplate.json")
    ap.add_argument("--thresholds", default="0.3,0.4,0.5,0.6,0.7")
    ap.add_argument("--no-save", action="store_true", help="report figures, keep the model")
    args = ap.parse_args(argv)
    thresholds = [float(t) for t in args.thresholds.split(",")]
    pages = load_pages(args.input, args.gold, args.manifest)
    print(f"{len(pages)} pages, {sum(len(p.rows) for p in pages)} lines, "
          f"{len({p.group for p in pages})} sites", file=sys.stderr)
    report: dict[str, Any] = {}
    if args.folds > 1:
        held_out = cross_validate(pages, args.folds)
        for t, s in evaluate(pages, held_out, thresholds).items():
            print(f"cv{args.folds} threshold {t:.2f}: {line(s)}")
            report[f"cv{args.folds}@{t}"] = {k: round(v, 4) for k, v in s.items()}
    clf = fit(pages)
    train = {p.key: _proba(clf, p.rows) for p in pages}
    for t, s in evaluate(pages, train, thresholds).items():
        print(f"train-all threshold {t:.2f}: {line(s)}")
    if not args.no_save:
        probe = _matrix([r for p in pages[:: max(1, len(pages) // 20)] for r in p.rows])
        model = export(clf, FEATURE_NAMES, probe)
        data = model.to_dict()
        data["meta"].update({"trainer": "training/train_boilerplate.py", "pages": len(pages),
                             "cv": report})
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"wrote {args.out} ({args.out.stat().st_size} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
