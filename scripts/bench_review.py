#!/usr/bin/env python3
"""Review editor benchmark: the aligner with a reviewer's fixed beads, and `aligntm review` on a
10,000-pair document.

1. Accuracy (--accuracy). For every document of each evaluation set (default: ja-en kyoto-dev-noisy,
   kyoto-dev, wmt21, coursera; lo-en and ja-lo flores-devtest), read one sentence per line
   (align.document.make_document(text, lang, presegmented=True)) and the gold beads
   (align.formats.beads.read_beads), and align it twice with align.aligner.align_features: as is,
   and with fixed= the gold beads of every Nth source sentence (--every N, default 10: each gold
   bead whose first source index is a multiple of N), as a reviewer who confirmed those rows.
   Scored with align.score.Score (strict F1, micro-averaged over the set's documents):
     F1 without / with        every gold bead against the aligner's beads
     not fixed, without / with  the gold beads that were not fixed against the aligner's beads
                              minus the fixed ones: what the fixes repaired beyond themselves.
   Documents run in -j worker processes.

2. Speed (--speed). Two files of 10,000 lines (--rows), the first lines of the kyoto-dev Japanese
   and English documents concatenated in name order, are written to a temporary directory, then:
   - `aligntm review ja.txt en.txt --presegmented --no-browser --port 0`: seconds until it prints
     its address (start, alignment, review file), then GET /api/doc/0/state (ms and MB);
   - headless Chromium (Debian's chromium and /usr/bin/chromedriver, through Selenium, offline):
     from driver.get(address) until body[data-ready="1"] (--page-loads times; the page's own
     data-ready-ms too), then scrolling #viewport to its end until div.row[data-row=LAST] is in
     the DOM. Skipped with a note when selenium or chromedriver is missing (or --no-browser);
   - realign (POST /realign, timed): confirm row R (a third of the way down) and R+200, realign
     (the first realign after the start: every run of rows next to a new fixed row is realigned,
     from both fixed rows), then confirm the row 200 below the last confirmed one and realign
     again. Done before the edits below, whose confirmed rows would otherwise be new fixed rows
     for the first realign too;
   - edit latency over HTTP (urllib, header X-Aligntm-Token), each answer sent only once the
     edit is fsync'ed: 50 confirms on scattered rows, then 20 merges each followed by its undo;
     median and 95th percentile;
   - SIGINT, and the server must exit 0; then the same command again resumes the review (seconds
     until the address, the journal replayed), and is stopped the same way.
   Targets (from the issue): open < 2 s (the page, driver.get to rendered), an edit < 100 ms
   (95th percentile), realign of fixed rows 200 apart < 1 s.

The evaluation data is only read where it is (../shared/eval next to the repository, or --eval);
the 10,000-line files and the review file go to a temporary directory deleted at the end.
Exit code: 0; 1 if a document, the server or a request failed; 2 on bad usage or missing data.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import queue
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

DEFAULT_EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"

# what the other benchmarks already do: the aligntm command, errors, figures, sets, kyoto-dev, statistics
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_accuracy import Fatal, _f, _import_langs, _version, aligntm_command, show, eval_dir_of, run_main  # noqa: E402
from bench_documents import choose_sets  # noqa: E402
from bench_speed import Fatal as SpeedFatal, load_average, load_kyoto, median, table  # noqa: E402
from bench_tm import percentile  # noqa: E402

DEFAULT_SETS = ["ja-en/kyoto-dev-noisy", "ja-en/kyoto-dev", "ja-en/wmt21", "ja-en/coursera",
                "lo-en/flores-devtest", "ja-lo/flores-devtest"]
KINDS = ("without", "with", "free_without", "free_with")   # the four scores of each document
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
OPEN_TARGET_S, EDIT_TARGET_MS, REALIGN_TARGET_S = 2.0, 100.0, 1.0
GAP = 200                 # rows between the fixed rows realigned around
CONFIRMS, MERGES = 50, 20
START_TIMEOUT = 900       # seconds `aligntm review` may take to print its address
STOP_TIMEOUT = 15         # ... to exit after SIGINT
HTTP_TIMEOUT = 120

EPILOG = """examples:
  python scripts/bench_review.py                                  (both parts, all default sets)
  python scripts/bench_review.py --accuracy --sets ja-en/kyoto-dev-noisy -j 2
  python scripts/bench_review.py --speed --json review.json
  python scripts/bench_review.py --speed --rows 2000 --no-browser

