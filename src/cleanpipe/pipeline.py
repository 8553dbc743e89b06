"""The pipeline: runs stages in order and turns their edits into a positioned removal report."""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from importlib import resources
from operator import attrgetter
from pathlib import Path
from time import perf_counter
from typing import Any

from cleanpipe.config import ConfigError, build_stages, load_yaml
from cleanpipe.document import Document, Edit, Record, Removal, Result, Status
from cleanpipe.edits import EditMap, apply_edits
from cleanpipe.engines.extraction import looks_like_html
from cleanpipe.io.decode import decode_bytes
from cleanpipe.lines import LineIndex
from cleanpipe.replay import EXTRACTED
from cleanpipe.stage import Stage

_RULE = attrgetter("rule")


class Pipeline:
    """An ordered list of stages; the same object serves the CLI, an ETL loop and Ray workers."""

    def __init__(self, stages: Sequence[Stage], name: str = "custom") -> None:
        for stage in stages:
            _check_stage(stage)
        self.stages: tuple[Stage, ...] = tuple(stages)
        self.name = name
        _check_extraction_order(self.stages)
        self._config_hash: str | None = None  # stages are frozen: hashed once, on first use

    # construction -------------------------------------------------------------------------

    @classmethod
    def from_config(
        cls, config: Mapping[str, Any], source: str = "<config>", folder: Path | None = None
    ) -> Pipeline:
        """A pipeline from a config mapping. With `extends: <config>` it is that config with
        the `params` given merged into its stages (see `extended_config`); `folder` is where
        a relative `extends` path is looked for."""
        config = extended_config(config, source, folder)
        name = str(config.get("name", "custom")) if isinstance(config, Mapping) else "custom"
        stages = build_stages(config, source)
        try:
            return cls(stages, name=name)
        except ConfigError as exc:  # the stage order: say which file, as for other errors
            raise ConfigError(f"{source}: {exc}") from None

    @classmethod
    def from_yaml(cls, path: str | Path) -> Pipeline:
        """A pipeline from a YAML file, or from a packaged config named by a bare name (`fast`,
        `default`) when no such file exists."""
        packaged = packaged_config_path(path)
        if packaged is not None:
            with resources.as_file(packaged) as file:
                return cls.from_config(load_yaml(file), source=str(path))
        text = str(path)
        if not Path(text).exists() and "/" not in text and "." not in text:
            close = difflib.get_close_matches(text, packaged_configs(), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(
                f"{text}: no such config file, and no packaged config of that name{hint}; "
                f"packaged configs: {', '.join(packaged_configs())}"
            )
        return cls.from_config(load_yaml(path), source=str(path), folder=Path(path).parent)

    @classmethod
    def default(cls) -> Pipeline:
        """The packaged default config (`cleanpipe/configs/default.yaml`)."""
        with resources.as_file(default_config_path()) as path:
            return cls.from_yaml(path)

    def to_config(self) -> dict[str, Any]:
        return {"name": self.name, "stages": [{s.name: s.params()} for s in self.stages]}

    @property
    def config_hash(self) -> str:
        """Stable hash of what decides the outputs (recorded for `--resume`): the stages and
        their parameters, cleanpipe's version (new code, new rules) and the files stages
        read (a retrained model, a new table of repeated lines)."""
        if self._config_hash is None:
            from cleanpipe import __version__  # the package imports this module first

            decided_by = {
                "cleanpipe": __version__,
                "stages": self.to_config()["stages"],
                "files": {s.name: f for s in self.stages if (f := s.fingerprint()) is not None},
            }
            blob = json.dumps(decided_by, sort_keys=True, ensure_ascii=False)
            self._config_hash = hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]
        return self._config_hash

    # running -----------------------------------------------------------------------------

    def clean(
        self, text: str | bytes, metadata: Mapping[str, Any] | None = None, doc_id: str = ""
    ) -> Result:
        """Clean one text. Never raises for a stage failure: the result has status `error`.

        Bytes are decoded as files are (the encoding goes into the metadata); anything else
        but `str` is a TypeError at once. Without a `format` in `metadata`, a text that starts
        like an HTML page (a doctype, `<html>` or `<head>`) is taken for one, as a `.html`
        file would be; pass `{"format": "text"}` to clean it as text.
        """
        found = dict(metadata or {})
        if isinstance(text, (bytes, bytearray, memoryview)):
            decoded = decode_bytes(bytes(text), html=found.get("format") == "html")
            text = decoded.text
            found.setdefault("encoding", decoded.encoding)
            if decoded.replaced:
                found.setdefault("decode_replaced", True)
        elif not isinstance(text, str):
            raise TypeError(f"clean() takes str or bytes, not {type(text).__name__}")
        if "format" not in found and looks_like_html(text):
            found["format"] = "html"
        return self.run(Document(doc_id, text, found))

    def process(self, records: Iterable[Document | Mapping[str, Any] | str]) -> Iterator[Result]:
        """Clean a stream of documents, dicts with `text` (and `id`), or strings, lazily."""
        for number, record in enumerate(records):
            yield self.run(as_document(record, number))

    def record(
        self,
        result: Result,
        *,
        path: str | None = None,
        output: str | None = None,
        decoded: bool = True,
    ) -> Record:
        """`result` as its `report.jsonl` record.

        The one place a record is built: the directory runner, the JSONL/Parquet writers and
        Ray all call it, so a record from the API and a line of a CLI report are the same JSON.
        `path` and `output` say where the input came from and where the clean text went;
        `decoded=False` says no text was ever read (a rejected file, a row without a text),
        so there is no input to hash (`input_sha256` is null).
        """
        meta = dict(sorted(result.metadata.items()))
        return {
            "id": result.id,
            "path": path,
            "output": output,
            "status": result.status,
            "reason": result.reason,
            "chars_in": len(result.input_text),
            "chars_out": len(result.text),
            "lang": meta.get("lang"),
            "lang_prob": meta.get("lang_prob"),
            "metadata": meta,
            "removals": [r.to_dict() for r in result.removals],
            "rewrites": dict(sorted(result.rewrites.items())),
            "input_sha256": input_hash(result.input_text) if decoded else None,
            "config_sha256": self.config_hash,
        }

    def run(self, doc: Document) -> Result:
        timings: dict[str, float] = {}
        result = self._run(doc, timings)
        return replace(result, timings=timings)

    def _run(self, doc: Document, timings: dict[str, float]) -> Result:
        input_text = doc.text
        text = input_text
        metadata: dict[str, Any] = dict(doc.metadata)
        maps: list[EditMap] = []
        removals: list[Removal] = []
        removed = _Removed()
        rewrites: Counter[str] = Counter()
        lines = LineIndex(input_text)
        last_remover = max((i for i, s in enumerate(self.stages) if s.removes), default=-1)

        def finish(status: Status, reason: str | None = None) -> Result:
            clean = text if status == "ok" else ""
            return Result(
                doc.id,
                status,
                clean,
                input_text,
                tuple(removals),
                dict(rewrites),
                metadata,
                reason=reason,
            )

        for index, stage in enumerate(self.stages):
            if stage.naive_text_only and metadata.get("positions") == EXTRACTED:
                # tuned for a naive scrape's full-page text; on an extractor's output it
                # cuts article text (lists, short closing lines), so it stands aside
                metadata["skipped_stages"] = [*metadata.get("skipped_stages", ()), stage.name]
                continue
            started = perf_counter()
            try:
                output = stage(text, metadata)
                if stage.removes:
                    _check_removals(output.edits)
                new_text = apply_edits(text, output.edits)
            except Exception as exc:  # one document's failure must not end a run
                return finish("error", f"stage {stage.name}: {type(exc).__name__}: {exc}")
            timings[stage.name] = timings.get(stage.name, 0.0) + perf_counter() - started
            metadata.update(output.metadata)
            if output.edits and stage.extracts:
                # A new baseline (HTML to article text): later removals are positioned in
                # the extracted text, which the report says with `positions`.
                input_text = text = new_text
                lines = LineIndex(input_text)
                maps = []
                removed = _Removed()
                metadata["positions"] = EXTRACTED
            elif output.edits:
                if stage.removes:
                    removals.extend(
                        _locate(stage.name, output.edits, maps, removed, input_text, lines)
                    )
                    maps.append(EditMap(output.edits))
                else:
                    for rule, count in Counter(map(_RULE, output.edits)).items():
                        rewrites[f"{stage.name}/{rule}"] += count
                    # Only a later removal is ever mapped back through a rewrite.
                    later = index < last_remover
                    maps.append(EditMap(_narrowed(text, output.edits) if later else output.edits))
                text = new_text
            if output.drop is not None:
                return finish("dropped", output.drop)
        if not text.strip():
            empty = "empty input" if not input_text.strip() else "empty after cleaning"
            return finish("dropped", empty + _cut_note(metadata))
        return finish("ok")

    def __repr__(self) -> str:
        return f"Pipeline({[s.name for s in self.stages]!r}, name={self.name!r})"


