"""One run at a time per output directory: a lock file in OUT, held for the whole run.

Two runs writing one directory interleave their report lines and overwrite each other's
texts, and both exit 0. The lock is an advisory `flock` on `OUT/.cleanpipe.lock`: the kernel
releases it when its process ends, however it ends, so the lock of a crashed run is stale by
construction and the next run takes it over. The file names its holder (pid and host) for
the error message, and is removed when the run ends.
"""

from __future__ import annotations

import contextlib
import errno
import os
import socket
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows has no flock: runs there are not guarded
    fcntl = None  # type: ignore[assignment]

# What flock says when another process holds the lock (anything else: locks unsupported).
_HELD = frozenset({errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES})
LOCK_NAME = ".cleanpipe.lock"  # hidden: a scan of OUT (a nested run) never reads it


class OutputLockedError(Exception):
    """Another live run holds the output directory; the message says which."""


class OutputLock:
    """The held lock of one output directory; `with` releases it (and removes the file)."""

    def __init__(self, out_dir: Path) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        self.path = out_dir / LOCK_NAME
        self._fd: int | None = _acquire(self.path) if fcntl is not None else None

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            self.path.unlink()  # while still held: no other run is between its open and lock
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> OutputLock:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()


def _acquire(path: Path) -> int | None:
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in _HELD:  # a file system without locks (NFS without lockd)
                os.close(fd)
                with contextlib.suppress(OSError):
                    path.unlink()
                return None  # such a run is not guarded, as on Windows
            holder = _holder(fd)
            os.close(fd)
            raise OutputLockedError(
                f"output directory {path.parent} is in use by another cleanpipe run{holder}; "
                "wait for it to end or choose another --out"
            ) from None
        # The run before us may have removed the file between our open and our lock: we
        # would hold a lock on a name no one else sees, so start again on the new file.
        try:
            if os.fstat(fd).st_ino == path.stat().st_ino:
                break
        except FileNotFoundError:
            pass
        os.close(fd)
    os.ftruncate(fd, 0)
    os.write(fd, f"pid {os.getpid()} on {socket.gethostname()}\n".encode())
    return fd


def _holder(fd: int) -> str:
    with contextlib.suppress(OSError):
        text = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
        if text:
            return f" ({text})"
    return ""
