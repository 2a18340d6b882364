"""`aligntm tm ...`: the translation memory commands (registered by align.cli).

Each command is a thin layer over tm.store.TranslationMemory (the same names in Python).
"""
from __future__ import annotations

import argparse
import json
import sys

from align.errors import InputError
from align.options import COUNT, FACTOR, PERCENT, SHARE, number_in

from . import params

EPILOG = """examples:
  aligntm tm create memory.tm
  aligntm tm import memory.tm old-jobs/*.tmx pairs.tsv aligned.jsonl
  aligntm tm lookup memory.tm "日本とラオスは外交関係樹立70周年を迎えた。" -s ja -t en
  aligntm tm concordance memory.tm "パートナーシップ"
  aligntm tm analyze memory.tm new-document.txt -s ja -t en
  aligntm tm export memory.tm clean.tmx -s ja-JP -t en-US --min-confidence 0.5
"""

MEMORY_HELP = "the translation memory (a file made with `aligntm tm create`)"

IMPORT_HELP = """Add the units of FILEs to the memory: TMX 1.1-1.4b (OmegaT, Trados, memoQ,
translate-toolkit...), TSV (source<TAB>target<TAB>confidence with a header row naming the
locales, as `aligntm align` writes it) or the aligner's JSONL. The format comes from the
extension (.tmx, .tsv, .jsonl), else from the first character of the file.

Exact duplicates (the same texts in the same languages) are merged: the memory keeps one unit
and counts how often it was seen. Units with fewer than two languages are skipped.

All FILEs are imported in one transaction: if the import is interrupted (Ctrl-C, a crash,
the process killed, a full disk) the memory stays exactly as it was. A malformed FILE is
reported with its line, and its units before that line are kept (importing the file again
once repaired adds only the rest, since duplicates merge); the exit code is then 2. With
--strict a malformed FILE imports nothing at all."""

LOOKUP_HELP = f"""Print the K best matches of TEXT in the memory, with a match percentage as CAT
tools compute it: texts are compared after folding width (ＡＳＥＡＮ = ASEAN), case and
spacing, by characters for Japanese, Chinese, Lao and Thai and by words otherwise;
percentage = 100 x (1 - edit distance / length of the longer). 100 means identical text,
{params.FORMATTING_ONLY} identical but for width, case or spacing, and any other difference scores
{params.FUZZY_CAP} at most. The memory's source is shown with its differences from TEXT marked
[-memory's text-]{{+TEXT's+}}.

The languages default to the script of TEXT and the memory's other language."""

ANALYZE_HELP = """Segment DOC (as `aligntm segment` does, or one segment per line with
--presegmented), look every segment up, and print how much of it the memory already covers:
segments and volume per match band (100%, 95-99%, 85-94%, 75-84%, 50-74%, no match), and the
repetitions within the document (a segment seen before in DOC counts once in its band, then as
a repetition). Volume is in characters for Japanese, Chinese, Lao and Thai, in words otherwise."""

CLEAN_HELP = f"""Remove the units of a language pair that fail any of the filters given.
Units without a confidence (human translations) pass --min-confidence. The length ratio is
target characters / source characters (spaces left out), compared with the memory's median for
the pair; units shorter than {params.LENGTH_RATIO_MIN_CHARS} characters on both sides pass. --anchor-conflicts
uses the aligner's number reading (70, ７０, 七十, 令和7年 = 2025) and removes a unit when
each side has a number the other lacks. Use --dry-run first to see what would go."""

DEDUP_HELP = """Find near-duplicates: units whose texts differ only in spacing, width, case or
punctuation (in the same languages; ja and ja-JP count as one). Prints the groups; with --merge
keeps the most recently changed unit of each group (then the most confident) and removes the others."""


