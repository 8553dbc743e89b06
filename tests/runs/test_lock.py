"""One run at a time per output directory: a second run refuses at once with a clear error;
the lock goes when its run ends, and the lock of a crashed run is stale and taken over."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanpipe import Pipeline
from cleanpipe.cli import cli
from cleanpipe.runs.datasets import run_dataset
from cleanpipe.runs.directory import RunError, RunOptions, run_directory
from cleanpipe.runs.lock import LOCK_NAME, OutputLock

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="flock: POSIX only")
RULES = Pipeline.from_config({"stages": ["fix_encoding", "canonicalize"]})
HOLD = (
    "import sys, time\nfrom pathlib import Path\nfrom cleanpipe.runs.lock import OutputLock\n"
    "lock = OutputLock(Path(sys.argv[1]))\nprint('held', flush=True)\ntime.sleep(60)\n"
)


@pytest.fixture
def source(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    root.mkdir()
    for i in range(3):
        (root / f"doc_{i}.txt").write_text(f"Document number {i} says something.\n", "utf-8")
    return root


def _holder(out: Path) -> subprocess.Popen[str]:
    """Another process holding the lock on `out`, as a running `cleanpipe run` would."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(out)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline() == "held\n"
    return process


def test_a_second_run_into_a_held_directory_refuses_at_once(tmp_path, source):
    out = tmp_path / "out"
    with OutputLock(out), pytest.raises(RunError, match="in use by another cleanpipe run"):
        run_directory(source, out, RULES, RunOptions(overwrite=True))
    assert not (out / "report.jsonl").exists()  # nothing written by the refused run


def test_a_dataset_run_takes_the_same_lock(tmp_path):
    data = tmp_path / "rows.jsonl"
    data.write_text(json.dumps({"id": "a", "text": "Some text here."}) + "\n", "utf-8")
    out = tmp_path / "out"
    with OutputLock(out), pytest.raises(RunError, match="in use by another cleanpipe run"):
        run_dataset(data, out, RULES)
    run_dataset(data, out, RULES)
    assert not (out / LOCK_NAME).exists()


def test_the_lock_goes_when_the_run_ends(tmp_path, source):
    out = tmp_path / "out"
    run_directory(source, out, RULES)
    assert not (out / LOCK_NAME).exists()
    run_directory(source, out, RULES, RunOptions(overwrite=True))  # the next run may start


def test_cli_refuses_while_another_process_holds_the_directory(tmp_path, source):
    out = tmp_path / "out"
    holder = _holder(out)
    try:
        result = CliRunner().invoke(cli, ["run", str(source), "-o", str(out), "--overwrite"])
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 2
    assert "in use by another cleanpipe run (pid" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_lock_of_a_crashed_run_is_stale_and_taken_over(tmp_path, source):
    out = tmp_path / "out"
    holder = _holder(out)
    holder.send_signal(signal.SIGKILL)  # a crash: no clean-up ran
    holder.wait()
    assert (out / LOCK_NAME).exists()
    result = run_directory(source, out, RULES)  # only a stale lock: the directory is empty
    assert result.exit_code == 0 and not (out / LOCK_NAME).exists()


def test_a_file_system_without_locks_runs_unguarded(tmp_path, source, monkeypatch):
    import errno

    from cleanpipe.runs import lock

    def no_locks(fd: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(lock.fcntl, "flock", no_locks)
    result = run_directory(source, tmp_path / "out", RULES)
    assert result.exit_code == 0 and not (tmp_path / "out" / LOCK_NAME).exists()
