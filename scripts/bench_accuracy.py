#!/usr/bin/env python3
"""Accuracy benchmark: run the real `aligntm` CLI on the evaluation sets and score it.

For every set of the chosen language pairs under the evaluation directory (default
../shared/eval next to the repository, layout <pair>/<set>/<lang>/<doc> and <pair>/<set>/gold/<doc>):

  aligntm batch SRC_DIR TGT_DIR OUT_DIR --presegmented -s SRC -t TGT -q -j N                 (aligntm)
  aligntm batch SRC_DIR TGT_DIR OUT_DIR --presegmented -s SRC -t TGT -q -j N --length-only   (baseline)
  aligntm score GOLD_DIR OUT_DIR --json                                                      (each)

and print strict/lax F1 of both, the strict F1 target of the set with PASS/MISS, and the seconds
per run. The command lines are printed as they run, so any run can be repeated by hand.

The evaluation data is only read where it is; the outputs go to a temporary directory that is
deleted at the end (or to --keep DIR). Exit code: 0, or 1 if a run failed, 2 on bad usage or
missing evaluation data.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_EVAL = REPO.parent / "shared" / "eval"

# Strict F1 targets per (pair, set); None: no target (reported only).
TARGETS: dict[tuple[str, str], float | None] = {
    ("ja-en", "kyoto-dev"): 0.96,
    ("ja-en", "kyoto-dev-noisy"): 0.93,
    ("ja-en", "bsd-dev"): 0.99,
    ("ja-en", "wmt21"): 0.96,
    ("ja-en", "coursera"): 0.90,
    ("ja-en", "flores-devtest"): None,
    ("lo-en", "flores-devtest"): 0.985,
    ("ja-lo", "flores-devtest"): 0.985,
}
# Every pair of flores-docs (th-en ... ja-ko) has the same target.
SET_TARGETS = {"flores-docs": 0.99}
SET_ORDER = ["kyoto-dev", "kyoto-dev-noisy", "bsd-dev", "wmt21", "coursera", "flores-devtest", "flores-docs"]
FIRST_PAIRS = ["ja-en", "lo-en", "ja-lo"]


def target_of(pair: str, name: str) -> float | None:
    return TARGETS.get((pair, name), SET_TARGETS.get(name))

EPILOG = """examples:
  python scripts/bench_accuracy.py -j 2                          (every pair and set)
  python scripts/bench_accuracy.py --pairs ja-en                 (all ja-en sets)
  python scripts/bench_accuracy.py --sets flores-docs            (the 17 flores-docs pairs)
  python scripts/bench_accuracy.py --sets wmt21 coursera bsd-dev
  python scripts/bench_accuracy.py --pairs ja-en lo-en ja-lo --json figures.json
  python scripts/bench_accuracy.py --sets kyoto-dev --no-baseline --keep /tmp/kyoto-out

targets (strict F1): ja-en kyoto-dev 0.96, kyoto-dev-noisy 0.93, wmt21 0.96, coursera 0.90,
bsd-dev 0.99; lo-en and ja-lo flores-devtest 0.985; every flores-docs pair 0.99; ja-en
flores-devtest none (reported only).
"""


class Fatal(Exception):
    """A usage or setup problem: one line on stderr, exit code 2."""


def run_main(name: str, bench, args, fatal=(Fatal,)) -> int:
    """BENCH(ARGS) as each script's main runs it: a FATAL error in one line and exit 2, Ctrl-C 130."""
    try:
        return bench(args)
    except fatal as e:
        print(f"{name}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{name}: interrupted", file=sys.stderr)
        return 130


def eval_dir_of(args) -> Path:
    """The evaluation data of --eval, which must be a directory."""
    eval_dir = args.eval.expanduser().resolve()
    if not eval_dir.is_dir():
        raise Fatal(f"evaluation data not found: {eval_dir} is not a directory "
                    f"(expected ../shared/eval next to the repository, or give --eval DIR)")
    return eval_dir


# --- the aligntm command ----------------------------------------------------------------

def _import_langs():
    """align.langs, from the installed package or, failing that, from this repository."""
    try:
        import align.langs as langs
        return langs, False
    except ImportError:
        pass
    sys.path.insert(0, str(REPO))
    try:
        import align.langs as langs
        return langs, True
    except ImportError as e:
        raise Fatal(f"cannot import the aligntm package with {sys.executable} ({e}); run this script "
                    f"with the Python of the environment aligntm is installed in")


def aligntm_command(from_repo: bool) -> tuple[list[str], dict[str, str] | None]:
    """The aligntm executable next to sys.executable, else `python -m align.cli`; and the
    environment to run it in (None: inherit)."""
    bindir = Path(sys.executable).parent          # not resolved: a venv's python is a symlink
    for name in ("aligntm", "aligntm.exe"):
        exe = bindir / name
        if exe.is_file() and os.access(exe, os.X_OK):
            return [str(exe)], None
    if from_repo:  # the package is not installed: run it from this repository
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
        return [sys.executable, "-m", "align.cli"], env
    return [sys.executable, "-m", "align.cli"], None


