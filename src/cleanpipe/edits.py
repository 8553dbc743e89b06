"""Applying a stage's edits, and mapping offsets back through them to the decoded input.

Each stage edits the text the previous stage produced. To say where a removal stood in the
*input*, the pipeline keeps one `EditMap` per stage and walks a span back through them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from cleanpipe.document import Edit


class EditError(ValueError):
    """A stage returned edits that overlap, are unsorted, or fall outside its text."""


def validate_edits(text: str, edits: Sequence[Edit]) -> None:
    previous_end = 0
    for edit in edits:
        if not (previous_end <= edit.start <= edit.end <= len(text)):
            raise _invalid(text, edit)
        previous_end = edit.end


def _invalid(text: str, edit: Edit) -> EditError:
    return EditError(
        f"edit {edit.rule!r} [{edit.start}:{edit.end}] overlaps a previous edit or "
        f"falls outside the text (length {len(text)})"
    )


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Return `text` with every edit applied; edits must be sorted and disjoint.

    Checks and applies in one pass (a canonicalized page has an edit per line).
    """
    if not edits:
        return text
    pieces: list[str] = []
    append = pieces.append
    cursor = 0
    size = len(text)
    for edit in edits:
        start, end = edit.start, edit.end
        if not (cursor <= start <= end <= size):
            raise _invalid(text, edit)
        append(text[cursor:start])
        append(edit.replacement)
        cursor = end
    append(text[cursor:])
    return "".join(pieces)


class EditMap:
    """Maps offsets in a stage's output back to offsets in its input."""

    __slots__ = ("_edits", "_in_end", "_in_start", "_out_end", "_out_start")

    def __init__(self, edits: Sequence[Edit]) -> None:
        # The tables are built on first use: a rewriting stage late in the pipeline (such as
        # canonicalize, with an edit per line) usually has no later removal to map back.
        self._edits: Sequence[Edit] | None = edits
        self._out_start: list[int] = []
        self._out_end: list[int] = []
        self._in_start: list[int] = []
        self._in_end: list[int] = []

    def _build(self, edits: Sequence[Edit]) -> None:
        self._edits = None
        shift = 0
        for edit in edits:
            out_start = edit.start + shift
            out_end = out_start + len(edit.replacement)
            self._out_start.append(out_start)
            self._out_end.append(out_end)
            self._in_start.append(edit.start)
            self._in_end.append(edit.end)
            shift = out_end - edit.end

    def to_input(self, offset: int, *, is_end: bool) -> int:
        """Input offset of output `offset`.

        A start inside a replacement maps to the replaced span's start, an end inside (or at
        the end of) one to its end, so a mapped span covers whole rewrites and never a text
        an earlier edit had already deleted.
        """
        if self._edits is not None:
            self._build(self._edits)
        if is_end:
            index = bisect_left(self._out_start, offset) - 1
            if index < 0:
                return offset
            if offset <= self._out_end[index]:
                return self._in_end[index]
        else:
            index = bisect_right(self._out_start, offset) - 1
            if index < 0:
                return offset
            if offset < self._out_end[index]:
                return self._in_start[index]
        return offset - self._out_end[index] + self._in_end[index]
