"""Small text helpers shared by the pipeline and the stages."""

from __future__ import annotations

import re
from bisect import bisect_right

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class LineIndex:
    """Line numbers (1-based) of character offsets in a text; `\\r\\n`, `\\r`, `\\n` end lines."""

    __slots__ = ("_starts", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts: list[int] | None = None  # built on first use: most documents never ask

    def line_of(self, offset: int) -> int:
        if self._starts is None:
            self._starts = [0, *(match.end() for match in _LINE_BREAK.finditer(self._text))]
        return bisect_right(self._starts, offset)
