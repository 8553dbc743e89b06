"""Bytes to text that a user can trust: BOMs, declared charsets, UTF-8, then a careful guess.

The order follows what browsers do (BOM, then the page's own `<meta charset>`, then sniffing),
with one difference: a guess never wins over text that is valid UTF-8. Decoding never raises:
undecodable bytes become U+FFFD and the result says so (`replaced`), and the result always
names the encoding used, how sure we are, and where that choice came from (`source`).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# `<meta charset="x">` or `<meta http-equiv="Content-Type" content="text/html; charset=x">`,
# searched in the first bytes only, as browsers do (the prescan looks at 1024 bytes; pages
# with long inline scripts in <head> push it further, so we look a bit deeper).
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,400}?charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]{1,40})""", re.IGNORECASE
)
META_SCAN_BYTES = 4096

# Labels that WHATWG maps to another codec: a page saying "iso-8859-1" is decoded as
# windows-1252 by every browser (the C1 range holds curly quotes in practice), and a page
# saying UTF-16 in a <meta> can only be ASCII-compatible, so the label is a lie.
_LABEL_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "windows-1252": "cp1252",
    "x-sjis": "shift_jis",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "utf-16": "utf-8",
    "utf-16le": "utf-8",
    "utf-16be": "utf-8",
}

# Single-byte codecs charset-normalizer sometimes prefers on short Western text (mac_latin2
# for French, cp1250 for German) although the bytes decode the same, or nearly, as cp1252,
# the web's most common legacy codec. When cp1252 is about as plausible, it wins.
WEB_PRIOR = "cp1252"
_PRIOR_CHAOS_MARGIN = 0.05


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    confidence: float
    replaced: bool = False  # True when undecodable bytes were replaced with U+FFFD
    source: str = "utf-8"  # bom, declared, utf-8, utf-8-lossy, no-bom-utf16/32, guess, fallback


def decode_bytes(data: bytes, *, html: bool = False) -> Decoded:
    """Decode `data`: BOM, then (for HTML) the declared charset, UTF-8, UTF-16/32, a guess.

    Valid UTF-8 is taken as UTF-8 (the chance that other text happens to be valid UTF-8 is
    negligible beyond a few bytes); text that is *mostly* UTF-8 with a few broken bytes is
    decoded as UTF-8 with replacement rather than handed to a guesser that would turn every
    accented letter into mojibake.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            unmarked = body.decode(encoding, errors="replace")
            replaced = _was_replaced(unmarked, body, encoding)
            return Decoded(unmarked, encoding, 1.0, replaced, "bom")
    if html:
        declared = _declared(data)
        if declared is not None:
            return declared
    text: str | None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    # UTF-16/32 of ASCII-range text is "valid UTF-8" full of NULs, so it is checked first
    # whenever NULs show up; real UTF-8 text never holds them.
    if text is None or "\x00" in text:
        wide = _utf16_or_32(data)
        if wide is not None:
            return wide
    if text is not None:
        return Decoded(text, "utf-8", 1.0)
    lossy = _mostly_utf8(data)
    if lossy is not None:
        return lossy
    guess = _guess(data)
    if guess is not None:
        return guess
    try:
        return Decoded(data.decode("cp1252"), "cp1252", 0.0, source="fallback")
    except UnicodeDecodeError:
        return Decoded(data.decode("latin-1"), "latin-1", 0.0, source="fallback")


def declared_charset(data: bytes) -> str | None:
    """The codec an HTML document declares in a `<meta>` near its top, if Python knows it."""
    match = _META_CHARSET.search(data[:META_SCAN_BYTES])
    if match is None:
        return None
    label = match.group(1).decode("ascii", "replace").strip().lower()
    label = _LABEL_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _declared(data: bytes) -> Decoded | None:
    encoding = declared_charset(data)
    if encoding is None:
        return None
    try:
        return Decoded(data.decode(encoding), encoding, 1.0, source="declared")
    except UnicodeDecodeError:
        # A wrong declaration is common (a template says utf-8, the CMS writes cp1252):
        # believe the bytes instead, and let the next steps decide.
        return None


def _was_replaced(text: str, body: bytes, encoding: str) -> bool:
    if "\ufffd" not in text:
        return False
    try:
        genuine = body.count("\ufffd".encode(encoding))  # U+FFFD that was really in the file
    except UnicodeEncodeError:
        genuine = 0  # a codec that cannot hold U+FFFD: every one of them is a replacement
    return text.count("\ufffd") > genuine


def _utf16_or_32(data: bytes) -> Decoded | None:
    """UTF-16/32 without a BOM, recognized by where the zero bytes of Latin text fall.

    ASCII-range letters are `xx 00` in UTF-16-LE and `00 xx` in -BE (and `xx 00 00 00` /
    `00 00 00 xx` in UTF-32), so the column holding the zeros tells the codec. Only tried on
    data that is not UTF-8; CJK UTF-16 without a BOM has few zero bytes and is left to the
    guesser, which is no worse than a browser does.
    """
    if len(data) < 8 or data.count(0) < len(data) // 4:
        return None
    candidates = []
    for width, le, be in ((4, "utf-32-le", "utf-32-be"), (2, "utf-16-le", "utf-16-be")):
        if len(data) % width:
            continue
        zeros = [data[column::width].count(0) for column in range(width)]
        rows = len(data) // width
        if zeros[-1] >= 0.6 * rows:
            candidates.append(le)  # the high byte of each unit is zero: little-endian
        if zeros[0] >= 0.6 * rows:
            candidates.append(be)
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return Decoded(text, encoding, 0.9, source="no-bom-" + encoding[:6])
    return None


def _mostly_utf8(data: bytes) -> Decoded | None:
    """UTF-8 with a few broken sequences (a truncated file, one pasted cp1252 byte)."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    good = sum(1 for ch in text if ch > "\x7f" and ch != "\ufffd")
    # Each valid multi-byte letter is evidence for UTF-8; a cp1252 text has none, because
    # its accented letters are lone high bytes. Three to one keeps mixed files honest.
    if good and good >= 3 * bad:
        confidence = round(good / (good + bad), 3)
        return Decoded(text, "utf-8", confidence, replaced=True, source="utf-8-lossy")
    return None


def _guess(data: bytes) -> Decoded | None:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        return None
    best = min(matches, key=lambda m: m.chaos)
    for match in matches:
        if (
            WEB_PRIOR in match.could_be_from_charset
            and match.chaos <= best.chaos + _PRIOR_CHAOS_MARGIN
        ):
            text = data.decode(WEB_PRIOR, errors="replace")
            return Decoded(
                text,
                WEB_PRIOR,
                round(1.0 - float(match.chaos), 3),
                _was_replaced(text, data, WEB_PRIOR),
                "guess",
            )
    text = str(best)
    return Decoded(text, best.encoding, round(1.0 - float(best.chaos), 3), source="guess")
