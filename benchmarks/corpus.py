"""A deterministic, realistic mixed corpus for throughput measurements.

Documents are recombined from real scraped pages (the dev set's naive inputs and the seeds),
so they carry the boilerplate, languages and line lengths cleanpipe meets in practice:

- each document keeps one source page's skeleton (title, menus, body, trailing lists) with a
  share of its lines swapped for lines of other pages, so no two documents are identical;
- a fraction is mojibake (UTF-8 read as cp1252), whole documents or a few lines, the way a
  badly configured scraper produces it;
- a small fraction is stored as cp1252 bytes (a legacy encoding the decoder must detect);
- the non-English share is whatever the sources hold (the dev set has several languages).

The same seed and size give the same bytes, so figures from two runs compare.
"""

from __future__ import annotations

import contextlib
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
DEFAULT_SOURCES = (SHARED / "evalset" / "dev" / "input", SHARED / "seeds" / "input")


@dataclass(frozen=True)
class CorpusSpec:
    size_bytes: int = 16_000_000
    seed: int = 1
    swap_share: float = 0.2  # share of a document's lines replaced by other pages' lines
    mojibake_docs: float = 0.04  # whole document mis-decoded
    mojibake_lines: float = 0.04  # a few lines mis-decoded
    cp1252_docs: float = 0.01  # stored as cp1252 bytes instead of UTF-8


def load_sources(folders: tuple[Path, ...] = DEFAULT_SOURCES) -> list[list[str]]:
    """Every source page as a list of lines (newlines kept), in a stable order."""
    pages = []
    for folder in folders:
        for path in sorted(folder.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            if text.strip():
                pages.append(text.splitlines(keepends=True))
    if not pages:
        raise FileNotFoundError(f"no source pages under {', '.join(map(str, folders))}")
    return pages


def mojibake(text: str) -> str:
    """UTF-8 bytes read as cp1252: 'don’t' becomes 'donâ€™t'."""
    return text.encode("utf-8").decode("cp1252", "replace")


def generate(spec: CorpusSpec, pages: list[list[str]]) -> Iterator[tuple[str, bytes]]:
    """(name, file bytes) of documents until `spec.size_bytes` is reached."""
    rng = random.Random(spec.seed)
    pool = [line for page in pages for line in page if line.strip()]
    total = 0
    number = 0
    while total < spec.size_bytes:
        page = pages[rng.randrange(len(pages))]
        lines = [
            pool[rng.randrange(len(pool))]
            if line.strip() and rng.random() < spec.swap_share
            else line
            for line in page
        ]
        roll = rng.random()
        if roll < spec.mojibake_docs:
            lines = [mojibake(line) for line in lines]
        elif roll < spec.mojibake_docs + spec.mojibake_lines:
            for index in rng.sample(range(len(lines)), k=min(3, len(lines))):
                lines[index] = mojibake(lines[index])
        text = "".join(lines)
        data = text.encode("utf-8")
        if rng.random() < spec.cp1252_docs:
            with contextlib.suppress(UnicodeEncodeError):  # not representable: stays UTF-8
                data = text.encode("cp1252")
        yield f"{number // 1000:03d}/{number:06d}.txt", data
        total += len(data)
        number += 1


def write_corpus(out: Path, spec: CorpusSpec, *, jsonl_shards: int = 8) -> dict[str, int]:
    """Write the corpus as `out/text/<name>` files and as `out/jsonl/<shard>.jsonl` (datatrove).

    Reuses an existing corpus built from the same spec (a `spec.json` stamp says which).
    """
    stamp = out / "spec.json"
    wanted = json.dumps(spec.__dict__, sort_keys=True)
    if stamp.exists() and stamp.read_text() == wanted:
        return json.loads((out / "stats.json").read_text())
    text_dir, jsonl_dir = out / "text", out / "jsonl"
    for folder in (text_dir, jsonl_dir):
        if folder.exists():
            for path in sorted(folder.rglob("*"), reverse=True):
                path.unlink() if path.is_file() else path.rmdir()
        folder.mkdir(parents=True, exist_ok=True)
    shards = [
        (jsonl_dir / f"{i:02d}.jsonl").open("w", encoding="utf-8") for i in range(jsonl_shards)
    ]
    docs = size = 0
    try:
        for name, data in generate(spec, load_sources()):
            path = text_dir / name
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(data)
            text = data.decode("utf-8", errors="replace")
            if b"\xef\xbf\xbd" not in data and "\ufffd" in text:
                text = data.decode("cp1252", errors="replace")  # datatrove reads text, not bytes
            record = {"id": name, "text": text}
            shards[docs % jsonl_shards].write(json.dumps(record, ensure_ascii=False) + "\n")
            docs += 1
            size += len(data)
    finally:
        for handle in shards:
            handle.close()
    stats = {"documents": docs, "bytes": size}
    (out / "stats.json").write_text(json.dumps(stats))
    stamp.write_text(wanted)
    return stats