def show(cmd: list[str], env: dict[str, str] | None) -> str:
    prefix = f"PYTHONPATH={shlex.quote(env['PYTHONPATH'])} " if env else ""
    return prefix + shlex.join(cmd)


class RunError(Exception):
    pass


def run(cmd: list[str], env: dict[str, str] | None) -> tuple[subprocess.CompletedProcess, float]:
    print(f"$ {show(cmd, env)}", flush=True)
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    except OSError as e:
        raise RunError(f"cannot run {cmd[0]}: {e}") from None
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        lines = [l for l in proc.stderr.strip().splitlines() if l.strip()]
        detail = " | ".join(lines[-3:]) if lines else "(no message)"
        raise RunError(f"exit code {proc.returncode}: {detail}")
    return proc, seconds


# --- sets -------------------------------------------------------------------------------

def choose_sets(eval_dir: Path, pairs: list[str], sets: list[str] | None, supported):
    """[(pair, set, src, tgt, set_dir)] to run, and notes on what was skipped."""
    chosen, notes, seen = [], [], set()
    for pair in pairs:
        pair_dir = eval_dir / pair
        if not pair_dir.is_dir():
            notes.append(f"skipped pair {pair}: no directory {pair_dir}")
            continue
        src, tgt = pair.split("-")
        available = [p.name for p in pair_dir.iterdir() if p.is_dir() and not p.name.startswith(".")]
        seen.update(available)
        unsupported = [l for l in (src, tgt) if not supported(l)]
        if unsupported:
            notes.append(f"skipped pair {pair}: aligntm does not know the language code(s) "
                         f"{', '.join(map(repr, unsupported))}")
            continue
        if sets:
            names = [s for s in sets if s in available]
            for s in sets:
                if s not in available:
                    notes.append(f"skipped {pair}/{s}: no such set in {pair_dir}")
        else:
            rank = {s: i for i, s in enumerate(SET_ORDER)}
            names = sorted(available, key=lambda s: (rank.get(s, len(rank)), s))
        for name in names:
            set_dir = pair_dir / name
            missing = [d for d in (src, tgt, "gold") if not (set_dir / d).is_dir()]
            if missing:
                notes.append(f"skipped {pair}/{name}: no {', '.join(missing)} directory in {set_dir}")
                continue
            chosen.append((pair, name, src, tgt, set_dir))
    if sets:
        unknown = [s for s in sets if s not in seen]
        if unknown:
            raise Fatal(f"unknown set(s) {', '.join(unknown)}: not found under "
                        f"{', '.join(str(eval_dir / p) for p in pairs)}")
    return chosen, notes


# --- output -----------------------------------------------------------------------------

def _f(x, fmt="{:.4f}"):
    return "-" if x is None else fmt.format(x)


def print_table(rows: list[dict], baseline: bool) -> None:
    head = ["set", "docs", "strict F1", "lax F1"]
    if baseline:
        head += ["base strict", "base lax"]
    head += ["target", "result", "secs", "s/1k"]
    if baseline:
        head += ["base secs"]
    table = []
    for r in rows:
        a = r["runs"].get("aligntm") or {}
        b = r["runs"].get("length-only") or {}
        line = [f"{r['pair']}/{r['set']}", _f(r["docs"], "{:d}"), _f(a.get("strict_f1")), _f(a.get("lax_f1"))]
        if baseline:
            line += [_f(b.get("strict_f1")), _f(b.get("lax_f1"))]
        line += [_f(r["target"], "{:.3f}"), r["status"], _f(a.get("seconds"), "{:.1f}"),
                 _f(a.get("seconds_per_1k"), "{:.2f}")]
        if baseline:
            line += [_f(b.get("seconds"), "{:.1f}")]
        table.append(line)
    widths = [max(len(str(x)) for x in col) for col in zip(head, *table)]
    fmt = lambda cells: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    print(fmt(head))
    print("  ".join("-" * w for w in widths))
    for line in table:
        print(fmt(line))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Accuracy benchmark of aligntm on the evaluation sets: runs the real CLI "
                    "(`aligntm batch --presegmented`, and the same with --length-only, the Gale-Church "
                    "baseline), scores both with `aligntm score --json` against the gold beads and prints "
                    "strict/lax F1, the strict F1 target of each set (PASS/MISS) and seconds per run.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval", metavar="DIR", type=Path, default=DEFAULT_EVAL,
                        help=f"evaluation data, <pair>/<set>/<lang>/<doc> and <pair>/<set>/gold/<doc> "
                             f"(default: ../shared/eval next to the repository, {DEFAULT_EVAL})")
    parser.add_argument("--pairs", nargs="+", metavar="PAIR",
                        help="language pairs SRC-TGT (default: every pair directory of --eval, ja-en lo-en ja-lo "
                             "first); pairs without a directory are skipped with a note. When X-P and "
                             "Y-P are both run on a set that X-Y also has, X-Y is also scored through the pivot P")
    parser.add_argument("--sets", nargs="+", metavar="SET",
                        help="sets to run (default: every set of the pairs), e.g. wmt21 coursera bsd-dev")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                        help="worker processes for `aligntm batch` (default: all cores, %(default)s here)")
    parser.add_argument("--json", metavar="FILE", type=Path, help="also write all figures to FILE as JSON")
    parser.add_argument("--no-baseline", action="store_true", help="skip the --length-only baseline runs")
    parser.add_argument("--keep", metavar="DIR", type=Path,
                        help="write the outputs to DIR (new or empty) and keep them "
                             "(default: a temporary directory, deleted at the end)")
    args = parser.parse_args(argv)
    return run_main("bench_accuracy", bench, args)


