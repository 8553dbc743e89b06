"""The terminal view of one cleaned document: the input with every removal coloured by stage.

It is the HTML report's document view for a quick look without a browser (`cleanpipe diff
FILE`): a line-number gutter with a bar where something went, removed text on its stage's
colour, and `◂ stage/rule` beside the line where each removal starts.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from rich.console import Group, RenderableType
from rich.rule import Rule
from rich.text import Text

from cleanpipe.document import Result
from cleanpipe.io.readers import read_document
from cleanpipe.pipeline import EXTRACTED, Pipeline
from cleanpipe.replay import SpanError, segments
from cleanpipe.report.html.segments import PALETTE, STRONG

# Hostile text may hold terminal escape sequences: every C0/C1 control except tab and the line
# breaks is shown as a visible symbol instead of being sent to the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAK = re.compile(r"\r\n|\r")


def visible(text: str) -> str:
    """`text` safe for a terminal: line breaks as `\\n`, control characters as symbols."""
    text = _LINE_BREAK.sub("\n", text)
    return _CONTROL.sub(_symbol, text)


def _symbol(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␀ ␁ ... ␛ ...
    return "␡" if code == 0x7F else "\ufffd"


def clean_path(path: Path, pipeline: Pipeline) -> Result:
    """Read, decode and clean one file exactly as a run would (raises OSError if unreadable)."""
    return pipeline.run(read_document(path.parent, PurePosixPath(path.name)))


def diff_view(
    result: Result,
    stages: Sequence[str],
    *,
    context: int | None = None,
    title: str = "",
    show_output: bool = False,
) -> RenderableType:
    """The coloured view of `result`; `stages` (removing stages, in order) fix the colours.

    With `context`, only lines within that many lines of a removal are shown.
    """
    colours = {name: PALETTE[number % len(PALETTE)] for number, name in enumerate(stages)}
    bars = {name: STRONG[number % len(STRONG)] for number, name in enumerate(stages)}
    removals = [removal.to_dict() for removal in result.removals]
    parts: list[RenderableType] = [_header(result, title), _legend(removals, colours)]
    try:
        body = list(_lines(result.input_text, removals, colours, bars, context))
    except SpanError as exc:  # cannot happen for a fresh Result; said plainly if it does
        body = [Text(f"cannot show the input: {exc}", style="red")]
    parts.append(Rule(style="dim"))
    parts.extend(body)
    if show_output:
        parts.append(Rule("clean output", style="dim"))
        parts.append(Text(visible(result.text)))
    return Group(*parts)


def _header(result: Result, title: str) -> Text:
    removed = sum(len(r.text) for r in result.removals)
    chars_in = len(result.input_text)
    share = removed / chars_in if chars_in else 0.0
    status_style = {"ok": "bold green", "dropped": "bold yellow"}.get(result.status, "bold red")
    header = Text()
    header.append(visible(title or result.id or "<text>"), style="bold")
    header.append("  ")
    header.append(result.status, style=status_style)
    if result.reason:
        header.append(f" ({visible(result.reason)})", style="yellow")
    if result.metadata.get("positions") == EXTRACTED:
        header.append("  text extracted from HTML", style="cyan")
    lang = result.metadata.get("lang")
    if lang:
        header.append(f"  lang {visible(str(lang))}")
    header.append(
        f"  {chars_in:,} → {len(result.text):,} chars, {removed:,} removed ({share:.1%}) "
        f"in {len(result.removals)} span{'s' if len(result.removals) != 1 else ''}",
        style="dim",
    )
    return header


def _legend(removals: list[dict[str, Any]], colours: dict[str, str]) -> Text:
    per_rule = Counter(f"{r['stage']}/{r['rule']}" for r in removals)
    legend = Text()
    if not per_rule:
        legend.append("nothing removed", style="dim italic")
        return legend
    order = list(colours)
    for key in sorted(per_rule, key=lambda k: (_rank(order, k.split("/", 1)[0]), k)):
        stage = key.split("/", 1)[0]
        legend.append(f" {visible(key)} ", style=_style(colours, stage))
        legend.append(f" {per_rule[key]}   ", style="dim")
    return legend


def _rank(order: list[str], stage: str) -> int:
    return order.index(stage) if stage in order else len(order)


def _style(colours: dict[str, str], stage: str) -> str:
    return f"#111827 on {colours.get(stage, PALETTE[-1])}"


def _lines(
    text: str,
    removals: list[dict[str, Any]],
    colours: dict[str, str],
    bars: dict[str, str],
    context: int | None,
) -> Iterator[Text]:
    styled = Text()
    for piece in segments(text, removals):
        if piece.removal is None:
            styled.append(visible(piece.text))
        else:
            stage = removals[piece.removal]["stage"]
            styled.append(visible(piece.text), style=_style(colours, stage))
    lines = list(styled.split("\n", allow_blank=True))
    if len(lines) > 1 and styled.plain.endswith("\n"):
        lines.pop()  # the empty "line" after a final newline is not a line of the input
    touched: dict[int, str] = {}  # line number -> stage whose removal covers it (for the bar)
    notes: defaultdict[int, list[str]] = defaultdict(list)
    for removal in removals:
        for number in range(removal["line_start"], removal["line_end"] + 1):
            touched.setdefault(number, removal["stage"])
        notes[removal["line_start"]].append(f"{removal['stage']}/{removal['rule']}")
    shown = _shown(len(lines), touched, context)
    width = len(str(len(lines)))
    previous = 0
    for number in shown:
        if previous and number != previous + 1:
            yield Text(f"{'⋮':>{width}}", style="dim")
        previous = number
        line = Text()
        line.append(f"{number:>{width}} ", style="dim")
        stage = touched.get(number)
        line.append("▌ " if stage else "  ", style=bars.get(stage or "", "dim"))
        line.append_text(lines[number - 1])
        if notes.get(number):
            line.append("  ◂ " + ", ".join(visible(n) for n in notes[number]), style="dim italic")
        yield line


def _shown(count: int, touched: Iterable[int], context: int | None) -> list[int]:
    if context is None:
        return list(range(1, count + 1))
    keep: set[int] = set()
    for number in touched:
        keep.update(range(max(1, number - context), min(count, number + context) + 1))
    return sorted(keep)
