"""The stage reference, generated from the code: `cleanpipe stages` prints it, and the
README's stage table is its Markdown form (`cleanpipe stages --markdown`; a test compares)."""

from __future__ import annotations

from typing import Any

from cleanpipe import registry


def stage_order() -> list[str]:
    """Every stage's name: the default config's in the order it runs them, then the rest."""
    from cleanpipe.pipeline import Pipeline  # the pipeline imports the registry first

    available = registry.available()
    in_default = [s.name for s in Pipeline.default().stages if s.name in available]
    return in_default + [name for name in available if name not in in_default]


def purpose(cls: Any) -> str:
    """The first line of a stage's docstring."""
    return (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""


def show_default(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(map(str, value)) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    return "null" if value is None else str(value)


def markdown() -> str:
    """The stage table: name, purpose, parameters with their defaults."""
    available = registry.available()
    rows = ["| stage | what it does | parameters (default) |", "|---|---|---|"]
    for name in stage_order():
        cls = available[name]
        params = ", ".join(f"`{f.name}` ({show_default(f.default)})" for f in cls.parameters())
        what = purpose(cls).replace("|", "\\|")  # a pipe would end the cell
        rows.append(f"| `{name}` | {what} | {params or 'none'} |")
    return "\n".join(rows) + "\n"
