"""CLI subcommands of this package (registered by align.cli): `aligntm corpus`."""
from __future__ import annotations

import argparse
import sys

from .. import formats

DESCRIPTION = """\
Align a whole corpus: every document of a manifest TSV, or every file name found in two (or three)
directories. Documents are aligned in parallel by Dask worker processes (-j N, default all cores),
or on an existing Dask cluster (--scheduler). A document that fails is recorded and the run goes on.
Running the same command again skips the documents already done, so a run stopped by Ctrl-C or a
crash resumes where it was; failed documents are tried again.

OUT_DIR gets documents/<doc_id>.<format> per document, corpus.tmx with the units of every done
document (TMX 1.4b, rebuilt at the end of every run), units/ (each document's units, for that
rebuild) and run.jsonl (one record per document per run: status, counts, confidence, time, error).

Manifest TSV: doc_id<TAB>source path<TAB>target path[<TAB>third path], paths relative to the
manifest's directory. An optional header line names the path columns by language, e.g.
doc_id<TAB>ja<TAB>en, or src_path<TAB>tgt_path to leave the languages to -s/-t or detection.
"""

EPILOG = """\
examples:
  aligntm corpus manifest.tsv out/                      (header: doc_id<TAB>ja<TAB>en)
  aligntm corpus ja/ en/ out/ -s ja -t en -j 2           (files paired by name)
  aligntm corpus manifest.tsv out/ --format jsonl --tmx all.tmx
  aligntm corpus manifest.tsv out/ --scheduler tcp://10.0.0.5:8786   (an existing Dask cluster)

exit status: 0 when every document is done, 2 when any failed or on bad input
(the failed documents and their errors are listed on stderr and in OUT_DIR/run.jsonl).
"""


def register(sub) -> None:
    """Add this package's subcommands to the aligntm argument parser (SUB: its subparsers)."""
    from ..cli import _add_lang_options
    p = sub.add_parser("corpus", help="align a whole corpus (manifest or directories), resumable, on Dask",
                       description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
                       usage="aligntm corpus [options] (MANIFEST | SRC_DIR TGT_DIR [THIRD_DIR]) OUT_DIR")
    p.add_argument("inputs", nargs="+", metavar="MANIFEST | DIRS",
                   help="a manifest TSV, or two or three directories whose same-named files are one document")
    p.add_argument("out_dir", metavar="OUT_DIR", help="output directory (created if needed; resumed if it holds a run)")
    _add_lang_options(p)
    p.add_argument("--third-lang", metavar="LANG", help="language of the third document (default: detected)")
    p.add_argument("--third-locale", metavar="CODE", help="xml:lang of the third document in TMX")
    p.add_argument("--pivot", metavar="LANG",
                   help="with three documents: the language the others are aligned through (default: the target's)")
    p.add_argument("--format", choices=sorted(formats.FORMATS), default="tsv",
                   help="format of each document's output (default: tsv)")
    tmx = p.add_mutually_exclusive_group()
    tmx.add_argument("--tmx", metavar="FILE", help="combined TMX of all documents (default: OUT_DIR/corpus.tmx)")
    tmx.add_argument("--no-tmx", action="store_true", help="no combined TMX")
    engine = p.add_mutually_exclusive_group()
    engine.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                        help="local Dask worker processes (default: all cores)")
    engine.add_argument("--scheduler", metavar="ADDRESS",
                        help="run on an existing Dask cluster (e.g. tcp://10.0.0.5:8786); inputs and OUT_DIR "
                             "must be at the same paths on the workers")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar or progress lines")
    p.set_defaults(func=cmd_corpus)


def cmd_corpus(args) -> int:
    from .runner import run_corpus
    result = run_corpus(
        args.inputs, args.out_dir, src_lang=args.src_lang, tgt_lang=args.tgt_lang, third_lang=args.third_lang,
        pivot=args.pivot, presegmented=args.presegmented, length_only=args.length_only, fmt=args.format,
        tmx=False if args.no_tmx else (args.tmx or True), src_locale=args.src_locale, tgt_locale=args.tgt_locale,
        third_locale=args.third_locale, jobs=args.jobs, scheduler=args.scheduler,
        progress=False if args.quiet else None)
    for name in result.unpaired[:10]:
        print(f"aligntm: warning: {name} is not in every directory; skipped", file=sys.stderr)
    if len(result.unpaired) > 10:
        print(f"aligntm: warning: ... and {len(result.unpaired) - 10} more unpaired files", file=sys.stderr)
    failed = list(result.failed.items())
    for doc_id, error in failed[:20]:
        print(f"aligntm: error: {doc_id}: {error}", file=sys.stderr)
    if len(failed) > 20:
        print(f"aligntm: error: ... and {len(failed) - 20} more failed documents (see {result.run_log})",
              file=sys.stderr)
    summary = (f"aligntm: {result.documents} documents: {len(result.aligned)} aligned, "
               f"{len(result.skipped)} done before (skipped), {len(result.failed)} failed")
    if result.aligned or result.failed:
        rate = (len(result.aligned) + len(result.failed)) / max(result.aligning_seconds, 1e-9)
        summary += f"; {result.seconds:.1f} s ({rate:.1f} docs/s on {result.workers} worker(s))"
    if result.tmx_path:
        summary += f"; {result.tmx_units} translation units in {result.tmx_path}"
    print(summary + f"; log: {result.run_log}", file=sys.stderr)
    return 2 if result.failed else 0
