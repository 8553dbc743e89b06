"""Hostile input: each broken file is cleaned or reported with a one-line reason, and the
documents around it come out exactly as they would on their own."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import Any

import pytest

from cleanpipe import Pipeline
from cleanpipe.io import readers
from cleanpipe.runs.directory import RunOptions, run_directory

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
GOOD = "A good page title\n\nA sentence of the article that must come out unchanged.\n"
NON_UTF8_NAME = os.fsdecode(b"caf\xe9.txt")  # a Latin-1 file name: not UTF-8


def _random(size: int, *, nul: bool) -> bytes:
    data = random.Random(6).randbytes(size)
    return data if nul else data.replace(b"\x00", b"\x01")


# name -> (bytes, expected status, expected reason or None)
FILES: dict[str, tuple[bytes, str, str | None]] = {
    "empty.txt": (b"", "dropped", "empty input"),
    "whitespace.txt": ("  \n\t\r\n \u3000\n".encode(), "dropped", "empty input"),
    # one stray NUL is dirt (fix_encoding removes it), judged by the same share as others
    "nul.txt": (b"text\x00with a NUL byte\n", "ok", None),
    "random.bin": (_random(4096, nul=True), "dropped", "binary file: 24% control characters"),
    "random_no_nul.bin": (
        _random(4096, nul=False),
        "dropped",
        "binary file: 24% control characters",
    ),
    "undecodable.txt": (b"caf\xe9 cr\xe8me br\xfbl\xe9e and \xff\xfe more\n", "ok", None),
    "utf16_no_bom.txt": (
        "Plain words in UTF-16 without a byte order mark.\n".encode("utf-16-le"),
        "ok",
        None,
    ),
    "cr_only.txt": (b"First line.\rSecond line.\rThird line.\r", "ok", None),
    "mixed_ends.txt": (b"one\r\ntwo\rthree\nfour\n\rfive", "ok", None),
    "controls.txt": (
        "Bell\x07 escape\x1b[31m red\x1b[0m bidi \u202eevil\u202c and "
        "\u2066isolate\u2069 and zero\u200bwidth\n".encode(),
        "ok",
        None,
    ),
    "name with spaces.txt": (GOOD.encode(), "ok", None),
    "ünïcödé ñame.txt": (GOOD.encode(), "ok", None),
    NON_UTF8_NAME: (GOOD.encode(), "ok", None),
    "zz_good.txt": (GOOD.encode(), "ok", None),
}


def _records(out: Path) -> dict[str, dict[str, Any]]:
    raw = (out / "report.jsonl").read_bytes()
    raw.decode("utf-8")  # the whole report is valid UTF-8, whatever the file names
    return {r["path"]: r for r in map(json.loads, raw.splitlines())}


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Any]:
    root = tmp_path_factory.mktemp("hostile")
    source, out = root / "in", root / "out"
    source.mkdir()
    for name, (data, _, _) in FILES.items():
        (source / name).write_bytes(data)
    (source / "dangling.txt").symlink_to(root / "nowhere.txt")
    (source / "loop_a.txt").symlink_to(source / "loop_b.txt")
    (source / "loop_b.txt").symlink_to(source / "loop_a.txt")
    (root / "secret.txt").write_text("outside the input tree\n", "utf-8")
    (source / "outside.txt").symlink_to(root / "secret.txt")
    (source / "inside_link.txt").symlink_to(source / "zz_good.txt")
    os.mkfifo(source / "fifo.txt")  # reading it would block forever
    (source / "dir_named.txt").mkdir()  # a folder named like a file: walked, not read
    (source / "dir_named.txt" / "inner.txt").write_bytes(GOOD.encode())
    (source / ".hidden.txt").write_bytes(GOOD.encode())
    result = run_directory(source, out, RULES, RunOptions(workers=1))
    return source, out, result


@pytest.mark.parametrize("name", sorted(FILES))
def test_each_file_is_cleaned_or_reported(hostile_run, name):
    _, out, _ = hostile_run
    _, status, reason = FILES[name]
    record = _records(out)[readers.display_path(name)]
    assert (record["status"], record["reason"]) == (status, reason)
    output = out / "text" / readers.output_name(Path(name))  # type: ignore[arg-type]
    assert output.exists() == (status == "ok")
    if status == "ok":
        text = output.read_text("utf-8")
        assert text == text.strip() + "\n"
        assert "\r" not in text and "\x00" not in text


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("dangling.txt", "dangling symlink"),
        ("loop_a.txt", "symlink loop"),
        ("outside.txt", "symlink not followed (pass --follow-symlinks)"),
        ("inside_link.txt", "symlink not followed (pass --follow-symlinks)"),
        ("fifo.txt", "not a regular file (FIFO, socket or device)"),
    ],
)
def test_names_that_are_not_files_are_reported_as_dropped(hostile_run, path, reason):
    _, out, _ = hostile_run
    record = _records(out)[path]
    assert (record["status"], record["reason"], record["output"]) == ("dropped", reason, None)


def test_the_run_reports_every_name_in_order_and_good_documents_are_untouched(hostile_run):
    _, out, result = hostile_run
    paths = list(_records(out))
    assert paths == sorted(paths)  # sorted names (the non-UTF-8 one shown escaped)
    assert "dir_named.txt/inner.txt" in paths and ".hidden.txt" not in paths
    assert result.exit_code == 0
    alone = RULES.clean(GOOD).text
    for name in ("zz_good.txt", "name with spaces.txt", "ünïcödé ñame.txt", NON_UTF8_NAME):
        assert (out / "text" / name).read_text("utf-8") == alone


def test_a_non_utf8_name_is_escaped_in_the_report_and_kept_on_disk(hostile_run):
    _, out, _ = hostile_run
    record = _records(out)["caf\\xe9.txt"]
    assert record["output"] == "caf\\xe9.txt"
    assert os.fsencode(out / "text" / NON_UTF8_NAME).endswith(b"caf\xe9.txt")


def test_control_and_bidi_characters(hostile_run):
    _, out, _ = hostile_run
    text = (out / "text" / "controls.txt").read_text("utf-8")
    assert not any(ord(c) < 0x20 and c != "\n" for c in text)
    assert "\u200b" not in text


def test_utf16_without_bom_is_decoded(hostile_run):
    _, out, _ = hostile_run
    assert _records(out)["utf16_no_bom.txt"]["metadata"]["encoding"] == "utf-16-le"
    assert (out / "text" / "utf16_no_bom.txt").read_text("utf-8") == (
        "Plain words in UTF-16 without a byte order mark.\n"
    )


def test_follow_symlinks_still_never_leaves_the_tree(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_text(GOOD, "utf-8")
    (tmp_path / "secret.txt").write_text("outside\n", "utf-8")
    (source / "link_out.txt").symlink_to(tmp_path / "secret.txt")
    (source / "link_in.txt").symlink_to(source / "a.txt")
    (source / "sub").mkdir()
    (source / "sub" / "up").symlink_to(source, target_is_directory=True)  # a directory loop
    (source / "escape").symlink_to(tmp_path, target_is_directory=True)
    run_directory(source, tmp_path / "out", RULES, RunOptions(follow_symlinks=True))
    records = _records(tmp_path / "out")
    assert {p: (r["status"], r["reason"]) for p, r in records.items()} == {
        "a.txt": ("ok", None),
        "escape": ("dropped", "symlink out of the input tree (never followed)"),
        "link_in.txt": ("ok", None),
        "link_out.txt": ("dropped", "symlink out of the input tree (never followed)"),
        "sub/up": ("dropped", "symlink loop (directory links to its parent)"),
    }


def test_an_unreadable_file_is_an_error_and_the_run_goes_on(tmp_path, monkeypatch):
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_text(GOOD, "utf-8")
    (source / "b.txt").write_text(GOOD, "utf-8")
    real_open = os.open

    def deny(path: Any, *args: Any, **kwargs: Any) -> int:  # chmod 000 means nothing to root
        if str(path).endswith("a.txt"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(readers.os, "open", deny)
    result = run_directory(source, tmp_path / "out", RULES)
    records = _records(tmp_path / "out")
    assert (records["a.txt"]["status"], records["a.txt"]["reason"]) == (
        "error",
        "cannot read: Permission denied",
    )
    assert records["b.txt"]["status"] == "ok"
    assert result.exit_code == 3


def test_an_unlistable_directory_is_an_error(tmp_path, monkeypatch):
    source = tmp_path / "in"
    (source / "locked").mkdir(parents=True)
    (source / "a.txt").write_text(GOOD, "utf-8")
    real_scandir = os.scandir

    def scandir(path: Any) -> Any:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(readers.os, "scandir", scandir)
    run_directory(source, tmp_path / "out", RULES)
    records = _records(tmp_path / "out")
    assert (records["locked"]["status"], records["locked"]["reason"]) == (
        "error",
        "cannot list directory: Permission denied",
    )
    assert records["a.txt"]["status"] == "ok"


@pytest.mark.slow
def test_a_very_deep_tree_does_not_hit_the_recursion_limit(tmp_path):
    source = tmp_path / "in"
    deep = source
    for _ in range(1100):  # deeper than Python's recursion limit
        deep = deep / "d"
        deep.mkdir(parents=True)
    (deep / "a.txt").write_text(GOOD, "utf-8")
    try:
        assert [len(p.parts) for p in readers.discover(source)] == [1101]
    finally:  # shutil.rmtree (pytest's clean-up) recurses, so take the tree down here
        (deep / "a.txt").unlink()
        while deep != source:
            deep.rmdir()
            deep = deep.parent


def test_output_names_that_clash_or_cannot_be_written_are_errors(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "page.md").write_text(GOOD, "utf-8")
    (source / "page.txt").write_text(GOOD, "utf-8")
    long_name = "x" * 255  # a legal input name whose output name (+ ".txt") is too long
    (source / long_name).write_text(GOOD, "utf-8")
    result = run_directory(source, tmp_path / "out", RULES)
    records = _records(tmp_path / "out")
    assert records["page.md"]["status"] == "ok"
    assert (records["page.txt"]["status"], records["page.txt"]["reason"]) == (
        "error",
        "output name page.txt already written for page.md",
    )
    assert (records[long_name]["status"], records[long_name]["reason"]) == (
        "error",
        "cannot write output: File name too long",
    )
    assert result.exit_code == 3
    assert sorted(p.name for p in (tmp_path / "out" / "text").iterdir()) == ["page.txt"]


def test_a_long_line_and_many_short_lines(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    words = "lorem ipsum dolor sit amet, consectetur adipiscing elit. "
    long_line = (words * (5_000_000 // len(words))).strip() + "\n"
    (source / "long_line.txt").write_text(long_line, "utf-8")
    # 50,000 lines keep the test quick; 300,000 were run by hand (docs/reliability.md).
    many = "A title unlike the lines below\n" + "".join(
        f"Line number {i} of many.\n" for i in range(50_000)
    )
    (source / "many_lines.txt").write_text(many, "utf-8")
    run_directory(source, tmp_path / "out", RULES, RunOptions(max_doc_bytes=None))
    records = _records(tmp_path / "out")
    assert records["long_line.txt"]["status"] == "ok"
    assert (tmp_path / "out" / "text" / "long_line.txt").read_text("utf-8") == long_line
    assert records["many_lines.txt"]["status"] == "ok"
    text = (tmp_path / "out" / "text" / "many_lines.txt").read_text("utf-8")
    assert text.count("\n") == 2 * 50_001 - 1  # one blank line between paragraphs
    # with the default limit (2 MB) the 5 MB line is cut, at a character boundary
    run_directory(source, tmp_path / "limited", RULES)
    cut = _records(tmp_path / "limited")["long_line.txt"]
    assert cut["status"] == "ok"
    assert cut["metadata"]["truncated"] == {"bytes": len(long_line), "kept_bytes": 2_000_000}
    kept = (tmp_path / "limited" / "text" / "long_line.txt").read_text("utf-8")
    assert long_line.startswith(kept.rstrip())


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 file (CI runs as root)")
def test_chmod_000_is_an_error(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "locked.txt").write_text(GOOD, "utf-8")
    (source / "locked.txt").chmod(0)
    run_directory(source, tmp_path / "out", RULES)
    record = _records(tmp_path / "out")["locked.txt"]
    assert (record["status"], record["reason"]) == ("error", "cannot read: Permission denied")
