"""Finding input files and reading them into documents (bytes decoded robustly)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from cleanpipe.decode import decode_bytes
from cleanpipe.document import Document

TEXT_SUFFIXES = (".txt", ".text", ".md")


def discover(root: Path, *, follow_symlinks: bool = False) -> Iterator[PurePosixPath]:
    """Relative paths of every regular file under `root`, in a stable (sorted) order.

    Hidden files and folders are skipped. Symlinks are not followed unless asked, so a run
    never wanders out of the input tree.
    """
    root_real = root.resolve()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=follow_symlinks):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        base = Path(dirpath)
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = base / name
            if path.is_symlink():
                if not follow_symlinks:
                    continue
                try:
                    path.resolve().relative_to(root_real)
                except (ValueError, OSError, RuntimeError):
                    continue  # a link out of the tree, dangling or looping
            yield PurePosixPath(path.relative_to(root).as_posix())


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


def read_document(root: Path, relative: PurePosixPath) -> Document:
    """Read one file and decode it; the encoding and its confidence go into the metadata."""
    data = (root / relative).read_bytes()
    decoded = decode_bytes(data)
    metadata = {
        "path": str(relative),
        "bytes": len(data),
        "encoding": decoded.encoding,
        "encoding_confidence": decoded.confidence,
    }
    if decoded.replaced:
        metadata["decode_replaced"] = True
    return Document(str(relative), decoded.text, metadata)