def register(sub) -> None:
    """Add the `tm` command and its subcommands to the aligntm parser (SUB: its subparsers)."""
    tm = sub.add_parser("tm", help="translation memories: import, lookup, concordance, analysis, cleaning",
                        description="Translation memories in an SQLite file: import TMX/TSV/JSONL, export TMX/TSV, "
                                    "fuzzy lookup, concordance, analysis of a document, near-duplicates and "
                                    "cleaning.", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    tsub = tm.add_subparsers(dest="tm_command", metavar="COMMAND")
    tsub.required = True
    raw = argparse.RawDescriptionHelpFormatter

    p = tsub.add_parser("create", help="make an empty memory",
                        description="Create an empty translation memory (an SQLite file; refuses to overwrite).")
    p.add_argument("memory", help="the file to create (e.g. memory.tm)")
    p.set_defaults(func=cmd_create)

    p = tsub.add_parser("import", help="add TMX, TSV or JSONL files", description=IMPORT_HELP, formatter_class=raw)
    p.add_argument("memory", help=MEMORY_HELP)
    p.add_argument("files", nargs="+", metavar="FILE", help="TMX, TSV or JSONL files")
    p.add_argument("--format", choices=("tmx", "tsv", "jsonl", "review"), help="the format of all FILEs (default: detected)")
    p.add_argument("--src-locale", metavar="CODE",
                   help="source locale of TSV/JSONL files (default: their header row / src_lang)")
    p.add_argument("--tgt-locale", metavar="CODE",
                   help="target locale of TSV/JSONL files (default: their header row / tgt_lang)")
    p.add_argument("--strict", action="store_true", help="import nothing if a file is malformed")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_import)

    p = tsub.add_parser("export", help="write TMX 1.4b or TSV",
                        description="Write the memory, or the units passing the filters, as TMX 1.4b (dates, "
                                    "properties, notes and inline markup kept; valid against the TMX 1.4b DTD) "
                                    "or TSV (source, target, confidence). The file is replaced only when complete.")
    p.add_argument("memory", help=MEMORY_HELP)
    p.add_argument("output", help="output file (.tmx or .tsv)")
    p.add_argument("--format", choices=("tmx", "tsv"), help="default: from the extension, else tmx")
    p.add_argument("-s", "--src", metavar="LANG", help="only units with this language (ja or ja-JP), written first")
    p.add_argument("-t", "--tgt", metavar="LANG", help="only units with this language too")
    p.add_argument("--min-confidence", type=SHARE, metavar="X",
                   help="leave out units whose confidence is below X (units without one are kept)")
    p.add_argument("--origin", metavar="PATTERN",
                   help="only units imported from a file or document matching PATTERN (glob: 'job-*.tmx')")
    p.add_argument("--since", metavar="DATE", help="only units changed on or after DATE (2025-01-21)")
    p.add_argument("--until", metavar="DATE", help="only units changed on or before DATE")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_export)

    p = tsub.add_parser("info", help="what the memory holds",
                        description="Print the number of units, languages, origins, dates and file size.")
    p.add_argument("memory", help=MEMORY_HELP)
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(func=cmd_info)

    p = tsub.add_parser("lookup", help="fuzzy matches of a sentence", description=LOOKUP_HELP, formatter_class=raw)
    p.add_argument("memory", help=MEMORY_HELP)
    p.add_argument("text", help="the sentence to look up")
    p.add_argument("-s", "--src", metavar="LANG", help="language of TEXT (ja, en, or a locale such as ja-JP)")
    p.add_argument("-t", "--tgt", metavar="LANG", help="language of the translations wanted")
    p.add_argument("-k", type=COUNT, default=params.LOOKUP_K, help=f"number of matches (default {params.LOOKUP_K})")
    p.add_argument("--min", type=PERCENT, default=params.LOOKUP_MIN, metavar="PERCENT",
                   help=f"lowest match percentage shown (default {params.LOOKUP_MIN})")
    p.add_argument("--json", action="store_true", help="print as JSON (differences as spans)")
    p.set_defaults(func=cmd_lookup)

    p = tsub.add_parser("concordance", help="find a term in either language",
                        description="Find the units holding TERM (in any language, or in LANG), newest first, "
                                    "with the term marked [like this] and the unit's other languages. Width, case "
                                    "and spacing are ignored; in languages written with spaces the term starts at "
                                    "a word start and its last word may begin a longer word (partner -> partnership).")
    p.add_argument("memory", help=MEMORY_HELP)
    p.add_argument("term")
    p.add_argument("-l", "--lang", metavar="LANG", help="search only this language")
    p.add_argument("-n", type=COUNT, default=20, metavar="N", help="at most N units (default 20)")
    p.add_argument("--json", action="store_true", help="print as JSON (occurrences as spans)")
    p.set_defaults(func=cmd_concordance)

    p = tsub.add_parser("analyze", help="match-band table of a document", description=ANALYZE_HELP,
                        formatter_class=raw)
    p.add_argument("memory", help=MEMORY_HELP)
    p.add_argument("document", help="document: text (UTF-8, UTF-16 with BOM, Shift_JIS), PDF, DOCX or HTML")
    p.add_argument("-s", "--src", metavar="LANG", help="language of the document (default: from its script)")
    p.add_argument("-t", "--tgt", metavar="LANG", help="target language (default: the memory's other language)")
    p.add_argument("--presegmented", action="store_true", help="one segment per line, used as is")
    p.add_argument("--json", action="store_true", help="print the table and every segment's band as JSON")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_analyze)

    p = tsub.add_parser("dedup", help="near-duplicates", description=DEDUP_HELP, formatter_class=raw)
    p.add_argument("memory", help=MEMORY_HELP)
    p.add_argument("--merge", action="store_true", help="merge each group into one unit")
    p.add_argument("--show", type=number_in(0, kind=int), default=10, metavar="N", help="print N groups (default 10)")
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_dedup)

    p = tsub.add_parser("clean", help="remove bad pairs", description=CLEAN_HELP, formatter_class=raw)
    p.add_argument("memory", help=MEMORY_HELP)
    p.add_argument("-s", "--src", metavar="LANG", help="source language of the pair (default: the memory's)")
    p.add_argument("-t", "--tgt", metavar="LANG", help="target language of the pair")
    p.add_argument("--min-confidence", type=SHARE, metavar="X", help="remove units with a confidence below X")
    p.add_argument("--length-ratio", type=FACTOR, nargs="?", const=params.LENGTH_RATIO_FACTOR, metavar="FACTOR",
                   help="remove units whose length ratio is more than FACTOR away from the median "
                        f"(default factor {params.LENGTH_RATIO_FACTOR})")
    p.add_argument("--untranslated", action="store_true", help="remove units whose target is the source")
    p.add_argument("--anchor-conflicts", action="store_true", help="remove units whose numbers differ")
    p.add_argument("--dry-run", action="store_true", help="report only, remove nothing")
    p.add_argument("--show", type=number_in(0, kind=int), default=3, metavar="N", help="print N examples per filter (default 3)")
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_clean)

    p = tsub.add_parser("optimize", help="merge the index and compact the file",
                        description="Merge the index segments left by many imports, drop index entries of "
                                    "removed units and compact the file (VACUUM). Safe to interrupt.")
    p.add_argument("memory", help=MEMORY_HELP)
    p.set_defaults(func=cmd_optimize)


