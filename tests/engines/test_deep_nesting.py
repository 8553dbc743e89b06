"""A page nested deeper than lxml parses (about 256 levels) still yields its text: Python's
`html.parser` is the last fallback before `no text extracted`."""

from __future__ import annotations

from cleanpipe import Pipeline
from cleanpipe.engines.extraction import parser_text

ARTICLE = (
    "<p>The council approved the new budget on Monday after a long debate about schools, "
    "roads and the library. Members said the vote was close.</p>"
)


def _deep(levels: int) -> str:
    body = "<div>" * levels + ARTICLE * 3 + "</div>" * levels
    return f"<html><head><title>Budget</title></head><body>{body}</body></html>"


def test_5000_nested_divs_are_extracted_by_the_last_fallback():
    result = Pipeline.default().clean(_deep(5000), {"format": "html"})
    assert result.status == "ok", result.reason
    assert result.metadata["extraction"]["extractor"] == "html.parser"
    assert result.text.count("The council approved the new budget") == 3


def test_parser_text_keeps_visible_text_only():
    html = (
        "<html><head><title>T</title><style>p{}</style></head><body><script>x=1</script>"
        "<h1>Head&amp;line</h1><p>One <b>two</b></p><br>three</body></html>"
    )
    assert parser_text(html) == "Head&line\nOne two\nthree\n"
