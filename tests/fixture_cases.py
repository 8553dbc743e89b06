"""Loading the data-driven cases under `fixtures/`.

A case is a folder holding `input.txt`, `expected.txt` and `case.json`:

    {"description": "why this case exists",
     "params": {...},                      # stage parameters (stage cases only)
     "removals": [{"rule": "...", "text": "..."}],   # exactly what must be reported
     "expect": "pass",                     # or "xfail" for a known failure, with "reason"
     "metadata": {...},                    # the metadata the stage is given (stage cases)
     "output_metadata": {...}}             # metadata the stage must return (stage cases)

`fixtures/stages/<stage>/<case>/` runs one stage on its own and compares its raw output;
`fixtures/pipeline/<config>/<case>/` runs a whole packaged config.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
# The fixture texts the fast-path tests compare against their references (the large
# stress files aside: they would only slow the comparison down).
FIXTURE_TEXT_LIMIT = 500_000


def fixture_texts() -> list[Path]:
    """Every `.txt` under `fixtures/` below the size limit, sorted (never empty)."""
    paths = sorted(p for p in FIXTURES.rglob("*.txt") if p.stat().st_size < FIXTURE_TEXT_LIMIT)
    assert paths, "no fixtures found"
    return paths


CASE_KEYS = {"description", "params", "removals", "expect", "reason", "metadata", "output_metadata"}


@dataclass(frozen=True)
class Case:
    group: str  # stage name, or config name for pipeline cases
    name: str
    path: Path
    input: str
    expected: str
    spec: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.group}/{self.name}"


def load_cases(kind: str) -> list[Case]:
    cases = []
    for folder in sorted((FIXTURES / kind).glob("*/*/")):
        spec = json.loads((folder / "case.json").read_text(encoding="utf-8"))
        cases.append(
            Case(
                group=folder.parent.name,
                name=folder.name,
                path=folder,
                input=(folder / "input.txt").read_text(encoding="utf-8"),
                expected=(folder / "expected.txt").read_text(encoding="utf-8"),
                spec=spec,
            )
        )
    return cases


def as_param(case: Case) -> Any:
    """The case as a pytest parameter: a case marked `"expect": "xfail"` is a strict xfail."""
    marks = []
    if case.spec.get("expect") == "xfail":
        marks.append(pytest.mark.xfail(reason=case.spec.get("reason", ""), strict=True))
    return pytest.param(case, id=case.id, marks=marks)
