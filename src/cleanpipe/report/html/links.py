"""Where each page of the report lives, relative to the report folder.

Document pages are named by their position in `report.jsonl`, never by their path: paths come
from the web and may hold anything. They are split into folders of 1,000 so that no folder
grows huge on a corpus of 100,000 documents.
"""

from __future__ import annotations

import re

DOCS_PER_FOLDER = 1000
ROWS_PER_LIST_PAGE = 500


def doc_path(index: int) -> str:
    return f"docs/{index // DOCS_PER_FOLDER:03d}/{index:06d}.html"


def list_path(name: str, page: int = 1) -> str:
    return f"lists/{name}-{page}.html"


def rule_list(rule: int) -> str:
    return f"rule-{rule}"


def status_list(status: str, number: int) -> str:
    """A file-name-safe list name for a status (`ok`, `dropped`, `error`, or a number)."""
    return f"status-{status}" if re.fullmatch(r"[a-z]{1,20}", status) else f"status-{number}"


def pages_for(count: int) -> int:
    return max(1, -(-count // ROWS_PER_LIST_PAGE))
