"""`cleanpipe run page.txt` and `cleanpipe run 'crawl/**/*.html'`: which files of which
directory a run takes when its input is one file or a glob rather than a directory."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path, PurePosixPath

_GLOB_CHARS = frozenset("*?[")


def is_glob(text: str) -> bool:
    return any(char in text for char in _GLOB_CHARS)


def split_input(source: Path) -> tuple[Path, tuple[str, ...] | None]:
    """(the directory to run over, the relative names or patterns to take; None: all).

    A directory is taken whole; a file is its folder with that one name; a glob is the
    longest folder before its first wildcard, with the rest as the pattern (shells expand
    unquoted globs themselves: quote them to let `**` reach into subfolders).
    """
    text = str(source)
    if source.is_dir() or not (source.is_file() or is_glob(text)):
        return source, None
    if source.is_file():
        return source.parent, (source.name,)
    parts = PurePosixPath(text.replace("\\", "/")).parts
    cut = next(i for i, part in enumerate(parts) if is_glob(part))
    root = Path(*parts[:cut]) if cut else Path()
    return root, ("/".join(parts[cut:]),)


def matches(relative: PurePosixPath, patterns: tuple[str, ...]) -> bool:
    """Whether `relative` matches one of `patterns`: `*` and `?` within one path part, `**`
    across any number of folders (`**/*.html` takes `a.html` and `x/y/a.html`)."""
    text = relative.as_posix()
    return any(_regex(pattern).fullmatch(text) is not None for pattern in patterns)


@lru_cache(maxsize=64)
def _regex(pattern: str) -> re.Pattern[str]:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:[^/]*/)*")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                out.append(re.escape("["))
                i += 1
            else:
                body = pattern[i + 1 : end].replace("\\", "\\\\")
                out.append(f"[^{body[1:]}]" if body.startswith("!") else f"[{body}]")
                i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))
