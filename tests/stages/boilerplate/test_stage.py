"""strip_boilerplate: markers, the packaged model, the keep rules and the whole-line contract.

Whole pages (with traps) are data-driven cases under fixtures/stages/strip_boilerplate/.
"""

from __future__ import annotations

import json
import math
import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanpipe import registry
from cleanpipe.config import ConfigError, make_stage
from cleanpipe.edits import apply_edits
from cleanpipe.stages.boilerplate.features import (
    FEATURE_NAMES,
    SECOND_PASS_NAMES,
    LineShape,
    line_features,
    main_block,
    neighbourhood_features,
)
from cleanpipe.stages.boilerplate.stage import (
    RULES,
    DocumentLines,
    StripBoilerplate,
    first_line_verdict,
    keep_decisions,
    load_line_model,
)
from cleanpipe.stages.boilerplate.trees import Tree, TreeEnsemble
from cleanpipe.stages.boilerplate.vocab import marker_of, stop_words
from tests.oracles import trees as oracle

MARKER_CASES = [
    ("Share", "share_line"),
    ("Share on Facebook", "share_line"),
    ("Facebook Twitter Email", "share_line"),
    ("Teilen", "share_line"),
    ("Subscribe now", "subscribe_prompt"),
    ("Iscriviti", "subscribe_prompt"),
    ("We use cookies to give you the best experience on our website.", "cookie_notice"),
    ("Privacy Policy", "cookie_notice"),
    ("Datenschutz", "cookie_notice"),
    ("© 2019 The Riverside Herald. All rights reserved.", "copyright"),
    ("Tous droits réservés", "copyright"),
    ("Advertisement", "ad_marker"),
    ("Publicidad", "ad_marker"),
    ("By Maria Lopez", "byline"),
    ("Von Jana Schulz", "byline"),
    ("Published March 12, 2019 at 6:45 pm", "date_line"),
    ("Nov 17, 2025", "date_line"),
    ("Photo: Getty Images", "caption"),
    ("Related stories", "related_header"),
    ("Leggi anche", "related_header"),
    ("Home", "navigation"),
    ("Startseite", "navigation"),
    ("(View all)", "navigation"),
    ("Trending News", "related_header"),
    ("Você pode gostar...", "related_header"),
    ("Related Roundup: MacBook Pro", "related_header"),
    ("Top Rated Comments", "comment_meta"),
    ("Rating: 36 Votes", "comment_meta"),
    ("Milan Griffes on September 12, 2018 at 4:47 pm said:", "comment_meta"),
    ("This story has been shared 28,533 times. 28,533", "share_line"),
    ("43M ago", "date_line"),
    ("2h ago", "date_line"),
    # Traps: article sentences that merely mention what a marker names.
    ("He shared 3 times the prize money with his brother.", None),
    ("Top news executives met in Paris on Monday to discuss the merger.", None),
    ("The show was 2h long and the audience stayed to the end.", None),
    ("Facebook said on Monday it would buy the company for $2 billion.", None),
    ("The regulator said the cookies had been placed without consent of the users.", None),
    ("By the end of the year, the company had hired 300 people.", None),
    ("Subscribers to the service will pay more from January, the company said.", None),
    ("Copyright law was not designed for machine learning, the judge wrote in her ruling.", None),
    ("", None),
]


@pytest.mark.parametrize(("line", "expected"), MARKER_CASES)
def test_marker_of(line: str, expected: str | None) -> None:
    assert marker_of(line) == expected


def test_stop_words_follow_the_detected_language() -> None:
    assert "und" in stop_words("de")
    assert "und" not in stop_words("en")
    assert "und" in stop_words("ko")  # unknown languages use every list together
    assert "the" in stop_words(None)


def test_packaged_model_matches_the_features() -> None:
    model = load_line_model()
    assert model.first.features == FEATURE_NAMES
    assert model.second.features == (*FEATURE_NAMES, *SECOND_PASS_NAMES)
    assert model.first.trees and model.second.trees


