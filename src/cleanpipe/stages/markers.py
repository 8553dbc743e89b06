"""Remove comment-section markers (`Comments`, `12 Comments`, `Leave a reply`, ...)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from cleanpipe import _native
from cleanpipe.document import Edit
from cleanpipe.stage import (
    UNCHANGED,
    Line,
    Stage,
    StageOutput,
    last_lines,
    lines_at,
    param,
    split_lines,
)
from cleanpipe.stages.patterns import COMMENT_ACTION, COMMENT_HEADER

_COUNT = r"(?:\d[\d.,]*[kK]?|no|one|two|three|four|five|six|seven|eight|nine|ten)"
_NOUN = (
    r"(?:comments?|responses?|replies|reply|kommentare?|commentaires?|comentarios?|"
    r"commenti|comentários?|reacties?|reactie)"
)
# Whole-line markers. Anchored on both ends: a sentence that mentions comments is article text.
_MARKER_LINE = re.compile(
    r"^\W{0,3}(?:"
    rf"{_COUNT}?\s*{_NOUN}\s*(?:\(\s*\d+\s*\)|:\s*\d+)?"
    rf"|(?:show|view|hide|load|read|see|open|close|add|post|write|join|jump to|skip to|go to)"
    rf"(?:\s+(?:all|more|the|a|your|\d+))*\s+{_NOUN}(?:\s*\(\s*\d+\s*\))?"
    r"|leave an? (?:comment|reply|response)"
    r"|comments? (?:are|is) (?:closed|disabled|off)"
    r"|(?:there are )?no comments?(?: yet)?"
    r"|be the first to comment"
    r"|join the (?:discussion|conversation)"
    r"|(?:this|the) (?:discussion|comment section|comments section) (?:is|has been) closed"
    r"|kommentar(?:e)? (?:schreiben|anzeigen)|laisser un commentaire|deja un comentario"
    r"|lascia un commento|deixe um comentário|plaats een reactie"
    r")\W{0,3}$",
    re.IGNORECASE,
)
# A section heading that is a comment section's only when nothing of the article follows it:
# "Discussion" also heads the last section of a paper, and then prose comes after it.
_TAIL_MARKER_LINE = re.compile(
    r"^\W{0,3}(?:\d[\d.,]*\s*)?(?:discussions?|diskussion(?:en)?|discusi[oó]n|discussione)"
    r"(?:\s*\(\s*\d+\s*\))?\W{0,3}$",
    re.IGNORECASE,
)
_HINT = re.compile(
    r"omm?ent|reacti|repl|respons|kommentar|discussion|conversation|diskussion|discusi",
    re.IGNORECASE,
)
# The same searches on lowercased text, at C speed: `_HINT`'s words, one of which every
# alternative of `_MARKER_LINE` and `_TAIL_MARKER_LINE` holds ("kommentar" holds "omment").
_HINT_WORDS = (
    "omment",
    "oment",
    "reacti",
    "repl",
    "respons",
    "discussion",
    "conversation",
    "diskussion",
    "discusi",
)
_MARKER_WORDS = _HINT_WORDS
# A prose paragraph after a tail-only marker means the article goes on below it.
_PROSE = re.compile(r"(?:\w+\W+){9,}\w+.*[.!?…][\"'”’»)\]]*\s*$")
# Characters IGNORECASE matches to an ASCII letter although their lowercase is not it
# (U+0130 also lowercases to two characters, which would shift offsets).
_ODD_CASE = ("\u0130", "\u0131", "\u017f")
_GLUED_WORDS = ("Comment", "COMMENT")  # _GLUED_TAIL needs one of them
# A marker glued to the end of the article's last sentence: "... to act.Comments".
_GLUED_TAIL = re.compile(
    rf"(?<=[.!?…\"”’»)\]])[ \t]*(?:{_COUNT}[ \t]*)?(?:Comments?|COMMENTS?)"
    r"(?:[ \t]*\(\d+\))?[ \t]*$"
)


@dataclass(frozen=True)
class StripCommentMarkers(Stage):
    """Remove comment markers and prompts, whole lines or glued to the last sentence."""

    name: ClassVar[str] = "strip_comment_markers"

    glued: bool = param(
        True, "also cut a marker glued to the end of a sentence ('...act.Comments')"
    )
    drop_thread: bool = param(
        False, "also remove everything after a marker found in the last part of the document"
    )
    thread_zone: float = param(
        0.5, "with drop_thread: a marker must stand after this fraction of the text", ge=0, le=1
    )
    threads: bool = param(
        True,
        "remove a reader-comment thread, one removal from its first comment header (three or "
        "more `Name on <date> at <time> said:`-style headers after the article, with reply "
        "buttons or `said:`) to the end of its last comment",
    )

    def __call__(self, text: str, metadata: Mapping[str, Any]) -> StageOutput:
        thread = comment_thread(text) if self.threads else None
        if thread is not None:
            output = self._markers(text)
            kept = [e for e in output.edits if e.end <= thread[0] or e.start >= thread[1]]
            edits = sorted([*kept, Edit(*thread, "comment_thread")], key=lambda e: e.start)
            return StageOutput(tuple(edits))
        return self._markers(text)

    def _markers(self, text: str) -> StageOutput:
        # The patterns only match on lines holding one of a few words: find those lines by
        # searching the whole text, instead of trying each line (same edits).
        if any(char in text for char in _ODD_CASE):
            if not _HINT.search(text):
                return UNCHANGED
            marker_lines = glued_lines = split_lines(text)
        else:
            lowered = text.lower()
            if not any(word in lowered for word in _HINT_WORDS):
                return UNCHANGED
            marker_lines = _lines_holding(text, lowered, _MARKER_WORDS)
            glued_lines = _lines_holding(text, text, _GLUED_WORDS)
        return self._edits(text, marker_lines, glued_lines)

    def _edits(self, text: str, marker_lines: list[Line], glued_lines: list[Line]) -> StageOutput:
        """The markers among `marker_lines`, and the glued ones among `glued_lines`."""
        edits: list[Edit] = []
        last_prose = _LastProse()
        for line in marker_lines:
            stripped = line.stripped
            if not stripped or len(stripped) > 60:
                continue
            if _MARKER_LINE.match(stripped) or (
                _TAIL_MARKER_LINE.match(stripped) and line.start > last_prose(text)
            ):
                if self.drop_thread and line.start >= self.thread_zone * len(text):
                    edits.append(Edit(line.start, len(text), "comment_thread"))
                    break
                edits.append(Edit(line.start, line.end, "comment_marker"))
        if self.glued:
            edits.extend(self._glued(text, glued_lines, edits))
        edits.sort(key=lambda e: e.start)
        return StageOutput(tuple(edits)) if edits else UNCHANGED

    def _glued(self, text: str, lines: list[Line], taken: list[Edit]) -> list[Edit]:
        found: list[Edit] = []
        if "Comment" not in text and "COMMENT" not in text:
            return found  # _GLUED_TAIL needs one of them (a fast exit, same result)
        starts = [e.start for e in taken]  # sorted and disjoint: built in line order
        for line in lines:
            if len(line.stripped) <= 60:
                continue  # short lines are whole-line markers or not markers at all
            # Inside an edit already taken? A bisection, not a scan of every edit: a page of
            # many marker lines made the scan quadratic (20 s for 20,000 lines).
            before = bisect_right(starts, line.start) - 1
            if before >= 0 and line.start < taken[before].end:
                continue
            match = _GLUED_TAIL.search(line.text)
            if match:
                start, end = line.start + match.start(), line.start + match.end()
                found.append(Edit(start, end, "glued_marker"))
        return found


_THREAD_HINT = re.compile(r"\d:\d\d|\b(?:said|says|wrote|writes)\s*:", re.IGNORECASE)
# A native scan first: Python's engine tries `_THREAD_HINT` at every character of the text (a
# tenth of the default config's CPU). Its two alternatives apart, the second without `\b`
# (Rust's word characters are not Python's, and `\b` keeps its fastest engine off non-ASCII
# text), count at least as many matches as `_THREAD_HINT` finds: no match of one overlaps a
# match of the other, and without `\b` a word matches wherever it did and more. Fewer than
# needed is then a sure no; otherwise `_THREAD_HINT` itself decides.
_THREAD_HINT_SCANS = (
    _native.Pattern(r"\d:\d\d", ignore_case=True),
    _native.Pattern(r"(?:said|says|wrote|writes)\s*:", ignore_case=True),
)
_THREAD_HEADERS = 3  # fewer comment headers are a dateline or two, not a thread
_HEADER_WORDS = 14
_PROSE_WORDS = 10
_ARTICLE_SHARE = 0.25  # the article above a thread is at least this share of the rest ...
_ARTICLE_CHARS = 3000  # ... or at least this long
_SAID = re.compile(r"\b(?:said|says|wrote|writes)\s*:\s*$|\b(?:reply|#)\W*$", re.IGNORECASE)


def comment_thread(text: str) -> tuple[int, int] | None:
    """The span of a reader-comment thread after the article, or None.

    Evidence, all needed: three or more comment headers (`patterns.COMMENT_HEADER`), the first
    after two prose paragraphs at least (the article's own byline looks like a header), and a
    comment's affordances: a reply/vote line among them, or headers ending in `said:`. A live
    blog's time-stamped entries have headers too, but no reply buttons. The thread starts at
    its first header (with a `12 Responses` marker right above it) and ends with its last
    comment: the lines after the last header up to a comment form prompt (`Leave a Reply`),
    two short lines in a row (a form, a footer) or the end. A "thread" much longer than the
    text above it is a forum's or a mailing list's own content, and stays.
    """
    if sum(scan.count(text, _THREAD_HEADERS) for scan in _THREAD_HINT_SCANS) < _THREAD_HEADERS:
        return None
    if len(_THREAD_HINT.findall(text, 0, len(text))) < _THREAD_HEADERS:
        return None
    lines = [line for line in split_lines(text) if not line.blank]
    prose = 0
    headers: list[int] = []
    said = False
    for i, line in enumerate(lines):
        stripped = line.stripped
        words = len(stripped.split())
        if (
            prose >= 2
            and words <= _HEADER_WORDS
            and not stripped[:1].isdigit()
            and COMMENT_HEADER.search(stripped)
        ):
            headers.append(i)
            said = said or bool(_SAID.search(stripped))
        elif not headers and words >= _PROSE_WORDS:
            prose += 1
    if len(headers) < _THREAD_HEADERS:
        return None
    first, last = headers[0], headers[-1]
    if not said and not any(
        COMMENT_ACTION.match(line.stripped) for line in lines[first : last + 2]
    ):
        return None
    if first > 0 and _MARKER_LINE.match(lines[first - 1].stripped):
        first -= 1
    # A thread that dwarfs what stands above it is the page's content (a forum or mailing
    # list page, whose posts are its text), not the comments under an article.
    # Counted in lines of five words or more, so that removing the markers and reply buttons
    # (which a first pass does) cannot change the verdict of a second.
    above = sum(len(line.stripped) for line in lines[:first] if _wordy(line.stripped))
    below = sum(len(line.stripped) for line in lines[first:] if _wordy(line.stripped))
    if above < _ARTICLE_SHARE * below and above < _ARTICLE_CHARS:
        return None
    end = last
    for i in range(last + 1, len(lines)):
        stripped = lines[i].stripped
        if COMMENT_ACTION.match(stripped):
            end = i
            continue
        if _MARKER_LINE.match(stripped) or (
            _short(stripped) and i + 1 < len(lines) and _short(lines[i + 1].stripped)
        ):
            break
        end = i
    return lines[first].start, lines[end].end


def _wordy(line: str) -> bool:
    return len(line.split()) >= 5


def _short(line: str) -> bool:
    return len(line.split()) < 5 and not line.rstrip().endswith((".", "!", "?"))


class _LastProse:
    """Where the text's last prose paragraph (ten words or more, ending a sentence) starts;
    -1 if it has none. Found once, from the end, and only if a tail-only marker asks."""

    def __init__(self) -> None:
        self.start: int | None = None

    def __call__(self, text: str) -> int:
        if self.start is None:
            self.start = next((ln.start for ln in last_lines(text) if _PROSE.match(ln.text)), -1)
        return self.start


def _lines_holding(text: str, searched: str, words: tuple[str, ...]) -> list[Line]:
    """The lines of `text` on which `searched` (`text` or a same-length lowercase copy)
    holds one of `words`, in order."""
    starts: set[int] = set()
    for word in words:
        position = searched.find(word)
        while position >= 0:
            starts.add(text.rfind("\n", 0, position) + 1)
            end = text.find("\n", position)
            position = -1 if end < 0 else searched.find(word, end)
    return lines_at(text, sorted(starts))
