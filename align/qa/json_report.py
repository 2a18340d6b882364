"""Writing a QA report as JSON: the same figures as the HTML page, for scripts."""
from __future__ import annotations

import json

from ..textio import atomic_writer
from .report import Report


def write_json(report: Report, path) -> None:
    """Write REPORT's data (summary, gold scores, documents with their pairs and flags, the flat
    list of flags) to PATH as JSON, atomically."""
    with atomic_writer(path) as f:
        json.dump(report.data, f, ensure_ascii=False, indent=1)
        f.write("\n")
