"""Paged lists of documents: all of them, those of one status, those touched by one rule."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from cleanpipe.report.html import links
from cleanpipe.report.html.corpus import Corpus, DocRow, Example
from cleanpipe.report.html.markup import attr, num, page, pct, table, text

ROOT = "../"  # list pages live in lists/


def list_pages(
    corpus: Corpus,
    name: str,
    title: str,
    indices: Sequence[int],
    rule: int | None = None,
    examples: Sequence[Example] = (),
) -> Iterator[tuple[str, str]]:
    """(relative path, html) of every page of one list; a rule's first page shows examples."""
    size = links.ROWS_PER_LIST_PAGE
    total = links.pages_for(len(indices))
    for number in range(1, total + 1):
        chunk = indices[(number - 1) * size : number * size]
        rows = [_row(corpus, corpus.rows[i], rule) for i in chunk]
        pager = _pager(name, number, total)
        body = (
            f"<h1>{text(title)}</h1>"
            f'<p class="sub">{num(len(indices))} documents · page {number} of {total}</p>'
            f"{pager}"
            + (_examples(examples, rule) if number == 1 and examples else "")
            + table(
                ["#", "document", "status", "lang", "#chars in", "#removed", "#share", "rules"],
                rows,
                "doclist",
            )
            + pager
        )
        yield links.list_path(name, number), page(f"{title} ({number}/{total})", ROOT, body)


def _examples(examples: Sequence[Example], rule: int | None) -> str:
    """What the rule removed, one removal from each of up to 100 documents spread evenly."""
    rows = [
        f'<tr><td class="n muted">{e.index + 1}</td>'
        f'<td class="n"><a href="{ROOT}{links.doc_path(e.index)}#only={rule}">'
        f"line {e.line}</a></td>"
        f'<td class="excerpt">{text(e.text.replace(chr(10), "⏎ "))}</td></tr>'
        for e in examples
    ]
    return (
        f'<h2>What it removed</h2><p class="hint">One removal from each of {len(rows)} '
        "documents spread over the run: read them for article text that should have stayed."
        "</p>"
        + table(["#document", "where", "removed text"], rows, "examples")
        + "<h2>Documents</h2>"
    )


def _row(corpus: Corpus, row: DocRow, rule: int | None) -> str:
    # From a rule's list, open the document filtered to that rule, at its first removal.
    fragment = f"#only={rule}" if rule is not None else ""
    href = ROOT + links.doc_path(row.index) + fragment
    swatches = "".join(
        f'<span class="sw s{_stage_of(corpus, r)}" title="{attr(corpus.rules[r])}"></span>'
        for r in row.rules
    )
    return (
        f'<tr><td class="n muted">{row.index + 1}</td>'
        f'<td class="path"><a href="{attr(href)}">{text(row.path)}</a></td>'
        f'<td><span class="badge {attr(row.status)}">{text(row.status)}</span></td>'
        f"<td>{text(row.lang or '')}</td>"
        f'<td class="n">{num(row.chars_in)}</td><td class="n">{num(row.removed)}</td>'
        f'<td class="n">{pct(row.share)}</td><td>{swatches}</td></tr>'
    )


def _stage_of(corpus: Corpus, rule: int) -> int:
    return corpus.stage_index.get(corpus.rules[rule].split("/", 1)[0], 0)


def _pager(name: str, number: int, total: int) -> str:
    if total == 1:
        return ""
    prev = (
        f'<a href="{attr(name)}-{number - 1}.html">← previous</a>'
        if number > 1
        else '<span class="off">← previous</span>'
    )
    nxt = (
        f'<a href="{attr(name)}-{number + 1}.html">next →</a>'
        if number < total
        else '<span class="off">next →</span>'
    )
    return f'<div class="pager">{prev}<span>page {number} of {total}</span>{nxt}</div>'
