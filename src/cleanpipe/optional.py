"""Optional dependencies: one check, made when a stage or a run is built, naming the extra.

A missing optional library must be one clear line before any document is touched (a config
error for a stage, a usage error for a run), never a failure repeated on every document.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType


class MissingDependencyError(ImportError):
    """An optional library is not installed; the message says which extra installs it."""


def requires(module: str, *, extra: str, purpose: str, name: str | None = None) -> None:
    """Raise `MissingDependencyError` unless `module` can be imported (it is not imported)."""
    top = module.partition(".")[0]
    try:
        found = importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):  # a broken or half-removed installation
        found = False
    if not found:
        raise MissingDependencyError(hint(purpose, name or top, extra))


def load(module: str, *, extra: str, purpose: str, name: str | None = None) -> ModuleType:
    """Import `module`, or raise `MissingDependencyError` with the install hint."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependencyError(hint(purpose, name or module, extra)) from None


def hint(purpose: str, name: str, extra: str) -> str:
    return f"{purpose} needs {name}: pip install 'cleanpipe[{extra}]'"
