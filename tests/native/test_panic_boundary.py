"""No Rust panic crosses into Python: it becomes a `NativeError`, and in a run, that document's
error record while the other documents go on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest

from cleanpipe import _native
from cleanpipe.pipeline import Pipeline
from cleanpipe.stage import UNCHANGED, Stage, StageOutput


def test_a_panic_is_a_normal_exception():
    with pytest.raises(_native.NativeError, match="native code panicked: boom"):
        _native._panic_for_tests("boom")
    # PyO3's own PanicException derives from BaseException; ours must be caught by the
    # `except Exception` that guards each document.
    assert issubclass(_native.NativeError, RuntimeError)


def test_the_module_keeps_working_after_a_panic():
    for _ in range(3):
        with pytest.raises(_native.NativeError):
            _native._panic_for_tests("again")
    model = _native.TreeModel(0.0, 1.0, 1, [([-1], [0.0], [-1], [-1], [0.25])])
    assert model.width == 1


@dataclass(frozen=True)
class _PanicsOnMarkedDocuments(Stage):
    """Panics in native code on documents holding PANIC (a test stage)."""

    def __call__(self, text: str, metadata: Mapping[str, Any]) -> StageOutput:
        if "PANIC" in text:
            _native._panic_for_tests("a bug met on this document")
        return UNCHANGED


def test_a_panic_on_one_document_is_its_error_record_and_the_run_goes_on():
    pipeline = Pipeline([_PanicsOnMarkedDocuments()])
    results = list(pipeline.process(["a fine document\n", "PANIC here\n", "another one\n"]))
    assert [r.status for r in results] == ["ok", "error", "ok"]
    assert "NativeError" in (results[1].reason or "")
    assert "a bug met on this document" in (results[1].reason or "")
