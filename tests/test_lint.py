"""Style is part of the contract: ruff must pass on everything the repo ships."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")


@pytest.mark.skipif(RUFF is None, reason="ruff comes with the dev extra")
def test_ruff_is_clean():
    paths = ["src", "tests", "benchmarks", "training", "examples"]
    done = subprocess.run(
        [str(RUFF), "check", "--no-cache", *paths], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
