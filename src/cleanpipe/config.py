"""Loading and validating pipeline configs: YAML (safely) or plain dicts, into stage instances.

Every problem becomes one line of a `ConfigError` that names the file, the entry and the
fix; all of a config's problems are listed at once, before any document is touched.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from cleanpipe import registry
from cleanpipe.optional import MissingDependencyError
from cleanpipe.stage import Stage, is_number, range_problem

MAX_CONFIG_BYTES = 1_000_000


class ConfigError(ValueError):
    """A config that cannot be used; the message holds one line per problem, for the user."""


def load_yaml(path: str | Path) -> Any:
    """Parse a YAML file with the safe loader, refusing aliases (no YAML bombs)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror or exc}") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: config is larger than {MAX_CONFIG_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: config is not UTF-8 text") from None
    try:
        _check_events(text, path)
        return yaml.load(text, Loader=_StrictLoader)
    except ConfigError:
        raise
    except ValueError as exc:  # an integer past Python's digit limit
        raise ConfigError(f"{path}: invalid YAML: {str(exc).split(';')[0]}") from None
    except yaml.YAMLError as exc:
        where = ""
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            where = f" (line {mark.line + 1}, column {mark.column + 1})"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{path}: invalid YAML{where}: {problem}") from None


# A config is a list of stages with a mapping of parameters each: a few levels suffice. The
# limit is checked on the event stream, which PyYAML parses without recursion, so a file of
# 400,000 '[' fails in well under a second instead of deep in the recursive composer.
MAX_YAML_DEPTH = 32


def _check_events(text: str, path: Path) -> None:
    """Refuse aliases (no YAML bombs) and nesting deeper than MAX_YAML_DEPTH."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            raise ConfigError(f"{path}: YAML aliases (*name) are not allowed in configs")
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                mark = event.start_mark
                where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
                raise ConfigError(
                    f"{path}: invalid YAML{where}: nested deeper than {MAX_YAML_DEPTH} levels"
                )
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


class _StrictLoader(yaml.SafeLoader):
    """The safe loader, refusing a key given twice in one mapping (PyYAML keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)  # type: ignore[no-untyped-call]
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: the base class says so
                continue
            if first is not None:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {key!r} (first at line {first + 1})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep)  # type: ignore[no-any-return]


def build_stages(config: Any, source: str = "<config>") -> list[Stage]:
    """Turn a config mapping (`{"stages": [...]}`) into stage instances, validating everything.

    Every problem found is reported, one line each: a user fixes a config in one go.
    """
    if not isinstance(config, Mapping):
        raise ConfigError(f"{source}: expected a mapping with a 'stages' list at the top")
    problems = [
        f"{source}: unknown top-level key {key!r} (allowed: stages, name, description)"
        for key in sorted(set(config) - {"stages", "name", "description"}, key=str)
    ]
    entries = config.get("stages")
    if not isinstance(entries, Sequence) or isinstance(entries, (str, bytes)):
        problems.append(f"{source}: 'stages' must be a list of stage entries")
        raise ConfigError("\n".join(problems))
    try:
        registry.available()  # plugins load here: a broken or clashing one is a config error
    except registry.RegistryError as exc:
        raise ConfigError(str(exc)) from None
    stages: list[Stage] = []
    for index, entry in enumerate(entries):
        try:
            stages.append(_build_stage(entry, f"{source}: stages[{index}]"))
        except ConfigError as exc:
            problems.append(str(exc))
    if problems:
        raise ConfigError("\n".join(problems))
    return stages


def _build_stage(entry: Any, where: str) -> Stage:
    name, params = _split_entry(entry, where)
    stages = registry.available()
    cls = stages.get(name)
    if cls is None:
        hint = _suggest(name, stages) or f" (available: {', '.join(stages)})"
        raise ConfigError(f"{where}: unknown stage {name!r}{hint}")
    return make_stage(cls, params, f"{where} ({name})")


def _split_entry(entry: Any, where: str) -> tuple[str, dict[str, Any]]:
    if isinstance(entry, str):
        return entry, {}
    if isinstance(entry, Mapping) and len(entry) == 1:
        ((name, params),) = entry.items()
        if params is None:
            params = {}
        if not isinstance(name, str):
            raise ConfigError(f"{where}: a stage name must be a string, got {name!r}")
        if not isinstance(params, Mapping):
            raise ConfigError(f"{where} ({name}): parameters must be a mapping, got {params!r}")
        return name, dict(params)
    raise ConfigError(
        f"{where}: expected a stage name or a one-key mapping 'name: {{params}}', got {entry!r}"
    )


def make_stage(cls: type[Stage], params: Mapping[str, Any], where: str = "") -> Stage:
    """Build one stage from parameters, validated against its fields (every problem listed)."""
    prefix = f"{where}: " if where else ""
    known = {f.name for f in cls.parameters()}
    problems = [
        f"{prefix}unknown parameter {key!r}{_suggest(str(key), known)}"
        + (f" (parameters: {', '.join(sorted(known))})" if known else " (it takes none)")
        for key in params
        if key not in known
    ]
    fields = {f.name: f for f in cls.parameters()}
    problems.extend(
        f"{prefix}{key}: expected a number, got {str(value).lower()}"  # pydantic: true is 1
        for key, value in params.items()
        if key in fields and isinstance(value, bool) and is_number(fields[key].default)
    )
    adapter = TypeAdapter(cls)
    try:
        stage = adapter.validate_python({k: v for k, v in params.items() if k in known})
    except ValidationError as exc:
        problems.extend(prefix + _describe(error) for error in exc.errors())
    except (TypeError, ValueError, MissingDependencyError) as exc:  # a stage's __post_init__
        problems.append(f"{prefix}{exc}")
    else:
        for field in fields.values():
            problem = range_problem(field, getattr(stage, field.name))
            if problem is not None:
                problems.append(prefix + problem)
    if problems:
        raise ConfigError("\n".join(problems))
    return stage


def _describe(error: Any) -> str:
    loc = ".".join(str(part) for part in error["loc"])
    message = error["msg"][0].lower() + error["msg"][1:]
    got = error.get("input")
    shown = f", got {got!r}" if got is not None and not isinstance(got, Mapping) else ""
    return f"{loc}: {message}{shown}" if loc else f"{message}{shown}"


def _suggest(name: str, choices: Any) -> str:
    close = difflib.get_close_matches(name, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
