"""Line labels for the boilerplate classifier, to cleanpipe's convention (docs/quality.md).

cleanpipe keeps the article's headline once, then its body as a reader would copy it
(subheadings, lists, tables, quotes, the article's own dateline and byline included), without
site furniture. The gold texts it learns from follow three other conventions: the dev gold has
no headline, byline or dateline; Dragnet's and CleanEval's keep all three (and CleanEval's
some navigation). Each line is labelled from the gold first (the share of the 4-token shingles
touching its tokens that occur in the gold), then brought to the convention:

- a later line that repeats the first line (the page title) is the headline's second copy:
  furniture, since the first line keeps it;
- on a gold without bylines and datelines (dev), a byline or date line among the few lines
  just above the first article line is the article's own: article text;
- on a gold whose annotation drops reader comments (dev, Dragnet) but that kept a thread
  anyway (a few Dragnet pages: three or more comment headers such as `Ann — June 25th, 2012,
  4:51 am` past the article's first quarter), the thread is furniture, from its first header.

The CleanEval navigation lines stay as the gold labels them: no rule tells them apart from a
short article line without reading the page, and guessing would teach the model the guess.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz

from cleanpipe.stages.boilerplate.vocab import marker_of
from cleanpipe.stages.patterns import COMMENT_HEADER
from cleanpipe.stages.titles import title_key

TOKEN = re.compile(r"\w+")
# How far above the first article line the article's own byline or dateline may stand.
HEAD_LINES = 6
HEADLINE_SIMILARITY = 90.0
GOLD_WITHOUT_BYLINES = frozenset({"dev"})
GOLD_WITHOUT_COMMENTS = frozenset({"dev", "dragnet"})
_COMMENT_HEADER = COMMENT_HEADER
_HEADER_WORDS = 14
_PROSE_WORDS = 10


def shingle_labels(lines: Sequence[str], gold: str) -> tuple[list[float], list[int]]:
    """Per line: the share of shingles touching its tokens found in the gold, and its tokens."""
    gold_tokens = TOKEN.findall(gold)
    gold_set = {tuple(gold_tokens[i : i + 4]) for i in range(max(len(gold_tokens) - 3, 1))}
    tokens: list[str] = []
    owner: list[int] = []
    for index, text in enumerate(lines):
        words = TOKEN.findall(text)
        tokens.extend(words)
        owner.extend([index] * len(words))
    hits = [0] * len(lines)
    total = [0] * len(lines)
    for i in range(max(len(tokens) - 3, 0)):
        found = tuple(tokens[i : i + 4]) in gold_set
        for index in set(owner[i : i + 4]):
            hits[index] += found
            total[index] += 1
    counts = [0] * len(lines)
    for index in owner:
        counts[index] += 1
    return [h / t if t else 0.0 for h, t in zip(hits, total, strict=True)], counts


def thread_start(lines: Sequence[str], labels: Sequence[float]) -> int | None:
    """Where a comment thread the gold kept begins: the first of three or more article-labelled
    comment headers that follow at least two article paragraphs (so the article's own byline,
    shaped like a comment header, is never one); None if there is none."""
    prose = 0
    headers = []
    for i, (text, label) in enumerate(zip(lines, labels, strict=True)):
        if label < 0.5:
            continue
        words = len(text.split())
        header = words <= _HEADER_WORDS and not text.lstrip()[:1].isdigit()
        if prose >= 2 and header and _COMMENT_HEADER.search(text):
            headers.append(i)
        elif words >= _PROSE_WORDS:
            prose += 1
    return headers[0] if len(headers) >= 3 else None


def convention_labels(
    lines: Sequence[str], gold: str, subset: str
) -> tuple[list[float], list[int]]:
    """Shingle labels brought to cleanpipe's convention (see the module docstring)."""
    labels, counts = shingle_labels(lines, gold)
    if not lines:
        return labels, counts
    title = title_key(lines[0], strip_suffix=True)
    if title and len(title.split()) >= 3:
        for i in range(1, len(lines)):
            key = title_key(lines[i], strip_suffix=True)
            if key and fuzz.ratio(key, title) >= HEADLINE_SIMILARITY:
                labels[i] = 0.0
    if subset in GOLD_WITHOUT_BYLINES:
        first = next((i for i, label in enumerate(labels) if i and label >= 0.5), None)
        if first is not None:
            for i in range(max(1, first - HEAD_LINES), first):
                if marker_of(lines[i]) in ("byline", "date_line"):
                    labels[i] = 1.0
    if subset in GOLD_WITHOUT_COMMENTS:
        start = thread_start(lines, labels)
        if start is not None:
            labels[start:] = [0.0] * (len(labels) - start)
    return labels, counts
