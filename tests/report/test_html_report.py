"""The HTML audit report: what a reviewer reads must be the run's removals, exactly, and safe."""

from __future__ import annotations

import html
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

from cleanpipe.cli import cli
from cleanpipe.pipeline import Pipeline, input_hash
from cleanpipe.report.html import ReportError, documents, links, write_report
from cleanpipe.report.html.corpus import Corpus, Examples, iter_records
from cleanpipe.runs import core
from cleanpipe.runs.directory import RunOptions, run_directory

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "sample"

# Stages that remove, plus the canonical form; no language model, so the tests stay quick.
CONFIG = {
    "name": "report-test",
    "stages": [
        "strip_duplicate_title",
        "strip_comment_markers",
        "strip_link_lists",
        "canonicalize",
    ],
}

HOSTILE_NAME = '<b>x<i onclick="t()"> &amp; o.txt'
HOSTILE = (
    "Breaking <script>document.title='PWNED'</script> news today\n"
    "Breaking <script>document.title='PWNED'</script> news today\n"
    "The mayor said the </pre><img src=x onerror=\"document.title='PWNED'\"> budget passed.\n"
    "Council members voted late on Tuesday after a long debate about the river bridge.\n"
    "Comments\n"
)


def make_run(
    tmp_path: Path, *, hostile: bool = True, pipeline: Pipeline | None = None
) -> tuple[Path, Path]:
    """A real run over the two seeds (and a hostile page): (input dir, output dir)."""
    source = tmp_path / "input"
    source.mkdir()
    for path in sorted(SAMPLE.iterdir()):
        shutil.copy(path, source / path.name)
    if hostile:
        (source / HOSTILE_NAME).write_text(HOSTILE, encoding="utf-8")
    out = tmp_path / "out"
    run_directory(source, out, pipeline or Pipeline.from_config(CONFIG), RunOptions(workers=1))
    return source, out


