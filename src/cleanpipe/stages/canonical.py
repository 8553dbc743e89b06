"""The canonical form every output ends in: NFC, tidy spaces, one blank line between paragraphs."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from cleanpipe.document import Edit
from cleanpipe.stage import Stage, StageOutput, param

# Spaces, tabs and the other Unicode space separators collapse to one ASCII space.
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
# Invisible characters that only ever get in the way of matching and tokenizing.
_INVISIBLE = re.compile(r"[\u200b\u2060\ufeff\u00ad]")
_EDGE = (
    " \t\u00a0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u202f\u205f\u3000\u200b\u2060\ufeff\u00ad"
)
_LINE_BREAKS = re.compile(r"\r\n|\r|\n|\v|\f|\u2028|\u2029|\x85")
_ODD_BREAKS = re.compile(r"[\r\v\f\u2028\u2029\x85]")  # every break but '\n'


def canonical_line(line: str, form: str | None) -> str:
    if line.isascii() and "  " not in line and "\t" not in line:
        return line.strip()  # the common case: nothing to collapse, drop or normalize
    line = _INVISIBLE.sub("", line)
    line = _SPACES.sub(" ", line).strip()
    if form and not unicodedata.is_normalized(form, line):  # type: ignore[arg-type]
        line = unicodedata.normalize(form, line)  # type: ignore[arg-type]
    return line


@dataclass(frozen=True)
class Canonicalize(Stage):
    """NFC; `\\n` line ends; collapsed spaces; one blank line between paragraphs; final newline."""

    name: ClassVar[str] = "canonicalize"

    removes = False

    normalization: Literal["NFC", "NFKC"] | None = param("NFC", "Unicode normalization form")
    paragraph_per_line: bool = param(
        True, "treat every non-blank line as a paragraph (scraped text rarely wraps lines)"
    )

    def __call__(self, text: str, metadata: Mapping[str, Any]) -> StageOutput:
        if _plain(text, self.normalization):
            return StageOutput(tuple(_gap_edits(text, self.paragraph_per_line)))
        return StageOutput(tuple(self._line_edits(text)))

    def _line_edits(self, text: str) -> list[Edit]:
        """The general path: every line made canonical, then the gaps between lines."""
        edits: list[Edit] = []
        gap_start = 0  # where the whitespace since the last kept line begins
        wrote_any = False
        blank_seen = False
        for position, line_end in _line_spans(text):
            raw = text[position:line_end]
            clean = canonical_line(raw, self.normalization) if raw else ""
            if clean:
                content_start, content_end = _content_span(raw, position)
                separator = ""
                if wrote_any:
                    separator = "\n\n" if (self.paragraph_per_line or blank_seen) else "\n"
                if text[gap_start:content_start] != separator:
                    edits.append(Edit(gap_start, content_start, "whitespace", separator))
                if text[content_start:content_end] != clean:
                    edits.append(Edit(content_start, content_end, "line", clean))
                gap_start = content_end
                wrote_any = True
                blank_seen = False
            elif wrote_any:
                blank_seen = True
        final = "\n" if wrote_any else ""
        if text[gap_start:] != final:
            edits.append(Edit(gap_start, len(text), "whitespace", final))
        return edits


# What makes a line differ from its canonical form, but for edge spaces and runs of spaces:
# breaks other than '\n', whitespace and space separators other than ' ' (str.strip() removes
# every one of them), and invisibles. ASCII ones as bytes to delete-test at C speed, the rest
# as characters to look for one by one (a `in` scan is faster than a regex character class).
_ASCII_TROUBLE = b"\t\x0b\x0c\r\x1c\x1d\x1e\x1f"
_KEEP_ALL_BUT_TROUBLE = bytes(b for b in range(256) if b not in _ASCII_TROUBLE)
_TROUBLE = "\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000\u200b\u2060\ufeff\u00ad" + "".join(
    map(chr, range(0x2000, 0x200B))
)
# A line break and the blank lines and leading spaces after it.
_BREAK = re.compile(r"\n[ \n]*")
# Without edge spaces the gaps are runs of '\n': the ones that are not exactly "\n\n".
_NOT_PARAGRAPH_BREAK = re.compile(r"\n(?:\n\n+|(?<!\n\n)(?!\n))")
_MORE_THAN_PARAGRAPH_BREAK = re.compile(r"\n\n\n+")
_CONTENT = re.compile(r"[^ \n]")


def _plain(text: str, form: str | None) -> bool:
    """Whether every line of `text` is already canonical once its edge spaces are cut.

    Then only the gaps between lines can change, which `_gap_edits` finds at C speed.
    A text is normalized exactly when each of its lines is: no form composes or reorders
    across '\n'.
    """
    if "  " in text or text.encode("utf-8", "surrogatepass").translate(None, _KEEP_ALL_BUT_TROUBLE):
        return False
    if not text.isascii() and any(char in text for char in _TROUBLE):
        return False
    return not form or text.isascii() or unicodedata.is_normalized(form, text)  # type: ignore[arg-type]


def _gap_edits(text: str, paragraph_per_line: bool) -> list[Edit]:
    """`_line_edits` for a `_plain` text: the same edits, from regex searches on the text."""
    first = _CONTENT.search(text)
    if first is None:  # blank: all of it goes
        return [Edit(0, len(text), "whitespace", "")] if text else []
    head, end = first.start(), len(text.rstrip(" \n"))
    edits = [Edit(0, head, "whitespace", "")] if head else []
    if " \n" not in text and "\n " not in text:
        # gaps are runs of '\n'; "\n\n" always stays, "\n" too unless every line is a
        # paragraph, and a longer run is a blank line
        bad = _NOT_PARAGRAPH_BREAK if paragraph_per_line else _MORE_THAN_PARAGRAPH_BREAK
        edits.extend(
            Edit(match.start(), match.end(), "whitespace", "\n\n")
            for match in bad.finditer(text, head, end)
        )
    else:
        for match in _BREAK.finditer(text, head, end):
            start = match.start()
            while text[start - 1] == " ":  # the previous line's trailing spaces
                start -= 1
            gap = text[start : match.end()]
            # "\n\n" when every line is a paragraph or a blank line stands between them
            separator = "\n\n" if paragraph_per_line or gap.count("\n") > 1 else "\n"
            if gap != separator:
                edits.append(Edit(start, match.end(), "whitespace", separator))
    if text[end:] != "\n":
        edits.append(Edit(end, len(text), "whitespace", "\n"))
    return edits


def _line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line, line breaks excluded; the last line runs to the end."""
    if _ODD_BREAKS.search(text) is None:  # only '\n': str.split, no regex per line
        spans = []
        position = 0
        for line in text.split("\n"):
            end = position + len(line)
            spans.append((position, end))
            position = end + 1
        return spans
    starts = [0]
    ends = []
    for match in _LINE_BREAKS.finditer(text):
        ends.append(match.start())
        starts.append(match.end())
    ends.append(len(text))
    return list(zip(starts, ends, strict=True))


def _content_span(raw: str, offset: int) -> tuple[int, int]:
    """Span of `raw` without edge spaces and invisibles, as offsets into the whole text."""
    left = len(raw) - len(raw.lstrip(_EDGE))
    right = len(raw.rstrip(_EDGE))
    return offset + left, offset + right
