"""Interrupted runs: SIGKILL at any moment leaves only complete outputs and a report valid up
to its last full line, and `--resume` finishes with the same bytes as an uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cleanpipe import Pipeline
from cleanpipe.runs.directory import RunOptions, clean_file, run_directory

pytestmark = pytest.mark.slow  # kills real runs in subprocesses

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "sample"
RULES = [
    "fix_encoding",
    "strip_duplicate_title",
    "strip_comment_markers",
    "strip_link_lists",
    "canonicalize",
]

# A stage that only takes time, so that a kill lands between documents at a chosen point.
# It lives in a module on PYTHONPATH so that pool workers can unpickle it too.
SLOW_STAGE = '''
import time
from dataclasses import dataclass
from cleanpipe import Stage, StageOutput, param, register

@register("test_sleep")
@dataclass(frozen=True)
class Sleep(Stage):
    """Sleep, change nothing."""
    removes = False
    seconds: float = param(0.0, "how long")

    def __call__(self, text, metadata):
        time.sleep(self.seconds)
        return StageOutput()
'''
RUN = "import slowstage\nfrom cleanpipe.cli import main\nmain()\n"


def _corpus(root: Path, documents: int) -> Path:
    """Documents cut from the sample pages (different for each), plus names that are skipped."""
    source = root / "in"
    source.mkdir()
    lines = [
        ln
        for p in sorted(SAMPLE.glob("*.txt"))
        for ln in p.read_text("utf-8").splitlines()
        if ln.strip()
    ]
    for i in range(documents):
        start = (i * 7) % len(lines)
        body = lines[start : start + 5 + i % 11] or lines[:5]
        (source / f"doc_{i:03d}.txt").write_text("\n".join(body) + "\n", "utf-8")
    (source / "doc_010.txt").write_bytes(b"\x00\x01binary\x02\x03" * 8)
    (source / "doc_020.txt").write_bytes(b"   \n")
    (source / "doc_030_link.txt").symlink_to(source / "doc_000.txt")
    return source


def _config(root: Path, seconds: float) -> Path:
    config = root / "slow.yaml"
    stages = [*RULES[:-1], {"test_sleep": {"seconds": seconds}}, RULES[-1]]
    config.write_text(json.dumps({"stages": stages}), "utf-8")  # JSON is YAML
    (root / "slowstage.py").write_text(SLOW_STAGE, "utf-8")
    return config


def _start(root: Path, source: Path, out: Path, config: Path, *extra: str) -> subprocess.Popen:
    """`cleanpipe run` in its own process group (so a Ctrl-C can reach it and its workers)."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            RUN,
            "run",
            str(source),
            "--out",
            str(out),
            "-c",
            str(config),
            "-j",
            "1",
            *extra,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=_as_from_a_terminal,
    )


