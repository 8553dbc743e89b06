"""Replaying a report record: the input cut at its removals gives back the output.

The report promises that every removal is the exact text `input[start:end]` and that removals
are disjoint, so a reviewer can rebuild what cleanpipe made of a document from its input and
its record alone, and see which rule took each piece. Rewrites of form (encoding fixes,
canonical whitespace) are counted in the record rather than spelled out; `replay` re-applies
them with the pipeline's rewriting stages when it is given the pipeline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cleanpipe.edits import apply_edits

if TYPE_CHECKING:
    from cleanpipe.pipeline import Pipeline

EXTRACTED = "extracted_text"  # metadata `positions` once an extracting stage has run


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of the input: kept (`removal` is None) or removed by `removal` (its index)."""

    text: str
    removal: int | None = None


class SpanError(ValueError):
    """Removals that do not fit the text they claim to come from."""


def segments(text: str, removals: Sequence[Mapping[str, Any]]) -> list[Segment]:
    """Split `text` at the removals' `start`/`end`, checking each removal's `text` matches.

    A mismatch means the input changed since the run (or is not the text the removals are
    positioned in: for HTML, the extracted text); showing highlights in the wrong place
    would be worse than showing none, so it raises.
    """
    pieces: list[Segment] = []
    cursor = 0
    for index, removal in sorted(enumerate(removals), key=lambda item: item[1]["start"]):
        start, end = int(removal["start"]), int(removal["end"])
        if not cursor <= start <= end <= len(text) or text[start:end] != removal["text"]:
            raise SpanError(f"removal {index} [{start}:{end}] does not match the input text")
        if start > cursor:
            pieces.append(Segment(text[cursor:start]))
        pieces.append(Segment(text[start:end], index))
        cursor = end
    if cursor < len(text):
        pieces.append(Segment(text[cursor:]))
    return pieces


def replay(input_text: str, record: Mapping[str, Any], pipeline: Pipeline | None = None) -> str:
    """The output `record` describes, rebuilt from `input_text` (raises `SpanError` if the
    removals do not fit it).

    Without `pipeline`: the input with every removed span cut out. With the pipeline that
    made the record: that text put through its rewriting stages, which is the output. A
    record of a dropped or failed document replays to `""`, as its output is.
    `input_text` is the text the removals are positioned in: the decoded input, or for an
    HTML page (`metadata.positions == "extracted_text"`) the text extracted from it.
    """
    kept = "".join(
        piece.text
        for piece in segments(input_text, record.get("removals") or ())
        if piece.removal is None
    )
    if record.get("status", "ok") != "ok":
        return ""
    if pipeline is None:
        return kept
    metadata = dict(record.get("metadata") or {})
    extracted = metadata.get("positions") == EXTRACTED
    text = kept
    for stage in pipeline.stages:
        if stage.removes or stage.extracts or (stage.naive_text_only and extracted):
            continue
        text = apply_edits(text, stage(text, metadata).edits)
    return text