def test_a_one_pass_model_file_is_refused_clearly(tmp_path: Path) -> None:
    single = load_line_model().first.to_dict()
    path = tmp_path / "old.json"
    path.write_text(json.dumps(single), encoding="utf-8")
    with pytest.raises(ValueError, match="not a two-pass boilerplate model"):
        load_line_model(path)
    wrong = {"first": single, "second": single}  # the second pass lacks its own features
    path.write_text(json.dumps(wrong), encoding="utf-8")
    with pytest.raises(ValueError, match="other line features"):
        load_line_model(path)


def test_tree_ensemble_arithmetic() -> None:
    # One stump: feature 0 <= 0.5 goes left (+1), else right (-1).
    stump = Tree((0, -1, -1), (0.5, 0.0, 0.0), (1, -1, -1), (2, -1, -1), (0.0, 1.0, -1.0))
    model = TreeEnsemble(("x",), 0.0, 1.0, (stump,), {})
    assert model.probability([0.0]) == pytest.approx(0.7310586, abs=1e-6)
    assert model.probability([1.0]) == pytest.approx(0.2689414, abs=1e-6)
    assert TreeEnsemble.from_dict(model.to_dict()) == model


def test_compiled_trees_agree_with_walking_them() -> None:
    both = load_line_model()
    for model in (both.first, both.second):
        width = len(model.features)
        rows = [[((i * 7 + j * 13) % 17) / 4 - 1 for j in range(width)] for i in range(50)]
        for row in rows:
            assert model.probability(row) == oracle.probability(model, row)


def test_second_pass_reads_the_neighbours_verdicts() -> None:
    shapes = [LineShape(100, 20, True, 0.4, None)] * 4
    rows = neighbourhood_features([0.2, 0.9, 0.6, 0.1], shapes)
    named = [dict(zip(SECOND_PASS_NAMES, row, strict=True)) for row in rows]
    assert named[2]["p"] == 0.6
    assert named[2]["p_prev"] == 0.9 and named[2]["p_next"] == 0.1
    assert named[0]["p_prev"] == 0.0 and named[3]["p_next"] == 0.0
    assert named[2]["p_max_before"] == 0.9 and named[2]["p_max_after"] == 0.1
    assert named[0]["p_max_before"] == 0.0 and named[3]["p_max_after"] == 0.0
    # kept characters (probability >= 0.5) above and below: lines 1 and 2 are kept
    assert named[0]["kept_chars_after"] == 1.0 and named[3]["kept_chars_before"] == 1.0
    assert named[1]["kept_chars_before"] == 0.0 and named[1]["kept_chars_after"] == 0.5


def test_structure_features_count_boundaries_and_find_the_headline() -> None:
    lines = [
        "Bikes win | The Paper",
        "Home",
        "Bikes win",
        "The council voted for bike lanes.",
        "Jane on May 2, 2019 at 4:47 pm said:",
        "Great news.",
        "Reply",
        "Reply",
    ]
    rows, shapes, _ = line_features(lines, [False] * 8, [False] * 8)
    named = [dict(zip(FEATURE_NAMES, row, strict=True)) for row in rows]
    assert [s.marker for s in shapes][4] == "comment_meta"
    assert named[5]["comment_meta_above"] == pytest.approx(math.log1p(1))
    assert named[7]["comment_meta_above"] == pytest.approx(math.log1p(2))  # not itself
    assert named[3]["comment_meta_below"] == pytest.approx(math.log1p(3))
    assert named[4]["comment_meta_below"] == pytest.approx(math.log1p(2))  # not itself
    assert named[0]["navigation_below"] == pytest.approx(math.log1p(1))
    # the headline repeated on line 2 anchors the article
    assert all(n["title_repeat_found"] == 1.0 for n in named)
    assert named[2]["title_repeat_distance"] == 0.0
    assert named[3]["title_repeat_distance"] == pytest.approx(math.log1p(1))
    assert named[1]["title_repeat_distance"] == pytest.approx(-math.log1p(1))


def test_main_block_is_the_dense_prose_run() -> None:
    short = LineShape(8, 1, False, 0.0, None)
    prose = LineShape(300, 50, True, 0.4, None)
    marker = LineShape(5, 1, False, 0.0, "share_line")
    shapes = [short, short, short, prose, prose, short, prose, marker, short, short]
    assert main_block(shapes) == (3, 7)


