"""The HTML audit report of a run: a corpus overview and one page per document.

`write_report(OUT)` reads `OUT/report.jsonl` and `OUT/summary.json` (and the inputs, from the
directory the run recorded) and writes a static, self-contained folder `OUT/report/`.
"""

from cleanpipe.report.html.corpus import ReportError
from cleanpipe.report.html.writer import ReportStats, write_report

__all__ = ["ReportError", "ReportStats", "write_report"]
