"""YAML names to stage classes: in-process registration and the `cleanpipe.stages` entry points."""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import entry_points
from typing import TypeVar

from cleanpipe.stage import Stage

StageClass = TypeVar("StageClass", bound=type[Stage])

_STAGES: dict[str, type[Stage]] = {}
_entry_points_loaded = False
ENTRY_POINT_GROUP = "cleanpipe.stages"


class RegistryError(ValueError):
    """A name is taken by a different stage, or a plugin failed to load."""


def register(name: str) -> Callable[[StageClass], StageClass]:
    """Class decorator: make a stage available in YAML under `name`.

    Registering the same class twice is harmless (modules get re-imported in workers);
    registering a different class under a taken name is an error.
    """

    def decorate(cls: StageClass) -> StageClass:
        existing = _STAGES.get(name)
        if existing is not None and _qualname(existing) != _qualname(cls):
            raise RegistryError(
                f"stage name {name!r} is already taken by {_qualname(existing)}; "
                f"cannot register {_qualname(cls)}"
            )
        cls.name = name
        _STAGES[name] = cls
        return cls

    return decorate


def _qualname(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _load_builtins() -> None:
    # The built-in stages name themselves (`name = ...`) and never import this module, so
    # the dependency runs one way: the registry knows the stages, not the reverse.
    import cleanpipe.stages

    for class_name in cleanpipe.stages.__all__:
        cls = getattr(cleanpipe.stages, class_name)
        register(cls.name)(cls)


def _load_entry_points() -> None:
    global _entry_points_loaded
    if _entry_points_loaded:
        return
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        try:
            cls = entry.load()
        except Exception as exc:  # a broken plugin must not take the CLI down
            raise RegistryError(
                f"plugin stage {entry.name!r} ({entry.value}) failed: {exc}"
            ) from exc
        try:  # a plugin under a built-in's (or another plugin's) name is an error, never skipped
            register(entry.name)(cls)
        except RegistryError as exc:
            raise RegistryError(f"plugin stage {entry.name!r} ({entry.value}): {exc}") from None
    _entry_points_loaded = True  # only once all loaded: a failure is reported every time


def available() -> dict[str, type[Stage]]:
    """Every stage by YAML name, built-ins and plugins, sorted by name."""
    _load_builtins()
    _load_entry_points()
    return dict(sorted(_STAGES.items()))


def get(name: str) -> type[Stage] | None:
    return available().get(name)
