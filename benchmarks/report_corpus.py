"""Generate a large run output for timing `cleanpipe report` (100,000 documents by default).

Cleaning 100,000 documents just to time the report would take most of the benchmark, so this
cleans a few hundred distinct synthetic pages with the real pipeline (`run_directory`, a
config without a language model) and then lays out N documents that reuse them: each gets
its own input file, output file and `report.jsonl` record (path renamed, everything else as
the pipeline wrote it), and `summary.json` counts them all. The report sees a genuine run.

    python benchmarks/report_corpus.py --docs 100000 --dest /tmp/bench100k
    time cleanpipe report /tmp/bench100k/out
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import time
from pathlib import Path

from cleanpipe.pipeline import Pipeline
from cleanpipe.report.summary import Summary
from cleanpipe.runs.directory import RunOptions, run_directory

CONFIG = {
    "name": "report-benchmark",
    "stages": [
        "strip_duplicate_title",
        "strip_comment_markers",
        "strip_link_lists",
        "canonicalize",
    ],
}
VOCABULARY = (
    "the council city river bridge said on monday after a long debate vote budget school "
    "police report minister market prices rose fell week storm road closed crews repair "
    "water supply health hospital patients doctors study found new data shows people "
    "local residents told reporters that plans would change next year according to "
    "officials who asked not to be named because talks were private government court"
)
WORDS = tuple(VOCABULARY.split())


def sentence(rng: random.Random, low: int, high: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize()


def page(rng: random.Random) -> str:
    """A scraped-looking page: title, maybe its repeat, paragraphs, maybe boilerplate."""
    if rng.random() < 0.01:
        return "\n"  # an empty page: reported as dropped
    title = sentence(rng, 5, 9)
    lines = [title]
    if rng.random() < 0.5:
        lines.append(title)
    lines += [sentence(rng, 18, 60) + "." for _ in range(rng.randint(3, 9))]
    if rng.random() < 0.4:
        lines.append(f"{rng.randint(2, 90)} Comments")
    if rng.random() < 0.4:
        lines.append("Related stories")
        for _ in range(rng.randint(3, 6)):
            lines += [sentence(rng, 4, 9), f"Nov {rng.randint(1, 28)}, 2025"]
    return "\n".join(lines) + "\n"


def generate(docs: int, dest: Path, templates: int, seed: int) -> None:
    rng = random.Random(seed)
    shutil.rmtree(dest, ignore_errors=True)
    models, model_out = dest / "templates", dest / "templates-out"
    models.mkdir(parents=True)
    for number in range(templates):
        (models / f"{number:04d}.txt").write_text(page(rng), encoding="utf-8")
    run_directory(models, model_out, Pipeline.from_config(CONFIG), RunOptions(workers=1))
    records = [json.loads(line) for line in (model_out / "report.jsonl").open(encoding="utf-8")]

    source, out = dest / "input", dest / "out"
    summary = Summary()
    (out / "text").mkdir(parents=True)
    with (out / "report.jsonl").open("w", encoding="utf-8") as report:
        for index in range(docs):
            model = records[index % len(records)]
            name = f"{index // 1000:03d}/{index:06d}.txt"
            target = source / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(models / model["path"], target)
            record = dict(model, id=name, path=name)
            record["metadata"] = dict(model["metadata"], path=name)
            if model["output"]:
                record["output"] = name
                (out / "text" / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(model_out / "text" / model["output"], out / "text" / name)
            report.write(json.dumps(record, ensure_ascii=False) + "\n")
            summary.add(record)
    totals = summary.to_dict()
    totals.update(config=Pipeline.from_config(CONFIG).to_config(), input_dir=str(source.resolve()))
    (out / "summary.json").write_text(json.dumps(totals, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--dest", type=Path, default=Path("/tmp/cleanpipe-report-bench"))
    parser.add_argument("--templates", type=int, default=500, help="distinct pages cleaned")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    started = time.perf_counter()
    generate(args.docs, args.dest, args.templates, args.seed)
    print(
        f"{args.docs} documents in {args.dest / 'out'} "
        f"({time.perf_counter() - started:.1f}s); now: cleanpipe report {args.dest / 'out'}"
    )


if __name__ == "__main__":
    main()
