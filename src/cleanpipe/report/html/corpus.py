"""Reading a run's output directory back: its records, and a light index of them.

The report must stay fast for 100,000 documents, so `report.jsonl` is read twice as a stream:
once into a `DocRow` per document (a few numbers and names, no text) for the overview and the
navigation, and once more to render each document's page. Only one document's text is ever
held in memory.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleanpipe.report.html.segments import stage_order
from cleanpipe.report.summary import Summary


class ReportError(Exception):
    """The output directory is not a cleanpipe run (one line for the user)."""


@dataclass(slots=True)
class DocRow:
    """What the overview and the navigation need to know about one document."""

    index: int
    path: str
    status: str
    reason: str | None
    chars_in: int
    chars_out: int
    removed: int  # characters inside removals (canonical whitespace changes not counted)
    removals: int
    rules: tuple[int, ...]  # indices into `Corpus.rules`, sorted
    lang: str | None
    encoding: str | None

    @property
    def share(self) -> float:
        """Share of the input the removals took (0 for an empty input)."""
        return self.removed / self.chars_in if self.chars_in else 0.0


@dataclass
class Corpus:
    """The index of a run: one row per record, and per rule the documents it touched."""

    out_dir: Path
    summary_file: dict[str, Any]
    rows: list[DocRow] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)  # "stage/rule", stages in pipeline order
    rule_docs: list[list[int]] = field(default_factory=list)  # per rule, sorted doc indices
    totals: Summary = field(default_factory=Summary)
    stage_index: dict[str, int] = field(default_factory=dict)  # removing stage -> colour
    rule_ids: dict[str, int] = field(default_factory=dict)  # "stage/rule" -> index in rules

    def neighbour(self, rule: int, index: int, *, forward: bool) -> int | None:
        """The next (or previous) document after `index` with a removal by `rule`."""
        docs = self.rule_docs[rule]
        if forward:
            position = bisect_right(docs, index)
            return docs[position] if position < len(docs) else None
        position = bisect_left(docs, index) - 1
        return docs[position] if position >= 0 else None

    @property
    def config_stages(self) -> list[Any]:
        config = self.summary_file.get("config") or {}
        stages = config.get("stages") if isinstance(config, dict) else None
        return stages if isinstance(stages, list) else []


@dataclass(frozen=True, slots=True)
class Example:
    """One removal shown on its rule's page: where it is, and (the start of) what went."""

    index: int  # document
    line: int
    text: str


class Examples:
    """Up to `per_rule` removals of each rule, from documents spread evenly over the corpus.

    The first documents of a corpus are often alike (one site, one crawl day); spreading the
    sample shows a reviewer what a rule does across the whole run.
    """

    EXCERPT = 200

    def __init__(self, corpus: Corpus, per_rule: int = 100) -> None:
        self.chosen: list[set[int]] = []
        for docs in corpus.rule_docs:
            step = max(1, len(docs) / per_rule)
            self.chosen.append({docs[int(k * step)] for k in range(min(per_rule, len(docs)))})
        self.rule_ids = corpus.rule_ids
        self.by_rule: list[list[Example]] = [[] for _ in corpus.rule_docs]

    def add(self, index: int, record: dict[str, Any]) -> None:
        """Take the first removal of each sampled rule in document `index`."""
        taken: set[int] = set()
        for removal in record.get("removals") or []:
            rule = self.rule_ids[f"{removal['stage']}/{removal['rule']}"]
            if rule in taken or index not in self.chosen[rule]:
                continue
            taken.add(rule)
            excerpt = str(removal["text"])
            if len(excerpt) > self.EXCERPT:
                excerpt = excerpt[: self.EXCERPT] + "…"
            self.by_rule[rule].append(Example(index, removal["line_start"], excerpt))


def iter_records(out_dir: Path) -> Iterator[dict[str, Any]]:
    """The records of `report.jsonl`, in order.

    A run killed mid-write leaves a torn last line (no newline; `--resume` rewrites it): it is
    left out, as the run itself would. Any other line that is not a JSON object is an error,
    since an audit of a corrupted report would be an audit of something else.
    """
    path = out_dir / "report.jsonl"
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                if not line.endswith("\n"):
                    return
                raise ReportError(f"{path}:{number}: not a JSON record ({exc.msg})") from None
            if not isinstance(record, dict):
                raise ReportError(f"{path}:{number}: not a JSON object")
            yield record


def load_corpus(out_dir: Path) -> Corpus:
    """Read `summary.json` and index `report.jsonl` (no texts kept)."""
    if not (out_dir / "report.jsonl").is_file():
        raise ReportError(f"{out_dir} is not a cleanpipe run: no report.jsonl")
    summary_path = out_dir / "summary.json"
    summary_file: dict[str, Any] = {}
    if summary_path.is_file():
        try:
            loaded = json.loads(summary_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ReportError(f"{summary_path}: not JSON ({exc.msg})") from None
        summary_file = loaded if isinstance(loaded, dict) else {}
    corpus = Corpus(out_dir, summary_file)
    rule_ids: dict[str, int] = {}
    for index, record in enumerate(iter_records(out_dir)):
        corpus.totals.add(record)
        corpus.rows.append(_row(index, record, rule_ids))
    seen = [key.split("/", 1)[0] for key in rule_ids]
    stages = stage_order(corpus.config_stages, seen)
    corpus.stage_index = {name: number for number, name in enumerate(stages)}
    _order_rules(corpus, rule_ids, stages)
    return corpus


def _row(index: int, record: dict[str, Any], rule_ids: dict[str, int]) -> DocRow:
    removals = record.get("removals") or []
    rules = {rule_ids.setdefault(f"{r['stage']}/{r['rule']}", len(rule_ids)) for r in removals}
    metadata = record.get("metadata") or {}
    return DocRow(
        index=index,
        path=str(record.get("path") or record.get("id") or index),
        status=str(record.get("status", "?")),
        reason=record.get("reason"),
        chars_in=int(record.get("chars_in") or 0),
        chars_out=int(record.get("chars_out") or 0),
        removed=sum(len(r["text"]) for r in removals),
        removals=len(removals),
        rules=tuple(sorted(rules)),
        lang=record.get("lang"),
        encoding=metadata.get("encoding") if isinstance(metadata, dict) else None,
    )


def _order_rules(corpus: Corpus, rule_ids: dict[str, int], stages: list[str]) -> None:
    """Renumber rules so they sort by stage in pipeline order, then by rule name."""

    def key(name: str) -> tuple[int, str]:
        stage = name.split("/", 1)[0]
        return (stages.index(stage) if stage in stages else len(stages), name)

    ordered = sorted(rule_ids, key=key)
    renumber = {rule_ids[name]: new for new, name in enumerate(ordered)}
    corpus.rules = ordered
    corpus.rule_ids = {name: number for number, name in enumerate(ordered)}
    corpus.rule_docs = [[] for _ in ordered]
    for row in corpus.rows:
        row.rules = tuple(sorted(renumber[r] for r in row.rules))
        for rule in row.rules:
            corpus.rule_docs[rule].append(row.index)
