#!/usr/bin/env python3
"""Speed benchmark: time the whole aligntm pipeline, stage by stage, on long document pairs.

Builds document pairs of 1k, 5k and 20k Japanese sentences (--sizes) by concatenating the
kyoto-dev documents of the evaluation data (../shared/eval/ja-en/kyoto-dev/{ja,en}/*, in sorted
name order, repeating the set when it is too short). Whole documents are taken, on both sides,
until the Japanese side reaches the size, so the pair stays parallel.

The pairs are written as PDF-like raw text, not one sentence per line: each document's sentences
are joined into one paragraph and hard-wrapped (about 40 characters a line in Japanese, 90 in
English), with a blank line between documents. So every stage runs, and each is timed in a
fresh Python process per size:

  read      decode + normalise + segment, both sides   (align.document.load_document)
  features  tokenise + anchors, both sides             (Document.features)
  align     the banded DP                              (align.aligner.align_features)
  tmx       writing the TMX 1.4b file                  (tm.tmx.write_tmx)

These are the steps of align.api.align_files (load_document for each side, then
align_features on their features), taken one at a time. Peak memory is the process's maximum
resident set size (resource.getrusage), imports included.

Presegmented part (--presegmented, or --presegmented-only): the whole command as a user runs it,
against hunalign, with the targets of issue 11 (on 2 cores).
  1. Pairs of --pre-sizes Japanese sentences (1000 5000 20000 50000 100000), the kyoto-dev
     documents joined as above but one sentence per line (ja.txt, en.txt).
  2. `aligntm align ja.txt en.txt --presegmented -o out.tsv --tmx out.tmx` (the aligntm next to
     this Python, as bench_accuracy.py finds it), a fresh process per run: wall and CPU time, and
     peak memory of the process tree: the largest single process (os.wait4 ru_maxrss; long pairs
     fork feature workers) and the summed PSS of the tree, sampled from /proc while workers run
     (the peak is the larger of the two), and the summed RSS sampled every 50 ms (an upper bound:
     pages shared with forked workers counted in each). Seconds per 1,000 Japanese sentences.
     An untimed run on the smallest pair comes first (--no-warmup: none), so the figures are
     those of a user who has run aligntm before (files and libraries in the page cache).
  3. hunalign on the same pair, given tokens: the Japanese tokenised by MeCab (fugashi -Owakati,
     unidic-lite; timed, import and dictionary included), English split at spaces and
     punctuation; `hunalign -text null.dic ja.tok en.tok` (an empty dictionary, no -realign), wall
     time and peak memory. Its figure is reported alone and with the Japanese tokenising added,
     since aligntm's figure includes its own tokenising. A crash is reported ("crashed (signal
     11)") and the run goes on. hunalign is not built here: give --hunalign PATH, or put a binary
     built from github.com/danielvarga/hunalign at ~/.cache/aligntm/hunalign/hunalign; without
     one (or without fugashi) the comparison is skipped with a note.
  4. A table per size, and the targets with PASS/MISS: the 100k pair under 60 s and under 1 GB
     (taken as 1 GiB) peak; seconds per 1k flat from the smallest to the largest pair (never more
     than 1.25 times that of a smaller pair); at 20k, faster than hunalign plus the tokenising;
     the 1k pair under 1 s end to end. A target whose size was not run shows "-".
  --stages adds, per size, the steps of the same command one at a time in a fresh process (read:
  align.document.load_documents; features: prepare_features; align: align_features; tmx:
  tm.tmx.write_tmx; tsv: align.formats.write), with the peak of the process and of its largest
  feature worker. --pre-repeat N runs aligntm and hunalign N times per size (medians reported).

PDF part (--pdf, or --pdf-only): PDF input against its extracted text, and streaming.
  1. Typesets the same content twice, A4 at 10.5pt with 25 mm margins, printed by headless
     Chromium: the kyoto-dev documents in name order, each document's title line an <h2>, its
     other sentences joined into paragraphs of 3-5 gold beads (so both sides break paragraphs
     at the same place), as many paragraphs as make the Japanese PDF exactly --pages pages (100;
     counted with pypdfium2, re-printed until it fits). The English translation of the same
     paragraphs runs longer (about 1.6 times the pages). pdftotext -enc UTF-8 extracts both.
  2. Times `aligntm align ja.pdf en.pdf -o out.jsonl` against `aligntm align ja.txt en.txt -o
     out.jsonl` (the pdftotext extractions), --repeat times each (3), alternating, each run a
     fresh process: wall time, CPU time and peak resident memory (os.wait4), and the ratios
     PDF/text of the medians (target: at most 2).
  3. Streaming: the Japanese PDF (--stream-langs: and/or the English one) merged with itself
     (qpdf --empty --pages, else pypdfium2) to --stream-pages pages (100 300 1000); a fresh
     process reads each with align.readers.read_source and reports seconds, ms per page and peak
     memory. Pages are read one at a time, so memory should grow with the text kept, not with
     the pages read.
  --profile adds a cProfile of reading the two --pages PDFs (top functions by own time).
Needs the Debian packages chromium, poppler-utils and fonts-ipafont (qpdf is optional); the
part is skipped, naming what to install, when they are missing.

The texts, PDFs and TMX files go to a temporary directory that is deleted at the end (or to
--keep DIR, which must be outside the repository: the texts are evaluation data). --json FILE
writes every figure of the parts run. Each part prints the machine's load average when it
started and ended. Exit code: 0; 1 if a run of aligntm failed (a hunalign crash is a figure, not
a failure); 2 on bad usage or missing data (one line on stderr).
"""
from __future__ import annotations

import argparse
import html
import json
import os
import platform
import random
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# what bench_accuracy.py already does: the usage error, find the aligntm command, show it, its version
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_accuracy import Fatal, _import_langs, _version, aligntm_command, show, eval_dir_of, run_main  # noqa: E402
from bench_documents import font_families  # noqa: E402

DEFAULT_EVAL = REPO.parent / "shared" / "eval"
KYOTO = ("ja-en", "kyoto-dev")
JA_WIDTH, EN_WIDTH = 40, 90

# Runs in a fresh interpreter: argv = ja.txt en.txt out.tmx repo; prints one JSON line.
# What both child scripts start with (REPO is their last argument): aligntm importable from the
# repository if it is not installed, and the process's peak memory.
CHILD_PRELUDE = r"""
import json, resource, sys, time
t0 = time.perf_counter()
try:
    import align
except ImportError:
    sys.path.insert(0, sys.argv[-1])

def peak_mb():
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024
"""

RUNNER = CHILD_PRELUDE + r"""
src_path, tgt_path, tmx_path, repo = sys.argv[1:5]
from align.api import Alignment, align_files  # noqa: F401  (the stages below are its steps)
from align.aligner import align_features
from align.document import load_document
from tm.tmx import write_tmx

out = {"import": time.perf_counter() - t0, "import_peak_mb": peak_mb()}
t = time.perf_counter()
src = load_document(src_path, "ja", False)
tgt = load_document(tgt_path, "en", False)
out["read"] = time.perf_counter() - t
t = time.perf_counter()
src_features, tgt_features = src.features, tgt.features
out["features"] = time.perf_counter() - t
t = time.perf_counter()
beads = align_features(src_features, tgt_features)
alignment = Alignment(src, tgt, beads)
out["align"] = time.perf_counter() - t
t = time.perf_counter()
units = write_tmx(alignment, tmx_path)
out["tmx"] = time.perf_counter() - t
out.update(ja_sentences=len(src.sentences), en_sentences=len(tgt.sentences), beads=len(beads),
           beads_1_1=sum(1 for b in beads if len(b.src) == 1 and len(b.tgt) == 1),
           tmx_units=units, peak_mb=peak_mb())
print(json.dumps(out))
"""

STAGES = ["read", "features", "align", "tmx"]


def load_kyoto(eval_dir: Path) -> list[tuple[str, list[str], list[str]]]:
    """(name, Japanese sentences, English sentences) of each kyoto-dev document, in name order."""
    set_dir = eval_dir.joinpath(*KYOTO)
    ja_dir, en_dir = set_dir / "ja", set_dir / "en"
    for d in (ja_dir, en_dir):
        if not d.is_dir():
            raise Fatal(f"{d}: no such directory (the kyoto-dev set of the evaluation data)")
    names = lambda d: {p.name for p in d.iterdir() if p.is_file() and not p.name.startswith(".")}
    ja_names, en_names = names(ja_dir), names(en_dir)
    if ja_names != en_names:
        raise Fatal(f"{set_dir}: ja and en do not hold the same documents "
                    f"({len(ja_names ^ en_names)} in one only)")
    if not ja_names:
        raise Fatal(f"{ja_dir}: no documents")
    read = lambda p: [l.strip() for l in p.read_text(encoding="utf-8").splitlines() if l.strip()]
    return [(n, read(ja_dir / n), read(en_dir / n)) for n in sorted(ja_names)]


