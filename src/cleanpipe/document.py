"""Plain data types: a document, an edit a stage proposes, a removal as reported, a result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["ok", "dropped", "error"]


@dataclass(frozen=True, slots=True)
class Document:
    """Text plus metadata; `id` is what the report and outputs are keyed on."""

    id: str
    text: str
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Edit:
    """A change a stage proposes to the text it was given: replace `text[start:end]`.

    An edit with an empty replacement is a removal. Offsets are relative to the stage's
    own input; the pipeline maps them back to the decoded input for the report.
    """

    start: int
    end: int
    rule: str
    replacement: str = ""
    # A classifier's score for what it removed (its article probability): a user can
    # re-threshold from the report. None for rules that are not scored.
    score: float | None = None


@dataclass(frozen=True, slots=True)
class Removal:
    """One removal as the report states it, positioned in the decoded input.

    `text` is exactly `input[start:end]`; `line_start`/`line_end` are 1-based and inclusive.
    """

    stage: str
    rule: str
    text: str
    start: int
    end: int
    line_start: int
    line_end: int
    score: float | None = None  # the classifier's score, for scored rules (see `Edit.score`)

    def to_dict(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "stage": self.stage,
            "rule": self.rule,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "line_start": self.line_start,
            "line_end": self.line_end,
        }
        if self.score is not None:
            record["score"] = self.score
        return record


@dataclass(frozen=True, slots=True)
class Result:
    """What the pipeline made of one document."""

    id: str
    status: Status
    text: str
    input_text: str
    removals: tuple[Removal, ...] = ()
    rewrites: Mapping[str, int] = field(default_factory=dict)
    metadata: Mapping[str, Any] = field(default_factory=dict)
    reason: str | None = None
    # Seconds each stage took on this document. Not part of the record, which must be the
    # same bytes on every run; the runner adds them up into summary.json instead.
    timings: Mapping[str, float] = field(default_factory=dict, compare=False)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_record(self) -> dict[str, Any]:
        """The JSON-ready report record (deterministic: no timings, sorted maps)."""
        meta = dict(sorted(self.metadata.items()))
        return {
            "id": self.id,
            "status": self.status,
            "reason": self.reason,
            "chars_in": len(self.input_text),
            "chars_out": len(self.text),
            "lang": meta.get("lang"),
            "lang_prob": meta.get("lang_prob"),
            "metadata": meta,
            "removals": [r.to_dict() for r in self.removals],
            "rewrites": dict(sorted(self.rewrites.items())),
        }