def _check_stage(stage: Any) -> None:
    """A stage must be a frozen dataclass: hashed for the config, pickled for workers."""
    if not isinstance(stage, Stage):
        raise TypeError(f"not a stage: {stage!r}")
    params = getattr(type(stage), "__dataclass_params__", None)
    if not dataclasses.is_dataclass(stage) or params is None or not params.frozen:
        raise TypeError(
            f"stage {stage.name} ({type(stage).__qualname__}) must be a frozen dataclass: "
            "decorate it with @dataclass(frozen=True)"
        )


def _check_extraction_order(stages: Sequence[Stage]) -> None:
    """An extracting stage replaces the text wholesale: a removal made before it would be
    positioned in a text the report no longer describes, so it must come first."""
    for index, stage in enumerate(stages):
        if stage.extracts:
            before = [s.name for s in stages[:index] if s.removes]
            if before:
                raise ConfigError(
                    f"stage {stage.name} (stages[{index}]) replaces the text, so it must come "
                    f"before every stage that removes text ({', '.join(before)})"
                )


def _check_removals(edits: Sequence[Edit]) -> None:
    """A removing stage's edits are reported as removed text: one that put text back in
    would be reported as removing what the output still holds."""
    for edit in edits:
        if edit.replacement:
            raise ValueError(
                f"a removing stage may only remove text, but rule {edit.rule!r} replaced "
                f"[{edit.start}:{edit.end}] with {edit.replacement[:40]!r} (set removes = False "
                "for a stage that rewrites)"
            )


