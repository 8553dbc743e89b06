"""The native core's line features, built once per process from the Python vocabularies.

`cleanpipe._native.LineFeatures` compiles the marker patterns of `boilerplate/vocab.py` and
`patterns.py` and the title patterns of `titles.py` (their one source) with Python's meaning of
their character classes; stages and the classifier share the one instance a process holds, as
they would share a compiled regex. It is never pickled: each worker builds its own.
"""

from __future__ import annotations

from functools import cache

from cleanpipe import _native


@cache
def line_features() -> _native.LineFeatures:
    from cleanpipe.stages.boilerplate.vocab import native_spec

    return _native.LineFeatures(native_spec())
