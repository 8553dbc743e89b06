"""Speed and agreement of the language backends, against langdetect on the full text.

    python benchmarks/language.py [--input DIR] [--repeat 3]

The reference is langdetect (seeded, 7 trials) on each document's whole text; every other
setting is timed per document in CPU time (best of `--repeat` passes, model loading
excluded; CPU time, because other processes on a shared machine inflate wall time) and scored
by the share of documents whose label equals the reference's.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from cleanpipe.stages.language import DetectLanguage

DEV = Path(__file__).resolve().parents[2] / "shared" / "evalset" / "dev" / "input"
# backend, sample_chars, quick_chars, quick_trials
SETTINGS = [
    ("langdetect", 1000, 0, 1),
    ("langdetect", 1000, 150, 1),
    ("langdetect", 1000, 150, 3),
    ("langdetect", 1000, 300, 1),
    ("langdetect", 1000, 300, 3),
    ("langdetect", 500, 0, 1),
    ("py3langid", 1000, 0, 1),
    ("py3langid", 500, 0, 1),
    ("fasttext_lite", 1000, 0, 1),
    ("fasttext_lite", 500, 0, 1),
]


def label(stage: DetectLanguage, text: str) -> str:
    return str(stage(text, {}).metadata["lang"])


def measure(stage: DetectLanguage, texts: list[str], repeat: int) -> tuple[list[str], float]:
    label(stage, "Warm the model up with a sentence of plain English text.")
    best = float("inf")
    labels: list[str] = []
    for _ in range(repeat):
        started = time.process_time()
        labels = [label(stage, text) for text in texts]
        best = min(best, time.process_time() - started)
    return labels, best / len(texts) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, default=DEV)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    texts = [
        p.read_text(encoding="utf-8", errors="replace") for p in sorted(args.input.rglob("*.txt"))
    ]
    reference, ms = measure(DetectLanguage(sample_chars=10**9, quick_chars=0), texts, 1)
    print(f"{len(texts)} documents; reference: langdetect on the full text, {ms:.2f} CPU ms/doc")
    print(
        "| backend | sample_chars | quick_chars | quick_trials | CPU ms/doc | "
        "agreement with reference |"
    )
    print("|---|---|---|---|---|---|")
    for backend, sample, quick, trials in SETTINGS:
        stage = DetectLanguage(
            backend=backend, sample_chars=sample, quick_chars=quick, quick_trials=trials
        )
        labels, ms = measure(stage, texts, args.repeat)
        same = sum(a == b for a, b in zip(labels, reference, strict=True))
        shown = (quick, trials if quick else "-") if backend == "langdetect" else ("-", "-")
        print(
            f"| {backend} | {sample} | {shown[0]} | {shown[1]} | {ms:.2f} | "
            f"{same / len(texts):.1%} ({same}/{len(texts)}) |"
        )


if __name__ == "__main__":
    main()
