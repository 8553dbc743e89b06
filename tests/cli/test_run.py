"""`cleanpipe run` as a user meets it: exit codes and the exact one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanpipe.cli import cli
from cleanpipe.io import readers

ARTICLE = "A title for the page\n\nThe article says something worth keeping here.\n"
# The rule-based stages, spelled out: these tests are about the runner, not about whichever
# stages the packaged default holds this week (and they skip langdetect's start-up cost).
RULE_STAGES = """stages:
  - fix_encoding
  - strip_duplicate_title
  - strip_comment_markers
  - strip_link_lists
  - canonicalize
"""


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["run", *args], catch_exceptions=False)
    return result.exit_code, result.stderr


@pytest.fixture
def rules(tmp_path: Path) -> str:
    path = tmp_path / "rules.yaml"
    path.write_text(RULE_STAGES, encoding="utf-8")
    return str(path)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    root.mkdir()
    (root / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "b.txt").write_text("Another page\n\nWith its own sentence to keep.\n", "utf-8")
    return root


CONFIG_ERRORS = [
    (
        "stages:\n  - strip_coments\n",
        "stages[0]: unknown stage 'strip_coments' (did you mean 'strip_comment_markers'?)",
    ),
    (
        "stages:\n  - strip_link_lists:\n      min_itemz: 3\n",
        "stages[0] (strip_link_lists): unknown parameter 'min_itemz' (did you mean 'min_items'?)"
        " (parameters: max_chars, max_words, min_items)",
    ),
    (
        "stages:\n  - strip_link_lists:\n      min_items: ten\n",
        "stages[0] (strip_link_lists): min_items: input should be a valid integer, unable to "
        "parse string as an integer, got 'ten'",
    ),
    (
        'stages: !!python/object/apply:os.system ["echo pwned"]\n',
        "invalid YAML (line 1, column 9): could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object/apply:os.system'",
    ),
    (
        'a: &a ["x", "x"]\nb: &b [*a, *a]\nc: &c [*b, *b]\nstages: [*c]\n',
        "YAML aliases (*name) are not allowed in configs",
    ),
    (
        "stages: [\n",
        "invalid YAML (line 2, column 1): expected the node content, but found '<stream end>'",
    ),
]


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    CONFIG_ERRORS,
    ids=["unknown_stage", "unknown_param", "wrong_type", "object_tag", "alias_bomb", "truncated"],
)
def test_config_errors_are_one_line_and_exit_2(corpus, tmp_path, yaml_text, message):
    config = tmp_path / "bad.yaml"
    config.write_text(yaml_text, encoding="utf-8")
    code, stderr = _run(str(corpus), "--out", str(tmp_path / "out"), "-c", str(config))
    assert code == 2
    assert stderr == f"error: {config}: {message}\n"
    assert not (tmp_path / "out").exists()  # nothing processed, nothing written


def test_missing_config(corpus, tmp_path):
    missing = tmp_path / "missing.yaml"
    code, stderr = _run(str(corpus), "--out", str(tmp_path / "out"), "-c", str(missing))
    assert (code, stderr) == (2, f"error: {missing}: config file not found\n")


def test_brackets_in_a_message_are_not_eaten_as_markup(corpus, tmp_path):
    missing = tmp_path / "[bold]draft[/bold].yaml"
    code, stderr = _run(str(corpus), "--out", str(tmp_path / "out"), "-c", str(missing))
    assert (code, stderr) == (2, f"error: {missing}: config file not found\n")


def test_missing_input_directory(tmp_path):
    code, stderr = _run(str(tmp_path / "nope"), "--out", str(tmp_path / "out"))
    assert (code, stderr) == (2, f"error: input directory not found: {tmp_path / 'nope'}\n")


@pytest.mark.parametrize("nested", ["out_in_input", "input_in_out"])
def test_nested_directories_are_refused_unless_allowed(tmp_path, nested):
    outer = tmp_path / "outer"
    inner = outer / "inner"
    inner.mkdir(parents=True)
    (inner / "a.txt").write_text(ARTICLE, "utf-8")
    (outer / "b.txt").write_text(ARTICLE, "utf-8")
    source, out = (outer, inner / "out") if nested == "out_in_input" else (inner, outer)
    code, stderr = _run(str(source), "--out", str(out), "-q")
    assert code == 2
    assert stderr == (
        f"error: output directory {out} and input directory {source} overlap; "
        "pass --allow-nested if you really mean it\n"
    )


def test_allow_nested_never_reads_its_own_output(tmp_path, rules):
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_text(ARTICLE, "utf-8")
    out = source / "out"
    for _ in range(2):  # the second run would read out/text/a.txt if it looked there
        code, _ = _run(
            str(source), "--out", str(out), "--allow-nested", "--overwrite", "-q", "-c", rules
        )
        assert code == 0
        paths = [json.loads(line)["path"] for line in (out / "report.jsonl").open()]
        assert paths == ["a.txt"]


def test_output_same_as_input_is_refused_even_when_nested_is_allowed(corpus):
    code, stderr = _run(str(corpus), "--out", str(corpus), "--allow-nested")
    assert (code, stderr) == (2, f"error: output directory {corpus} is the input directory\n")


def test_non_empty_output_needs_overwrite_or_resume(corpus, tmp_path, rules):
    out = tmp_path / "out"
    out.mkdir()
    (out / "precious.txt").write_text("mine", "utf-8")
    code, stderr = _run(str(corpus), "--out", str(out), "-q", "-c", rules)
    assert code == 2
    assert stderr == (
        f"error: output directory {out} is not empty; pass --overwrite to replace "
        "it or --resume to finish an interrupted run\n"
    )
    assert (out / "precious.txt").read_text("utf-8") == "mine"
    assert _run(str(corpus), "--out", str(out), "-q", "--overwrite", "-c", rules)[0] == 0
    assert _run(str(corpus), "--out", str(out), "-q", "--resume", "-c", rules)[0] == 0


def test_overwrite_and_resume_together_is_a_usage_error(corpus, tmp_path):
    code, stderr = _run(str(corpus), "--out", str(tmp_path / "o"), "--overwrite", "--resume")
    assert (code, stderr) == (
        2,
        "error: --overwrite and --resume contradict each other; pass one\n",
    )


def test_exit_0_when_all_documents_are_cleaned_or_dropped(corpus, tmp_path, rules):
    (corpus / "empty.txt").write_bytes(b"")
    assert _run(str(corpus), "--out", str(tmp_path / "out"), "-q", "-c", rules)[0] == 0


def _unreadable(monkeypatch, name: str) -> None:
    """Make one file unreadable (chmod 000 means nothing to root, who runs CI)."""
    real = readers.read_limited

    def read_limited(path: Path, limit: int | None) -> readers.FileBytes:
        if Path(path).name == name:
            raise readers.RejectedFileError("error", "cannot read: Permission denied")
        return real(path, limit)

    monkeypatch.setattr(readers, "read_limited", read_limited)


def test_exit_3_when_a_document_errors_and_the_rest_still_runs(
    corpus, tmp_path, monkeypatch, rules
):
    _unreadable(monkeypatch, "a.txt")
    out = tmp_path / "out"
    code, _ = _run(str(corpus), "--out", str(out), "-q", "-j", "1", "-c", rules)
    assert code == 3
    records = [json.loads(line) for line in (out / "report.jsonl").open()]
    assert [(r["path"], r["status"], r["reason"]) for r in records] == [
        ("a.txt", "error", "cannot read: Permission denied"),
        ("b.txt", "ok", None),
    ]
    assert sorted(p.name for p in (out / "text").iterdir()) == ["b.txt"]


def test_fail_fast_stops_at_the_first_error(corpus, tmp_path, monkeypatch, rules):
    _unreadable(monkeypatch, "a.txt")
    out = tmp_path / "out"
    code, stderr = _run(str(corpus), "--out", str(out), "-j", "1", "--fail-fast", "-c", rules)
    assert code == 3
    assert "stopped at the first error (--fail-fast)" in stderr
    assert len((out / "report.jsonl").read_text("utf-8").splitlines()) == 1
    assert json.loads((out / "summary.json").read_text("utf-8"))["stopped_early"] is True


def test_an_output_directory_that_cannot_be_made_is_a_usage_error(corpus, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", "utf-8")
    code, stderr = _run(str(corpus), "--out", str(blocker / "out"), "-q")
    assert code == 2
    assert stderr.startswith(f"error: cannot prepare output directory {blocker / 'out'}: ")
    assert stderr.count("\n") == 1
