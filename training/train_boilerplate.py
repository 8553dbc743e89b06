#!/usr/bin/env python3
"""Train the two-pass line classifier of `strip_boilerplate` and report cross-validated quality.

    pip install -e '.[train]'
    python training/train_boilerplate.py --data ../shared/evalset/dev \\
        --data ../shared/evalset/train [--folds 5] [--out MODEL.json]

`--data DIR` (repeatable) reads DIR/input, DIR/gold and DIR/manifest.json; each page's subset
is the manifest's `subset` (else the folder's name) and its site the manifest's `site` (else the
host of its URL; a page without one is its own group).

Labels come from the gold texts: a line is article text when most of the 4-token shingles that
touch its tokens (the shingles across its edges included, so a short subheading is judged in
context) occur in the gold, brought to cleanpipe's convention by `labels.py`. Each line weighs
its share of its document's tokens, as the metric weighs documents equally. Folds are grouped by
site (the manifest's `site`, else the host of its URL) so that no site
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
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

# One core: the machine is shared (the thread pool of the boosted trees would take them all).
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import GroupKFold

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "training"))

from benchmarks.quality import aggregate, document_scores, line  # noqa: E402
from labels import convention_labels  # noqa: E402

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
    POSITION_RULES,
    DocumentLines,
    LineModel,
    first_line_verdict,
    keep_decisions,
)
from cleanpipe.stages.boilerplate.trees import Tree, TreeEnsemble  # noqa: E402
from cleanpipe.stages.boilerplate.vocab import MARKER_NAMES, stop_words  # noqa: E402

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
    subset: str = ""
    rules: list[str] | None = None
    kind: str = "page"  # what detect_document_kind decided: on an article nothing is removed


def pre_pipeline(path: Path | None = None) -> Pipeline:
    """A config's stages before strip_boilerplate (the default config's unless `path`): what
    the classifier is fed."""
    config = load_yaml(path or default_config_path())
    stages = []
    for entry in config["stages"]:
        name = entry if isinstance(entry, str) else next(iter(entry))
        if name == "strip_boilerplate":
            break
        stages.append(entry)
    return Pipeline.from_config({"stages": stages})


def line_rules(shapes: Sequence[LineShape], block: tuple[int, int]) -> list[str]:
    """The rule each line would be removed under (as `score_lines` names them)."""
    return [
        shape.marker
        if shape.marker is not None
        else "navigation"
        if i < block[0]
        else "footer"
        if i >= block[1]
        else "boilerplate_line"
        for i, shape in enumerate(shapes)
    ]


def make_page(
    key: str, group: str, text: str, gold: str, lang: str | None, subset: str = ""
) -> Page | None:
    doc = DocumentLines.of(text)
    if not doc.lines:
        return None
    stripped = [ln.stripped for ln in doc.lines]
    rows, shapes, block = line_features(
        stripped, doc.blank_before, doc.blank_after, stop_words(lang)
    )
    labels, counts = convention_labels([ln.text for ln in doc.lines], gold, subset)
    total = sum(counts) or 1
    weights = [(c + 1) / total for c in counts]
    return Page(
        key,
        group,
        doc,
        rows,
        shapes,
        block,
        labels,
        weights,
        gold,
        lang,
        subset,
        line_rules(shapes, block),
    )


def ideal_page(page: Page) -> Page | None:
    """The page as a perfect first pass leaves it: its title and the lines the gold keeps."""
    kept = [
        ln.text
        for i, (ln, label) in enumerate(zip(page.doc.lines, page.labels, strict=True))
        if i == 0 or label >= 0.5
    ]
    ideal = make_page(
        page.key, page.group, "\n".join(kept) + "\n", page.gold, page.lang, page.subset
    )
    if ideal is not None:
        ideal.weights = [w * IDEAL_WEIGHT for w in ideal.weights]
    return ideal


@dataclass(frozen=True)
class Dataset:
    input: Path
    gold: Path
    manifest: Path | None
    name: str


def page_groups(manifest: Path | None, default_subset: str) -> dict[str, tuple[str, str]]:
    """Per page id: its site group and its subset."""
    groups: dict[str, tuple[str, str]] = {}
    if manifest is None:
        return groups
    for entry in json.loads(manifest.read_text(encoding="utf-8"))["docs"]:
        if "site" in entry:
            site = entry["site"]
        else:
            site = urlparse(entry.get("url") or "").netloc.lower().removeprefix("www.") or None
        groups[entry["id"]] = (site or entry["id"], entry.get("subset") or default_subset)
    return groups


def load_pages(datasets: Sequence[Dataset], config: Path | None = None) -> list[Page]:
    pipeline = pre_pipeline(config)
    pages = []
    for data in datasets:
        groups = page_groups(data.manifest, data.name)
        for path in sorted(data.input.glob("*.txt")):
            gold_path = data.gold / path.name
            if not gold_path.is_file():
                continue
            result = pipeline.clean(path.read_text(encoding="utf-8", errors="replace"))
            gold = gold_path.read_text(encoding="utf-8", errors="replace")
            group, subset = groups.get(path.stem, (path.stem, data.name))
            page = make_page(
                path.stem, group, result.text, gold, result.metadata.get("lang"), subset
            )
            if page is not None:
                page.kind = str(result.metadata.get("document_kind", "page"))
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


# Per-rule thresholds: a rule's lines are removed when their article probability is below its
# threshold. Calibrated on the held-out probabilities so that every rule's removals are at
# least MIN_PRECISION furniture by characters; a rule that cannot be is off (threshold 0).
MIN_PRECISION = 0.95
# Calibration aims a little above the bar: the CV figure of a small rule is noisy.
CALIBRATION_MARGIN = 0.005
THRESHOLD_GRID = (0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.15, 0.1, 0.07, 0.05, 0.04, 0.03, 0.02, 0.01)
# A rule that removes fewer characters than this in CV is judged on too little: kept off.
MIN_EVIDENCE_CHARS = 2000


def keep_lines(
    page: Page,
    probabilities: Sequence[float],
    threshold: float,
    thresholds: dict[str, float] | None = None,
    first_line: str = "keep",
) -> list[bool]:
    """What strip_boilerplate keeps: the per-rule thresholds shift each line's probability so
    that one comparison with `threshold` applies them (p < t_rule  <=>  p - t_rule + t < t)."""
    rules = page.rules or []
    if page.kind == "article":
        return [True] * len(rules)  # strip_boilerplate stands aside on an extracted article
    if thresholds:
        shifted = [
            p - thresholds.get(rule, threshold) + threshold if thresholds.get(rule, 1) > 0 else 1.0
            for p, rule in zip(probabilities, rules, strict=True)
        ]
    else:
        shifted = list(probabilities)
    verdict = first_line_verdict(first_line, page.doc.lines[0].text)  # type: ignore[arg-type]
    return keep_decisions(shifted, page.shapes, threshold, verdict, page.block)


def predicted_text(
    page: Page,
    probabilities: Sequence[float],
    threshold: float,
    thresholds: dict[str, float] | None = None,
    first_line: str = "keep",
) -> str:
    keep = keep_lines(page, probabilities, threshold, thresholds, first_line)
    return "\n".join(ln.text for ln, kept in zip(page.doc.lines, keep, strict=True) if kept)


def evaluate(
    pages: Sequence[Page],
    probabilities: dict[str, list[float]],
    thresholds: Sequence[float],
    rule_thresholds: dict[str, float] | None = None,
    first_line: str = "keep",
) -> dict[float, dict[str, float]]:
    return {
        t: aggregate(
            document_scores(
                p.gold, predicted_text(p, probabilities[p.key], t, rule_thresholds, first_line)
            )
            for p in pages
        )
        for t in thresholds
    }


def rule_precision(
    pages: Sequence[Page],
    probabilities: dict[str, list[float]],
    rule_thresholds: dict[str, float] | None,
    first_line: str = "keep",
) -> dict[str, tuple[float, int]]:
    """Per rule: the share of removed characters that are not article text, and how many
    characters it removed. A line's article characters are its length times its label."""
    furniture: dict[str, float] = {}
    removed: dict[str, int] = {}
    for page in pages:
        keep = keep_lines(page, probabilities[page.key], 0.5, rule_thresholds, first_line)
        for i, kept in enumerate(keep):
            if kept:
                continue
            rule = "page_title" if i == 0 else (page.rules or [])[i]
            chars = len(page.doc.lines[i].stripped)
            removed[rule] = removed.get(rule, 0) + chars
            furniture[rule] = furniture.get(rule, 0.0) + chars * (1 - min(page.labels[i], 1.0))
    return {
        rule: (furniture[rule] / removed[rule] if removed[rule] else 1.0, removed[rule])
        for rule in sorted(removed)
    }


