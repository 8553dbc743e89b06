"""The quality tables of docs/quality.md: per subset, per document kind, per rule.

Called by `benchmarks/quality.py --data DIR ...`. Each document is cleaned once with the config
(text path on `input/`, and with `--html` the HTML path on `html/` next to trafilatura alone on
the same pages); the figures come from those outputs and their removal records:

- per subset (the manifest's `subset`, else the folder's name) and per document kind (what
  `detect_document_kind` decided): shingle F1, precision, recall;
- per rule: removal precision, the share of the characters a rule removed that are not
  article text (each input line labelled from the gold to cleanpipe's convention, as the
  trainer labels it), and ΔF1, the change in F1 when that rule's removals are put back.

The packaged model was trained on these pages: the text-path rows of the classifier's rules
are training-set figures. Its cross-validated figures (sites held out) come from
`training/train_boilerplate.py`; the rows here that do not depend on it (the seed rules, the
article kind, the HTML path) are what they are on any page.
"""

from __future__ import annotations

import gzip
import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "training"))

from benchmarks.quality import aggregate, document_scores  # noqa: E402
from labels import convention_labels  # noqa: E402

from cleanpipe import Pipeline  # noqa: E402


@dataclass
class Doc:
    key: str
    subset: str
    gold: str
    text: str = ""
    kind: str = ""
    base: str = ""  # the text removals are positioned in (the input, or the extracted text)
    removals: list[tuple[str, int, int]] = field(default_factory=list)  # rule, start, end


def read_data(folders: Sequence[Path]) -> list[tuple[Path, str, str, str]]:
    """(folder, id, subset, gold) for every page with a gold text."""
    pages = []
    for folder in folders:
        subsets: dict[str, str] = {}
        manifest = folder / "manifest.json"
        if manifest.is_file():
            for entry in json.loads(manifest.read_text(encoding="utf-8"))["docs"]:
                subsets[entry["id"]] = entry.get("subset") or folder.name
        for gold in sorted((folder / "gold").glob("*.txt")):
            text = gold.read_bytes().decode("utf-8", errors="replace")
            pages.append((folder, gold.stem, subsets.get(gold.stem, folder.name), text))
    return pages


def _clean(args: tuple[dict[str, Any], str, list[tuple[str, str, str]]]) -> list[Doc]:
    config, mode, items = args
    pipeline = Pipeline.from_config(config)
    out = []
    for key, subset, path in items:
        data = Path(path).read_bytes()
        if mode == "html":
            raw = gzip.decompress(data) if path.endswith(".gz") else data
            result = pipeline.clean(raw.decode("utf-8", errors="replace"), {"format": "html"}, key)
        else:
            result = pipeline.clean(data.decode("utf-8", errors="replace"), doc_id=key)
        doc = Doc(key, subset, "", result.text, str(result.metadata.get("document_kind", "")))
        doc.base = result.input_text
        doc.removals = [(f"{r.stage}/{r.rule}", r.start, r.end) for r in result.removals]
        out.append(doc)
    return out


def clean_pages(
    config: dict[str, Any], pages: Sequence[tuple[Path, str, str, str]], mode: str, workers: int
) -> list[Doc]:
    items = []
    gold = {}
    for folder, key, subset, text in pages:
        if mode == "html":
            path = folder / "html" / f"{key}.html.gz"
            if not path.is_file():
                path = folder / "html" / f"{key}.html"
        else:
            path = folder / "input" / f"{key}.txt"
        if path.is_file():
            items.append((key, subset, str(path)))
            gold[key] = text
    chunks = [(config, mode, items[i::workers]) for i in range(max(workers, 1))]
    if workers <= 1:
        docs = _clean(chunks[0])
    else:
        with ProcessPoolExecutor(workers) as pool:
            docs = [d for part in pool.map(_clean, chunks) for d in part]
    for doc in docs:
        doc.gold = gold[doc.key]
    return sorted(docs, key=lambda d: d.key)


def trafilatura_pages(pages: Sequence[tuple[Path, str, str, str]]) -> dict[str, str]:
    """trafilatura alone, its defaults but comments: the evalset's reference setting."""
    import trafilatura

    out = {}
    for folder, key, _, _ in pages:
        path = folder / "html" / f"{key}.html.gz"
        if not path.is_file():
            continue
        out[key] = trafilatura.extract(gzip.decompress(path.read_bytes()), include_comments=False)
        out[key] = out[key] or ""
    return out


def scores(docs: Iterable[Doc], texts: dict[str, str] | None = None) -> dict[str, float]:
    return aggregate(
        document_scores(d.gold, d.text if texts is None else texts.get(d.key, "")) for d in docs
    )