def _as_from_a_terminal() -> None:
    """Ctrl-C at its default, as a shell in a terminal starts a command. A job started with
    `&` (or under nohup) inherits SIGINT ignored, and then a run rightly ignores Ctrl-C too:
    run that way, this module's Ctrl-C test would see the run end 0."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _lines(out: Path) -> int:
    try:
        return (out / "report.jsonl").read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def _kill_after(process: subprocess.Popen, out: Path, lines: int) -> None:
    """SIGKILL once the report holds `lines` finished documents (or at once for 0)."""
    deadline = time.monotonic() + 60
    while lines and _lines(out) < lines and process.poll() is None:
        assert time.monotonic() < deadline, "the run never got that far"
        time.sleep(0.002)
    process.kill()
    process.wait()


def _texts(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out / "text")): p.read_bytes()
        for p in sorted((out / "text").rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, Path]:
    root = tmp_path_factory.mktemp("resume")
    source = _corpus(root, 40)
    config = _config(root, 0.01)
    reference = root / "reference"
    process = _start(root, source, reference, config)
    assert process.wait() == 0, process.stderr.read() if process.stderr else ""
    return root, source, config, reference


@pytest.mark.parametrize("kill_at", [0, 1, 13, 39])
def test_sigkill_then_resume_gives_the_uninterrupted_bytes(setup, kill_at):
    root, source, config, reference = setup
    out = root / f"killed_{kill_at}"
    _kill_after(_start(root, source, out, config), out, kill_at)
    expected_report = (reference / "report.jsonl").read_bytes()
    expected_texts = _texts(reference)
    # What a kill leaves: whole output files only, and a report that is a prefix of the
    # reference up to its last newline.
    if out.exists():
        for name, data in _texts(out).items():
            assert name.startswith(".cleanpipe-") or data == expected_texts[name]
        report = (out / "report.jsonl").read_bytes() if (out / "report.jsonl").exists() else b""
        complete = report[: report.rfind(b"\n") + 1]
        assert expected_report.startswith(complete)
        if 0 < kill_at < 30:  # far from the end: the kill surely landed mid-run
            assert complete.count(b"\n") < expected_report.count(b"\n")
    resumed = _start(root, source, out, config, "--resume")
    assert resumed.wait() == 0
    assert (out / "report.jsonl").read_bytes() == expected_report
    assert _texts(out) == expected_texts
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["documents"] == 41 and summary["resumed"] >= min(kill_at, 36)


def test_killed_twice_and_with_two_workers(setup):
    root, source, config, reference = setup
    out = root / "killed_twice"
    _kill_after(_start(root, source, out, config), out, 8)
    _kill_after(_start(root, source, out, config, "--resume", "-j", "2"), out, 25)
    assert _start(root, source, out, config, "--resume", "-j", "2").wait() == 0
    assert (out / "report.jsonl").read_bytes() == (reference / "report.jsonl").read_bytes()
    assert _texts(out) == _texts(reference)


def _rules_run(source: Path, out: Path, *, resume: bool = False, rules: list = RULES) -> bytes:
    result = run_directory(
        source,
        out,
        Pipeline.from_config({"stages": rules}),
        RunOptions(resume=resume, overwrite=not resume),
    )
    assert not result.interrupted
    return (out / "report.jsonl").read_bytes()


def test_a_torn_last_line_and_a_stray_temporary_file_are_cleaned_up(tmp_path):
    source = _corpus(tmp_path, 12)
    out = tmp_path / "out"
    expected = _rules_run(source, out)
    texts = _texts(out)
    lines = expected.splitlines(keepends=True)
    (out / "report.jsonl").write_bytes(b"".join(lines[:5]) + lines[5][:17])  # torn mid-line
    (out / "text" / ".cleanpipe-12345.tmp").write_bytes(b"half a fi")
    (out / "text" / sorted(texts)[-1]).unlink()  # an output written after the torn line
    assert _rules_run(source, out, resume=True) == expected
    assert _texts(out) == texts


def test_resume_redoes_what_changed(tmp_path):
    source = _corpus(tmp_path, 12)
    out = tmp_path / "out"
    _rules_run(source, out)
    (source / "doc_003.txt").write_text("A new title here\n\nA new body sentence.\n", "utf-8")
    victim = next(name for name in _texts(out) if name != "doc_003.txt")
    (out / "text" / victim).unlink()  # a missing output is redone, not trusted
    resumed = _rules_run(source, out, resume=True)
    fresh = _rules_run(source, tmp_path / "fresh")
    assert resumed == fresh
    assert _texts(out) == _texts(tmp_path / "fresh")
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["resumed"] == 13 - 2  # the 13 files read, less the changed and the missing


def test_resume_with_another_config_redoes_everything(tmp_path):
    source = _corpus(tmp_path, 6)
    out = tmp_path / "out"
    _rules_run(source, out)
    other = [r for r in RULES if r != "strip_link_lists"]
    resumed = _rules_run(source, out, resume=True, rules=other)
    assert resumed == _rules_run(source, tmp_path / "fresh", rules=other)
    assert json.loads((out / "summary.json").read_text("utf-8"))["resumed"] == 0


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl_c", "sigterm"])
def test_ctrl_c_flushes_the_report_prints_a_summary_and_exits_130(setup, signum):
    root, source, config, reference = setup
    out = root / f"interrupted_{signum}"
    process = _start(root, source, out, config, "-j", "2")
    deadline = time.monotonic() + 60
    while _lines(out) < 5:
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.002)
    if signum == signal.SIGINT:
        os.killpg(process.pid, signum)  # as a terminal does: the whole process group
    else:
        process.send_signal(signum)  # as a scheduler does: the main process
    assert process.wait(timeout=60) == 130
    stderr = process.stderr.read().decode() if process.stderr else ""
    assert "interrupted: outputs and report cover the documents above" in stderr
    assert "Traceback" not in stderr
    report = (out / "report.jsonl").read_bytes()
    assert report.endswith(b"\n") and (reference / "report.jsonl").read_bytes().startswith(report)
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["interrupted"] is True and summary["documents"] == report.count(b"\n")
    assert _group_ends(process.pid), "workers outlived the run"


def _group_ends(group: int, seconds: float = 20) -> bool:
    """True once no process of the run's process group (workers, forkserver) is left."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("flag", ["resume", "overwrite"])