def bench(args) -> int:
    eval_dir = eval_dir_of(args)
    if args.jobs < 1:
        raise Fatal("-j/--jobs must be at least 1")
    if not args.pairs:
        found = sorted(p.name for p in eval_dir.iterdir() if p.is_dir() and p.name.count("-") == 1)
        args.pairs = [p for p in FIRST_PAIRS if p in found] + [p for p in found if p not in FIRST_PAIRS]
    for pair in args.pairs:
        parts = pair.split("-")
        if len(parts) != 2 or not all(parts):
            raise Fatal(f"bad pair {pair!r}: expected SRC-TGT, e.g. ja-en")
    langs, from_repo = _import_langs()

    def supported(code: str) -> bool:
        try:
            langs.get_language(code)
            return True
        except Exception:
            return False

    chosen, notes = choose_sets(eval_dir, args.pairs, args.sets, supported)
    for note in notes:
        print(f"note: {note}", flush=True)
    if not chosen:
        print("nothing to run")
        return 0
    aligntm, env = aligntm_command(from_repo)

    if args.keep:
        work = args.keep.expanduser().resolve()
        if work == eval_dir or eval_dir in work.parents:
            raise Fatal(f"--keep {work}: inside the evaluation data; choose a directory elsewhere")
        if work.exists() and (not work.is_dir() or any(work.iterdir())):
            raise Fatal(f"--keep {work}: exists and is not an empty directory")
        work.mkdir(parents=True, exist_ok=True)
    else:
        work = Path(tempfile.mkdtemp(prefix="aligntm-bench-accuracy-"))
    print(f"outputs: {work}" + ("" if args.keep else " (temporary, deleted at the end; --keep DIR keeps them)"))
    print(f"aligntm: {show(aligntm, env)}; jobs: {args.jobs}", flush=True)

    variants = [("aligntm", [])] + ([] if args.no_baseline else [("length-only", ["--length-only"])])
    rows, failures = [], []
    try:
        for pair, name, src, tgt, set_dir in chosen:
            print(f"\n== {pair}/{name}", flush=True)
            row = {"pair": pair, "set": name, "docs": None, "target": target_of(pair, name),
                   "status": "-", "runs": {}}
            rows.append(row)
            for variant, extra in variants:
                out = work / pair / name / variant
                cmd = aligntm + ["batch", str(set_dir / src), str(set_dir / tgt), str(out), "--presegmented",
                                 "-s", src, "-t", tgt, "-q", "-j", str(args.jobs)] + extra
                score_cmd = aligntm + ["score", str(set_dir / "gold"), str(out), "--json"]
                record = {"command": show(cmd, env), "score_command": show(score_cmd, env)}
                row["runs"][variant] = record
                try:
                    _, record["seconds"] = run(cmd, env)
                    proc, record["score_seconds"] = run(score_cmd, env)
                    try:
                        score = json.loads(proc.stdout)
                    except json.JSONDecodeError as e:
                        raise RunError(f"`aligntm score --json` printed no valid JSON ({e})") from None
                except RunError as e:
                    record["error"] = str(e)
                    failures.append(f"{pair}/{name} ({variant}): {e}")
                    print(f"   FAILED: {e}", flush=True)
                    if variant == "aligntm":
                        row["status"] = "FAIL"
                    continue
                record["strict_f1"] = score["strict"]["f1"]
                record["lax_f1"] = score["lax"]["f1"]
                record["score"] = score
                row["docs"] = score["documents"]
                record["seconds_per_1k"] = record["seconds"] / max(1, _sentences(set_dir / src)) * 1000
                print(f"   {variant}: strict F1 {record['strict_f1']:.4f}, lax F1 {record['lax_f1']:.4f}, "
                      f"{record['seconds']:.1f} s", flush=True)
            a = row["runs"]["aligntm"]
            if "strict_f1" in a and row["target"] is not None:
                row["status"] = "PASS" if a["strict_f1"] >= row["target"] else "MISS"
        rows += pivot_rows(rows, work, eval_dir)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print()
    print_table(rows, not args.no_baseline)
    judged = [r for r in rows if r["status"] in ("PASS", "MISS")]
    print(f"\n{sum(r['status'] == 'PASS' for r in judged)} of {len(judged)} sets with a target meet it.")
    print("target = strict F1 to reach; " + ("" if args.no_baseline else
          "base = --length-only (the Gale-Church baseline); ") +
          f"secs = wall time of one `aligntm batch` run with -j {args.jobs}; "
          "s/1k = those seconds per 1,000 source sentences (start-up included)")
    for note in notes:
        print(f"note: {note}")

    if args.json:
        figures = {
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "eval": str(eval_dir), "jobs": args.jobs, "aligntm": show(aligntm, env),
            "aligntm_version": _version(), "python": platform.python_version(),
            "platform": platform.platform(), "outputs": str(work) if args.keep else None,
            "notes": notes, "failures": failures, "results": rows,
        }
        try:
            args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        except OSError as e:
            print(f"bench_accuracy: error: cannot write {args.json}: {e}", file=sys.stderr)
            return 1
        print(f"figures written to {args.json}")
    if failures:
        for f in failures:
            print(f"bench_accuracy: error: {f}", file=sys.stderr)
        return 1
    return 0


