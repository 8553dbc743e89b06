"""Bounded fuzzing of the entry points that meet raw bytes: decoding, reading, the HTML path.

Hypothesis with fixed example counts, so it runs in seconds in the normal suite; raise
`max_examples` (or run with `--hypothesis-seed`) for a longer campaign by hand.
"""

from __future__ import annotations

import codecs
import gzip
import json
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleanpipe import Pipeline
from cleanpipe.io.decode import decode_bytes
from cleanpipe.io.readers import display_path
from cleanpipe.runs.directory import clean_file

SETTINGS = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
RULES = Pipeline.from_config(
    {
        "stages": [
            "fix_encoding",
            "strip_duplicate_title",
            "strip_comment_markers",
            "strip_link_lists",
            "canonicalize",
        ]
    }
)
BOMS = [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE]
SAMPLE = "Grüße aus Köln — «ça va», 東京, Ελλάδα, emoji 🙂\n"
ENCODINGS = [
    "utf-8",
    "utf-16-le",
    "utf-16-be",
    "cp1252",
    "latin-1",
    "koi8-r",
    "shift_jis",
    "gb18030",
    "utf-32-le",
]


@st.composite
def byte_soups(draw: st.DrawFn) -> bytes:
    """Random bytes, text in some encoding, BOMs, truncation and splices of both."""
    text = draw(st.text(max_size=200)) + SAMPLE
    encoding = draw(st.sampled_from(ENCODINGS))
    encoded = text.encode(encoding, errors="replace")
    parts = [draw(st.sampled_from(BOMS)), encoded, draw(st.binary(max_size=64))]
    data = b"".join(draw(st.permutations(parts)))
    cut = draw(st.integers(0, len(data)))
    return data[:cut] if draw(st.booleans()) else data


raw_bytes = st.one_of(st.binary(max_size=2000), byte_soups())


@settings(SETTINGS, max_examples=300)
@given(data=raw_bytes, html=st.booleans())
def test_decode_bytes_never_raises_and_gives_utf8_clean_text(data, html):
    decoded = decode_bytes(data, html=html)
    decoded.text.encode("utf-8")  # no lone surrogates: every output file can be written
    assert isinstance(decoded.encoding, str) and decoded.encoding
    assert 0.0 <= decoded.confidence <= 1.0
    if not data:
        assert decoded.text == ""


def _nested_html(depth: int, body: str, truncate: int | None) -> bytes:
    page = (
        "<html><head><meta charset='utf-8'><title>A page</title></head><body>"
        + "<div><span>" * depth
        + f"<p>{body}</p>"
        + "</span></div>" * depth
        + "</body></html>"
    ).encode()
    return page[:truncate] if truncate is not None else page


html_pages = st.builds(
    _nested_html,
    depth=st.integers(0, 400),  # deeply nested tags
    body=st.text(max_size=200),
    truncate=st.none() | st.integers(0, 200),  # a page cut off mid-tag
)


@pytest.mark.parametrize("name", ["doc.txt", "page.html", "page.html.gz"])
@settings(SETTINGS, max_examples=60)
@given(data=st.one_of(raw_bytes, html_pages), gzip_it=st.booleans())
def test_reading_any_bytes_gives_a_record_never_a_traceback(tmp_path, name, data, gzip_it):
    if name.endswith(".gz") and gzip_it:
        data = gzip.compress(data, mtime=0)
    (tmp_path / name).write_bytes(data)
    relative, text, record, _ = clean_file(RULES, tmp_path, PurePosixPath(name))
    assert relative == name
    assert record["status"] in ("ok", "dropped", "error")
    assert (record["status"] == "ok") == bool(text)
    if record["status"] != "ok":
        assert record["reason"] and "\n" not in record["reason"]
    json.dumps(record, ensure_ascii=False).encode("utf-8")  # the report line can be written
    text.encode("utf-8")


@settings(SETTINGS, max_examples=200)
@given(
    name=st.binary(min_size=1, max_size=60).filter(
        lambda b: b"/" not in b and b"\0" not in b and b not in (b".", b"..")
    )
)
def test_any_file_name_is_shown_as_valid_utf8(name):
    shown = display_path(PurePosixPath(Path(name.decode("utf-8", "surrogateescape"))))
    shown.encode("utf-8")
    try:
        assert shown == name.decode("utf-8")  # UTF-8 names are shown as they are
    except UnicodeDecodeError:
        assert "\\x" in shown  # others with their undecodable bytes escaped


HTML_PIPELINE = Pipeline.from_config({"stages": ["extract_html", *RULES.to_config()["stages"]]})


@settings(SETTINGS, max_examples=40)
@given(data=st.one_of(html_pages, byte_soups()))
def test_the_html_path_survives_deep_nesting_and_truncation(tmp_path, data):
    (tmp_path / "page.html").write_bytes(data)
    _, text, record, _ = clean_file(HTML_PIPELINE, tmp_path, PurePosixPath("page.html"))
    assert record["status"] in ("ok", "dropped", "error")
    assert (record["status"] == "ok") == bool(text)
    if record["status"] == "error":  # a page that cannot be parsed is reported, one line
        assert "\n" not in record["reason"]
    json.dumps(record, ensure_ascii=False).encode("utf-8")
