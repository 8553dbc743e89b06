"""Remove the page title when it is repeated near the top of the document."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from rapidfuzz import fuzz

from cleanpipe.stage import (
    UNCHANGED,
    Line,
    Stage,
    StageOutput,
    first_lines,
    param,
    remove_lines,
    split_lines,
)

# "Read: Title", "WATCH - Title", "Video: Title": scrapers and sites prefix repeated titles.
PREFIX = re.compile(
    r"^(?:read|watch|video|listen|photos?|gallery|live|opinion|analysis|exclusive|breaking)"
    r"\s*[:\-–—|]\s*",
    re.IGNORECASE,
)
# "Title | Site", "Title - Site", "Title :: Site", "Title « Site": the page <title> suffix.
SITE_SUFFIX = re.compile(r"\s+(?:[|–—»«·•]|::|-{1,2})\s+[^|–—»«·•]{1,60}$")


# A site's name is a few words, never a clause: "LOS ANGELES (AP) — To LeBron James,
# triple-doubles are not a goal." is the first sentence of an article, not a page <title>.
_SITE_NAME_WORDS = 6
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")


# A headline is a phrase: a first line of more words than this, or one that ends a sentence
# with a full stop, is the article's first paragraph (an extractor's output that starts with
# the body), and its repeats further down are quotes of it, not titles.
_TITLE_MAX_WORDS = 25
_FULL_STOP = re.compile(r"(?<![A-Z])[.…][\"'”’»)\]]*$")


def could_be_title(line: str) -> bool:
    """Whether a first line can be a headline: not long, not closed by a full stop."""
    text = line.strip()
    return len(text.split()) <= _TITLE_MAX_WORDS and not _FULL_STOP.search(text)


def has_site_suffix(line: str) -> bool:
    """Whether a line ends like a page `<title>`: `Headline | Site`, `Headline - Site`."""
    text = unicodedata.normalize("NFKC", line).strip()
    suffix = SITE_SUFFIX.search(text)
    return (
        suffix is not None
        and len(suffix.group().split()) - 1 <= _SITE_NAME_WORDS
        and not _SENTENCE_END.search(text)
    )


def title_key(line: str, *, strip_suffix: bool) -> str:
    """A comparison key: prefix and (optionally) site suffix gone, case and punctuation folded
    (NFKC, `PREFIX` and `SITE_SUFFIX` removed, casefold, runs of non-word characters one space;
    native/src/titles.rs, which the line classifier's title features share)."""
    from cleanpipe.stages.native_lines import line_features  # the core reads PREFIX from here

    return line_features().title_key(line, strip_suffix)


@dataclass(frozen=True)
class StripDuplicateTitle(Stage):
    """Keep the title once: drop near-exact repeats of the first line further down the top."""

    name: ClassVar[str] = "strip_duplicate_title"

    search_lines: int = param(
        12, "how many non-blank lines after the title to search for its repeats (-1: all)", ge=-1
    )
    similarity: float = param(
        92.0, "minimum rapidfuzz ratio (0-100) between normalized title and line", ge=0, le=100
    )
    min_words: int = param(2, "titles shorter than this many words are never matched", ge=0)

    def __call__(self, text: str, metadata: Mapping[str, Any]) -> StageOutput:
        if self.search_lines >= 0:  # only the title and the lines after it are read
            lines = first_lines(text, 1 + self.search_lines)
        else:
            lines = [line for line in split_lines(text) if not line.blank]
        if len(lines) < 2:
            return UNCHANGED
        title = lines[0]
        if not could_be_title(title.text):
            return UNCHANGED
        keys = _title_keys(title.text, metadata.get("title"))
        if not keys or min(len(k.split()) for k in keys) < self.min_words:
            return UNCHANGED
        repeats = [line for line in lines[1 : 1 + self.search_lines] if self._matches(line, keys)]
        if not repeats:
            return UNCHANGED
        return StageOutput(tuple(remove_lines(repeats, "repeated_title")))

    def _matches(self, line: Line, keys: set[str]) -> bool:
        # A body line is only a title repeat if it is about as long as the title: a
        # sentence that *contains* the title words is article text.
        for strip_suffix in (False, True):
            candidate = title_key(line.text, strip_suffix=strip_suffix)
            if not candidate:
                continue
            for key in keys:
                if fuzz.ratio(candidate, key) >= self.similarity:
                    return True
        return False


def _title_keys(first_line: str, known_title: Any) -> set[str]:
    keys = {title_key(first_line, strip_suffix=False), title_key(first_line, strip_suffix=True)}
    if isinstance(known_title, str) and known_title.strip():
        keys.add(title_key(known_title, strip_suffix=True))
    return {k for k in keys if k}
