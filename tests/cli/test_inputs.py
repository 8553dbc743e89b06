"""One file, a glob, or standard input: `cleanpipe run page.txt`, `cleanpipe run
'crawl/**/*.html'`, `cat page.html | cleanpipe clean -`."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

import pytest
from click.testing import CliRunner

from cleanpipe.cli import cli
from cleanpipe.runs.select import matches, split_input

TEXT = "A title\n\nSome article text that is long enough to keep.\n"
PAGE = (
    "<html><body><p>The council approved the budget on Monday after a long debate about "
    "roads and schools.</p></body></html>"
)
RULES = "stages: [extract_html, fix_encoding, canonicalize]\n"


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "crawl" / "a" / "b").mkdir(parents=True)
    (tmp_path / "page.txt").write_text(TEXT, "utf-8")
    (tmp_path / "crawl" / "x.txt").write_text(TEXT, "utf-8")
    (tmp_path / "crawl" / "top.html").write_text(PAGE, "utf-8")
    (tmp_path / "crawl" / "a" / "b" / "deep.html").write_text(PAGE, "utf-8")
    (tmp_path / "rules.yaml").write_text(RULES, "utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _outputs(out: Path) -> list[str]:
    return sorted(p.relative_to(out / "text").as_posix() for p in (out / "text").rglob("*.txt"))


def test_run_one_file(tree: Path) -> None:
    done = CliRunner().invoke(cli, ["run", "page.txt", "-o", "out", "-c", "rules.yaml", "-q"])
    assert done.exit_code == 0, done.stderr
    assert _outputs(tree / "out") == ["page.txt"]
    assert (tree / "out" / "text" / "page.txt").read_text("utf-8") == TEXT


def test_run_a_glob_reaches_into_subfolders(tree: Path) -> None:
    args = ["run", "crawl/**/*.html", "-o", "out", "-c", "rules.yaml", "-q"]
    done = CliRunner().invoke(cli, args)
    assert done.exit_code == 0, done.stderr
    assert _outputs(tree / "out") == ["a/b/deep.txt", "top.txt"]


def test_clean_standard_input(tree: Path) -> None:
    done = CliRunner().invoke(cli, ["clean", "-", "-c", "rules.yaml"], input=PAGE.encode())
    assert done.exit_code == 0
    assert done.stdout.startswith("The council approved the budget")
    record = json.loads(done.stderr)
    assert record["path"] == "-" and record["status"] == "ok"
    assert record["metadata"]["format"] == "html"


def test_clean_a_file_with_the_record_in_a_file(tree: Path) -> None:
    args = ["clean", "page.txt", "-c", "rules.yaml", "--record", "r.json"]
    done = CliRunner().invoke(cli, args)
    assert done.exit_code == 0 and done.stdout == TEXT
    assert json.loads((tree / "r.json").read_text("utf-8"))["path"] == "page.txt"


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("**/*.html", "a.html", True),
        ("**/*.html", "x/y/a.html", True),
        ("*.html", "x/a.html", False),
        ("a/?.txt", "a/b.txt", True),
        ("[!x]*.txt", "x1.txt", False),
    ],
)
def test_glob_matching(pattern: str, path: str, expected: bool) -> None:
    assert matches(PurePosixPath(path), (pattern,)) is expected


def test_split_input(tree: Path) -> None:
    assert split_input(Path("crawl")) == (Path("crawl"), None)
    assert split_input(Path("page.txt")) == (Path(), ("page.txt",))
    assert split_input(Path("crawl/**/*.html")) == (Path("crawl"), ("**/*.html",))
