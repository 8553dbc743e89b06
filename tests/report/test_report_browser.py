"""The HTML report as a user sees it: rendered by headless Chromium, scripts and all.

Needs Debian's `chromium` (`.ci/run` installs it); skipped with a reason when it is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from cleanpipe.pipeline import Pipeline
from cleanpipe.report.html import links, write_report
from cleanpipe.report.html.corpus import iter_records
from tests.report.test_html_report import HOSTILE_NAME, PageParser, make_run

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Locally a missing browser is a skip; in CI (`.ci/run` installs it) it must be there.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None and not os.environ.get("CI"),
        reason="chromium is not installed (apt-get install chromium)",
    ),
]

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    """A run with the default config over the seeds and a hostile page, and its report."""
    tmp = tmp_path_factory.mktemp("browser")
    _, out = make_run(tmp, pipeline=Pipeline.default())
    write_report(out)
    return out, list(iter_records(out))


def chromium(tmp_path: Path, *args: str) -> str:
    assert CHROMIUM is not None, "CI is set but chromium is missing: .ci/run installs it"
    profile = tmp_path / "profile"
    done = subprocess.run(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def dom(tmp_path: Path, page: Path, fragment: str = "") -> str:
    return chromium(tmp_path, "--dump-dom", page.as_uri() + fragment)


def parsed(html: str) -> PageParser:
    page = PageParser()
    page.feed(html)
    return page


def index_of(records: list[dict], predicate) -> int:
    return next(i for i, r in enumerate(records) if predicate(r))


def test_overview_renders_with_its_tables(report, tmp_path):
    out, records = report
    html = dom(tmp_path, out / "report" / "index.html")
    assert 'class="js"' in html.split(">", 2)[1]  # the report's script ran (CSP allows it)
    rules = html.split('<table id="rules">', 1)[1].split("</table>", 1)[0]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert len(summary["rules"]) >= 2, "the seeds should exercise several rules"
    for key, stats in summary["rules"].items():
        assert f">{key.split('/', 1)[1]}</a>" in rules
        assert f'<td class="n">{stats["chars"]:,}</td>' in rules
    assert '<svg id="histogram"' in html
    assert html.count('<a href="docs/000/') >= 2  # most and least removed link to documents
    assert f"{len(records)} documents" in html


def test_document_view_screenshot_shows_highlighted_removals(report, tmp_path):
    out, records = report
    index = max(range(len(records)), key=lambda i: len(records[i]["removals"]))
    page = out / "report" / links.doc_path(index)
    shot = tmp_path / "document.png"
    chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,1600", page.as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1280, 1600)
    assert len(data) > 40_000  # a page of text and colour, not a blank or error page

    html = dom(tmp_path, page)
    view = parsed(html)
    removals = records[index]["removals"]
    assert removals and view.mark_text == [r["text"] for r in removals]
    for mark, removal in zip(view.marks, removals, strict=True):
        assert f"{removal['stage']} · {removal['rule']}" in str(mark["title"])
    assert '<pre class="text" id="output">' in html


def test_filter_by_rule_from_the_address(report, tmp_path):
    out, records = report
    index = index_of(records, lambda r: len({x["rule"] for x in r["removals"]}) >= 2)
    page = out / "report" / links.doc_path(index)
    rules = sorted({str(m["data-r"]) for m in parsed(dom(tmp_path, page)).marks})
    assert len(rules) >= 2
    shown = rules[0]
    marks = parsed(dom(tmp_path, page, f"#only={shown}")).marks
    assert len(marks) == len(records[index]["removals"])
    for mark in marks:  # the script greyed out every other rule's highlights
        hidden = "off" in str(mark["class"]).split()
        assert hidden == (mark["data-r"] != shown), mark


def test_hostile_text_stays_text_in_the_browser(report, tmp_path):
    out, records = report
    index = index_of(records, lambda r: r["path"] == HOSTILE_NAME)
    html = dom(tmp_path, out / "report" / links.doc_path(index))
    assert "PWNED" not in html.split("</title>", 1)[0]  # no injected script ran
    assert "&lt;script&gt;document.title='PWNED'&lt;/script&gt;" in html
    assert "<img" not in html  # the img in the text never became an element