def build_pair(docs, size: int) -> tuple[list[list[str]], list[list[str]]]:
    """Whole documents (repeating the set if needed) until the Japanese side has SIZE sentences."""
    ja, en, n = [], [], 0
    while n < size:
        for _, ja_lines, en_lines in docs:
            ja.append(ja_lines)
            en.append(en_lines)
            n += len(ja_lines)
            if n >= size:
                break
    return ja, en


def wrap_ja(sentences: list[str], width: int = JA_WIDTH) -> list[str]:
    text = "".join(sentences)
    return [text[i:i + width] for i in range(0, len(text), width)]


def wrap_en(sentences: list[str], width: int = EN_WIDTH) -> list[str]:
    return textwrap.wrap(" ".join(sentences), width=width, break_long_words=False, break_on_hyphens=False)


def write_raw(docs: list[list[str]], wrap, path: Path) -> None:
    """PDF-like text: one hard-wrapped paragraph per document, a blank line between documents."""
    path.write_text("\n\n".join("\n".join(wrap(d)) for d in docs) + "\n", encoding="utf-8")


def inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Speed benchmark of the whole aligntm pipeline (normalise, segment, tokenise/anchors, "
                    "align, write TMX) on long PDF-like document pairs built from kyoto-dev: seconds per "
                    "stage, peak memory and seconds per 1k sentences for each size, each run in a fresh "
                    "Python process, so growth with document length is visible. With --presegmented, also "
                    "`aligntm align --presegmented` end to end on pairs of 1k to 100k sentences (one a line) "
                    "against hunalign on the same input, with issue 11's targets. With --pdf, also PDF "
                    "input: a 100-page PDF pair against its extracted text, and memory while reading PDFs "
                    "of up to 1,000 pages.",
        epilog=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="+", type=int, default=[1000, 5000, 20000], metavar="N",
                        help="Japanese sentences (kyoto-dev lines) per document pair, each pair cut at the "
                             "first document boundary at or past N (default: 1000 5000 20000)")
    parser.add_argument("--eval", metavar="DIR", type=Path, default=DEFAULT_EVAL,
                        help=f"evaluation data holding ja-en/kyoto-dev (default: ../shared/eval next to the "
                             f"repository, {DEFAULT_EVAL})")
    parser.add_argument("--keep", metavar="DIR", type=Path,
                        help="write the texts, PDFs and outputs to DIR (new or empty, outside the repository) "
                             "and keep them (default: a temporary directory, deleted at the end)")
    parser.add_argument("--json", metavar="FILE", type=Path,
                        help="also write every figure of the parts run (runs, peaks, stages, targets, "
                             "commands, load averages) to FILE as JSON")
    pre = parser.add_argument_group("presegmented part (end to end, against hunalign)")
    pre.add_argument("--presegmented", action="store_true",
                     help="after the sizes, run the presegmented part too: `aligntm align ja.txt en.txt "
                          "--presegmented -o out.tsv --tmx out.tmx` on one-sentence-per-line pairs, timed "
                          "as a fresh process, against hunalign (about 6 minutes with the default sizes on 2 cores)")
    pre.add_argument("--presegmented-only", action="store_true",
                     help="run the presegmented part only, not the sizes (nor the PDF part, unless --pdf "
                          "or --pdf-only is given too)")
    pre.add_argument("--pre-sizes", nargs="+", type=int, default=PRE_SIZES, metavar="N",
                     help="Japanese sentences (kyoto-dev lines) per pair, each cut at the first document boundary "
                          f"at or past N (default: {' '.join(map(str, PRE_SIZES))}); the targets are judged at "
                          f"{TARGET_SMALL}, {TARGET_HUNALIGN} and {TARGET_LARGE}")
    pre.add_argument("--pre-repeat", type=int, default=1, metavar="N",
                     help="runs of aligntm and of hunalign per size, alternating; the median wall time and "
                          "the largest peak are reported (default: 1)")
    pre.add_argument("--hunalign", metavar="PATH", type=Path,
                     help="the hunalign binary to compare with (default: ~/.cache/aligntm/hunalign/hunalign, "
                          "else hunalign on PATH; without one the comparison is skipped with a note). Build "
                          "it yourself from github.com/danielvarga/hunalign, outside the repository")
    pre.add_argument("--no-hunalign", action="store_true", help="skip hunalign and its tokenising")
    pre.add_argument("--stages", action="store_true",
                     help="also run the steps of the same command one at a time in a fresh process (read, "
                          "features, align, tmx, tsv) and print seconds per step")
    pre.add_argument("--no-warmup", action="store_true",
                     help="time the first runs with cold caches: no untimed aligntm run on the smallest pair first")
    pre.add_argument("--timeout", type=float, default=1800, metavar="SECONDS",
                     help="kill a run of aligntm, hunalign or the tokeniser after this long and report it "
                          "(default: 1800)")
    pdf = parser.add_argument_group("PDF part (needs chromium, poppler-utils, fonts-ipafont; qpdf optional)")
    pdf.add_argument("--pdf", action="store_true",
                     help=f"after the sizes, run the PDF part too (about {PDF_MINUTES} more minutes)")
    pdf.add_argument("--pdf-only", action="store_true", help="run the PDF part only, not the sizes")
    pdf.add_argument("--pages", type=int, default=100, metavar="N",
                     help="pages of the Japanese PDF aligned with its translation (default: 100)")
    pdf.add_argument("--repeat", type=int, default=3, metavar="N",
                     help="runs of each `aligntm align` command, PDF and text (default: 3)")
    pdf.add_argument("--stream-pages", nargs="+", type=int, default=[100, 300, 1000], metavar="N",
                     help="page counts of the PDFs read for memory (default: 100 300 1000)")
    pdf.add_argument("--stream-langs", nargs="+", choices=["ja", "en"], default=["ja"], metavar="LANG",
                     help="which of the two PDFs to read at those page counts: ja, en (default: ja)")
    pdf.add_argument("--profile", action="store_true",
                     help="also profile reading the two PDFs (cProfile, top functions by own time)")
    args = parser.parse_args(argv)
    return run_main("bench_speed", bench, args)


def bench(args) -> int:
    eval_dir = eval_dir_of(args)
    for option, values in (("--sizes", args.sizes), ("--pages", [args.pages]), ("--repeat", [args.repeat]),
                           ("--stream-pages", args.stream_pages), ("--pre-sizes", args.pre_sizes),
                           ("--pre-repeat", [args.pre_repeat]), ("--timeout", [args.timeout])):
        if any(n <= 0 for n in values):
            raise Fatal(f"{option} must be positive")
    if args.no_hunalign and args.hunalign:
        raise Fatal("--hunalign and --no-hunalign contradict each other")
    run_pdf = args.pdf or args.pdf_only
    run_pre = args.presegmented or args.presegmented_only
    run_sizes = not (args.pdf_only or args.presegmented_only)
    hunalign, hunalign_note = find_hunalign(args) if run_pre else (None, "")
    if args.json:
        json_path = args.json.expanduser().resolve()
        if not json_path.parent.is_dir():
            raise Fatal(f"--json {json_path}: directory {json_path.parent} does not exist")
    missing = pdf_missing() if run_pdf else []
    if missing and args.pdf_only:
        raise Fatal(f"the PDF part cannot run: {missing_text(missing)}")
    docs = load_kyoto(eval_dir)
    if args.keep:
        work = args.keep.expanduser().resolve()
        for root, what in ((REPO, "the repository"), (eval_dir, "the evaluation data")):
            if inside(work, root):
                raise Fatal(f"--keep {work}: inside {what} ({root}); the texts are evaluation data, "
                            f"keep them elsewhere")
        if work.exists() and (not work.is_dir() or any(work.iterdir())):
            raise Fatal(f"--keep {work}: exists and is not an empty directory")
        work.mkdir(parents=True, exist_ok=True)
    else:
        work = Path(tempfile.mkdtemp(prefix="aligntm-bench-speed-"))
    print(f"data: {eval_dir.joinpath(*KYOTO)} ({len(docs)} documents, "
          f"{sum(len(j) for _, j, _ in docs)} ja / {sum(len(e) for _, _, e in docs)} en sentences)")
    print(f"work: {work}" + ("" if args.keep else " (temporary, deleted at the end; --keep DIR keeps it)"))
    print(f"python: {sys.executable}", flush=True)

    figures = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "eval": str(eval_dir),
               "work": str(work) if args.keep else None, "aligntm_version": _version(),
               "python": sys.executable, "python_version": platform.python_version(),
               "platform": platform.platform(), "cpus": os.cpu_count(), "argv": sys.argv[1:]}
    failed = None
    try:
        if run_sizes:
            failed = bench_sizes(args, docs, work, figures)
        if run_pre and not failed:
            failed = bench_presegmented(args, docs, work, hunalign, hunalign_note, figures)
        if run_pdf and not failed:
            if missing:
                print(f"\nbench_speed: skipped the PDF part: {missing_text(missing)}", file=sys.stderr)
            else:
                failed = bench_pdf(args, eval_dir, docs, work, figures)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        if args.json:
            figures["error"] = failed
            try:
                json_path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
                print(f"\nfigures written to {json_path}")
            except OSError as e:
                print(f"bench_speed: error: cannot write {json_path}: {e.strerror}", file=sys.stderr)
                failed = failed or f"cannot write {json_path}"
    if failed:
        print(f"bench_speed: error: {failed}", file=sys.stderr)
        return 1
    return 0


