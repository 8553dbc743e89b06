"""Stages and pipelines survive a standard pickle round trip and behave the same after it.

Process pools and Ray ship them to workers this way. The test walks `registry.available()`,
so every stage added later is covered without touching this file.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from cleanpipe import Pipeline, registry

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TEXTS = [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "sample").glob("*.txt"))] + [
    "Ein kurzer deutscher Satz über das Wetter in Berlin und die Bahn.\n",
    "Caf\u00c3\u00a9 \u2014 \r\nCOMMENTS\n\n\n",
    "",
]


@pytest.mark.parametrize("name", sorted(registry.available()))
def test_stage_round_trips_and_behaves_the_same(name: str) -> None:
    stage = registry.available()[name]()
    before = [stage(text, {}) for text in TEXTS]  # after use: lazily loaded models included
    copy = pickle.loads(pickle.dumps(stage))
    assert type(copy) is type(stage)
    assert copy == stage
    assert copy.params() == stage.params()
    assert [copy(text, {}) for text in TEXTS] == before


def test_pipeline_round_trips_and_gives_the_same_records() -> None:
    pipeline = Pipeline.default()
    before = [pipeline.record(pipeline.clean(text, doc_id=str(n))) for n, text in enumerate(TEXTS)]
    copy = pickle.loads(pickle.dumps(pipeline))
    assert copy.config_hash == pipeline.config_hash
    assert [copy.record(copy.clean(t, doc_id=str(n))) for n, t in enumerate(TEXTS)] == before
