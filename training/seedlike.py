#!/usr/bin/env python3
"""Seed-shaped validation documents: real article bodies with the seeds' leftovers at their edges.

    python training/seedlike.py --gold ../shared/evalset/train/gold \\
        --manifest ../shared/evalset/train/manifest.json --out /tmp/seedlike [--count 400]
    python training/seedlike.py ... --score [--config FILE]    # exact match, paragraph P/R

The two seeds are an already-extracted article with leftovers at its edges: a title, sometimes
repeated (`Read: ...` twice), the body, then a `Comments` marker or a trailing list of other
headlines with dates and read times. This module builds such documents from gold article texts
(which are what a reader would copy), so that what cleanpipe does to that kind of input can be
measured on hundreds of bodies from hundreds of sites, not on two.

Each document mixes, by a seeded draw per page: a title (plain, repeated, or `Read:`/`Watch:`
repeated), blank-line or line-per-paragraph bodies, comment markers in several languages
(alone, with counts, glued to the last sentence), trailing headline lists (other pages'
titles, with dates in several formats, read times and section headers), mojibake, and traps
that a cleaner must keep: a body sentence about comments, a dateline under the title, a body
line that starts like a teaser. The expected output is the clean article (title once, then the
body) in cleanpipe's canonical form, computed without any removing stage.

Deterministic: the same gold folder and seed give the same documents, byte for byte.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_TERMINAL = re.compile(r"[.!?:;,…][\"'”’»)\]]*$")
_WORD = re.compile(r"\w+")
_DATEISH = re.compile(r"\d{4}|\d{1,2}:\d{2}|\b(?:am|pm)\b", re.IGNORECASE)
# Site furniture that some gold texts end with ("455 comments", "Related Content"): under
# cleanpipe's convention it is not article text, so a body does not end with it.
_GOLD_TAIL_FURNITURE = re.compile(
    r"^\W*(?:\d+\s+)?(?:comments?|responses?|replies|related(?:\s+\w+)?|tags?|share(?:\s+this)?)"
    r"\W*(?:\d+\W*)?$",
    re.IGNORECASE,
)

# Markers in several languages, as comment sections print them.
MARKERS = (
    "Comments",
    "Comments",
    "Comment",
    "12 Comments",
    "3 comments",
    "Comments (4)",
    "One Response",
    "Leave a Reply",
    "Leave a comment",
    "Join the conversation",
    "Join the discussion",
    "Discussion",
    "Show comments",
    "View all 23 comments",
    "Kommentare",
    "5 Kommentare",
    "Commentaires",
    "Laisser un commentaire",
    "Comentarios",
    "Deja un comentario",
    "Commenti",
    "Lascia un commento",
    "Reacties",
    "Comentários",
)
GLUED_MARKERS = ("Comments", "Comment", "COMMENTS", "2 Comments")
LIST_HEADERS = (
    "Related stories",
    "More stories",
    "Most read",
    "Latest news",
    "You may also like",
    "Read next",
    "Mehr zum Thema",
    "Lire aussi",
    "Noticias relacionadas",
    "Leggi anche",
    "Trending now",
    "Recommended",
)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS_LONG = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
TITLE_PREFIXES = ("Read", "Watch", "Video", "Listen")
# Article sentences a marker rule must not take: they talk about comments, discussions,
# replies and reading, but they are prose.
COMMENT_TRAPS = (
    "In comments to reporters on Tuesday, the spokesman declined to give a date.",
    "The discussion continued late into the night, according to two people present.",
    "Readers left more than 300 comments on the original post, most of them critical.",
    "She did not reply to several requests for comment.",
    "Comments from the public will be accepted until the end of the month.",
    "In einem Kommentar schrieb er, die Entscheidung sei längst überfällig gewesen.",
    "Les commentaires des lecteurs ont été nombreux après la publication de l'enquête.",
)


@dataclass
class Article:
    key: str
    site: str
    title: str
    body: list[str]


@dataclass
class SeedDoc:
    id: str
    site: str
    input: str
    clean: str  # title once, then the body: what a reader would copy (before canonical form)
    leftovers: list[str] = field(default_factory=list)
    traps: list[str] = field(default_factory=list)


def _is_title(line: str) -> bool:
    words = _WORD.findall(line)
    return (
        2 <= len(words) <= 20
        and len(line) <= 150
        and not _TERMINAL.search(line)
        and not _DATEISH.search(line)
        and (line[0].isupper() or line[0].isdigit())
    )


def read_articles(gold_dir: Path, manifest: Path | None) -> list[Article]:
    """Gold texts that open (within their first three lines) with a headline-like line and
    carry at least three body lines, one of them prose. Lines above the headline (a date, a
    section name) are dropped: they are neither title nor body."""
    sites: dict[str, str] = {}
    if manifest is not None:
        for entry in json.loads(manifest.read_text(encoding="utf-8"))["docs"]:
            sites[entry["id"]] = entry.get("site") or entry["id"]
    articles = []
    for path in sorted(gold_dir.glob("*.txt")):
        lines = [
            ln.strip()
            for ln in path.read_text(encoding="utf-8", errors="replace").splitlines()
            if ln.strip()
        ]
        for i, line in enumerate(lines[:3]):
            if _is_title(line):
                body = lines[i + 1 :]
                while body and _GOLD_TAIL_FURNITURE.match(body[-1]):
                    body.pop()
                if len(body) >= 3 and any(len(_WORD.findall(b)) >= 25 for b in body):
                    articles.append(Article(path.stem, sites.get(path.stem, path.stem), line, body))
                break
    return articles


def _rng(key: str, seed: int) -> random.Random:
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def mojibake(text: str) -> str:
    """UTF-8 bytes read as Windows-1252 (Latin-1 where 1252 has no character): the commonest
    mis-decoding of scraped text, and one ftfy is built to undo."""
    out = []
    for byte in text.encode("utf-8"):
        try:
            out.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(byte))
    return "".join(out)


def _date(rng: random.Random) -> str:
    day, month, year = rng.randint(1, 28), rng.randrange(12), rng.choice((2023, 2024, 2025))
    return rng.choice(
        (
            f"{_MONTHS[month]} {day}, {year}",
            f"{day} {_MONTHS_LONG[month]} {year}",
            f"{year}-{month + 1:02d}-{day:02d}",
            f"{_MONTHS_LONG[month]} {day}, {year}",
            f"{rng.randint(2, 23)} hours ago",
        )
    )


def _trailing_list(rng: random.Random, headlines: Sequence[str]) -> list[str]:
    lines: list[str] = []
    if rng.random() < 0.4:
        lines.append(rng.choice(LIST_HEADERS))
    dated, timed = rng.random() < 0.85, rng.random() < 0.7
    for headline in rng.sample(list(headlines), k=min(len(headlines), rng.randint(4, 20))):
        lines.append(headline)
        if dated:
            lines.append(_date(rng))
        if timed:
            lines.append(rng.choice(("{} min", "{} min read", "{} min")).format(rng.randint(1, 9)))
    return lines


def make_document(article: Article, headlines: Sequence[str], seed: int) -> SeedDoc:
    rng = _rng(article.key, seed)
    leftovers: list[str] = []
    traps: list[str] = []
    body = list(article.body)
    title = article.title
    # Traps go into the body, so the expected output has them.
    if rng.random() < 0.25:
        body.insert(rng.randint(1, len(body)), rng.choice(COMMENT_TRAPS))
        traps.append("comment_sentence")
    if rng.random() < 0.15:
        body.insert(0, _date(rng))
        traps.append("dateline")
    if rng.random() < 0.1:
        body.insert(rng.randint(1, len(body)), f"Read the full report: {rng.choice(headlines)}.")
        traps.append("read_sentence")
    style = rng.choice(("plain", "plain", "repeated", "prefixed"))
    if style == "prefixed":
        title = f"{rng.choice(TITLE_PREFIXES)}: {title}"
    head = [title]
    if style != "plain":
        head.append(title)
        leftovers.append(f"title_{style}")
    paragraph_gap = rng.choice(("\n\n", "\n"))
    title_gap = rng.choice(("\n\n\n\n", "\n\n", "\n")) if paragraph_gap == "\n\n" else "\n"
    tail: list[str] = []
    glued = ""
    roll = rng.random()
    if roll < 0.45:
        if len(body[-1]) > 60 and _TERMINAL.search(body[-1]) and rng.random() < 0.3:
            glued = rng.choice(GLUED_MARKERS)
            leftovers.append("glued_marker")
        else:
            tail.append(rng.choice(MARKERS))
            leftovers.append("comment_marker")
    elif roll < 0.8:
        tail.extend(_trailing_list(rng, headlines))
        leftovers.append("trailing_list")
    elif roll < 0.95:
        tail.append(rng.choice(MARKERS))
        tail.extend(_trailing_list(rng, headlines))
        leftovers.extend(("comment_marker", "trailing_list"))
    text_body = paragraph_gap.join(body)
    text = "\n".join(head) + title_gap + text_body + glued
    if tail:
        text += rng.choice(("\n\n", "\n")) + "\n".join(tail)
    if rng.random() < 0.6:
        text += "\n"
    if rng.random() < 0.12 and not text.isascii():
        text = mojibake(text)
        leftovers.append("mojibake")
    clean = title + "\n\n" + "\n\n".join(body) + "\n"
    return SeedDoc(f"seedlike-{article.key}", article.site, text, clean, leftovers, traps)


def build(gold_dir: Path, manifest: Path | None, count: int, seed: int = 14) -> list[SeedDoc]:
    """`count` documents from as many different sites as the gold folder offers."""
    articles = read_articles(gold_dir, manifest)
    order = sorted(articles, key=lambda a: hashlib.sha256(f"{seed}:{a.key}".encode()).hexdigest())
    chosen: list[Article] = []
    seen_sites: set[str] = set()
    for article in order:  # one page per site first, then the rest
        if article.site not in seen_sites:
            chosen.append(article)
            seen_sites.add(article.site)
    chosen += [a for a in order if a not in chosen]
    chosen = chosen[:count]
    titles = [a.title for a in articles]
    docs = []
    for article in chosen:
        others = [t for t in titles[:: max(1, len(titles) // 200)] if t != article.title]
        docs.append(make_document(article, others, seed))
    return docs


def expected_text(clean: str) -> str:
    """The clean article in cleanpipe's canonical form (no removing stage involved)."""
    from cleanpipe import Pipeline

    return Pipeline.from_config({"stages": ["fix_encoding", "canonicalize"]}).clean(clean).text


