#!/usr/bin/env python3
"""Clean a directory with a config and score the output against gold texts (shingle F1).

    python benchmarks/quality.py --input DIR --gold DIR [--config FILE] [--keep-rules a,b]
                                 [--without-stage NAME] [--out DIR] [--worst N] [--ablate]
    python benchmarks/quality.py --data ../shared/evalset/dev --data ../shared/evalset/train \
                                 [--html]    # per subset, per document kind, per rule

The metric is the article-extraction benchmark's, as `evalset/score.py` implements it: word
tokens (`\\w+`), overlapping 4-token shingles, per-document TP/FP/FN scaled to sum to one,
precision and recall averaged over documents, F1 the harmonic mean of the two means. `--ablate`
prints F1 with each rule of `strip_boilerplate` and each removing stage switched off in turn.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from cleanpipe import Pipeline
from cleanpipe.config import load_yaml
from cleanpipe.pipeline import default_config_path, extended_config

TOKEN = re.compile(r"\w+")
SHINGLE = 4


def shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = TOKEN.findall(text)
    if not tokens:
        return Counter()
    if len(tokens) <= SHINGLE:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1))


def document_scores(gold: str, pred: str) -> tuple[float | None, float | None]:
    """(precision, recall) of one document; None where the metric leaves the document out."""
    g, p = shingles(gold), shingles(pred)
    tp = sum((g & p).values())
    fp = sum((p - g).values())
    fn = sum((g - p).values())
    if tp + fp + fn == 0:
        return None, None  # both empty: score.py leaves the document out of both means
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    return precision, recall


def aggregate(pairs: Iterable[tuple[float | None, float | None]]) -> dict[str, float]:
    pairs = list(pairs)
    precisions = [p for p, _ in pairs if p is not None]
    recalls = [r for _, r in pairs if r is not None]
    p = statistics.mean(precisions) if precisions else 0.0
    r = statistics.mean(recalls) if recalls else 0.0
    return {
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "precision": p,
        "recall": r,
        "docs": float(len(pairs)),
    }


def score_texts(gold: dict[str, str], pred: dict[str, str]) -> dict[str, float]:
    return aggregate(document_scores(gold[k], pred.get(k, "")) for k in sorted(gold))


def line(summary: dict[str, float]) -> str:
    return (
        f"F1 {summary['f1']:.3f}  precision {summary['precision']:.3f}  "
        f"recall {summary['recall']:.3f}  docs {int(summary['docs'])}"
    )


# running a config ----------------------------------------------------------------------------


def read_dir(folder: Path) -> dict[str, str]:
    return {
        p.stem: p.read_bytes().decode("utf-8", errors="replace")
        for p in sorted(folder.glob("*.txt"))
    }


def _load(path: Path | None) -> Any:
    """The config at `path` (default: the packaged default), its `extends` resolved."""
    path = Path(path or default_config_path())
    return extended_config(load_yaml(path), str(path), path.parent)


def config_variant(
    config: dict[str, Any], keep_rules: Sequence[str] = (), without: str | None = None
) -> dict[str, Any]:
    """A copy of `config` with some boilerplate rules kept or one stage left out."""
    stages = []
    for entry in config["stages"]:
        name, params = (entry, {}) if isinstance(entry, str) else next(iter(entry.items()))
        if name == without:
            continue
        params = dict(params or {})
        if name == "strip_boilerplate" and keep_rules:
            params["keep_rules"] = sorted({*params.get("keep_rules", ()), *keep_rules})
        stages.append({name: params})
    return {**config, "stages": stages}


def _clean_chunk(args: tuple[dict[str, Any], list[tuple[str, str]]]) -> list[tuple[str, str]]:
    config, docs = args
    pipeline = Pipeline.from_config(config)
    return [(key, pipeline.clean(text, doc_id=key).text) for key, text in docs]


def clean_all(config: dict[str, Any], inputs: dict[str, str], workers: int = 2) -> dict[str, str]:
    items = sorted(inputs.items())
    if workers <= 1:
        return dict(_clean_chunk((config, items)))
    chunks = [(config, items[i::workers]) for i in range(workers)]
    with ProcessPoolExecutor(workers) as pool:
        return {k: v for part in pool.map(_clean_chunk, chunks) for k, v in part}


def ablation(
    config: dict[str, Any], inputs: dict[str, str], gold: dict[str, str], workers: int
) -> list[tuple[str, dict[str, float]]]:
    """F1 with each strip_boilerplate rule, then each removing stage, switched off."""
    from cleanpipe.stages.boilerplate.stage import RULES

    rows = [("(full config)", score_texts(gold, clean_all(config, inputs, workers)))]
    names = [next(iter(e)) if isinstance(e, dict) else e for e in config["stages"]]
    if "strip_boilerplate" in names:
        for rule in RULES:
            variant = config_variant(config, keep_rules=[rule])
            rows.append(
                (
                    f"strip_boilerplate keep_rules=[{rule}]",
                    score_texts(gold, clean_all(variant, inputs, workers)),
                )
            )
    for name in names:
        if name.startswith("strip_"):
            variant = config_variant(config, without=name)
            rows.append((f"without {name}", score_texts(gold, clean_all(variant, inputs, workers))))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--input", type=Path, help="folder of input <id>.txt files")
    ap.add_argument("--gold", type=Path, help="folder of gold <id>.txt files")
    ap.add_argument(
        "--data",
        type=Path,
        action="append",
        default=[],
        help="an evalset folder (input/, gold/, html/, manifest.json), repeatable: prints the "
        "tables per subset, per document kind and per rule (benchmarks/quality_tables.py)",
    )
    ap.add_argument("--html", action="store_true", help="with --data: the HTML path as well")
    ap.add_argument("--config", type=Path, help="pipeline YAML (default: the packaged default)")
    ap.add_argument("--keep-rules", default="", help="strip_boilerplate rules to keep, a,b")
    ap.add_argument("--without-stage", help="leave this stage out of the config")
    ap.add_argument("--out", type=Path, help="also write the cleaned texts here")
    ap.add_argument("--worst", type=int, default=0, help="list the N documents of lowest F1")
    ap.add_argument("--ablate", action="store_true", help="per-rule and per-stage contribution")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    if args.data:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from benchmarks.quality_tables import print_tables

        config = _load(args.config)
        print_tables(config, args.data, args.html, args.workers)
        return 0
    if args.input is None or args.gold is None:
        ap.error("give --input and --gold, or --data")
    for folder in (args.input, args.gold):
        if not folder.is_dir():
            print(f"error: {folder} is not a directory", file=sys.stderr)
            return 2
    config = _load(args.config)
    keep = [r for r in args.keep_rules.split(",") if r]
    config = config_variant(config, keep, args.without_stage)
    inputs, gold = read_dir(args.input), read_dir(args.gold)
    if args.ablate:
        rows = ablation(config, inputs, gold, args.workers)
        base = rows[0][1]["f1"]
        print("| variant | F1 | ΔF1 | precision | recall |\n|---|---|---|---|---|")
        for name, s in rows:
            print(
                f"| {name} | {s['f1']:.3f} | {s['f1'] - base:+.3f} | "
                f"{s['precision']:.3f} | {s['recall']:.3f} |"
            )
        return 0
    pred = clean_all(config, inputs, args.workers)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        for key, text in pred.items():
            (args.out / f"{key}.txt").write_text(text, encoding="utf-8")
    print(line(score_texts(gold, pred)))
    if args.worst:
        per_doc = []
        for key in sorted(gold):
            p, r = document_scores(gold[key], pred.get(key, ""))
            p, r = p or 0.0, r or 0.0
            per_doc.append((2 * p * r / (p + r) if p + r else 0.0, p, r, key))
        for f1, p, r, key in sorted(per_doc)[: args.worst]:
            print(f"{f1:.3f}  P {p:.3f}  R {r:.3f}  {key}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