targets: open < 2 s (the page in the browser, driver.get to rendered), an edit < 100 ms (95th
percentile of each kind), realign between fixed rows 200 apart < 1 s. The accuracy part has no
target: it shows how much fixing every Nth gold bead improves the beads around the fixed ones.
needs: the browser measurement needs selenium (in this Python: pip install -e '.[test]') and the
Debian packages chromium and chromium-driver; without them it is skipped with a note.
"""


class RunError(Exception):
    """A request, the server or a document failed: reported, exit code 1."""


# --- 1. accuracy with fixed beads --------------------------------------------------------------

def align_document(task):
    """(name, figures or None, error or None) of one document: the four Scores (KINDS)."""
    set_dir, src, tgt, name, every = task
    set_dir = Path(set_dir)
    try:
        from align.aligner import align_features
        from align.document import make_document
        from align.formats.beads import read_beads
        from align.score import Score
        from align.textio import read_text
        gold = read_beads(set_dir / "gold" / name)
        s = make_document(read_text(set_dir / src / name), src, presegmented=True, name=f"{src}/{name}")
        t = make_document(read_text(set_dir / tgt / name), tgt, presegmented=True, name=f"{tgt}/{name}")
        s_feats, t_feats = s.features, t.features
        fixed = [b for b in gold if b[0] and b[0][0] % every == 0]
        start = time.perf_counter()
        plain = [(b.src, b.tgt) for b in align_features(s_feats, t_feats)]
        middle = time.perf_counter()
        helped = [(b.src, b.tgt) for b in align_features(s_feats, t_feats, fixed=fixed)]
        seconds = (middle - start, time.perf_counter() - middle)
    except Exception as e:   # one document's failure is reported, the others still count
        return name, None, f"{type(e).__name__}: {e}"
    fixed_set = set(fixed)
    lost = fixed_set - set(helped)
    if lost:
        return name, None, f"{len(lost)} fixed bead(s) not kept by the aligner, e.g. {sorted(lost)[0]}"
    free_gold = [b for b in gold if b not in fixed_set]
    scores = {"without": Score().add(gold, plain), "with": Score().add(gold, helped),
              "free_without": Score().add(free_gold, [b for b in plain if b not in fixed_set]),
              "free_with": Score().add(free_gold, [b for b in helped if b not in fixed_set])}
    return name, {"scores": scores, "gold": len(gold), "fixed": len(fixed), "seconds": seconds}, None


def bench_accuracy(args, eval_dir: Path, supported: set[str], figures: dict, failures: list[str]) -> None:
    from align.score import Score
    chosen, notes = choose_sets(eval_dir, args.sets, supported)
    figures["accuracy"] = {"every": args.every, "jobs": args.jobs, "notes": notes, "sets": []}
    for note in notes:
        print(f"note: {note}", flush=True)
    if not chosen:
        print("accuracy: no set to run")
        return
    print(f"\n== accuracy: the gold bead of every {args.every}th source sentence fixed; {args.jobs} worker(s)",
          flush=True)
    rows = figures["accuracy"]["sets"]
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    pool = ProcessPoolExecutor(args.jobs, mp_context=multiprocessing.get_context("fork") if can_fork else None) \
        if args.jobs > 1 else None
    try:
        for s in chosen:
            tasks = [(str(s.dir), s.src, s.tgt, name, args.every) for name in s.docs]
            start = time.perf_counter()
            results = pool.map(align_document, tasks, chunksize=max(1, len(tasks) // (args.jobs * 8))) \
                if pool else map(align_document, tasks)
            totals = {k: Score() for k in KINDS}
            row = {"set": s.label, "docs": 0, "failed": {}, "gold_beads": 0, "fixed_beads": 0,
                   "align_seconds": [0.0, 0.0]}
            for name, got, error in results:
                if error:
                    row["failed"][name] = error
                    failures.append(f"{s.label}/{name}: {error}")
                    continue
                row["docs"] += 1
                row["gold_beads"] += got["gold"]
                row["fixed_beads"] += got["fixed"]
                for k in KINDS:
                    totals[k] += got["scores"][k]
                for i in (0, 1):
                    row["align_seconds"][i] += got["seconds"][i]
            row["seconds"] = time.perf_counter() - start
            for k in KINDS:
                row[f"f1_{k}"] = totals[k].f1_strict if row["docs"] else None
                row[f"score_{k}"] = totals[k].as_dict()
            rows.append(row)
            failed = f", {len(row['failed'])} FAILED" if row["failed"] else ""
            print(f"   {s.label}: {row['docs']} documents{failed}, {row['fixed_beads']} of {row['gold_beads']} gold "
                  f"beads fixed; strict F1 {_f(row['f1_without'])} -> {_f(row['f1_with'])}, not fixed "
                  f"{_f(row['f1_free_without'])} -> {_f(row['f1_free_with'])}; {row['seconds']:.1f} s", flush=True)
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)


def print_accuracy(acc: dict) -> None:
    if not acc.get("sets"):
        return
    gain = lambda a, b: "-" if a is None or b is None else f"{b - a:+.4f}"
    print(f"\nAccuracy with fixed beads (the gold bead of every {acc['every']}th source sentence), strict F1:\n")
    table(["set", "docs", "gold beads", "fixed", "F1 without", "F1 with", "gain",
           "not fixed: without", "with", "gain", "secs"],
          [[r["set"], f"{r['docs']}" + (f" ({len(r['failed'])} failed)" if r["failed"] else ""),
            f"{r['gold_beads']}", f"{r['fixed_beads']} ({r['fixed_beads'] / max(1, r['gold_beads']):.0%})",
            _f(r["f1_without"]), _f(r["f1_with"]), gain(r["f1_without"], r["f1_with"]),
            _f(r["f1_free_without"]), _f(r["f1_free_with"]), gain(r["f1_free_without"], r["f1_free_with"]),
            f"{r['seconds']:.1f}"] for r in acc["sets"]])
    print("\nwithout = align_features alone; with = the same with those gold beads fixed (fixed=); not fixed = "
          "the gold beads that were not\nfixed against the aligner's beads minus the fixed ones (the fixes' "
          f"effect on their neighbours); secs = wall time of the set\n(two alignments per document, -j "
          f"{acc['jobs']}).")


# --- 2. the editor on a long document ------------------------------------------------------------

class Server:
    """`aligntm review ...` in a subprocess; its address from stdout, its stderr kept."""

    def __init__(self, cmd: list[str], env, cwd: Path):
        print(f"$ {show(cmd, env)}", flush=True)
        self.start = time.perf_counter()
        try:
            self.process = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                            stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace")
        except OSError as e:
            raise RunError(f"cannot run {cmd[0]}: {e}") from None
        self.stderr: list[str] = []
        self._lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._pump, args=(self.process.stdout, self._lines.put), daemon=True).start()
        self._err = threading.Thread(target=self._pump, args=(self.process.stderr, self.stderr.append), daemon=True)
        self._err.start()
        self.url = self.token = self.base = None
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))   # never through a proxy

    @staticmethod
    def _pump(stream, put):
        for line in stream:
            put(line)
        put(None)

    def _last_error(self) -> str:
        self._err.join(5)
        lines = [l.strip() for l in self.stderr if l and l.strip()]
        return " | ".join(lines[-2:]) or "(no message)"

    def wait_url(self) -> float:
        """Seconds from the start until the server printed its address."""
        deadline = time.monotonic() + START_TIMEOUT
        while self.url is None:
            try:
                line = self._lines.get(timeout=max(0.05, deadline - time.monotonic()))
            except queue.Empty:
                raise RunError(f"aligntm review printed no address within {START_TIMEOUT} s") from None
            if line is None:
                code = self.process.wait(10)
                raise RunError(f"aligntm review exited with code {code} before serving: {self._last_error()}")
            if line.startswith("http://"):
                seconds = time.perf_counter() - self.start
                self.url = line.strip()
        parts = urllib.parse.urlsplit(self.url)
        self.token = urllib.parse.parse_qs(parts.query).get("token", [""])[0]
        self.base = f"{parts.scheme}://{parts.netloc}"
        return seconds

    def api(self, path: str, body: dict | None = None) -> tuple[dict, float, int]:
        """GET PATH (POST BODY to it): the decoded answer, seconds until it was read, its bytes."""
        data = None if body is None else json.dumps(body).encode()
        headers = {"X-Aligntm-Token": self.token}
        if data is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        start = time.perf_counter()
        try:
            with self.opener.open(request, timeout=HTTP_TIMEOUT) as answer:
                raw = answer.read()
        except urllib.error.HTTPError as e:
            try:
                message = json.loads(e.read()).get("error")
            except Exception:
                message = e.reason
            raise RunError(f"{'POST' if data else 'GET'} {path} {body or ''}: HTTP {e.code}: {message}") from None
        except OSError as e:   # URLError, timeouts, refused connections
            raise RunError(f"{'POST' if data else 'GET'} {path}: {getattr(e, 'reason', None) or e}") from None
        seconds = time.perf_counter() - start
        return json.loads(raw), seconds, len(raw)

    def cpu(self) -> float | None:
        """CPU seconds (user + system) the server has used so far; None where /proc is not."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return None

    def stop(self) -> tuple[int | None, float]:
        """SIGINT; the exit code (None: it had to be killed) and the seconds it took."""
        start = time.perf_counter()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            code = self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            code = None
        return code, time.perf_counter() - start


