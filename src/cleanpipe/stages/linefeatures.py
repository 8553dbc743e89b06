"""Numeric features of every non-blank line of a page, for the boilerplate line classifier.

Plain text keeps little of a page's structure, but enough: article prose is long, ends its lines
with sentence punctuation, is dense in stop words and sits in one contiguous block; menus are runs
of short capitalised lines before it; related lists, legal lines and footers follow it. Every
feature here describes that shape in general terms: none names a site or a word learned from
the training pages (the marker vocabularies in `vocab.py` are written by hand).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate

from rapidfuzz import fuzz

from cleanpipe.stages.titles import title_key
from cleanpipe.stages.vocab import (
    ALL_STOP_WORDS,
    MARKER_NAMES,
    folded,
    literal_words,
    marker_of,
    may_hold,
)

_WORD = re.compile(r"\w+")
_TERMINAL = re.compile(r"[.!?…。！？][\"'”’»)\]]*$")
_SENTENCE_BREAK = re.compile(r"[.!?…][\"'”’»)\]]*\s+[\"'“‘«(]?[A-ZÀ-ÖØ-Þ]")
_SEPARATORS = re.compile(r"[|•·/»>]")
_URL = re.compile(r"https?://|www\.|\S+@\S+\.\w+|\.(?:com|org|net)\b", re.IGNORECASE)
_DATE_IN = re.compile(
    r"\b(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}|"
    r"\d{1,2}\.?\s+(?:de\s+)?[a-zà-ü]{3,10}\.?\s+(?:de\s+)?\d{4}|"
    r"\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?)",
    re.IGNORECASE,
)
# A teaser cut short by its list: "Hong Kong civilians step in to save students trapped in vi..."
_TRUNCATED = re.compile(r"\w(?:\.{3}|…)$")
# A line counts as prose for the main-block search when it is a real sentence or more.
_PROSE_WORDS = 10


@dataclass(frozen=True, slots=True)
class LineShape:
    """What one line looks like on its own."""

    chars: int
    words: int
    terminal: bool
    stop_ratio: float
    marker: str | None

    @property
    def prose(self) -> bool:
        return self.words >= _PROSE_WORDS and self.terminal


LOCAL_NAMES = (
    "log_chars", "log_words", "terminal", "ends_colon", "stop_ratio", "title_ratio",
    "upper_ratio", "digit_ratio", "punct_ratio", "commas_per_word", "starts_symbol",
    "separators", "has_url", "log_sentences", "has_date", "mean_word_len",
)
CONTEXT_NAMES = (
    "is_first", "rel_line", "rel_char", "blank_before", "blank_after", "log_repeats",
    "title_similarity", "log_short_run", "in_block", "block_distance", "prose_before",
    "prose_after", "prev_log_chars", "prev_terminal", "prev_stop_ratio", "prev_marker",
    "next_log_chars", "next_terminal", "next_stop_ratio", "next_marker", "prev2_log_chars",
    "next2_log_chars", "win3_prose", "win3_log_chars", "win10_prose", "win10_log_chars",
    "doc_log_lines", "doc_prose_share",
)
# Markers that open or close a part of the page (a comment thread, a related list, the legal
# footer, share and subscribe rows, menus): how many stand above and below a line says which
# part it is in, even where the line itself looks like prose (a comment, a teaser).
BOUNDARY_MARKERS = (
    "comment_meta", "related_header", "copyright", "share_line", "subscribe_prompt", "navigation"
)
STRUCTURE_NAMES = (
    *(f"{m}_{side}" for m in BOUNDARY_MARKERS for side in ("above", "below")),
    "title_repeat_found", "title_repeat_distance", "truncated",
)
FEATURE_NAMES: tuple[str, ...] = (
    *LOCAL_NAMES, *(f"marker_{m}" for m in MARKER_NAMES), "marker_any", *CONTEXT_NAMES,
    *STRUCTURE_NAMES,
)
# The headline repeated in the body opens the article (most pages print it right above the
# text): the best match to the title among the first lines, if it is close enough.
_TITLE_REPEAT_LINES = 200
_TITLE_REPEAT_SIMILARITY = 0.8


# For ASCII, str.isalpha/isupper/isdigit/isalnum/isspace are these byte sets; counting them
# with bytes.translate on the UTF-8 bytes (whose multi-byte sequences hold no ASCII byte)
# runs at C speed, and only the non-ASCII characters take the Python loop.
_HIGH = bytes(range(128, 256))
_NOT_ALPHA = bytes(b for b in range(128) if not chr(b).isalpha()) + _HIGH
_NOT_UPPER = bytes(b for b in range(128) if not chr(b).isupper()) + _HIGH
_NOT_DIGIT = bytes(b for b in range(128) if not chr(b).isdigit()) + _HIGH
_NOT_SYMBOL = bytes(b for b in range(128) if chr(b).isalnum() or chr(b).isspace()) + _HIGH
_ALL_ASCII = bytes(range(128))


def _char_counts(text: str) -> tuple[int, int, int, int]:
    """Letters, upper-case letters, digits, and characters neither alphanumeric nor space."""
    data = text.encode("utf-8", "surrogatepass")
    letters = len(data.translate(None, _NOT_ALPHA))
    upper = len(data.translate(None, _NOT_UPPER))
    digits = len(data.translate(None, _NOT_DIGIT))
    symbols = len(data.translate(None, _NOT_SYMBOL))
    if not data.isascii():
        for c in data.translate(None, _ALL_ASCII).decode("utf-8", "surrogatepass"):
            if c.isalpha():
                letters += 1
                upper += c.isupper()
            digits += c.isdigit()
            symbols += not c.isalnum() and not c.isspace()
    return letters, upper, digits, symbols


# Every match of `_URL` holds one of these (lower case): lines without any skip its search.
_URL_WORDS = literal_words("://", "www.", "@", ".com", ".org", ".net")
# The marker features of each marker (one-hot, then `marker_any`), built once.
_MARKER_COLUMNS: dict[str | None, tuple[float, ...]] = {
    marker: (*(float(marker == name) for name in MARKER_NAMES), float(marker is not None))
    for marker in (*MARKER_NAMES, None)
}


def _local(text: str, stops: frozenset[str]) -> tuple[list[float], LineShape]:
    words = _WORD.findall(text)
    n_words = len(words)
    n_letters, n_upper, n_digits, n_symbols = _char_counts(text)
    initials = [w[0] for w in words if w[0].isalpha()]
    marker = marker_of(text)
    terminal = bool(_TERMINAL.search(text))
    stop_ratio = (
        sum(map(stops.__contains__, map(str.casefold, words))) / n_words if n_words else 0.0
    )
    n = max(len(text), 1)
    low = folded(text)
    # `\d` matches decimal digits only, which `_char_counts` counts among its digits: a line
    # without them holds no date.
    has_date = n_digits > 0 and _DATE_IN.search(text) is not None
    features = [
        math.log1p(len(text)),
        math.log1p(n_words),
        float(terminal),
        float(text.endswith(":")),
        stop_ratio,
        sum(map(str.isupper, initials)) / len(initials) if initials else 0.0,
        n_upper / n_letters if n_letters else 0.0,
        n_digits / n,
        n_symbols / n,
        text.count(",") / n_words if n_words else 0.0,
        float(not text[0].isalnum() and text[0] not in "\"'“‘«¿¡("),
        float(min(len(_SEPARATORS.findall(text)), 5)),
        float(may_hold(low, _URL_WORDS) and _URL.search(text) is not None),
        math.log1p(len(_SENTENCE_BREAK.findall(text))),
        float(has_date),
        sum(map(len, words)) / n_words if n_words else 0.0,
        *_MARKER_COLUMNS[marker],
    ]
    return features, LineShape(len(text), n_words, terminal, stop_ratio, marker)


def main_block(shapes: Sequence[LineShape]) -> tuple[int, int]:
    """The densest run of prose lines: maximum-sum run where prose earns its length.

    Menus and footers surround the article, so short and marker lines cost a little each and
    prose lines earn their characters; the best run is the article body (`end` exclusive).
    """
    best, best_span = 0.0, (0, 0)
    total, start = 0.0, 0
    for i, shape in enumerate(shapes):
        if shape.prose:
            gain = float(shape.chars)
        elif shape.marker is not None:
            gain = -80.0
        else:
            gain = -30.0 if shape.words < 6 else float(shape.chars) * 0.2
        if total <= 0:
            total, start = 0.0, i
        total += gain
        if total > best:
            best, best_span = total, (start, i + 1)
    return best_span


def _short_runs(shapes: Sequence[LineShape]) -> list[int]:
    """For each line, the length of the run of short (at most 4 words) lines it belongs to."""
    runs = [0] * len(shapes)
    i = 0
    while i < len(shapes):
        if shapes[i].words > 4:
            i += 1
            continue
        j = i
        while j < len(shapes) and shapes[j].words <= 4:
            j += 1
        for k in range(i, j):
            runs[k] = j - i
        i = j
    return runs


# `_local` and the title key of recent short lines. Menus, share rows, bylines and footers
# recur from page to page (half the non-blank lines of the dev pages repeat one seen before),
# and both are pure functions of the line and the stop words. The feature lists are shared
# between documents: nothing may modify them (rows are built as new lists). Bounded: about
# 20 MB when full.
_LOCAL_CACHE: dict[tuple[str, frozenset[str]], tuple[list[float], LineShape, str]] = {}
_CACHE_LINES = 16384
_CACHE_CHARS = 200


def line_features(
    lines: Sequence[str],
    blank_before: Sequence[bool],
    blank_after: Sequence[bool],
    stops: frozenset[str] = ALL_STOP_WORDS,
) -> tuple[list[list[float]], list[LineShape], tuple[int, int]]:
    """Features of the non-blank `lines` of one document, their shapes and the main block."""
    local, shapes, keys = [], [], []
    cache = _LOCAL_CACHE
    for text in lines:
        known = cache.get((text, stops))
        if known is None:
            known = (*_local(text, stops), title_key(text, strip_suffix=False))
            if len(text) <= _CACHE_CHARS:
                if len(cache) >= _CACHE_LINES:
                    cache.clear()
                cache[text, stops] = known
        local.append(known[0])
        shapes.append(known[1])
        keys.append(known[2])
    n = len(lines)
    if n == 0:
        return [], [], (0, 0)
    block_start, block_end = main_block(shapes)
    log_chars = [row[0] for row in local]
    prose_chars = [s.chars if s.prose else 0 for s in shapes]
    total_prose = sum(prose_chars) or 1
    total_chars = sum(s.chars for s in shapes) or 1
    prose_share = sum(prose_chars) / total_chars  # once: in the loop it made this O(n²)
    # Prose lines before each line: a window's share of prose lines is a difference of two
    # counts (the sum of its 0.0/1.0 values, exactly). Characters keep their slice sums, whose
    # float rounding a running total would not reproduce.
    prose_upto = [0, *accumulate(s.prose for s in shapes)]
    counts = Counter(keys)
    title = title_key(lines[0], strip_suffix=True)
    similarities = [fuzz.ratio(key, title) / 100 if title and key else 0.0 for key in keys]
    anchor = _title_repeat(similarities)
    runs = _short_runs(shapes)
    boundary_total = Counter(s.marker for s in shapes)
    boundary_above = dict.fromkeys(BOUNDARY_MARKERS, 0)
    between: tuple[float, ...] | None = None  # the columns of lines that are no boundary
    log_n = math.log1p(n)
    no_neighbour = (0.0, 0.0, 0.0, 0.0)
    rows: list[list[float]] = []
    chars_before = 0
    prose_before = 0
    for i in range(n):
        prev = local[i - 1] if i > 0 else None
        nxt = local[i + 1] if i + 1 < n else None
        if i < block_start:
            distance = float(i - block_start)
        elif i >= block_end:
            distance = float(i - block_end + 1)
        else:
            distance = 0.0
        key = keys[i]
        lo3, hi3 = max(0, i - 3), min(n, i + 4)
        lo10, hi10 = max(0, i - 10), min(n, i + 11)
        row = local[i] + [
            float(i == 0),
            i / n,
            chars_before / total_chars,
            float(blank_before[i]),
            float(blank_after[i]),
            math.log1p(counts[key] - 1) if key else 0.0,
            similarities[i],
            math.log1p(runs[i]),
            float(block_start <= i < block_end),
            math.copysign(math.log1p(abs(distance)), distance),
            prose_before / total_prose,
            (total_prose - prose_before - prose_chars[i]) / total_prose,
        ]
        row.extend((prev[0], prev[2], prev[4], prev[-1]) if prev else no_neighbour)
        row.extend((nxt[0], nxt[2], nxt[4], nxt[-1]) if nxt else no_neighbour)
        row += [
            log_chars[i - 2] if i > 1 else 0.0,
            log_chars[i + 2] if i + 2 < n else 0.0,
            (prose_upto[hi3] - prose_upto[lo3]) / (hi3 - lo3),
            sum(log_chars[lo3:hi3]) / (hi3 - lo3),
            (prose_upto[hi10] - prose_upto[lo10]) / (hi10 - lo10),
            sum(log_chars[lo10:hi10]) / (hi10 - lo10),
            log_n,
            prose_share,
        ]
        marker = shapes[i].marker
        if marker in boundary_above:
            row += _boundary_columns(boundary_above, boundary_total, marker)
        else:
            if between is None:  # the counts changed at the last boundary line
                between = _boundary_columns(boundary_above, boundary_total, None)
            row += between
        if anchor is None:
            row += [0.0, 0.0]
        else:
            offset = float(i - anchor)
            row += [1.0, math.copysign(math.log1p(abs(offset)), offset)]
        text = lines[i]
        row.append(float(text.endswith(("...", "…")) and _TRUNCATED.search(text) is not None))
        rows.append(row)
        if marker in boundary_above:
            boundary_above[marker] += 1
            between = None
        chars_before += shapes[i].chars
        prose_before += prose_chars[i]
    return rows, shapes, (block_start, block_end)


def _boundary_columns(
    above: Mapping[str, int], total: Counter[str | None], own: str | None
) -> tuple[float, ...]:
    """How many of each boundary marker stand above and below a line (not counting itself)."""
    columns: list[float] = []
    for name in BOUNDARY_MARKERS:
        count = above[name]
        columns += (math.log1p(count), math.log1p(total[name] - count - (own == name)))
    return tuple(columns)


def _title_repeat(similarities: Sequence[float]) -> int | None:
    """The line (not the first) that repeats the title best, if one does closely enough."""
    best, where = 0.0, None
    for i in range(1, min(len(similarities), _TITLE_REPEAT_LINES)):
        if similarities[i] > best:
            best, where = similarities[i], i
    return where if best >= _TITLE_REPEAT_SIMILARITY else None


# The second pass of the classifier reads the first pass's probabilities around each line:
# furniture and article come in runs, so a line's neighbours' verdicts are strong evidence, and
# an unsure line inside a run of confident article lines is article.
SECOND_PASS_NAMES = (
    "p", "logit", "p_prev", "p_next", "p_prev2", "p_next2", "p_win3", "p_win10",
    "p_max_before", "p_max_after", "kept_chars_before", "kept_chars_after",
)


def neighbourhood_features(
    probabilities: Sequence[float], shapes: Sequence[LineShape]
) -> list[list[float]]:
    """Per line, the first pass's probabilities of it and its neighbourhood."""
    n = len(probabilities)
    kept = [s.chars if p >= 0.5 else 0 for p, s in zip(probabilities, shapes, strict=True)]
    kept_upto = [0, *accumulate(kept)]
    total_kept = kept_upto[-1] or 1
    max_before = [0.0, *accumulate(probabilities, max)]
    max_after = [*reversed([*accumulate(reversed(probabilities), max)]), 0.0]
    rows = []
    for i, p in enumerate(probabilities):
        clipped = min(max(p, 1e-6), 1 - 1e-6)
        lo3, hi3 = max(0, i - 3), min(n, i + 4)
        lo10, hi10 = max(0, i - 10), min(n, i + 11)
        rows.append([
            p,
            math.log(clipped / (1 - clipped)),
            probabilities[i - 1] if i > 0 else 0.0,
            probabilities[i + 1] if i + 1 < n else 0.0,
            probabilities[i - 2] if i > 1 else 0.0,
            probabilities[i + 2] if i + 2 < n else 0.0,
            sum(probabilities[lo3:hi3]) / (hi3 - lo3),
            sum(probabilities[lo10:hi10]) / (hi10 - lo10),
            max_before[i],
            max_after[i + 1],
            kept_upto[i] / total_kept,
            (total_kept - kept_upto[i + 1]) / total_kept,
        ])
    return rows
