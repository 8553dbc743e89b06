"""The HTML path: extraction as a new baseline, the extractor choice, fallbacks, a mixed run."""

from __future__ import annotations

import gzip
import json
import shutil
import sys
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanpipe import Pipeline
from cleanpipe.config import ConfigError
from cleanpipe.engines import extraction as html_module
from cleanpipe.engines.extraction import ExtractOptions, extract, is_html_name, unwrap
from cleanpipe.io.readers import read_document
from cleanpipe.runs.directory import RunOptions, run_directory
from cleanpipe.stages.encoding import FixEncoding
from cleanpipe.stages.html import ExtractHtml
from cleanpipe.stages.leftovers import StripExtractionLeftovers
from tests.fixture_cases import FIXTURES

pytest.importorskip("trafilatura")

PAGE = (FIXTURES / "stages/extract_html/article_page/input.txt").read_text(encoding="utf-8")
MIXED = FIXTURES / "mixed"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.html", True),
        ("a.HTM", True),
        ("a.html.gz", True),
        ("a.xhtml", True),
        ("a.txt", False),
        ("a.gz", False),
        ("html", False),
    ],
)
def test_html_names(name, expected):
    assert is_html_name(name) is expected


def test_unwrap_gunzips_and_reports_corrupt_archives():
    assert unwrap("a.html.gz", gzip.compress(b"<p>x</p>")) == b"<p>x</p>"
    assert unwrap("a.html", b"<p>x</p>") == b"<p>x</p>"
    with pytest.raises(ValueError, match="cannot gunzip"):
        unwrap("a.html.gz", b"not gzip at all")


def test_extraction_is_the_new_baseline_for_removal_positions():
    pipeline = Pipeline([ExtractHtml(), StripExtractionLeftovers()])
    result = pipeline.clean(PAGE, {"format": "html"})
    assert result.ok
    assert result.metadata["positions"] == "extracted_text"
    assert result.metadata["title"] == "Harbour ferry returns after winter repairs"
    extraction = result.metadata["extraction"]
    assert extraction["chars_before"] == len(PAGE)
    assert extraction["chars_after"] == len(result.input_text) < len(PAGE)
    assert extraction["extractor"] == "trafilatura-precision"
    assert [r.rule for r in result.removals] == ["headline"]
    for removal in result.removals:  # positions index the extracted text, not the HTML
        assert result.input_text[removal.start : removal.end] == removal.text
    assert "<p>" not in result.text and "Most read" not in result.text


def test_text_documents_skip_extraction_and_keep_naive_text_stages():
    pipeline = Pipeline.default()
    result = pipeline.clean("Title line here\nTitle line here\nThe article body.\n")
    assert "positions" not in result.metadata
    assert "extraction" not in result.metadata
    assert "skipped_stages" not in result.metadata


def test_naive_text_only_stages_are_skipped_on_extracted_text():
    result = Pipeline.default().clean(PAGE, {"format": "html"})
    assert "strip_link_lists" in result.metadata["skipped_stages"]


def test_recall_guard_switches_to_the_balanced_extraction(monkeypatch):
    def fake(tree, html, options, url, *, with_metadata):
        text = "sliver" if options.favor_precision else "the whole article " * 20
        return text, {"title": "T"} if with_metadata else {}

    monkeypatch.setattr(html_module, "_trafilatura", fake)
    page = "<html><body>" + "<p>the whole article</p>" * 20 + "</body></html>"
    result = extract(page, ExtractOptions())
    assert result.extractor == "trafilatura-balanced"
    assert "article cut" in (result.fallback or "")
    assert result.metadata == {"title": "T"}
    kept = extract(page, ExtractOptions(recall_guard=0.0))
    assert kept.text == "sliver" and kept.fallback is None


def test_balanced_run_is_skipped_when_it_cannot_change_the_choice(monkeypatch):
    calls = []

    def fake(tree, html, options, url, *, with_metadata):
        calls.append(options.favor_precision)
        return "most of the page text, kept by the precise mode", {}

    monkeypatch.setattr(html_module, "_trafilatura", fake)
    page = "<html><body><nav>Home</nav><p>most of the page text, kept by the precise mode</p>"
    assert extract(page + "</body></html>").extractor == "trafilatura-precision"
    assert calls == [True]  # the page holds too little else for the guard to ever fire
    calls.clear()
    extract(page + "<div>" + "menu item " * 100 + "</div></body></html>")
    assert calls == [True, False]


