"""How often does cleaning an output again change it, and which stage does it?

Generates documents from the fixtures' lines and typical boilerplate markers in random order
(seeded), cleans each twice with the default config and counts the second passes that
changed the text, by the (stage, rule) pairs that acted. Usage:

    python benchmarks/second_pass.py [--documents 1500] [--seed 1] [--config FILE]
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from pathlib import Path

from cleanpipe import Pipeline

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MARKERS = [
    "Comments",
    "12 Comments",
    "Related",
    "Read more",
    "Share",
    "",
    "  ",
    "Leave a reply",
    "More stories",
    "5 min read",
    "March 3, 2019",
    "\u200b",
    "&amp;",
    "Ã©tÃ©",
    "\r",
    "\u2028",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--config", type=Path, help="a pipeline YAML (default: the default)")
    args = parser.parse_args()
    pipeline = Pipeline.from_yaml(args.config) if args.config else Pipeline.default()
    lines = [
        line
        for path in sorted(FIXTURES.rglob("*.txt"))
        for line in path.read_bytes().decode("utf-8", "replace").splitlines()
    ]
    rnd = random.Random(args.seed)
    causes: Counter[tuple[str, ...]] = Counter()
    changed = 0
    for _ in range(args.documents):
        parts = [
            rnd.choice(lines) if rnd.random() < 0.7 else rnd.choice(MARKERS)
            for _ in range(rnd.randint(1, 30))
        ]
        first = pipeline.clean("\n".join(parts))
        if not first.ok:
            continue
        second = pipeline.clean(first.text)
        if second.text != first.text:
            changed += 1
            causes[tuple(sorted({f"{r.stage}/{r.rule}" for r in second.removals}))] += 1
    print(f"{changed} of {args.documents} documents changed on a second pass")
    for cause, count in causes.most_common():
        print(f"{count:6d}  {', '.join(cause) or '(rewrites only or dropped)'}")


if __name__ == "__main__":
    main()
