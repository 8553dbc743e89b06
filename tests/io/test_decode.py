"""Decoding real-world bytes: every case under fixtures/encodings, and properties on any bytes."""

from __future__ import annotations

import codecs
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanpipe.edits import apply_edits
from cleanpipe.io.decode import declared_charset, decode_bytes
from cleanpipe.stages.encoding import FixEncoding
from tests.fixture_cases import FIXTURES

ENCODINGS = FIXTURES / "encodings"
CASES = json.loads((ENCODINGS / "cases.json").read_text(encoding="utf-8"))


def _codec(name: str) -> str:
    return codecs.lookup(name).name


def _case(name: str) -> tuple[dict, bytes]:
    case = CASES[name]
    return case, (ENCODINGS / case["file"]).read_bytes()


def _names(kind: str) -> list[str]:
    return sorted(n for n, c in CASES.items() if c["kind"] == kind)


def test_every_kind_is_covered():
    kinds = {c["kind"] for c in CASES.values()}
    assert kinds == {"decode", "mojibake", "negative", "replaced"}
    assert all((ENCODINGS / c["file"]).is_file() for c in CASES.values())


@pytest.mark.parametrize("name", _names("decode"))
def test_decodes_to_the_original_text(name):
    case, data = _case(name)
    decoded = decode_bytes(data, html=case.get("html", False))
    assert decoded.text == case["text"]
    assert _codec(decoded.encoding) in {_codec(e) for e in case["encodings"]}
    assert not decoded.replaced
    assert 0.0 < decoded.confidence <= 1.0


@pytest.mark.parametrize("name", _names("mojibake"))
def test_mojibake_is_repaired_by_fix_encoding(name):
    case, data = _case(name)
    text = decode_bytes(data).text
    assert text != case["text"]  # the bytes really hold mojibake
    assert apply_edits(text, FixEncoding()(text, {}).edits) == case["text"]


def _known(names: list[str]) -> list:
    return [
        pytest.param(n, marks=pytest.mark.xfail(reason=CASES[n]["known_failure"], strict=True))
        if CASES[n].get("known_failure")
        else n
        for n in names
    ]


@pytest.mark.parametrize("name", _known(_names("negative")))
def test_correct_text_is_left_alone(name):
    case, data = _case(name)
    decoded = decode_bytes(data)
    assert decoded.text == case["text"]
    assert FixEncoding()(decoded.text, {}).edits == ()


@pytest.mark.parametrize("name", _names("negative"))
def test_correct_text_is_left_alone_without_width_folding(name):
    _, data = _case(name)
    text = decode_bytes(data).text
    assert FixEncoding(fix_character_width=False)(text, {}).edits == ()


@pytest.mark.parametrize("name", _names("replaced"))
def test_undecodable_bytes_are_replaced_and_flagged(name):
    case, data = _case(name)
    decoded = decode_bytes(data)
    assert decoded.text == case["text"]
    assert decoded.replaced
    assert decoded.source == "utf-8-lossy"


def test_a_wrong_meta_charset_yields_to_the_bytes():
    page = '<meta charset="utf-8"><p>caf\xe9 cr\xe8me br\xfbl\xe9e</p>'.encode("cp1252")
    decoded = decode_bytes(page, html=True)
    assert decoded.source != "declared"
    assert "café crème brûlée" in decoded.text


def test_meta_charset_only_read_for_html():
    page = '<meta charset="koi8-r"><p>plain ascii</p>'.encode("ascii")
    assert declared_charset(page) == "koi8-r"
    assert decode_bytes(page, html=True).encoding == "koi8-r"
    assert decode_bytes(page).encoding == "utf-8"


def test_unknown_meta_label_is_ignored():
    assert declared_charset(b'<meta charset="no-such-codec">') is None


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400), st.booleans())
def test_never_raises_and_always_names_its_encoding(data, html):
    decoded = decode_bytes(data, html=html)
    assert isinstance(decoded.text, str)
    assert decoded.encoding
    assert 0.0 <= decoded.confidence <= 1.0


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_utf8_text_round_trips(text):
    decoded = decode_bytes(text.encode("utf-8"))
    if "\x00" not in text:
        assert decoded.text == text
        assert decoded.encoding == "utf-8"