def _locate(
    stage: str,
    edits: Sequence[Edit],
    maps: list[EditMap],
    removed: _Removed,
    input_text: str,
    lines: LineIndex,
) -> list[Removal]:
    """A stage's removals positioned in the input, each cut around text already removed.

    A span of a later stage's text maps back to one input span, which contains whatever an
    earlier stage deleted inside it (a footer cut after a repeated title was cut from its
    middle); reporting that span would count the title twice and break disjointness.
    """
    found: list[tuple[int, int, str, float | None]] = []
    floor = 0  # two edits widened to one rewrite must not overlap either
    for edit in edits:
        if edit.end <= edit.start:
            continue
        start, end = edit.start, edit.end
        for edit_map in reversed(maps):
            start = edit_map.to_input(start, is_end=False)
            end = edit_map.to_input(end, is_end=True)
        start = max(start, floor)
        floor = max(floor, end)
        found.extend((a, b, edit.rule, edit.score) for a, b in removed.gaps(start, end))
    removed.merge([(a, b) for a, b, _, _ in found])
    return [
        Removal(
            stage=stage,
            rule=rule,
            text=input_text[start:end],
            start=start,
            end=end,
            line_start=lines.line_of(start),
            line_end=lines.line_of(max(start, end - 1)),
            score=score,
        )
        for start, end, rule, score in found
    ]


def _narrowed(text: str, edits: Sequence[Edit]) -> list[Edit]:
    """Rewrites trimmed to the characters they change.

    ftfy rewrites a whole line to drop one control character; a marker later cut from that
    line's end would map back to the whole line, and the report would claim the kept part
    as removed. Trimmed, the rewrite is only the control character and the cut stays exact.
    """
    narrowed: list[Edit] = []
    for edit in edits:
        old, new = text[edit.start : edit.end], edit.replacement
        if old == new:
            continue
        head = _common_prefix(old, new)
        tail = _common_prefix(old[head:][::-1], new[head:][::-1])
        narrowed.append(
            Edit(edit.start + head, edit.end - tail, edit.rule, new[head : len(new) - tail])
        )
    return narrowed


def _common_prefix(a: str, b: str) -> int:
    """Length of the common prefix, by bisection on slice comparisons (C speed on long lines)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


class _Removed:
    """Input spans reported as removed so far: sorted, disjoint."""

    __slots__ = ("_ends", "_starts")

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def gaps(self, start: int, end: int) -> Iterator[tuple[int, int]]:
        """The pieces of `[start, end)` not removed yet."""
        index = bisect_right(self._ends, start)
        cursor = start
        while index < len(self._starts) and self._starts[index] < end:
            if self._starts[index] > cursor:
                yield cursor, self._starts[index]
            cursor = max(cursor, self._ends[index])
            index += 1
        if cursor < end:
            yield cursor, end

    def merge(self, spans: list[tuple[int, int]]) -> None:
        """Add sorted spans disjoint from the ones held (one linear merge per stage)."""
        if spans:
            merged = sorted([*zip(self._starts, self._ends, strict=True), *spans])
            self._starts = [a for a, _ in merged]
            self._ends = [b for _, b in merged]


def as_document(record: Document | Mapping[str, Any] | str, number: int = 0) -> Document:
    if isinstance(record, Document):
        return record
    if isinstance(record, str):
        return Document(str(number), record, {})
    if isinstance(record, Mapping):
        if "text" not in record or not isinstance(record["text"], str):
            raise TypeError(f"record {number} has no string 'text' field")
        meta = {k: v for k, v in record.items() if k not in ("id", "text")}
        return Document(str(record.get("id", number)), record["text"], meta)
    raise TypeError(f"cannot clean a {type(record).__name__}; pass a str, dict or Document")


def input_hash(text: str) -> str:
    """The short SHA-256 of a decoded input, as recorded in the report (`input_sha256`)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _cut_note(metadata: Mapping[str, Any]) -> str:
    """` (cut at 2 MB of 3.3 MB)` for a document cut at the size limit, else ''; what was
    cleaned away may be all that was kept, and the user should know the rest was not read."""
    cut = metadata.get("truncated")
    if not isinstance(cut, Mapping) or "kept_bytes" not in cut or "bytes" not in cut:
        return ""
    return f" (cut at {_megabytes(cut['kept_bytes'])} of {_megabytes(cut['bytes'])})"


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.2g} MB" if size < 10e6 else f"{size / 1e6:.0f} MB"


