"""The throughput benchmark runs end to end on a tiny corpus (no timing is asserted), and the
fast paths it relies on give exactly what the plain code gives."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleanpipe.pipeline import Pipeline
from cleanpipe.runs.directory import _clean_all
from cleanpipe.stage import Line, split_lines
from cleanpipe.stages.boilerplate.trees import Tree, TreeEnsemble
from tests.oracles import trees as oracle
from tests.oracles.features import _char_counts

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))
import corpus  # noqa: E402  (benchmarks/ is not a package)


@pytest.mark.slow  # runs the benchmark scripts
def test_benchmark_smoke(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "throughput.py"),
            "--quick",
            "--input",
            str(BENCHMARKS.parent / "fixtures" / "sample"),
            "--work",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("| cleanpipe")]
    assert len(rows) == 2, done.stdout  # 1 and 2 workers
    assert "failed" not in done.stdout


def test_corpus_is_deterministic_and_mixed():
    pages = [
        ["Title of the page\n", "Menu\n", "Der Text ist “schön” und lang genug.\n"] * 3,
        ["Another title\n", "Body text with a curly ’ quote.\n"] * 4,
    ]
    spec = corpus.CorpusSpec(size_bytes=20_000, seed=3, mojibake_docs=0.3)
    first = list(corpus.generate(spec, pages))
    assert first == list(corpus.generate(spec, pages))
    assert sum(len(data) for _, data in first) >= 20_000
    texts = [data.decode("utf-8", "replace") for _, data in first]
    assert any("â€" in text for text in texts)  # some documents are mojibake
    assert any("“" in text for text in texts)  # and most are not


def reference_lines(text: str) -> list[Line]:
    lines, start, index = [], 0, 0
    while start < len(text):
        newline = text.find("\n", start)
        end = len(text) if newline == -1 else newline + 1
        body = text[start:] if newline == -1 else text[start:newline]
        lines.append(Line(index, start, end, body))
        start, index = end, index + 1
    return lines


@given(st.text(alphabet="ab \n\r\t", max_size=40))
def test_split_lines_matches_a_plain_loop(text):
    assert split_lines(text) == reference_lines(text)
    again = split_lines(text)  # the remembered split: equal, and a list of its own
    assert again == reference_lines(text)
    again.clear()
    assert split_lines(text) == reference_lines(text)


@given(st.text(max_size=60))
def test_character_counts_match_str_methods(text):
    letters = [c for c in text if c.isalpha()]
    assert _char_counts(text) == (
        len(letters),
        sum(c.isupper() for c in letters),
        sum(c.isdigit() for c in text),
        sum(not c.isalnum() and not c.isspace() for c in text),
    )


def _random_tree(rng: random.Random, n_features: int, depth: int) -> Tree:
    feature, threshold, left, right, value = [], [], [], [], []

    def grow(level: int) -> int:
        node = len(feature)
        feature.append(-1)
        threshold.append(0.0)
        left.append(-1)
        right.append(-1)
        value.append(rng.uniform(-1, 1))
        if level < depth and rng.random() < 0.8:
            feature[node] = rng.randrange(n_features)
            threshold[node] = rng.uniform(-2, 2)
            left[node] = grow(level + 1)
            right[node] = grow(level + 1)
        return node

    grow(0)
    return Tree(tuple(feature), tuple(threshold), tuple(left), tuple(right), tuple(value))


def test_compiled_tree_ensemble_matches_tree_walks():
    rng = random.Random(7)
    trees = tuple(_random_tree(rng, 6, 5) for _ in range(40))
    model = TreeEnsemble(tuple(f"f{i}" for i in range(6)), 0.1, 0.3, trees, {})
    for _ in range(500):
        row = [rng.choice([0.0, 1.0, rng.uniform(-3, 3)]) for _ in range(6)]
        assert model.probability(row) == oracle.probability(model, row)


def test_pool_stops_cleanly_when_the_consumer_leaves_early(tmp_path):
    for number in range(40):
        (tmp_path / f"{number:02d}.txt").write_text(f"Document {number}.\nSome text.\n")
    relatives = sorted(PurePosixPath(p.name) for p in tmp_path.glob("*.txt"))
    pipeline = Pipeline.from_config({"stages": ["canonicalize"]})
    outcomes = _clean_all(tmp_path, relatives, pipeline, 2, None)
    first = [next(outcomes) for _ in range(3)]
    outcomes.close()  # must return, not wait for the pool's feeder forever
    assert [outcome.relative for outcome in first] == ["00.txt", "01.txt", "02.txt"]
