"""One parse per page: the shared tree gives the extraction, metadata and page-text count that
the string-per-call path gave (trafilatura's `bare_extraction(html, with_metadata=True)`, its
own `extract_metadata`, lxml's `fromstring` with scripts and styles dropped).

Run on every HTML page the fixtures hold, and on generated pages.
"""

from __future__ import annotations

import dataclasses
import gzip

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanpipe.engines import extraction as html_module
from cleanpipe.engines.extraction import (
    ExtractOptions,
    _collapsed_len,
    _parse,
    _trafilatura,
)
from cleanpipe.engines.page_metadata import page_metadata
from tests.fixture_cases import FIXTURES

pytest.importorskip("trafilatura")

OPTIONS = [
    ExtractOptions(),
    ExtractOptions(favor_precision=False),
    ExtractOptions(include_links=True),
    ExtractOptions(include_comments=True, include_tables=False),
]


def fixture_pages() -> list[str]:
    pages = []
    for path in sorted(FIXTURES.rglob("*")):
        if path.name.endswith((".html", ".htm", ".html.gz")):
            data = path.read_bytes()
            if path.name.endswith(".gz"):
                data = gzip.decompress(data)
            pages.append(data.decode("utf-8", "replace"))
    page = FIXTURES / "stages/extract_html/article_page/input.txt"
    pages.append(page.read_text(encoding="utf-8"))
    return pages


def string_path(html: str, options: ExtractOptions, *, with_metadata: bool):
    """What `_trafilatura` did before the shared tree: bare_extraction on the string."""
    from trafilatura import bare_extraction
    from trafilatura.core import determine_returnstring
    from trafilatura.settings import Extractor

    settings = Extractor(
        output_format="txt",
        fast=options.fast,
        precision=options.favor_precision,
        recall=options.favor_recall,
        comments=options.include_comments,
        links=options.include_links,
        tables=options.include_tables,
        url=None,
        with_metadata=with_metadata,
    )
    try:
        document = bare_extraction(html, options=settings, as_dict=False)
    except Exception:
        return "", {}
    if document is None:
        return "", {}
    metadata = html_module._metadata(document) if with_metadata else {}
    settings.with_metadata = False
    return determine_returnstring(document, settings) or "", metadata


def page_chars_by_dropping(html: str) -> int:
    """The recall guard's page-text count as it was: lxml's parse, scripts and styles dropped."""
    import lxml.html

    try:
        tree = lxml.html.fromstring(html)
    except Exception:
        return -1
    for element in tree.xpath("//script|//style"):
        element.drop_tree()
    return _collapsed_len(tree.text_content())


def one_parse(html: str, options: ExtractOptions, *, with_metadata: bool):
    return _trafilatura(_parse(html), html, options, None, with_metadata=with_metadata)


@pytest.mark.parametrize("options", OPTIONS, ids=repr)
def test_one_parse_gives_the_string_path_output_on_fixtures(options):
    pages = fixture_pages()
    assert len(pages) >= 3
    for html in pages:
        for with_metadata in (True, False):
            expected = string_path(html, options, with_metadata=with_metadata)
            assert one_parse(html, options, with_metadata=with_metadata) == expected
        balanced = dataclasses.replace(options, favor_precision=False)
        assert one_parse(html, balanced, with_metadata=False) == string_path(
            html, balanced, with_metadata=False
        )


def test_page_metadata_gives_trafilaturas_fields_on_fixtures():
    from trafilatura.metadata import extract_metadata
    from trafilatura.settings import Extractor

    settings = Extractor(output_format="txt", with_metadata=True)
    for html in fixture_pages():
        tree = _parse(html)
        ours = page_metadata(tree, settings)
        theirs = extract_metadata(tree, None, settings.date_params, settings.fast, set())
        for name in html_module.METADATA_FIELDS:
            assert getattr(ours, name) == getattr(theirs, name), name


def test_page_text_count_is_the_dropping_count_on_fixtures():
    for html in fixture_pages():
        assert html_module._page_text_chars(_parse(html)) == page_chars_by_dropping(html)


_PARTS = st.sampled_from(
    [
        "<p>Some article text that goes on.</p>",
        "<script>var x = '<p>no</p>';</script>",
        "<style>p { color: red }</style>",
        "<nav><a href='/a'>Home</a></nav>",
        "<div>",
        "</div>",
        "<!-- a comment -->",
        "&amp; entity",
        "  \n  ",
        "<h1>Title</h1>",
        "<li>item</li>",
        "<meta name='author' content='Jane Doe'>",
        "<title>Page | Site</title>",
    ]
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(_PARTS, max_size=20).map(
        lambda parts: "<html><head></head><body>" + "".join(parts) + "</body></html>"
    )
)
def test_one_parse_on_generated_pages(html):
    assert one_parse(html, ExtractOptions(), with_metadata=True) == string_path(
        html, ExtractOptions(), with_metadata=True
    )
    assert html_module._page_text_chars(_parse(html)) == page_chars_by_dropping(html)


def test_inputs_that_are_not_pages_extract_as_before():
    for html in ("", "   ", "<?xml version='1.0'?>", "plain text, no markup", "<p>x</p>"):
        assert one_parse(html, ExtractOptions(), with_metadata=True) == string_path(
            html, ExtractOptions(), with_metadata=True
        )


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            [
                "a",
                "é",
                " ",
                "\t",
                "\n",
                "\xa0",
                "\u2009",
                "\u3000",
                "\x1c",
                "\x85",
                "\u200b",
                "\r",
                "b",
            ]
        ),
        max_size=30,
    )
)
def test_collapsed_length_is_the_regex_one(text):
    import re

    assert _collapsed_len(text) == len(re.sub(r"\s+", " ", text).strip())
