"""Giving each stage a colour, in pipeline order.

Shared by the HTML report and the terminal `diff` view, so both show the same thing in the
same colours; the pieces they colour come from `cleanpipe.replay.segments`.
"""

from __future__ import annotations

from collections.abc import Iterable
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
