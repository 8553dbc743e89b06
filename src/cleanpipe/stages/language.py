"""Detect the document's language (langdetect by default) and optionally keep only some."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from cleanpipe.registry import register
from cleanpipe.stage import Stage, StageOutput, param


def language_sample(text: str, max_chars: int, min_words: int = 6) -> str:
    """A bounded sample of body text: the longer lines first found, so menus do not vote."""
    picked: list[str] = []
    size = 0
    for line in text.split("\n"):
        line = line.strip()
        if len(line.split()) < min_words:
            continue
        picked.append(line)
        size += len(line) + 1
        if size >= max_chars:
            break
    sample = " ".join(picked) if picked else text
    return sample[:max_chars]


class _LangdetectBackend:
    """A private, seeded langdetect factory: deterministic, and no global state touched."""

    def __init__(self, seed: int) -> None:
        from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

        self._factory = DetectorFactory()
        self._factory.load_profile(PROFILES_DIRECTORY)
        self._seed = seed

    def detect(self, sample: str) -> tuple[str, float]:
        from langdetect.lang_detect_exception import LangDetectException

        detector = self._factory.create()
        detector.seed = self._seed
        detector.append(sample)
        try:
            best = detector.get_probabilities()[0]
        except (LangDetectException, IndexError):
            return "unknown", 0.0
        return str(best.lang), round(float(best.prob), 4)


class _Py3LangidBackend:
    def __init__(self, seed: int) -> None:
        try:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier
        except ImportError as exc:  # optional dependency
            raise RuntimeError(
                "the py3langid backend needs: pip install 'cleanpipe[fastlang]'"
            ) from exc
        self._identifier = LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)

    def detect(self, sample: str) -> tuple[str, float]:
        lang, prob = self._identifier.classify(sample)
        return str(lang), round(float(prob), 4)


_BACKENDS = {"langdetect": _LangdetectBackend, "py3langid": _Py3LangidBackend}


@register("detect_language")
@dataclass(frozen=True)
class DetectLanguage(Stage):
    """Detect the language on a bounded sample (seeded: same answer every run); keep some."""

    backend: Literal["langdetect", "py3langid"] = param("langdetect", "detector to use")
    sample_chars: int = param(1000, "characters of body text the detector looks at")
    keep: tuple[str, ...] | None = param(
        None, "language codes to keep (e.g. [en, de]); others are dropped. None keeps all"
    )
    min_prob: float = param(0.0, "with keep: below this probability the language is 'unknown'")
    seed: int = param(0, "langdetect's random seed")
    _model: Any = field(default=None, init=False, repr=False, compare=False)

    removes = False

    def __getstate__(self) -> dict[str, Any]:
        # The loaded model stays behind: each worker loads its own, lazily.
        return {f: getattr(self, f) for f in ("backend", "sample_chars", "keep", "min_prob", "seed")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for key, value in state.items():
            object.__setattr__(self, key, value)
        object.__setattr__(self, "_model", None)

    def __call__(self, text: str, metadata: Mapping[str, Any]) -> StageOutput:
        sample = language_sample(text, self.sample_chars)
        if not sample.strip():
            lang, prob = "unknown", 0.0
        else:
            if self._model is None:
                object.__setattr__(self, "_model", _BACKENDS[self.backend](self.seed))
            lang, prob = self._model.detect(sample)
        result = {"lang": lang, "lang_prob": prob}
        if self.keep is not None:
            label = lang if prob >= self.min_prob else "unknown"
            if label not in self.keep:
                return StageOutput(metadata=result, drop=f"language {label} not in keep list")
        return StageOutput(metadata=result)
