"""Remove the trailing list of other headlines (with dates, read times and section headers)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cleanpipe.document import Edit
from cleanpipe.registry import register
from cleanpipe.stage import UNCHANGED, Line, Stage, StageOutput, last_lines, param

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
    r"januar|februar|märz|mai|juni|juli|oktober|dezember|"
    r"janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|"
    r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|"
    r"gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|"
    r"janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|dezembro|"
    r"januari|februari|maart|mei|augustus)\.?"
)
_TIME = (
    r"(?:\s*(?:[-–,|•·]|at|um|à|a las|alle|às|om)?\s*\d{1,2}[:.h]\d{2}"
    r"(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?"
)
DATE_LINE = re.compile(
    r"^\W{0,2}(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?(?:"
    rf"{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\.?\s+(?:de\s+)?{_MONTH}\s+(?:de\s+)?\d{{4}}"
    r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
    r"|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?"
    r"|\d+\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago"
    r"|yesterday|today|just now"
    rf"){_TIME}\W{{0,2}}$",
    re.IGNORECASE,
)
READ_TIME_LINE = re.compile(
    r"^\W{0,2}\d{1,3}\s*(?:-\s*\d{1,3}\s*)?(?:min(?:ute)?s?|m|minuten|minutos|minuti)\.?"
    r"(?:\s+(?:read|reading|lesezeit|de lecture|de lectura|di lettura|leestijd|watch|listen))?"
    r"\W{0,2}$",
    re.IGNORECASE,
)
COUNT_LINE = re.compile(r"^\W{0,2}\d[\d.,]*\s*[kKmM]?\s*(?:views?|shares?|likes?)?\W{0,2}$")
SECTION_HEADER = re.compile(
    r"^\W{0,3}(?:related(?:\s+(?:stories|articles|posts|news|content|coverage|reading))?"
    r"|more\s+(?:stories|news|articles|from\s+.{1,40}|on\s+.{1,40}|in\s+.{1,40})"
    r"|(?:you|we\s+think\s+you)\s+(?:may|might)\s+(?:also\s+)?(?:like|enjoy|be\s+interested\s+in)"
    r"|most\s+(?:read|popular|viewed|shared|recent)|trending(?:\s+now)?|popular(?:\s+now)?"
    r"|recommended(?:\s+for\s+you)?|latest(?:\s+(?:news|stories|articles|posts))?"
    r"|recent\s+(?:posts|stories|articles|news)|read\s+(?:more|next|also)|also\s+read"
    r"|further\s+reading|see\s+also|up\s+next|what\s+to\s+read\s+next|top\s+stories"
    r"|editor'?s\s+picks?|don'?t\s+miss|around\s+the\s+web|from\s+the\s+web|sponsored(?:\s+content)?"
    r"|mehr\s+zum\s+thema|das\s+könnte\s+sie\s+auch\s+interessieren|weitere\s+artikel|meistgelesen"
    r"|à\s+lire\s+aussi|lire\s+aussi|sur\s+le\s+même\s+sujet|les\s+plus\s+lus"
    r"|noticias\s+relacionadas|te\s+puede\s+interesar|lo\s+más\s+leído|más\s+noticias"
    r"|articoli\s+correlati|leggi\s+anche|potrebbe\s+interessarti|i\s+più\s+letti"
    r"|leia\s+também|notícias\s+relacionadas|mais\s+lidas"
    r"|lees\s+ook|gerelateerde\s+artikelen|meest\s+gelezen)\W{0,3}$",
    re.IGNORECASE,
)
_TERMINAL = re.compile(r"[.!?…:;,][\"'”’»)\]]*$")
_WORD = re.compile(r"\w+")


@register("strip_link_lists")
@dataclass(frozen=True)
class StripLinkLists(Stage):
    """Remove the run of headline-like lines (and their dates, read times, headers) at the end."""

    # Tuned on naive full-page text; on an HTML extractor's output the related links are
    # mostly gone and a trailing run of short lines is the article's own list (tour dates,
    # specifications), so the pipeline skips this stage there.
    naive_text_only = True

    min_items: int = param(3, "fewest headline-like lines a trailing run needs to be removed")
    max_words: int = param(20, "a headline has at most this many words")
    max_chars: int = param(160, "a headline has at most this many characters")

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
