"""Corpus totals built from report records; summaries of shards add up with `+`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RuleStats:
    documents: int = 0
    lines: int = 0
    chars: int = 0

    def __add__(self, other: RuleStats) -> RuleStats:
        return RuleStats(
            self.documents + other.documents, self.lines + other.lines, self.chars + other.chars
        )


@dataclass
class Summary:
    """Documents by status, characters in and out, and what each stage and rule removed."""

    documents: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    chars_in: int = 0
    chars_out: int = 0
    rules: dict[str, RuleStats] = field(default_factory=dict)
    rewrites: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    encodings: Counter[str] = field(default_factory=Counter)
    extractors: Counter[str] = field(default_factory=Counter)  # HTML documents, by extractor
    truncated: int = 0  # documents cut at the run's size limit
    # Dataset rows whose id an earlier row already had (counted by the dataset run, which
    # sees every id; a record alone cannot tell), and the first such id.
    duplicate_ids: int = 0
    first_duplicate: str | None = None
    kinds: Counter[str] = field(default_factory=Counter)  # full page or extracted article
    # "Removed %", one definition for summary.json, the CLI and the HTML report: characters
    # in the report's removals of cleaned documents plus whole dropped documents, over the
    # characters of the documents read (errors were not cleaned: they count in neither).
    # An HTML page counts from its extracted text; extraction has its own line (markup).
    read_chars: int = 0
    removed_chars: int = 0
    extracted_pages: int = 0
    markup_chars: int = 0  # HTML pages' characters before extraction
    extracted_chars: int = 0  # and after

    @property
    def removed_share(self) -> float:
        return self.removed_chars / self.read_chars if self.read_chars else 0.0

    def add(self, record: Mapping[str, Any]) -> None:
        """Count one `report.jsonl` record."""
        self.documents += 1
        self.statuses[record["status"]] += 1
        if record.get("reason") and record["status"] != "ok":
            self.reasons[_reason_kind(record["reason"])] += 1
        self.chars_in += record.get("chars_in", 0)
        self.chars_out += record.get("chars_out", 0)
        touched: set[str] = set()
        for removal in record.get("removals", []):
            key = f"{removal['stage']}/{removal['rule']}"
            stats = self.rules.setdefault(key, RuleStats())
            stats.lines += removal["line_end"] - removal["line_start"] + 1
            stats.chars += len(removal["text"])
            if key not in touched:
                stats.documents += 1
                touched.add(key)
        self.rewrites.update(record.get("rewrites", {}))
        if record.get("lang"):
            self.languages[record["lang"]] += 1
        encoding = record.get("metadata", {}).get("encoding")
        if encoding:
            self.encodings[encoding] += 1
        if record.get("metadata", {}).get("truncated"):
            self.truncated += 1
        kind = record.get("metadata", {}).get("document_kind")
        if kind:
            self.kinds[kind] += 1
        extraction = record.get("metadata", {}).get("extraction")
        if isinstance(extraction, dict) and extraction.get("extractor"):
            self.extractors[extraction["extractor"]] += 1
            self.extracted_pages += 1
            self.markup_chars += int(extraction.get("chars_before") or 0)
            self.extracted_chars += int(extraction.get("chars_after") or 0)
        chars_in = record.get("chars_in", 0)
        if record["status"] == "ok":
            self.read_chars += chars_in
            self.removed_chars += sum(len(r["text"]) for r in record.get("removals", []))
        elif record["status"] == "dropped":
            self.read_chars += chars_in
            self.removed_chars += chars_in

    def __add__(self, other: Summary) -> Summary:
        rules = dict(self.rules)
        for key, stats in other.rules.items():
            rules[key] = rules.get(key, RuleStats()) + stats
        return Summary(
            documents=self.documents + other.documents,
            statuses=self.statuses + other.statuses,
            reasons=self.reasons + other.reasons,
            chars_in=self.chars_in + other.chars_in,
            chars_out=self.chars_out + other.chars_out,
            rules=rules,
            rewrites=self.rewrites + other.rewrites,
            languages=self.languages + other.languages,
            encodings=self.encodings + other.encodings,
            extractors=self.extractors + other.extractors,
            truncated=self.truncated + other.truncated,
            duplicate_ids=self.duplicate_ids + other.duplicate_ids,
            first_duplicate=self.first_duplicate or other.first_duplicate,
            kinds=self.kinds + other.kinds,
            read_chars=self.read_chars + other.read_chars,
            removed_chars=self.removed_chars + other.removed_chars,
            extracted_pages=self.extracted_pages + other.extracted_pages,
            markup_chars=self.markup_chars + other.markup_chars,
            extracted_chars=self.extracted_chars + other.extracted_chars,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "by_status": dict(sorted(self.statuses.items())),
            "drop_and_error_reasons": dict(sorted(self.reasons.items())),
            "chars_in": self.chars_in,
            "chars_out": self.chars_out,
            "removed_share": round(self.removed_share, 4),
            "removed_chars": self.removed_chars,
            "read_chars": self.read_chars,
            "extraction": {
                "pages": self.extracted_pages,
                "chars_before": self.markup_chars,
                "chars_after": self.extracted_chars,
            },
            "rules": {
                key: {"documents": s.documents, "lines": s.lines, "chars": s.chars}
                for key, s in sorted(self.rules.items())
            },
            "rewrites": dict(sorted(self.rewrites.items())),
            "languages": dict(sorted(self.languages.items())),
            "encodings": dict(sorted(self.encodings.items())),
            "extractors": dict(sorted(self.extractors.items())),
            "truncated": self.truncated,
            "duplicate_ids": self.duplicate_ids,
            "document_kinds": dict(sorted(self.kinds.items())),
        }


def _reason_kind(reason: str) -> str:
    """Group reasons such as 'stage x: ValueError: ...' by their stable head."""
    reason = reason.split(" (cut at ", 1)[0]  # the sizes of a cut document are its own
    head = reason.split(":", 2)
    return ":".join(head[:2]) if reason.startswith("stage ") else head[0]