def pivot_rows(rows: list[dict], work: Path, eval_dir: Path) -> list[dict]:
    """X-Y obtained through a pivot P from the X-P and Y-P runs of the same set, scored against
    X-Y's gold (e.g. ja-lo through en, beside ja-lo aligned directly)."""
    import align.pivot as pivot
    from align.aligner import Bead
    from align.formats.beads import read_beads
    from align.score import Score

    done = {(r["pair"], r["set"]) for r in rows if "strict_f1" in r["runs"].get("aligntm", {})}
    out = []
    for pair, name in sorted({(r["pair"], r["set"]) for r in rows}):
        x, y = pair.split("-")
        for p in sorted({q.split("-")[1] for q, _ in done}):
            if p in (x, y) or (f"{x}-{p}", name) not in done or (f"{y}-{p}", name) not in done:
                continue
            gold_dir = eval_dir / pair / name / "gold"
            pivot_docs = eval_dir / f"{x}-{p}" / name / p
            if not _same_documents(pivot_docs, eval_dir / f"{y}-{p}" / name / p):
                continue  # each pair has its own noise (flores-docs): no common pivot text
            total = Score()
            for gold in sorted(gold_dir.iterdir()):
                beads = {lang: [Bead(s, t) for s, t in read_beads(work / f"{lang}-{p}" / name / "aligntm" / gold.name)]
                         for lang in (x, y)}
                n_pivot = len((pivot_docs / gold.name).read_text(encoding="utf-8").splitlines())
                units = pivot.join_on_pivot(beads, n_pivot, p)
                test = [(u.sentences.get(x, ()), u.sentences.get(y, ())) for u in units
                        if u.sentences.get(x) or u.sentences.get(y)]
                total.add(read_beads(gold), test)
            target = target_of(pair, name)
            row = {"pair": pair, "set": f"{name} (via {p})", "docs": total.documents, "target": target,
                   "status": "-", "runs": {"aligntm": {"strict_f1": total.f1_strict, "lax_f1": total.f1_lax,
                                                      "score": total.as_dict(),
                                                      "command": f"{x}-{p} and {y}-{p} beads joined on {p}"}}}
            if target is not None:
                row["status"] = "PASS" if total.f1_strict >= target else "MISS"
            print(f"\n== {pair}/{name} through {p}: strict F1 {total.f1_strict:.4f}, lax F1 {total.f1_lax:.4f}")
            out.append(row)
    return out


def _same_documents(a: Path, b: Path) -> bool:
    names = sorted(f.name for f in a.iterdir() if f.is_file())
    return names == sorted(f.name for f in b.iterdir() if f.is_file()) and all(
        (a / n).read_bytes() == (b / n).read_bytes() for n in names)


def _sentences(directory: Path) -> int:
    """Source sentences of a set (one per line), for seconds per 1,000 sentences."""
    return sum(len(f.read_text(encoding="utf-8").splitlines()) for f in directory.iterdir() if f.is_file())


def _version() -> str | None:
    try:
        from importlib.metadata import version
        return version("aligntm")
    except Exception:
        return None


if __name__ == "__main__":
    sys.exit(main())
