"""HTML pages to article text: trafilatura, a sound choice between its modes, and fallbacks.

The one rule that chooses between extractors: trafilatura's precision mode drops more page
furniture (bylines, teasers, share prompts) than its balanced mode and is the better output
on most pages, but on some pages it mistakes the article for furniture and keeps a sliver of
it. When the precision output holds less than `recall_guard` of the balanced output's
characters, it has cut the article, and the balanced output is used instead. When both
come back empty, trafilatura's baseline (the page's largest text blocks) and then its plain
`html2txt` take over, and the result says so: an HTML document never succeeds empty
without a reason.

trafilatura is a dependency of cleanpipe (no extra needed); it is imported only when a page is
actually extracted, so text-only runs do not pay for its import.
"""

from __future__ import annotations

import dataclasses
import functools
import gzip
import io
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from cleanpipe.optional import requires

HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".html.gz", ".htm.gz", ".xhtml.gz")
MAX_HTML_BYTES = 64 * 1024 * 1024  # a gzip bomb must not fill a worker's memory
METADATA_FIELDS = ("title", "author", "date", "sitename", "url", "hostname", "description")
_PAGE_START = re.compile(
    r"\A\ufeff?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head)\b", re.IGNORECASE | re.DOTALL
)
# Extracted text adds list markers ("- ") and table separators (" | ") to the page's text;
# on real pages the balanced output stays within the page text, so 1.5 is slack.
_PAGE_TEXT_MARGIN = 1.5


def is_html_name(name: str) -> bool:
    """Whether a file name is one the HTML path reads (`.html`, `.htm`, gzipped or not)."""
    return name.lower().endswith(HTML_SUFFIXES)


def looks_like_html(text: str) -> bool:
    """Whether a text starts like an HTML page (a doctype or an <html> or <head> tag).

    Only the start counts: a text that merely quotes a tag further down is not a page.
    """
    return _PAGE_START.match(text[:1024]) is not None


