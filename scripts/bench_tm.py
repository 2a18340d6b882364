#!/usr/bin/env python3
"""Translation memory benchmark: a memory of 1 million units, imported, looked up, analysed.

The memory is built from the aligned ja-en evaluation sets (../shared/eval/ja-en: kyoto-dev,
bsd-dev, wmt21, flores-devtest, coursera; kyoto-dev-noisy is left out, it repeats kyoto-dev):
every gold bead with text on both sides is a sentence pair (Japanese sentences joined without
a space, English ones with one). Every 25th pair is held out. The other pairs are repeated
with deterministic variations until there are --units distinct units (default 1,000,000):
copy r of a pair has its first number shifted by r on both sides (or a paragraph number
"（r）" / "(r)" put in front), and, at random (seeded), full-width digits and letters, a
comma dropped, a word (English) or character (Japanese) replaced by one from another pair,
two words swapped, or a connective ("また、" / "Also, ") added.

Steps, each timed:
  1. write the units as a TMX 1.4b file (tm.tmx.TmxWriter: what `aligntm align --tmx` writes)
  2. `aligntm tm create` + `aligntm tm import MEMORY FILE.tmx -q` in a subprocess (the real CLI):
     import time, peak memory of the import, database size
  3. lookups from Python (TranslationMemory.lookup, k=5, --min 70) of 500 queries: 250 held-out
     Japanese sentences (new text) and 250 memory sentences edited afresh (a different seed):
     median, 95th percentile and mean latency, and the share with a match. For 50 of them the
     best percentage found through the index is compared with a brute-force scan of all
     Japanese texts of the memory (rapidfuzz over the matching forms).
  4. one `aligntm tm lookup` through the CLI (process start included)
  5. analysis (TranslationMemory.analyze) of a document of about 1000 segments (600 memory
     sentences edited 1-3 times, 300 held-out sentences, 100 repeated), and its match bands

The TMX and the memory go to a temporary directory that is deleted at the end (or to --keep
DIR, outside the repository: the texts are evaluation data). Needs about 1.5 GB of disk.

    python scripts/bench_tm.py                       # 1M units, ~10-20 minutes on 2 cores
    python scripts/bench_tm.py --units 100000        # a quick run
"""
from __future__ import annotations

import argparse
import json
import math
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_EVAL = REPO.parent / "shared" / "eval"
SETS = ("kyoto-dev", "bsd-dev", "wmt21", "flores-devtest", "coursera")
HOLD_OUT_EVERY = 25
QUERIES = 500
BRUTE_FORCE_CHECKS = 50
ANALYSIS_SEGMENTS = 1000

try:
    import tm  # noqa: F401
except ImportError:
    sys.path.insert(0, str(REPO))


class Fatal(Exception):
    """A usage or setup problem: one line on stderr, exit code 2."""


def load_pairs(eval_dir: Path) -> list[tuple[str, str]]:
    """(Japanese, English) of every gold bead with text on both sides, in a fixed order."""
    pairs = []
    root = eval_dir / "ja-en"
    for name in SETS:
        gold_dir = root / name / "gold"
        if not gold_dir.is_dir():
            continue
        for gold in sorted(gold_dir.iterdir()):
            ja = (root / name / "ja" / gold.name).read_text(encoding="utf-8").split("\n")
            en = (root / name / "en" / gold.name).read_text(encoding="utf-8").split("\n")
            for line in gold.read_text(encoding="utf-8").splitlines():
                if not line.strip():
                    continue
                s, t = line.split(":")
                s, t = json.loads(s), json.loads(t)
                if s and t:
                    ja_text = "".join(ja[i].strip() for i in s)
                    en_text = " ".join(en[i].strip() for i in t)
                    if ja_text and en_text:
                        pairs.append((ja_text, en_text))
    if not pairs:
        raise Fatal(f"{root}: no gold beads found in {', '.join(SETS)}")
    return pairs


