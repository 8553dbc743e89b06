"""`Pipeline.clean` takes what an ETL job has in hand: a page's HTML is recognised without
`{"format": "html"}`, bytes are decoded as files are, and anything else fails at once."""

from __future__ import annotations

import pytest

from cleanpipe import Pipeline

PAGE = (
    "<!doctype html><html><head><title>Budget</title></head><body><article><p>The council "
    "approved the new budget on Monday after a long debate about schools, roads and the "
    "library.</p></article></body></html>"
)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.default()


def test_html_is_sniffed(pipeline: Pipeline) -> None:
    result = pipeline.clean(PAGE)
    assert result.status == "ok"
    assert "<" not in result.text and "The council approved" in result.text
    assert result.metadata["format"] == "html"


def test_format_text_turns_sniffing_off(pipeline: Pipeline) -> None:
    result = pipeline.clean(PAGE, {"format": "text"})
    assert "<article>" in result.input_text and "extraction" not in result.metadata


def test_text_that_only_quotes_a_tag_is_not_html(pipeline: Pipeline) -> None:
    text = "Write <html> at the top of the file, then the body follows below it.\n"
    assert "format" not in pipeline.clean(text).metadata


def test_bytes_are_decoded_as_files_are(pipeline: Pipeline) -> None:
    text = "Le café ouvre à neuf heures tous les matins, même le dimanche.\n"
    result = pipeline.clean(text.encode("cp1252"))
    assert result.status == "ok" and result.text == text
    assert result.metadata["encoding"] == "cp1252"


@pytest.mark.parametrize("value", [42, None, ["a list"]])
def test_anything_else_is_a_type_error_at_once(pipeline: Pipeline, value: object) -> None:
    with pytest.raises(TypeError, match="clean\\(\\) takes str or bytes"):
        pipeline.clean(value)  # type: ignore[arg-type]