# scoring -------------------------------------------------------------------------------------


def paragraphs(text: str) -> Counter[str]:
    return Counter(line.strip() for line in text.splitlines() if line.strip())


def score(pairs: Iterable[tuple[str, str]]) -> dict[str, float]:
    """Exact-match rate, and paragraph precision and recall pooled over documents."""
    exact = docs = kept_right = kept = expected_total = 0
    for expected, got in pairs:
        docs += 1
        exact += expected == got
        e, g = paragraphs(expected), paragraphs(got)
        kept_right += sum((e & g).values())
        kept += sum(g.values())
        expected_total += sum(e.values())
    return {
        "docs": docs,
        "exact": exact / docs if docs else 0.0,
        "paragraph_precision": kept_right / kept if kept else 0.0,
        "paragraph_recall": kept_right / expected_total if expected_total else 0.0,
    }


def write(docs: Sequence[SeedDoc], out: Path) -> None:
    (out / "input").mkdir(parents=True, exist_ok=True)
    (out / "expected").mkdir(parents=True, exist_ok=True)
    with (out / "meta.jsonl").open("w", encoding="utf-8") as meta:
        for doc in docs:
            (out / "input" / f"{doc.id}.txt").write_text(doc.input, encoding="utf-8")
            (out / "expected" / f"{doc.id}.txt").write_text(
                expected_text(doc.clean), encoding="utf-8"
            )
            meta.write(
                json.dumps(
                    {"id": doc.id, "site": doc.site, "leftovers": doc.leftovers, "traps": doc.traps}
                )
                + "\n"
            )