def test_empty_extraction_falls_back_and_says_so(monkeypatch):
    monkeypatch.setattr(html_module, "_trafilatura", lambda *a, **k: ("", {}))
    result = extract("<html><body><div>Only a short note here.</div></body></html>")
    assert result.text.strip()
    assert result.extractor in ("trafilatura-baseline", "html2txt")
    assert "found no article text" in (result.fallback or "")


def test_nothing_extracted_is_a_reported_drop(monkeypatch):
    monkeypatch.setattr(html_module, "_trafilatura", lambda *a, **k: ("", {}))
    monkeypatch.setattr(html_module, "_baseline", lambda html: "")
    monkeypatch.setattr(html_module, "_html2txt", lambda html: "")
    result = Pipeline([ExtractHtml()]).clean("<html></html>", {"format": "html"})
    assert result.status == "dropped"
    assert result.reason == "no text extracted from HTML"
    assert result.metadata["extraction"]["extractor"] == "none"


def test_missing_trafilatura_gives_an_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # what an uninstalled module looks like
    result = Pipeline([ExtractHtml()]).clean(PAGE, {"format": "html"})
    assert result.status == "error"
    assert "HTML input needs trafilatura: pip install 'cleanpipe[html]'" in (result.reason or "")


def test_stage_rejects_contradictory_bias():
    with pytest.raises(ValueError, match="cannot both"):
        ExtractHtml(favor_precision=True, favor_recall=True)


def test_reader_routes_html_gz_and_honours_meta_charset():
    doc = read_document(MIXED, PurePosixPath("news/tour.html.gz"))
    assert doc.metadata["format"] == "html" and "<li>June 9" in doc.text
    sjis = read_document(MIXED, PurePosixPath("news/kindle.htm"))
    assert sjis.metadata["encoding"] == "shift_jis"
    assert sjis.metadata["encoding_source"] == "declared"
    text = read_document(MIXED, PurePosixPath("cafe_cp1252.txt"))
    assert "format" not in text.metadata and text.metadata["encoding"] == "cp1252"


