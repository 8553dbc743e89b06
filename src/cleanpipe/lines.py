"""Small text helpers shared by the pipeline and the stages."""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class LineIndex:
    """Line numbers (1-based) of character offsets in a text; `\\r\\n`, `\\r`, `\\n` end lines."""

    __slots__ = ("_asked", "_starts", "_text")

    # Most documents ask for a few line numbers (two per removal), if any: counting newlines
    # at C speed answers those; a document asking for many gets a table of line starts.
    COUNTED_ASKS = 16

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts: list[int] | None = None
        self._asked = 0

    def line_of(self, offset: int) -> int:
        starts = self._starts
        if starts is None:
            if self._asked == 0 and "\r" in self._text:
                self._asked = self.COUNTED_ASKS  # '\r' ends lines too: not a plain count
            if self._asked < self.COUNTED_ASKS:
                self._asked += 1
                return self._text.count("\n", 0, offset) + 1
            starts = self._starts = _line_starts(self._text)
        return bisect_right(starts, offset)


def _line_starts(text: str) -> list[int]:
    if "\r" in text:
        return [0, *(match.end() for match in _LINE_BREAK.finditer(text))]
    return [0, *accumulate(map((1).__add__, map(len, text.split("\n")[:-1])))]