class PageParser(HTMLParser):
    """Collects what the tests check: the input pane's text, its marks, links, ids."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.input_text: list[str] = []
        self.marks: list[dict[str, str | None]] = []
        self.mark_text: list[str] = []
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.ids: set[str] = set()
        self.scripts = 0
        self._in_input = self._in_mark = self._pre_start = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "a" and found.get("href"):
            self.hrefs.append(str(found["href"]))
        if tag in ("script", "link") and (found.get("src") or found.get("href")):
            self.srcs.append(str(found.get("src") or found.get("href")))
        if tag == "script":
            self.scripts += 1
        if tag == "pre" and found.get("id") == "input":
            self._in_input = self._pre_start = True
        if tag == "mark" and self._in_input:
            self._in_mark = True
            self.marks.append(found)
            self.mark_text.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._in_input = False
        if tag == "mark":
            self._in_mark = False

    def handle_data(self, data: str) -> None:
        if self._pre_start and data.startswith("\n"):
            data = data[1:]  # as a browser does: one newline right after <pre> is dropped
        self._pre_start = False
        if self._in_input:
            self.input_text.append(data)
        if self._in_mark:
            self.mark_text[-1] += data


def parse(path: Path) -> PageParser:
    page = PageParser()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def records(out: Path) -> list[dict]:
    return list(iter_records(out))


def test_every_removal_is_highlighted_in_place_and_the_input_is_whole(tmp_path):
    source, out = make_run(tmp_path)
    stats = write_report(out)
    assert stats.documents == 3 and stats.inputs_missing == 0
    removed_rules = set()
    for index, record in enumerate(records(out)):
        page = parse(out / "report" / links.doc_path(index))
        original = (source / record["path"]).read_text(encoding="utf-8")
        assert "".join(page.input_text) == original
        assert page.mark_text == [r["text"] for r in record["removals"]]
        for mark, removal in zip(page.marks, record["removals"], strict=True):
            assert removal["stage"] in (mark["title"] or "")
            assert removal["rule"] in (mark["title"] or "")
            removed_rules.add(removal["rule"])
    # The run must exercise the report, or the checks above prove nothing.
    assert {"repeated_title", "comment_marker", "trailing_link_list"} <= removed_rules


def test_hostile_text_and_names_are_shown_as_text(tmp_path):
    _, out = make_run(tmp_path)
    write_report(out)
    index = next(i for i, r in enumerate(records(out)) if r["path"] == HOSTILE_NAME)
    raw = (out / "report" / links.doc_path(index)).read_text(encoding="utf-8")
    assert "&lt;script&gt;document.title='PWNED'&lt;/script&gt;" in raw
    assert "&lt;/pre&gt;&lt;img src=x" in raw
    assert "<b>x" not in raw and html.escape(HOSTILE_NAME, quote=False) in raw
    assert "&amp;amp;" in raw  # an entity in the name is shown, not decoded
    for page_path in (out / "report").rglob("*.html"):
        page = parse(page_path)
        assert page.scripts == 1, page_path  # only the report's own script tag
        assert "PWNED" not in "".join(page.srcs)
        text = page_path.read_text(encoding="utf-8")
        assert "<script>document" not in text and "<img src=x" not in text


def test_every_link_and_asset_resolves_and_nothing_comes_from_the_network(tmp_path):
    _, out = make_run(tmp_path)
    write_report(out)
    root = out / "report"
    pages = sorted(root.rglob("*.html"))
    assert len(pages) >= 3 + 1  # three documents and the overview at least
    for page_path in pages:
        page = parse(page_path)
        for href in page.hrefs + page.srcs:
            parts = urlsplit(href)
            assert not parts.scheme and not parts.netloc, f"{page_path}: external {href}"
            if not parts.path:
                continue  # a fragment on the same page
            target = (page_path.parent / unquote(parts.path)).resolve()
            assert target.is_file(), f"{page_path.relative_to(root)} links to missing {href}"
            assert root.resolve() in target.parents


def test_overview_counts_match_the_summary(tmp_path):
    _, out = make_run(tmp_path)
    write_report(out)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    overview = (out / "report" / "index.html").read_text(encoding="utf-8")
    page = parse(out / "report" / "index.html")
    assert {"rules", "statuses", "histogram", "most-removed", "least-removed"} <= page.ids
    rules_table = overview.split('<table id="rules">', 1)[1].split("</table>", 1)[0]
    for key, stats in summary["rules"].items():
        _, rule = key.split("/")
        row = next(r for r in rules_table.split("<tr>") if f">{rule}</a>" in r)
        assert f'<td class="n">{stats["documents"]:,}</td>' in row
        assert f'<td class="n">{stats["chars"]:,}</td>' in row
    assert f"{summary['documents']} documents" in overview


def test_inputs_moved_or_changed_are_said_not_guessed(tmp_path):
    source, out = make_run(tmp_path, hostile=False)
    first = records(out)[0]
    (source / first["path"]).write_text("something else entirely\n", encoding="utf-8")
    stats = write_report(out)
    assert stats.inputs_missing == 1
    page = parse(out / "report" / links.doc_path(0))
    raw = (out / "report" / links.doc_path(0)).read_text(encoding="utf-8")
    assert "changed since the run" in raw
    assert page.mark_text == [r["text"] for r in first["removals"]]  # removals still listed

    moved = tmp_path / "moved"
    source.rename(moved)
    assert write_report(out).inputs_missing == 2
    assert write_report(out, input_dir=moved).inputs_missing == 1  # the changed file still is


def test_rule_navigation_goes_to_the_next_document_with_that_rule(tmp_path):
    _, out = make_run(tmp_path, hostile=False)
    write_report(out)
    all_records = records(out)
    with_lists = [
        i
        for i, r in enumerate(all_records)
        if any(x["rule"] == "trailing_link_list" for x in r["removals"])
    ]
    assert len(with_lists) == 1, "the seeds give one trailing link list"
    target = with_lists[0]
    overview = (out / "report" / "index.html").read_text(encoding="utf-8")
    rule_id = int(re.search(r'href="lists/rule-(\d+)-1.html">trailing_link_list<', overview)[1])
    assert target > 0, "the seeds' link list is in their second document"
    page = parse(out / "report" / links.doc_path(0))
    assert f"../../{links.doc_path(target)}#only={rule_id}" in page.hrefs
    # On the last document with the rule, its "next" is greyed out rather than a link.
    raw = (out / "report" / links.doc_path(target)).read_text(encoding="utf-8")
    nav = raw.split('id="rulenav"', 1)[1].split("</table>", 1)[0]
    row = next(r for r in nav.split("<tr>") if "trailing_link_list" in r)
    assert '<td><span class="off">→</span></td></tr>' in row


def test_lists_are_paged_and_documents_split_into_folders(tmp_path, monkeypatch):
    monkeypatch.setattr(links, "ROWS_PER_LIST_PAGE", 2)
    monkeypatch.setattr(links, "DOCS_PER_FOLDER", 2)
    _, out = make_run(tmp_path)
    write_report(out)
    root = out / "report"
    assert sorted(p.name for p in (root / "lists").glob("all-*.html")) == [
        "all-1.html",
        "all-2.html",
    ]
    assert (root / "docs" / "000" / "000001.html").is_file()
    assert (root / "docs" / "001" / "000002.html").is_file()
    assert "all-2.html" in parse(root / "lists" / "all-1.html").hrefs


def test_rewriting_the_report_leaves_no_stale_pages(tmp_path):
    source, out = make_run(tmp_path)
    write_report(out)
    stale = out / "report" / "docs" / "000" / "000002.html"
    assert stale.is_file()
    (source / HOSTILE_NAME).unlink()
    run_directory(source, out, Pipeline.from_config(CONFIG), RunOptions(workers=1, overwrite=True))
    write_report(out)
    assert not stale.exists()
    assert not list(out.glob(".report*"))


def test_a_directory_that_is_not_a_run_is_refused(tmp_path):
    with pytest.raises(ReportError, match=r"no report\.jsonl"):
        write_report(tmp_path)


def test_cli_report_and_run_html_report(tmp_path):
    source, out = make_run(tmp_path)
    runner = CliRunner()
    result = runner.invoke(cli, ["report", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 documents" in result.output
    assert (out / "report" / "index.html").is_file()

    refused = runner.invoke(cli, ["report", str(source)])
    assert refused.exit_code == 2
    assert "is not a cleanpipe run" in refused.output

    config = tmp_path / "config.yaml"
    config.write_text(json.dumps(CONFIG), encoding="utf-8")  # JSON is YAML
    fresh = tmp_path / "fresh"
    ran = runner.invoke(
        cli,
        [
            "run",
            str(source),
            "--out",
            str(fresh),
            "-c",
            str(config),
            "-j",
            "1",
            "-q",
            "--html-report",
        ],
    )
    assert ran.exit_code == 0, ran.output
    assert (fresh / "report" / "index.html").is_file()
    assert len(list((fresh / "report" / "docs").rglob("*.html"))) == 3


PAGE_HTML = """<!doctype html><html><head><meta charset="utf-8"><title>Harbour road</title></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav><article>
<h1>Storm closes the harbour road</h1>
<p>The harbour road was closed on Monday after the storm tore away part of the sea wall,
and crews worked through the night to clear the stones that the waves had thrown up.</p>
<p>Officials said the road would stay closed until engineers had checked the foundations,
which could take until the end of the week, and asked drivers to use the bridge instead.</p>
<p>Fishermen said the damage was the worst they had seen in a decade.</p>
<p>Comments</p></article><footer>Copyright 2025 The Harbour Gazette</footer></body></html>
"""


def test_html_inputs_show_the_extracted_text_the_removals_point_into(tmp_path):
    source = tmp_path / "input"
    source.mkdir()
    (source / "harbour.html").write_text(PAGE_HTML, encoding="utf-8")
    out = tmp_path / "out"
    config = {"name": "html", "stages": ["extract_html", "strip_comment_markers", "canonicalize"]}
    run_directory(source, out, Pipeline.from_config(config), RunOptions(workers=1))
    (record,) = records(out)
    assert record["metadata"].get("positions") == "extracted_text"
    assert write_report(out).inputs_missing == 0
    shown = "".join(parse(out / "report" / links.doc_path(0)).input_text)
    assert "<article>" not in shown and "harbour road was closed" in shown
    assert input_hash(shown) == record["input_sha256"]


def test_a_torn_last_line_is_left_out_but_a_corrupt_line_is_refused(tmp_path):
    _, out = make_run(tmp_path, hostile=False)
    report = out / "report.jsonl"
    whole = report.read_text(encoding="utf-8")
    report.write_text(whole + '{"id": "half', encoding="utf-8")  # killed mid-write
    assert write_report(out).documents == 2
    report.write_text('{"id": "half\n' + whole, encoding="utf-8")
    with pytest.raises(ReportError, match=r"report\.jsonl:1: not a JSON record"):
        write_report(out)


def test_a_text_that_starts_with_blank_lines_keeps_them(tmp_path):
    source = tmp_path / "input"
    source.mkdir()
    (source / "a.txt").write_text(
        "\n\nHarbour news today\nHarbour news today\nBody.\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    run_directory(source, out, Pipeline.from_config(CONFIG), RunOptions(workers=1))
    write_report(out)
    raw = (out / "report" / links.doc_path(0)).read_text(encoding="utf-8")
    # A browser drops one newline after <pre>: the page must carry one more than the text.
    assert '<pre class="text" id="input">\n\n\nHarbour news today' in raw


def test_each_rule_page_shows_what_the_rule_removed(tmp_path):
    _, out = make_run(tmp_path)
    write_report(out)
    overview = (out / "report" / "index.html").read_text(encoding="utf-8")
    for rule_id, rule in re.findall(r'href="lists/rule-(\d+)-1.html">([^<]+)</a>', overview):
        page = (out / "report" / "lists" / f"rule-{rule_id}-1.html").read_text(encoding="utf-8")
        examples = page.split('<table id="examples">', 1)[1].split("</table>", 1)[0]
        expected = [
            (i, x["text"])
            for i, r in enumerate(records(out))
            for x in r["removals"]
            if x["rule"] == rule
        ]
        first_per_doc = dict(reversed(expected))  # document -> its first removal by the rule
        assert examples.count("<tr>") == len(first_per_doc) + 1  # and the head row
        for text in first_per_doc.values():
            shown = text[: Examples.EXCERPT].replace("\n", "⏎ ")
            assert html.escape(shown, quote=False) in examples


def test_examples_are_spread_over_the_whole_run():
    corpus = Corpus(
        Path(), {}, rules=["s/r"], rule_docs=[list(range(0, 2000, 2))], rule_ids={"s/r": 0}
    )
    examples = Examples(corpus, per_rule=10)
    assert sorted(examples.chosen[0]) == list(range(0, 2000, 200))
    removal = {"stage": "s", "rule": "r", "text": "x" * 500, "line_start": 4}
    examples.add(200, {"removals": [removal, removal]})  # sampled: first removal only
    examples.add(202, {"removals": [removal]})  # not sampled
    assert [(e.index, e.line, len(e.text)) for e in examples.by_rule[0]] == [
        (200, 4, Examples.EXCERPT + 1)
    ]


def test_a_pool_of_workers_writes_the_same_pages(tmp_path, monkeypatch):
    _, out = make_run(tmp_path)
    write_report(out, dest=tmp_path / "one", workers=1)
    monkeypatch.setattr(documents, "BATCH", 1)  # three batches, so the pool is used
    pools = []
    real_context = core.multiprocessing.get_context  # the run core's pool
    monkeypatch.setattr(
        core.multiprocessing,
        "get_context",
        lambda method: pools.append(method) or real_context(method),
    )
    stats = write_report(out, dest=tmp_path / "two", workers=2)
    assert pools, "the pool was not used"
    one = {
        p.relative_to(tmp_path / "one"): p.read_bytes()
        for p in (tmp_path / "one").rglob("*")
        if p.is_file()
    }
    two = {
        p.relative_to(tmp_path / "two"): p.read_bytes()
        for p in (tmp_path / "two").rglob("*")
        if p.is_file()
    }
    assert one == two and stats.files == len(two)