def build_document(docs, n: int, work: Path) -> tuple[Path, Path, dict]:
    """ja.txt and en.txt of N lines each in WORK: the kyoto-dev documents DOCS (load_kyoto)
    concatenated in name order (repeated if the set is shorter), the first N lines of each side."""
    ja = [l for _, j, _ in docs for l in j]
    en = [l for _, _, e in docs for l in e]
    copies = max(-(-n // len(ja)), -(-n // len(en)))
    ja_path, en_path = work / "ja.txt", work / "en.txt"
    ja_path.write_text("\n".join((ja * copies)[:n]) + "\n", encoding="utf-8")
    en_path.write_text("\n".join((en * copies)[:n]) + "\n", encoding="utf-8")
    return ja_path, en_path, {"documents": len(docs), "ja_lines": len(ja), "en_lines": len(en), "copies": copies}


def browser_missing() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return f"selenium is not installed in {sys.executable} (pip install -e '.[test]')"
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not Path(path).is_file():
            return f"{path} is missing (apt-get install {package})"
    return None


SCROLL_JS = """
const vp = document.getElementById('viewport');
const last = +document.getElementById('counts').dataset.rows - 1;
const sel = '#rows > div.row[data-row="' + last + '"]';
window.__bench = {last: last, t0: performance.now(), ms: null, rescrolls: 0};
const seen = () => {
  if (window.__bench.ms === null && document.querySelector(sel)) window.__bench.ms = performance.now() - window.__bench.t0;
};
new MutationObserver(seen).observe(document.getElementById('rows'), {childList: true});
vp.scrollTop = vp.scrollHeight;
seen();
return last;
"""
# polled after SCROLL_JS: when measured heights moved the end, scroll to it again (as a user would)
SCROLL_POLL_JS = """
const b = window.__bench, vp = document.getElementById('viewport');
if (b.ms === null && vp.scrollTop + vp.clientHeight < vp.scrollHeight - 2) { vp.scrollTop = vp.scrollHeight; b.rescrolls++; }
return b.ms === null ? null : b;
"""


def measure_browser(server: Server, loads: int, rows: int) -> dict:
    """Open the page LOADS times (seconds to rendered), then scroll to its last row."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait
    os.environ["SE_OFFLINE"] = "true"   # Selenium never downloads a browser or a driver
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--window-size=1400,1000", "--no-first-run", "--no-proxy-server",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"):
        options.add_argument(flag)
    out = {"loads": []}
    start = time.perf_counter()
    try:
        driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    except Exception as e:
        raise RunError(f"cannot start Chromium through chromedriver: {str(e).strip().splitlines()[0]}") from None
    out["browser_start_s"] = time.perf_counter() - start
    try:
        wait = WebDriverWait(driver, 120, poll_frequency=0.01)
        for _ in range(loads):
            start = time.perf_counter()
            driver.get(server.url)
            wait.until(lambda d: d.execute_script("return document.body.dataset.ready === '1'"), "page not ready")
            seconds = time.perf_counter() - start
            shown = driver.execute_script("return [document.body.dataset.readyMs, "
                                          "document.getElementById('counts').dataset.rows]")
            if int(shown[1]) != rows:
                raise RunError(f"the page shows {shown[1]} rows, the server has {rows}")
            out["loads"].append({"seconds": seconds, "ready_ms": float(shown[0]) if shown[0] else None})
            print(f"   page load: rendered after {seconds:.2f} s (the page's data-ready-ms: {shown[0]})", flush=True)
        start = time.perf_counter()
        last = driver.execute_script(SCROLL_JS)
        got = wait.until(lambda d: d.execute_script(SCROLL_POLL_JS), f"row {rows - 1} never rendered")
        out["scroll"] = {"seconds": time.perf_counter() - start, "in_page_ms": got["ms"],
                         "rescrolls": got["rescrolls"], "last_row": last}
        print(f"   scroll to the end: div.row[data-row={last}] in the DOM after {got['ms']:.0f} ms in the page "
              f"({out['scroll']['seconds'] * 1000:.0f} ms through WebDriver, {got['rescrolls']} re-scroll(s))",
              flush=True)
    finally:
        driver.quit()
    return out


def post(server: Server, what: str, state: dict, body: dict | None = None) -> tuple[dict, float, float | None]:
    """POST an edit (or undo, redo, realign) at the current version, keeping STATE's version: the
    answer, its seconds, and the server's CPU seconds meanwhile (None: unknown)."""
    before = server.cpu()
    answer, seconds, _ = server.api(f"/api/doc/0/{what}", dict(body or {}, version=state["version"]))
    after = server.cpu()
    state["version"] = answer["version"]
    return answer, seconds, None if before is None or after is None else after - before


def measure_realign(server: Server, state: dict, n_rows: int) -> list[dict]:
    """Confirm rows R and R+GAP, realign; confirm GAP rows further, realign again."""
    first = n_rows // 3
    if first + 2 * GAP >= n_rows:
        first = n_rows - 2 * GAP - 1
    out = []
    for step in range(2):
        if step == 0:
            fix = [first, first + GAP]
        else:   # rows may have been re-cut by the first realign: find the confirmed ones again
            rows = server.api("/api/doc/0/state")[0]["rows"]
            fix = [max(k for k, r in enumerate(rows) if r["status"] == "confirmed") + GAP]
            if fix[0] >= len(rows):
                break
        confirm_s = []
        for r in fix:
            confirm_s.append(post(server, "edit", state, {"op": "confirm", "row": r})[1])
        answer, seconds, cpu = post(server, "realign", state)
        record = {"confirmed": fix, "seconds": seconds, "cpu_seconds": cpu, "confirm_seconds": confirm_s,
                  "changed": len(answer["changed"]),
                  "removed": answer["removed"], "added": len(answer["rows"]), "rows_after": answer["counts"]["rows"]}
        out.append(record)
        what = ("first realign after the start, rows %d and %d newly fixed" % tuple(fix) if step == 0
                else f"row {fix[0]} newly fixed, {GAP} below the last")
        print(f"   realign ({what}): {seconds * 1000:.0f} ms (server CPU {_f(cpu and cpu * 1000, '{:.0f}')} ms), "
              f"{record['changed']} row(s) changed", flush=True)
    return out


def measure_edits(server: Server, state: dict, n_rows: int, taken: set[int]) -> dict:
    """CONFIRMS confirms on scattered rows, then MERGES merges each undone: ms of each request."""
    rng = random.Random(2025)
    free = [r for r in range(n_rows - 1) if r not in taken and r + 1 not in taken]
    picked = rng.sample(free, min(len(free), CONFIRMS + MERGES))
    confirm_rows, merge_rows = picked[:CONFIRMS], picked[CONFIRMS:]
    out = {"confirm": [], "merge": [], "undo": []}
    cpu = {k: [] for k in out}

    def timed(kind, what, body=None):
        answer, seconds, used = post(server, what, state, body)
        out[kind].append(seconds * 1000)
        cpu[kind].append(used)
        return answer

    for r in confirm_rows:
        timed("confirm", "edit", {"op": "confirm", "row": r})
    for r in merge_rows:
        answer = timed("merge", "edit", {"op": "merge", "row": r})
        if answer["counts"]["rows"] != n_rows - 1:
            raise RunError(f"merge of row {r}: {answer['counts']['rows']} rows after it, not {n_rows - 1}")
        answer = timed("undo", "undo")
        if answer["counts"]["rows"] != n_rows:
            raise RunError(f"undo of the merge of row {r}: {answer['counts']['rows']} rows, not {n_rows}")
    figures = {}
    for kind, values in out.items():
        used = None if None in cpu[kind] else sum(cpu[kind]) / len(cpu[kind]) * 1000
        figures[kind] = {"ms": values, "median_ms": median(values), "p95_ms": percentile(values, 95),
                         "max_ms": max(values), "mean_cpu_ms": used}
        print(f"   {kind}: {len(values)} requests, median {median(values):.1f} ms, 95th percentile "
              f"{percentile(values, 95):.1f} ms, slowest {max(values):.1f} ms; server CPU "
              f"{_f(used, '{:.1f}')} ms a request on average", flush=True)
    return figures


def bench_review(args, docs, aligntm: list[str], env, figures: dict, failures: list[str]) -> None:
    sp = figures["speed"] = {"rows_asked": args.rows, "notes": []}
    missing = None if args.no_browser else browser_missing()
    work = Path(tempfile.mkdtemp(prefix="aligntm-bench-review-"))
    server = None
    try:
        ja, en, made = build_document(docs, args.rows, work)
        sp["data"] = made
        repeat = f", the set repeated {made['copies']} times" if made["copies"] > 1 else ""
        print(f"\n== speed: {args.rows} lines a side from {made['documents']} kyoto-dev documents "
              f"({made['ja_lines']} ja / {made['en_lines']} en lines{repeat}) in {work} (temporary)", flush=True)
        cmd = aligntm + ["review", str(ja), str(en), "--presegmented", "--no-browser", "--port", "0"]
        sp["command"] = show(cmd, env)
        server = Server(cmd, env, work)
        sp["start_s"] = server.wait_url()
        sp["start_cpu_s"] = server.cpu()
        state, seconds, size = server.api("/api/doc/0/state")
        n_rows = len(state["rows"])
        review = work / "ja.review.jsonl"
        sp.update(rows=n_rows, state_ms=seconds * 1000, state_bytes=size,
                  review_file_bytes=review.stat().st_size if review.exists() else None)
        print(f"   serving after {sp['start_s']:.2f} s (align + review file, {n_rows} rows); GET state: "
              f"{seconds * 1000:.0f} ms, {size / 1e6:.1f} MB", flush=True)
        if args.no_browser:
            sp["notes"].append("browser part skipped (--no-browser)")
        elif missing:
            sp["notes"].append(f"browser part skipped: {missing}")
            print(f"note: the browser part is skipped: {missing}", flush=True)
        else:
            try:
                sp["browser"] = measure_browser(server, args.page_loads, n_rows)
            except RunError as e:
                failures.append(f"browser: {e}")
                print(f"   browser FAILED: {e}", flush=True)
        if n_rows > 2 * GAP + 1:
            sp["realign"] = measure_realign(server, state, n_rows)
        else:
            sp["notes"].append(f"realign skipped: {n_rows} rows, fewer than {2 * GAP + 2}")
        rows = server.api("/api/doc/0/state")[0]["rows"]
        fixed = {k for k, r in enumerate(rows) if r["status"] != "auto"}
        sp["edits"] = measure_edits(server, state, len(rows), fixed)
        code, seconds = server.stop()
        sp["stop"] = {"exit_code": code, "seconds": seconds}
        print(f"   SIGINT: exit code {code if code is not None else '(killed: no exit)'} after {seconds:.2f} s",
              flush=True)
        if code != 0:
            failures.append(f"aligntm review did not exit 0 on SIGINT (exit code {code}): {server._last_error()}")
        server = Server(cmd, env, work)     # the same command again: resumes the review file
        sp["resume_s"] = server.wait_url()
        sp["resume_cpu_s"] = server.cpu()
        state2, seconds, _ = server.api("/api/doc/0/state")
        sp["resume_state_ms"] = seconds * 1000
        if state2["version"] != state["version"]:
            failures.append(f"resumed review at version {state2['version']}, not {state['version']}")
        code, seconds = server.stop()
        sp["resume_stop"] = {"exit_code": code, "seconds": seconds}
        print(f"   resumed the review: serving after {sp['resume_s']:.2f} s (version {state2['version']}); "
              f"SIGINT: exit code {code}", flush=True)
        if code != 0:
            failures.append(f"resumed aligntm review did not exit 0 on SIGINT (exit code {code})")
        server = None
    except RunError as e:
        failures.append(f"speed: {e}")
        print(f"   FAILED: {e}", flush=True)
    finally:
        if server is not None and server.process.poll() is None:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


def print_speed(sp: dict) -> None:
    if "start_s" not in sp:
        return
    verdict = lambda x, target: "-" if x is None else ("PASS" if x < target else "MISS")
    ms = lambda seconds: _f(None if seconds is None else seconds * 1000, "{:.0f} ms")
    rows = [["aligntm review: until its address (align + review file)", f"{sp['start_s']:.2f} s",
             _f(sp.get("start_cpu_s"), "{:.2f} s"), "-", "-"],
            ["GET /api/doc/0/state", f"{sp['state_ms']:.0f} ms, {sp['state_bytes'] / 1e6:.1f} MB", "-", "-", "-"]]
    b = sp.get("browser")
    if b:
        loads = [x["seconds"] for x in b["loads"]]
        ready = [x["ready_ms"] for x in b["loads"] if x["ready_ms"] is not None]
        rows.append(["browser start (Chromium + chromedriver)", f"{b['browser_start_s']:.2f} s", "-", "-", "-"])
        rows.append(["page open, first load (driver.get to data-ready)", f"{loads[0]:.2f} s", "-",
                     f"< {OPEN_TARGET_S:g} s", verdict(loads[0], OPEN_TARGET_S)])
        if len(loads) > 1:
            rows.append([f"page open, median of {len(loads)} loads", f"{median(loads):.2f} s", "-",
                         f"< {OPEN_TARGET_S:g} s", verdict(median(loads), OPEN_TARGET_S)])
        if ready:
            rows.append(["  the page's own data-ready-ms (median)", f"{median(ready) / 1000:.2f} s", "-", "-", "-"])
        s = b.get("scroll")
        if s:
            rows.append([f"scroll to the end, row {s['last_row']} in the DOM", f"{s['in_page_ms']:.0f} ms",
                         "-", "-", "-"])
    else:
        rows.append(["page open in the browser", "skipped", "-", f"< {OPEN_TARGET_S:g} s", "-"])
    for k, r in enumerate(sp.get("realign", [])):
        what = (f"realign, rows {r['confirmed'][0]} and {r['confirmed'][1]} newly fixed (first)" if k == 0
                else f"realign, row {r['confirmed'][0]} newly fixed ({GAP} below)")
        rows.append([what, f"{r['seconds'] * 1000:.0f} ms ({r['changed']} changed)", ms(r.get("cpu_seconds")),
                     f"< {REALIGN_TARGET_S:g} s", verdict(r["seconds"], REALIGN_TARGET_S)])
    for kind in ("confirm", "merge", "undo"):
        e = sp.get("edits", {}).get(kind)
        if e:
            rows.append([f"{kind} ({len(e['ms'])} requests): median / 95th pct",
                         f"{e['median_ms']:.1f} / {e['p95_ms']:.1f} ms", _f(e.get("mean_cpu_ms"), "{:.1f} ms"),
                         f"< {EDIT_TARGET_MS:g} ms", verdict(e["p95_ms"], EDIT_TARGET_MS)])
    if "stop" in sp:
        code = sp["stop"]["exit_code"]
        rows.append(["SIGINT: exit code (seconds)", f"{code} ({sp['stop']['seconds']:.2f} s)", "-", "0",
                     "PASS" if code == 0 else "FAIL"])
    if "resume_s" in sp:
        rows.append(["resume: the same command again, until its address", f"{sp['resume_s']:.2f} s",
                     _f(sp.get("resume_cpu_s"), "{:.2f} s"), "-", "-"])
    print(f"\nThe review editor on {sp['rows']} rows ({sp['rows_asked']} lines a side of kyoto-dev):\n")
    head = ["measure", "figure", "server CPU", "target", "result"]
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    fmt = lambda cells: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    print(fmt(head))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(fmt(r))
    print("\nRealign and edits: HTTP round trips from this script (urllib, a new connection each), each edit "
          "fsync'ed before its\nanswer; realign = POST /realign after confirming the rows named (done before the "
          "edits); result on the 95th\npercentile for edits. server CPU = user + system time of the server process "
          "meanwhile (/proc; a mean per\nrequest for edits, in 10 ms ticks): on a busy machine wall times grow, "
          "CPU times much less. Page open:\nSelenium's driver.get until body[data-ready=\"1\"] (polled every 10 ms), "
          "the browser already started.")
    for note in sp.get("notes", []):
        print(f"note: {note}")


# --- main ----------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark of the review editor. Accuracy: how much fixing the gold bead of every Nth "
                    "source sentence (align_features(..., fixed=)) raises strict F1 on the evaluation sets, "
                    "overall and on the beads that were not fixed. Speed: `aligntm review` on a 10,000-pair "
                    "document: start, the page opening in headless Chromium, edit latency, realign around "
                    "new fixed rows, and a clean stop on SIGINT, against the issue's targets.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accuracy", action="store_true", help="run the accuracy part (default: both parts)")
    parser.add_argument("--speed", action="store_true", help="run the speed part (default: both parts)")
    parser.add_argument("--eval", metavar="DIR", type=Path, default=DEFAULT_EVAL,
                        help=f"evaluation data, <pair>/<set>/<lang>/<doc> and <pair>/<set>/gold/<doc>; only read "
                             f"(default: ../shared/eval next to the repository, {DEFAULT_EVAL})")
    acc = parser.add_argument_group("accuracy")
    acc.add_argument("--sets", nargs="+", metavar="SET", default=DEFAULT_SETS,
                     help="sets as PAIR/SET; a bare SET is looked up as bench_documents.py does (every pair that "
                          f"has it; flores-devtest: lo-en and ja-lo) (default: {' '.join(DEFAULT_SETS)})")
    acc.add_argument("--every", type=int, default=10, metavar="N",
                     help="fix the gold bead of every Nth source sentence: each gold bead whose first source "
                          "index is a multiple of N (default: %(default)s)")
    acc.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                     help="worker processes over the documents (default: all cores, %(default)s here)")
    speed = parser.add_argument_group("speed")
    speed.add_argument("--rows", type=int, default=10000, metavar="N",
                       help="lines of each side of the document reviewed: the first N of the kyoto-dev documents "
                            "concatenated in name order (default: %(default)s)")
    speed.add_argument("--page-loads", type=int, default=3, metavar="N",
                       help="times the page is opened in the browser; the first and the median are reported "
                            "(default: %(default)s)")
    speed.add_argument("--no-browser", action="store_true",
                       help="skip the browser (page open and scroll); it is skipped anyway, with a note, when "
                            f"selenium, {CHROMIUM} or {CHROMEDRIVER} is missing")
    parser.add_argument("--json", metavar="FILE", type=Path, help="also write all figures to FILE as JSON")
    args = parser.parse_args(argv)
    return run_main("bench_review", bench, args, (Fatal, SpeedFatal))


