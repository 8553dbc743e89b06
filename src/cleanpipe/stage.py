"""The stage protocol: text and metadata in; edits, metadata and an optional drop out.

A stage never logs and never touches files: the edits it returns *are* its explanation, and
the pipeline turns them into the report. Stages are frozen dataclasses whose fields are their
YAML parameters, so they validate from their signature and pickle with the standard `pickle`.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import accumulate, count
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

from cleanpipe.document import Edit


@dataclass(frozen=True, slots=True)
class StageOutput:
    """What a stage did: edits to its input text, metadata to merge, or a reason to drop."""

    edits: tuple[Edit, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict)
    drop: str | None = None


UNCHANGED = StageOutput()


def param(default: Any, doc: str, *, ge: float | None = None, le: float | None = None) -> Any:
    """A stage parameter with its one-line documentation (shown by `cleanpipe stages`).

    A number gives its range (`ge` <= value <= `le`), checked when a config is built.
    """
    metadata: dict[str, Any] = {"doc": doc}
    if ge is not None or le is not None:
        metadata["range"] = (ge, le)
    if isinstance(default, (list, dict, set)):
        frozen = tuple(default) if not isinstance(default, dict) else default
        return field(default=frozen, metadata=metadata)
    return field(default=default, metadata=metadata)


def is_number(value: Any) -> bool:
    """An int or a float, and not a bool (which Python counts as an int)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def range_problem(parameter: dataclasses.Field[Any], value: Any) -> str | None:
    """Why `value` is outside `parameter`'s range (see `param`), or None."""
    low, high = parameter.metadata.get("range", (None, None))
    inside = (low is None or value >= low) and (high is None or value <= high)
    if not is_number(value) or inside:
        return None
    if low is not None and high is not None:
        wanted = f"between {low:g} and {high:g}"
    else:
        wanted = f"at least {low:g}" if low is not None else f"at most {high:g}"
    return f"{parameter.name}: must be {wanted}, got {value!r}"


class Stage:
    """Base class of every stage.

    Subclasses are `@dataclass(frozen=True)` classes (the pipeline refuses others) named for
    YAML by `name` (or `@register`; unnamed, a stage goes by its class name). `removes` says
    whether their edits are content removals (reported one by one, so their replacements
    must be empty) or rewrites of form such as whitespace or mojibake (counted per rule).
    """

    name: ClassVar[str] = ""
    removes: ClassVar[bool] = True
    # An extracting stage (HTML to text) replaces the whole text; the pipeline then takes
    # its output as the new input that later removals are positioned in.
    extracts: ClassVar[bool] = False
    # A stage tuned for naive full-page text, skipped on text an extractor produced.
    naive_text_only: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" not in cls.__dict__:  # unregistered: reported under its class name
            cls.name = cls.__name__

    def __call__(self, text: str, metadata: Mapping[str, Any]) -> StageOutput:
        raise NotImplementedError

    @classmethod
    def parameters(cls) -> list[dataclasses.Field[Any]]:
        return [f for f in dataclasses.fields(cls) if f.init and not f.name.startswith("_")]  # type: ignore[arg-type]

    def fingerprint(self) -> str | None:
        """What decides this stage's output besides its parameters: a hash of the model or
        table file it reads (None: nothing). Part of `config_sha256`, so `--resume` redoes
        documents once the file changes."""
        return None

    def params(self) -> dict[str, Any]:
        """The parameters this instance was built with, as plain data (for hashing and docs)."""
        return {f.name: _plain(getattr(self, f.name)) for f in self.parameters()}


class LazyModelStage(Stage):
    """A stage that loads a model on first use, in the process that uses it.

    Pickling keeps only the parameters, so a pipeline ships to a pool worker or a Ray task
    without the model, and each process loads its own copy once. Subclasses declare
    `_model: Any = field(default=None, init=False, repr=False, compare=False)`.
    """

    _model: Any

    def __getstate__(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in self.parameters()}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for key, value in state.items():
            object.__setattr__(self, key, value)
        object.__setattr__(self, "_model", None)

    def loaded_model(self, load: Callable[[], Any]) -> Any:
        """The model, loaded by `load()` the first time it is asked for."""
        if self._model is None:
            object.__setattr__(self, "_model", load())
        return self._model