def calibrate(
    pages: Sequence[Page], probabilities: dict[str, list[float]], first_line: str = "keep"
) -> dict[str, float]:
    """The largest threshold per rule whose CV removal precision clears the bar; 0: off."""
    rules = [*MARKER_NAMES, *POSITION_RULES]
    chosen = dict.fromkeys(rules, 0.5)
    for rule in rules:
        chosen[rule] = 0.0
        for t in THRESHOLD_GRID:
            trial = {**chosen, rule: t}
            precision, chars = rule_precision(pages, probabilities, trial, first_line).get(
                rule, (1.0, 0)
            )
            if chars >= MIN_EVIDENCE_CHARS and precision >= MIN_PRECISION + CALIBRATION_MARGIN:
                chosen[rule] = t
                break
    return chosen


def by_subset(
    pages: Sequence[Page],
    probabilities: dict[str, list[float]],
    rule_thresholds: dict[str, float] | None,
    first_line: str = "keep",
) -> dict[str, dict[str, float]]:
    out = {}
    for subset in sorted({p.subset for p in pages}):
        part = [p for p in pages if p.subset == subset]
        out[subset] = evaluate(part, probabilities, [0.5], rule_thresholds, first_line)[0.5]
    return out


def by_kind(
    pages: Sequence[Page],
    probabilities: dict[str, list[float]],
    rule_thresholds: dict[str, float] | None,
    first_line: str = "keep",
) -> dict[str, dict[str, float]]:
    out = {}
    for subset in [*sorted({p.subset for p in pages}), "all"]:
        for kind in sorted({p.kind for p in pages}):
            part = [p for p in pages if subset in ("all", p.subset) and p.kind == kind]
            if part:
                out[f"{subset}/{kind}"] = evaluate(
                    part, probabilities, [0.5], rule_thresholds, first_line
                )[0.5]
    return out


