"""The native line features and markers equal a straightforward reference, value for value.

The reference is the Python code as it stood before the prefilters, single passes and running
counts of the optimised Python one (tests/oracles/features.py, whose helpers it uses) and the
native core (native/src/features.rs, behind `line_features` and `marker_of`); they must give
the same floats, markers, shapes and main block on fixture pages, the dev inputs and generated
lines. The structure features and the second pass's neighbourhood features are compared with
their line-by-line definitions too.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from cleanpipe.stages.boilerplate import features as names
from cleanpipe.stages.boilerplate import vocab
from cleanpipe.stages.boilerplate.features import LineShape, line_features, neighbourhood_features
from cleanpipe.stages.boilerplate.stage import DocumentLines
from cleanpipe.stages.boilerplate.vocab import ALL_STOP_WORDS, STOP_WORDS, marker_of
from tests.oracles import features as lf
from tests.oracles.titles import title_key

ROOT = Path(__file__).resolve().parents[3]


# The reference: vocab.marker_of as it was.
def ref_marker_of(line: str) -> str | None:
    """The boilerplate category a short line belongs to, or None.

    Long lines are never markers: the patterns would otherwise catch sentences of the article
    ("Facebook said on Monday it would...") that merely begin like a marker.
    """
    text = line.strip()
    if not text:
        return None
    words = text.split()
    # Consent banners run long (a paragraph of purposes and vendors): no word limit short of
    # a full article paragraph's.
    if len(words) <= 250 and vocab._COOKIE_BANNER.search(text):
        return "cookie_notice"
    if len(words) > vocab._MAX_MARKER_WORDS and not vocab.MARKERS["copyright"].search(text):
        return None
    if any(p.match(text) for p in vocab._DATE_ONLY):
        return "date_line"
    if vocab._DATE_VERB.match(text) and vocab._HAS_DIGIT.search(text):
        return "date_line"
    for name in (
        "share_line",
        "subscribe_prompt",
        "ad_marker",
        "related_header",
        "navigation",
        "comment_meta",
    ):
        if vocab.MARKERS[name].match(text):
            return name
    if vocab.MARKERS["copyright"].search(text) and len(words) <= 40:
        return "copyright"
    if vocab.MARKERS["cookie_notice"].match(text) and len(words) <= 8:
        return "cookie_notice"
    if vocab.MARKERS["byline"].match(text) and len(words) <= 10:
        return "byline"
    if vocab.MARKERS["caption"].search(text):
        return "caption"
    return None


# The reference: linefeatures._local and line_features as they were.
def ref_window(values: Sequence[float], i: int, radius: int) -> float:
    lo, hi = max(0, i - radius), min(len(values), i + radius + 1)
    return sum(values[lo:hi]) / (hi - lo)


def ref_local(text: str, stops: frozenset[str]) -> tuple[list[float], LineShape]:
    words = lf._WORD.findall(text)
    n_words = len(words)
    n_letters, n_upper, n_digits, n_symbols = lf._char_counts(text)
    alpha_words = [w for w in words if w[0].isalpha()]
    marker = ref_marker_of(text)
    terminal = bool(lf._TERMINAL.search(text))
    stop_ratio = sum(w.casefold() in stops for w in words) / n_words if n_words else 0.0
    n = max(len(text), 1)
    features = [
        math.log1p(len(text)),
        math.log1p(n_words),
        float(terminal),
        float(text.endswith(":")),
        stop_ratio,
        sum(w[0].isupper() for w in alpha_words) / len(alpha_words) if alpha_words else 0.0,
        n_upper / n_letters if n_letters else 0.0,
        n_digits / n,
        n_symbols / n,
        text.count(",") / n_words if n_words else 0.0,
        float(not text[0].isalnum() and text[0] not in "\"'“‘«¿¡("),
        float(min(len(lf._SEPARATORS.findall(text)), 5)),
        float(bool(lf._URL.search(text))),
        math.log1p(len(lf._SENTENCE_BREAK.findall(text))),
        float(bool(lf._DATE_IN.search(text))),
        sum(map(len, words)) / n_words if n_words else 0.0,
    ]
    features.extend(float(marker == name) for name in names.MARKER_NAMES)
    features.append(float(marker is not None))
    return features, LineShape(len(text), n_words, terminal, stop_ratio, marker)


def ref_line_features(
    lines: Sequence[str],
    blank_before: Sequence[bool],
    blank_after: Sequence[bool],
    stops: frozenset[str] = ALL_STOP_WORDS,
) -> tuple[list[list[float]], list[LineShape], tuple[int, int]]:
    """Features of the non-blank `lines` of one document, their shapes and the main block."""
    local, shapes = [], []
    for text in lines:
        features, shape = ref_local(text, stops)
        local.append(features)
        shapes.append(shape)
    n = len(lines)
    if n == 0:
        return [], [], (0, 0)
    block_start, block_end = lf.main_block(shapes)
    prose = [float(s.prose) for s in shapes]
    log_chars = [row[0] for row in local]
    prose_chars = [s.chars if s.prose else 0 for s in shapes]
    total_prose = sum(prose_chars) or 1
    total_chars = sum(s.chars for s in shapes) or 1
    prose_share = sum(prose_chars) / total_chars  # once: in the loop it made this O(n²)
    keys = [title_key(t, strip_suffix=False) for t in lines]
    counts = Counter(keys)
    title = title_key(lines[0], strip_suffix=True)
    runs = lf._short_runs(shapes)
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
        similarity = fuzz.ratio(keys[i], title) / 100 if title and keys[i] else 0.0
        context = [
            float(i == 0),
            i / n,
            chars_before / total_chars,
            float(blank_before[i]),
            float(blank_after[i]),
            math.log1p(counts[keys[i]] - 1) if keys[i] else 0.0,
            similarity,
            math.log1p(runs[i]),
            float(block_start <= i < block_end),
            math.copysign(math.log1p(abs(distance)), distance),
            prose_before / total_prose,
            (total_prose - prose_before - prose_chars[i]) / total_prose,
            prev[0] if prev else 0.0,
            prev[2] if prev else 0.0,
            prev[4] if prev else 0.0,
            prev[-1] if prev else 0.0,
            nxt[0] if nxt else 0.0,
            nxt[2] if nxt else 0.0,
            nxt[4] if nxt else 0.0,
            nxt[-1] if nxt else 0.0,
            log_chars[i - 2] if i > 1 else 0.0,
            log_chars[i + 2] if i + 2 < n else 0.0,
            ref_window(prose, i, 3),
            ref_window(log_chars, i, 3),
            ref_window(prose, i, 10),
            ref_window(log_chars, i, 10),
            math.log1p(n),
            prose_share,
        ]
        rows.append(local[i] + context)
        chars_before += shapes[i].chars
        prose_before += prose_chars[i]
    return rows, shapes, (block_start, block_end)


def ref_structure(lines: Sequence[str], shapes: Sequence[LineShape]) -> list[list[float]]:
    """The structure columns, line by line: boundary markers above and below, the title's
    repeat, a truncated teaser."""
    keys = [title_key(t, strip_suffix=False) for t in lines]
    title = title_key(lines[0], strip_suffix=True)
    similarities = [fuzz.ratio(key, title) / 100 if title and key else 0.0 for key in keys]
    anchor = lf._title_repeat(similarities)
    markers = [s.marker for s in shapes]
    rows = []
    for i, text in enumerate(lines):
        row: list[float] = []
        for name in names.BOUNDARY_MARKERS:
            above = markers[:i].count(name)
            below = markers[i + 1 :].count(name)
            row += [math.log1p(above), math.log1p(below)]
        if anchor is None:
            row += [0.0, 0.0]
        else:
            offset = float(i - anchor)
            row += [1.0, math.copysign(math.log1p(abs(offset)), offset)]
        row.append(float(text.endswith(("...", "…")) and lf._TRUNCATED.search(text) is not None))
        rows.append(row)
    return rows


def ref_neighbourhood(
    probabilities: Sequence[float], shapes: Sequence[LineShape]
) -> list[list[float]]:
    """The second pass's features, line by line."""
    n = len(probabilities)
    kept = [s.chars if p >= 0.5 else 0 for p, s in zip(probabilities, shapes, strict=True)]
    total_kept = sum(kept) or 1
    rows = []
    for i, p in enumerate(probabilities):
        clipped = min(max(p, 1e-6), 1 - 1e-6)
        rows.append(
            [
                p,
                math.log(clipped / (1 - clipped)),
                probabilities[i - 1] if i > 0 else 0.0,
                probabilities[i + 1] if i + 1 < n else 0.0,
                probabilities[i - 2] if i > 1 else 0.0,
                probabilities[i + 2] if i + 2 < n else 0.0,
                ref_window(list(probabilities), i, 3),
                ref_window(list(probabilities), i, 10),
                max(probabilities[:i], default=0.0),
                max(probabilities[i + 1 :], default=0.0),
                sum(kept[:i]) / total_kept,
                (total_kept - sum(kept[: i + 1])) / total_kept,  # 1.0 when nothing is kept
            ]
        )
    return rows