def unwrap(name: str, data: bytes) -> bytes:
    """The page's bytes: gunzipped for `*.gz` names, at most `MAX_HTML_BYTES`.

    Raises `ValueError` with a one-line reason for a corrupt or oversized archive.
    """
    if not name.lower().endswith(".gz"):
        return data
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as archive:
            page = archive.read(MAX_HTML_BYTES + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise ValueError(f"cannot gunzip: {exc}") from None
    if len(page) > MAX_HTML_BYTES:
        raise ValueError(f"gunzipped page is larger than {MAX_HTML_BYTES} bytes")
    return page


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    """trafilatura's options as the `extract_html` stage exposes them (see its parameters)."""

    favor_precision: bool = True
    favor_recall: bool = False
    include_tables: bool = True
    include_comments: bool = False
    include_links: bool = False
    fast: bool = False
    recall_guard: float = 0.15
    search_author: bool = True


@dataclass(frozen=True, slots=True)
class Extraction:
    """The article text of a page, which extractor produced it, and the page's metadata."""

    text: str
    extractor: str
    metadata: Mapping[str, Any] = field(default_factory=dict)
    fallback: str | None = None  # why the first choice was not used, when it was not


def extract(
    html: str, options: ExtractOptions = ExtractOptions(), url: str | None = None
) -> Extraction:
    """Extract the main text of `html` (already decoded); never raises for a bad page.

    The page is parsed once (as trafilatura parses it) and that tree serves the metadata,
    the recall guard's page-text count and both extractions, each of which works on its
    own copy.
    """
    _require_trafilatura()
    first_name = _mode_name(options)
    html = wrapped(html)
    tree = _parse(html)
    first, metadata = _trafilatura(tree, html, options, url, with_metadata=True)
    guarded = options.favor_precision and options.recall_guard > 0
    if guarded and not _surely_whole(first, tree, options.recall_guard):
        balanced_options = dataclasses.replace(options, favor_precision=False)
        balanced, _ = _trafilatura(tree, html, balanced_options, url, with_metadata=False)
        if len(first) < options.recall_guard * len(balanced):
            reason = (
                f"{first_name} kept {len(first)} of the {len(balanced)} characters "
                f"of {_mode_name(balanced_options)}: article cut"
            )
            return Extraction(balanced, _mode_name(balanced_options), metadata, reason)
    if first.strip():
        return Extraction(first, first_name, metadata)
    for name, function in (
        ("trafilatura-baseline", _baseline),
        ("html2txt", _html2txt),
        ("html.parser", parser_text),
    ):
        text = function(html)
        if text.strip():
            return Extraction(text, name, metadata, f"{first_name} found no article text")
    return Extraction("", "none", metadata, "no extractor found any text")


def wrapped(html: str) -> str:
    """A fragment (`<div>...</div>`, `<p>...`: no doctype, `<html>` or `<head>` at its start)
    inside `<html><body>`: trafilatura's loader refuses such markup as not HTML, and a page
    saved without its outer tags lost its whole text. A whole page is returned as it is."""
    if looks_like_html(html) or "<" not in html[:4096]:
        return html
    return f"<html><body>{html}</body></html>"


def _parse(html: str) -> Any:
    """The page as trafilatura's own loader parses it; None when it is not HTML."""
    from trafilatura.utils import load_html

    try:
        return load_html(html)
    except Exception:  # as in bare_extraction: a page that does not load extracts nothing
        return None


def _surely_whole(text: str, tree: Any, guard: float) -> bool:
    """Whether the precise output is so long that the balanced one cannot be guard times
    longer, since neither can hold more than the page's visible text: then the second
    extraction is skipped: on most pages it need not run at all, for the same output.
    """
    page = _page_text_chars(tree)
    return page >= 0 and _collapsed_len(text) >= guard * _PAGE_TEXT_MARGIN * page


# Every text node outside scripts and styles: the page's text as `text_content()` gives it
# once scripts and styles are dropped, read without changing the tree (as plain strings:
# lxml's default "smart" strings, which know their parent, cost a third more).
_VISIBLE_TEXT = "//text()[not(ancestor::script) and not(ancestor::style)]"


@functools.cache
def _visible_text() -> Any:
    from lxml import etree

    return etree.XPath(_VISIBLE_TEXT, smart_strings=False)


def _page_text_chars(tree: Any) -> int:
    """Characters of the page's text outside scripts and styles, spaces collapsed; -1 when
    the page does not parse (then nothing is skipped)."""
    if tree is None:
        return -1
    return _collapsed_len("".join(_visible_text()(tree)))


def _collapsed_len(text: str) -> int:
    """`len(re.sub(r"\\s+", " ", text).strip())`, counted on `str.split()`'s words (the same
    whitespace, about three times cheaper on a page's text)."""
    words = text.split()
    return sum(map(len, words)) + len(words) - 1 if words else 0


def _mode_name(options: ExtractOptions) -> str:
    mode = "balanced"
    if options.favor_precision:
        mode = "precision"
    elif options.favor_recall:
        mode = "recall"
    return f"trafilatura-{mode}{'-fast' if options.fast else ''}"


def _require_trafilatura() -> None:
    requires("trafilatura", extra="html", purpose="HTML input")


def _trafilatura(
    tree: Any, html: str, options: ExtractOptions, url: str | None, *, with_metadata: bool
) -> tuple[str, dict[str, Any]]:
    """trafilatura's text of the page (and its metadata), as `bare_extraction(html)` gives them.

    `tree` is `_parse(html)`; `bare_extraction` copies a tree it is given, so it stays as
    parsed. The metadata comes from `page_metadata`, which skips fields cleanpipe drops;
    with links kept, trafilatura resolves them against the page's own URL, which only its
    metadata step hands on, so then `bare_extraction` extracts the metadata itself.
    """
    from trafilatura import bare_extraction
    from trafilatura.core import determine_returnstring
    from trafilatura.settings import Extractor

    from cleanpipe.engines.page_metadata import page_metadata

    if tree is None:
        return "", {}
    inline = with_metadata and options.include_links
    settings = Extractor(
        output_format="txt",
        fast=options.fast,
        precision=options.favor_precision,
        recall=options.favor_recall,
        comments=options.include_comments,
        links=options.include_links,
        tables=options.include_tables,
        url=url,
        with_metadata=inline,
    )
    try:
        found = (
            page_metadata(tree, settings, search_author=options.search_author)
            if with_metadata and not inline
            else None
        )
        document = bare_extraction(tree, options=settings, as_dict=False)
    except Exception:  # trafilatura on a hostile page: fall back, never crash a run
        return "", {}
    if document is None or isinstance(document, dict):
        return "", {}
    metadata = _metadata(found if found is not None else document) if with_metadata else {}
    settings.with_metadata = False  # the text alone, without trafilatura's YAML header
    return determine_returnstring(document, settings) or "", metadata


def _metadata(document: Any) -> dict[str, Any]:
    found = {}
    for name in METADATA_FIELDS:
        value = getattr(document, name, None)
        if isinstance(value, str) and value.strip():
            found[name] = value.strip()
    return found


def _baseline(html: str) -> str:
    from trafilatura import baseline

    try:
        return str(baseline(html)[1] or "")
    except Exception:  # the fallback of a fallback must not raise either
        return ""


def _html2txt(html: str) -> str:
    from trafilatura import html2txt

    try:
        return str(html2txt(html) or "")
    except Exception:
        return ""


class _TextParser(HTMLParser):
    """The visible text of a page, one line per block element.

    The last fallback: lxml (under all of trafilatura's extractors) gives up on a tree nested
    past about 256 levels and yields nothing, while Python's `html.parser` reads tags as a flat
    stream, so 5,000 nested `<div>` cost it nothing.
    """

    _HIDDEN = frozenset({"head", "script", "style", "noscript", "template", "svg"})
    _BLOCKS = frozenset(
        [
            "address",
            "article",
            "aside",
            "blockquote",
            "br",
            "dd",
            "div",
            "dl",
            "dt",
            "figcaption",
            "figure",
            "footer",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "header",
            "hr",
            "li",
            "main",
            "nav",
            "ol",
            "p",
            "pre",
            "section",
            "table",
            "td",
            "th",
            "tr",
            "ul",
        ]
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self._hidden += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def parser_text(html: str) -> str:
    """The page's visible text by Python's `html.parser` (see `_TextParser`); '' on failure."""
    parser = _TextParser()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # the last fallback must not raise either
        return ""
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "".join(f"{line}\n" for line in lines if line)
