"""Throughput of cleanpipe's runner, side by side with a regex line pass and datatrove.

    python benchmarks/throughput.py [--size-mb 16] [--rss-scale 4] [--work DIR]

Builds (or reuses) a deterministic mixed corpus (`corpus.py`), then runs each measurement
in its own process, so peak memory and imports do not leak between them:

  a) the text path: the default config's cleaning stages with a fast offline language
     backend (fasttext_lite), with none, and with none and no line classifier, on 1 and on
     2 workers;
  b) the default config (langdetect), 1 and 2 workers, on the directory of text files and on
     the same corpus as one JSONL file (JSONL in and out, as datatrove reads and writes);
  c) a bare regex line pass (read, six compiled regexes per line, write): the floor;
  d) datatrove: JsonlReader, FTFYFormatter, C4QualityFilter, JsonlWriter on 2 workers
     (skipped with a message when datatrove is not installed: `pip install 'cleanpipe[benchmark]'`);
  e) the HTML path on the dev set's pages: cleanpipe's default config against trafilatura's
     `extract` alone (skipped when trafilatura or the pages are missing);
  and peak RSS of the text path at two corpus sizes (`--rss-scale` times larger), sampled.

Figures move with whatever else runs on the machine: `--repeat 2` runs each measurement twice
and keeps the run of least CPU time.
MB/s are of input bytes; "per core" divides by the worker count.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import SHARED, CorpusSpec, write_corpus

DEV_HTML = SHARED / "evalset" / "dev" / "html"


# measurements (each runs in a child process) ------------------------------------------------


class ProcessTree:
    """Peak resident memory and CPU seconds of this process and its descendants, sampled.

    CPU time is what makes figures comparable on a busy machine: "MB per CPU-second" is the
    per-core throughput, whatever else competed for the cores during the wall-clock time.
    A descendant's CPU is its last sample, so up to one interval of it may be missed.
    """

    def __init__(self, interval: float = 0.05) -> None:
        self.main = 0
        self.worker = 0
        self._cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, args=(interval,), daemon=True)
        self._own_cpu = 0.0

    def __enter__(self) -> ProcessTree:
        self._own_cpu = _own_cpu()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._own_cpu = _own_cpu() - self._own_cpu

    @property
    def cpu(self) -> float:
        return self._own_cpu + sum(self._cpu.values())

    def _sample(self, interval: float) -> None:
        try:
            import psutil
        except ImportError:
            return
        me = psutil.Process()
        while not self._stop.is_set():
            with contextlib.suppress(psutil.Error):
                self.main = max(self.main, me.memory_info().rss)
                for child in me.children(recursive=True):
                    with contextlib.suppress(psutil.Error):
                        self.worker = max(self.worker, child.memory_info().rss)
                        times = child.cpu_times()
                        self._cpu[child.pid] = times.user + times.system
            self._stop.wait(interval)


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _timed(tree: ProcessTree, started: float, **extra: Any) -> dict[str, Any]:
    return {
        "seconds": time.perf_counter() - started,
        "cpu": tree.cpu,
        "rss_main": tree.main,
        "rss_worker": tree.worker,
        **extra,
    }


def child_cleanpipe(spec: dict[str, Any]) -> dict[str, Any]:
    from cleanpipe.pipeline import Pipeline
    from cleanpipe.runs.directory import RunOptions, run_directory

    pipeline = Pipeline.from_yaml(spec["config"])
    out = Path(spec["out"])
    shutil.rmtree(out, ignore_errors=True)
    if spec.get("warm"):
        # Load what the stages load on first use (trafilatura, langdetect's profiles) before
        # the clock starts, as the trafilatura-alone child imports trafilatura first: the
        # comparison is then per-page work against per-page work.
        from cleanpipe.io.readers import discover, read_document

        root = Path(spec["input"])
        pipeline.run(read_document(root, next(discover(root))))
    started = time.perf_counter()
    with ProcessTree() as tree:
        if spec.get("dataset"):  # one JSONL file in, one out: no file per document
            from cleanpipe.runs.datasets import DatasetOptions, run_dataset

            result = run_dataset(
                Path(spec["input"]),
                out,
                pipeline,
                DatasetOptions(workers=spec["workers"], batch_size=64, overwrite=True),
            )
        else:
            result = run_directory(
                Path(spec["input"]), out, pipeline, RunOptions(workers=spec["workers"])
            )
    return _timed(
        tree, started, docs=result.summary.documents, statuses=dict(result.summary.statuses)
    )


_LINE_RULES = [
    re.compile(p)
    for p in (
        r"^\s*$",
        r"(?i)^\W*comments?\W*$",
        r"(?i)cookie",
        r"^\W*\d+\s*min(?:ute)?s? read\W*$",
        r"[.!?\"']\s*$",
        r"(?i)^(?:share|tweet|email)\W*$",
    )
]


def child_regex(spec: dict[str, Any]) -> dict[str, Any]:
    """The floor: read, decode, six compiled regexes per line, write. No report, no stages."""
    root, out = Path(spec["input"]), Path(spec["out"])
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    tree = ProcessTree().__enter__()
    docs = 0
    for path in sorted(root.rglob("*.txt")):
        text = path.read_bytes().decode("utf-8", "replace")
        kept = [
            line
            for line in text.split("\n")
            if not any(rule.search(line) for rule in _LINE_RULES[:4])
            or any(rule.search(line) for rule in _LINE_RULES[4:])
        ]
        target = out / path.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes("\n".join(kept).encode("utf-8"))
        docs += 1
    tree.__exit__()
    return _timed(tree, started, docs=docs)


def child_datatrove(spec: dict[str, Any]) -> dict[str, Any]:
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.filters import C4QualityFilter
    from datatrove.pipeline.formatters import FTFYFormatter
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    out = Path(spec["out"])
    shutil.rmtree(out, ignore_errors=True)
    shards = len(list(Path(spec["input"]).glob("*.jsonl")))
    executor = LocalPipelineExecutor(
        pipeline=[
            JsonlReader(spec["input"]),
            FTFYFormatter(),
            C4QualityFilter(),
            JsonlWriter(str(out / "data")),
        ],
        tasks=shards,
        workers=spec["workers"],
        logging_dir=str(out / "logs"),
        skip_completed=False,
    )
    started = time.perf_counter()
    with ProcessTree() as tree:
        executor.run()
    return _timed(tree, started)


def child_trafilatura(spec: dict[str, Any]) -> dict[str, Any]:
    import trafilatura

    pages = [gzip.decompress(p.read_bytes()) for p in sorted(Path(spec["input"]).glob("*.gz"))]
    started = time.perf_counter()
    with ProcessTree() as tree:
        for page in pages:
            trafilatura.extract(page.decode("utf-8", "replace"), favor_precision=True)
    return _timed(tree, started, docs=len(pages))


CHILDREN = {
    "cleanpipe": child_cleanpipe,
    "regex": child_regex,
    "datatrove": child_datatrove,
    "trafilatura": child_trafilatura,
}


# orchestration ----------------------------------------------------------------------------


REPEAT = 1  # set by --repeat: each measurement runs this many times, the least CPU kept


def measure(kind: str, **spec: Any) -> dict[str, Any] | None:
    """One measurement in a child process; the run of least CPU time of `REPEAT` runs (on a
    shared machine, bursts of other people's load only ever add time)."""
    results = [_measure_once(kind, spec) for _ in range(REPEAT)]
    found = [r for r in results if r is not None]
    return min(found, key=lambda r: r["cpu"]) if found else None


def _measure_once(kind: str, spec: dict[str, Any]) -> dict[str, Any] | None:
    command = [sys.executable, __file__, "--child", kind, json.dumps(spec)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"  {kind} failed: {tail}", file=sys.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def configs(work: Path) -> dict[str, Path]:
    """The packaged default, and text-path variants: fast language backend, no language."""
    from cleanpipe.pipeline import default_config_path

    default = yaml.safe_load(Path(str(default_config_path())).read_text(encoding="utf-8"))
    variants = {"default (langdetect)": default}
    fast = {"name": "text-fast", "stages": []}
    bare = {"name": "text-nolang", "stages": []}
    for entry in default["stages"]:
        if _stage_name(entry) == "detect_language":
            fast["stages"].append({"detect_language": {"backend": "fasttext_lite"}})
            continue
        fast["stages"].append(entry)
        bare["stages"].append(entry)
    variants["text, fasttext_lite"] = fast
    variants["text, no language"] = bare
    # the line classifier is most of the text path's time: this row shows the rest
    variants["text, no language, no strip_boilerplate"] = {
        "name": "text-noclassifier",
        "stages": [e for e in bare["stages"] if _stage_name(e) != "strip_boilerplate"],
    }
    paths = {}
    for label, config in variants.items():
        path = work / f"config-{len(paths)}.yaml"
        path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        paths[label] = path
    return paths


def _stage_name(entry: Any) -> str:
    return entry if isinstance(entry, str) else next(iter(entry))


def row(
    label: str,
    workers: int,
    result: dict[str, Any] | None,
    size: int,
    docs: int,
    base: float | None = None,
) -> float | None:
    if result is None:
        print(f"| {label} | {workers} | failed | | | | | | |")
        return None
    seconds, cpu = result["seconds"], result["cpu"]
    mbps = size / 1e6 / seconds
    ratio = f"{mbps / base:.2f}x" if base else ""
    rss = result.get("rss_worker") or result.get("rss_main") or 0
    print(
        f"| {label} | {workers} | {seconds:.1f} | {mbps:.2f} | {cpu:.1f} | "
        f"{size / 1e6 / cpu:.2f} | {docs / cpu:.0f} | {ratio} | {rss / 2**20:.0f} |"
    )
    return mbps


def main() -> None:
    parser = argparse.ArgumentParser(description="cleanpipe throughput benchmark")
    parser.add_argument("--size-mb", type=float, default=16.0, help="corpus size")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--rss-scale",
        type=float,
        default=4.0,
        help="second corpus this many times larger, for peak RSS (0: skip)",
    )
    parser.add_argument("--work", type=Path, default=Path("/tmp/cleanpipe-bench"))
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run each measurement this many times and keep the least CPU",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="only the text path without language ID, 1 and 2 workers (smoke test)",
    )
    args = parser.parse_args()
    global REPEAT
    REPEAT = max(1, args.repeat)
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / f"corpus-{args.size_mb:g}mb-{args.seed}"
    stats = write_corpus(corpus, CorpusSpec(size_bytes=int(args.size_mb * 1e6), seed=args.seed))
    size, docs = stats["bytes"], stats["documents"]
    paths = configs(work)
    print(
        f"corpus: {docs} documents, {size / 1e6:.1f} MB ({corpus}); "
        f"cleanpipe {_git_head()}; {os.cpu_count()} cores"
    )
    print(
        "| what | workers | wall s | MB/s (wall) | CPU s | MB per CPU-s | docs per CPU-s | "
        "vs 1 worker (wall) | peak RSS per process (MB) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    out = work / "out"
    figures: dict[str, float | None] = {}
    results: dict[str, dict[str, Any] | None] = {}
    labels = [
        "text, fasttext_lite",
        "text, no language",
        "text, no language, no strip_boilerplate",
        "default (langdetect)",
    ]
    if args.quick:
        labels = ["text, no language"]
    for label in labels:
        one = measure(
            "cleanpipe",
            config=str(paths[label]),
            workers=1,
            input=str(corpus / "text"),
            out=str(out),
        )
        figures[label] = base = row(f"cleanpipe {label}", 1, one, size, docs)
        two = measure(
            "cleanpipe",
            config=str(paths[label]),
            workers=2,
            input=str(corpus / "text"),
            out=str(out),
        )
        figures[label + " x2"] = row(f"cleanpipe {label}", 2, two, size, docs, base)
        results[label], results[label + " x2"] = one, two
    if args.quick:
        return
    # Like for like with datatrove, which reads and writes JSONL shards: one JSONL file in and
    # out, so no file is created per document (on some file systems that costs more than
    # cleaning the document).
    dataset = _one_jsonl(corpus)
    for workers in (1, 2):
        result = measure(
            "cleanpipe",
            config=str(paths["default (langdetect)"]),
            workers=workers,
            input=str(dataset),
            out=str(out),
            dataset=True,
        )
        label = f"default (langdetect), JSONL{' x2' if workers == 2 else ''}"
        figures[label] = row(
            "cleanpipe default (langdetect), JSONL in and out",
            workers,
            result,
            size,
            docs,
            figures.get("default (langdetect), JSONL"),
        )
        results[label] = result
    figures["regex"] = row(
        "regex line pass (floor)",
        1,
        measure("regex", input=str(corpus / "text"), out=str(out)),
        size,
        docs,
    )
    _datatrove(
        corpus,
        out,
        size,
        docs,
        {
            "files": results.get("default (langdetect) x2"),
            "JSONL": results.get("default (langdetect), JSONL x2"),
        },
    )
    _html(work, paths["default (langdetect)"])
    if args.rss_scale > 0:
        _memory(args, work, paths["text, no language"])


def _one_jsonl(corpus: Path) -> Path:
    """The corpus's JSONL shards as one file (cleanpipe reads one dataset file per run)."""
    target = corpus / "all.jsonl"
    if not target.exists():
        partial = target.with_suffix(".partial")
        with partial.open("wb") as sink:
            for shard in sorted((corpus / "jsonl").glob("*.jsonl")):
                sink.write(shard.read_bytes())
        partial.replace(target)
    return target


def _datatrove(
    corpus: Path, out: Path, size: int, docs: int, defaults: dict[str, dict[str, Any] | None]
) -> None:
    try:
        import datatrove  # noqa: F401
    except ImportError:
        print(
            "\ndatatrove is not installed: its comparison is skipped "
            "(pip install 'cleanpipe[benchmark]')"
        )
        return
    result = measure("datatrove", input=str(corpus / "jsonl"), out=str(out), workers=2)
    row("datatrove (reader, FTFY, C4QualityFilter, writer)", 2, result, size, docs)
    for kind, default in defaults.items():
        if result and default:
            print(
                f"\ncleanpipe default config ({kind}) vs datatrove, both on 2 workers: "
                f"{result['seconds'] / default['seconds']:.1f}x faster by wall clock, "
                f"{result['cpu'] / default['cpu']:.1f}x less CPU"
            )


def _html(work: Path, default_config: Path) -> None:
    from cleanpipe import registry

    pages = sorted(DEV_HTML.glob("*.html.gz"))
    if "extract_html" not in registry.available() or not pages:
        print("\nHTML path skipped: no extract_html stage or no dev pages")
        return
    html_dir = work / "html"
    html_dir.mkdir(exist_ok=True)
    for page in pages:
        target = html_dir / page.name
        if not target.exists():
            shutil.copyfile(page, target)
    # Interleaved and best of two: trafilatura alone and cleanpipe side by side in time, so
    # a burst of someone else's load does not land on one side only.
    no_author = work / "config-html-no-author.yaml"
    config = yaml.safe_load(default_config.read_text(encoding="utf-8"))
    config["stages"] = [
        {"extract_html": {"search_author": False}}
        if _stage_name(entry) == "extract_html"
        else entry
        for entry in config["stages"]
    ]
    no_author.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    runs: dict[str, list[dict[str, Any]]] = {"alone": [], "one": [], "fast": []}
    for _ in range(2):
        for key, spec in (("alone", None), ("one", default_config), ("fast", no_author)):
            if spec is None:
                result = measure("trafilatura", input=str(html_dir))
            else:
                result = measure(
                    "cleanpipe",
                    config=str(spec),
                    workers=1,
                    input=str(html_dir),
                    out=str(work / "out-html"),
                    warm=True,
                )
            if result:
                runs[key].append(result)
    two = measure(
        "cleanpipe",
        config=str(default_config),
        workers=2,
        input=str(html_dir),
        out=str(work / "out-html"),
        warm=True,
    )
    if not all(runs.values()) or not two:
        print("\nHTML path: a measurement failed")
        return
    alone, one, fast = (min(runs[k], key=lambda r: r["cpu"]) for k in ("alone", "one", "fast"))
    n = len(pages)
    # by CPU as well as by wall clock: on a shared machine the wall-clock ratio moves with
    # other people's load, the CPU ratio much less
    print(
        f"\nHTML path, {n} dev pages (models and trafilatura loaded before timing; best of "
        f"two interleaved runs): trafilatura.extract alone {n / alone['seconds']:.1f} "
        f"docs/s, {n / alone['cpu']:.1f} docs per CPU-s; cleanpipe default config "
        f"{n / one['seconds']:.1f} docs/s, {n / one['cpu']:.1f} docs per CPU-s on 1 worker "
        f"(overhead {one['seconds'] / alone['seconds'] - 1:+.0%} by wall clock, "
        f"{one['cpu'] / alone['cpu'] - 1:+.0%} by CPU; with extract_html search_author: "
        f"false {fast['cpu'] / alone['cpu'] - 1:+.0%} by CPU), "
        f"{n / two['seconds']:.1f} docs/s on 2 ({one['seconds'] / two['seconds']:.2f}x)"
    )


def _memory(args: argparse.Namespace, work: Path, config: Path) -> None:
    print("\npeak RSS, text path without language ID, 2 workers:")
    for scale in (1.0, args.rss_scale):
        size = int(args.size_mb * scale * 1e6)
        corpus = work / f"corpus-{args.size_mb * scale:g}mb-{args.seed}"
        stats = write_corpus(corpus, CorpusSpec(size_bytes=size, seed=args.seed))
        result = measure(
            "cleanpipe",
            config=str(config),
            workers=2,
            input=str(corpus / "text"),
            out=str(work / "out"),
        )
        if result:
            print(
                f"  {stats['bytes'] / 1e6:.0f} MB, {stats['documents']} documents: "
                f"main {result['rss_main'] / 2**20:.0f} MB, "
                f"largest worker {result['rss_worker'] / 2**20:.0f} MB "
                f"({stats['bytes'] / 1e6 / result['seconds']:.1f} MB/s)"
            )


def _git_head() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).parent,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "(unknown commit)"


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(CHILDREN[sys.argv[2]](json.loads(sys.argv[3]))))
    else:
        main()
