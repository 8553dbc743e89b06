"""Atomic writes: a file appears whole under its name, or not at all."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

TEMP_PREFIX = ".cleanpipe-"  # hidden, so a later scan of the output never reads it
TEMP_SUFFIX = ".tmp"
_O_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation


def write_atomic(path: Path, data: bytes, made: set[Path] | None = None) -> None:
    """Write via a temporary file and rename, so a killed run never leaves half a file.

    Only the main process writes, one file at a time, so one temporary name per directory
    and process is enough (and short: a long input name must not overflow NAME_MAX).
    `made` remembers the directories already created, sparing a system call per file.
    """
    folder = path.parent
    if made is None or folder not in made:
        folder.mkdir(parents=True, exist_ok=True)
        if made is not None:
            made.add(folder)
    temporary = folder / f"{TEMP_PREFIX}{os.getpid()}{TEMP_SUFFIX}"
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _O_BINARY, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        temporary.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