def test_outputs_of_deleted_or_now_dropped_inputs_are_pruned(tmp_path, flag):
    source = _corpus(tmp_path, 12)
    out = tmp_path / "out"
    _rules_run(source, out)
    gone, dropped = sorted(_texts(out))[:2]
    (source / gone).unlink()
    (source / dropped).write_bytes(b"\x00\x01now binary\x02\x03" * 8)
    report = _rules_run(source, out, resume=flag == "resume")
    assert report == _rules_run(source, tmp_path / "fresh")
    assert _texts(out) == _texts(tmp_path / "fresh")
    assert gone not in _texts(out) and dropped not in _texts(out)


def test_resume_hands_an_outcomes_provider_only_the_unfinished_documents(tmp_path):
    source = _corpus(tmp_path, 8)
    out = tmp_path / "out"
    pipeline = Pipeline.from_config({"stages": RULES})
    expected = _rules_run(source, out)
    lines = expected.splitlines(keepends=True)
    (out / "report.jsonl").write_bytes(b"".join(lines[:5]))
    asked: list[str] = []

    def provider(root, relatives, pipeline, workers, max_bytes):  # what cleanpipe.runs.ray plugs in
        for relative in relatives:
            asked.append(str(relative))
            yield clean_file(pipeline, root, relative, max_bytes)

    run_directory(source, out, pipeline, RunOptions(resume=True), outcomes=provider)
    assert (out / "report.jsonl").read_bytes() == expected
    assert asked == [
        json.loads(line)["path"]
        for line in lines[5:]
        if not json.loads(line)["path"].endswith("_link.txt")
    ]


def test_resume_after_an_upgrade_redoes_everything(tmp_path, monkeypatch):
    import cleanpipe

    source = _corpus(tmp_path, 4)
    out = tmp_path / "out"
    _rules_run(source, out)
    monkeypatch.setattr(cleanpipe, "__version__", cleanpipe.__version__ + ".post1")
    _rules_run(source, out, resume=True)
    assert json.loads((out / "summary.json").read_text("utf-8"))["resumed"] == 0


def test_the_config_hash_covers_the_version_and_the_model_file(tmp_path, monkeypatch):
    import cleanpipe
    from cleanpipe.stages.boilerplate import StripBoilerplate
    from cleanpipe.stages.boilerplate.stage import model_bytes

    model = tmp_path / "model.json"
    model.write_bytes(model_bytes())
    packaged = Pipeline([StripBoilerplate()]).config_hash
    before = Pipeline([StripBoilerplate(model_path=str(model))]).config_hash
    model.write_bytes(model_bytes().replace(b'"second"', b' "second"', 1))  # same model, new file
    assert Pipeline([StripBoilerplate(model_path=str(model))]).config_hash != before
    monkeypatch.setattr(cleanpipe, "__version__", "9.9.9")
    assert Pipeline([StripBoilerplate()]).config_hash != packaged
