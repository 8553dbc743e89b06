"""One document's page: the input with every removal highlighted in place, the output beside it.

Highlights are `<mark>` elements coloured by stage (`s<i>`), tagged with their rule (`data-r`)
for the filters in `report.js`, and titled with stage, rule and lines; each stage's purpose
(why its spans went) stands once in the legend.
When the input cannot be read back (moved, changed), the page says why and lists the removed
spans on their own: a view that guesses positions would mislead the reviewer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from cleanpipe.pipeline import EXTRACTED
from cleanpipe.replay import SpanError, segments
from cleanpipe.report.html import links
from cleanpipe.report.html.corpus import Corpus, DocRow
from cleanpipe.report.html.markup import attr, num, page, pct, table, text

ROOT = "../../"  # document pages live in docs/NNN/
EXCERPT = 100  # characters of a removal shown in the removals table


def render_document(
    corpus: Corpus,
    index: int,
    record: Mapping[str, Any],
    input_text: str | None,
    missing: str,
    output_text: str | None,
    purposes: Mapping[str, str],
) -> str:
    row = corpus.rows[index]
    removals = record.get("removals") or []
    rule_of = [corpus.rule_ids[f"{r['stage']}/{r['rule']}"] for r in removals]
    if input_text is not None:
        try:
            pieces = segments(input_text, removals)
        except SpanError as exc:
            input_text, missing = None, f"the input does not match the report ({exc})"
    if input_text is not None:
        source = _highlighted(corpus, removals, rule_of, pieces)
        source_note = "removed spans highlighted; hover for the rule"
        if (record.get("metadata") or {}).get("positions") == EXTRACTED:
            source_note = "the text extracted from the HTML; " + source_note
    else:
        source = _removals_only(corpus, removals, rule_of)
        source_note = f"input not shown: {text(missing)}; removed spans only"
    output = (
        f'<pre class="text" id="output">\n{text(output_text)}</pre>'
        if output_text is not None
        else f'<p class="empty">No output: {text(row.status)}'
        f"{': ' + text(row.reason) if row.reason else ''}.</p>"
    )
    body = (
        _docbar(corpus, row)
        + f'<h1 class="path">{text(row.path)}</h1>'
        + _meta(row, record)
        + '<div class="docview">'
        + f'<aside class="side">{_filters(corpus, removals, rule_of, purposes)}'
        + f"{_rule_nav(corpus, row)}</aside>"
        + f'<section class="pane"><h2>Input <small>{source_note}</small></h2>{source}</section>'
        + f'<section class="pane"><h2>Clean output</h2>{output}</section>'
        + "</div>"
        + _removal_table(corpus, removals, rule_of)
    )
    return page(row.path, ROOT, body, "doc")


def _highlighted(
    corpus: Corpus,
    removals: list[dict[str, Any]],
    rule_of: list[int],
    pieces: list[Any],
) -> str:
    out: list[str] = []
    for piece in pieces:
        if piece.removal is None:
            out.append(text(piece.text))
            continue
        out.append(_mark(corpus, piece.removal, removals[piece.removal], rule_of))
    # HTML drops one newline right after <pre>: this one, so a text's own first newline stays.
    return f'<pre class="text" id="input">\n{"".join(out)}</pre>'


def _mark(
    corpus: Corpus,
    number: int,
    removal: Mapping[str, Any],
    rule_of: list[int],
) -> str:
    stage, rule = str(removal["stage"]), str(removal["rule"])
    lines = removal["line_start"], removal["line_end"]
    where = f"line {lines[0]}" if lines[0] == lines[1] else f"lines {lines[0]}–{lines[1]}"
    # Kept short: a page can hold thousands of marks. The stage's purpose is in the legend.
    tip = f"{stage} · {rule}\n{where}, {len(removal['text'])} characters"
    # A removal of blank lines only would be invisible: CSS draws a marker for class "ws".
    blank = " ws" if not str(removal["text"]).strip() else ""
    return (
        f'<mark id="r{number + 1}" class="s{corpus.stage_index.get(stage, 0)}{blank}" '
        f'data-r="{rule_of[number]}" title="{attr(tip)}">{text(removal["text"])}</mark>'
    )


def _removals_only(corpus: Corpus, removals: list[dict[str, Any]], rule_of: list[int]) -> str:
    blocks = [
        f'<div class="gap">lines {r["line_start"]}–{r["line_end"]}</div>'
        + _mark(corpus, number, r, rule_of)
        for number, r in sorted(enumerate(removals), key=lambda item: item[1]["start"])
    ]
    return f'<pre class="text" id="input">{"".join(blocks) or "(nothing removed)"}</pre>'


def _docbar(corpus: Corpus, row: DocRow) -> str:
    count = len(corpus.rows)

    def link(index: int | None, label: str) -> str:
        if index is None or not 0 <= index < count:
            return f'<span class="off">{label}</span>'
        return f'<a href="{ROOT}{links.doc_path(index)}">{label}</a>'

    prev_removed = _nearest(corpus, row.index, forward=False)
    next_removed = _nearest(corpus, row.index, forward=True)
    return (
        '<div class="docbar">'
        f"{link(row.index - 1, '← previous')}"
        f'<span class="pos">document {num(row.index + 1)} of {num(count)}</span>'
        f"{link(row.index + 1, 'next →')}"
        f'<span class="sep"></span>{link(prev_removed, "← previous with removals")}'
        f"{link(next_removed, 'next with removals →')}</div>"
    )


def _nearest(corpus: Corpus, index: int, *, forward: bool) -> int | None:
    candidates = [
        found
        for rule in range(len(corpus.rules))
        if (found := corpus.neighbour(rule, index, forward=forward)) is not None
    ]
    if not candidates:
        return None
    return min(candidates) if forward else max(candidates)


def _scored_chip(label: str, value: str, score: Any) -> str:
    """`label value (0.97)`; the score only when the record has a number for it."""
    shown = f" ({float(score):.2f})" if isinstance(score, (int, float)) else ""
    return f"<span>{label} <b>{text(value)}</b>{shown}</span>"


def _meta(row: DocRow, record: Mapping[str, Any]) -> str:
    metadata = record.get("metadata") or {}
    chips = [f'<span class="badge {attr(row.status)}">{text(row.status)}</span>']
    if row.reason:
        chips.append(f'<span class="reason">{text(row.reason)}</span>')
    if row.lang:
        chips.append(_scored_chip("language", row.lang, record.get("lang_prob")))
    if row.encoding:
        chips.append(_scored_chip("encoding", row.encoding, metadata.get("encoding_confidence")))
    chips.append(f"<span>{num(row.chars_in)} → {num(row.chars_out)} characters</span>")
    chips.append(
        f"<span><b>{num(row.removed)}</b> removed ({pct(row.share)}) in "
        f"{num(row.removals)} span{'s' if row.removals != 1 else ''}</span>"
    )
    rewrites = record.get("rewrites") or {}
    if rewrites:
        listed = ", ".join(f"{text(k)} {num(int(v))}" for k, v in rewrites.items())
        chips.append(f'<span class="muted">rewrites: {listed}</span>')
    return f'<div class="meta">{"".join(chips)}</div>'


def _filters(
    corpus: Corpus,
    removals: list[dict[str, Any]],
    rule_of: list[int],
    purposes: Mapping[str, str],
) -> str:
    """Checkboxes per stage and rule, each stage with its purpose: why its spans went."""
    if not removals:
        return '<h3>Filter</h3><p class="empty">Nothing removed in this document.</p>'
    per_rule = Counter(rule_of)
    html = ['<h3>Filter</h3><div id="filters">']
    previous_stage = None
    for rule in sorted(per_rule):
        stage, _, name = corpus.rules[rule].partition("/")
        colour = corpus.stage_index.get(stage, 0)
        if stage != previous_stage:
            html.append(
                f'<label class="stage"><input type="checkbox" checked data-stage="{colour}">'
                f'<span class="sw s{colour}"></span>{text(stage)}</label>'
            )
            if purposes.get(stage):
                html.append(f'<div class="purpose">{text(purposes[stage])}</div>')
            previous_stage = stage
        html.append(
            f'<label class="rule"><input type="checkbox" checked data-rule="{rule}" '
            f'data-of="{colour}">{text(name)} <span class="muted">{per_rule[rule]}</span></label>'
        )
    html.append(
        '</div><p class="hint">Unchecked rules are greyed out. Keys <kbd>n</kbd> / '
        "<kbd>p</kbd>: next or previous removal.</p>"
    )
    return "".join(html)


def _rule_nav(corpus: Corpus, row: DocRow) -> str:
    if not corpus.rules:
        return ""
    rows = []
    for rule, key in enumerate(corpus.rules):
        stage = key.split("/", 1)[0]
        before = corpus.neighbour(rule, row.index, forward=False)
        after = corpus.neighbour(rule, row.index, forward=True)
        rows.append(
            f'<tr><td><span class="sw s{corpus.stage_index.get(stage, 0)}"></span>'
            f"{text(key.split('/', 1)[1])}</td>"
            f"<td>{_rule_link(before, rule, '←')}</td><td>{_rule_link(after, rule, '→')}</td></tr>"
        )
    return "<h3>Same rule, other documents</h3>" + table(
        ["rule", "prev", "next"], rows, "rulenav", "compact"
    )


def _rule_link(index: int | None, rule: int, label: str) -> str:
    if index is None:
        return f'<span class="off">{label}</span>'
    return (
        f'<a href="{ROOT}{links.doc_path(index)}#only={rule}" '
        f'title="document {index + 1}">{label}</a>'
    )


def _removal_table(corpus: Corpus, removals: list[dict[str, Any]], rule_of: list[int]) -> str:
    if not removals:
        return ""
    rows = []
    for number, removal in enumerate(removals):
        stage = str(removal["stage"])
        excerpt = str(removal["text"]).replace("\n", "⏎ ")
        if len(excerpt) > EXCERPT:
            excerpt = excerpt[:EXCERPT] + "…"
        first, last = removal["line_start"], removal["line_end"]
        lines = f"{first}" if first == last else f"{first}–{last}"
        rows.append(
            f'<tr data-r="{rule_of[number]}">'
            f'<td class="n"><a href="#r{number + 1}">{number + 1}</a></td>'
            f'<td><span class="sw s{corpus.stage_index.get(stage, 0)}"></span>{text(stage)}</td>'
            f'<td>{text(removal["rule"])}</td><td class="n">{lines}</td>'
            f'<td class="n">{num(len(removal["text"]))}</td>'
            f'<td class="excerpt">{text(excerpt)}</td></tr>'
        )
    return (
        "<section><h2>Removals</h2>"
        + table(["#", "stage", "rule", "#lines", "#chars", "text"], rows, "removals")
        + "</section>"
    )
