"""Turn an HTML page into its article text (trafilatura), the baseline later stages work on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, ClassVar

from cleanpipe.document import Edit
from cleanpipe.engines.extraction import ExtractOptions, extract, looks_like_html
from cleanpipe.stage import UNCHANGED, Stage, StageOutput, param


@dataclass(frozen=True)
class ExtractHtml(Stage):
    """Extract the article text of HTML documents (metadata `format: html`); others pass.

    The extracted text replaces the page, so removals by later stages are positioned in it
    (the report says `positions: extracted_text`). The page's title, author, date, site name
    and URL go into the metadata, where `strip_duplicate_title` finds the title, and
    `extraction` records the extractor used, characters before and after, and any fallback.
    """

    name: ClassVar[str] = "extract_html"

    extracts = True
    removes = False

    favor_precision: bool = param(True, "prefer less text, surer to be article (trafilatura)")
    favor_recall: bool = param(False, "prefer more text when unsure (trafilatura)")
    include_tables: bool = param(True, "keep the text of <table> elements")
    include_comments: bool = param(False, "keep the page's reader comments after the article")
    include_links: bool = param(False, "keep link targets in the text")
    fast: bool = param(False, "skip trafilatura's second-opinion extractors (faster, rougher)")
    sniff: bool = param(
        False, "also extract documents without `format: html` that start like an HTML page"
    )
    recall_guard: float = param(
        0.15,
        "with favor_precision: use the balanced extraction when the precise one keeps less "
        "than this share of its characters (0: never)",
        ge=0,
        le=1,
    )

    search_author: bool = param(
        True,
        "when the page's meta tags and JSON-LD name no author, search its body for one "
        "(trafilatura; most of the metadata's cost)",
    )

    def __post_init__(self) -> None:
        if self.favor_precision and self.favor_recall:
            raise ValueError("favor_precision and favor_recall cannot both be true")
        if not 0.0 <= self.recall_guard <= 1.0:
            raise ValueError(f"recall_guard must be between 0 and 1, got {self.recall_guard}")

    def _options(self) -> ExtractOptions:
        # ExtractOptions holds the same names: its fields are taken from the stage's own.
        return ExtractOptions(**{f.name: getattr(self, f.name) for f in fields(ExtractOptions)})

    def __call__(self, text: str, metadata: Mapping[str, Any]) -> StageOutput:
        if metadata.get("format") != "html" and not (self.sniff and looks_like_html(text)):
            return UNCHANGED
        url = metadata.get("url") if isinstance(metadata.get("url"), str) else None
        result = extract(text, self._options(), url=url)
        found = {k: v for k, v in result.metadata.items() if k not in metadata}
        found["extraction"] = {
            "extractor": result.extractor,
            "chars_before": len(text),
            "chars_after": len(result.text),
            "fallback": result.fallback,
        }
        if not result.text.strip():
            return StageOutput(metadata=found, drop="no text extracted from HTML")
        return StageOutput((Edit(0, len(text), "extracted", result.text),), found)
