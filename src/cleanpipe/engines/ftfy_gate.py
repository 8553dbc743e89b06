"""Deciding, cheaply and exactly, when ftfy cannot change a text.

ftfy's `fix_text` costs about 1.7 MB/s; nearly all scraped text is already fine. ftfy runs a
fixed list of fixers, and each one only acts on specific characters or patterns: entities
(`&name;`), mojibake (its own `BADNESS_RE`), C1 controls, ligatures, fullwidth forms, odd line
breaks, surrogates, terminal escapes, control characters, and a normalization form. When a
text holds none of those and is already normalized, every fixer is the identity, so ftfy
would return it unchanged: skipping the call is then exact, not a guess.

The gate is built from ftfy's own tables and regexes, so it follows the installed version;
what it is afraid of is a future ftfy fixer acting on characters none of these tables list.
`tests/stages/test_encoding_fast_path.py` compares gated and ungated output on the fixtures and on
generated text to catch that.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

from ftfy import chardata
from ftfy.badness import BADNESS_RE

try:  # the regex parser, to read which characters each mojibake pattern needs
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # Python 3.10
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

_ASCII_TRIGGERS = bytes([*range(0x00, 0x09), 0x0B, 0x0D, *range(0x0E, 0x20), 0x7F])
# bytes.translate tables: delete all but ASCII control bytes; turn ASCII into spaces.
_KEEP_CONTROLS = bytes(b for b in range(128) if b not in _ASCII_TRIGGERS) + bytes(range(128, 256))
_ASCII_TO_SPACE = b" " * 128 + bytes(range(128, 256))

# Non-ASCII characters some fixer rewrites or deletes ('\t', '\n', '\x0c' are left alone).
_TRIGGER_CHARS = frozenset(
    chr(c)
    for c in (
        set(chardata.CONTROL_CHARS)  # remove_control_chars
        | set(chardata.LIGATURES)  # fix_latin_ligatures
        | set(chardata.WIDTH_MAP)  # fix_character_width
        | set(range(0x80, 0xA0))  # fix_c1_controls, and '\x85' for fix_line_breaks
        | {0x2028, 0x2029}  # fix_line_breaks
        | set(range(0xD800, 0xE000))  # fix_surrogates
    )
    if c >= 0x80
)
_ENTITY = chardata.HTML_ENTITY_RE  # unescape_html acts only on its matches
_QUOTES = re.compile(f"{chardata.SINGLE_QUOTE_RE.pattern}|{chardata.DOUBLE_QUOTE_RE.pattern}")
# fix_text cuts lines longer than this into segments; the gate reasons about whole lines.
_MAX_SEGMENT = 1_000_000


def _needs(pattern: re.Pattern[str]) -> list[list[frozenset[str] | None]] | None:
    """Each alternative of `pattern` as its sequence of elements: the set of characters an
    element matches, or None for anything that is not one plain character (repeats, classes
    such as `\\s`). None when the pattern cannot be read this way.
    """
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        items = list(sre_parse.parse(pattern.pattern, pattern.flags))
    except Exception:  # a parser from another Python version: no shortcut, still exact
        return None
    single_branch = len(items) == 1 and items[0][0] is sre_constants.BRANCH
    branches = items[0][1][1] if single_branch else [items]
    return [[_charset(op, av) for op, av in branch] for branch in branches]


def _charset(op: object, av: object) -> frozenset[str] | None:
    if op is sre_constants.LITERAL:
        return frozenset(chr(av))  # type: ignore[arg-type]
    if op is not sre_constants.IN:
        return None
    chars: set[str] = set()
    for item_op, item in av:  # type: ignore[attr-defined]
        if item_op is sre_constants.LITERAL:
            chars.add(chr(item))
        elif item_op is sre_constants.RANGE:
            chars.update(map(chr, range(item[0], item[1] + 1)))
        else:  # NEGATE, CATEGORY: not a plain set
            return None
    return frozenset(chars)


def _rare(chars: frozenset[str] | None) -> bool:
    return chars is not None and all(ord(c) >= 0x80 for c in chars)


Prefilter = tuple[re.Pattern[str], list[list[frozenset[str]]]]


def _prefilter(pattern: re.Pattern[str]) -> Prefilter | None:
    """A cheap necessary condition for `pattern` to match, read on the non-ASCII characters.

    An alternative that needs two adjacent non-ASCII characters (one of set A, then one of
    B) can only match where A and B stand side by side, as they still do once each run of
    ASCII is cut down to one space; one that does not can only match if the text holds a
    character of each non-ASCII set it needs.
    Returns (regex of those pairs, the other alternatives' sets), or None if some alternative
    needs no non-ASCII character at all.
    """
    branches = _needs(pattern)
    if branches is None:
        return None
    pairs: list[str] = []
    singles: list[list[frozenset[str]]] = []
    for elements in branches:
        adjacent = [
            (first, second)
            for first, second in itertools.pairwise(elements)
            if first is not None and second is not None and _rare(first) and _rare(second)
        ]
        if adjacent:
            first, second = min(adjacent, key=lambda pair: len(pair[0]) * len(pair[1]))
            pairs.append(f"[{_char_class(first)}][{_char_class(second)}]")
            continue
        sets = [chars for chars in elements if chars is not None and _rare(chars)]
        if not sets:
            return None
        singles.append(sets)
    return re.compile("|".join(pairs) or "(?!)"), singles


def _char_class(chars: frozenset[str]) -> str:
    return "".join(re.escape(c) for c in sorted(chars))


_BAD_PREFILTER = _prefilter(BADNESS_RE)


def _may_be_bad(rare: str) -> bool:
    """The prefilter on `rare`, a text's non-ASCII characters (see `_non_ascii`)."""
    if _BAD_PREFILTER is None:
        return True
    pairs, singles = _BAD_PREFILTER
    if pairs.search(rare):
        return True
    present = set(rare)
    return any(all(not present.isdisjoint(chars) for chars in sets) for sets in singles)


def _any_line_bad(text: str, rare: str) -> bool:
    """Whether ftfy's mojibake detector fires on some line (one of its segments) of `text`.

    The detector's regex runs at about 4 MB/s, so it only runs on the lines the prefilter
    lets through.
    """
    if not _may_be_bad(rare):
        return False
    for line in text.split("\n"):
        if line.isascii():
            continue  # ftfy never treats an ASCII segment as mojibake
        if len(line) >= _MAX_SEGMENT:
            return True  # fix_text would cut it into segments: take the slow, exact path
        if _may_be_bad(_non_ascii(line)) and BADNESS_RE.search(line):
            return True
    return False


def _non_ascii(text: str, data: bytes | None = None) -> str:
    """The runs of non-ASCII characters of `text`, in order, joined by single spaces.

    Works on the UTF-8 bytes, whose multi-byte sequences never hold an ASCII byte: ASCII
    becomes spaces, and `bytes.split` cuts on runs of them (all at C speed).
    """
    if data is None:
        data = text.encode("utf-8", "surrogatepass")
    return b" ".join(data.translate(_ASCII_TO_SPACE).split()).decode("utf-8", "surrogatepass")


def ftfy_may_change(
    text: str, *, uncurl_quotes: bool, fix_mojibake: bool, normalization: str | None
) -> bool:
    """False only when `ftfy.fix_text` with these settings would return `text` unchanged.

    Works on a whole document as well as on one line: a document passes only if each of its
    lines would (line breaks are never part of a fix, and NFC never composes across '\\n').
    Settings that only turn fixers off make the gate conservative, never wrong.
    """
    data = text.encode("utf-8", "surrogatepass")
    if data.translate(None, _KEEP_CONTROLS):
        return True  # control characters, CR, ESC
    if "&" in text and _ENTITY.search(text):
        return True
    if data.isascii():
        return False  # ASCII: normalized, and never mojibake to ftfy
    rare = _non_ascii(text, data)
    if not _TRIGGER_CHARS.isdisjoint(rare):
        return True
    if uncurl_quotes and _QUOTES.search(rare):
        return True
    if normalization is not None and not unicodedata.is_normalized(normalization, text):  # type: ignore[arg-type]
        return True
    return fix_mojibake and _any_line_bad(text, rare)
