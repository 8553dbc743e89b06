"""Documents over the size limit are cut at a line break, reported, and hashed whole."""

from __future__ import annotations

import gzip
import json
from pathlib import PurePosixPath

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanpipe import Pipeline
from cleanpipe.cli import cli
from cleanpipe.io.readers import bytes_hash, cut_document, read_document, read_limited
from cleanpipe.runs.directory import RunOptions, run_directory

RULES = Pipeline.from_config({"stages": ["fix_encoding", "strip_comment_markers", "canonicalize"]})


def test_cut_ends_at_a_line_break_in_the_second_half():
    data = b"first line\nsecond line\nthird line goes on and on"
    assert cut_document(data, 30) == b"first line\nsecond line\n"


def test_cut_without_a_near_line_break_keeps_whole_characters():
    data = "x" * 9 + "é" + "tail"  # é is two bytes, at 9 and 10: a cut at 10 splits it
    assert cut_document(data.encode(), 10) == b"x" * 9
    assert cut_document(data.encode(), 11) == ("x" * 9 + "é").encode()


def test_cut_of_utf16_keeps_whole_code_units():
    data = "\ufeffline one\nline two\n".encode("utf-16-le")
    assert len(cut_document(data, 15)) == 12
    assert cut_document(data, 15).decode("utf-16-le") == "\ufeffline "


def test_short_data_is_not_cut():
    assert cut_document(b"short\n", 100) == b"short\n"


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=300), st.integers(min_value=1, max_value=400))
def test_a_cut_is_a_prefix_of_whole_utf8_characters(text, limit):
    data = text.encode("utf-8", "surrogatepass")
    cut = cut_document(data, limit)
    assert len(cut) <= limit and data.startswith(cut)
    if len(data) > limit and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        cut.decode("utf-8", "surrogatepass")  # never half a character
        assert len(cut) >= limit - 3 or cut.endswith(b"\n")


def test_read_limited_keeps_the_limit_and_hashes_the_whole_file(tmp_path):
    data = b"".join(b"line %d of a long file\n" % i for i in range(100_000))  # 2.3 MB
    path = tmp_path / "big.txt"
    path.write_bytes(data)
    found = read_limited(path, 1000)
    assert len(found.data) <= 1000 and found.data.endswith(b"\n")
    assert data.startswith(found.data)
    assert found.size == len(data)
    assert found.sha256 == bytes_hash(data)  # what --resume compares
    assert read_limited(path, None).data == data


def test_a_document_over_the_limit_is_cleaned_as_far_as_the_cut_and_reported(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    long_text = "Title\n" + "".join(f"Paragraph {i} of a long text.\n" for i in range(200))
    (source / "long.txt").write_text(long_text, encoding="utf-8")
    (source / "short.txt").write_text("Title\nA short text.\nComments\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        ["run", str(source), "--out", str(out), "--max-doc-mb", "0.001", "-j", "1"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    assert "truncated: 1 documents" in result.stderr
    records = {r["path"]: r for r in map(json.loads, (out / "report.jsonl").open())}
    kept = records["long.txt"]["metadata"]["truncated"]
    assert kept["bytes"] == len(long_text.encode()) and kept["kept_bytes"] <= 1000
    cleaned = (out / "text" / "long.txt").read_text(encoding="utf-8")
    lines_read = long_text[: kept["kept_bytes"]].splitlines()  # ASCII: bytes are characters
    assert lines_read[-1] == "Paragraph 33 of a long text."
    assert [line for line in cleaned.splitlines() if line] == lines_read
    assert "truncated" not in records["short.txt"]["metadata"]
    assert records["short.txt"]["removals"][0]["text"].strip() == "Comments"
    assert json.loads((out / "summary.json").read_text())["truncated"] == 1


def test_no_limit_reads_everything(tmp_path):
    text = "Title\n" + "Some words here.\n" * 1000
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    document = read_document(tmp_path, PurePosixPath("a.txt"), None)
    assert document.text == text and "truncated" not in document.metadata
    out = tmp_path.parent / "out-nolimit"
    run_directory(tmp_path, out, RULES, RunOptions(max_doc_bytes=None))
    record = json.loads((out / "report.jsonl").read_text())
    assert "truncated" not in record["metadata"]


def test_a_gzipped_page_is_cut_once_gunzipped(tmp_path):
    pytest.importorskip("trafilatura")
    page = "<html><body>" + "<p>A sentence of the article.</p>\n" * 200 + "</body></html>"
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(page.encode()))
    document = read_document(tmp_path, PurePosixPath("page.html.gz"), 500)  # 2,000 for HTML
    assert 1000 < len(document.text.encode()) <= 2000 and page.startswith(document.text)
    assert document.metadata["truncated"] == {
        "bytes": len(page),
        "kept_bytes": len(document.text.encode()),
    }


def test_a_dataset_row_over_the_limit_is_cut_and_reported(tmp_path):
    data = tmp_path / "rows.jsonl"
    long_text = "Title\n" + "".join(f"Paragraph {i} of a long text.\n" for i in range(200))
    rows = [{"id": "long", "text": long_text}, {"id": "short", "text": "Title\nShort text.\n"}]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        ["run", str(data), "--out", str(out), "--max-doc-mb", "0.001", "-j", "1"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    records = {r["id"]: r for r in map(json.loads, (out / "report.jsonl").open())}
    cut = records["long"]["metadata"]["truncated"]
    assert cut == {"bytes": len(long_text), "kept_bytes": cut["kept_bytes"]}
    assert cut["kept_bytes"] <= 1000
    assert "truncated" not in records["short"]["metadata"]
    written = {r["id"]: r["text"] for r in map(json.loads, (out / "rows.jsonl").open())}
    assert "Paragraph 33 of a long text." in written["long"]
    assert "Paragraph 34 " not in written["long"]
    assert json.loads((out / "summary.json").read_text())["truncated"] == 1


def test_a_row_cut_keeps_whole_characters():
    from cleanpipe.io.rows import clean_row

    text = "é" * 600  # 1,200 bytes, no line break: the cut falls at a character boundary
    cleaned, record = clean_row(RULES, "1", text, max_bytes=1001)
    assert cleaned == "é" * 500 + "\n"  # canonical: one final line break
    assert record["metadata"]["truncated"] == {"bytes": 1200, "kept_bytes": 1000}


def test_resume_keeps_a_truncated_document(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_text("Title\n" + "A line of text.\n" * 300, encoding="utf-8")
    (source / "b.txt").write_text("Title\nShort.\n", encoding="utf-8")
    out = tmp_path / "out"
    options = RunOptions(max_doc_bytes=500)
    run_directory(source, out, RULES, options)
    expected = (out / "report.jsonl").read_bytes()
    asked: list[str] = []

    def provider(root, relatives, pipeline, workers, max_bytes):
        from cleanpipe.runs.directory import clean_file

        for relative in relatives:
            asked.append(str(relative))
            yield clean_file(pipeline, root, relative, max_bytes)

    run_directory(source, out, RULES, RunOptions(max_doc_bytes=500, resume=True), outcomes=provider)
    assert asked == []  # both kept: the truncated one's hash is of the whole file
    assert (out / "report.jsonl").read_bytes() == expected


def test_an_oversized_gzip_archive_is_an_error_without_reading_it_whole(tmp_path, monkeypatch):
    from cleanpipe.io import readers

    monkeypatch.setattr(readers, "MAX_HTML_BYTES", 100)
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(bytes(range(256)) * 10, 0))
    with pytest.raises(readers.RejectedFileError, match="larger than 100 bytes"):
        read_document(tmp_path, PurePosixPath("page.html.gz"), None)
