"""Remove page furniture line by line: menus, share rows, prompts, bylines, captions, footers.

A small tree ensemble (trained by `training/train_boilerplate.py`, shipped as JSON) scores every
non-blank line from its shape and its neighbourhood (`features.py`); lines it judges
boilerplate are removed whole. Each removal is named for what the line is when a hand-written
marker recognises it (`share_line`, `cookie_notice`, `byline`, ...), and otherwise for where it
stands: `navigation` before the article's main block, `footer` after it, `boilerplate_line`
inside it. Any of those rules can be switched off with `keep_rules`.

Each rule removes a line when its article probability is below the rule's threshold, shipped
with the model and calibrated in site-grouped cross-validation so that at least 95 % of the
characters each rule removes are furniture (a rule that cannot be is off; `rule_thresholds`
switches it on). Every removal carries its score, so a report can be re-thresholded.

The first line is the document's title and stays (`first_line: keep_unless_site_title`
removes a page `<title>` with the site's name appended, `Headline | Site`, as `page_title`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np

from cleanpipe import _native
from cleanpipe.document import Edit
from cleanpipe.stage import (
    UNCHANGED,
    LazyModelStage,
    Line,
    StageOutput,
    file_hash,
    param,
    read_named_file,
    split_lines,
)
from cleanpipe.stages.boilerplate.features import (
    FEATURE_NAMES,
    SECOND_PASS_NAMES,
    LineShape,
    line_shapes,
    neighbourhood_matrix,
)
from cleanpipe.stages.boilerplate.trees import TreeEnsemble
from cleanpipe.stages.boilerplate.vocab import MARKER_NAMES, stop_words, stops_key
from cleanpipe.stages.kind import KIND
from cleanpipe.stages.native_lines import line_features
from cleanpipe.stages.titles import has_site_suffix

POSITION_RULES = ("navigation", "footer", "boilerplate_line")
RULES: tuple[str, ...] = tuple(dict.fromkeys((*MARKER_NAMES, *POSITION_RULES, "page_title")))
FirstLine = Literal["keep", "keep_unless_site_title", "classify"]
SECOND_PASS_BLOCK = 8192  # lines


def first_line_verdict(mode: FirstLine, first_line: str) -> bool | None:
    """True: the first line stays; False: it goes as `page_title`; None: the classifier decides."""
    if mode == "classify":
        return None
    return mode == "keep" or not has_site_suffix(first_line)


@dataclass(frozen=True)
class LineModel:
    """The classifier's two passes: line features first, then the same features plus the
    first pass's probabilities around each line (`neighbourhood_features`).

    Furniture and article come in runs; the second pass turns the first pass's per-line
    guesses into runs, keeping an unsure article line among confident ones and dropping a
    prose-like teaser among menus (its gain in site-grouped CV: docs/quality.md).
    """

    first: TreeEnsemble
    second: TreeEnsemble
    # Per rule, the probability below which its lines go, calibrated in site-grouped CV so that
    # each rule's removals are at least 95 % furniture; 0 turns a rule off (it could not be).
    rule_thresholds: Mapping[str, float] = field(default_factory=dict)
    # both passes compiled into one native call, built on first use
    _classifier: _native.LineClassifier | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LineModel:
        model = cls(
            TreeEnsemble.from_dict(data["first"]),
            TreeEnsemble.from_dict(data["second"]),
            {str(k): float(v) for k, v in data.get("rule_thresholds", {}).items()},
        )
        if model.first.features != FEATURE_NAMES or model.second.features != (
            *FEATURE_NAMES,
            *SECOND_PASS_NAMES,
        ):
            # A model trained on another feature set would read every row wrongly.
            raise ValueError(
                "the boilerplate model was trained on other line features; retrain it "
                "with training/train_boilerplate.py"
            )
        return model

    def to_dict(self) -> dict[str, Any]:
        data = {"first": self.first.to_dict(), "second": self.second.to_dict()}
        if self.rule_thresholds:
            data["rule_thresholds"] = dict(self.rule_thresholds)
        return data

    def score(
        self,
        lines: Sequence[str],
        blank_before: Sequence[bool],
        blank_after: Sequence[bool],
        stops: frozenset[str],
    ) -> tuple[list[float], list[LineShape], tuple[int, int]]:
        """Both passes over a document's non-blank (stripped) lines, in one native call: each
        line's probability of being article text, the lines' shapes and the main block."""
        classifier = self._classifier
        if classifier is None:
            classifier = _native.LineClassifier(
                line_features(), self.first.scorer(), self.second.scorer()
            )
            object.__setattr__(self, "_classifier", classifier)
        probabilities, chars, words, terminal, ratios, markers, block = classifier.score(
            list(lines), list(blank_before), list(blank_after), stops_key(stops)
        )
        scores: list[float] = np.frombuffer(probabilities, dtype=np.float64).tolist()
        shapes = line_shapes(chars, words, terminal, ratios, markers)
        return scores, shapes, (block[0], block[1])

    def probabilities(self, rows: np.ndarray, shapes: Sequence[LineShape]) -> list[float]:
        first = np.array(self.first.probabilities(rows), dtype=np.float64)
        context = neighbourhood_matrix(first, shapes)
        # The second pass's rows are built a block at a time: whole, they would double the
        # memory of a long document's features.
        second: list[float] = []
        for start in range(0, len(rows), SECOND_PASS_BLOCK):
            block = slice(start, start + SECOND_PASS_BLOCK)
            second += self.second.probabilities(
                np.concatenate((rows[block], context[block]), axis=1)
            )
        return second


# The packaged model is 0.2 MB; a model a hundred times larger is not one of ours.
MAX_MODEL_BYTES = 50_000_000


def model_bytes(path: str | Path | None = None) -> bytes:
    """The packaged model file (`models/boilerplate.json`), or one from `training/`."""
    if path is None:
        return (
            resources.files("cleanpipe.stages.boilerplate") / "models" / "boilerplate.json"
        ).read_bytes()
    return read_named_file(path, MAX_MODEL_BYTES)  # a regular file, bounded: never /dev/zero


def load_line_model(path: str | Path | None = None) -> LineModel:
    """The packaged model (`models/boilerplate.json`), or one from `training/`."""
    data = json.loads(model_bytes(path).decode("utf-8"))
    if "first" not in data or "second" not in data:
        raise ValueError(
            "not a two-pass boilerplate model (keys 'first' and 'second'); retrain it with "
            "training/train_boilerplate.py"
        )
    return LineModel.from_dict(data)


@dataclass(frozen=True)
class DocumentLines:
    """The non-blank lines of a text, with whether a blank line stands before and after each."""

    lines: list[Line]
    blank_before: list[bool]
    blank_after: list[bool]

    @classmethod
    def of(cls, text: str) -> DocumentLines:
        lines: list[Line] = []
        before: list[bool] = []
        after: list[bool] = []
        previous_blank = True
        for line in split_lines(text):
            if line.blank:
                if after:
                    after[-1] = True
                previous_blank = True
                continue
            lines.append(line)
            before.append(previous_blank)
            after.append(False)
            previous_blank = False
        return cls(lines, before, after)


def score_lines(
    model: LineModel, text: str, metadata: Mapping[str, Any], doc: DocumentLines | None = None
) -> tuple[DocumentLines, list[float], list[LineShape], list[str], tuple[int, int]]:
    """Each non-blank line's probability of being article text, its shape, its rule if removed;
    and the main block of prose. `doc`: the lines of `text`, if already split."""
    doc = DocumentLines.of(text) if doc is None else doc
    stripped = [line.stripped for line in doc.lines]
    probabilities, shapes, (block_start, block_end) = model.score(
        stripped, doc.blank_before, doc.blank_after, stop_words(metadata.get("lang"))
    )
    rules = []
    for i, shape in enumerate(shapes):
        if shape.marker is not None:
            rules.append(shape.marker)
        elif i < block_start:
            rules.append("navigation")
        elif i >= block_end:
            rules.append("footer")
        else:
            rules.append("boilerplate_line")
    return doc, probabilities, shapes, rules, (block_start, block_end)


def keep_decisions(
    probabilities: Sequence[float],
    shapes: Sequence[LineShape],
    threshold: float | Sequence[float],
    first_line: bool | None = True,
    block: tuple[int, int] = (0, 0),
) -> list[bool]:
    """Which lines stay: the classifier's verdict, plus short lines that belong to the prose.

    A short line between two kept prose paragraphs is an in-text subheading or a one-line
    paragraph far more often than furniture, and so is a short sentence right after the last
    kept paragraph (ads, share rows and sign-offs carry a marker, and markers are never
    rescued). The classifier, which sees menus of short lines everywhere, is unsure of them;
    taken from the article, they would leave holes in it.

    When no line but the title would stay, the main block of prose stays too: a page whose
    every line looks like furniture is a page the classifier does not understand, and a
    document reduced to its title (or emptied) has lost its article.

    `threshold` is one for every line, or one per line (its rule's).
    """
    if isinstance(threshold, (int, float)):
        keep = [p >= threshold for p in probabilities]
    else:
        keep = [p >= t for p, t in zip(probabilities, threshold, strict=True)]
    if keep and first_line is not None:
        keep[0] = first_line
    rescued = list(keep)
    for i in range(1, len(keep)):
        if keep[i] or shapes[i].marker is not None or not (keep[i - 1] and shapes[i - 1].prose):
            continue
        last = i + 1 == len(keep)
        if not last and keep[i + 1] and shapes[i + 1].prose:
            rescued[i] = True  # between two kept paragraphs
        elif (last or not keep[i + 1]) and _closing_sentence(shapes[i]):
            rescued[i] = True  # the article's short last sentence
    if not any(rescued[1:]):
        in_block = [block[0] <= i < block[1] for i in range(len(rescued))]
        if any(in_block[1:]) or not any(rescued):
            return [kept or inside for kept, inside in zip(rescued, in_block, strict=True)]
    return rescued


def _closing_sentence(shape: LineShape) -> bool:
    return shape.terminal and shape.words >= 3 and shape.stop_ratio > 0


@dataclass(frozen=True)
class StripBoilerplate(LazyModelStage):
    """Remove lines a line classifier judges page furniture, each under a named rule."""

    name: ClassVar[str] = "strip_boilerplate"

    # Trained on naive full-page text. On an HTML extractor's output (where the furniture is
    # mostly gone already) it cut article lines, lists and short closing lines above all
    # (docs/quality.md). So the pipeline skips it there (see Stage.naive_text_only).
    naive_text_only = True

    threshold: float = param(
        0.5,
        "lines whose article probability is below this are removed (higher: more removed)",
        ge=0,
        le=1,
    )
    # `keep` by default: removing a `Headline | Site` first line as page_title kept 0.64 of
    # removal precision in site-grouped CV on 2,095 pages (the headline is article text under
    # cleanpipe's convention), below the 0.95 every default rule must keep.
    first_line: Literal["keep", "keep_unless_site_title", "classify"] = param(
        "keep",
        "the first line (the title): keep; keep unless it ends in a site name ('Headline | "
        "Site', removed as page_title); or classify like any line",
    )
    keep_rules: tuple[str, ...] = param(
        (), f"rules never applied: lines they would remove stay ({', '.join(RULES)})"
    )
    rule_thresholds: Mapping[str, float] | None = param(
        None,
        "per rule, the probability below which its lines go, over the model's calibrated "
        "ones (0: the rule is off; e.g. {byline: 0.5} switches on a rule the model keeps off)",
    )
    rounds: int = param(
        1,
        "read the text again without the lines removed, up to this many times in all, until "
        "nothing more goes (a second pass then changes nothing more often)",
        ge=1,
    )
    model_path: str | None = param(
        None, "a JSON model from training/train_boilerplate.py; None uses the packaged one"
    )
    _model: Any = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.keep_rules) - set(RULES))
        if unknown:
            raise ValueError(f"keep_rules: unknown rule {unknown[0]!r} (rules: {', '.join(RULES)})")
        unknown = sorted(set(self.rule_thresholds or ()) - set(RULES))
        if unknown:
            raise ValueError(
                f"rule_thresholds: unknown rule {unknown[0]!r} (rules: {', '.join(RULES)})"
            )
        for rule, value in (self.rule_thresholds or {}).items():
            if not 0.0 <= value <= 1.0:
                raise ValueError(
                    f"rule_thresholds.{rule}: expected a value between 0 and 1, got {value}"
                )
        if self.model_path is not None:
            # Checked here, so that a wrong path is a config error before the run, not an
            # error on every document; the workers load the model again, lazily.
            try:
                load_line_model(self.model_path)
            except OSError as error:
                reason = error.strerror or error
                raise ValueError(f"model_path: cannot read {self.model_path}: {reason}") from None
            except (ValueError, KeyError, TypeError) as error:
                raise ValueError(f"model_path: {self.model_path}: {error}") from None
        if self.rounds < 1:
            raise ValueError(f"rounds: expected 1 or more, got {self.rounds}")
        if not 0.0 <= self.threshold <= 1.0:
            raise ValueError(f"threshold: expected a value between 0 and 1, got {self.threshold}")

    def fingerprint(self) -> str | None:
        return file_hash(model_bytes(self.model_path))

    def _line_model(self) -> LineModel:
        model: LineModel = self.loaded_model(lambda: load_line_model(self.model_path))
        return model

    def __call__(self, text: str, metadata: Mapping[str, Any]) -> StageOutput:
        if metadata.get(KIND) == "article":
            # An extracted article (detect_document_kind): the seed rules have taken its
            # leftovers, and its body is never cut from inside.
            skipped = [*metadata.get("skipped_stages", ()), self.name]
            return StageOutput(metadata={"skipped_stages": skipped})
        model = self._line_model()
        doc = DocumentLines.of(text)
        removed: dict[int, tuple[str, float | None]] = {}  # line index -> rule, score
        alive = list(range(len(doc.lines)))  # the lines the current round reads
        current = text
        for round_ in range(self.rounds):
            verdicts = self._round(model, current, metadata, doc if round_ == 0 else None)
            gone = {alive[i]: verdict for i, verdict in verdicts.items()}
            if not gone:
                break
            removed.update(gone)
            alive = [i for i in alive if i not in gone]
            current = "\n\n".join(doc.lines[i].text for i in alive) + "\n"
        if not removed:
            return UNCHANGED
        return StageOutput(tuple(_scored_edits(doc.lines, removed)))

    def line_thresholds(self, model: LineModel, rules: Sequence[str]) -> list[float]:
        """Each line's threshold: its rule's (this stage's setting, else the model's
        calibrated one, else `threshold`)."""
        table = {**model.rule_thresholds, **(self.rule_thresholds or {})}
        return [table.get(rule, self.threshold) for rule in rules]

    def _round(
        self,
        model: LineModel,
        text: str,
        metadata: Mapping[str, Any],
        lines: DocumentLines | None,
    ) -> dict[int, tuple[str, float | None]]:
        """One reading of `text`: the non-blank lines it removes, by index, with their rule
        and score."""
        doc, probabilities, shapes, rules, block = score_lines(model, text, metadata, lines)
        verdict = first_line_verdict(self.first_line, doc.lines[0].text) if doc.lines else True
        keep = keep_decisions(
            probabilities, shapes, self.line_thresholds(model, rules), verdict, block
        )
        scores: list[float | None] = [round(p, 4) for p in probabilities]
        if verdict is False:
            rules[0] = "page_title"
            scores[0] = None  # removed for its site suffix, not for its score
        return {
            i: (rule, scores[i])
            for i, (kept, rule) in enumerate(zip(keep, rules, strict=True))
            if not kept and rule not in self.keep_rules
        }


def _scored_edits(
    lines: Sequence[Line], removed: Mapping[int, tuple[str, float | None]]
) -> list[Edit]:
    """One edit per run of adjacent removed lines of one rule; its score is the highest of
    its lines' (no line it removed scored above it)."""
    edits: list[Edit] = []
    for i in sorted(removed):
        rule, score = removed[i]
        line = lines[i]
        last = edits[-1] if edits else None
        if last is not None and last.end == line.start and last.rule == rule:
            merged = None if last.score is None or score is None else max(last.score, score)
            edits[-1] = Edit(last.start, line.end, rule, score=merged)
        else:
            edits.append(Edit(line.start, line.end, rule, score=score))
    return edits
