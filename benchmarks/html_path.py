#!/usr/bin/env python3
"""The HTML path on a folder of pages with gold texts: cleanpipe's default config next to
trafilatura alone, scored by the evalset's `score.py`, with wall-clock timings.

    python benchmarks/html_path.py --html ../shared/evalset/dev/html \\
        --gold ../shared/evalset/dev/gold --score ../shared/evalset/score.py [--workers 1]

trafilatura alone is run twice: with its defaults except `include_comments=False` (the
benchmark's reference setting: the gold holds no comments) and with `favor_precision=True`
as well (the mode `extract_html` starts from). Pages are read as `<id>.html.gz` or `.html`;
outputs are `<id>.txt`, what `score.py --pred` expects. Timings are one run on this machine,
not a controlled measurement: read them as an order of magnitude.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from cleanpipe import Pipeline
from cleanpipe.runs.directory import RunOptions, run_directory


def trafilatura_alone(pages: list[Path], out: Path, **options: bool) -> float:
    import trafilatura

    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for page in pages:
        data = page.read_bytes()
        if page.name.endswith(".gz"):
            data = gzip.decompress(data)
        text = trafilatura.extract(data, **options) or ""
        (out / (page.name.split(".")[0] + ".txt")).write_text(text, encoding="utf-8")
    return time.perf_counter() - started


def score(score_py: Path, gold: Path, pred: Path) -> str:
    done = subprocess.run(
        [sys.executable, str(score_py), "--gold", str(gold), "--pred", str(pred)],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, required=True)
    parser.add_argument("--gold", type=Path, required=True)
    parser.add_argument("--score", type=Path, required=True, help="the evalset's score.py")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--out", type=Path, help="keep outputs here (default: a temp folder)")
    args = parser.parse_args()
    pages = sorted(p for p in args.html.iterdir() if p.name.endswith((".html", ".html.gz")))
    with tempfile.TemporaryDirectory() as scratch:
        base = args.out or Path(scratch)
        rows = []
        for label, options in (
            ("trafilatura alone (include_comments=False)", {"include_comments": False}),
            (
                "trafilatura alone (+ favor_precision=True)",
                {"include_comments": False, "favor_precision": True},
            ),
        ):
            out = base / label.split("(")[1].split("=")[0].strip("+ ")
            seconds = trafilatura_alone(pages, out, **options)
            rows.append((label, score(args.score, args.gold, out), seconds))
        started = time.perf_counter()
        run = run_directory(
            args.html,
            base / "cleanpipe",
            Pipeline.default(),
            RunOptions(workers=args.workers, overwrite=True),
        )
        seconds = time.perf_counter() - started
        rows.append(
            (
                "cleanpipe default config",
                score(args.score, args.gold, base / "cleanpipe" / "text"),
                seconds,
            )
        )
        extractors: Counter[str] = Counter()
        for line in (base / "cleanpipe" / "report.jsonl").read_text(encoding="utf-8").splitlines():
            extraction = json.loads(line)["metadata"].get("extraction") or {}
            extractors[extraction.get("extractor", "none")] += 1
    for label, line, seconds in rows:
        print(f"{label:46} {line}   {seconds:6.1f} s for {len(pages)} pages")
    print(f"cleanpipe: {dict(run.summary.statuses)}; extractors used: {dict(extractors)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