def _open(path):
    from .store import TranslationMemory
    return TranslationMemory.open(path)


def _progress(args):
    return False if getattr(args, "quiet", False) else None


def _err(message: str) -> None:
    print(f"aligntm: {message}", file=sys.stderr)


def cmd_create(args) -> int:
    from .store import TranslationMemory
    TranslationMemory.create(args.memory).close()
    _err(f"created an empty translation memory {args.memory}")
    return 0


def cmd_import(args) -> int:
    with _open(args.memory) as tm:
        report = tm.import_files(args.files, args.format, args.src_locale, args.tgt_locale, args.strict,
                                 _progress(args))
        total = len(tm)
    for f in report.files:
        line = f"{f.path}: {f.read} units read, {f.added} added, {f.merged} duplicates merged"
        if f.skipped:
            line += f", {f.skipped} skipped (fewer than two languages with text)"
        _err(line)
    for error in report.errors:
        _err(f"error: {error}")
    _err(f"{args.memory}: {total} units ({report.added} new) in {report.seconds:.1f} s")
    return 2 if report.errors else 0


def cmd_export(args) -> int:
    from align.cli import check_output_path
    check_output_path(args.output, (args.memory,))
    with _open(args.memory) as tm:
        n = tm.export(args.output, args.format, args.src, args.tgt, args.min_confidence, args.origin,
                      args.since, args.until, _progress(args))
    _err(f"wrote {n} translation units to {args.output}")
    return 0


