"""Remove the trailing list of other headlines (with dates, read times and section headers)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from cleanpipe.document import Edit
from cleanpipe.stage import UNCHANGED, Line, Stage, StageOutput, last_lines, param
from cleanpipe.stages.patterns import COUNT_LINE, DATE_LINE, READ_TIME_LINE, SECTION_HEADER

_TERMINAL = re.compile(r"[.!?…:;,][\"'”’»)\]]*$")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class StripLinkLists(Stage):
    """Remove the run of headline-like lines (and their dates, read times, headers) at the end."""

    name: ClassVar[str] = "strip_link_lists"

    # Tuned on naive full-page text; on an HTML extractor's output the related links are
    # mostly gone and a trailing run of short lines is the article's own list (tour dates,
    # specifications), so the pipeline skips this stage there.
    naive_text_only = True

    min_items: int = param(3, "fewest headline-like lines a trailing run needs to be removed", ge=1)
    max_words: int = param(20, "a headline has at most this many words", ge=1)
    max_chars: int = param(160, "a headline has at most this many characters", ge=1)

    def __call__(self, text: str, metadata: Mapping[str, Any]) -> StageOutput:
        run: list[Line] = []  # the trailing run, last line first (the rest is never split)
        items = 0
        headers: list[int] = []
        for line in last_lines(text):
            kind = self._kind(line)
            if kind is None:
                break
            run.append(line)
            if kind == "headline":
                items += 1
            elif kind == "header":
                headers.append(line.index)
        if not run:
            return UNCHANGED
        run_start = run[-1].index
        lines = run[::-1]  # lines[i - run_start] is line i
        # Without a section header, demand a list shape: several items, or items with dates.
        if items < self.min_items and not (headers and items >= 1):
            return UNCHANGED
        # A header anchors the cut: short lines above the earliest header may be the
        # article's own short last paragraph, which must stay.
        cut = min(headers) - run_start if headers else 0
        while lines[cut].blank:
            cut += 1
        edits = [Edit(lines[cut].start, len(text), "trailing_link_list")]
        return StageOutput(tuple(edits))

    def _kind(self, line: Line) -> str | None:
        text = line.stripped
        if not text:
            return "blank"
        if DATE_LINE.match(text):
            return "date"
        if READ_TIME_LINE.match(text):
            return "read_time"
        if COUNT_LINE.match(text):
            return "count"
        if SECTION_HEADER.match(text):
            return "header"
        if self._headline(text):
            return "headline"
        return None

    def _headline(self, text: str) -> bool:
        if len(text) > self.max_chars or _TERMINAL.search(text):
            return False
        words = _WORD.findall(text)
        if not words or len(words) > self.max_words:
            return False
        return text[0].isupper() or text[0].isdigit() or text[0] in "\"'“‘«¿¡"