def default_config_path() -> Any:
    return resources.files("cleanpipe") / "configs" / "default.yaml"


def packaged_configs() -> list[str]:
    """The names of the configs shipped in the package (`cleanpipe/configs/<name>.yaml`)."""
    folder = resources.files("cleanpipe") / "configs"
    return sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )


def packaged_config_path(name: str | Path) -> Any | None:
    """The packaged config a bare name (no path separator, no suffix, no such file) names."""
    text = str(name)
    if Path(text).exists() or "/" in text or "\\" in text or text.endswith((".yaml", ".yml")):
        return None
    if text not in packaged_configs():
        return None
    return resources.files("cleanpipe") / "configs" / f"{text}.yaml"


# A config that extends another names it (a packaged config or a path) and changes parameters
# of its stages by name; chains are followed this far (a loop would never end).
MAX_EXTENDS = 8


def extended_config(
    config: Mapping[str, Any], source: str, folder: Path | None, depth: int = 0
) -> Mapping[str, Any]:
    """`config` with its `extends` resolved: the base config's stages, in its order, with the
    parameters under `params` (`{stage name: {parameter: value}}`) merged in. A config
    without `extends` is returned as it is."""
    if not isinstance(config, Mapping) or "extends" not in config:
        return config
    base_name = config["extends"]
    if not isinstance(base_name, str) or not base_name:
        raise ConfigError(f"{source}: extends: expected a config name or path, got {base_name!r}")
    if "stages" in config:
        raise ConfigError(
            f"{source}: a config with 'extends' changes its base's stages under 'params', "
            "it does not list 'stages'"
        )
    unknown = sorted(set(config) - {"extends", "params", "name", "description"}, key=str)
    if unknown:
        raise ConfigError(
            f"{source}: unknown top-level key {unknown[0]!r} with 'extends' "
            "(allowed: extends, params, name, description)"
        )
    if depth >= MAX_EXTENDS:
        raise ConfigError(f"{source}: extends: more than {MAX_EXTENDS} configs deep (a loop?)")
    base, base_source, base_folder = _base_config(base_name, source, folder)
    base = extended_config(base, base_source, base_folder, depth + 1)
    changes = config.get("params") or {}
    if not isinstance(changes, Mapping) or not all(
        isinstance(v, Mapping) or v is None for v in changes.values()
    ):
        raise ConfigError(f"{source}: params: expected a mapping of stage name to parameters")
    entries = base.get("stages") if isinstance(base, Mapping) else None
    if not isinstance(entries, list):
        raise ConfigError(f"{base_source}: 'stages' must be a list of stage entries")
    stages: list[Any] = []
    for entry in entries:
        name = entry if isinstance(entry, str) else next(iter(entry), None)
        if name in changes and isinstance(name, str):
            given = entry[name] if isinstance(entry, Mapping) else None
            entry = {name: {**(given or {}), **(changes[name] or {})}}
        stages.append(entry)
    names = [e if isinstance(e, str) else next(iter(e), None) for e in entries]
    for name in changes:
        if name not in names:
            raise ConfigError(
                f"{source}: params: stage {name!r} is not in {base_name} "
                f"(its stages: {', '.join(str(n) for n in names)})"
            )
    merged: dict[str, Any] = {"name": config.get("name", base.get("name", "custom"))}
    if "description" in config:
        merged["description"] = config["description"]
    merged["stages"] = stages
    return merged


def _base_config(
    name: str, source: str, folder: Path | None
) -> tuple[Mapping[str, Any], str, Path | None]:
    """The config `extends: name` names: a file beside the extending one, else a packaged
    config of that name."""
    candidate = Path(name) if folder is None else folder / name
    if candidate.is_file():
        return load_yaml(candidate), str(candidate), candidate.parent
    packaged = packaged_config_path(name)
    if packaged is None:
        raise ConfigError(
            f"{source}: extends: no config file {name!r} and no packaged config of that name "
            f"(packaged configs: {', '.join(packaged_configs())})"
        )
    with resources.as_file(packaged) as file:
        return load_yaml(file), name, None