_NUMBER = re.compile(r"\d+")
_FULLWIDTH = {c: chr(ord(c) + 0xFEE0) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"}
_JA_CHARS = "のにはをがでとしたる本会議国際協力政府年月日文化交流経済発展支援"


def renumber(ja: str, en: str, r: int) -> tuple[str, str]:
    """Shift the first number of both sides by R, or put a paragraph number R in front."""
    m_ja, m_en = _NUMBER.search(ja), _NUMBER.search(en)
    if m_ja and m_en and m_ja.group() == m_en.group():
        new = str(int(m_ja.group()) + r)
        return (ja[:m_ja.start()] + new + ja[m_ja.end():], en[:m_en.start()] + new + en[m_en.end():])
    return f"（{r}）{ja}", f"({r}) {en}"


def edit(ja: str, en: str, rng: random.Random, pool: list[tuple[str, str]]) -> tuple[str, str]:
    """One random variation of the kinds translators meet in memories."""
    kind = rng.randrange(5)
    if kind == 0:                                  # width: full-width digits and letters
        return "".join(_FULLWIDTH.get(c, c) for c in ja), en
    if kind == 1:                                  # punctuation: a comma dropped
        return ja.replace("、", "", 1), en.replace(",", "", 1)
    if kind == 2:                                  # a word / a character replaced
        other_ja, other_en = pool[rng.randrange(len(pool))]
        words, other_words = en.split(), other_en.split()
        if len(words) > 2 and other_words:
            words[rng.randrange(len(words))] = rng.choice(other_words)
        i = rng.randrange(len(ja)) if ja else 0
        return ja[:i] + rng.choice(_JA_CHARS) + ja[i + 1:], " ".join(words)
    if kind == 3:                                  # two words swapped
        words = en.split()
        if len(words) > 3:
            i = rng.randrange(len(words) - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
        i = rng.randrange(max(1, len(ja) - 1))
        return ja[:i] + ja[i + 1:i + 2] + ja[i:i + 1] + ja[i + 2:], " ".join(words)
    prefix = rng.choice([("また、", "Also, "), ("さらに、", "Furthermore, "), ("一方、", "Meanwhile, ")])
    return prefix[0] + ja, prefix[1] + en[:1].lower() + en[1:]


def build_units(train: list[tuple[str, str]], n_units: int, seed: int = 1):
    """Yield N_UNITS distinct (ja, en, r) pairs: the pairs themselves, then their variations."""
    seen = set()
    rng = random.Random(seed)
    r = 0
    while True:
        for ja, en in train:
            if r:
                ja, en = renumber(ja, en, r)
                for _ in range(rng.randrange(3)):
                    ja, en = edit(ja, en, rng, train)
            key = hash((ja, en))
            if key in seen:
                continue
            seen.add(key)
            yield ja, en, r
            if len(seen) >= n_units:
                return
        r += 1


def write_tmx(path: Path, train, n_units: int) -> int:
    from tm.tmx import TmxWriter
    with TmxWriter(path, srclang="ja-JP") as tmx:
        for ja, en, r in build_units(train, n_units):
            tmx.add({"ja-JP": ja, "en-US": en}, {"x-confidence": f"{0.5 + (r % 50) / 100:.3f}",
                                                   "x-document": f"bench-{r:03d}"})
    return tmx.count


def run(cmd: list[str], **kw) -> tuple[float, subprocess.CompletedProcess]:
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    seconds = time.perf_counter() - t
    if proc.returncode != 0:
        raise Fatal(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
    return seconds, proc


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, math.ceil(q / 100 * len(ordered)) - 1)
    return ordered[k]


def brute_force_best(memory, queries: list[str]) -> list[int | None]:
    """Best match percentage of each query over all Japanese texts, without the index."""
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein
    from tm.match import match_form
    texts = [text for (text,) in memory.conn.execute("SELECT text FROM variants WHERE base = 'ja'")]
    forms = [match_form(text, "ja") for text in texts]
    out = []
    for q in queries:
        qf = match_form(q, "ja")
        hit = process.extractOne(qf, forms, scorer=Levenshtein.normalized_distance, score_cutoff=0.3)
        if hit is None:
            out.append(None)
            continue
        d = Levenshtein.distance(qf, hit[0])
        if d == 0:                     # identical, or identical but for width, case and spacing
            out.append(100 if q in texts else 99)
        else:
            out.append(min(98, math.floor(100 * (1 - d / max(len(qf), len(hit[0]))) + 1e-9)))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark of the translation memory on 1M units built from ../shared/eval/ja-en: "
                    "TMX import time, database size, lookup latency (median, p95), analysis time.",
        epilog=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=1_000_000, help="units in the memory (default 1000000)")
    parser.add_argument("--eval", metavar="DIR", type=Path, default=DEFAULT_EVAL,
                        help=f"evaluation data holding ja-en (default {DEFAULT_EVAL})")
    parser.add_argument("--keep", metavar="DIR", type=Path,
                        help="keep the TMX and the memory in DIR (new or empty, outside the repository)")
    parser.add_argument("--json", metavar="FILE", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    try:
        return bench(args)
    except Fatal as e:
        print(f"bench_tm: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bench_tm: interrupted", file=sys.stderr)
        return 130


def bench(args) -> int:
    from tm.store import TranslationMemory
    eval_dir = args.eval.expanduser().resolve()
    if not (eval_dir / "ja-en").is_dir():
        raise Fatal(f"evaluation data not found: {eval_dir / 'ja-en'} (give --eval DIR)")
    if args.units < 1000:
        raise Fatal("--units must be at least 1000")
    if args.keep:
        work = args.keep.expanduser().resolve()
        if REPO in work.parents or work == REPO or eval_dir in work.parents:
            raise Fatal(f"--keep {work}: inside the repository or the evaluation data; keep it elsewhere")
        if work.exists() and (not work.is_dir() or any(work.iterdir())):
            raise Fatal(f"--keep {work}: exists and is not an empty directory")
        work.mkdir(parents=True, exist_ok=True)
    else:
        work = Path(tempfile.mkdtemp(prefix="aligntm-bench-tm-"))
    figures: dict = {"units_asked": args.units}
    py = sys.executable
    try:
        pairs = load_pairs(eval_dir)
        held_out = pairs[::HOLD_OUT_EVERY]
        train = [p for i, p in enumerate(pairs) if i % HOLD_OUT_EVERY]
        print(f"data: {eval_dir / 'ja-en'} ({', '.join(SETS)}): {len(pairs)} pairs, {len(train)} used, "
              f"{len(held_out)} held out")
        print(f"work: {work}" + ("" if args.keep else " (temporary, deleted at the end)"), flush=True)

        tmx_path, memory_path = work / "bench.tmx", work / "bench.tm"
        t = time.perf_counter()
        n = write_tmx(tmx_path, train, args.units)
        figures.update(units=n, tmx_mb=tmx_path.stat().st_size / 1e6, tmx_write_s=time.perf_counter() - t)
        print(f"1. wrote {n} units to {tmx_path.name} ({figures['tmx_mb']:.0f} MB) in {figures['tmx_write_s']:.0f} s",
              flush=True)

        cli = [py, "-m", "align.cli", "tm"]
        run(cli + ["create", str(memory_path)])
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        import_cmd = cli + ["import", str(memory_path), str(tmx_path), "-q"]
        seconds, proc = run(import_cmd)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        figures.update(import_s=seconds, import_units_per_s=n / seconds, db_mb=memory_path.stat().st_size / 1e6,
                       import_peak_rss_mb=max(peak, before) / 1024, import_command=" ".join(import_cmd[1:]))
        print(f"2. aligntm tm import: {seconds:.0f} s ({n / seconds:.0f} units/s), database "
              f"{figures['db_mb']:.0f} MB, peak memory {figures['import_peak_rss_mb']:.0f} MB "
              f"[{proc.stderr.strip().splitlines()[-1]}]", flush=True)

        rng = random.Random(7)
        novel = [ja for ja, _ in held_out[:QUERIES // 2]]
        edited = []
        for ja, en in rng.sample(train, QUERIES - len(novel)):
            for _ in range(1 + rng.randrange(2)):
                ja, en = edit(ja, en, rng, train)
            edited.append(ja)
        queries = [(q, "held-out") for q in novel] + [(q, "edited") for q in edited]
        rng.shuffle(queries)
        with TranslationMemory.open(memory_path) as memory:
            for q, _ in queries[:5]:                                  # warm the page cache
                memory.lookup(q, "ja", "en")
            times: dict[str, list[float]] = {"held-out": [], "edited": []}
            found: dict[str, int] = {"held-out": 0, "edited": 0}
            best: dict[str, int | None] = {}
            for q, kind in queries:
                t = time.perf_counter()
                matches = memory.lookup(q, "ja", "en", k=5, min_percent=70)
                times[kind].append((time.perf_counter() - t) * 1000)
                found[kind] += bool(matches)
                best[q] = matches[0].percent if matches else None
            all_ms = times["held-out"] + times["edited"]
            figures["lookup"] = {
                "queries": len(all_ms), "median_ms": statistics.median(all_ms), "p95_ms": percentile(all_ms, 95),
                "mean_ms": statistics.fmean(all_ms), "max_ms": max(all_ms),
                **{f"{kind}_median_ms": statistics.median(v) for kind, v in times.items()},
                **{f"{kind}_p95_ms": percentile(v, 95) for kind, v in times.items()},
                **{f"{kind}_with_match": found[kind] / len(times[kind]) for kind in times}}
            lk = figures["lookup"]
            print(f"3. lookup (Python, k=5, min 70%), {lk['queries']} queries: median {lk['median_ms']:.1f} ms, "
                  f"p95 {lk['p95_ms']:.1f} ms, mean {lk['mean_ms']:.1f} ms, max {lk['max_ms']:.0f} ms; "
                  f"edited memory sentences: median {lk['edited_median_ms']:.1f} / p95 {lk['edited_p95_ms']:.1f} ms, "
                  f"{lk['edited_with_match']:.0%} with a match; held-out: median {lk['held-out_median_ms']:.1f} / "
                  f"p95 {lk['held-out_p95_ms']:.1f} ms, {lk['held-out_with_match']:.0%} with a match", flush=True)

            check = [q for q, _ in queries[:BRUTE_FORCE_CHECKS]]
            t = time.perf_counter()
            brute = brute_force_best(memory, check)
            same = sum(1 for q, b in zip(check, brute) if (b if b is not None and b >= 70 else None) == best[q])
            figures["index_vs_brute_force"] = {"queries": len(check), "same_best_percentage": same,
                                               "brute_force_s_per_query": (time.perf_counter() - t) / len(check)}
            print(f"   index vs brute force: the same best percentage for {same}/{len(check)} queries "
                  f"(brute force: {figures['index_vs_brute_force']['brute_force_s_per_query']:.2f} s a query)",
                  flush=True)

            lookup_cmd = cli + ["lookup", str(memory_path), edited[0], "-s", "ja", "-t", "en"]
            seconds, _ = run(lookup_cmd)
            figures["cli_lookup_s"] = seconds
            print(f"4. aligntm tm lookup (one query, process start included): {seconds:.2f} s", flush=True)

            doc_rng = random.Random(11)
            segments = [ja for ja, _ in held_out[len(novel):len(novel) + 3 * ANALYSIS_SEGMENTS // 10]]
            for ja, en in doc_rng.sample(train, 6 * ANALYSIS_SEGMENTS // 10):
                for _ in range(1 + doc_rng.randrange(3)):
                    ja, en = edit(ja, en, doc_rng, train)
                segments.append(ja)
            segments += [doc_rng.choice(segments) for _ in range(ANALYSIS_SEGMENTS - len(segments))]
            doc_rng.shuffle(segments)
            doc = work / "document.ja.txt"
            doc.write_text("\n\n".join(segments) + "\n", encoding="utf-8")
            t = time.perf_counter()
            analysis = memory.analyze(doc, "ja", "en")
            figures["analysis_s"] = time.perf_counter() - t
            figures["analysis_segments"] = len(analysis.segments)
            figures["analysis_bands"] = analysis.rows()
            print(f"5. analysis of a {len(analysis.segments)}-segment document: {figures['analysis_s']:.1f} s")
            print("\n".join("   " + line for line in analysis.table().splitlines()[2:]))
        print()
        print(f"command: {' '.join([Path(py).name, 'scripts/bench_tm.py'] + (argv_str(args)))}")
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def argv_str(args) -> list[str]:
    out = []
    if args.units != 1_000_000:
        out += ["--units", str(args.units)]
    return out


if __name__ == "__main__":
    sys.exit(main())
