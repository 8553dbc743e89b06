"""Repair mojibake, HTML entities, control characters and odd line breaks with ftfy."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import ftfy

from cleanpipe.document import Edit
from cleanpipe.engines.ftfy_gate import ftfy_may_change
from cleanpipe.stage import UNCHANGED, Stage, StageOutput, param

# One line with its break, for every break ftfy rewrites to "\n". Splitting on "\n" alone
# made a CR-only (old Mac) file one giant "line": its single rewrite then swallowed every
# later removal, which the report had to widen to the whole document.
_LINE = re.compile(r"[^\r\n\u2028\u2029\x85]*(?:\r\n|[\r\n\u2028\u2029\x85])?")
# Fullwidth punctuation and digits (，：（）２０１９) are the normal typography of Chinese,
# Japanese and Korean text; ftfy's width folding is meant for fullwidth Latin typed into
# Western text, and turned correct Chinese "，" into ",". Lines holding kana, hanzi/kanji or
# hangul are therefore fixed without it (halfwidth katakana on such lines stay as they are).
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
# A line ftfy can change holds one of these: a non-ASCII character, '&' (an entity) or an
# ASCII control character other than '\t' and '\x0c' (see `ftfy_may_change`). The gate runs
# only on such lines, found by one search; '\n' is the only break once these are ruled out.
_SUSPECT = re.compile(r"[^\t\n\x0c\x20-\x25\x27-\x7e]")
_OTHER_BREAKS = ("\r", "\u2028", "\u2029", "\x85")


@dataclass(frozen=True)
class FixEncoding(Stage):
    """Fix mojibake, HTML entities, control characters and line breaks (ftfy), line by line."""

    name: ClassVar[str] = "fix_encoding"

    removes = False

    uncurl_quotes: bool = param(False, "replace curly quotes with straight ones")
    fix_mojibake: bool = param(True, "re-decode text that was decoded with the wrong codec")
    unescape_html: bool | Literal["auto"] = param(
        "auto", "replace HTML entities such as &amp; ('auto': unless the text contains '<')"
    )
    fix_latin_ligatures: bool = param(True, "replace ligatures such as 'ﬁ' with their letters")
    fix_character_width: bool = param(True, "replace fullwidth Latin letters with normal ones")
    remove_control_chars: bool = param(True, "drop control and zero-width format characters")
    normalization: Literal["NFC", "NFKC", "NFD", "NFKD"] | None = param(
        "NFC", "Unicode normalization form applied by ftfy (none: keep as is)"
    )

    def _may_change(self, text: str) -> bool:
        return ftfy_may_change(
            text,
            uncurl_quotes=self.uncurl_quotes,
            fix_mojibake=self.fix_mojibake,
            normalization=self.normalization,
        )

    def _config(self) -> ftfy.TextFixerConfig:
        return ftfy.TextFixerConfig(
            uncurl_quotes=self.uncurl_quotes,
            fix_encoding=self.fix_mojibake,
            unescape_html=self.unescape_html,
            fix_latin_ligatures=self.fix_latin_ligatures,
            fix_character_width=self.fix_character_width,
            remove_control_chars=self.remove_control_chars,
            normalization=self.normalization,
            explain=False,
        )

    def __call__(self, text: str, metadata: Mapping[str, Any]) -> StageOutput:
        # ftfy is the slowest step of a naive pipeline (about 1.7 MB/s); the gate skips it,
        # exactly, on documents and lines it cannot change (see `ftfy_gate`).
        if not self._may_change(text):
            return UNCHANGED
        config = self._config()
        cjk_config = config._replace(fix_character_width=False)
        edits: list[Edit] = []
        for start, end in _suspect_lines(text):
            line = text[start:end]
            if line and self._may_change(line):
                fixed = ftfy.fix_text(line, cjk_config if _CJK.search(line) else config)
                if fixed != line:
                    edits.append(Edit(start, end, "ftfy", fixed))
        return StageOutput(tuple(edits))


def _suspect_lines(text: str) -> Iterator[tuple[int, int]]:
    """Spans (break included) of the lines of `text` that ftfy might change, in order: every
    `_LINE` when the text holds a break other than '\n', else the lines holding a `_SUSPECT`."""
    if any(char in text for char in _OTHER_BREAKS):
        yield from (match.span() for match in _LINE.finditer(text))
        return
    match = _SUSPECT.search(text)
    while match is not None:
        start = text.rfind("\n", 0, match.start()) + 1
        end = text.find("\n", match.start()) + 1 or len(text)
        yield start, end
        match = _SUSPECT.search(text, end)
