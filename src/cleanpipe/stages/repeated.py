"""Remove lines repeated across many documents of a corpus (the CCNet idea), from a hash table.

Boilerplate repeats from page to page of a site; article text does not. The table is built in a
first pass over the corpus (`cleanpipe repeated-lines DIR --out table.txt`, which counts
every normalized line once per document) and given to the stage in the second pass, as
a file (`table`) or per document in the metadata (`repeated_line_hashes`). The stage itself only
looks lines up: it stays pure, and a Ray or process-pool run can ship the table with the config.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from cleanpipe.stage import (
    UNCHANGED,
    LazyModelStage,
    StageOutput,
    check_named_file,
    file_hash,
    param,
    read_named_file,
    remove_lines,
    split_lines,
)

_DIGITS = re.compile(r"\d")
_NON_WORD = re.compile(r"[\W_]+")


def line_hash(line: str) -> str:
    """The hash of a line's normalized form: case, digits, punctuation and spacing folded."""
    key = _NON_WORD.sub(" ", _DIGITS.sub("0", line.casefold())).strip()
    return hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest() if key else ""


def count_line_hashes(texts: Iterable[str]) -> Counter[str]:
    """In how many documents each normalized line occurs (once per document)."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update({h for line in text.split("\n") if (h := line_hash(line))})
    return counts


def frequent(counts: Mapping[str, int], min_docs: int) -> list[str]:
    return sorted(h for h, n in counts.items() if n >= min_docs)


# A table line is a 16-hex-digit hash and a newline: 256 MB holds 15 million lines.
MAX_TABLE_BYTES = 256_000_000


@dataclass(frozen=True)
class StripRepeatedLines(LazyModelStage):
    """Remove lines whose normalized hash is in a precomputed table of corpus-wide repeats."""

    name: ClassVar[str] = "strip_repeated_lines"

    table: str | None = param(
        None, "file of line hashes, one per line (None: metadata 'repeated_line_hashes' only)"
    )
    min_chars: int = param(1, "shorter lines are left alone", ge=0)
    _model: Any = field(default=None, init=False, repr=False, compare=False)  # the table

    def __post_init__(self) -> None:
        # Checked here, so that a wrong path is a config error before the run, not an error
        # on every document (and /dev/zero is refused, not read until memory runs out).
        if self.table is not None:
            check_named_file("table", self.table, MAX_TABLE_BYTES)

    def fingerprint(self) -> str | None:
        if self.table is None:
            return None
        try:
            return file_hash(read_named_file(self.table, MAX_TABLE_BYTES))
        except OSError as exc:  # reported per document when the stage runs
            return f"unreadable: {exc.strerror or exc}"

    def _table(self) -> frozenset[str]:
        table: frozenset[str] = self.loaded_model(self._load_table)  # once per process
        return table

    def _load_table(self) -> frozenset[str]:
        if self.table is None:
            return frozenset()
        text = read_named_file(self.table, MAX_TABLE_BYTES).decode("utf-8")
        return frozenset(h.strip() for h in text.split("\n") if h.strip())

    def __call__(self, text: str, metadata: Mapping[str, Any]) -> StageOutput:
        hashes = self._table() | frozenset(metadata.get("repeated_line_hashes") or ())
        if not hashes:
            return UNCHANGED
        repeated = [
            line
            for line in split_lines(text)
            if len(line.stripped) >= self.min_chars and line_hash(line.text) in hashes
        ]
        if not repeated:
            return UNCHANGED
        return StageOutput(tuple(remove_lines(repeated, "repeated_line")))