def restored(doc: Doc, rule: str | None) -> str:
    """The base text with every removal applied but `rule`'s (None: all applied)."""
    pieces, cursor = [], 0
    for name, start, end in sorted(doc.removals, key=lambda r: r[1]):
        if name == rule or start < cursor:
            continue
        pieces.append(doc.base[cursor:start])
        cursor = end
    pieces.append(doc.base[cursor:])
    return "".join(pieces)


def rule_table(docs: Sequence[Doc]) -> list[tuple[str, float, int, int, float]]:
    """Per rule: removal precision, characters removed, documents, ΔF1 if put back."""
    furniture: dict[str, float] = defaultdict(float)
    chars: dict[str, int] = defaultdict(int)
    documents: dict[str, set[str]] = defaultdict(set)
    for doc in docs:
        if not doc.removals:
            continue
        lines = doc.base.split("\n")
        labels, _ = convention_labels(lines, doc.gold, doc.subset)
        starts = [0]
        for text in lines:
            starts.append(starts[-1] + len(text) + 1)
        for rule, start, end in doc.removals:
            documents[rule].add(doc.key)
            index = _line_at(starts, start)
            while index < len(lines) and starts[index] < end:
                overlap = min(end, starts[index + 1] - 1) - max(start, starts[index])
                if overlap > 0:
                    chars[rule] += overlap
                    furniture[rule] += overlap * (1 - min(labels[index], 1.0))
                index += 1
    base = aggregate(document_scores(d.gold, restored(d, None)) for d in docs)["f1"]
    rows = []
    for rule in sorted(chars):
        touched = [d for d in docs if d.key in documents[rule]]
        others = [d for d in docs if d.key not in documents[rule]]
        pairs = [document_scores(d.gold, restored(d, rule)) for d in touched]
        pairs += [document_scores(d.gold, restored(d, None)) for d in others]
        delta = base - aggregate(pairs)["f1"]
        precision = furniture[rule] / chars[rule] if chars[rule] else 1.0
        rows.append((rule, precision, chars[rule], len(documents[rule]), delta))
    return rows


def _line_at(starts: list[int], offset: int) -> int:
    from bisect import bisect_right

    return max(bisect_right(starts, offset) - 1, 0)


def fmt(s: dict[str, float]) -> str:
    return f"{s['f1']:.3f} | {s['precision']:.3f} | {s['recall']:.3f} | {int(s['docs'])}"


def print_tables(
    config: dict[str, Any], folders: Sequence[Path], html: bool, workers: int
) -> dict[str, Any]:
    pages = read_data(folders)
    out: dict[str, Any] = {}
    text_docs = clean_pages(config, pages, "text", workers)
    subsets = sorted({d.subset for d in text_docs})
    print("\nText path (naive page text), default config:\n")
    print("| subset | F1 | precision | recall | docs |\n|---|---|---|---|---|")
    for subset in [*subsets, "all"]:
        part = [d for d in text_docs if subset in ("all", d.subset)]
        print(f"| {subset} | {fmt(scores(part))} |")
    print("\nText path by document kind (detect_document_kind):\n")
    print("| subset | kind | F1 | precision | recall | docs |\n|---|---|---|---|---|---|")
    for subset in [*subsets, "all"]:
        for kind in sorted({d.kind for d in text_docs}):
            part = [d for d in text_docs if subset in ("all", d.subset) and d.kind == kind]
            if part:
                print(f"| {subset} | {kind or '-'} | {fmt(scores(part))} |")
    print("\nText path, per rule (removal precision: share of removed characters not in the")
    print("article; ΔF1: F1 lost if the rule's removals are put back):\n")
    print("| rule | precision | chars removed | docs | ΔF1 |\n|---|---|---|---|---|")
    for rule, precision, chars, n, delta in rule_table(text_docs):
        print(f"| {rule} | {precision:.3f} | {chars} | {n} | {delta:+.4f} |")
    if html:
        html_docs = clean_pages(config, pages, "html", workers)
        alone = trafilatura_pages(pages)
        print("\nHTML path, default config, next to trafilatura alone on the same pages:\n")
        print("| subset | cleanpipe F1 | P | R | trafilatura F1 | P | R | docs |")
        print("|---|---|---|---|---|---|---|---|")
        for subset in [*subsets, "all"]:
            part = [d for d in html_docs if subset in ("all", d.subset)]
            ours, theirs = scores(part), scores(part, alone)
            print(
                f"| {subset} | {ours['f1']:.3f} | {ours['precision']:.3f} | "
                f"{ours['recall']:.3f} | {theirs['f1']:.3f} | {theirs['precision']:.3f} | "
                f"{theirs['recall']:.3f} | {len(part)} |"
            )
        print("\nHTML path, per rule:\n")
        print("| rule | precision | chars removed | docs | ΔF1 |\n|---|---|---|---|---|")
        for rule, precision, chars, n, delta in rule_table(html_docs):
            print(f"| {rule} | {precision:.3f} | {chars} | {n} | {delta:+.4f} |")
    return out
