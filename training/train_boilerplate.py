#!/usr/bin/env python3
"""Train the two-pass line classifier of `strip_boilerplate` and report cross-validated quality.

    pip install -e '.[train]'
    python training/train_boilerplate.py --input DEV/input --gold DEV/gold \\
        --manifest DEV/manifest.json [--folds 5] [--out MODEL.json]

Labels come from the gold texts: a line is article text when most of the 4-token shingles that
touch its tokens (the shingles across its edges included, so a short subheading is judged in
context) occur in the gold. Each line weighs its share of its document's tokens, as the metric
weighs documents equally. Folds are grouped by site (from the manifest's URLs) so that no site
is both trained on and scored in the same fold: the cross-validated figures are what to expect
on unseen sites. The features are general (`cleanpipe/stages/boilerplate/features.py`): no
word or site learned from the pages.

Two passes: the first reads the line features; the second reads them plus the first pass's
probabilities around each line, and is trained on out-of-fold first-pass probabilities (what
the first pass says of pages it has not seen), never on its training-set guesses.

Every page is also trained on a second time as its ideal output (the title and the lines the
gold keeps), labelled the same way: cleaned text must stay as it is when it is cleaned again.
Without those pages, 73 of 181 held-out dev pages changed when cleaned twice.
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
from cleanpipe.stages.boilerplate.features import (  # noqa: E402
    FEATURE_NAMES,
    SECOND_PASS_NAMES,
    LineShape,
    line_features,
    neighbourhood_features,
)
from cleanpipe.stages.boilerplate.stage import (  # noqa: E402
    DocumentLines,
    LineModel,
    first_line_verdict,
    keep_decisions,
)
from cleanpipe.stages.boilerplate.trees import Tree, TreeEnsemble  # noqa: E402
from cleanpipe.stages.boilerplate.vocab import stop_words  # noqa: E402

# Large leaves generalise across sites: site-grouped 5-fold CV F1 at threshold 0.5 was 0.909
# with min_samples_leaf 40, 0.910 with 100, 0.918 with 200 and 0.913 with 400.
HYPER = {
    "max_iter": 200,
    "max_leaf_nodes": 15,
    "learning_rate": 0.1,
    "min_samples_leaf": 200,
    "l2_regularization": 1.0,
    "random_state": 0,
}
# The first-pass probabilities the second pass learns from: out of fold, by site.
INNER_FOLDS = 4
# How much an ideal-output page weighs against its original page.
IDEAL_WEIGHT = 0.5
SOFT_LABELS = False


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
    lang: str | None = None


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


def make_page(key: str, group: str, text: str, gold: str, lang: str | None) -> Page | None:
    doc = DocumentLines.of(text)
    if not doc.lines:
        return None
    stripped = [ln.stripped for ln in doc.lines]
    rows, shapes, block = line_features(
        stripped, doc.blank_before, doc.blank_after, stop_words(lang)
    )
    labels, counts = line_labels(doc, gold)
    total = sum(counts) or 1
    weights = [(c + 1) / total for c in counts]
    return Page(key, group, doc, rows, shapes, block, labels, weights, gold, lang)


def ideal_page(page: Page) -> Page | None:
    """The page as a perfect first pass leaves it: its title and the lines the gold keeps."""
    kept = [
        ln.text
        for i, (ln, label) in enumerate(zip(page.doc.lines, page.labels, strict=True))
        if i == 0 or label >= 0.5
    ]
    ideal = make_page(page.key, page.group, "\n".join(kept) + "\n", page.gold, page.lang)
    if ideal is not None:
        ideal.weights = [w * IDEAL_WEIGHT for w in ideal.weights]
    return ideal


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
        gold = gold_path.read_text(encoding="utf-8", errors="replace")
        page = make_page(
            path.stem,
            groups.get(path.stem, path.stem),
            result.text,
            gold,
            result.metadata.get("lang"),
        )
        if page is not None:
            pages.append(page)
    return pages


def _matrix(rows: Sequence[Sequence[float]]) -> np.ndarray:
    return np.array(rows, dtype=np.float64)


def fit_pass(pages: Sequence[Page], rows: Sequence[list[list[float]]]) -> Any:
    """One boosted-tree pass on the given per-page feature rows.

    With SOFT_LABELS, a line half in the gold counts half as article and half as furniture
    (once with each class, weighted by its share) instead of being rounded to one of them.
    """
    x = _matrix([r for page_rows in rows for r in page_rows])
    labels = np.array([lab for p in pages for lab in p.labels], dtype=np.float64)
    w = np.array([wt for p in pages for wt in p.weights], dtype=np.float64)
    if SOFT_LABELS:
        mixed = (labels > 0) & (labels < 1)
        x = np.concatenate([x, x[mixed]])
        y = np.concatenate([labels > 0, np.zeros(int(mixed.sum()), dtype=bool)]).astype(np.int64)
        w = np.concatenate([w * np.where(mixed, labels, 1.0), w[mixed] * (1 - labels[mixed])])
    else:
        y = (labels >= 0.5).astype(np.int64)
    w *= len(w) / w.sum()
    return HistGradientBoostingClassifier(**HYPER).fit(x, y, sample_weight=w)


def _proba(clf: Any, rows: list[list[float]]) -> list[float]:
    return [float(v) for v in clf.predict_proba(_matrix(rows))[:, 1]]


def second_rows(page: Page, first: Sequence[float]) -> list[list[float]]:
    return [
        row + more
        for row, more in zip(page.rows, neighbourhood_features(first, page.shapes), strict=True)
    ]


@dataclass
class TwoPass:
    first: Any
    second: Any

    def proba(self, page: Page) -> list[float]:
        return _proba(self.second, second_rows(page, _proba(self.first, page.rows)))


def fit(pages: Sequence[Page]) -> TwoPass:
    """Both passes; the second on first-pass probabilities from models blind to the site."""
    out_of_fold: dict[int, list[float]] = {}
    splitter = GroupKFold(n_splits=min(INNER_FOLDS, len({p.group for p in pages})))
    for train, test in splitter.split(pages, groups=[p.group for p in pages]):
        clf = fit_pass([pages[i] for i in train], [pages[i].rows for i in train])
        for i in test:
            out_of_fold[i] = _proba(clf, pages[i].rows)
    first = fit_pass(pages, [p.rows for p in pages])
    second = fit_pass(pages, [second_rows(p, out_of_fold[i]) for i, p in enumerate(pages)])
    return TwoPass(first, second)


def with_ideal(pages: Sequence[Page]) -> list[Page]:
    return [*pages, *(q for q in map(ideal_page, pages) if q is not None)]


def export_pass(
    clf: HistGradientBoostingClassifier, names: Sequence[str], probe: np.ndarray
) -> TreeEnsemble:
    """A fitted ensemble as plain data, checked against scikit-learn's own predictions.

    Leaf values of scikit-learn's histogram trees already carry the learning rate.
    """
    trees = []
    for (predictor,) in clf._predictors:
        nodes = predictor.nodes
        trees.append(
            Tree(
                tuple(
                    -1 if leaf else int(f)
                    for f, leaf in zip(nodes["feature_idx"], nodes["is_leaf"], strict=True)
                ),
                tuple(float(v) for v in nodes["num_threshold"]),
                tuple(int(v) for v in nodes["left"]),
                tuple(int(v) for v in nodes["right"]),
                tuple(round(float(v), 6) for v in nodes["value"]),
            )
        )
    bias = float(np.ravel(clf._baseline_prediction)[0])
    model = TreeEnsemble(tuple(names), bias, 1.0, tuple(trees), {"hyper": HYPER})
    ours = np.array([model.probability(row) for row in probe])
    theirs = clf.predict_proba(probe)[:, 1]
    if np.max(np.abs(ours - theirs)) > 1e-3:
        raise SystemExit(f"export mismatch: {np.max(np.abs(ours - theirs))}")
    return model


def export(two: TwoPass, pages: Sequence[Page]) -> LineModel:
    sample = pages[:: max(1, len(pages) // 20)]
    first = export_pass(two.first, FEATURE_NAMES, _matrix([r for p in sample for r in p.rows]))
    probe = _matrix([r for p in sample for r in second_rows(p, _proba(two.first, p.rows))])
    second = export_pass(two.second, (*FEATURE_NAMES, *SECOND_PASS_NAMES), probe)
    return LineModel(first, second)


def predicted_text(page: Page, probabilities: Sequence[float], threshold: float) -> str:
    """What strip_boilerplate keeps with its default settings, as plain text."""
    verdict = first_line_verdict("keep_unless_site_title", page.doc.lines[0].text)
    keep = keep_decisions(probabilities, page.shapes, threshold, verdict, page.block)
    return "\n".join(ln.text for ln, kept in zip(page.doc.lines, keep, strict=True) if kept)


def evaluate(
    pages: Sequence[Page], probabilities: dict[str, list[float]], thresholds: Sequence[float]
) -> dict[float, dict[str, float]]:
    return {
        t: aggregate(
            document_scores(p.gold, predicted_text(p, probabilities[p.key], t)) for p in pages
        )
        for t in thresholds
    }


def changed_on_second_pass(page: Page, model: TwoPass, text: str) -> bool:
    """Would the classifier remove more from its own output? (Idempotence, per page.)"""
    again = make_page(page.key, page.group, text + "\n", page.gold, page.lang)
    return again is not None and predicted_text(again, model.proba(again), 0.5) != text


def cross_validate(
    pages: Sequence[Page], folds: int, fold_seed: int | None = None
) -> tuple[dict[str, list[float]], int]:
    """Held-out probabilities of every page, from models that never saw its site; and how
    many held-out pages a second pass would change."""
    held_out: dict[str, list[float]] = {}
    changed = 0
    splitter = (
        GroupKFold(n_splits=folds)
        if fold_seed is None
        else GroupKFold(n_splits=folds, shuffle=True, random_state=fold_seed)
    )
    for fold, (train, test) in enumerate(splitter.split(pages, groups=[p.group for p in pages])):
        model = fit(with_ideal([pages[i] for i in train]))
        for i in test:
            held_out[pages[i].key] = model.proba(pages[i])
            text = predicted_text(pages[i], held_out[pages[i].key], 0.5)
            changed += changed_on_second_pass(pages[i], model, text)
        print(
            f"fold {fold + 1}/{folds}: {len(train)} train pages, {len(test)} held out",
            file=sys.stderr,
        )
    return held_out, changed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--input", type=Path, required=True)
    ap.add_argument("--gold", type=Path, required=True)
    ap.add_argument("--manifest", type=Path, help="manifest.json with page URLs (site groups)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument(
        "--out",
        type=Path,
        default=ROOT / "src/cleanpipe/stages/boilerplate/models/boilerplate.json",
    )
    ap.add_argument("--thresholds", default="0.3,0.4,0.5,0.6,0.7")
    ap.add_argument("--no-save", action="store_true", help="report figures, keep the model")
    ap.add_argument(
        "--dump-cv",
        type=Path,
        metavar="FILE",
        help="write each page's held-out line probabilities (JSON) for error analysis",
    )
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a hyperparameter of both passes, e.g. min_samples_leaf=80",
    )
    ap.add_argument(
        "--fold-seed",
        type=int,
        metavar="N",
        help="shuffle the sites into folds with this seed (default: GroupKFold's "
        "own order); the spread over seeds is the noise of the CV figures",
    )
    ap.add_argument(
        "--soft-labels",
        action="store_true",
        help="train on each line's share of gold shingles, not on it rounded",
    )
    args = ap.parse_args(argv)
    global SOFT_LABELS
    SOFT_LABELS = args.soft_labels
    for item in args.set:
        name, _, value = item.partition("=")
        if name not in HYPER:
            ap.error(f"--set: unknown hyperparameter {name!r} (known: {', '.join(HYPER)})")
        HYPER[name] = type(HYPER[name])(value)
    thresholds = [float(t) for t in args.thresholds.split(",")]
    pages = load_pages(args.input, args.gold, args.manifest)
    print(
        f"{len(pages)} pages, {sum(len(p.rows) for p in pages)} lines, "
        f"{len({p.group for p in pages})} sites",
        file=sys.stderr,
    )
    report: dict[str, Any] = {}
    if args.folds > 1:
        held_out, changed = cross_validate(pages, args.folds, args.fold_seed)
        for t, s in evaluate(pages, held_out, thresholds).items():
            print(f"cv{args.folds} threshold {t:.2f}: {line(s)}")
            report[f"cv{args.folds}@{t}"] = {k: round(v, 4) for k, v in s.items()}
        print(f"cv{args.folds}: {changed} of {len(pages)} held-out pages change on a second pass")
        if args.dump_cv:
            args.dump_cv.write_text(json.dumps(held_out), encoding="utf-8")
        report[f"cv{args.folds}_second_pass_changed"] = changed
    model = fit(with_ideal(pages))
    train = {p.key: model.proba(p) for p in pages}
    for t, s in evaluate(pages, train, thresholds).items():
        print(f"train-all threshold {t:.2f}: {line(s)}")
    if not args.no_save:
        data = export(model, pages).to_dict()
        data["meta"] = {
            "trainer": "training/train_boilerplate.py",
            "pages": len(pages),
            "hyper": HYPER,
            "inner_folds": INNER_FOLDS,
            "ideal_weight": IDEAL_WEIGHT,
            "cv": report,
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"wrote {args.out} ({args.out.stat().st_size} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