def cmd_info(args) -> int:
    with _open(args.memory) as tm:
        info = tm.info()
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
        return 0
    print(f"memory:      {info['path']} ({info['bytes'] / 1e6:.1f} MB)")
    print(f"units:       {info['units']} ({info['with_confidence']} with a confidence)")
    print("languages:   " + ", ".join(f"{lang} {n}" for lang, n in info["languages"].items()))
    if info["source_language"]:
        print(f"source:      {info['source_language']}")
    if info["dates"][0]:
        print(f"dates:       {info['dates'][0]} .. {info['dates'][1]}")
    for o in info["origins"]:
        print(f"origin:      {o['file']}{' / ' + o['document'] if o['document'] else ''}: {o['units']} units")
    return 0


def cmd_lookup(args) -> int:
    with _open(args.memory) as tm:
        src, tgt = tm.resolve_pair(args.src, args.tgt, args.text)
        matches = tm.lookup(args.text, src, tgt, args.k, args.min)
    if args.json:
        print(json.dumps({"query": args.text, "src": src, "tgt": tgt,
                          "matches": [m.as_dict() for m in matches]}, ensure_ascii=False, indent=2))
        return 0
    if not matches:
        _err(f"no match of {args.min}% or more")
        return 0
    for i, m in enumerate(matches):
        if i:
            print()
        where = ", ".join(x for x in (m.origin, m.document) if x)
        print(f"{m.percent:3d}%  unit {m.unit_id}" + (f"  ({where})" if where else ""))
        print(f"  {m.src_lang}: {m.marked_source()}")
        print(f"  {m.tgt_lang}: {m.target}")
    return 0


def cmd_concordance(args) -> int:
    if args.n < 1:
        raise InputError("-n must be at least 1")
    with _open(args.memory) as tm:
        hits = tm.concordance(args.term, args.lang, args.n + 1)
    more = len(hits) > args.n
    hits = hits[:args.n]
    if args.json:
        print(json.dumps({"term": args.term, "hits": [h.as_dict() for h in hits], "more": more},
                         ensure_ascii=False, indent=2))
        return 0
    if not hits:
        _err(f"{args.term!r} not found")
        return 0
    for i, h in enumerate(hits):
        if i:
            print()
        print(f"{h.lang}: {h.marked_text()}")
        for lang, text in h.translations.items():
            print(f"{lang}: {text}")
    if more:
        _err(f"(the first {args.n}; more with -n)")
    return 0


def cmd_analyze(args) -> int:
    with _open(args.memory) as tm:
        analysis = tm.analyze(args.document, args.src, args.tgt, presegmented=args.presegmented,
                              progress=_progress(args))
    print(analysis.to_json() if args.json else analysis.table())
    return 0


def cmd_dedup(args) -> int:
    with _open(args.memory) as tm:
        report = tm.dedup(args.merge, _progress(args), args.show)
    if args.json:
        print(json.dumps(report.as_dict(args.show), ensure_ascii=False, indent=2))
        return 0
    verb = "merged" if args.merge else "would merge (use --merge)"
    print(f"{len(report.groups)} groups of near-duplicates; {verb}: {report.removed} units removed")
    for g in report.groups[:args.show]:
        print()
        for u, texts in g.texts.items():
            mark = "keep  " if u == g.kept else "remove"
            print(f"{mark} unit {u}: " + " | ".join(texts.values()))
    return 0


def cmd_clean(args) -> int:
    with _open(args.memory) as tm:
        report = tm.clean(args.src, args.tgt, min_confidence=args.min_confidence, length_ratio=args.length_ratio,
                          untranslated=args.untranslated, anchor_conflicts=args.anchor_conflicts,
                          dry_run=args.dry_run, progress=_progress(args), show=args.show)
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return 0
    verb = "would remove" if args.dry_run else "removed"
    print(f"checked {report.checked} units; {verb} {report.removed}")
    if report.median_ratio is not None:
        print(f"median length ratio (target/source characters): {report.median_ratio:.2f}")
    for name, ids in report.flagged.items():
        print(f"  {name.replace('_', '-'):<18} {len(ids)}")
        for unit_id, s, t in report.examples.get(name, [])[:args.show]:
            print(f"      unit {unit_id}: {s} | {t}")
    return 0


def cmd_optimize(args) -> int:
    with _open(args.memory) as tm:
        before = tm.path.stat().st_size
        tm.optimize()
        after = tm.path.stat().st_size
    _err(f"{args.memory}: index merged, {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB")
    return 0
