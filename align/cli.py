"""The aligntm command line: a thin layer over the Python API.

Bad input gives one line on stderr and exit code 2; no output file is left behind.
"""
from __future__ import annotations

import argparse
import atexit
import gc
import json
import os
import re
import signal
import sys
import threading
from pathlib import Path

from . import formats
from .errors import InputError
from .textio import outputs_together

EPILOG_ALIGN = """examples:
  aligntm align ja.txt en.txt -o pairs.tsv --tmx memory.tmx
  aligntm align ja.txt en.txt lo.txt --pivot en --tmx trilingual.tmx -o out/{pair}.tsv
  aligntm align ja.txt en.txt --format jsonl            (JSONL to stdout)
  aligntm align doc.ja doc.en --presegmented --format beads
"""


LANGUAGE_HELP = ("any ISO 639-1/639-3 or BCP-47 code: ja, en, lo, th, vi, km, zh, zh-Hant, ko, de, fr, "
                 "tha, pt-BR... (default: detected from the script, and for Latin, Cyrillic or Arabic "
                 "script from the words)")


def _add_lang_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("-s", "--src-lang", metavar="LANG", help="source language: " + LANGUAGE_HELP)
    p.add_argument("-t", "--tgt-lang", metavar="LANG", help="target language: " + LANGUAGE_HELP)
    p.add_argument("--presegmented", action="store_true",
                   help="inputs hold one sentence per line, used as is (no normalising or segmenting)")
    p.add_argument("--src-locale", metavar="CODE",
                   help="xml:lang of the source in TMX (default: the language's usual locale from CLDR: "
                        "ja-JP, en-US, lo-LA, th-TH, zh-CN, zh-TW for zh-Hant...)")
    p.add_argument("--tgt-locale", metavar="CODE", help="xml:lang of the target in TMX (default: as for --src-locale)")
    p.add_argument("--length-only", action="store_true",
                   help="use the length model only, no anchors (a Gale-Church baseline for comparison)")
    p.add_argument("--no-lexicon", dest="lexicon", action="store_false",
                   help="one pass only: do not learn word pairs from a first alignment (by default batch "
                        "learns them from all its documents, align from a pair of 200+ sentences)")


def _segment_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="document: text (UTF-8, UTF-16 with BOM, Shift_JIS), PDF, DOCX or HTML")
    p.add_argument("-l", "--lang", help=LANGUAGE_HELP)
    p.add_argument("--clauses", action="store_true",
                   help="mark the optional clause split points of Japanese sentences with ' | '")


def _align_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("src", help="source document: text, PDF, DOCX or HTML (recognised from its content)")
    p.add_argument("tgt", help="target document (its translation), in any of the same formats")
    p.add_argument("third", nargs="?", help="a third translation (aligned through --pivot)")
    _add_lang_options(p)
    p.add_argument("--third-lang", metavar="LANG", help="language of the third document (default: detected)")
    p.add_argument("--third-locale", metavar="CODE", help="xml:lang of the third document in TMX")
    p.add_argument("--pivot", metavar="LANG",
                   help="with three documents: the language every other one is aligned with "
                        "(default: en); it is the TMX's srclang")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="output file (default: stdout); with three documents a name containing {pair}, "
                        "e.g. out/js.{pair}.tsv, gets one file per pair (ja-en, lo-en, and ja-lo through "
                        "the pivot)")
    p.add_argument("--format", choices=sorted(formats.FORMATS), default=None,
                   help="output format (default: from the -o extension, else tsv)")
    p.add_argument("--tmx", metavar="FILE", help="also write a TMX 1.4b translation memory")


