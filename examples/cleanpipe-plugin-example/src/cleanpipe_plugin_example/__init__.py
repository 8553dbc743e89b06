"""An example cleanpipe plugin: one stage, found through the `cleanpipe.stages` entry point.

No `@register` here: installing the package is what makes `strip_shouting` a YAML name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cleanpipe import Edit, Stage, StageOutput, param

_LINE = re.compile(r"(?m)^[^\n]*(?:\n|\Z)")


@dataclass(frozen=True)
class StripShouting(Stage):
    """Drop lines written entirely in capitals (banners such as `BREAKING NEWS`)."""

    min_letters: int = param(10, "lines with fewer letters are left alone (acronyms, initials)")

    def __call__(self, text: str, metadata: Mapping[str, Any]) -> StageOutput:
        edits = []
        for match in _LINE.finditer(text):
            letters = [c for c in match.group() if c.isalpha()]
            # afraid of: headings in scripts without case (all isupper() False) and short
            # all-caps tokens such as "NASA" or "U.S." that belong to the article
            if len(letters) >= self.min_letters and all(c.isupper() for c in letters):
                edits.append(Edit(match.start(), match.end(), "all_caps_line"))
        return StageOutput(tuple(edits))