def bench_sizes(args, docs, work: Path, figures: dict) -> str | None:
    """The pipeline, stage by stage, for each --sizes; prints the table; the error, if a run failed."""
    rows, failed = [], None
    figures["sizes"] = rows
    for size in args.sizes:
        ja_docs, en_docs = build_pair(docs, size)
        d = work / f"size-{size}"
        d.mkdir()
        ja_path, en_path, tmx_path = d / "ja.txt", d / "en.txt", d / "out.tmx"
        write_raw(ja_docs, wrap_ja, ja_path)
        write_raw(en_docs, wrap_en, en_path)
        row = {"size": size, "documents": len(ja_docs),
               "ja_lines_in": sum(map(len, ja_docs)), "en_lines_in": sum(map(len, en_docs))}
        print(f"\n== {size}: {row['documents']} documents, {row['ja_lines_in']} ja / {row['en_lines_in']} en "
              f"sentences, {ja_path.stat().st_size // 1024} + {en_path.stat().st_size // 1024} KiB of text",
              flush=True)
        cmd = [sys.executable, "-c", RUNNER, str(ja_path), str(en_path), str(tmx_path), str(REPO)]
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        row["process"] = time.perf_counter() - start
        if proc.returncode != 0:
            failed = f"size {size}: runner exit code {proc.returncode}: {last_line(proc.stderr)}"
            break
        row.update(json.loads(proc.stdout.strip().splitlines()[-1]))
        row["total"] = sum(row[s] for s in STAGES)
        rows.append(row)
        print("   " + ", ".join(f"{s} {row[s]:.2f} s" for s in STAGES) +
              f"; total {row['total']:.2f} s; peak {row['peak_mb']:.0f} MB; "
              f"{row['beads']} beads ({row['beads_1_1']} 1-1), {row['tmx_units']} TMX units", flush=True)
    if rows:
        print()
        print_table(rows)
    return failed


def last_line(stderr: str) -> str:
    lines = [l for l in stderr.strip().splitlines() if l.strip()]
    return lines[-1] if lines else "(no message)"


def print_table(rows: list[dict]) -> None:
    head = ["size", "ja/en in", "ja/en segmented", "import", "read", "features", "align", "tmx", "total", "peak MB", "s/1k ja"]
    table = []
    for r in rows:
        table.append([f"{r['size']}", f"{r['ja_lines_in']}/{r['en_lines_in']}",
                      f"{r['ja_sentences']}/{r['en_sentences']}", f"{r['import']:.2f}"]
                     + [f"{r[s]:.2f}" for s in STAGES]
                     + [f"{r['total']:.2f}", f"{r['peak_mb']:.0f}", f"{r['total'] / r['ja_lines_in'] * 1000:.3f}"])
    widths = [max(len(x) for x in col) for col in zip(head, *table)]
    fmt = lambda cells: "  ".join(c.rjust(w) for c, w in zip(cells, widths))
    print(fmt(head))
    print("  ".join("-" * w for w in widths))
    for line in table:
        print(fmt(line))
    print("\nja/en in = sentences (lines) of the kyoto-dev documents used; ja/en segmented = sentences aligntm "
          "found in the raw text\n(fewer: headings and list items without a full stop join the next sentence "
          "once a document is one paragraph).\nSeconds of wall time per stage (time.perf_counter, a fresh "
          "process per size); total = read + features + align + tmx\n(import excluded); peak MB = maximum "
          "resident set size of the process (MiB, imports included);\ns/1k ja = total seconds per 1000 "
          "Japanese input sentences.")


# --- the presegmented part ----------------------------------------------------------------------

PRE_SIZES = [1000, 5000, 20000, 50000, 100000]
HUNALIGN_CACHE = Path("~/.cache/aligntm/hunalign")
# issue 11's targets, on 2 cores
TARGET_LARGE = 100000          # sentences of the pair the time and memory targets are for
TARGET_LARGE_SECONDS = 60.0
TARGET_LARGE_MB = 1024.0       # "1 GB", taken as 1 GiB
TARGET_SMALL = 1000
TARGET_SMALL_SECONDS = 1.0
TARGET_HUNALIGN = 20000        # the size at which aligntm must beat hunalign
FLAT_TOLERANCE = 1.25          # "flat": s per 1k never more than this times that of a smaller pair
POLL_SECONDS = 0.05            # resident memory of the process tree sampled this often
PSS_SECONDS = 0.25             # and its PSS this often while it has more than one process

# Runs in a fresh interpreter: argv = ja.txt en.txt ja.tok en.tok; hunalign's input, one sentence a
# line, tokens separated by spaces: Japanese by MeCab (fugashi, unidic-lite), English by a regular
# expression (words, numbers, and each other character alone); prints one JSON line.
TOKENISER = r"""
import json, re, sys, time
t0 = time.perf_counter()
ja_in, en_in, ja_out, en_out = sys.argv[1:5]
import fugashi
tagger = fugashi.Tagger("-Owakati")
out = {"load": time.perf_counter() - t0}
with open(ja_in, encoding="utf-8") as f, open(ja_out, "w", encoding="utf-8") as g:
    for line in f:
        g.write(" ".join(tagger.parse(line.rstrip("\n")).split()) + "\n")
out["ja"] = time.perf_counter() - t0
t = time.perf_counter()
word = re.compile(r"\w+(?:['\u2019.,-]\w+)*|[^\w\s]")
with open(en_in, encoding="utf-8") as f, open(en_out, "w", encoding="utf-8") as g:
    for line in f:
        g.write(" ".join(word.findall(line)) + "\n")
out["en"] = time.perf_counter() - t
print(json.dumps(out))
"""

# Runs in a fresh interpreter: argv = ja.txt en.txt out.tsv out.tmx repo; the steps of
# `aligntm align --presegmented -o out.tsv --tmx out.tmx` one at a time; prints one JSON line.
PRE_RUNNER = CHILD_PRELUDE + r"""
src_path, tgt_path, tsv_path, tmx_path, repo = sys.argv[1:6]
from align import formats
from align.api import Alignment
from align.aligner import align_features
from align.document import load_documents, prepare_features
from tm.tmx import write_tmx

out = {"import": time.perf_counter() - t0, "import_peak_mb": peak_mb()}
t = time.perf_counter()
src, tgt = load_documents([src_path, tgt_path], [None, None], True)
out["read"] = time.perf_counter() - t
t = time.perf_counter()
prepare_features([src, tgt])
out["features"] = time.perf_counter() - t
t = time.perf_counter()
alignment = Alignment(src, tgt, align_features(src.features, tgt.features))
out["align"] = time.perf_counter() - t
t = time.perf_counter()
units = write_tmx(alignment, tmx_path)
out["tmx"] = time.perf_counter() - t
t = time.perf_counter()
formats.write(alignment, tsv_path, "tsv")
out["tsv"] = time.perf_counter() - t
workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
out.update(peak_mb=peak_mb(), workers_peak_mb=workers / (1024 * 1024) if sys.platform == "darwin" else workers / 1024,
           ja_sentences=len(src.sentences), en_sentences=len(tgt.sentences), beads=len(alignment.beads),
           tmx_units=units)
print(json.dumps(out))
"""

PRE_STAGES = ["read", "features", "align", "tmx", "tsv"]


