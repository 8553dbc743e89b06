"""The corpus overview (`index.html`): what went, by which rule, and where to look first.

Built from the light `Corpus` index only, so it costs the same whether documents are short or
long, and stays one small page for 100,000 documents.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from cleanpipe.report.html import links
from cleanpipe.report.html.corpus import Corpus, DocRow
from cleanpipe.report.html.markup import attr, bar, num, pct, table, text

TOP_DOCUMENTS = 15  # rows in the "most removed" and "least removed" tables
TOP_VALUES = 12  # languages and encodings shown before "other"
HISTOGRAM_BINS = 10


def render_overview(corpus: Corpus) -> str:
    rows = corpus.rows
    removed = sum(row.removed for row in rows)
    chars_in = corpus.totals.chars_in
    head = _heading(corpus)
    cards = _cards(corpus)
    body = (
        f"{head}{cards}"
        '<div class="grid2">'
        f"<section>{_statuses(corpus)}</section>"
        f"<section>{_histogram(rows)}</section>"
        "</div>"
        f"<section>{_rules(corpus, removed, chars_in)}</section>"
        '<div class="grid2">'
        f"<section>{_extremes(rows, most=True)}</section>"
        f"<section>{_extremes(rows, most=False)}</section>"
        "</div>"
        '<div class="grid3">'
        f"<section>{_counts('Languages', corpus.totals.languages, len(rows))}</section>"
        f"<section>{_counts('Encodings', corpus.totals.encodings, len(rows))}</section>"
        f"<section>{_rewrites(corpus)}</section>"
        "</div>"
    )
    return body


def _heading(corpus: Corpus) -> str:
    info = corpus.summary_file
    config = info.get("config") if isinstance(info.get("config"), dict) else {}
    parts = [f"{num(len(corpus.rows))} documents"]
    if info.get("input_dir"):
        parts.append(f"input <code>{text(info['input_dir'])}</code>")
    if config and config.get("name"):
        stages = len(corpus.config_stages)
        parts.append(f"config <b>{text(config['name'])}</b> ({stages} stages)")
    if isinstance(info.get("elapsed_seconds"), (int, float)):
        parts.append(f"cleaned in {info['elapsed_seconds']:.1f}s")
    note = ""
    if info.get("interrupted") or info.get("stopped_early"):
        note = (
            '<p class="warn">The run stopped early: '
            "this report covers the documents it finished.</p>"
        )
    return f'<h1>Cleaning report</h1><p class="sub">{" · ".join(parts)}</p>{note}'


def _cards(corpus: Corpus) -> str:
    statuses = corpus.totals.statuses
    chars_in = corpus.totals.chars_in
    documents = len(corpus.rows)

    def share(count: int, total: int) -> str:
        return pct(count / total if total else 0)

    cards = [
        ("Documents", num(documents), "in report.jsonl"),
        ("Cleaned", num(statuses.get("ok", 0)), share(statuses.get("ok", 0), documents)),
        ("Dropped", num(statuses.get("dropped", 0)), share(statuses.get("dropped", 0), documents)),
        ("Errors", num(statuses.get("error", 0)), share(statuses.get("error", 0), documents)),
        (
            "Characters removed",
            num(corpus.totals.removed_chars),
            f"{pct(corpus.totals.removed_share)} of the documents read",
        ),
        ("Characters out", num(corpus.totals.chars_out), f"of {num(chars_in)} in"),
    ]
    if corpus.totals.extracted_pages:  # extraction is its own line, not part of "removed"
        cards.append(
            (
                "Extracted from HTML",
                num(corpus.totals.extracted_pages),
                f"pages: {num(corpus.totals.markup_chars)} characters of markup -> "
                f"{num(corpus.totals.extracted_chars)} of text",
            )
        )
    html = "".join(
        f'<div class="card"><div class="label">{text(label)}</div>'
        f'<div class="value">{value}</div><div class="note">{text(note)}</div></div>'
        for label, value, note in cards
    )
    return f'<div class="cards" id="cards">{html}</div>'


def _statuses(corpus: Corpus) -> str:
    total = len(corpus.rows) or 1
    rows = []
    for number, (status, count) in enumerate(sorted(corpus.totals.statuses.items())):
        href = links.list_path(links.status_list(status, number))
        rows.append(
            f'<tr><td><a href="{href}">'
            f'<span class="badge {attr(status)}">{text(status)}</span></a></td>'
            f'<td class="n">{num(count)}</td><td class="n">{pct(count / total)}</td>'
            f"<td>{bar(count / total, 'fill')}</td></tr>"
        )
    html = "<h2>Documents by status</h2>" + table(
        ["status", "#documents", "#share", ""], rows, "statuses"
    )
    reasons = corpus.totals.reasons
    if reasons:
        reason_rows = [
            f'<tr><td>{text(reason)}</td><td class="n">{num(count)}</td></tr>'
            for reason, count in reasons.most_common(TOP_VALUES)
        ]
        html += "<h3>Why documents were dropped or failed</h3>" + table(
            ["reason", "#documents"], reason_rows, "reasons"
        )
    return html


def _rules(corpus: Corpus, removed: int, chars_in: int) -> str:
    stats = corpus.totals.rules
    rows = []
    previous_stage = None
    for rule_id, key in enumerate(corpus.rules):
        stage, _, rule = key.partition("/")
        rule_stats = stats[key]
        colour = f"s{corpus.stage_index.get(stage, 0)}"
        stage_cell = (
            f'<span class="sw {colour}"></span>{text(stage)}' if stage != previous_stage else ""
        )
        previous_stage = stage
        href = links.list_path(links.rule_list(rule_id))
        rows.append(
            f'<tr><td class="stage">{stage_cell}</td>'
            f'<td><a href="{href}">{text(rule)}</a></td>'
            f'<td class="n">{num(rule_stats.documents)}</td>'
            f'<td class="n">{num(rule_stats.lines)}</td>'
            f'<td class="n">{num(rule_stats.chars)}</td>'
            f'<td class="n">{pct(rule_stats.chars / chars_in if chars_in else 0)}</td>'
            f"<td>{bar(rule_stats.chars / removed if removed else 0, colour)}</td></tr>"
        )
    if not rows:
        return '<h2>Removals by stage and rule</h2><p class="empty">Nothing was removed.</p>'
    return (
        "<h2>Removals by stage and rule</h2>"
        '<p class="hint">Documents touched links to every such document, each opened at the '
        "rule's first removal.</p>"
        + table(
            [
                "stage",
                "rule",
                "#documents touched",
                "#lines",
                "#characters removed",
                "#of input",
                "share of all removals",
            ],
            rows,
            "rules",
        )
    )


def _histogram(rows: Sequence[DocRow]) -> str:
    """Bars of the share of text removed per cleaned document: 0 exactly, then 10% bins."""
    cleaned = [row for row in rows if row.status == "ok"]
    counts = [0] * (HISTOGRAM_BINS + 1)
    for row in cleaned:
        share = row.share
        counts[0 if share <= 0 else 1 + min(HISTOGRAM_BINS - 1, int(share * HISTOGRAM_BINS))] += 1
    labels = ["0"] + [f"{10 * i}–{10 * (i + 1)}%" for i in range(HISTOGRAM_BINS)]
    width, height, left, bottom, top = 620, 220, 40, 40, 18
    slot = (width - left - 8) / len(counts)
    peak = max(counts) or 1
    bars = []
    for number, (label, count) in enumerate(zip(labels, counts, strict=True)):
        bar_height = (height - bottom - top) * count / peak
        x = left + number * slot + 3
        y = height - bottom - bar_height
        klass = "hbar zero" if number == 0 else "hbar"
        bars.append(
            f"<g><title>{text(label)} removed: {num(count)} documents</title>"
            f'<rect class="{klass}" x="{x:.1f}" y="{y:.1f}" width="{slot - 6:.1f}" '
            f'height="{max(bar_height, 0.5):.1f}" rx="2"></rect>'
            f'<text class="count" x="{x + (slot - 6) / 2:.1f}" y="{y - 4:.1f}">{num(count)}</text>'
            f'<text class="label" x="{x + (slot - 6) / 2:.1f}" y="{height - bottom + 14}">'
            f"{text(label.replace('%', ''))}</text></g>"
        )
    axis = (
        f'<line class="axis" x1="{left}" y1="{height - bottom}" x2="{width - 4}" '
        f'y2="{height - bottom}"></line>'
        f'<text class="axis-title" x="{(width + left) / 2:.0f}" y="{height - 6}">'
        "% of the document's characters removed</text>"
    )
    svg = (
        f'<svg id="histogram" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Histogram of the share of text removed per document">'
        f"{''.join(bars)}{axis}</svg>"
    )
    return (
        "<h2>Share of text removed per document</h2>"
        f'<p class="hint">{num(len(cleaned))} cleaned documents; the first bar counts those '
        "where nothing was removed.</p>" + svg
    )


def _extremes(rows: Sequence[DocRow], *, most: bool) -> str:
    cleaned = [row for row in rows if row.status == "ok"]
    if most:
        title, hint = "Most removed", "Likely false positives: check that no article text went."
        chosen = sorted(
            (r for r in cleaned if r.removed), key=lambda r: (-r.share, -r.removed, r.index)
        )
    else:
        title, hint = "Least removed", "Likely missed boilerplate: long documents first."
        chosen = sorted(cleaned, key=lambda r: (r.share, -r.chars_in, r.index))
    body = [
        f'<tr><td class="path"><a href="{links.doc_path(r.index)}">{text(r.path)}</a></td>'
        f'<td class="n">{num(r.chars_in)}</td><td class="n">{num(r.removed)}</td>'
        f'<td class="n">{pct(r.share)}</td></tr>'
        for r in chosen[:TOP_DOCUMENTS]
    ]
    if not body:
        return f'<h2>{title}</h2><p class="empty">No document had anything removed.</p>'
    ident = "most-removed" if most else "least-removed"
    return f'<h2>{title}</h2><p class="hint">{hint}</p>' + table(
        ["document", "#chars in", "#removed", "#share"], body, ident
    )


def _counts(title: str, counts: Counter[str], total: int) -> str:
    rows = [
        f'<tr><td>{text(value)}</td><td class="n">{num(count)}</td>'
        f'<td class="n">{pct(count / total if total else 0)}</td></tr>'
        for value, count in counts.most_common(TOP_VALUES)
    ]
    rest = counts.most_common()[TOP_VALUES:]
    if rest:
        others = sum(count for _, count in rest)
        rows.append(
            f'<tr class="other"><td>{len(rest)} others</td><td class="n">{num(others)}</td>'
            f'<td class="n">{pct(others / total if total else 0)}</td></tr>'
        )
    if not rows:
        return f'<h2>{text(title)}</h2><p class="empty">None recorded.</p>'
    return f"<h2>{text(title)}</h2>" + table(["value", "#documents", "#share"], rows)


def _rewrites(corpus: Corpus) -> str:
    rows = [
        f'<tr><td>{text(key)}</td><td class="n">{num(count)}</td></tr>'
        for key, count in sorted(corpus.totals.rewrites.items())
    ]
    if not rows:
        return '<h2>Rewrites</h2><p class="empty">None.</p>'
    return '<h2>Rewrites</h2><p class="hint">Changes of form (counted, not listed).</p>' + table(
        ["stage/rule", "#changes"], rows
    )