def test_short_line_between_kept_paragraphs_is_rescued() -> None:
    prose = LineShape(300, 50, True, 0.4, None)
    heading = LineShape(10, 2, False, 0.0, None)
    ad = LineShape(13, 1, False, 0.0, "ad_marker")
    shapes = [heading, prose, heading, prose, ad, prose]
    keep = keep_decisions([0.1, 0.9, 0.2, 0.9, 0.2, 0.9], shapes, 0.5)
    assert keep == [True, True, True, True, False, True]


def test_an_emptied_page_keeps_its_main_block() -> None:
    prose = LineShape(300, 50, True, 0.4, None)
    short = LineShape(8, 1, False, 0.0, None)
    shapes = [short, short, prose, prose, short]
    keep = keep_decisions([0.1] * 5, shapes, 0.5, first_line=False, block=(2, 4))
    assert keep == [False, False, True, True, False]


def test_a_page_reduced_to_its_title_keeps_its_main_block() -> None:
    prose = LineShape(300, 50, True, 0.4, None)
    short = LineShape(8, 1, False, 0.0, None)
    shapes = [short, short, short, prose, short]
    keep = keep_decisions([0.1] * 5, shapes, 0.5, first_line=True, block=(3, 4))
    assert keep == [True, False, False, True, False]


@pytest.mark.parametrize(
    ("first_line", "kept"),
    [
        ("Bikes win the vote | The Paper", False),
        ("Bikes win the vote - The New York Times", False),
        ("Bikes win the vote", True),
        # an article's first sentence: the part after the dash is a clause, not a site name
        ("LOS ANGELES (AP) — To LeBron James, triple-doubles are not a goal.", True),
        ("Am 12. September startet die DMEXCO in Köln – und comwrap ist mit dabei.", True),
        ("Council votes - what the new bike lanes mean for the people who live downtown", True),
    ],
)
def test_only_a_page_title_with_a_site_name_goes(first_line: str, kept: bool) -> None:
    assert first_line_verdict("keep_unless_site_title", first_line) is kept


def _cleaned_again(stage: StripBoilerplate, text: str) -> list[str]:
    """What the stage removes from its own output, laid out as the pipeline writes it."""
    once = apply_edits(text, stage(text, {}).edits)
    again = "\n\n".join(line for line in once.split("\n") if line.strip()) + "\n"
    return [again[e.start : e.end] for e in stage(again, {}).edits]


def test_rounds_remove_what_a_second_pass_would() -> None:
    # Found by benchmarks/second_pass.py's generator: without "Comments" and the date line,
    # the short last line stands alone after the title and may look like a footer. Whatever
    # one round leaves, more rounds remove at least as much, and their output is stable.
    text = "Oil Slides as Demand Weakens\n\n- June 16 – Charlotte, NC\n\nIt’s fine.\n\nComments\n"
    for sample in (text, PAGE):
        one = {(e.start, e.end) for e in make_stage(StripBoilerplate, {})(sample, {}).edits}
        two_stage = make_stage(StripBoilerplate, {"rounds": 3})
        two = two_stage(sample, {}).edits
        covered = {i for e in two for i in range(e.start, e.end)}
        assert all(i in covered for a, b in one for i in range(a, b))
        assert _cleaned_again(two_stage, sample) == []


def test_keep_rules_are_validated() -> None:
    with pytest.raises(ConfigError, match="unknown rule 'navigaton'"):
        make_stage(StripBoilerplate, {"keep_rules": ["navigaton"]})
    with pytest.raises(ConfigError, match="threshold"):
        make_stage(StripBoilerplate, {"threshold": 2})
    with pytest.raises(ConfigError, match="rounds"):
        make_stage(StripBoilerplate, {"rounds": 0})


def test_a_wrong_model_path_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="model_path: cannot read"):
        make_stage(StripBoilerplate, {"model_path": str(tmp_path / "missing.json")})
    old = tmp_path / "old.json"
    old.write_text(json.dumps(load_line_model().first.to_dict()), encoding="utf-8")
    with pytest.raises(ConfigError, match="not a two-pass boilerplate model"):
        make_stage(StripBoilerplate, {"model_path": str(old)})
    good = tmp_path / "good.json"
    good.write_text(json.dumps(load_line_model().to_dict()), encoding="utf-8")
    assert make_stage(StripBoilerplate, {"model_path": str(good)})(PAGE, {}).edits


