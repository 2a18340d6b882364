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

The texts and TMX files go to a temporary directory that is deleted at the end (or to --keep DIR,
which must be outside the repository: the texts are evaluation data).
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_EVAL = REPO.parent / "shared" / "eval"
KYOTO = ("ja-en", "kyoto-dev")
JA_WIDTH, EN_WIDTH = 40, 90

# Runs in a fresh interpreter: argv = ja.txt en.txt out.tmx repo; prints one JSON line.
RUNNER = r"""
import json, sys, time
t0 = time.perf_counter()
src_path, tgt_path, tmx_path, repo = sys.argv[1:5]
try:
    import align
except ImportError:
    sys.path.insert(0, repo)
from align.api import Alignment, align_files  # noqa: F401  (the stages below are its steps)
from align.aligner import align_features
from align.document import load_document
from tm.tmx import write_tmx
import resource

def peak_mb():
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024

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


class Fatal(Exception):
    """A usage or setup problem: one line on stderr, exit code 2."""


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
                    "Python process, so growth with document length is visible.",
        epilog=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="+", type=int, default=[1000, 5000, 20000], metavar="N",
                        help="Japanese sentences (kyoto-dev lines) per document pair, each pair cut at the "
                             "first document boundary at or past N (default: 1000 5000 20000)")
    parser.add_argument("--eval", metavar="DIR", type=Path, default=DEFAULT_EVAL,
                        help=f"evaluation data holding ja-en/kyoto-dev (default: ../shared/eval next to the "
                             f"repository, {DEFAULT_EVAL})")
    parser.add_argument("--keep", metavar="DIR", type=Path,
                        help="write the texts and TMX files to DIR (new or empty, outside the repository) "
                             "and keep them (default: a temporary directory, deleted at the end)")
    args = parser.parse_args(argv)
    try:
        return bench(args)
    except Fatal as e:
        print(f"bench_speed: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bench_speed: interrupted", file=sys.stderr)
        return 130


def bench(args) -> int:
    eval_dir = args.eval.expanduser().resolve()
    if not eval_dir.is_dir():
        raise Fatal(f"evaluation data not found: {eval_dir} is not a directory "
                    f"(expected ../shared/eval next to the repository, or give --eval DIR)")
    if any(n < 1 for n in args.sizes):
        raise Fatal("--sizes must be positive")
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

    rows, failed = [], None
    try:
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
                lines = [l for l in proc.stderr.strip().splitlines() if l.strip()]
                failed = f"size {size}: runner exit code {proc.returncode}: {lines[-1] if lines else '(no message)'}"
                break
            row.update(json.loads(proc.stdout.strip().splitlines()[-1]))
            row["total"] = sum(row[s] for s in STAGES)
            rows.append(row)
            print("   " + ", ".join(f"{s} {row[s]:.2f} s" for s in STAGES) +
                  f"; total {row['total']:.2f} s; peak {row['peak_mb']:.0f} MB; "
                  f"{row['beads']} beads ({row['beads_1_1']} 1-1), {row['tmx_units']} TMX units", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    if rows:
        print()
        print_table(rows)
    if failed:
        print(f"bench_speed: error: {failed}", file=sys.stderr)
        return 1
    return 0


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


if __name__ == "__main__":
    sys.exit(main())