def changed_on_second_pass(page: Page, model: TwoPass, text: str) -> bool:
    """Would the classifier remove more from its own output? (Idempotence, per page.)"""
    again = make_page(page.key, page.group, text + "\n", page.gold, page.lang, page.subset)
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


def datasets(args: argparse.Namespace) -> list[Dataset]:
    found = [
        Dataset(
            d / "input",
            d / "gold",
            d / "manifest.json" if (d / "manifest.json").is_file() else None,
            d.name,
        )
        for d in args.data
    ]
    if args.input is not None:
        found.append(Dataset(args.input, args.gold, args.manifest, args.input.parent.name))
    return found


def cv_report(
    pages: Sequence[Page],
    held_out: dict[str, list[float]],
    folds: int,
    thresholds: Sequence[float],
    first_line: str,
) -> dict[str, Any]:
    """Figures at one global threshold, then calibrated per rule: overall, per subset, per rule."""
    report: dict[str, Any] = {}
    for t, s in evaluate(pages, held_out, thresholds, None, first_line).items():
        print(f"cv{folds} threshold {t:.2f}: {line(s)}")
        report[f"cv{folds}@{t}"] = {k: round(v, 4) for k, v in s.items()}
    print("per rule at threshold 0.50 (removal precision, characters removed):")
    for rule, (precision, chars) in rule_precision(pages, held_out, None, first_line).items():
        print(f"  {rule:20s} {precision:.3f}  {chars}")
    calibrated = calibrate(pages, held_out, first_line)
    report["rule_thresholds"] = calibrated
    print("calibrated thresholds: " + ", ".join(f"{r} {t}" for r, t in calibrated.items()))
    s = evaluate(pages, held_out, [0.5], calibrated, first_line)[0.5]
    print(f"cv{folds} calibrated: {line(s)}")
    report[f"cv{folds}_calibrated"] = {k: round(v, 4) for k, v in s.items()}
    subsets = by_subset(pages, held_out, calibrated, first_line)
    for subset, s in subsets.items():
        print(f"  {subset:10s} {line(s)}")
    report[f"cv{folds}_calibrated_by_subset"] = {
        k: {m: round(v, 4) for m, v in s.items()} for k, s in subsets.items()
    }
    kinds = by_kind(pages, held_out, calibrated, first_line)
    print("by document kind, calibrated:")
    for name, s in kinds.items():
        print(f"  {name:20s} {line(s)}")
    report[f"cv{folds}_calibrated_by_kind"] = {
        k: {m: round(v, 4) for m, v in s.items()} for k, s in kinds.items()
    }
    precision = rule_precision(pages, held_out, calibrated, first_line)
    print("per rule, calibrated (removal precision, characters removed):")
    for rule, (p, chars) in precision.items():
        print(f"  {rule:20s} {p:.3f}  {chars}")
    report[f"cv{folds}_rule_precision"] = {r: [round(p, 4), c] for r, (p, c) in precision.items()}
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--data",
        type=Path,
        action="append",
        default=[],
        help="a folder with input/, gold/ and manifest.json (repeatable)",
    )
    ap.add_argument("--input", type=Path, help="an input folder (with --gold, --manifest)")
    ap.add_argument("--gold", type=Path)
    ap.add_argument("--manifest", type=Path, help="manifest.json with page URLs (site groups)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument(
        "--config",
        type=Path,
        help="the pipeline whose stages before strip_boilerplate feed the classifier "
        "(default: the packaged default config)",
    )
    ap.add_argument(
        "--out", type=Path, default=ROOT / "src/cleanpipe/stages/models/boilerplate.json"
    )
    ap.add_argument("--thresholds", default="0.3,0.4,0.5,0.6,0.7")
    ap.add_argument(
        "--first-line",
        default="keep",
        choices=("keep", "keep_unless_site_title"),
        help="the first-line setting the figures are measured with",
    )
    ap.add_argument("--no-save", action="store_true", help="report figures, keep the model")
    ap.add_argument(
        "--dump-cv",
        type=Path,
        metavar="FILE",
        help="write each page's held-out line probabilities (JSON) for error analysis",
    )
    ap.add_argument(
        "--load-cv",
        type=Path,
        metavar="FILE",
        help="read held-out probabilities written by --dump-cv instead of refitting",
    )
    ap.add_argument(
        "--thresholds-into",
        type=Path,
        metavar="MODEL",
        help="with --load-cv: write the calibrated per-rule thresholds into this model file",
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
    if not args.data and args.input is None:
        ap.error("give --data DIR (or --input with --gold)")
    global SOFT_LABELS
    SOFT_LABELS = args.soft_labels
    for item in args.set:
        name, _, value = item.partition("=")
        if name not in HYPER:
            ap.error(f"--set: unknown hyperparameter {name!r} (known: {', '.join(HYPER)})")
        HYPER[name] = type(HYPER[name])(value)
    thresholds = [float(t) for t in args.thresholds.split(",")]
    pages = load_pages(datasets(args), args.config)
    print(
        f"{len(pages)} pages, {sum(len(p.rows) for p in pages)} lines, "
        f"{len({p.group for p in pages})} sites",
        file=sys.stderr,
    )
    report: dict[str, Any] = {}
    if args.load_cv:
        held_out = json.loads(args.load_cv.read_text(encoding="utf-8"))
        report = cv_report(pages, held_out, args.folds, thresholds, args.first_line)
        if args.thresholds_into:
            data = json.loads(args.thresholds_into.read_text(encoding="utf-8"))
            data["rule_thresholds"] = report["rule_thresholds"]
            data.setdefault("meta", {})["cv"] = report
            args.thresholds_into.write_text(
                json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8"
            )
            print(f"wrote the thresholds into {args.thresholds_into}", file=sys.stderr)
            return 0
    elif args.folds > 1:
        held_out, changed = cross_validate(pages, args.folds, args.fold_seed)
        if args.dump_cv:
            args.dump_cv.write_text(json.dumps(held_out), encoding="utf-8")
        report = cv_report(pages, held_out, args.folds, thresholds, args.first_line)
        print(f"cv{args.folds}: {changed} of {len(pages)} held-out pages change on a second pass")
        report[f"cv{args.folds}_second_pass_changed"] = changed
    if args.no_save:
        return 0
    model = fit(with_ideal(pages))
    train = {p.key: model.proba(p) for p in pages}
    for t, s in evaluate(pages, train, thresholds).items():
        print(f"train-all threshold {t:.2f}: {line(s)} (training-set figures: not a result)")
    data = export(model, pages).to_dict()
    if "rule_thresholds" in report:
        data["rule_thresholds"] = report["rule_thresholds"]
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
