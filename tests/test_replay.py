"""`replay(input, record)`: a report record and its input rebuild the output."""

from __future__ import annotations

import json

import pytest

from cleanpipe import Pipeline, replay
from cleanpipe.replay import SpanError
from tests.fixture_cases import FIXTURES

DEFAULT = Pipeline.default()
SAMPLE = sorted((FIXTURES / "sample").glob("*.txt"))


@pytest.mark.parametrize("path", SAMPLE, ids=lambda p: p.name)
def test_a_record_replays_to_the_output_of_its_input(path):
    result = DEFAULT.clean(path.read_text(encoding="utf-8"), doc_id=path.name)
    record = json.loads(json.dumps(DEFAULT.record(result)))  # as read back from report.jsonl
    assert replay(result.input_text, record, DEFAULT) == result.text


def test_without_the_pipeline_replay_cuts_the_removals_only():
    text = (
        "Storm closes coastal road\n\nThe coastal road was closed on Sunday after storm "
        "damage, officials said.\n\nComments\n"
    )
    result = DEFAULT.clean(text)
    cut = replay(text, DEFAULT.record(result))
    assert "Comments" not in cut and "officials said." in cut
    assert len(cut) == len(text) - sum(len(r.text) for r in result.removals)


def test_a_changed_input_is_refused():
    text = (
        "Storm closes coastal road\n\nThe road was closed on Sunday, officials said.\n\nComments\n"
    )
    record = DEFAULT.record(DEFAULT.clean(text))
    assert record["removals"]
    with pytest.raises(SpanError, match="does not match the input"):
        replay(text.replace("Comments", "Kommentar"), record)


def test_a_dropped_document_replays_to_nothing():
    record = DEFAULT.record(DEFAULT.clean("   \n"))
    assert record["status"] == "dropped"
    assert replay("   \n", record, DEFAULT) == ""
