"""Small HTML building blocks: escaping, the page frame, tables, numbers.

Every piece of text that came from a document, a path, a reason or a rule name is hostile web
content: it goes through `text()` or `attr()` and nowhere else. The page frame also sets a
Content-Security-Policy that forbids inline scripts, so a missed escape still cannot run code.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

# Scripts only from our own assets file, no network at all; inline styles are allowed for
# bar widths. Opened from disk, 'self' is the report's own folder.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'"
)


def text(value: object) -> str:
    """Escape for element content."""
    return html.escape(str(value), quote=False)


def attr(value: object) -> str:
    """Escape for a double-quoted attribute value."""
    return html.escape(str(value), quote=True)


def num(value: int) -> str:
    return f"{value:,}"


def pct(share: float) -> str:
    if share <= 0:
        return "0%"
    if share < 0.001:
        return "<0.1%"
    return f"{share:.1%}"


def page(title: str, root: str, body: str, body_class: str = "") -> str:
    """A complete page; `root` is the relative path from the page to the report folder."""
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{attr(CSP)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{text(title)}</title>"
        f'<link rel="stylesheet" href="{root}assets/report.css"></head>\n'
        f'<body class="{attr(body_class)}">'
        f'<header class="top"><a class="brand" href="{root}index.html">cleanpipe'
        "<span>audit report</span></a>"
        f'<nav><a href="{root}index.html">Overview</a>'
        f'<a href="{root}lists/all-1.html">All documents</a></nav></header>\n'
        f"<main>{body}</main>\n"
        f'<script src="{root}assets/report.js"></script>'
        "</body></html>\n"
    )


def table(head: Iterable[str], rows: Iterable[str], table_id: str = "", css: str = "") -> str:
    """A table from already-built `<tr>` rows; `head` cells are plain text (escaped here).

    A head cell starting with `#` is right-aligned (numbers), the `#` dropped.
    """
    cells = "".join(
        f'<th class="n">{text(h[1:])}</th>' if h.startswith("#") else f"<th>{text(h)}</th>"
        for h in head
    )
    ident = f' id="{attr(table_id)}"' if table_id else ""
    klass = f' class="{attr(css)}"' if css else ""
    return (
        f"<table{ident}{klass}><thead><tr>{cells}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def bar(share: float, colour_class: str = "") -> str:
    """A thin horizontal bar for a share in [0, 1] (CSS only)."""
    width = max(0.0, min(1.0, share)) * 100
    if 0 < width < 2:
        width = 2  # something, however little, must not look like nothing
    inner = f'<span class="{colour_class}" style="width:{width:.1f}%"></span>'
    return f'<span class="bar">{inner}</span>'
