"""Bytes to text that a user can trust: BOMs, UTF-8 first, then charset-normalizer's guess.

Decoding never raises: undecodable bytes become U+FFFD and the result says so.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    confidence: float
    replaced: bool = False  # True when undecodable bytes were replaced with U+FFFD


def decode_bytes(data: bytes) -> Decoded:
    """Decode `data`: BOM, then strict UTF-8, then charset-normalizer, then cp1252/latin-1."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            text = body.decode(encoding, errors="replace")
            return Decoded(text, encoding, 1.0, replaced="\ufffd" in text and b"\xef\xbf\xbd" not in body)
    try:
        return Decoded(data.decode("utf-8"), "utf-8", 1.0)
    except UnicodeDecodeError:
        pass
    guess = _guess(data)
    if guess is not None:
        return guess
    try:
        return Decoded(data.decode("cp1252"), "cp1252", 0.0)
    except UnicodeDecodeError:
        return Decoded(data.decode("latin-1"), "latin-1", 0.0)


def _guess(data: bytes) -> Decoded | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return None
    text = str(best)
    return Decoded(text, best.encoding, round(1.0 - float(best.chaos), 3))
