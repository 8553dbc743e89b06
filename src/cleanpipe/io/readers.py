"""Finding input files and reading them into documents (bytes decoded robustly).

A scraped corpus holds more than text files: symlinks (dangling, looping, pointing out of the
tree), FIFOs, unreadable files and folders, binary blobs, names that are not UTF-8. None of
these may stop a run or vanish silently: `scan` turns each into an `Entry` with the reason it
is skipped, and `read_document` raises `RejectedFileError` with a one-line reason, so the runner
can report every one of them as `dropped` or `error`.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from cleanpipe.document import Document
from cleanpipe.engines.extraction import MAX_HTML_BYTES, is_html_name, unwrap
from cleanpipe.io.decode import decode_bytes

# Share of control characters (beyond ordinary whitespace) above which decoded "text" is
# taken for binary data. Random bytes decoded as latin-1 hold about 23 %; real text, even
# badly mis-encoded, holds next to none, so 10 % leaves room on both sides.
BINARY_CONTROL_SHARE = 0.10
BINARY_MIN_CONTROLS = 8  # a handful of stray control characters is dirt that ftfy removes
_SNIFF_CHARS = 65_536
_CONTROLS = frozenset(
    chr(c) for c in [*range(0x00, 0x09), 0x0E, *range(0x0F, 0x20), 0x7F, *range(0x80, 0xA0)]
) | {"\ufffd"}
_CONTROL_RE = re.compile("[" + "".join(re.escape(c) for c in sorted(_CONTROLS)) + "]")


class RejectedFileError(OSError):
    """A file that yields no document: `status` (`dropped` or `error`) and a one-line reason.

    An `OSError`, so callers that only guard against unreadable files still catch it.
    """

    def __init__(
        self,
        status: Literal["dropped", "error"],
        reason: str,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(reason)
        self.status: Literal["dropped", "error"] = status
        self.reason = reason
        self.metadata: Mapping[str, Any] = metadata or {}


@dataclass(frozen=True, slots=True)
class Entry:
    """One name found under the input root: a file to read, or why it is not read."""

    relative: PurePosixPath  # the real relative path (may hold surrogate escapes)
    status: Literal["dropped", "error"] | None = None  # None: a file to read
    reason: str | None = None


def display_path(relative: PurePosixPath | str) -> str:
    """A path as valid UTF-8 text for the report: undecodable bytes of a non-UTF-8 file name
    (held as surrogate escapes by the OS layer) are shown as `\\xe9`, never crash the JSON."""
    return os.fsencode(str(relative)).decode("utf-8", "backslashreplace")


def scan(
    root: Path, *, follow_symlinks: bool = False, exclude: Path | None = None
) -> Iterator[Entry]:
    """Every non-hidden name under `root`, depth first in sorted name order (stable across
    file systems and runs), files to read and skipped names alike.

    Symlinks are reported as skipped unless `follow_symlinks`; even then a link is followed
    only to a target inside the tree, and never into a directory it is already inside (a
    loop). `exclude` (the output directory, when it sits inside the input) is never entered.
    The walk is iterative: a very deep tree must not hit the recursion limit.
    """
    root_real = os.path.realpath(root)
    excluded = os.path.realpath(exclude) if exclude is not None else None
    listed = _list(str(root), PurePosixPath())
    if isinstance(listed, Entry):
        yield listed
        return
    # Each frame: a directory's real path, its relative path, its entries left (reversed).
    frames: list[tuple[str, PurePosixPath, list[os.DirEntry[str]]]] = [
        (root_real, PurePosixPath(), listed)
    ]
    while frames:
        _, relative_dir, pending = frames[-1]
        if not pending:
            frames.pop()
            continue
        item = pending.pop()
        relative = relative_dir / item.name
        kind, reason = _classify(item, root_real, follow_symlinks)
        if kind == "file":
            yield Entry(relative)
        elif kind == "skip":
            yield Entry(relative, "dropped", reason)
        else:
            # Only a symlink can lead back up the tree: resolving every plain directory
            # would cost a system call per level of depth, per directory.
            linked = item.is_symlink()
            real = os.path.realpath(item.path) if linked else f"{frames[-1][0]}{os.sep}{item.name}"
            if real == excluded:
                continue
            if linked and any(real == frame[0] for frame in frames):
                yield Entry(relative, "dropped", "symlink loop (directory links to its parent)")
                continue
            inner = _list(item.path, relative)
            if isinstance(inner, Entry):
                yield inner
            else:
                frames.append((real, relative, inner))


def _list(directory: str, relative: PurePosixPath) -> list[os.DirEntry[str]] | Entry:
    try:
        with os.scandir(directory) as listing:
            items = [e for e in listing if not e.name.startswith(".")]
    except OSError as exc:
        return Entry(relative, "error", f"cannot list directory: {_why(exc)}")
    items.sort(key=lambda e: e.name, reverse=True)
    return items


def _classify(item: os.DirEntry[str], root_real: str, follow: bool) -> tuple[str, str | None]:
    """'file', 'dir', or 'skip' with the reason."""
    try:
        if item.is_symlink():
            try:
                target = item.stat(follow_symlinks=True)
            except OSError as exc:
                loop = exc.errno == errno.ELOOP
                return "skip", "symlink loop" if loop else "dangling symlink"
            if not follow:
                return "skip", "symlink not followed (pass --follow-symlinks)"
            real = os.path.realpath(item.path)
            if real != root_real and not real.startswith(root_real.rstrip(os.sep) + os.sep):
                return "skip", "symlink out of the input tree (never followed)"
            mode = target.st_mode
        else:
            mode = item.stat(follow_symlinks=False).st_mode
    except OSError as exc:
        return "skip", f"cannot stat: {_why(exc)}"
    if stat.S_ISDIR(mode):
        return "dir", None
    if stat.S_ISREG(mode):
        return "file", None
    return "skip", "not a regular file (FIFO, socket or device)"


def discover(root: Path, *, follow_symlinks: bool = False) -> Iterator[PurePosixPath]:
    """Relative paths of the regular files under `root` that `scan` would read, in order."""
    for entry in scan(root, follow_symlinks=follow_symlinks):
        if entry.status is None:
            yield entry.relative


def output_name(relative: PurePosixPath) -> PurePosixPath:
    """`a/b.html.gz` -> `a/b.txt`, `a/b.txt` -> `a/b.txt`: one clean text per input."""
    name = relative.name
    for suffix in (".gz",):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    stem, dot, _ = name.rpartition(".")
    if dot and stem:
        name = stem
    return relative.with_name(name + ".txt")


@dataclass(frozen=True, slots=True)
class FileBytes:
    """The first bytes of a file (all of them, or up to a limit), its size and its hash."""

    data: bytes
    size: int
    sha256: str  # `bytes_hash` of the whole file, however much of it is kept


_READ_CHUNK = 1 << 20
# An HTML page may be this many times the text limit: extraction drops most of its markup,
# and the page's tree costs less per byte than the line classifier's features do (an 8 MB
# page peaked at 281 MB; 2 MB of short text lines at 265 MB).
HTML_LIMIT_FACTOR = 4
# Bytes kept beyond a limit, so that a cut can back off to the start of a UTF-8 character.
_CUT_SLACK = 4


def read_limited(path: Path, limit: int | None) -> FileBytes:
    """A regular file's bytes, at most `limit` of them kept (see `cut_document`); the size and
    hash are of the whole file, read in chunks, so a huge file never sits in memory whole.

    Non-blocking open, so a FIFO swapped in after the scan cannot hang the run; anything but
    a regular file is `RejectedFileError`.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise RejectedFileError("error", f"cannot read: {_why(exc)}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise RejectedFileError("dropped", "not a regular file (a directory)")
        if not stat.S_ISREG(info.st_mode):
            raise RejectedFileError("dropped", "not a regular file (FIFO, socket or device)")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            if limit is None:
                data = handle.read()
                return FileBytes(data, len(data), bytes_hash(data))
            digest = hashlib.sha256()
            kept = bytearray()
            size = 0
            while chunk := handle.read(_READ_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                room = limit + _CUT_SLACK - len(kept)
                if room > 0:
                    kept += chunk[:room]
            data = bytes(kept)
            if size > limit:
                data = cut_document(data, limit)
            return FileBytes(data, size, _short(digest))
    except RejectedFileError:
        raise  # an OSError too, but it already says what is wrong
    except OSError as exc:
        raise RejectedFileError("error", f"cannot read: {_why(exc)}") from None
    finally:
        os.close(fd)


_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff")  # UTF-16 and UTF-32: code units of 2 or 4 bytes


def cut_document(data: bytes, limit: int) -> bytes:
    """At most `limit` bytes of `data`: up to its last line break if one lies in their second
    half, otherwise at the start of a UTF-8 character (of a 4-byte unit after a UTF-16 or
    UTF-32 byte order mark), so the cut never splits a character of the common encodings."""
    if len(data) <= limit:
        return data
    if data.startswith(_WIDE_BOMS):
        return data[: limit - limit % 4]
    newline = data.rfind(b"\n", 0, limit)
    if newline >= limit // 2:
        return data[: newline + 1]
    end = limit
    while end > limit - _CUT_SLACK and end > 0 and data[end] & 0xC0 == 0x80:
        end -= 1  # a UTF-8 continuation byte: the character started before the cut
    return data[:end]


def binary_reason(text: str) -> str | None:
    """Why decoded text is really binary data, or None.

    A high share of control characters means bytes no encoding makes text of. NUL counts as
    one of them and by the same rule (the decoder has already recognised UTF-16 and UTF-32
    without a BOM): a stray NUL among a few other controls in a scraped page is dirt that
    fix_encoding removes, as the README says of C0 controls, not proof of a binary file.
    """
    sample = text[:_SNIFF_CHARS]
    controls = len(_CONTROL_RE.findall(sample))  # one regex pass: C speed
    if controls >= BINARY_MIN_CONTROLS and controls > BINARY_CONTROL_SHARE * len(sample):
        return f"binary file: {controls / len(sample):.0%} control characters"
    return None


def bytes_hash(data: bytes) -> str:
    """The short SHA-256 of a file's raw bytes (`metadata.bytes_sha256`, checked by --resume)."""
    return _short(hashlib.sha256(data))


def _short(digest: Any) -> str:
    return str(digest.hexdigest()[:16])


def truncation(size: int, kept: int) -> dict[str, int]:
    """The `truncated` metadata of a document cut to `kept` of its `size` bytes."""
    return {"bytes": size, "kept_bytes": kept}


def read_document(root: Path, relative: PurePosixPath, max_bytes: int | None = None) -> Document:
    """Read one file and decode it; the encoding and its confidence go into the metadata.

    A document larger than `max_bytes` (an HTML page: `HTML_LIMIT_FACTOR` times that, once
    gunzipped) is cut there, at a line break where one is near (`cut_document`), and the
    metadata says `truncated` with the bytes kept: cleaning holds a document whole, several
    times over, so an unbounded one could take more memory than the machine has. Raises
    `RejectedFileError` when the file cannot be read or holds binary data.
    """
    html = is_html_name(relative.name)
    gzipped = html and relative.name.lower().endswith(".gz")
    if max_bytes is not None and html:
        max_bytes *= HTML_LIMIT_FACTOR
    # A gzipped page is read whole (a cut archive is a corrupt one), up to the gunzipped
    # bound: a larger archive could only hold a larger page.
    found = read_limited(root / relative, MAX_HTML_BYTES if gzipped else max_bytes)
    data = found.data
    name = display_path(relative)
    metadata: dict[str, Any] = {"path": name, "bytes": found.size, "bytes_sha256": found.sha256}
    if gzipped and len(data) < found.size:
        raise RejectedFileError(
            "error", f"gzipped page is larger than {MAX_HTML_BYTES} bytes", metadata
        )
    whole = found.size
    if html:  # the HTML path: gunzip, honour <meta charset>
        metadata["format"] = "html"
        try:
            data = unwrap(relative.name, data)
        except ValueError as exc:
            raise RejectedFileError("error", str(exc), metadata) from None
        if gzipped:
            whole = len(data)
            if max_bytes is not None:
                data = cut_document(data, max_bytes)
    if len(data) < whole:
        metadata["truncated"] = truncation(whole, len(data))
    decoded = decode_bytes(data, html=metadata.get("format") == "html")
    reason = binary_reason(decoded.text)
    if reason is not None:
        raise RejectedFileError("dropped", reason, metadata)
    metadata.update(
        encoding=decoded.encoding,
        encoding_confidence=decoded.confidence,
        encoding_source=decoded.source,
    )
    if decoded.replaced:
        metadata["decode_replaced"] = True
    return Document(name, decoded.text, metadata)


def _why(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__
