"""Remove what an HTML extractor leaves around the article: headline, byline, teasers, credits.

An extractor such as trafilatura finds the article's block well, but keeps the furniture that
sits *inside* that block: the headline and byline above the first paragraph, inline
"Related: <headline>" teasers and the list under a "Don't miss" header, the reporter credits
and "follow us" prompts under the last paragraph, copyright and tag lines. On naive
full-page text these lines are a small part of the noise and other stages handle it; here
they are most of what is left.

Every rule matches a whole line whose *shape* says furniture (a label and a colon, a short
line in the head or tail zone, the page title from the metadata), never a sentence that
merely mentions the words: an article about newsletters or copyright keeps its sentences.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from rapidfuzz import fuzz

from cleanpipe.stage import UNCHANGED, Line, Stage, StageOutput, param, remove_lines, split_lines
from cleanpipe.stages.patterns import DATE_LINE
from cleanpipe.stages.titles import could_be_title, title_key

# "Related: <headline>", "READ MORE: <headline>", "[Related: ...]", "Also on rt.com <headline>".
_TEASER = re.compile(
    r"^\W{0,2}(?:read\s+(?:more|also|next)|related(?:\s+(?:post|story|article|content|coverage))?"
    r"|see\s+(?:more|also)|also\s+read|more\s+on\s+this|recommended|further\s+reading"
    r"|leia\s+também|lire\s+aussi|à\s+lire\s+aussi|leggi\s+anche|lesen\s+sie\s+auch"
    r"|mehr\s+zum\s+thema|lee\s+también|te\s+puede\s+interesar)\s*[:：|–—-]\s*\S.{2,200}$"
    r"|^also\s+on\s+\S+\.\w{2,4}\s+\S.{2,200}$",
    re.IGNORECASE,
)
# A header line that introduces a list of other stories: "Don't miss", "More:", "Related".
_TEASER_HEADER = re.compile(
    r"^\W{0,2}(?:don'?t\s+miss|more|also|related(?:\s+(?:stories|articles|posts|links))?"
    r"|you\s+(?:may|might)\s+also\s+(?:like|enjoy)|most\s+(?:read|popular|viewed)(?:\s+\w+){0,3}"
    r"|recommended(?:\s+for\s+you)?|read\s+(?:more|next|also)|see\s+also|also\s+read"
    r"|leggi\s+anche|lire\s+aussi|leia\s+também|mehr\s+zum\s+thema)\s*[:.…]*\W{0,2}$",
    re.IGNORECASE,
)
# Reporter credits and contact lines, as wire services and newsrooms write them.
_CREDIT = re.compile(
    r"^\W{0,2}(?:\(?(?:additional\s+)?(?:reporting|writing|editing)\s+by\b.{0,300}"
    r"|contributing:\s.{1,200}"
    r"|.{1,200}\bcontributed\s+(?:reporting|to\s+this\s+(?:report|story|article))\b.{0,80}"
    r"|with\s+(?:\S+\s+)?wires?"
    r"|(?:write|email|e-mail|reach)\s+(?:to\s+)?.{1,80}?\s+(?:at|on)\s+"
    r"(?:\S+@\S+|twitter|facebook|instagram|@\w+|https?://\S+).{0,120}"
    r"|have\s+a\s+tip\?.{0,200}"
    r"|follow\s+.{1,80}?\s+on\s+(?:twitter|facebook|instagram|x)\b.{0,200}"
    r"|staff\s+reports?|(?:\w+\s+){0,3}staff\s+and\s+wire\s+reports?"
    r"|source:\s.{1,80})$",
    re.IGNORECASE,
)
# Subscription and sharing prompts.
_PROMPT = re.compile(
    r"^\W{0,2}(?:(?:subscribe|sign\s+up|get|join|start\s+your\s+day)\b.{0,200}"
    r"\b(?:newsletters?|inbox|subscri(?:be|ber|bers|bing|ption|ptions)\b).{0,200}"
    r"|like\s+this\s+(?:story|article)\?.{0,100}"
    r"|share\s+(?:this|it)\s+(?:story|article|with\s+a\s+friend).{0,80}"
    r"|tell\s+us\s+what\s+you\s+think.{0,20}"
    r"|.{0,200}\bclick\s+here\s+for\s+more\s+information\.?"
    r"|if\s+you\s+enjoyed\s+this\s+article.{0,300})$",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(
    r"^\W{0,2}(?:©|\(c\)|copyright\s*(?:©|\(c\)|\d{4})).{0,150}$"
    r"|^.{0,150}\ball\s+rights\s+reserved\.?$",
    re.IGNORECASE,
)
_TAGS = re.compile(
    r"^\W{0,2}(?:tags?|tagged|filed\s+under|categories|category|topics?|themen|schlagwörter)"
    r"(?:\s*[:|]\s*.{0,300}|\s*)$",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"^\W{0,2}(?:by|von|par|por|di|door)\s+\S.{0,80}$|^.{0,60}\bby\s+[A-Z]\w+(?:\s+[A-Z][\w.-]*){0,3}$"
)
_UPDATED = re.compile(
    r"^\W{0,2}(?:updated|published|posted|last\s+updated|modified)\b.{0,60}$", re.IGNORECASE
)
_READ_TIME = re.compile(
    r"^\W{0,2}(?:(?:reading\s+time|read\s+time|lesezeit|tempo\s+de\s+leitura|temps\s+de\s+lecture"
    r"|tiempo\s+de\s+lectura|tempo\s+di\s+lettura)\s*:?\s*\d{1,3}\s*\w{0,8}"
    r"|\d{1,3}\s*(?:min|minutes?|minuten|minutos|minuti)\.?\s+(?:read|de\s+lectura|de\s+leitura))\W{0,2}$",
    re.IGNORECASE,
)
# Words ending in links ("More AP NBA: https://... and https://...", "Follow our coverage at
# https://..."): follow-us lines of the tail. A bare URL or address alone is left: articles
# list them as content (shop links, a theatre's website) as often as pages do as furniture.
_LINK_LINE = re.compile(
    r"^\W{0,2}\w+(?:\W+\w+){1,20}?\W{0,3}(?:https?://|www\.)\S+"
    r"(?:\s+(?:and|or|&)\s+(?:https?://|www\.)\S+)?\W{0,2}$",
    re.IGNORECASE,
)
_LIST_ITEM = re.compile(r"^\s*(?:[-*•·–]|\d{1,2}[.)])\s+\S")
_TERMINAL = re.compile(r"[.!?…:;。！？][\"'”’»)\]」』]*$")
_WORD = re.compile(r"\w+")
_TAIL_MIN = 4


@dataclass(frozen=True)
class StripExtractionLeftovers(Stage):
    """Drop the headline, byline, teasers, credits, prompts, tags and copyright an extractor kept.

    Acts only on extracted text (metadata `positions: extracted_text`), unless `always`.
    """

    name: ClassVar[str] = "strip_extraction_leftovers"

    always: bool = param(False, "also act on text that did not come from an extractor")
    headline: bool = param(True, "drop the page title (metadata `title`) at the top")
    head_lines: int = param(4, "non-blank lines at the top searched for headline and byline", ge=0)
    tail_share: float = param(
        0.3, "credits, tags and copyright are only cut in this last share of the lines", ge=0, le=1
    )
    title_similarity: float = param(
        90.0, "minimum rapidfuzz ratio between a line and the title", ge=0, le=100
    )

    def __post_init__(self) -> None:
        if not 0.0 <= self.tail_share <= 1.0:
            raise ValueError(f"tail_share must be between 0 and 1, got {self.tail_share}")
        if self.head_lines < 0:
            raise ValueError(f"head_lines must not be negative, got {self.head_lines}")

    def __call__(self, text: str, metadata: Mapping[str, Any]) -> StageOutput:
        if not self.always and metadata.get("positions") != "extracted_text":
            return UNCHANGED
        lines = [line for line in split_lines(text) if not line.blank]
        if len(lines) < 2:
            return UNCHANGED
        found: dict[int, tuple[Line, str]] = {}
        self._head(lines, metadata, found)
        self._teasers(lines, found)
        self._tail(lines, found)
        if not found:
            return UNCHANGED
        edits = []
        for rule in sorted({rule for _, rule in found.values()}):
            edits.extend(remove_lines([ln for ln, r in found.values() if r == rule], rule))
        edits.sort(key=lambda e: e.start)
        return StageOutput(tuple(edits))

    def _head(self, lines: list[Line], metadata: Mapping[str, Any], found: dict) -> None:
        """Headline, byline, dateline: only above the first paragraph of running text."""
        title = metadata.get("title") if self.headline else None
        author = metadata.get("author")
        for line in lines[: self.head_lines]:
            text = line.stripped
            if _is_paragraph(text):
                break
            if isinstance(title, str) and could_be_title(text) and self._is_title(text, title):
                found[line.index] = (line, "headline")
            elif _BYLINE.match(text) or (_mentions(text, author) and len(text) <= 80):
                found[line.index] = (line, "byline")
            elif DATE_LINE.match(text) or _UPDATED.match(text) or _READ_TIME.match(text):
                found[line.index] = (line, "dateline")
            elif self._is_standfirst(text, metadata.get("description")):
                found[line.index] = (line, "standfirst")

    def _is_title(self, text: str, title: str) -> bool:
        key = title_key(text, strip_suffix=False)
        if not key:
            return False
        return any(
            fuzz.ratio(key, title_key(title, strip_suffix=strip)) >= self.title_similarity
            for strip in (False, True)
        )

    def _is_standfirst(self, text: str, description: Any) -> bool:
        """The page's description repeated under the headline as a dek.

        Many sites use the article's lead paragraph as their description; a lead ends in a
        full stop, a dek does not, so only unpunctuated lines are taken.
        """
        if not isinstance(description, str) or _TERMINAL.search(text):
            return False
        key = title_key(text, strip_suffix=False)
        return bool(key) and fuzz.ratio(key, title_key(description, strip_suffix=False)) >= 90

    def _teasers(self, lines: list[Line], found: dict) -> None:
        """Inline teaser lines, and a teaser header with the list of headlines under it."""
        # After an inline teaser only list items continue the cut; after a header, also
        # headline-like lines (a subheading right after a teaser line must survive).
        under: str | None = None
        for line in lines:
            text = line.stripped
            if _TEASER.match(text) and not _TERMINAL.search(text.rstrip("]")):
                found[line.index] = (line, "teaser")
                under = "teaser"
            elif _TEASER_HEADER.match(text):
                found[line.index] = (line, "teaser")
                under = "header"
            elif under is not None and _continues_list(text, after_header=under == "header"):
                found[line.index] = (line, "teaser")
            else:
                under = None

    def _tail(self, lines: list[Line], found: dict) -> None:
        # the tail is a share of the lines, but never fewer than the last few: a short
        # article's credit, contact and copyright lines are its last four
        start = max(0, min(int(len(lines) * (1.0 - self.tail_share)), len(lines) - _TAIL_MIN))
        for line in lines[start:]:
            if line.index in found:
                continue
            text = line.stripped
            for rule, pattern in (
                ("credit", _CREDIT),
                ("prompt", _PROMPT),
                ("copyright", _COPYRIGHT),
                ("tags", _TAGS),
                ("link_line", _LINK_LINE),
            ):
                if pattern.match(text):
                    found[line.index] = (line, rule)
                    break
        # Prompts stand anywhere: a newsletter box often sits between two paragraphs.
        for line in lines[:start]:
            if line.index not in found and _PROMPT.match(line.stripped):
                found[line.index] = (line, "prompt")


def _is_paragraph(text: str) -> bool:
    return len(_WORD.findall(text)) >= 25


def _mentions(text: str, name: Any) -> bool:
    return isinstance(name, str) and len(name) >= 5 and name.casefold() in text.casefold()


def _continues_list(text: str, *, after_header: bool) -> bool:
    if not _is_list_headline(text):
        return False
    return after_header or bool(_LIST_ITEM.match(text))


def _is_list_headline(text: str) -> bool:
    """A list item or a short headline-like line (no closing punctuation) under a header."""
    words = _WORD.findall(text)
    if not words or len(words) > 20 or len(text) > 160:
        return False
    if _LIST_ITEM.match(text):
        return True
    return not _TERMINAL.search(text) and (text[0].isupper() or text[0].isdigit())
