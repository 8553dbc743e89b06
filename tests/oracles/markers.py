"""The Python definition of `marker_of`, the oracle of native/src/markers.rs.

The patterns are the runtime's (`vocab.py`, `patterns.py`); the order they are tried in, the
word limits and the literal prefilters here are what the native core follows.
"""

from __future__ import annotations

import re

from cleanpipe.stages.boilerplate.vocab import (
    _CAPTION_AGENCY,
    _CAPTION_CREDIT,
    _CAPTION_HEAD,
    _COOKIE_BANNER,
    _DATE_GROUPS,
    _DATE_VERB,
    _HAS_DIGIT,
    _MAX_MARKER_WORDS,
    _SHORT_LINE_ORDER,
    AGENCY_WORDS,
    COOKIE_WORDS,
    COPYRIGHT_WORDS,
    MARKERS,
)

# Under IGNORECASE an ASCII character of a pattern matches itself, its other case and, of all
# the other characters, only these four. In a line free of them, a pattern's literal ASCII word
# can match only where the lower-cased line holds that word: `word in line.lower()` is then an
# exact prefilter that spares the pattern's position-by-position search.
_CASE_ODD = re.compile("[\u0130\u0131\u017f\u212a]")


def folded(text: str) -> str | None:
    """`text.lower()` for the literal prefilters; None (all of them pass) when that is unsafe."""
    if text.isascii() or not _CASE_ODD.search(text):
        return text.lower()
    return None


def literal_words(*words: str) -> re.Pattern[str]:
    """A search for any of `words` as they are (for `may_hold`, on a folded line)."""
    return re.compile("|".join(map(re.escape, words)))


def may_hold(low: str | None, words: re.Pattern[str]) -> bool:
    """False only when the folded line holds none of `words` (see `folded`)."""
    return low is None or words.search(low) is not None


_COOKIE_WORDS = literal_words(*COOKIE_WORDS)
_COPYRIGHT_WORDS = literal_words(*COPYRIGHT_WORDS)
_AGENCY_WORDS = literal_words(*AGENCY_WORDS)
# One alternation in the order of `_SHORT_LINE_ORDER`: an alternation takes its first branch
# that matches, so the named group that matched is the first pattern that would have.
_SHORT_LINE = re.compile(
    "|".join(f"(?P<{name}>{p.pattern})" for name, p in _SHORT_LINE_ORDER), re.IGNORECASE
)


def _is_caption(text: str, low: str | None) -> bool:
    return bool(
        _CAPTION_HEAD.match(text)
        or (may_hold(low, _AGENCY_WORDS) and _CAPTION_AGENCY.search(text))
        or ("(" in text and _CAPTION_CREDIT.match(text))
    )


def marker_of(line: str) -> str | None:
    """The boilerplate category a short line belongs to, or None."""
    text = line.strip()
    if not text:
        return None
    words = text.split()
    n_words = len(words)
    low = folded(text)
    if n_words <= 250 and may_hold(low, _COOKIE_WORDS) and _COOKIE_BANNER.search(text):
        return "cookie_notice"
    copyright = may_hold(low, _COPYRIGHT_WORDS) and bool(MARKERS["copyright"].search(text))
    if n_words > _MAX_MARKER_WORDS and not copyright:
        return None
    short = _SHORT_LINE.match(text)
    if short is not None and short.lastgroup in _DATE_GROUPS:
        return "date_line"
    if _HAS_DIGIT.search(text) and _DATE_VERB.match(text):
        return "date_line"
    if short is not None:
        return short.lastgroup
    if copyright and n_words <= 40:
        return "copyright"
    if n_words <= 8 and MARKERS["cookie_notice"].match(text):
        return "cookie_notice"
    if n_words <= 10 and MARKERS["byline"].match(text):
        return "byline"
    if _is_caption(text, low):
        return "caption"
    return None