class TreeSampler(threading.Thread):
    """While a process runs, samples from /proc (Linux) every POLL_SECONDS the resident memory of
    it and its descendants (processes started after it whose parent is in the tree; a pid that
    wrapped around below the root's is missed): the peak of their summed RSS, which counts a page
    shared by several processes (as a forked worker shares its parent's) once in each, and, every
    PSS_SECONDS while there is more than one process, the peak of their summed PSS (each shared
    page divided among the processes sharing it: what the tree takes of the machine; not read for
    a lone process, whose PSS is at most its RSS, because reading it costs about 15 ms per GB).
    Kills the process group past TIMEOUT seconds."""

    PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

    def __init__(self, pid: int, timeout: float | None):
        super().__init__(daemon=True)
        self.pid, self.timeout = pid, timeout
        self.done = threading.Event()
        self.rss_peak = self.pss_peak = 0   # bytes
        self.processes = 1
        self.timed_out = False
        self.polling = os.path.exists(f"/proc/{pid}/statm")

    def tree(self) -> list[int]:
        pids, members = [self.pid], {self.pid}
        try:
            later = sorted(p for p in map(int, filter(str.isdigit, os.listdir("/proc"))) if p > self.pid)
        except OSError:
            return pids
        for p in later:                          # a parent before its children
            try:
                with open(f"/proc/{p}/stat", "rb") as f:
                    stat = f.read()
                ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid in members:
                members.add(p)
                pids.append(p)
        return pids

    @staticmethod
    def _pss(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
                for line in f:
                    if line.startswith(b"Pss:"):
                        return int(line.split()[1]) * 1024
        except (OSError, ValueError, IndexError):
            pass
        return 0

    def run(self) -> None:
        start = time.monotonic()
        next_pss = start
        while True:
            if self.polling:
                pids, rss = self.tree(), 0
                for p in pids:
                    try:
                        with open(f"/proc/{p}/statm", "rb") as f:
                            rss += int(f.read().split()[1]) * self.PAGE
                    except (OSError, ValueError, IndexError):
                        pass
                self.rss_peak = max(self.rss_peak, rss)
                self.processes = max(self.processes, len(pids))
                now = time.monotonic()
                if len(pids) > 1 and now >= next_pss:
                    self.pss_peak = max(self.pss_peak, sum(map(self._pss, pids)))
                    next_pss = now + PSS_SECONDS
            if self.timeout is not None and not self.timed_out and time.monotonic() - start > self.timeout:
                self.timed_out = True
                try:
                    os.killpg(self.pid, signal.SIGKILL)
                except OSError:
                    pass
            if self.done.wait(POLL_SECONDS):
                return


def run_tree(cmd: list, env, log: Path, stdout: Path | None = None, poll: bool = True,
             timeout: float | None = None, cwd: Path | None = None) -> dict:
    """Run CMD in a new process group (stderr to LOG, stdout to STDOUT or nowhere) and measure it:
    wall seconds; CPU seconds (user + system) and max_rss_mb, the largest resident set of one
    process (os.wait4: the process itself, or a child it waited for if that one was larger), both
    of the process and the children it reaped; with POLL also the TreeSampler figures (tree_rss_mb,
    tree_pss_mb, processes); returncode (negative: the signal that ended it) and timed_out (killed
    after TIMEOUT seconds)."""
    cmd = [str(c) for c in cmd]
    with open(log, "wb") as err, open(stdout or os.devnull, "wb") as out:
        start = time.perf_counter()
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env,
                                    start_new_session=True, cwd=cwd)
        except OSError as e:
            raise RunFailed(f"cannot run {cmd[0]} ({e.strerror})") from None
        sampler = TreeSampler(proc.pid, timeout) if poll or timeout else None
        if sampler:
            sampler.polling = sampler.polling and poll
            sampler.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
            proc.wait()
            raise
        finally:
            if sampler:
                sampler.done.set()
                sampler.join()
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    rss = usage.ru_maxrss  # KiB on Linux, bytes on macOS
    mib = 1024 * 1024
    r = {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
         "max_rss_mb": rss / mib if sys.platform == "darwin" else rss / 1024,
         "returncode": proc.returncode, "timed_out": bool(sampler and sampler.timed_out)}
    if sampler and sampler.polling:
        r.update(tree_rss_mb=sampler.rss_peak / mib, tree_pss_mb=sampler.pss_peak / mib or None,
                 processes=sampler.processes)
        r["peak_mb"] = max(r["max_rss_mb"], r["tree_pss_mb"] or 0)
    else:
        r["peak_mb"] = r["max_rss_mb"]
    return r


def failure_text(r: dict, log: Path | None = None) -> str:
    """How a run of run_tree that did not exit 0 ended."""
    if r["timed_out"]:
        return f"timed out (killed after {r['wall']:.1f} s)"
    if r["returncode"] < 0:
        try:
            name = f" {signal.Signals(-r['returncode']).name}"
        except ValueError:
            name = ""
        return f"crashed (signal {-r['returncode']}{name}) after {r['wall']:.1f} s"
    text = f"exit code {r['returncode']}"
    if log is not None:
        text += f": {last_line(log.read_text(encoding='utf-8', errors='replace'))}"
    return text


def find_hunalign(args) -> tuple[Path | None, str]:
    """The hunalign binary to compare with (--hunalign, else ~/.cache/aligntm/hunalign/hunalign,
    else hunalign on PATH), or None; and a note saying which, or why none."""
    if args.no_hunalign:
        return None, "skipped (--no-hunalign)"
    if args.hunalign:
        exe = args.hunalign.expanduser().resolve()
        if not exe.is_file() or not os.access(exe, os.X_OK):
            raise Fatal(f"--hunalign {exe}: not an executable file")
        how = "--hunalign"
    else:
        cached = HUNALIGN_CACHE.expanduser() / "hunalign"
        on_path = shutil.which("hunalign")
        if cached.is_file() and os.access(cached, os.X_OK):
            exe, how = cached, "the cached build"
        elif on_path:
            exe, how = Path(on_path), "on PATH"
        else:
            return None, (f"skipped: no hunalign binary (give --hunalign PATH, one built from "
                          f"github.com/danielvarga/hunalign, or put it at {cached})")
    import importlib.util
    lacking = [m for m in ("fugashi", "unidic_lite") if importlib.util.find_spec(m) is None]
    if lacking:
        return None, (f"skipped: {' and '.join(lacking)} missing in {sys.executable}, needed to tokenise the "
                      f"Japanese for hunalign (pip install fugashi unidic-lite: aligntm's own dependencies)")
    return exe, f"{exe} ({how})"


def write_presegmented(docs: list[list[str]], path: Path) -> None:
    """One sentence per line, the documents one after the other."""
    path.write_text("".join(line + "\n" for d in docs for line in d), encoding="utf-8")


