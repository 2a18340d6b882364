"""Alignment QA reports: summary figures, flagged pairs with their reasons, comparison with a gold
alignment, and pictures of the alignment path, as one self-contained HTML page and as JSON.

    from align.qa import build_report, write_html, write_json
    report = build_report(["out/"], gold="gold/")      # what `aligntm report out/ --gold gold/` does
    write_html(report, "report.html")
    write_json(report, "report.json")
    report.summary["flagged_pairs"], report.flags[0]["reason"]
"""
from ..lazy import lazy_exports

__getattr__ = lazy_exports(__name__, {
    "render_html": ".html_report", "write_html": ".html_report", "write_json": ".json_report",
    "Report": ".report", "build_report": ".report",
})

__all__ = ["Report", "build_report", "render_html", "write_html", "write_json"]
