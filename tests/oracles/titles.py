"""The Python definition of `title_key`, the oracle of native/src/titles.rs."""

from __future__ import annotations

import re
import unicodedata

from cleanpipe.stages.titles import PREFIX, SITE_SUFFIX

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def title_key(line: str, *, strip_suffix: bool) -> str:
    """A comparison key: prefix and (optionally) site suffix gone, case and punctuation folded."""
    text = unicodedata.normalize("NFKC", line).strip()
    text = PREFIX.sub("", text)
    if strip_suffix:
        text = SITE_SUFFIX.sub("", text)
    return _NON_WORD.sub(" ", text.casefold()).strip()