PAGE = (
    "A headline | Site\nHome\nNews\nSports\nA headline\nBy Jo Smith\nShare\n\n"
    + "The council voted on Tuesday to add bike lanes to four streets downtown, "
    "ending a debate that lasted more than a year among residents.\n"
    * 4
    + "Advertisement\nRelated stories\nOther news here\n© 2019 Site. All rights reserved.\n"
)


def test_keep_rules_switch_a_rule_off() -> None:
    stage = make_stage(StripBoilerplate, {})
    rules = {e.rule for e in stage(PAGE, {}).edits}
    assert {"share_line", "copyright"} <= rules
    kept = make_stage(StripBoilerplate, {"keep_rules": ["copyright"]})
    assert "copyright" not in {e.rule for e in kept(PAGE, {}).edits}
    assert "© 2019 Site" in apply_edits(PAGE, kept(PAGE, {}).edits)


def test_pickle_round_trip_leaves_the_model_behind() -> None:
    stage = make_stage(StripBoilerplate, {"threshold": 0.4})
    before = stage(PAGE, {})
    state = pickle.dumps(stage)
    assert b"trees" not in state
    clone = pickle.loads(state)
    assert clone == stage
    assert clone(PAGE, {}) == before


def test_every_rule_is_named_in_the_parameter_doc() -> None:
    doc = registry.get("strip_boilerplate").__dataclass_fields__["keep_rules"].metadata["doc"]
    assert all(rule in doc for rule in RULES)


lines_strategy = st.lists(
    st.one_of(
        st.sampled_from(["", "Home", "Share", "Advertisement", "© 2020 X", "By Ann Lee"]),
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=120),
    ),
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(lines_strategy)
def test_removals_are_whole_lines_and_kept_plus_removed_is_the_input(lines: list[str]) -> None:
    text = "\n".join(lines)
    stage = make_stage(StripBoilerplate, {})
    edits = stage(text, {}).edits
    starts = {ln.start for ln in DocumentLines.of(text).lines}
    previous_end = 0
    for edit in edits:
        assert edit.rule in RULES
        assert edit.start in starts and edit.start >= previous_end
        assert edit.end == len(text) or text[edit.end - 1] == "\n"
        previous_end = edit.end
    removed = "".join(text[e.start : e.end] for e in edits)
    assert len(apply_edits(text, edits)) + len(removed) == len(text)


def test_an_extracted_article_is_left_whole() -> None:
    stage = make_stage(StripBoilerplate, {})
    assert stage(PAGE, {}).edits
    output = stage(PAGE, {"document_kind": "article"})
    assert output.edits == ()
    assert output.metadata["skipped_stages"] == ["strip_boilerplate"]


def test_removals_carry_their_score_below_their_threshold() -> None:
    stage = make_stage(StripBoilerplate, {})
    model = load_line_model()
    edits = stage(PAGE, {}).edits
    assert edits
    for edit in edits:
        if edit.rule == "page_title":
            assert edit.score is None  # removed for its site suffix, not for a score
            continue
        assert edit.score is not None
        assert 0.0 <= edit.score < model.rule_thresholds.get(edit.rule, stage.threshold)


def test_rule_thresholds_switch_rules_off_and_on() -> None:
    rules = {e.rule for e in make_stage(StripBoilerplate, {})(PAGE, {}).edits}
    assert "copyright" in rules
    off = make_stage(StripBoilerplate, {"rule_thresholds": {"copyright": 0.0}})
    assert "copyright" not in {e.rule for e in off(PAGE, {}).edits}
    with pytest.raises(ConfigError, match="rule_thresholds: unknown rule 'copyrite'"):
        make_stage(StripBoilerplate, {"rule_thresholds": {"copyrite": 0.5}})
    with pytest.raises(ConfigError, match=r"rule_thresholds.copyright"):
        make_stage(StripBoilerplate, {"rule_thresholds": {"copyright": 1.5}})
