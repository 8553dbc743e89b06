"""Cutting an input text into kept and removed pieces, and giving each stage a colour.

Shared by the HTML report and the terminal `diff` view, so both show the same thing in the
same colours.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# Soft backgrounds that stay readable under dark text and differ in hue; assigned to stages
# in pipeline order, so the same config always gives the same colours.
PALETTE = (
    "#fbcfe8",  # pink
    "#bfdbfe",  # blue
    "#fde68a",  # amber
    "#bbf7d0",  # green
    "#ddd6fe",  # violet
    "#fed7aa",  # orange
    "#a5f3fc",  # cyan
    "#fecaca",  # red
    "#d9f99d",  # lime
    "#e5e7eb",  # grey
)
# The same hues, strong: swatches, bars and the terminal gutter, where a pale tint vanishes.
STRONG = (
    "#db2777",
    "#2563eb",
    "#d97706",
    "#16a34a",
    "#7c3aed",
    "#ea580c",
    "#0891b2",
    "#dc2626",
    "#65a30d",
    "#6b7280",
)


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of the input: kept (`removal` is None) or removed by `removal` (its index)."""

    text: str
    removal: int | None = None


class SpanError(ValueError):
    """Removals that do not fit the text they claim to come from."""


def segments(text: str, removals: Sequence[Mapping[str, Any]]) -> list[Segment]:
    """Split `text` at the removals' `start`/`end`, checking each removal's `text` matches.

    The report promises removals are disjoint and `text == input[start:end]`; a mismatch
    means the input changed since the run, and showing highlights in the wrong place would
    be worse than showing none, so it raises.
    """
    pieces: list[Segment] = []
    cursor = 0
    for index, removal in sorted(enumerate(removals), key=lambda item: item[1]["start"]):
        start, end = int(removal["start"]), int(removal["end"])
        if not cursor <= start <= end <= len(text) or text[start:end] != removal["text"]:
            raise SpanError(f"removal {index} [{start}:{end}] does not match the input text")
        if start > cursor:
            pieces.append(Segment(text[cursor:start]))
        pieces.append(Segment(text[start:end], index))
        cursor = end
    if cursor < len(text):
        pieces.append(Segment(text[cursor:]))
    return pieces


def stage_order(config_stages: Iterable[Any], seen: Iterable[str] = ()) -> list[str]:
    """Removing stages in pipeline order (from the config), then any others seen.

    Rewriting stages (`removes = False`) never own a highlight, so they take no colour; a
    stage the registry does not know (a plugin not installed here) is assumed to remove.
    """
    from cleanpipe import registry

    try:
        known = registry.available()
    except registry.RegistryError:
        known = {}
    order: list[str] = []
    for entry in config_stages:
        name = entry if isinstance(entry, str) else next(iter(entry), None)
        cls = known.get(name) if isinstance(name, str) else None
        if isinstance(name, str) and name not in order and (cls is None or cls.removes):
            order.append(name)
    for name in seen:
        if name not in order:
            order.append(name)
    return order
