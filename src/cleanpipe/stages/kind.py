"""Tell a full page from an already-extracted article, so that the line classifier reads pages only.

Two kinds of text reach cleanpipe. A naive scrape of a *page* holds the site's furniture all
around the article: menus (runs of short link lines), share rows, sign-in prompts, footers. An
*article* that something already extracted holds its headline and body, with at most a few
leftovers at its edges (a repeated title, a `Comments` marker, a trailing list of headlines),
which the seed rules remove. The line classifier was trained on pages: on an article it takes
subheadings, list items, datelines and bylines for menus, so on that kind it stands aside and
the body is never cut from inside.

The evidence is read after the seed rules, on what is left: furniture marker lines (share,
sign-in, cookie, copyright, navigation, ...), runs of four or more short lines, the longest such
run, how many lines stand before the first prose paragraph, and the share of short lines. An
article has almost no furniture and no menus; a page has both. When unsure (close to a
bound), the text is called a page, the kind that has always been cleaned. Text that an HTML
extractor produced is an article by construction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from cleanpipe.stage import _BLANK_EDGE, Stage, StageOutput, param
from cleanpipe.stages.native_lines import line_features

KIND = "document_kind"
EVIDENCE = "document_kind_evidence"
EXTRACTED = "extracted_text"  # metadata `positions` once an extracting stage has run
Kind = Literal["page", "article"]

_PROSE_WORDS = 10  # a prose paragraph: a sentence of ten words or more
_SHORT_WORDS = 5  # a short line: fewer words, no sentence end (a menu item, a label)
_RUN = 4  # this many short lines in a row make a run (a menu, a link list)


def kind_evidence(text: str) -> dict[str, float]:
    """The measurements the kind is decided on (also reported, so a reader can check it)."""
    # per non-blank line (as split_lines and Line.stripped give them): runs of \w, a sentence
    # end, the marker (native/src/features.rs, one call for the whole text)
    columns = line_features().text_shapes(text, _BLANK_EDGE)
    n_lines = len(columns[0])
    markers = runs = longest = run = short = 0
    first_prose = -1
    for i, (words, terminal, marker) in enumerate(zip(*columns, strict=True)):
        if first_prose < 0 and words >= _PROSE_WORDS and terminal:
            first_prose = i
        if marker is not None and marker != "date_line":
            markers += 1
        if words < _SHORT_WORDS and not terminal:
            short += 1
            run += 1
            longest = max(longest, run)
        else:
            runs += run >= _RUN
            run = 0
    runs += run >= _RUN
    return {
        "lines": n_lines,
        "marker_lines": markers,
        "short_runs": runs,
        "longest_short_run": longest,
        "lines_before_prose": first_prose if first_prose >= 0 else n_lines,
        "short_share": round(short / n_lines, 4) if n_lines else 0.0,
    }


@dataclass(frozen=True)
class DetectDocumentKind(Stage):
    """Decide whether a text is a full page or an extracted article (metadata only)."""

    name: ClassVar[str] = "detect_document_kind"
    removes: ClassVar[bool] = False

    kind: Literal["auto", "page", "article"] = param(
        "auto",
        "force the kind ('page': the line classifier runs; 'article': only the seed "
        "rules do) or decide it per document from the evidence ('auto')",
    )
    # Chosen on the held-out probabilities of the 2,095 naive pages and on 400 seed-shaped
    # documents: up to 3 marker lines and 2 runs, pages called articles lose nothing in CV.
    max_marker_lines: int = param(3, "an article holds at most this many furniture lines", ge=0)
    max_short_runs: int = param(
        2, "an article holds at most this many runs of 4+ short lines", ge=0
    )
    max_run: int = param(
        8, "an article's longest run of short lines (a list) is at most this", ge=0
    )
    max_lines_before_prose: int = param(
        20, "an article's first prose paragraph comes within this many lines", ge=0
    )
    max_short_share: float = param(
        0.5, "an article's share of short lines is below this", ge=0, le=1
    )

    def __post_init__(self) -> None:
        for name in ("max_marker_lines", "max_short_runs", "max_run", "max_lines_before_prose"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name}: expected 0 or more, got {getattr(self, name)}")
        if not 0.0 <= self.max_short_share <= 1.0:
            raise ValueError(
                f"max_short_share: expected a value between 0 and 1, got {self.max_short_share}"
            )

    def __call__(self, text: str, metadata: Mapping[str, Any]) -> StageOutput:
        if self.kind != "auto":
            return StageOutput(metadata={KIND: self.kind, EVIDENCE: {"forced": True}})
        if metadata.get("positions") == EXTRACTED:
            return StageOutput(metadata={KIND: "article", EVIDENCE: {"extracted": True}})
        evidence = kind_evidence(text)
        return StageOutput(metadata={KIND: self.decide(evidence), EVIDENCE: evidence})

    def decide(self, evidence: Mapping[str, float]) -> Kind:
        article = (
            evidence["marker_lines"] <= self.max_marker_lines
            and evidence["short_runs"] <= self.max_short_runs
            and evidence["longest_short_run"] <= self.max_run
            and evidence["lines_before_prose"] <= self.max_lines_before_prose
            and evidence["short_share"] < self.max_short_share
        )
        return "article" if article else "page"