def _batch_arguments(p: argparse.ArgumentParser) -> None:
    for directory in ("src_dir", "tgt_dir", "out_dir"):
        p.add_argument(directory)
    _add_lang_options(p)
    p.add_argument("--format", choices=sorted(formats.FORMATS), default="beads", help="output format (default: beads)")
    p.add_argument("--tmx", metavar="FILE", help="also write one TMX with the units of all documents")
    p.add_argument("-j", "--jobs", type=int, default=None, metavar="N", help="worker processes (default: all cores)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def _score_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("gold")
    p.add_argument("test")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")


# The commands defined here (the packages' own, tm, qa, corpus and review, register theirs): the
# parser's settings and its arguments; cmd_NAME runs the command.
OWN_COMMANDS = {
    "segment": (dict(help="print one sentence per line",
                     description="Read a document (text as extracted from a PDF, or a PDF, DOCX or HTML file, "
                                 "recognised from its content) and print one sentence per line."),
                _segment_arguments),
    "align": (dict(help="align two documents (or three through a pivot)", epilog=EPILOG_ALIGN,
                   formatter_class=argparse.RawDescriptionHelpFormatter,
                   description="Align SRC with its translation TGT and write the sentence pairs. With a third "
                               "document, every document is aligned with the --pivot language's document and "
                               "one TMX holds all languages of each unit."),
              _align_arguments),
    "batch": (dict(help="align every pair of same-named files in two directories",
                   description="Align SRC_DIR/NAME with TGT_DIR/NAME for every NAME found in both and write "
                               "OUT_DIR/NAME (beads by default, the layout `aligntm score` reads); the output of "
                               "a PDF, DOCX or HTML file is NAME.FORMAT (statement.pdf.jsonl)."),
              _batch_arguments),
    "score": (dict(help="score alignments against gold (strict/lax P, R, F1)",
                   description="Score test beads against gold beads, Text+Berg style (as vecalign and bertalign): "
                               "strict and lax precision, recall and F1, and counts per bead type. GOLD and TEST "
                               "are two bead files or two directories of same-named files."),
              _score_arguments),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or (COMMAND, one of OWN_COMMANDS) of that one alone: all of
    them took 30 ms of every run to build, and `aligntm align ...` reads only its own."""
    parser = argparse.ArgumentParser(
        prog="aligntm",
        description="Align a document with its translation sentence by sentence (Japanese, English, Lao; "
                    "text, PDF, DOCX or HTML files) and write translation memories (TMX 1.4b), TSV, JSONL or beads.")
    parser.add_argument("--version", action="version", version=f"aligntm {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, (settings, arguments) in OWN_COMMANDS.items():
        if command in (None, name):
            p = sub.add_parser(name, **settings)
            arguments(p)
            p.set_defaults(func=globals()[f"cmd_{name}"])   # looked up now: defined below
    if command is not None:
        return parser
    # subcommands that live with their packages: translation memories, QA reports, corpora
    from tm import cli as tm_cli
    from .qa import cli as qa_cli
    from .corpus import cli as corpus_cli
    from .review import cli as review_cli
    for module in (tm_cli, qa_cli, corpus_cli, review_cli):
        module.register(sub)
    return parser


def _version() -> str:
    from . import __version__
    return __version__


# --- commands --------------------------------------------------------------------------

def cmd_segment(args) -> int:
    from .document import document_from_source
    from .readers import read_source
    document = document_from_source(read_source(args.file), args.lang)
    lang = document.lang
    out = []
    for sentence in document.sentences:
        line = sentence.text
        if args.clauses and hasattr(lang, "split_points"):
            cuts = lang.split_points(line)
            for cut in reversed(cuts):
                line = line[:cut] + " | " + line[cut:]
        out.append(line)
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def _format_for(path: str | None, fmt: str | None) -> str:
    if fmt:
        return fmt
    suffix = Path(path).suffix.lstrip(".").lower() if path else ""
    return suffix if suffix in formats.FORMATS else "tsv"


def check_output_path(out: str | None, inputs=()) -> None:
    """Refuse an output path before any work is done, so that no output is half made."""
    if not out:
        return
    p = Path(out)
    if p.is_dir():
        raise InputError(f"{out}: is a directory, expected an output file name")
    if not p.resolve().parent.is_dir():
        raise InputError(f"{out}: directory {p.parent} does not exist")
    if any(p.resolve() == Path(i).resolve() for i in inputs):
        raise InputError(f"{out}: output would overwrite an input file")


def cmd_align(args) -> int:
    if _ENDS_WITH_MAIN:
        # one alignment, then the process ends. Its data hold few reference cycles (the 100k
        # pair's peak: 790 MB, 804 without the collector), and the collector's passes over the
        # growing features took 5% of a 1k pair's time (51 + 17 ms in its two processes)
        gc.disable()
    from .api import align_files
    from tm.tmx import write_tmx
    if args.third:
        return _align_three(args)
    if args.pivot:
        raise InputError("--pivot needs three documents")
    for out in (args.output, args.tmx):
        check_output_path(out, (args.src, args.tgt))
    if args.output and args.tmx and Path(args.output).resolve() == Path(args.tmx).resolve():
        raise InputError(f"{args.output}: -o and --tmx name the same file")
    alignment = align_files(args.src, args.tgt, args.src_lang, args.tgt_lang, args.presegmented,
                            args.length_only, args.lexicon)
    fmt = _format_for(args.output, args.format)
    with outputs_together():  # -o and --tmx both, or neither
        n = write_tmx(alignment, args.tmx, args.src_locale, args.tgt_locale) if args.tmx else 0
        if args.output:
            formats.write(alignment, args.output, fmt)
            _finishing()         # (the pairs on stdout instead stay interruptible: a pager may hold them)
    if not args.output:
        formats.write_stream(alignment, sys.stdout, fmt)
    if args.tmx:
        print(f"aligntm: wrote {n} translation units to {args.tmx}", file=sys.stderr)
    return 0


def _align_three(args) -> int:
    """ja.txt en.txt lo.txt --pivot en: each document with the pivot, one multilingual TMX."""
    from .document import load_documents
    from .pivot import align_pivot, pair_alignments, write_multilingual_tmx
    paths = [args.src, args.tgt, args.third]
    if not args.output and not args.tmx:
        raise InputError("with three documents, give --tmx FILE and/or -o FILE (with {pair} in its name)")
    if args.output and "{pair}" not in args.output:
        raise InputError(f"{args.output}: with three documents, -o needs {{pair}} in the file name")
    check_output_path(args.tmx, paths)
    if args.output:
        check_output_path(args.output.replace("{pair}", "pair"), paths)
    docs = {}
    loaded = load_documents(paths, (args.src_lang, args.tgt_lang, args.third_lang), args.presegmented)
    for path, doc in zip(paths, loaded):
        if doc.lang.code in docs:
            raise InputError(f"{path}: a second {doc.lang.name} document; give each language once "
                             "(-s, -t, --third-lang set the languages)")
        docs[doc.lang.code] = doc
    from .langs import get_language
    pivot = get_language(args.pivot).code if args.pivot else ("en" if "en" in docs else None)  # eng, en-US -> en
    if pivot is None:
        raise InputError("give the pivot language with --pivot (no English document)")
    if pivot not in docs:
        raise InputError(f"--pivot {pivot}: no {pivot} document among the inputs ({', '.join(docs)})")
    multi = align_pivot(docs, pivot, length_only=args.length_only)
    with outputs_together():
        if args.output:
            fmt = _format_for(args.output, args.format)
            for pair, alignment in pair_alignments(multi).items():
                formats.write(alignment, args.output.replace("{pair}", pair), fmt)
        if args.tmx:
            locales = {}
            for lang, option in zip(docs, (args.src_locale, args.tgt_locale, args.third_locale)):
                if option:
                    locales[lang] = option
            n = write_multilingual_tmx(multi, args.tmx, locales)
        _finishing()
    if args.tmx:
        print(f"aligntm: wrote {n} translation units ({', '.join(docs)}; pivot {pivot}) to {args.tmx}",
              file=sys.stderr)
    return 0


def cmd_batch(args) -> int:
    from .batch import batch
    if args.jobs is not None and args.jobs < 1:
        raise InputError("-j/--jobs must be at least 1")
    check_output_path(args.tmx)
    result = batch(args.src_dir, args.tgt_dir, args.out_dir, args.src_lang, args.tgt_lang,
                   args.presegmented, args.format, args.tmx, args.jobs, args.src_locale,
                   args.tgt_locale, progress=False if args.quiet else None, length_only=args.length_only,
                   lexicon=args.lexicon)
    for name in result.unpaired[:10]:
        print(f"aligntm: warning: {name} is in only one of the directories; skipped", file=sys.stderr)
    if len(result.unpaired) > 10:
        print(f"aligntm: warning: ... and {len(result.unpaired) - 10} more unpaired files", file=sys.stderr)
    for name, error in result.failed.items():
        print(f"aligntm: error: {name}: {error}", file=sys.stderr)
    summary = f"aligntm: aligned {len(result.aligned)} document pair(s) into {args.out_dir}"
    if args.tmx:
        summary += f"; {result.tmx_units} translation units in {args.tmx}"
    if result.failed:
        summary += f"; {len(result.failed)} failed"
    print(summary, file=sys.stderr)
    return 2 if result.failed else 0


def cmd_score(args) -> int:
    from .scoring_files import score_paths
    total, per_doc = score_paths(args.gold, args.test)
    if args.json:
        out = total.as_dict()
        out["per_document"] = {name: s.as_dict()["strict"] | {"lax_f1": s.f1_lax} for name, s in per_doc.items()}
        print(json.dumps(out, indent=2))
        return 0
    print(f"documents: {total.documents}")
    print(f"{'':10s} {'precision':>9s} {'recall':>9s} {'F1':>9s}")
    print(f"{'strict':10s} {total.precision_strict:9.4f} {total.recall_strict:9.4f} {total.f1_strict:9.4f}")
    print(f"{'lax':10s} {total.precision_lax:9.4f} {total.recall_lax:9.4f} {total.f1_lax:9.4f}")
    print()
    print(f"{'bead type':10s} {'gold':>7s} {'test':>7s} {'correct':>8s}")
    for t, row in total.as_dict()["bead_types"].items():
        print(f"{t:10s} {row['gold']:7d} {row['test']:7d} {row['correct']:8d}")
    return 0


# Set by run(): this process ends when main() returns, so a command may hold signals to its end.
_ENDS_WITH_MAIN = False


def _hold_signals() -> None:
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})


def _finishing() -> None:
    """Called when all that is left of a command is putting its output files in place: from here
    SIGINT and SIGTERM wait until the process ends, and so are dropped. A signal then could leave
    one output of two, or end with "interrupted" a run whose outputs are all there. Only in the
    `aligntm` process; a library's caller keeps its own signals."""
    if _ENDS_WITH_MAIN:
        _hold_signals()


class Terminated(BaseException):
    """SIGTERM, raised where the program is so that outputs being written are removed."""


def _terminate(signum, frame):
    raise Terminated()


def main(argv: list[str] | None = None) -> int:
    # aligntm does no linear algebra, but numpy's OpenBLAS starts a thread per core on import,
    # which spins for a while: CPU time taken from the feature workers and the aligner's threads
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _terminate)
    try:
        argv = sys.argv[1:] if argv is None else argv
        parser = build_parser(argv[0] if argv and argv[0] in OWN_COMMANDS else None)
        args = parser.parse_args(argv)
    except KeyboardInterrupt:  # Ctrl-C while the commands are being loaded
        print("aligntm: interrupted", file=sys.stderr)
        return 130
    try:
        return args.func(args)
    except BaseException as e:   # noqa: B036 - each kind is answered in _failure
        return _failure(_interruption(e) or e)


def _interruption(e: BaseException | None) -> BaseException | None:
    """The Ctrl-C or SIGTERM that E was raised in the handling of, if any: a signal that comes
    while a library cleans up (a worker pool starting its thread) can surface as that library's
    own error, which must not hide it."""
    seen = set()
    while e is not None and id(e) not in seen:
        if isinstance(e, (KeyboardInterrupt, Terminated)):
            return e
        seen.add(id(e))
        e = e.__cause__ or e.__context__
    return None


def _failure(e: BaseException) -> int:
    """main's exit status for E, with its one-line message; E itself raised again when it is
    not the user's to fix (a bug: a traceback with ALIGNTM_DEBUG=1, else one line)."""
    if isinstance(e, InputError):
        print(f"aligntm: error: {e}", file=sys.stderr)
        return 2
    if isinstance(e, KeyboardInterrupt):
        print("aligntm: interrupted", file=sys.stderr)
        return 130
    if isinstance(e, Terminated):
        print("aligntm: terminated", file=sys.stderr)
        return 143
    if isinstance(e, BrokenPipeError):
        # output piped into head & co.: not an error
        sys.stderr.close()
        return 0
    if isinstance(e, OSError):
        # what the system refused (a read-only directory, /proc, a full disk, a symlink loop):
        # the user's to fix, said in one line
        where = f"{e.filename}: " if e.filename else ""
        print(f"aligntm: error: {where}{e.strerror or e}", file=sys.stderr)
        return 2
    if isinstance(e, RuntimeError):
        loop = re.match(r"Symlink loop from '(.*)'", str(e))  # pathlib's resolve() on a loop
        if loop:
            print(f"aligntm: error: {loop.group(1)}: symlink loop", file=sys.stderr)
            return 2
    if not isinstance(e, Exception) or os.environ.get("ALIGNTM_DEBUG"):
        raise e   # SystemExit and the like; a traceback when debugging
    print(f"aligntm: internal error: {type(e).__name__}: {e} (set ALIGNTM_DEBUG=1 for details)",
          file=sys.stderr)
    return 1


def run() -> None:
    """The `aligntm` command: main(), then, once its exit handlers have run and its output is
    flushed, the end of the process without tearing the interpreter down object by object (0.1 s
    of a 1k pair's 1.8 s went into freeing the documents' features one at a time)."""
    global _ENDS_WITH_MAIN
    _ENDS_WITH_MAIN = True
    code = None
    try:
        code = main()
        _hold_signals()          # main's work is done: a signal from here on changes nothing
    except (KeyboardInterrupt, Terminated) as e:   # it came as main returned
        _hold_signals()
        code = _failure(e) if code is None else code
    if threading.active_count() > 1:     # a thread still at work: let Python wait for it, and
        for signum in (signal.SIGINT, signal.SIGTERM):   # a signal end the wait as it ends a program
            signal.signal(signum, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
        sys.exit(code)
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):        # a closed pipe: the usual exit reports it
        sys.exit(code)
    os._exit(code)


if __name__ == "__main__":
    run()
