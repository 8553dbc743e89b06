"""Picking up after an earlier run in the same output directory.

A killed run leaves complete outputs (each renamed into place), a report that is valid up to
its last newline, and perhaps a temporary file. `--resume` keeps what is provably finished
(same config, same input bytes, output present), redoes the rest, and, like `--overwrite`,
prunes outputs the new report does not list, so the directory ends as a fresh run's would.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cleanpipe.io.atomic import TEMP_PREFIX, TEMP_SUFFIX
from cleanpipe.io.readers import (
    Entry,
    RejectedFileError,
    display_path,
    output_name,
    read_limited,
)

PlanItem = tuple[Entry, bytes | None]  # an entry, and its finished report line if known


def read_report(path: Path) -> list[bytes]:
    """The complete lines of an earlier report, each with its newline.

    A run killed mid-write leaves at most one torn line at the end: it has no newline, or
    does not parse, and is dropped together with anything after it.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    lines: list[bytes] = []
    for raw in data.split(b"\n")[:-1]:  # the piece after the last newline is torn or empty
        try:
            record = json.loads(raw)
        except ValueError:
            break
        if not isinstance(record, dict) or not isinstance(record.get("path"), str):
            break
        lines.append(raw + b"\n")
    return lines


def plan_resume(
    root: Path,
    text_dir: Path,
    entries: list[Entry],
    earlier: list[bytes],
    config_hash: str,
    skipped_line: Callable[[Entry], bytes],
) -> tuple[list[PlanItem], int, int]:
    """Which entries an earlier run already finished, and how much of its report stands.

    An earlier record is kept when it was made with the same config from the same input
    bytes (`config_sha256` and `metadata.bytes_sha256` in the report) and its output file
    exists (outputs are renamed into place, so existing means complete). Records are
    deterministic, so a kept line is byte for byte the line a fresh run would write.
    A name the scan skipped (a symlink, a FIFO) gets its line from `skipped_line`: remaking
    it costs nothing. Returns the plan, and the number of leading report lines (and their
    bytes) that stay.
    """
    by_path: dict[str, bytes] = {}
    for line in earlier:
        record = json.loads(line)
        if record.get("config_sha256") == config_hash:
            by_path[record["path"]] = line
    plan: list[PlanItem] = []
    for entry in entries:
        if entry.status is not None:  # a skipped name: its record costs nothing to remake
            plan.append((entry, skipped_line(entry)))
            continue
        kept = by_path.get(display_path(entry.relative))
        if kept is not None and not _still_valid(root, text_dir, entry, json.loads(kept)):
            kept = None
        plan.append((entry, kept))
    keep_lines = keep_bytes = 0
    for (_, planned), old in zip(plan, earlier, strict=False):
        if planned != old:
            break
        keep_lines += 1
        keep_bytes += len(old)
    return plan, keep_lines, keep_bytes


# Only these records are finished: an `error` (an output the full disk refused, a file that
# could not be read) is retried, whatever its input hash says.
FINISHED = frozenset({"ok", "dropped"})


def _still_valid(root: Path, text_dir: Path, entry: Entry, record: dict[str, Any]) -> bool:
    if record.get("status") not in FINISHED:
        return False
    if record.get("status") == "ok" and not (text_dir / output_name(entry.relative)).is_file():
        return False
    recorded = (record.get("metadata") or {}).get("bytes_sha256")
    if not recorded:
        return False  # the file was never read (an error): try it again
    try:
        # the hash of the whole file, as recorded, holding none of it
        return bool(recorded == read_limited(root / entry.relative, 0).sha256)
    except RejectedFileError:
        return False


def prune_outputs(text_dir: Path, produced: set[str]) -> None:
    """Delete outputs the report does not list: left by an earlier run in the same directory
    for inputs since deleted, or now dropped. Afterwards `text/` holds exactly what the
    report says, as after a run into an empty directory."""
    for dirpath, _, filenames in os.walk(text_dir):
        for name in filenames:
            path = Path(dirpath, name)
            if path.relative_to(text_dir).as_posix() not in produced:
                with contextlib.suppress(OSError):
                    path.unlink()


def remove_temporaries(text_dir: Path) -> None:
    """Delete temporary files a killed run left behind (never a finished output)."""
    for dirpath, _, filenames in os.walk(text_dir):
        for name in filenames:
            if name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX):
                with contextlib.suppress(OSError):
                    Path(dirpath, name).unlink()
