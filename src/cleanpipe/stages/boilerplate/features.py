"""Numeric features of every non-blank line of a page, for the boilerplate line classifier.

Plain text keeps little of a page's structure, but enough: article prose is long, ends its lines
with sentence punctuation, is dense in stop words and sits in one contiguous block; menus are runs
of short capitalised lines before it; related lists, legal lines and footers follow it. Every
feature here describes that shape in general terms: none names a site or a word learned from
the training pages (the marker vocabularies in `vocab.py` are written by hand).

The features are computed by the native core (native/src/features.rs), one call per document;
this module names them (the model JSON lists these names) and hands the results to Python as
numpy rows and `LineShape`s. Their definitions, line by line, are the Python reference in
tests/oracles/features.py, which the native values equal float for float.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from cleanpipe import _native
from cleanpipe.stages.boilerplate.vocab import ALL_STOP_WORDS, MARKER_NAMES, stops_key
from cleanpipe.stages.native_lines import line_features as _line_features

# A line counts as prose for the main-block search when it is a real sentence or more.
_PROSE_WORDS = 10


class LineShape(NamedTuple):
    """What one line looks like on its own (a named tuple: one is built per line)."""

    chars: int
    words: int
    terminal: bool
    stop_ratio: float
    marker: str | None

    @property
    def prose(self) -> bool:
        return self.words >= _PROSE_WORDS and self.terminal


LOCAL_NAMES = (
    "log_chars",
    "log_words",
    "terminal",
    "ends_colon",
    "stop_ratio",
    "title_ratio",
    "upper_ratio",
    "digit_ratio",
    "punct_ratio",
    "commas_per_word",
    "starts_symbol",
    "separators",
    "has_url",
    "log_sentences",
    "has_date",
    "mean_word_len",
)
CONTEXT_NAMES = (
    "is_first",
    "rel_line",
    "rel_char",
    "blank_before",
    "blank_after",
    "log_repeats",
    "title_similarity",
    "log_short_run",
    "in_block",
    "block_distance",
    "prose_before",
    "prose_after",
    "prev_log_chars",
    "prev_terminal",
    "prev_stop_ratio",
    "prev_marker",
    "next_log_chars",
    "next_terminal",
    "next_stop_ratio",
    "next_marker",
    "prev2_log_chars",
    "next2_log_chars",
    "win3_prose",
    "win3_log_chars",
    "win10_prose",
    "win10_log_chars",
    "doc_log_lines",
    "doc_prose_share",
)
# Markers that open or close a part of the page (a comment thread, a related list, the legal
# footer, share and subscribe rows, menus): how many stand above and below a line says which
# part it is in, even where the line itself looks like prose (a comment, a teaser).
BOUNDARY_MARKERS = (
    "comment_meta",
    "related_header",
    "copyright",
    "share_line",
    "subscribe_prompt",
    "navigation",
)
STRUCTURE_NAMES = (
    *(f"{m}_{side}" for m in BOUNDARY_MARKERS for side in ("above", "below")),
    "title_repeat_found",
    "title_repeat_distance",
    "truncated",
)
FEATURE_NAMES: tuple[str, ...] = (
    *LOCAL_NAMES,
    *(f"marker_{m}" for m in MARKER_NAMES),
    "marker_any",
    *CONTEXT_NAMES,
    *STRUCTURE_NAMES,
)


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
    """Features of the non-blank (stripped) `lines` of one document, a row each, their shapes
    and the main block of prose (`end` exclusive); `stops`: one of `vocab.STOP_WORDS`."""
    native = _line_features()
    rows, chars, words, terminal, ratios, markers, block = native.document(
        list(lines), list(blank_before), list(blank_after), stops_key(stops)
    )
    matrix = np.frombuffer(rows, dtype=np.float64).reshape(len(lines), native.width)
    if native.width != len(FEATURE_NAMES):  # the core and the names must describe one model
        raise RuntimeError(f"native line features: {native.width} columns for {len(FEATURE_NAMES)}")
    return matrix, line_shapes(chars, words, terminal, ratios, markers), (block[0], block[1])


def line_shapes(
    chars: list[int], words: list[int], terminal: list[bool], ratios: bytes, markers: list[int]
) -> list[LineShape]:
    """`LineShape`s from the native core's columns (stop ratios as float64 bytes, markers as
    indices into `MARKER_NAMES`, -1 for none)."""
    names: tuple[str | None, ...] = MARKER_NAMES
    return list(
        map(
            LineShape,
            chars,
            words,
            terminal,
            np.frombuffer(ratios, dtype=np.float64).tolist(),
            [None if m < 0 else names[m] for m in markers],
        )
    )


def main_block(shapes: Sequence[LineShape]) -> tuple[int, int]:
    """The densest run of prose lines: maximum-sum run where prose earns its length.

    Menus and footers surround the article, so short and marker lines cost a little each and
    prose lines earn their characters; the best run is the article body (`end` exclusive).
    """
    start, end = _native.main_block(
        [s.chars for s in shapes],
        [s.words for s in shapes],
        [s.terminal for s in shapes],
        [s.marker is not None for s in shapes],
    )
    return start, end


# The second pass of the classifier reads the first pass's probabilities around each line:
# furniture and article come in runs, so a line's neighbours' verdicts are strong evidence, and
# an unsure line inside a run of confident article lines is article.
SECOND_PASS_NAMES = (
    "p",
    "logit",
    "p_prev",
    "p_next",
    "p_prev2",
    "p_next2",
    "p_win3",
    "p_win10",
    "p_max_before",
    "p_max_after",
    "kept_chars_before",
    "kept_chars_after",
)


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
    data = np.ascontiguousarray(probabilities, dtype=np.float64)
    out = _native.neighbourhood(data.tobytes(), [s.chars for s in shapes])
    return np.frombuffer(out, dtype=np.float64).reshape(len(data), len(SECOND_PASS_NAMES))