def write_fixtures(docs: Sequence[SeedDoc], out: Path, count: int) -> int:
    """A representative few as pipeline cases (fixtures/pipeline/default/seedlike_*): every
    leftover and trap kind, short documents first. A case the default config gets wrong is
    written as a strict xfail, with what it got wrong as its reason."""
    from cleanpipe import Pipeline

    pipeline = Pipeline.default()
    chosen: list[SeedDoc] = []
    by_size = sorted(docs, key=lambda d: (len(d.input), d.id))
    kinds = sorted({k for d in docs for k in (*d.leftovers, *d.traps)})
    for kind in kinds:  # one per kind, then the shortest of the rest
        for doc in by_size:
            if doc not in chosen and (kind in doc.leftovers or kind in doc.traps):
                chosen.append(doc)
                break
    rest = [d for d in by_size if d not in chosen and len(d.input) > 400]
    subsets = sorted({d.id.split("-")[1] for d in rest})
    queues = [[d for d in rest if d.id.split("-")[1] == subset] for subset in subsets]
    while len(chosen) < count and any(queues):  # the subsets in turn
        for queue in queues:
            if queue and len(chosen) < count:
                chosen.append(queue.pop(0))
    for doc in chosen[:count]:
        folder = out / doc.id.replace("seedlike-", "seedlike_")
        folder.mkdir(parents=True, exist_ok=True)
        expected = expected_text(doc.clean)
        result = pipeline.clean(doc.input, doc_id=doc.id)
        spec: dict[str, Any] = {
            "description": "Seed-shaped document from training/seedlike.py (gold body of "
            f"{doc.id.removeprefix('seedlike-')}): leftovers {', '.join(doc.leftovers) or 'none'}"
            f"; traps {', '.join(doc.traps) or 'none'}. Expected: the title once and the whole "
            "body, in canonical form.",
            "removals": [
                {"stage": r.stage, "rule": r.rule, "text": r.text} for r in result.removals
            ],
        }
        if result.text != expected:
            missing = paragraphs(expected) - paragraphs(result.text)
            extra = paragraphs(result.text) - paragraphs(expected)
            spec["expect"] = "xfail"
            spec["reason"] = (
                f"default config: {sum(missing.values())} body paragraphs lost, "
                f"{sum(extra.values())} leftovers kept"
            )
        (folder / "input.txt").write_text(doc.input, encoding="utf-8")
        (folder / "expected.txt").write_text(expected, encoding="utf-8")
        (folder / "case.json").write_text(
            json.dumps(spec, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    return len(chosen[:count])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--gold", type=Path, required=True, action="append", help="gold folder (repeatable)"
    )
    ap.add_argument(
        "--manifest",
        type=Path,
        action="append",
        default=[],
        help="manifest.json with sites (repeatable)",
    )
    ap.add_argument("--count", type=int, default=400)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--out", type=Path, help="write input/, expected/ and meta.jsonl here")
    ap.add_argument("--score", action="store_true", help="clean them and score the output")
    ap.add_argument("--config", type=Path, help="pipeline YAML (default: the packaged default)")
    ap.add_argument("--worst", type=int, default=0, help="show N documents that differ")
    ap.add_argument(
        "--fixtures", type=Path, metavar="DIR", help="write a representative set of cases here"
    )
    ap.add_argument("--fixture-count", type=int, default=16)
    args = ap.parse_args(argv)
    docs: list[SeedDoc] = []
    for i, gold in enumerate(args.gold):
        manifest = args.manifest[i] if i < len(args.manifest) else None
        docs += build(gold, manifest, args.count, args.seed)
    if args.out:
        write(docs, args.out)
        print(f"wrote {len(docs)} documents to {args.out}", file=sys.stderr)
    if args.fixtures:
        written = write_fixtures(docs, args.fixtures, args.fixture_count)
        print(f"wrote {written} cases to {args.fixtures}", file=sys.stderr)
    if args.score:
        report(docs, args.config, args.worst)
    return 0


def report(docs: Sequence[SeedDoc], config: Path | None, worst: int) -> dict[str, Any]:
    from cleanpipe import Pipeline

    pipeline = Pipeline.from_yaml(config) if config else Pipeline.default()
    rows = []
    for doc in docs:
        result = pipeline.clean(doc.input, doc_id=doc.id)
        rows.append((doc, expected_text(doc.clean), result))
    overall = score((e, r.text) for _, e, r in rows)
    print(f"all: {_line(overall)}")
    kinds = sorted({k for d in docs for k in (*d.leftovers, *d.traps)})
    for kind in kinds:
        part = [(e, r.text) for d, e, r in rows if kind in d.leftovers or kind in d.traps]
        print(f"  {kind}: {_line(score(part))}")
    lost: Counter[str] = Counter()
    for _, e, r in rows:
        missing = paragraphs(e) - paragraphs(r.text)
        for removal in r.removals:
            if any(line.strip() in missing for line in removal.text.splitlines()):
                lost[f"{removal.stage}/{removal.rule}"] += 1
    if lost:
        print(
            "  removals that took expected paragraphs: "
            + ", ".join(f"{k} {v}" for k, v in lost.most_common())
        )
    shown = 0
    for doc, e, r in rows:
        if shown >= worst or e == r.text:
            continue
        shown += 1
        print(f"--- {doc.id} {doc.leftovers} {doc.traps}")
        extra = paragraphs(r.text) - paragraphs(e)
        missing = paragraphs(e) - paragraphs(r.text)
        for p in list(missing)[:5]:
            print(f"  - {p[:120]!r}")
        for p in list(extra)[:5]:
            print(f"  + {p[:120]!r}")
    return overall


def _line(s: dict[str, float]) -> str:
    return (
        f"exact {s['exact']:.3f}  paragraph P {s['paragraph_precision']:.4f}  "
        f"R {s['paragraph_recall']:.4f}  docs {int(s['docs'])}"
    )


if __name__ == "__main__":
    sys.exit(main())
