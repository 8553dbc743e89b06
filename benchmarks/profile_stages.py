"""Where the CPU goes: CPU seconds per stage of a config on real pages, in one process.

    python benchmarks/profile_stages.py [--input DIR] [--every 2] [--config NAME_OR_FILE]

Reads the pages of `--input` (the train split's naive inputs by default; `--every N` takes one
page in N), runs the pipeline on each in this process and charges each stage's call the CPU
time (`time.process_time`) it took: on a shared machine, wall-clock stage times (summary.json's
`stage_seconds`) move with other people's load, CPU time much less. What is left of
`Pipeline.run` beyond the stages is the pipeline's own work: applying edits, mapping removals.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from cleanpipe.io.readers import discover, read_document
from cleanpipe.pipeline import Pipeline

TRAIN_INPUT = Path(__file__).resolve().parents[2] / "shared" / "evalset" / "train" / "input"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, default=TRAIN_INPUT)
    parser.add_argument("--every", type=int, default=1, help="take one page in N")
    parser.add_argument("--config", default="default", help="a packaged config name or a file")
    args = parser.parse_args()
    pipeline = Pipeline.from_yaml(args.config)
    docs = [read_document(args.input, rel) for rel in list(discover(args.input))[:: args.every]]
    pipeline.run(docs[0])  # models load on first use: not part of the profile
    cpu: dict[str, float] = defaultdict(float)
    # Each stage class's __call__ is wrapped for the run (stages are frozen dataclasses, and
    # the pipeline calls them directly): a benchmark's instrument, never the library's.
    for stage in pipeline.stages:
        cls = type(stage)
        if "_profiled" in cls.__dict__:
            continue
        original = cls.__call__

        def timed(self: Any, text: str, metadata: Any, _call: Any = original) -> Any:
            started = time.process_time()
            try:
                return _call(self, text, metadata)
            finally:
                cpu[self.name] += time.process_time() - started

        cls.__call__ = timed  # type: ignore[method-assign]
        cls._profiled = True  # type: ignore[attr-defined]
    started = time.process_time()
    for doc in docs:
        pipeline.run(doc)
    total = time.process_time() - started
    size = sum(len(doc.text.encode("utf-8")) for doc in docs)
    print(
        f"{len(docs)} pages, {size / 1e6:.1f} MB, config {pipeline.name}: Pipeline.run "
        f"{total:.2f} CPU s ({size / 1e6 / total:.2f} MB per CPU-s; reading not included)\n"
    )
    print("| stage | CPU s | share |\n|---|---|---|")
    for name, seconds in sorted(cpu.items(), key=lambda kv: -kv[1]):
        print(f"| {name} | {seconds:.2f} | {seconds / total:.0%} |")
    rest = total - sum(cpu.values())
    print(f"| (the pipeline: edits, removals) | {rest:.2f} | {rest / total:.0%} |")


if __name__ == "__main__":
    main()