def test_mixed_directory_in_one_run(tmp_path: Path):
    source = tmp_path / "in"
    shutil.copytree(MIXED, source)
    result = run_directory(source, tmp_path / "out", Pipeline.default(), RunOptions(workers=1))
    records = [
        json.loads(line)
        for line in (tmp_path / "out/report.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    by_path = {r["path"]: r for r in records}
    assert set(by_path) == {
        "cafe_cp1252.txt",
        "seed_page.txt",
        "strassenbahn_utf16.txt",
        "news/ferry.html",
        "news/kindle.htm",
        "news/tour.html.gz",
    }
    assert all(r["status"] == "ok" for r in records), [r["reason"] for r in records]
    for path, record in by_path.items():
        is_html = path.startswith("news/")
        assert (record["metadata"].get("format") == "html") is is_html
        assert ("extraction" in record["metadata"]) is is_html
    encodings = {p: r["metadata"]["encoding"] for p, r in by_path.items()}
    assert encodings["cafe_cp1252.txt"] == "cp1252"
    assert encodings["strassenbahn_utf16.txt"] == "utf-16-le"
    tour = (tmp_path / "out/text/news/tour.txt").read_text(encoding="utf-8")
    assert "June 16 – Charlotte, NC" in tour  # the article's own list survives
    cafe = (tmp_path / "out/text/cafe_cp1252.txt").read_text(encoding="utf-8")
    assert "l’équipe a répondu" in cafe
    summary = json.loads((tmp_path / "out/summary.json").read_text(encoding="utf-8"))
    assert summary["documents"] == 6
    assert summary["encodings"] == {"cp1252": 1, "shift_jis": 1, "utf-16-le": 1, "utf-8": 3}
    assert sum(summary["extractors"].values()) == 3  # the three pages, whichever extractor
    assert result.exit_code == 0


_HTMLISH = st.lists(
    st.sampled_from(
        [
            "<p>",
            "</p>",
            "<div>",
            "</div>",
            "<h1>",
            "</h1>",
            "<li>",
            "<br>",
            "<script>x()</script>",
            "Read more: A headline",
            "By Jane Doe",
            "©",
            "The council met on Monday and approved the budget for next year.",
            "\n",
            " ",
            "&amp;",
            "<meta charset='utf-8'>",
            "Ünïcödé ，文字",
        ]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=20, deadline=None)
@given(_HTMLISH)
def test_html_path_never_raises_and_keeps_the_replay_contract(page):
    pipeline = Pipeline([ExtractHtml(), StripExtractionLeftovers()])
    result = pipeline.clean(page, {"format": "html"})
    assert result.status in ("ok", "dropped"), result.reason
    for removal in result.removals:
        assert result.input_text[removal.start : removal.end] == removal.text


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Read more: Five things to watch",
                "DON'T MISS",
                "By Jane Doe",
                "March 4, 2024",
                "Tags: a, b",
                "© 2024 Example",
                "The article goes on with a sentence.",
                "- an item",
                "Headline Of The Page",
                "",
                "Reporting by X; Editing by Y",
                "Sign up for our newsletter",
            ]
        ),
        max_size=25,
    ).map("\n".join)
)
def test_leftovers_remove_whole_lines_only(text):
    stage = StripExtractionLeftovers()
    output = stage(text, {"positions": "extracted_text", "title": "Headline Of The Page"})
    previous = 0
    for edit in output.edits:
        assert previous <= edit.start < edit.end <= len(text)
        assert edit.start == 0 or text[edit.start - 1] == "\n"
        assert edit.end == len(text) or text[edit.end - 1] == "\n"
        previous = edit.end


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<!DOCTYPE html><html>", True),
        ("\ufeff  <!-- x --><html lang=en>", True),
        ("<head><title>t</title>", True),
        ("Plain text that quotes <html> later.", False),
        ("<p>a fragment</p>", False),
    ],
)
def test_looks_like_html(text, expected):
    assert html_module.looks_like_html(text) is expected


def test_sniff_extracts_pages_that_arrive_without_format():
    assert ExtractHtml()(PAGE, {}).edits == ()
    output = ExtractHtml(sniff=True)(PAGE, {})
    assert len(output.edits) == 1 and "harbour ferry resumed" in output.edits[0].replacement


def test_extraction_must_come_before_removing_stages():
    with pytest.raises(ConfigError, match="must come before every stage that removes text"):
        Pipeline([StripExtractionLeftovers(), ExtractHtml()])
    Pipeline([FixEncoding(), ExtractHtml(), StripExtractionLeftovers()])  # a rewriter may


def test_leftovers_parameters_are_checked():
    with pytest.raises(ConfigError, match="tail_share must be between 0 and 1"):
        Pipeline.from_config({"stages": [{"strip_extraction_leftovers": {"tail_share": 2}}]})


BODY_AUTHOR_PAGE = """<html><head><title>Harbour ferry returns</title></head><body><article>
<h1>Harbour ferry returns</h1><p class="byline"><span class="author">Maria Lopez</span></p>
<p>The harbour ferry returned to service on Monday after a winter of repairs to its hull and
engines, the operator said in a statement.</p>
<p>Passengers waited on the quay from early morning, and the first crossing left on time with
every seat taken, according to the harbour master.</p></article></body></html>"""


def test_search_author_off_reads_the_author_from_meta_tags_only():
    searched = Pipeline([ExtractHtml()]).clean(BODY_AUTHOR_PAGE, {"format": "html"})
    unsearched = Pipeline([ExtractHtml(search_author=False)]).clean(
        BODY_AUTHOR_PAGE, {"format": "html"}
    )
    assert searched.metadata["author"] == "Maria Lopez"  # found in the body
    assert "author" not in unsearched.metadata
    assert unsearched.text == searched.text
    # an author in the meta tags is still read
    tagged = Pipeline([ExtractHtml(search_author=False)]).clean(PAGE, {"format": "html"})
    assert tagged.metadata["author"] == "Maria Lindqvist"
