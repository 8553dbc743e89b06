"""Every stage case under fixtures/stages: expected text and exactly the expected removals."""

from __future__ import annotations

import pytest

from cleanpipe import registry
from cleanpipe.config import make_stage
from cleanpipe.edits import apply_edits
from tests.fixture_cases import CASE_KEYS, as_param, load_cases

CASES = load_cases("stages")


@pytest.mark.parametrize("case", [as_param(c) for c in CASES])
def test_stage_case(case):
    stage = make_stage(registry.get(case.group), case.spec.get("params", {}))
    output = stage(case.input, case.spec.get("metadata", {}))
    assert apply_edits(case.input, output.edits) == case.expected
    for key, value in case.spec.get("output_metadata", {}).items():
        assert output.metadata.get(key) == value, key
    if stage.removes:
        got = [{"rule": e.rule, "text": case.input[e.start : e.end]} for e in output.edits]
        assert got == case.spec["removals"]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case_is_well_formed(case):
    assert registry.get(case.group) is not None, f"no stage named {case.group}"
    assert set(case.spec) <= CASE_KEYS, f"unknown keys {set(case.spec) - CASE_KEYS}"
    assert case.spec.get("description"), "every case says why it exists"
    assert case.spec.get("expect", "pass") in ("pass", "xfail")
    if registry.get(case.group).removes:
        assert "removals" in case.spec


def test_every_builtin_stage_has_cases():
    covered = {c.group for c in CASES}
    missing = set(registry.available()) - covered
    assert not missing, f"stages without fixture cases: {sorted(missing)}"