def read_named_file(path: str | Path, limit: int) -> bytes:
    """The bytes of a file a config names (a model, a table): a regular file of at most
    `limit` bytes, else OSError saying why. Never reads past the limit: `/dev/zero` or a
    FIFO named as a table must not take the run's memory or hang it."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise OSError(errno.EFBIG, f"larger than {limit:,} bytes")
    return data


def check_named_file(name: str, path: str | Path, limit: int) -> bytes:
    """`read_named_file`, failing with the ValueError a config error is made of."""
    try:
        return read_named_file(path, limit)
    except OSError as exc:
        raise ValueError(f"{name}: cannot read {path}: {exc.strerror or exc}") from None


def file_hash(data: bytes) -> str:
    """The short content hash a stage's `fingerprint` gives for a file it reads."""
    return hashlib.sha256(data).hexdigest()[:16]


def _plain(value: Any) -> Any:
    if isinstance(value, (tuple, list, frozenset, set)):
        items = [_plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items())}
    return value


# What `str.strip()` strips (every `isspace()` character), plus the invisible characters
# canonicalize deletes: a line holding only a zero-width space is blank to every stage, or a
# stage would see it as text on a first pass and not on the second (after canonicalize).
_BLANK_EDGE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
    "\u200b\u2060\ufeff\u00ad"
)


class Line(NamedTuple):
    """One line of a text: `text` excludes the newline; `end` includes it when present.

    A named tuple rather than a frozen dataclass: every stage splits every document into
    lines, and building a tuple costs a third of a frozen dataclass's `__init__`.
    """

    index: int  # type: ignore[assignment]  # shadows tuple.index, which no one calls
    start: int
    end: int
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip(_BLANK_EDGE)

    @property
    def blank(self) -> bool:
        return not self.text.strip(_BLANK_EDGE)


def split_lines(text: str) -> list[Line]:
    """Lines of `text` split on `\\n`, each with its span (newline included in `end`).

    Most stages split the same text (a stage that removes nothing hands its input on), so
    the last split is remembered; callers get their own list of the immutable lines.
    """
    global _last_split
    last = _last_split
    if last[0] is text:
        return list(last[1])
    parts = text.split("\n")
    tail = parts.pop()  # what follows the last newline: '' when the text ends with one
    ends = list(accumulate(map((1).__add__, map(len, parts))))
    lines = list(map(Line._make, zip(count(), [0, *ends], ends, parts)))
    if tail:
        start = ends[-1] if ends else 0
        lines.append(Line(len(parts), start, len(text), tail))
    _last_split = (text, tuple(lines))
    return lines


# One entry: the text last split and its lines (the GIL makes the tuple swap atomic).
_last_split: tuple[str | None, tuple[Line, ...]] = (None, ())


def first_lines(text: str, count: int) -> list[Line]:
    """The first `count` non-blank lines of `text`, as `split_lines` gives them, without
    splitting the rest: for stages that look at the top of a document only."""
    lines: list[Line] = []
    index = start = 0
    while start < len(text) and len(lines) < count:
        end = text.find("\n", start)
        line = (
            Line(index, start, len(text), text[start:])
            if end < 0
            else Line(index, start, end + 1, text[start:end])
        )
        if not line.blank:
            lines.append(line)
        index += 1
        start = line.end
    return lines


def last_lines(text: str) -> Iterator[Line]:
    """The lines of `text` from the last one up, as `split_lines` gives them, split lazily:
    for stages that look at the end of a document only."""
    index = text.count("\n")
    end = len(text)
    if text and not text.endswith("\n"):
        start = text.rfind("\n") + 1
        yield Line(index, start, end, text[start:])
        end = start
    while end:
        index -= 1
        start = text.rfind("\n", 0, end - 1) + 1
        yield Line(index, start, end, text[start : end - 1])
        end = start


def lines_at(text: str, starts: Iterable[int]) -> list[Line]:
    """The lines of `text` beginning at `starts` (sorted line starts), as `split_lines` gives
    them, without splitting the whole text: for stages that look at a few lines only."""
    lines: list[Line] = []
    index = previous = 0
    for start in starts:
        index += text.count("\n", previous, start)
        previous = start
        end = text.find("\n", start)
        if end < 0:
            lines.append(Line(index, start, len(text), text[start:]))
        else:
            lines.append(Line(index, start, end + 1, text[start:end]))
    return lines


def remove_lines(lines: list[Line], rule: str) -> list[Edit]:
    """Edits removing whole lines, merging adjacent ones into one removal each."""
    edits: list[Edit] = []
    for line in sorted(lines, key=lambda ln: ln.start):
        if edits and edits[-1].end == line.start and edits[-1].rule == rule:
            edits[-1] = Edit(edits[-1].start, line.end, rule)
        else:
            edits.append(Edit(line.start, line.end, rule))
    return edits