def _same(a: object, b: object) -> bool:
    """Equal, with NaN equal to NaN and -0.0 told apart from 0.0."""
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    return a == b


def _all_same(got: list[list[float]], want: list[list[float]]) -> bool:
    return len(got) == len(want) and all(
        len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
        for a, b in zip(got, want, strict=True)
    )


def _check_text(text: str, stops: frozenset[str] = ALL_STOP_WORDS) -> None:
    doc = DocumentLines.of(text)
    lines = [line.stripped for line in doc.lines]
    got = line_features(lines, doc.blank_before, doc.blank_after, stops)
    want = ref_line_features(lines, doc.blank_before, doc.blank_after, stops)
    assert got[1] == want[1]
    assert got[2] == want[2]
    assert len(got[0]) == len(want[0])
    for line, row, ref in zip(lines, got[0], want[0], strict=True):
        # The structure features came later and stand last (tested in test_boilerplate.py).
        assert len(row) == len(ref) + len(names.STRUCTURE_NAMES)
        assert all(_same(a, b) for a, b in zip(row[: len(ref)], ref, strict=True)), line
    structure = [row[-len(names.STRUCTURE_NAMES) :] for row in got[0]]
    assert _all_same(structure, ref_structure(lines, got[1]) if lines else [])
    # made-up first-pass probabilities: every line's own, in [0, 1], some exactly 0.5
    probabilities = [((len(line) * 37) % 101) / 100 for line in lines]
    assert _all_same(
        neighbourhood_features(probabilities, got[1]), ref_neighbourhood(probabilities, got[1])
    )
    for line in lines:
        assert marker_of(line) == ref_marker_of(line), line


