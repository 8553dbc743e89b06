"""Every example of the README and docs/ marked `<!-- readme-example: NAME -->` runs, as a
user would run it.

Each example is a fresh `python` process in an empty directory, so it cannot lean on state
from the test session, and whatever it writes stays in the temporary directory. The Ray
example is the exception: it runs in `tests/runs/test_ray.py` on the Ray that module already
started, since a second Ray start would cost CI another half minute.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MARKED = re.compile(r"<!-- readme-example: ([\w-]+) -->\n```python\n(.*?)```", re.DOTALL)
EXAMPLES = {
    name: code
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    for name, code in MARKED.findall(page.read_text(encoding="utf-8"))
}
# what each example needs beyond the base install
NEEDS = {"pyarrow": "pyarrow"}
RUN_ELSEWHERE = {"ray"}  # tests/runs/test_ray.py::test_readme_ray_example


def test_the_embedding_examples_are_all_there() -> None:
    assert {"loop", "pyarrow", "ray", "stage"} <= set(EXAMPLES), sorted(EXAMPLES)


@pytest.mark.parametrize("name", sorted(set(EXAMPLES) - RUN_ELSEWHERE))
def test_readme_example_runs(name: str, tmp_path: Path) -> None:
    needed = NEEDS.get(name)
    if needed and importlib.util.find_spec(needed) is None:
        pytest.skip(f"needs {needed}")
    done = subprocess.run(
        [sys.executable, "-c", EXAMPLES[name]],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"README example {name!r} failed:\n{done.stderr[-3000:]}"
