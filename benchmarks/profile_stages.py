"""Where the time goes: seconds per stage of a config on the benchmark corpus.

    python benchmarks/profile_stages.py [--size-mb 4] [--config FILE] [--workers 1]

Runs `cleanpipe run` (the library call) on the corpus of `throughput.py` and prints the
`stage_seconds` of its summary.json, with each stage's share; reading and writing files is
the remainder of the wall time. Stage times include loading models on first use.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import CorpusSpec, write_corpus

from cleanpipe.pipeline import Pipeline
from cleanpipe.runs.directory import RunOptions, run_directory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=4.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--config", type=Path, default=None, help="default: packaged default")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/cleanpipe-bench"))
    args = parser.parse_args()
    corpus = args.work / f"corpus-{args.size_mb:g}mb-{args.seed}"
    stats = write_corpus(corpus, CorpusSpec(size_bytes=int(args.size_mb * 1e6), seed=args.seed))
    pipeline = Pipeline.from_yaml(args.config) if args.config else Pipeline.default()
    out = args.work / "out-profile"
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    run_directory(corpus / "text", out, pipeline, RunOptions(workers=args.workers))
    wall = time.perf_counter() - started
    seconds = json.loads((out / "summary.json").read_text("utf-8"))["stage_seconds"]
    total = sum(seconds.values())
    print(
        f"{stats['documents']} documents, {stats['bytes'] / 1e6:.1f} MB, config "
        f"{pipeline.name}, {args.workers} worker(s): {wall:.1f} s wall, {total:.1f} s in stages"
    )
    print("| stage | seconds | share of stage time | MB/s of this stage alone |")
    print("|---|---|---|---|")
    for name, value in seconds.items():
        speed = stats["bytes"] / 1e6 / value if value else float("inf")
        print(f"| {name} | {value:.2f} | {value / total:.0%} | {speed:.1f} |")


if __name__ == "__main__":
    main()
