"""The Python definition of the line classifier's features, the oracle of native/src/features.rs.

(The runtime's implementation before the native core, kept whole: its feature names are the
runtime's, `cleanpipe/stages/boilerplate/features.py`.)

Numeric features of every non-blank line of a page, for the boilerplate line classifier.

Plain text keeps little of a page's structure, but enough: article prose is long, ends its lines
with sentence punctuation, is dense in stop words and sits in one contiguous block; menus are runs
of short capitalised lines before it; related lists, legal lines and footers follow it. Every
feature here describes that shape in general terms: none names a site or a word learned from
the training pages (the marker vocabularies in `vocab.py` are written by hand).
"""

from __future__ import annotations

import math
import re
import struct
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np
from rapidfuzz import fuzz

from cleanpipe.stages.boilerplate.features import (
    BOUNDARY_MARKERS,
    FEATURE_NAMES,
    LOCAL_NAMES,
    SECOND_PASS_NAMES,
    LineShape,
)
from cleanpipe.stages.boilerplate.vocab import ALL_STOP_WORDS, MARKER_NAMES
from tests.oracles.markers import folded, literal_words, marker_of, may_hold
from tests.oracles.titles import title_key

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


_BOUNDARY_CODE: dict[str | None, int] = {name: i for i, name in enumerate(BOUNDARY_MARKERS)}
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


_LOCAL_WIDTH = len(LOCAL_NAMES) + len(MARKER_NAMES) + 1
_PACK = struct.Struct(f"={_LOCAL_WIDTH}d").pack  # native float64, as numpy reads it


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


# `_local` (its features packed as float64 bytes) and the title key of recent short lines.
# Menus, share rows, bylines and footers recur from page to page (half the non-blank lines of
# the dev pages repeat one seen before), and both are pure functions of the line and the stop
# words. Bounded: about 10 MB when full.
_LOCAL_CACHE: dict[tuple[str, frozenset[str]], tuple[bytes, LineShape, str]] = {}
_CACHE_LINES = 16384
_CACHE_CHARS = 200


def line_features(
    lines: Sequence[str],
    blank_before: Sequence[bool],
    blank_after: Sequence[bool],
    stops: frozenset[str] = ALL_STOP_WORDS,
) -> tuple[list[list[float]], list[LineShape], tuple[int, int]]:
    """Features of the non-blank `lines` of one document (as lists), their shapes and the main
    block: `feature_matrix` for callers that build rows of their own (training)."""
    matrix, shapes, block = feature_matrix(lines, blank_before, blank_after, stops)
    rows: list[list[float]] = matrix.tolist()
    return rows, shapes, block


def feature_matrix(
    lines: Sequence[str],
    blank_before: Sequence[bool],
    blank_after: Sequence[bool],
    stops: frozenset[str] = ALL_STOP_WORDS,
) -> tuple[np.ndarray, list[LineShape], tuple[int, int]]:
    """Features of the non-blank `lines` of one document (a row each), their shapes and the
    main block.

    The local features of a line are computed once and cached; the context features are
    whole columns, computed with numpy. Every value is the float the line-by-line definition
    gives: logarithms of counts come from a table of `math.log1p`, window sums add their
    terms in order from 0.0 (as `sum()` of a slice did up to Python 3.11), and ratios of
    integers are correctly rounded divisions in both.
    """
    # A line's local features are held packed (8 bytes a value, not a 32-byte float object
    # and its list slot): a document of 300,000 short lines needs 80 MB for them, not 330.
    local: list[bytes] = []
    shapes: list[LineShape] = []
    keys: list[str] = []
    cache = _LOCAL_CACHE
    for text in lines:
        known = cache.get((text, stops))
        if known is None:
            features, shape = _local(text, stops)
            known = (_PACK(*features), shape, title_key(text, strip_suffix=False))
            if len(text) <= _CACHE_CHARS:
                if len(cache) >= _CACHE_LINES:
                    cache.clear()
                cache[text, stops] = known
        local.append(known[0])
        shapes.append(known[1])
        keys.append(known[2])
    n = len(lines)
    if n == 0:
        return np.empty((0, len(FEATURE_NAMES))), [], (0, 0)
    block_start, block_end = main_block(shapes)
    table = _log1p_table(n)
    width = _LOCAL_WIDTH
    own = np.frombuffer(b"".join(local), dtype="=f8").reshape(n, width)
    del local
    out = np.zeros((n, len(FEATURE_NAMES)))
    out[:, :width] = own
    column = width

    def put(values: np.ndarray | float) -> None:
        nonlocal column
        out[:, column] = values
        column += 1

    index = np.arange(n)
    chars = np.fromiter((s.chars for s in shapes), np.int64, n)
    prose = np.fromiter((s.prose for s in shapes), np.bool_, n)
    prose_chars = np.where(prose, chars, 0)
    total_chars = int(chars.sum()) or 1
    total_prose = int(prose_chars.sum()) or 1
    prose_before = np.cumsum(prose_chars) - prose_chars
    counts = Counter(keys)
    title = title_key(lines[0], strip_suffix=True)
    similarities = [fuzz.ratio(key, title) / 100 if title and key else 0.0 for key in keys]
    anchor = _title_repeat(similarities)
    distance = np.where(
        index < block_start,
        index - block_start,
        np.where(index >= block_end, index - block_end + 1, 0),
    )
    put(index == 0)
    put(index / n)
    put((np.cumsum(chars) - chars) / total_chars)
    put(np.fromiter(blank_before, np.float64, n))
    put(np.fromiter(blank_after, np.float64, n))
    put(table[[counts[key] - 1 if key else 0 for key in keys]])
    put(np.array(similarities, dtype=np.float64))
    put(table[_short_runs(shapes)])
    put((index >= block_start) & (index < block_end))
    put(_signed_log1p(distance, table))
    put(prose_before / total_prose)
    put((total_prose - prose_before - prose_chars) / total_prose)
    log_chars = own[:, 0]
    for source in (0, 2, 4, width - 1):  # the previous line's chars, terminal, stops, marker
        put(_shifted(own[:, source], 1))
    for source in (0, 2, 4, width - 1):  # the next line's
        put(_shifted(own[:, source], -1))
    put(_shifted(log_chars, 2))
    put(_shifted(log_chars, -2))
    prose_upto = np.concatenate(([0], np.cumsum(prose)))
    for reach in (3, 10):
        lo, hi = np.maximum(index - reach, 0), np.minimum(index + reach + 1, n)
        put((prose_upto[hi] - prose_upto[lo]) / (hi - lo))
        put(_window_sum(log_chars, reach) / (hi - lo))
    put(table[n])
    put(int(prose_chars.sum()) / total_chars)
    boundary = np.fromiter((_BOUNDARY_CODE.get(s.marker, -1) for s in shapes), np.int64, n)
    for code in range(len(BOUNDARY_MARKERS)):
        is_marker = (boundary == code).astype(np.int64)
        above = np.cumsum(is_marker) - is_marker
        put(table[above])
        put(table[int(is_marker.sum()) - above - is_marker])
    if anchor is not None:
        put(1.0)
        put(_signed_log1p(index - anchor, table))
    else:
        column += 2
    put(
        np.fromiter(
            (text.endswith(("...", "…")) and _TRUNCATED.search(text) is not None for text in lines),
            np.float64,
            n,
        )
    )
    assert column == len(FEATURE_NAMES)
    return out, shapes, (block_start, block_end)


