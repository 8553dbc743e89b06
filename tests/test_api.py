"""The Python API an ETL job uses: building pipelines, `clean`, `process`, report records."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import pytest
from click.testing import CliRunner

from cleanpipe import Document, Pipeline, Result, registry
from cleanpipe.cli import cli
from cleanpipe.config import ConfigError
from cleanpipe.io.readers import output_name, read_document
from cleanpipe.pipeline import default_config_path
from cleanpipe.stages import Canonicalize, StripDuplicateTitle

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ARTICLE = (
    "Harbour Bridge Reopens After Repairs\n"
    "Harbour Bridge Reopens After Repairs | City Post\n"
    "The bridge reopened on Monday after eight months of repairs to its cables.\n"
    "Engineers said the work finished two weeks early and under budget.\n"
    "3 Comments\n"
)


def sample_texts() -> list[str]:
    """Real pages to run through: the bundled sample (the seeds) and one made-up article."""
    files = sorted((FIXTURES / "sample").glob("*.txt"))
    assert files, "fixtures/sample/ holds the bundled sample pages"
    return [p.read_text(encoding="utf-8") for p in files] + [ARTICLE]


@pytest.fixture(scope="module")
def default() -> Pipeline:
    return Pipeline.default()


def test_default_is_the_packaged_config(default: Pipeline) -> None:
    with_yaml = Pipeline.from_yaml(Path(str(default_config_path())))
    assert default.to_config() == with_yaml.to_config()
    assert default.config_hash == with_yaml.config_hash


def test_from_config_and_from_stages_agree() -> None:
    from_dict = Pipeline.from_config(
        {"stages": [{"strip_duplicate_title": {"search_lines": 5}}, "canonicalize"]}
    )
    from_objects = Pipeline([StripDuplicateTitle(search_lines=5), Canonicalize()])
    assert from_dict.config_hash == from_objects.config_hash
    assert from_dict.clean(ARTICLE) == from_objects.clean(ARTICLE)


def test_from_config_rejects_a_bad_stage_with_one_line() -> None:
    with pytest.raises(ConfigError, match=r"unknown stage 'canonicalise' \(did you mean"):
        Pipeline.from_config({"stages": ["canonicalise"]})


def test_pipeline_refuses_what_is_not_a_stage() -> None:
    with pytest.raises(TypeError, match="not a stage"):
        Pipeline([lambda text, metadata: text])  # type: ignore[list-item]


def test_clean_returns_text_and_replayable_removals(default: Pipeline) -> None:
    result = default.clean(ARTICLE, doc_id="bridge")
    assert isinstance(result, Result) and result.ok and result.id == "bridge"
    assert "Harbour Bridge Reopens After Repairs | City Post" not in result.text
    assert "3 Comments" not in result.text
    assert "eight months of repairs" in result.text
    assert result.removals, "the repeated title and the comment marker are reported"
    for removal in result.removals:
        assert ARTICLE[removal.start : removal.end] == removal.text


def test_process_streams_lazily_over_dicts_documents_and_strings(default: Pipeline) -> None:
    def endless() -> Iterator[dict[str, str]]:
        for n in itertools.count():
            yield {"id": f"doc-{n}", "text": ARTICLE, "url": f"https://example.org/{n}"}

    first = list(itertools.islice(default.process(endless()), 3))  # never reads it all
    assert [r.id for r in first] == ["doc-0", "doc-1", "doc-2"]
    assert first[0].metadata["url"] == "https://example.org/0"  # other fields: metadata
    mixed = list(default.process([Document("d", ARTICLE), ARTICLE, {"text": ARTICLE}]))
    assert [r.id for r in mixed] == ["d", "1", "2"]
    assert len({r.text for r in mixed}) == 1


def test_process_rejects_a_record_without_text(default: Pipeline) -> None:
    with pytest.raises(TypeError, match="record 0 has no string 'text'"):
        list(default.process([{"id": "x", "body": "no text field"}]))


@pytest.mark.parametrize("name", sorted(registry.available()))
def test_every_stage_runs_on_its_own(name: str) -> None:
    """A stage is a plain callable: text and metadata in, edits that apply cleanly out."""
    stage = registry.available()[name]()
    for text in sample_texts():
        output = stage(text, {})
        previous = 0
        for edit in output.edits:
            assert previous <= edit.start <= edit.end <= len(text), (name, edit)
            previous = edit.end


def test_record_equals_the_cli_report_line_for_a_directory(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    for number, text in enumerate(sample_texts()):
        (source / f"page{number}.txt").write_text(text, encoding="utf-8")
    (source / "empty.txt").write_text("   \n", encoding="utf-8")
    out = tmp_path / "out"
    done = CliRunner().invoke(cli, ["run", str(source), "--out", str(out), "-q", "-j", "1"])
    assert done.exit_code == 0, done.output
    lines = (out / "report.jsonl").read_text(encoding="utf-8").splitlines()
    pipeline = Pipeline.default()
    assert len(lines) == len(sample_texts()) + 1
    for line in lines:
        from_cli = json.loads(line)
        relative = PurePosixPath(from_cli["path"])
        result = pipeline.run(read_document(source, relative))
        output = str(output_name(relative)) if result.ok else None
        assert pipeline.record(result, path=str(relative), output=output) == from_cli
        # and the same JSON text, not only equal values
        assert (
            json.dumps(
                pipeline.record(result, path=str(relative), output=output), ensure_ascii=False
            )
            == line
        )


def test_record_equals_the_cli_report_line_for_a_jsonl_row(tmp_path: Path) -> None:
    data = tmp_path / "rows.jsonl"
    texts = sample_texts()
    data.write_text(
        "".join(json.dumps({"id": f"r{n}", "text": t}) + "\n" for n, t in enumerate(texts)),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    done = CliRunner().invoke(cli, ["run", str(data), "--out", str(out), "-q", "-j", "1"])
    assert done.exit_code == 0, done.output
    lines = (out / "report.jsonl").read_text(encoding="utf-8").splitlines()
    pipeline = Pipeline.default()
    for number, (text, line) in enumerate(zip(texts, lines, strict=True)):
        record = pipeline.record(
            pipeline.clean(text, doc_id=f"r{number}"), path="rows.jsonl", output="rows.jsonl"
        )
        assert json.dumps(record, ensure_ascii=False) == line


def test_record_without_a_place_has_null_path_and_output(default: Pipeline) -> None:
    record = default.record(default.clean(ARTICLE, doc_id="a"))
    assert (record["path"], record["output"]) == (None, None)
    assert list(record)[:3] == ["id", "path", "output"]
    assert record["config_sha256"] == default.config_hash
    assert len(record["input_sha256"]) == 16