def _texts(folder: Path, limit: int) -> list[str]:
    if not folder.is_dir():
        return []
    paths = sorted(p for p in folder.rglob("*") if p.is_file())[:limit]
    return [p.read_text(encoding="utf-8", errors="replace") for p in paths]


FIXTURE_TEXTS = _texts(ROOT / "fixtures" / "stages" / "strip_boilerplate", 200)
DEV_TEXTS = _texts(ROOT.parent / "shared" / "evalset" / "dev" / "input", 60)


@pytest.mark.parametrize("index", range(len(FIXTURE_TEXTS)))
def test_fixture_pages(index: int) -> None:
    _check_text(FIXTURE_TEXTS[index])


@pytest.mark.slow
def test_dev_pages() -> None:
    if not DEV_TEXTS:
        pytest.skip("no dev evalset next to the repository")
    for text in DEV_TEXTS:
        _check_text(text)
        _check_text(text, STOP_WORDS["de"])


# Lines built from the pieces the patterns look for, in odd cases and with the four characters
# that match ASCII letters under IGNORECASE (İ ı ſ K).
PIECES = [
    "Share",
    "share on",
    "Facebook",
    "twitter",
    "Email",
    "Print",
    "Subscribe",
    "sign up",
    "newsletter",
    "We use cookies",
    "cookie policy",
    "COOKIES",
    "you agree",
    "our use of",
    "Privacy Policy",
    "©",
    "(c)",
    "(C) 2021",
    "Copyright 2020",
    "all rights reserved",
    "ALL RIGHTS RESERVED",
    "Tous droits réservés",
    "alle Rechte vorbehalten",
    "Advertisement",
    "By",
    "Maria Lopez",
    "Von",
    "Published",
    "Updated",
    "March 12, 2019",
    "6:45 pm",
    "12/03/2021",
    "2021-03-12",
    "Nov 17, 2025",
    "5 min read",
    "Photo:",
    "Getty Images",
    "AP Photo",
    "(Photo",
    "Reuters/",
    "dpa",
    "picture-alliance",
    "credit)",
    "Image caption",
    "Related stories",
    "Read more",
    "Home",
    "Menu",
    "Reply",
    "Jane says:",
    "12 likes",
    "http://",
    "https://x.org",
    "www.example.com",
    "a@b.com",
    ".net",
    "the",
    "and",
    "der",
    "und",
    "le",
    "la",
    "|",
    "•",
    "»",
    "/",
    "...",
    ".",
    "!",
    "?",
    ":",
    ",",
    '"',
    "”",
    "’",
    "(",
    ")",
    "-",
    "—",
    "İ",
    "ı",
    "ſ",
    "K",
    "coOKİe",
    "cookıe",
    "rıghts",
    "ſhare",
    "www",
    "ſhutterſtock",
    "١٢",
    "²",
    "2019",
    "7",
    "Ünïcödé",
    "straße",
    "ΣΑΣ",
    "日本語",
    "\t",
    " ",
]
# Characters this Python's Unicode database has assigned: the native core's tables are a later
# Unicode's, which also counts as letters some characters Python 3.11 knows nothing of.
_ASSIGNED = st.characters(exclude_categories=("Cn", "Cs"))
line_strategy = st.lists(
    st.sampled_from(PIECES) | st.text(_ASSIGNED, max_size=12), max_size=16
).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(line_strategy)
def test_generated_markers(line: str) -> None:
    assert marker_of(line) == ref_marker_of(line)


@settings(max_examples=150, deadline=None)
@given(st.lists(line_strategy | st.just(""), min_size=1, max_size=40))
def test_generated_pages(lines: list[str]) -> None:
    _check_text("\n".join(lines))