_LOG1P: list[float] = []


def _log1p_table(n: int) -> np.ndarray:
    """`math.log1p(k)` for k in 0..n (at least), as floats numpy indexes."""
    if len(_LOG1P) <= n:
        _LOG1P.extend(math.log1p(k) for k in range(len(_LOG1P), max(n + 1, 2 * len(_LOG1P))))
    return np.array(_LOG1P[: n + 1], dtype=np.float64)


def _signed_log1p(values: np.ndarray, table: np.ndarray) -> np.ndarray:
    """`math.copysign(math.log1p(abs(v)), v)` of integers (0 gives 0.0)."""
    magnitude = table[np.abs(values)]
    return np.where(values < 0, -magnitude, magnitude)


def _shifted(values: np.ndarray, by: int) -> np.ndarray:
    """values[i - by], 0.0 where that is outside the document."""
    out = np.zeros_like(values)
    if by == 0:
        out[:] = values
    elif by > 0:
        out[by:] = values[:-by]
    else:
        out[:by] = values[-by:]
    return out


def _window_sum(values: np.ndarray, reach: int) -> np.ndarray:
    """Per i, values[i - reach] + ... + values[i + reach] (those inside the document), added
    in that order from 0.0; the padding adds 0.0, which changes no sum of these values."""
    total = np.zeros_like(values)
    for offset in range(reach, -reach - 1, -1):
        total += _shifted(values, offset)
    return total


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


def neighbourhood_features(
    probabilities: Sequence[float], shapes: Sequence[LineShape]
) -> list[list[float]]:
    """Per line, the first pass's probabilities of it and its neighbourhood (as lists)."""
    rows: list[list[float]] = neighbourhood_matrix(
        np.asarray(probabilities, dtype=np.float64), shapes
    ).tolist()
    return rows


def neighbourhood_matrix(probabilities: np.ndarray, shapes: Sequence[LineShape]) -> np.ndarray:
    """Per line, the first pass's probabilities of it and its neighbourhood."""
    n = len(probabilities)
    out = np.zeros((n, len(SECOND_PASS_NAMES)))
    if n == 0:
        return out
    chars = np.fromiter((s.chars for s in shapes), np.int64, n)
    kept = np.where(probabilities >= 0.5, chars, 0)
    kept_upto = np.concatenate(([0], np.cumsum(kept)))
    total_kept = int(kept_upto[-1]) or 1
    index = np.arange(n)
    out[:, 0] = probabilities
    # math.log, not numpy's: the same floats on every machine
    out[:, 1] = [math.log(c / (1 - c)) for c in np.clip(probabilities, 1e-6, 1 - 1e-6).tolist()]
    out[:, 2] = _shifted(probabilities, 1)
    out[:, 3] = _shifted(probabilities, -1)
    out[:, 4] = _shifted(probabilities, 2)
    out[:, 5] = _shifted(probabilities, -2)
    for column, reach in ((6, 3), (7, 10)):
        lo, hi = np.maximum(index - reach, 0), np.minimum(index + reach + 1, n)
        out[:, column] = _window_sum(probabilities, reach) / (hi - lo)
    out[1:, 8] = np.maximum.accumulate(probabilities)[:-1]
    out[:-1, 9] = np.maximum.accumulate(probabilities[::-1])[::-1][1:]
    out[:, 10] = kept_upto[:-1] / total_kept
    out[:, 11] = (total_kept - kept_upto[1:]) / total_kept
    return out
