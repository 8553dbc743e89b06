"""cleanpipe: scraped web text in, clean canonical text and a report of every removal out."""

from cleanpipe.config import ConfigError
from cleanpipe.document import Document, Edit, Record, Removal, Result
from cleanpipe.pipeline import Pipeline
from cleanpipe.registry import register
from cleanpipe.replay import replay
from cleanpipe.runs.core import RunError, RunResult
from cleanpipe.runs.dispatch import run
from cleanpipe.stage import Stage, StageOutput, param

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "Document",
    "Edit",
    "Pipeline",
    "Record",
    "Removal",
    "Result",
    "RunError",
    "RunResult",
    "Stage",
    "StageOutput",
    "__version__",
    "param",
    "register",
    "replay",
    "run",
]
