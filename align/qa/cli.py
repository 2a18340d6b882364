"""CLI subcommands of this package (registered by align.cli): `aligntm report`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import InputError
from . import thresholds as T

DESCRIPTION = """\
A QA report of alignments for reviewers: summary figures, flagged pairs with the reason of each,
the comparison with a gold alignment, and per document a picture of the alignment path on the
source x target sentence grid, histograms, and the pairs side by side (filterable to flagged
ones). Writes one self-contained HTML file (no network needed) and/or JSON with the same figures.
"""

EPILOG = f"""\
flags (thresholds in align/qa/thresholds.py):
  anchor      a number, date (month) or acronym on one side only, or different; an anchor that
              conflicts in most pairs of a document (e.g. "Lao PDR" for ラオス) is reported once
              for the document instead
  length      length ratio more than {T.LENGTH_ROBUST_SDS} robust SDs off the document's median
  confidence  aligner confidence below {T.LOW_CONFIDENCE}
  unaligned   a 0-1 or 1-0 bead (a sentence without translation)
  merge       a bead of {T.MERGE_SENTENCES} or more sentences (1-2, 2-1, 2-2...)
  mt          with --src-mt: chrF below {T.LOW_CHRF:g} against the machine translation

examples:
  aligntm align ja.txt en.txt --format jsonl -o doc.jsonl
  aligntm report doc.jsonl --gold gold.txt -o report.html
  aligntm batch ja/ en/ out/ --format jsonl --presegmented
  aligntm report out/ --gold gold/ -o report.html --json report.json
  aligntm report doc.jsonl --src-mt doc.mt.en        (one MT line per source sentence)
"""


def register(sub) -> None:
    """Add this package's subcommands to the aligntm argument parser (SUB: its subparsers)."""
    p = sub.add_parser("report", help="QA report of alignments: summary, flags, pictures (HTML, JSON)",
                       description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("alignments", nargs="+", metavar="ALIGNMENT",
                   help="JSONL written by `aligntm align --format jsonl`, or a directory of them "
                        "(the output of `aligntm batch --format jsonl`)")
    p.add_argument("--gold", metavar="GOLD",
                   help="gold alignment in the beads format: a file for one document, or a directory of files "
                        "named like the alignment files (as ../shared/eval/*/gold)")
    p.add_argument("--src-mt", metavar="FILE",
                   help="machine translation of the source sentences, one line per sentence (a directory of "
                        "files named like the alignment files for several documents); each pair gets a chrF score")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="HTML report to write (default: report.html, unless only --json is given)")
    p.add_argument("--json", metavar="FILE", help="write the figures, flags and pairs as JSON too")
    p.set_defaults(func=cmd_report)


def cmd_report(args) -> int:
    from ..cli import check_output_path
    from .alignment_files import alignment_files
    from .html_report import write_html
    from .json_report import write_json
    from .report import build_report

    html = args.output or (None if args.json else "report.html")
    inputs = [str(p) for p in alignment_files(args.alignments)] + [p for p in (args.gold, args.src_mt) if p]
    for out in (html, args.json):
        check_output_path(out, inputs)
    if html and args.json and Path(html).resolve() == Path(args.json).resolve():
        raise InputError(f"{html}: -o and --json name the same file")
    report = build_report(args.alignments, gold=args.gold, src_mt=args.src_mt)
    if html:
        write_html(report, html)
    if args.json:
        write_json(report, args.json)
    s = report.summary
    kinds = ", ".join(f"{n} {k}" for k, n in s["flags"].items())
    line = (f"aligntm: {s['documents']} document(s), {s['pairs']} pairs, {s['flagged_pairs']} flagged"
            + (f" ({kinds})" if kinds else ""))
    if report.data["gold"]:
        g = report.data["gold"]
        line += f"; against gold: strict F1 {g['strict']['f1'] or 0:.4f}, lax F1 {g['lax']['f1'] or 0:.4f}"
    print(line, file=sys.stderr)
    print(f"aligntm: wrote {' and '.join(p for p in (html, args.json) if p)}", file=sys.stderr)
    return 0