def bench(args) -> int:
    eval_dir = eval_dir_of(args)
    for option, value, least in (("--every", args.every, 1), ("-j/--jobs", args.jobs, 1),
                                 ("--rows", args.rows, 2), ("--page-loads", args.page_loads, 1)):
        if value < least:
            raise Fatal(f"{option} must be at least {least}")
    if args.json and args.json.exists() and args.json.is_dir():
        raise Fatal(f"--json {args.json}: is a directory")
    run_accuracy, run_speed = (args.accuracy, args.speed) if args.accuracy or args.speed else (True, True)
    kyoto = load_kyoto(eval_dir) if run_speed else None   # before the accuracy part, which takes long
    langs, from_repo = _import_langs()
    aligntm, env = aligntm_command(from_repo)
    figures = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "eval": str(eval_dir),
               "aligntm": show(aligntm, env), "aligntm_version": _version(), "python": platform.python_version(),
               "platform": platform.platform(), "cpus": os.cpu_count(), "load_average_start": load_average()}
    failures: list[str] = []
    print(f"aligntm: {show(aligntm, env)}; data: {eval_dir} (read only)", flush=True)
    if run_accuracy:
        bench_accuracy(args, eval_dir, set(langs.codes()), figures, failures)
    if run_speed:
        bench_review(args, kyoto, aligntm, env, figures, failures)
    figures["load_average_end"] = load_average()
    figures["failures"] = failures

    if run_accuracy:
        print_accuracy(figures.get("accuracy", {}))
    if run_speed:
        print_speed(figures.get("speed", {}))
    loads = figures["load_average_start"], figures["load_average_end"]
    if None not in loads:
        print(f"\nMachine: {os.cpu_count()} CPUs, load average {loads[0]:.1f} at the start and {loads[1]:.1f} at "
              f"the end (above the CPU count, other work slows these figures).")
    if args.json:
        try:
            args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        except OSError as e:
            print(f"bench_review: error: cannot write {args.json}: {e.strerror or e}", file=sys.stderr)
            return 1
        print(f"figures written to {args.json}")
    for f in failures:
        print(f"bench_review: error: {f}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
