"""The ftfy gate is exact: skipping ftfy where the gate says so gives byte-identical output.

The reference is fix_encoding's own loop without the gate: ftfy on every line. Both run on every
text fixture the repo ships and on generated text crowded with what ftfy reacts to (mojibake,
entities, controls, odd line breaks, ligatures, fullwidth forms, combining marks).
"""

from __future__ import annotations

import ftfy
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleanpipe.edits import apply_edits
from cleanpipe.engines import ftfy_gate
from cleanpipe.stages import encoding
from cleanpipe.stages.encoding import FixEncoding
from tests.fixture_cases import fixture_texts

SETTINGS = [
    {},
    {"uncurl_quotes": True},
    {"normalization": "NFKC"},
    {"normalization": None},
    {"fix_mojibake": False},
]


def reference(stage: FixEncoding, text: str) -> str:
    """The stage's own loop with the gate taken out: ftfy on every line."""
    config = stage._config()
    cjk_config = config._replace(fix_character_width=False)
    return "".join(
        ftfy.fix_text(line, cjk_config if encoding._CJK.search(line) else config)
        for line in (m.group() for m in encoding._LINE.finditer(text))
        if line
    )


def gated(stage: FixEncoding, text: str) -> str:
    return apply_edits(text, stage(text, {}).edits)


def test_the_mojibake_prefilter_is_in_use():
    # Without it the gate is still exact but runs ftfy's slow detector on every text.
    assert ftfy_gate._BAD_PREFILTER is not None


@pytest.mark.parametrize("params", SETTINGS, ids=str)
def test_gate_is_exact_on_fixtures(params):
    stage = FixEncoding(**params)
    paths = fixture_texts()
    assert paths, "no fixtures found"
    for path in paths:
        text = path.read_bytes().decode("utf-8", "replace")
        assert gated(stage, text) == reference(stage, text), path


def test_gate_skips_clean_text_and_catches_mojibake():
    clean = "Zoë’s café in Łódź: “déjà vu”, 東京, Αθήνα, Москва.\nSecond line.\n"
    assert not ftfy_gate.ftfy_may_change(
        clean, uncurl_quotes=False, fix_mojibake=True, normalization="NFC"
    )
    broken = clean.encode("utf-8").decode("cp1252", "replace")
    assert ftfy_gate.ftfy_may_change(
        broken, uncurl_quotes=False, fix_mojibake=True, normalization="NFC"
    )


# Pieces ftfy reacts to, and ordinary text around them.
_PIECES = [
    "Ã©",
    "â€™",
    "â€œ",
    "Ã ",
    "Â ",
    " Â ",
    "Ã\xa0",
    "Ð¿Ñ€Ð¸",
    "Ã¼ber",
    "Ã±",
    "ГўВЂВњ",
    "вЂ",
    "&amp;",
    "&eacute;",
    "&#x2019;",
    "&NTILDE;",
    "&nosuch;",
    "<b>",
    "\r\n",
    "\r",
    "\x85",
    "\u2028",
    "\x1b[31m",
    "\x00",
    "\x7f",
    "\ufeff",
    "\u200b",
    "ﬁ",
    "Ｆｕｌｌ",
    "\u3000",
    "e\u0301",
    "Å",
    "’",
    "“",
    "”",
    "‘",
    "é",
    "ü",
    "Ł",
    "東京",
    "Αθήνα",
    "Москва",
    "\ud800",
    "\n",
    " ",
    "word",
    ".",
    "\t",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(_PIECES) | st.text(max_size=6), max_size=30).map("".join),
    st.sampled_from(SETTINGS),
)
def test_gate_is_exact_on_generated_text(text, params):
    stage = FixEncoding(**params)
    assert gated(stage, text) == reference(stage, text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=4), max_size=12).map("".join))
def test_gate_never_skips_a_line_ftfy_would_change(line):
    line = line.replace("\n", " ")
    if not ftfy_gate.ftfy_may_change(
        line, uncurl_quotes=False, fix_mojibake=True, normalization="NFC"
    ):
        assert ftfy.fix_text(line, FixEncoding()._config()) == line