def count_lines(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(1 for line in f if line.strip())


def bench_presegmented(args, docs, work: Path, hunalign: Path | None, hunalign_note: str,
                       figures: dict) -> str | None:
    """The presegmented part (see the module doc); prints its tables; the error, if aligntm failed."""
    d0 = work / "presegmented"
    d0.mkdir()
    aligntm, env = find_aligntm()
    null_dic = d0 / "null.dic"
    null_dic.write_bytes(b"")
    loads = [load_average()]
    part = {"aligntm": show(aligntm, env), "hunalign": str(hunalign) if hunalign else None,
            "hunalign_note": hunalign_note, "repeat": args.pre_repeat, "warmup": not args.no_warmup,
            "timeout": args.timeout, "load_average": loads, "sizes": []}
    figures["presegmented"] = part
    rows, failures = part["sizes"], []
    print(f"\n== presegmented: `aligntm align ja.txt en.txt --presegmented -o out.tsv --tmx out.tmx`, "
          f"{' '.join(map(str, args.pre_sizes))} sentences; hunalign: {hunalign_note}", flush=True)
    print(f"   aligntm: {show(aligntm, env)}; {os.cpu_count()} CPUs, load average "
          f"{'-' if loads[0] is None else f'{loads[0]:.2f}'}", flush=True)

    def make_pair(size: int, d: Path) -> dict:
        d.mkdir()
        ja_docs, en_docs = build_pair(docs, size)
        write_presegmented(ja_docs, d / "ja.txt")
        write_presegmented(en_docs, d / "en.txt")
        return {"size": size, "documents": len(ja_docs), "ja_lines": sum(map(len, ja_docs)),
                "en_lines": sum(map(len, en_docs)),
                "kib": [(d / f"{lang}.txt").stat().st_size // 1024 for lang in ("ja", "en")]}

    def align_cmd(d: Path) -> list[str]:
        return aligntm + ["align", str(d / "ja.txt"), str(d / "en.txt"), "--presegmented",
                          "-o", str(d / "out.tsv"), "--tmx", str(d / "out.tmx")]

    def tokenise(d: Path) -> dict:
        cmd = [sys.executable, "-c", TOKENISER] + [str(d / n) for n in ("ja.txt", "en.txt", "ja.tok", "en.tok")]
        record = {"command": "python -c TOKENISER ja.txt en.txt ja.tok en.tok (fugashi -Owakati; a regex for English)"}
        start = time.perf_counter()
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
        except subprocess.TimeoutExpired:
            record["error"] = f"timed out after {args.timeout:.0f} s"
            return record
        record["process"] = time.perf_counter() - start
        if proc.returncode != 0:
            record["error"] = f"exit code {proc.returncode}: {last_line(proc.stderr)}"
        else:
            record.update(json.loads(proc.stdout.strip().splitlines()[-1]))
        return record

    def hunalign_cmd(d: Path) -> list[str]:
        return [str(hunalign), "-text", str(null_dic), str(d / "ja.tok"), str(d / "en.tok")]

    if not args.no_warmup:
        size = min(args.pre_sizes)
        d = d0 / "warmup"
        make_pair(size, d)
        print(f"\n-- warm-up (untimed): the {size}-sentence pair through aligntm"
              f"{' and the tokeniser' if hunalign else ''}", flush=True)
        r = run_tree(align_cmd(d), env, d / "aligntm.log", poll=False, timeout=args.timeout)
        if r["returncode"] != 0:
            return f"presegmented part: warm-up: {shlex.join(align_cmd(d))}: {failure_text(r, d / 'aligntm.log')}"
        if hunalign:
            tokenise(d)
        shutil.rmtree(d, ignore_errors=True)

    for size in args.pre_sizes:
        d = d0 / f"size-{size}"
        row = make_pair(size, d)
        rows.append(row)
        print(f"\n-- {size}: {row['documents']} documents, {row['ja_lines']} ja / {row['en_lines']} en sentences, "
              f"{row['kib'][0]} + {row['kib'][1]} KiB", flush=True)
        a = row["aligntm"] = {"command": show(align_cmd(d), env), "runs": []}
        h = row["hunalign"] = {"command": shlex.join(hunalign_cmd(d)), "runs": []} if hunalign else None
        for rep in range(args.pre_repeat):
            if rep == 0:
                print(f"$ {a['command']}", flush=True)
            if "error" not in a:
                r = run_tree(align_cmd(d), env, d / "aligntm.log", timeout=args.timeout)
                a["runs"].append(r)
                if r["returncode"] != 0:
                    a["error"] = failure_text(r, d / "aligntm.log")
                    failures.append(f"size {size}: aligntm {a['error']}")
                    print(f"   aligntm: {a['error']}", flush=True)
                else:
                    if rep == 0:
                        a["pairs"] = count_lines(d / "out.tsv")
                        m = re.search(r"wrote (\d+) translation units",
                                      (d / "aligntm.log").read_text(encoding="utf-8", errors="replace"))
                        a["tmx_units"] = int(m.group(1)) if m else None
                    procs = r.get("processes", 1)
                    print(f"   aligntm: {r['wall']:.2f} s ({r['cpu']:.2f} s CPU), peak {r['peak_mb']:.0f} MB "
                          f"(largest process {r['max_rss_mb']:.0f} MB; {procs} process{'es' if procs > 1 else ''}, "
                          f"tree RSS {r.get('tree_rss_mb', 0):.0f} MB), {a['pairs']} pairs, {a['tmx_units']} TMX units",
                          flush=True)
            if h is not None and rep == 0:
                row["tokenise"] = tok = tokenise(d)
                if "error" in tok:
                    h["error"] = f"tokenising failed: {tok['error']}"
                    print(f"   tokenising for hunalign failed: {tok['error']}", flush=True)
                else:
                    print(f"   tokenising for hunalign: Japanese {tok['ja']:.2f} s (fugashi and its dictionary "
                          f"{tok['load']:.2f} s of it), English {tok['en']:.2f} s", flush=True)
                    print(f"$ {h['command']} > hunalign.txt", flush=True)
            if h is not None and "error" not in h:
                # in its work directory: hunalign leaves a translate.txt in the current directory
                r = run_tree(hunalign_cmd(d), None, d / "hunalign.log", stdout=d / "hunalign.txt",
                             timeout=args.timeout, cwd=d)
                h["runs"].append(r)
                if r["returncode"] != 0:
                    h["error"] = failure_text(r, d / "hunalign.log")
                    print(f"   hunalign: {h['error']}", flush=True)
                else:
                    h["lines"] = count_lines(d / "hunalign.txt")
                    print(f"   hunalign: {r['wall']:.2f} s ({r['cpu']:.2f} s CPU), peak {r['peak_mb']:.0f} MB, "
                          f"{h['lines']} lines", flush=True)
        for record in (a, h):
            if record and record["runs"] and "error" not in record:
                record["wall"] = median([r["wall"] for r in record["runs"]])
                record["cpu"] = median([r["cpu"] for r in record["runs"]])
                record["peak_mb"] = max(r["peak_mb"] for r in record["runs"])
        if "wall" in a:
            a["s_per_1k"] = a["wall"] / row["ja_lines"] * 1000
        if h and "wall" in h:
            h["with_tokenising"] = h["wall"] + row["tokenise"]["ja"]
            if "wall" in a:
                row["ratio"] = a["wall"] / h["wall"]
                row["ratio_with_tokenising"] = a["wall"] / h["with_tokenising"]
        if args.stages and "error" not in a:
            row["stages"] = stages = stage_run(args, d)
            if "error" in stages:
                failures.append(f"size {size}: --stages: {stages['error']}")
                print(f"   stages: {stages['error']}", flush=True)
            else:
                print("   stages (in-process): " + ", ".join(f"{s} {stages[s]:.2f} s" for s in ["import"] + PRE_STAGES)
                      + f"; peak {stages['peak_mb']:.0f} MB, feature workers {stages['workers_peak_mb']:.0f} MB",
                      flush=True)
        for name in ("out.tmx", "out.tsv", "hunalign.txt", "ja.tok", "en.tok"):
            if not args.keep:
                (d / name).unlink(missing_ok=True)
    loads.append(load_average())
    if rows:
        print()
        print_presegmented(rows, args)
        part["targets"] = targets = presegmented_targets(rows)
        print("\nTargets (issue 11, on 2 cores):")
        for t in targets:
            print(f"  {t['verdict']:4}  {t['target']}: {t['figure']}")
        print(f"\n{machine_line('presegmented part', loads)}")
    return "presegmented part: " + "; ".join(failures) if failures else None


def stage_run(args, d: Path) -> dict:
    """PRE_RUNNER on the pair in D, in a fresh process: seconds per stage, or {"error": ...}."""
    cmd = [sys.executable, "-c", PRE_RUNNER] + [str(d / n) for n in ("ja.txt", "en.txt", "stages.tsv", "stages.tmx")]
    try:
        proc = subprocess.run(cmd + [str(REPO)], capture_output=True, text=True, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {args.timeout:.0f} s"}
    finally:
        for name in ("stages.tsv", "stages.tmx"):
            if not args.keep:
                (d / name).unlink(missing_ok=True)
    if proc.returncode != 0:
        return {"error": f"exit code {proc.returncode}: {last_line(proc.stderr)}"}
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["total"] = sum(out[s] for s in PRE_STAGES)
    return out


def _s(x, fmt="{:.2f}") -> str:
    return "-" if x is None else fmt.format(x)


def print_presegmented(rows: list[dict], args) -> None:
    lines = []
    for r in rows:
        a, h, tok = r["aligntm"], r.get("hunalign"), r.get("tokenise") or {}
        hun = [_s(tok.get("ja")), _s(h.get("wall")), _s(h.get("peak_mb"), "{:.0f}"), _s(h.get("with_tokenising")),
               _s(r.get("ratio")), _s(r.get("ratio_with_tokenising"))] if h else ["-"] * 6
        if h and "error" in h:
            last = h["runs"][-1] if h["runs"] else {}
            hun[1] = ("timed out" if last.get("timed_out") else f"crashed (signal {-last['returncode']})"
                      if last.get("returncode", 0) < 0 else "failed")
        lines.append([f"{r['size']}", f"{r['ja_lines']}/{r['en_lines']}",
                      _s(a.get("wall")) if "error" not in a else "failed", _s(a.get("cpu")),
                      _s(a.get("s_per_1k"), "{:.3f}"), _s(a.get("peak_mb"), "{:.0f}"),
                      _s(max((x.get("tree_rss_mb") or 0 for x in a["runs"]), default=None), "{:.0f}"),
                      _s(max((x.get("processes") or 1 for x in a["runs"]), default=None), "{:d}")] + hun)
    table(["size", "ja/en lines", "aligntm s", "CPU s", "s/1k ja", "peak MB", "tree RSS", "procs",
           "tok ja s", "hunalign s", "hun MB", "hun+tok s", "ratio", "ratio+tok"], lines)
    print(f"\naligntm s = wall seconds of `aligntm align ja.txt en.txt --presegmented -o out.tsv --tmx out.tmx`, a "
          f"fresh process\n(interpreter start and imports included{'; median of ' + str(args.pre_repeat) + ' runs' if args.pre_repeat > 1 else ''}"
          f"{'; after an untimed warm-up run' if not args.no_warmup else ''}); CPU s = its user + system seconds, "
          f"feature workers included;\ns/1k ja = aligntm s per 1,000 Japanese lines; peak MB = the process tree's "
          f"peak: the largest of the largest single process\n(os.wait4 ru_maxrss: the main process, or a feature "
          f"worker if one grew larger) and the tree's summed PSS, sampled from /proc\nevery {PSS_SECONDS} s while "
          f"feature workers run (a page shared with a forked worker counted once); tree RSS = peak of the\ntree's "
          f"summed RSS sampled every {POLL_SECONDS * 1000:.0f} ms (shared pages counted in each process: an upper bound); "
          f"procs = most processes at once.\ntok ja s = tokenising the Japanese for hunalign (fugashi -Owakati, "
          f"unidic-lite; import and dictionary load included);\nhunalign s = wall seconds of `hunalign -text null.dic "
          f"ja.tok en.tok` (empty dictionary, no -realign), hun MB = its peak;\nhun+tok s = the two together (what "
          f"aligntm s includes: its own Japanese tokenising); ratio = aligntm s / hunalign s,\nratio+tok = aligntm s "
          f"/ hun+tok s (below 1: aligntm faster).")
    staged = [r for r in rows if r.get("stages") and "error" not in r["stages"]]
    if staged:
        print()
        table(["size", "import", *PRE_STAGES, "total", "peak MB", "workers MB"],
              [[f"{r['size']}", _s(r["stages"]["import"])] + [_s(r["stages"][s]) for s in PRE_STAGES]
               + [_s(r["stages"]["total"]), _s(r["stages"]["peak_mb"], "{:.0f}"),
                  _s(r["stages"]["workers_peak_mb"], "{:.0f}")] for r in staged])
        print("\n--stages: the steps of the same command one at a time in a fresh process (align.document."
              "load_documents,\nprepare_features, align_features, tm.tmx.write_tmx, align.formats.write), wall "
              "seconds each; total excludes import;\npeak MB = the process's maximum RSS, workers MB = that of the "
              "largest feature worker (RUSAGE_CHILDREN).")


def presegmented_targets(rows: list[dict]) -> list[dict]:
    """Issue 11's targets, each {"target", "figure", "verdict": PASS, MISS or "-" (not measured)}."""
    by_size = {r["size"]: r for r in rows}
    out = []

    def add(target: str, figure: str, ok: bool | None) -> None:
        out.append({"target": target, "figure": figure, "verdict": "-" if ok is None else "PASS" if ok else "MISS"})

    def aligntm_of(size: int):
        r = by_size.get(size)
        if r is None:
            return None, f"not run (no {size} in --pre-sizes)"
        if "wall" not in r["aligntm"]:
            return None, f"aligntm failed ({r['aligntm'].get('error')})"
        return r, None

    r, why = aligntm_of(TARGET_LARGE)
    big = f"{TARGET_LARGE:,} x {TARGET_LARGE:,}-sentence pair"
    if r:
        a = r["aligntm"]
        add(f"{big} under {TARGET_LARGE_SECONDS:.0f} s wall", f"{a['wall']:.1f} s ({r['ja_lines']:,} ja lines)",
            a["wall"] < TARGET_LARGE_SECONDS)
        add(f"{big} under 1 GB peak ({TARGET_LARGE_MB:.0f} MiB)",
            f"{a['peak_mb']:.0f} MB (largest process {max(x['max_rss_mb'] for x in a['runs']):.0f} MB; tree RSS, "
            f"shared pages counted in each process, "
            f"{max(x.get('tree_rss_mb') or 0 for x in a['runs']):.0f} MB)", a["peak_mb"] < TARGET_LARGE_MB)
    else:
        add(f"{big} under {TARGET_LARGE_SECONDS:.0f} s wall", why, None)
        add(f"{big} under 1 GB peak", why, None)

    timed = sorted((r["size"], r["aligntm"]["s_per_1k"]) for r in rows if "s_per_1k" in r["aligntm"])
    if len(timed) >= 2:
        rise, at = 1.0, None
        for i in range(1, len(timed)):
            lowest = min(timed[:i], key=lambda x: x[1])
            if timed[i][1] / lowest[1] > rise:
                rise, at = timed[i][1] / lowest[1], (lowest[0], timed[i][0])
        span = f"{timed[0][0]:,} to {timed[-1][0]:,}"
        figure = (" ".join(f"{s:,}: {v:.3f}" for s, v in timed) + " s per 1k; " +
                  (f"largest rise {rise:.2f}x ({at[0]:,} -> {at[1]:,})" if at else "never rises"))
        add(f"time per 1,000 sentences flat from {span} (rise at most {FLAT_TOLERANCE:g}x)", figure,
            rise <= FLAT_TOLERANCE)
    else:
        add("time per 1,000 sentences flat from 1k to 100k", "needs two sizes or more", None)

    r, why = aligntm_of(TARGET_HUNALIGN)
    target = f"{TARGET_HUNALIGN:,} sentences: faster than hunalign + our Japanese tokenising"
    h = r and r.get("hunalign")
    if not r:
        add(target, why, None)
    elif not h or "with_tokenising" not in h:
        add(target, f"no hunalign figure ({(h or {}).get('error') or 'hunalign not run'})", None)
    else:
        a, tok = r["aligntm"], r["tokenise"]["ja"]
        add(target, f"aligntm {a['wall']:.2f} s vs hunalign {h['wall']:.2f} s + tokenising {tok:.2f} s = "
                    f"{h['with_tokenising']:.2f} s (ratio {r['ratio_with_tokenising']:.2f}; hunalign alone "
                    f"{r['ratio']:.2f})", a["wall"] < h["with_tokenising"])

    r, why = aligntm_of(TARGET_SMALL)
    target = f"{TARGET_SMALL:,}-sentence pair under {TARGET_SMALL_SECONDS:g} s end to end"
    if r:
        add(target, f"{r['aligntm']['wall']:.2f} s ({r['ja_lines']:,} ja lines)",
            r["aligntm"]["wall"] < TARGET_SMALL_SECONDS)
    else:
        add(target, why, None)
    return out


def machine_line(part: str, loads: list[float | None]) -> str:
    """The machine's CPUs and its load average when PART started and ended."""
    cpus = os.cpu_count()
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        usable = cpus
    cores = f"{cpus} CPUs" + (f" ({usable} usable here)" if usable != cpus else "")
    if None in loads:
        return f"Machine: {cores}."
    return (f"Machine: {cores}, load average {loads[0]:.1f} when the {part} started and {loads[1]:.1f} when it "
            f"ended (above the CPU count,\nother work competes for the CPUs: wall times grow, CPU times much less).")


# --- the PDF part -------------------------------------------------------------------------------

PDF_MINUTES = "3-5"      # what --pdf adds on a 2-core machine: printing, 2 x 3 alignments, 1,400 pages read
JA_CHARS_PER_PAGE = 1300  # first guess of the Japanese text on one page, refined by printing
RATIO_TARGET = 2.0
# family as the HTML names it, Debian package
PDF_FONTS = {"ja": ("IPAMincho", "fonts-ipafont"), "en": ("DejaVu Serif", "fonts-dejavu-core")}
PDF_TOOLS = (("chromium", "chromium"), ("pdftotext", "poppler-utils"))
CHROMIUM = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
JA_FULL_STOPS = ("。", "．", "！", "？", "!", "?")
HTML_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>aligntm bench_speed</title>
<style>
@page {{ size: A4; margin: 25mm }}
body {{ font-family: '{font}'; font-size: 10.5pt; line-height: 1.6; text-align: justify }}
h2 {{ font-size: 13pt; margin: 1.4em 0 0.6em }}
p {{ margin: 0 0 0.6em }}
</style></head>
<body>
{body}
</body></html>
"""

# Runs in a fresh interpreter: argv = file... repo; reads each file, prints one JSON line per file
# (peak_mb is the process's: with several files, the largest so far).
READER = CHILD_PRELUDE + r"""
paths, repo = sys.argv[1:-1], sys.argv[-1]
from align.readers import read_source
import pypdfium2  # noqa: F401  (read_pdf imports it: part of the baseline, not of the reading)

base = peak_mb()
for path in paths:
    t, cpu = time.perf_counter(), time.process_time()
    source = read_source(path)
    seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
    lines = [line for block in source.blocks for line in block.lines] if source.blocks else [source.text]
    print(json.dumps({"seconds": seconds, "cpu": cpu, "import_peak_mb": base, "peak_mb": peak_mb(),
                      "format": source.format, "blocks": len(source.blocks or ()), "lines": len(lines),
                      "text_kib": sum(len(line.encode("utf-8")) + 1 for line in lines) / 1024}), flush=True)
"""

# Runs in a fresh interpreter: argv = file.pdf... repo; profiles read_source on each, prints the stats.
PROFILER = r"""
import cProfile, pstats, sys
paths, repo = sys.argv[1:-1], sys.argv[-1]
try:
    import align
except ImportError:
    sys.path.insert(0, repo)
from align.readers import read_source
import pypdfium2  # noqa: F401
profile = cProfile.Profile()
for path in paths:
    profile.runcall(read_source, path)
pstats.Stats(profile, stream=sys.stdout).sort_stats("tottime").print_stats(15)
"""


class RunFailed(Exception):
    """A tool or a run failed: the PDF part stops, the script exits with code 1."""


def pdf_missing() -> list[tuple[str, str]]:
    """[(what, how to get it)] the PDF part needs and this machine lacks."""
    missing = [(tool, package) for tool, package in PDF_TOOLS if not shutil.which(tool)]
    families = font_families()
    for family, package in PDF_FONTS.values():
        if families is not None and family not in families:
            missing.append((f"the {family} font", package))
    try:
        import pypdfium2  # noqa: F401  (aligntm's PDF reader; the page counts come from it too)
    except ImportError:
        missing.append((f"pypdfium2 in {sys.executable}", "pip"))
    return missing


def missing_text(missing: list[tuple[str, str]]) -> str:
    whats = [what for what, _ in missing]
    what = whats[0] if len(whats) == 1 else ", ".join(whats[:-1]) + " and " + whats[-1]
    debian = sorted({package for _, package in missing if package != "pip"})
    how = [f"sudo apt-get install {' '.join(debian)}"] if debian else []
    if any(package == "pip" for _, package in missing):
        how.append("pip install pypdfium2 (aligntm's own dependency)")
    return f"{what} {'is' if len(whats) == 1 else 'are'} missing; install with: {'; '.join(how)}"


def load_gold(eval_dir: Path, docs) -> list[list[tuple[list[int], list[int]]]]:
    """The gold beads of each kyoto-dev document: ([ja line indices], [en line indices]) in order."""
    gold_dir = eval_dir.joinpath(*KYOTO, "gold")
    golds = []
    for name, ja, en in docs:
        path = gold_dir / name
        if not path.is_file():
            raise Fatal(f"{path}: no such file (the gold beads of {name}, which the PDF part needs)")
        beads = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                src, tgt = line.split(":")
                beads.append((json.loads(src), json.loads(tgt)))
        used_ja = [i for s, _ in beads for i in s]
        used_en = [i for _, t in beads for i in t]
        if max(used_ja, default=-1) >= len(ja) or max(used_en, default=-1) >= len(en):
            raise Fatal(f"{path}: a bead points past the end of the document")
        golds.append(beads)
    return golds


def pdf_units(docs, golds, seed: int = 0) -> list[tuple[str, str, str]]:
    """(tag, Japanese, English) in document order: a document's title line (a 1-1 first bead with
    no full stop) as an h2, its other sentences in paragraphs of 3 to 5 gold beads."""
    rng = random.Random(seed)
    units = []
    for (_, ja, en), beads in zip(docs, golds):
        if beads and len(beads[0][0]) == len(beads[0][1]) == 1 and not ja[beads[0][0][0]].endswith(JA_FULL_STOPS):
            units.append(("h2", ja[beads[0][0][0]], en[beads[0][1][0]]))
            beads = beads[1:]
        i = 0
        while i < len(beads):
            group = beads[i:i + rng.randint(3, 5)]
            i += len(group)
            units.append(("p", "".join(ja[k] for s, _ in group for k in s),
                          " ".join(en[k] for _, t in group for k in t)))
    return units


def write_html(units, lang: str, path: Path) -> None:
    col = 1 if lang == "ja" else 2
    body = "\n".join(f"<{u[0]}>{html.escape(u[col])}</{u[0]}>" for u in units)
    path.write_text(HTML_PAGE.format(lang=lang, font=PDF_FONTS[lang][0], body=body), encoding="utf-8")


def tool(cmd: list, what: str, ok=(0,), timeout: float = 1800) -> subprocess.CompletedProcess:
    cmd = [str(c) for c in cmd]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RunFailed(f"{what}: {cmd[0]} took more than {timeout:.0f} s") from None
    except OSError as e:
        raise RunFailed(f"{what}: cannot run {cmd[0]} ({e.strerror})") from None
    if proc.returncode not in ok:
        raise RunFailed(f"{what}: {cmd[0]} exit code {proc.returncode}: {last_line(proc.stderr)}")
    return proc


def print_pdf(html_path: Path, pdf_path: Path, profile_dir: Path) -> None:
    pdf_path.unlink(missing_ok=True)
    tool(CHROMIUM + [f"--user-data-dir={profile_dir}", f"--print-to-pdf={pdf_path}", html_path.as_uri()],
         f"printing {html_path.name}")
    if not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        raise RunFailed(f"printing {html_path.name}: chromium wrote no PDF")


def page_count(path: Path) -> int:
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def typeset_pair(units, pages: int, d: Path) -> tuple[int, int, int]:
    """Print the first k units to ja.pdf, k chosen so that it has exactly PAGES pages, and the
    same units to en.pdf. Returns (k, Japanese pages, English pages)."""
    profile = d / "chromium-profile"
    base = units
    while sum(len(u[1]) for u in units) < 2 * pages * JA_CHARS_PER_PAGE:
        units = units + base  # more pages than kyoto-dev fills: the documents again
    cum, total = [], 0
    for u in units:
        total += len(u[1])
        cum.append(total)

    def units_for(chars: float) -> int:
        return min(len(units), max(1, next((i + 1 for i, c in enumerate(cum) if c >= chars), len(units))))

    k = units_for(pages * JA_CHARS_PER_PAGE)
    lo, hi = 0, len(units) + 1  # most units known to print short of PAGES, fewest known to print past it
    for _ in range(12):
        write_html(units[:k], "ja", d / "ja.html")
        print_pdf(d / "ja.html", d / "ja.pdf", profile)
        got = page_count(d / "ja.pdf")
        print(f"   ja: {k} paragraphs and headings, {cum[k - 1]} characters -> {got} pages", flush=True)
        if got == pages:
            break
        if got < pages:
            lo = k
        else:
            hi = k
        if hi - lo <= 1:
            raise RunFailed(f"typesetting: cannot make a Japanese PDF of exactly {pages} pages "
                            f"({lo} units print short of it, {hi} past it)")
        guess = units_for((pages - 0.5) * cum[k - 1] / max(got - 0.5, 0.5))
        k = min(max(guess, lo + 1), hi - 1)
    else:
        raise RunFailed(f"typesetting: no Japanese PDF of exactly {pages} pages after 12 prints")
    write_html(units[:k], "en", d / "en.html")
    print_pdf(d / "en.html", d / "en.pdf", profile)
    en_pages = page_count(d / "en.pdf")
    print(f"   en: the same {k} -> {en_pages} pages", flush=True)
    return k, pages, en_pages


def find_aligntm() -> tuple[list[str], dict[str, str] | None]:
    """bench_accuracy's aligntm command: the executable next to sys.executable, else `python -m
    align.cli` (from this repository if aligntm is not installed); and its environment."""
    return aligntm_command(_import_langs()[1])


def run_measured(cmd: list[str], env, log: Path) -> tuple[float, float, float]:
    """Run CMD (stderr to LOG): wall seconds, CPU seconds (user + system) and peak resident MB
    of that process, from os.wait4."""
    r = run_tree(cmd, env, log, poll=False)
    if r["returncode"] != 0:
        raise RunFailed(f"{shlex.join(cmd)}: {failure_text(r, log)}")
    return r["wall"], r["cpu"], r["max_rss_mb"]


def merge_pages(base: Path, base_pages: int, pages: int, out: Path) -> Path:
    """A PDF of PAGES pages: BASE repeated (the last copy cut short); BASE itself if it fits."""
    if pages == base_pages:
        return base
    copies, rest = divmod(pages, base_pages)
    if shutil.which("qpdf"):
        tool(["qpdf", "--empty", "--pages", *[base] * copies, *([base, f"1-{rest}"] if rest else []), "--", out],
             f"merging {out.name}", ok=(0, 3))  # 3: done, with warnings
    else:
        import pypdfium2 as pdfium
        src, dst = pdfium.PdfDocument(str(base)), pdfium.PdfDocument.new()
        try:
            for _ in range(copies):
                dst.import_pages(src)
            if rest:
                dst.import_pages(src, list(range(rest)))
            dst.save(str(out))
        finally:
            dst.close()
            src.close()
    got = page_count(out)
    if got != pages:
        raise RunFailed(f"merging {out.name}: {got} pages, not {pages}")
    return out


def read_in_child(paths: list[Path], what: str) -> list[dict]:
    """read_source on each of PATHS in one fresh process: one dict per path (see READER)."""
    proc = subprocess.run([sys.executable, "-c", READER, *map(str, paths), str(REPO)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RunFailed(f"reading {what}: exit code {proc.returncode}: {last_line(proc.stderr)}")
    return [json.loads(line) for line in proc.stdout.strip().splitlines()[-len(paths):]]


def load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def bench_pdf(args, eval_dir: Path, docs, work: Path, figures: dict) -> str | None:
    """The PDF part (see the module doc); prints its tables; the error, if something failed."""
    d = work / "pdf"
    d.mkdir()
    units = pdf_units(docs, load_gold(eval_dir, docs))
    aligntm, env = find_aligntm()
    compare, stream, k = [], [], 0
    loads = [load_average()]
    figures["pdf"] = {"pages": args.pages, "compare": compare, "stream": stream, "load_average": loads}
    try:
        print(f"\n== PDF: a {args.pages}-page Japanese PDF and its translation (A4, 10.5pt, headless Chromium)",
              flush=True)
        start = time.perf_counter()
        k, ja_pages, en_pages = typeset_pair(units, args.pages, d)
        print(f"   typeset in {time.perf_counter() - start:.0f} s", flush=True)
        for lang in ("ja", "en"):
            tool(["pdftotext", "-enc", "UTF-8", d / f"{lang}.pdf", d / f"{lang}.txt"], f"pdftotext {lang}.pdf")

        print(f"\n== PDF: aligntm align, the PDFs against their pdftotext text, {args.repeat} runs each", flush=True)
        for kind, ext, pages in (("pdf", "pdf", f"{ja_pages}/{en_pages}"), ("text", "txt", "-")):
            paths = [d / f"ja.{ext}", d / f"en.{ext}"]
            compare.append({"input": kind, "ext": ext, "pages": pages, "wall": [], "cpu": [], "peak": [],
                            "kib": "/".join(str(p.stat().st_size // 1024) for p in paths),
                            "read": read_in_child(paths, f"the {kind} pair")})
        for rep in range(args.repeat):
            for row in compare:
                out = d / f"out-{row['input']}.jsonl"
                cmd = aligntm + ["align", str(d / f"ja.{row['ext']}"), str(d / f"en.{row['ext']}"), "-o", str(out)]
                if rep == 0:
                    print(f"$ {shlex.join(cmd)}", flush=True)
                wall, cpu, peak = run_measured(cmd, env, d / f"align-{row['input']}.log")
                row["wall"].append(wall)
                row["cpu"].append(cpu)
                row["peak"].append(peak)
                with open(out, encoding="utf-8") as f:
                    row["pairs"] = sum(1 for _ in f)
                print(f"   {row['input']}: {wall:.2f} s ({cpu:.2f} s CPU), peak {peak:.0f} MB, {row['pairs']} pairs",
                      flush=True)

        langs = [lang for lang in ("ja", "en") if lang in args.stream_langs]
        print(f"\n== PDF: reading alone (align.readers.read_source), {' '.join(map(str, args.stream_pages))} pages, "
              f"{' and '.join(langs)}", flush=True)
        for lang in langs:
            base_pages = ja_pages if lang == "ja" else en_pages
            for pages in args.stream_pages:
                path = merge_pages(d / f"{lang}.pdf", base_pages, pages, d / f"{lang}-{pages}.pdf")
                row = {"lang": lang, "pages": pages, **read_in_child([path], path.name)[0]}
                stream.append(row)
                print(f"   {lang} {pages} pages: {row['seconds']:.2f} s ({row['cpu']:.2f} s CPU), peak "
                      f"{row['peak_mb']:.0f} MB ({row['import_peak_mb']:.0f} after imports), {row['blocks']} blocks, "
                      f"{row['text_kib']:.0f} KiB of text", flush=True)
                if path != d / f"{lang}.pdf":
                    path.unlink()

        if args.profile:
            print("\n== PDF: where reading the two PDFs spends its time (cProfile, sorted by own time)", flush=True)
            proc = subprocess.run([sys.executable, "-c", PROFILER, str(d / "ja.pdf"), str(d / "en.pdf"), str(REPO)],
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                raise RunFailed(f"profiling: exit code {proc.returncode}: {last_line(proc.stderr)}")
            print(proc.stdout.strip("\n"))
        failed = None
    except RunFailed as e:
        failed = f"PDF part: {e}"
    loads.append(load_average())
    figures["pdf"]["paragraphs"] = k
    if compare or stream:
        print()
        print_pdf_tables([r for r in compare if r["wall"]], stream, args.pages, k, loads)
    return failed


def median(values: list[float]) -> float:
    s = sorted(values)
    return (s[len(s) // 2] + s[(len(s) - 1) // 2]) / 2


def table(head: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(x) for x in col) for col in zip(head, *rows)]
    fmt = lambda cells: "  ".join(c.rjust(w) for c, w in zip(cells, widths))
    print(fmt(head))
    print("  ".join("-" * w for w in widths))
    for line in rows:
        print(fmt(line))


def print_pdf_tables(compare: list[dict], stream: list[dict], pages: int, units: int,
                     loads: list[float | None]) -> None:
    if compare:
        table(["input", "pages ja/en", "KiB ja/en", "read_source s (CPU)", "runs (s)", "median s", "median CPU s",
               "peak MB", "pairs"],
              [[r["input"], r["pages"], r["kib"],
                f"{sum(x['seconds'] for x in r['read']):.2f} ({sum(x['cpu'] for x in r['read']):.2f})",
                " ".join(f"{x:.2f}" for x in r["wall"]),
                f"{median(r['wall']):.2f}", f"{median(r['cpu']):.2f}", f"{max(r['peak']):.0f}", f"{r['pairs']}"]
               for r in compare])
        if len(compare) == 2:
            pdf, text = compare
            verdict = lambda r: f"{r:.2f} ({'PASS' if r <= RATIO_TARGET else 'MISS'})"
            print(f"\nPDF/text, medians (target <= {RATIO_TARGET:g}): wall time "
                  f"{verdict(median(pdf['wall']) / median(text['wall']))}, "
                  f"CPU time {verdict(median(pdf['cpu']) / median(text['cpu']))}.")
        print(f"`aligntm align ja en -o out.jsonl`, a fresh process per run, imports included; pdf = the {pages}-page "
              f"Japanese PDF ({units} paragraphs\nand headings of kyoto-dev) and the English PDF of the same text; "
              f"text = pdftotext -enc UTF-8 of the same two;\nread_source s = wall (and CPU) seconds of reading the "
              f"two files alone (align.readers.read_source, in one process);\nruns = wall seconds of each run; "
              f"peak MB = the largest maximum resident set size of the runs (os.wait4);\npairs = lines of out.jsonl.")
    if stream:
        if compare:
            print()
        rows = []
        for r in stream:
            first = next(x for x in stream if x["lang"] == r["lang"])
            grow = (r["peak_mb"] - first["peak_mb"]) / (r["pages"] - first["pages"]) * 1024 \
                if r["pages"] != first["pages"] else None
            rows.append([r["lang"], f"{r['pages']}", f"{r['seconds']:.2f}", f"{r['cpu']:.2f}",
                         f"{r['seconds'] / r['pages'] * 1000:.1f}", f"{r['import_peak_mb']:.0f}",
                         f"{r['peak_mb']:.0f}", f"{r['peak_mb'] - r['import_peak_mb']:.0f}",
                         f"{r['text_kib'] / 1024:.1f}", f"{r['blocks']}", "-" if grow is None else f"{grow:.0f}"])
        table(["lang", "pages", "read s", "CPU s", "ms/page", "import MB", "peak MB", "reading MB", "text MB",
               "blocks", "KiB/page more"], rows)
        print("\nA fresh process per PDF reads it with align.readers.read_source (the PDF repeated to the page "
              "count with qpdf, or\npypdfium2 without it); ms/page = wall milliseconds per page; import MB = peak "
              "resident memory after the imports,\npeak MB = after reading, reading MB = the difference; text MB = "
              "UTF-8 size of the lines read; KiB/page more = peak\ngrowth per page beyond the smallest PDF of that "
              "language (streaming: about what the kept text and its line records\ntake, not a page's characters "
              "and boxes).")
    if None not in loads:
        print(f"\n{machine_line('PDF part', loads)}")


if __name__ == "__main__":
    sys.exit(main())
