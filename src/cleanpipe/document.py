"""Plain data types: a document, an edit a stage proposes, a removal as reported, a result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict

Status = Literal["ok", "dropped", "error"]


class Record(TypedDict):
    """One line of `report.jsonl`, as `Pipeline.record` builds it (the only place), in key
    order. JSON-ready and deterministic: no timings, metadata and rewrites sorted."""

    id: str | None  # None only for a dataset row whose id could not be read
    path: str | None  # where the input came from
    output: str | None  # where the clean text went (None unless ok)
    status: Status
    reason: str | None
    chars_in: int
    chars_out: int
    lang: str | None
    lang_prob: float | None
    metadata: dict[str, Any]
    removals: list[dict[str, Any]]
    rewrites: dict[str, int]
    input_sha256: str | None  # None when no text was ever decoded
    config_sha256: str


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
