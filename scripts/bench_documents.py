#!/usr/bin/env python3
"""End-to-end accuracy from documents as users hold them: hard-wrapped text, PDF, Word, HTML.

The documents are made from the evaluation sets (../shared/eval/<pair>/<set>, one gold bead = one
translation unit) by the evaluation tools in ../shared/tools:

  raw_eval.py make SET_DIR OUT              hard-wrapped, PDF-like text       OUT/raw/<lang>/<doc>
  pdf_eval.py make SET_DIR OUT N            PDF typeset by headless Chromium  OUT/pdf/<lang>/<doc>.pdf
                                            and its pdftotext extraction      OUT/raw/<lang>/<doc>
  make_office_docs.py PDF_OUT OUT N         Word and HTML, on pdf_eval's units  OUT/{docx,html}/<lang>/<doc>.*

and every format is aligned with the real CLI and scored on the translation units:

  aligntm batch SRC_DIR TGT_DIR ALIGN_DIR --format jsonl -s L1 -t L2 -q -j N
  python raw_eval.py score OUT ALIGN_DIR

format     inputs                    made by
text       OUT/raw/<lang>/<doc>      raw_eval.py make
pdftotext  OUT/raw/<lang>/<doc>      pdf_eval.py make (pdftotext's extraction of the PDFs)
pdf        OUT/pdf/<lang>/<doc>.pdf  pdf_eval.py make (the PDFs, read by aligntm itself)
docx       OUT/docx/<lang>/<doc>.docx  make_office_docs.py on the pdf_eval units
html       OUT/html/<lang>/<doc>.html  make_office_docs.py on the pdf_eval units

For reference, each row also shows the strict F1 of the same documents given one sentence per line
(`aligntm batch --presegmented` on SET_DIR/<lang>, `aligntm score SET_DIR/gold OUT --json`).

The generated documents are cached (--work, default ~/.cache/aligntm/bench-documents), one
directory per set, maker and number of documents, and re-used while the tools that made them are
unchanged, so a second run does not typeset again. Alignments go to a temporary directory deleted
at the end (or to --keep DIR). Nothing is written into the repository or the evaluation data.

Documents that aligntm cannot read (e.g. "binary data" from a version without a reader for the
format) are counted as failed; raw_eval.py counts them as missing (their units lower the recall),
and the F1 over the documents that did align is shown beside it. Exit code: 0, or 1 if making documents, a batch run as a whole
or scoring failed, 2 on bad usage or missing evaluation data or tools.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.util
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# what bench_accuracy.py already does: find the aligntm command, report figures and versions
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_accuracy import Fatal, _f, _import_langs, _version, aligntm_command, eval_dir_of, run_main  # noqa: E402
DEFAULT_EVAL = REPO.parent / "shared" / "eval"
DEFAULT_TOOLS = REPO.parent / "shared" / "tools"
DEFAULT_WORK = Path("~/.cache/aligntm/bench-documents")
DEFAULT_SETS = ["ja-en/kyoto-dev", "ja-en/wmt21", "lo-en/flores-devtest", "ja-lo/flores-devtest"]
FORMATS = ["text", "pdftotext", "pdf", "docx", "html"]
PDF_DEFAULT_DOCS = 60          # typesetting is slow: documents per set for the PDF-based formats

# format -> (maker, input subdirectory of the maker's output, suffix of the input files)
FORMAT_INPUTS = {
    "text": ("raw", "raw", ""),
    "pdftotext": ("pdf", "raw", ""),
    "pdf": ("pdf", "pdf", ".pdf"),
    "docx": ("office", "docx", ".docx"),
    "html": ("office", "html", ".html"),
}
# maker -> the tool scripts its output depends on (their hashes key the cache)
MAKER_TOOLS = {
    "raw": ["raw_eval.py"],
    "pdf": ["pdf_eval.py", "raw_eval.py"],
    "office": ["make_office_docs.py", "pdf_eval.py", "raw_eval.py"],
}
# fonts pdf_eval.py typesets with: language -> (fontconfig family, Debian package, directory)
FONTS = {
    "ja": ("IPAMincho", "fonts-ipafont", "/usr/share/fonts/opentype/ipafont-mincho"),
    "lo": ("Phetsarath OT", "fonts-lao", "/usr/share/fonts/truetype/lao"),
}
APT_PACKAGES = ["chromium", "poppler-utils", "fonts-ipafont", "fonts-lao"]
MARKER = ".bench-documents.json"
PIP_DOCX = "python-docx (PyPI)"

EPILOG = f"""examples:
  python scripts/bench_documents.py                                 (all sets and formats)
  python scripts/bench_documents.py --formats text pdftotext --max-docs 10
  python scripts/bench_documents.py --sets kyoto-dev wmt21 --formats pdftotext pdf --max-docs 120
  python scripts/bench_documents.py --install --json documents.json

sets: by default {', '.join(DEFAULT_SETS[:2])},
  {', '.join(DEFAULT_SETS[2:])}; a bare name such as flores-devtest means
  every default set of that name.
documents: the first N of each set in name order (--max-docs N); by default all of them for text
  and {PDF_DEFAULT_DOCS} for pdftotext, pdf, docx and html (typesetting PDFs takes about a second each).
needs: pdftotext, pdf, docx and html need chromium, poppler-utils, fonts-ipafont and fonts-lao
  (Debian packages; --install runs apt-get for them); docx and html also need python-docx (PyPI)
  in this Python. Formats that lack something are skipped with a note saying what to install.
"""


class RunError(Exception):
    """A command failed as a whole."""


def log(msg: str = "") -> None:
    print(msg, file=sys.stderr, flush=True)


# --- the aligntm command ----------------------------------------------------------------

def show(cmd: list[str], env: dict[str, str] | None = None) -> str:
    prefix = f"PYTHONPATH={shlex.quote(env['PYTHONPATH'])} " if env else ""
    return prefix + shlex.join(str(c) for c in cmd)


def run(cmd: list, env: dict[str, str] | None = None, ok=(0,)) -> tuple[subprocess.CompletedProcess, float]:
    """Run CMD (printed on stderr), capture its output; RunError unless its exit code is in OK."""
    cmd = [str(c) for c in cmd]
    log(f"$ {show(cmd, env)}")
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    except OSError as e:
        raise RunError(f"cannot run {cmd[0]}: {e}") from None
    seconds = time.perf_counter() - start
    if proc.returncode not in ok:
        raise RunError(f"exit code {proc.returncode}: {_tail(proc.stderr or proc.stdout)}")
    return proc, seconds


def _tail(text: str, n: int = 3) -> str:
    lines = [l.strip() for l in (text or "").strip().splitlines() if l.strip()]
    return " | ".join(lines[-n:]) if lines else "(no message)"


# --- sets -------------------------------------------------------------------------------

class EvalSet:
    def __init__(self, pair: str, name: str, set_dir: Path):
        self.pair, self.name, self.dir = pair, name, set_dir
        self.src, self.tgt = pair.split("-")
        self.label = f"{pair}/{name}"
        self.docs = sorted(p.name for p in (set_dir / "gold").iterdir()
                           if p.is_file() and not p.name.startswith("."))

    def n_docs(self, fmt: str, max_docs: int | None) -> int:
        """How many documents (the first in name order) FMT runs on."""
        want = max_docs if max_docs is not None else (None if fmt == "text" else PDF_DEFAULT_DOCS)
        return len(self.docs) if want is None else min(want, len(self.docs))

    def key(self, n: int) -> str:
        return "all" if n == len(self.docs) else f"n{n}"


def choose_sets(eval_dir: Path, wanted: list[str], supported: set[str]) -> tuple[list[EvalSet], list[str]]:
    labels, notes = [], []
    for w in wanted:
        if "/" in w:
            found = [w]
        else:
            found = [s for s in DEFAULT_SETS if s.split("/")[1] == w]
            if not found:
                found = sorted(f"{p.parent.name}/{p.name}" for p in eval_dir.glob(f"*/{w}") if p.is_dir())
            if not found:
                raise Fatal(f"unknown set {w!r}: no {eval_dir}/<pair>/{w} (give PAIR/SET, e.g. ja-en/kyoto-dev)")
        labels += [f for f in found if f not in labels]
    chosen = []
    for label in labels:
        pair, _, name = label.partition("/")
        set_dir = eval_dir / pair / name
        parts = pair.split("-")
        if len(parts) != 2 or not all(parts) or not name:
            raise Fatal(f"bad set {label!r}: expected PAIR/SET, e.g. ja-en/kyoto-dev")
        if not set_dir.is_dir():
            raise Fatal(f"unknown set {label!r}: {set_dir} is not a directory")
        missing = [d for d in (*parts, "gold") if not (set_dir / d).is_dir()]
        if missing:
            notes.append(f"skipped {label}: no {', '.join(missing)} directory in {set_dir}")
            continue
        unsupported = [l for l in parts if l not in supported]
        if unsupported:
            notes.append(f"skipped {label}: aligntm does not support {', '.join(map(repr, unsupported))} "
                         f"yet (supported: {', '.join(sorted(supported))})")
            continue
        s = EvalSet(pair, name, set_dir)
        if not s.docs:
            notes.append(f"skipped {label}: no gold documents in {set_dir / 'gold'}")
            continue
        chosen.append(s)
    return chosen, notes


# --- what making documents needs ---------------------------------------------------------

def font_families() -> set[str] | None:
    """The font families fontconfig knows (what Chromium can use); None if fc-list is missing."""
    if not shutil.which("fc-list"):
        return None
    try:
        out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return {f.strip() for line in out.splitlines() for f in line.split(",") if f.strip()}


def missing_for_pdf(langs: tuple[str, str], families: set[str] | None) -> list[tuple[str, str]]:
    """[(what, Debian package)] that pdf_eval.py needs and this machine lacks, for these languages."""
    missing = []
    if not shutil.which("chromium"):
        missing.append(("chromium", "chromium"))
    if not shutil.which("pdftotext"):
        missing.append(("pdftotext", "poppler-utils"))
    for lang in langs:
        if lang in FONTS:
            family, package, directory = FONTS[lang]
            there = (family in families) if families is not None else Path(directory).is_dir()
            if not there:
                missing.append((f"the {family} font", package))
    return missing


def have_python_docx() -> bool:
    return importlib.util.find_spec("docx") is not None


def apt_install(packages: list[str]) -> None:
    """apt-get install -y PACKAGES (through sudo when not root), waiting for a running apt/dpkg."""
    cmd = ["apt-get", "install", "-y", "-o", "DPkg::Lock::Timeout=900", *packages]
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        if not shutil.which("sudo"):
            raise Fatal(f"--install: not root and no sudo; run as root: {shlex.join(cmd)}")
        cmd = ["sudo", *cmd]
    if not shutil.which("apt-get"):
        raise Fatal(f"--install: no apt-get on this machine; install the equivalents of {', '.join(packages)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for attempt in range(2):
        log(f"$ {shlex.join(cmd)}")
        proc = subprocess.run(cmd, env=env, stdout=sys.stderr, stderr=sys.stderr)
        if proc.returncode == 0:
            return
        if attempt == 0:       # perhaps no package lists yet: update them once and try again
            update = cmd[:cmd.index("apt-get") + 1] + ["update", "-o", "DPkg::Lock::Timeout=900"]
            log(f"$ {shlex.join(update)}")
            subprocess.run(update, env=env, stdout=sys.stderr, stderr=sys.stderr)
    raise Fatal(f"--install: `{shlex.join(cmd)}` failed (exit code {proc.returncode})")


# --- the document cache -----------------------------------------------------------------

def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Maker:
    """Makes (or finds in the cache) the documents of one set by one tool, for the first N docs."""

    def __init__(self, kind: str, s: EvalSet, n: int, work: Path, tools: Path):
        self.kind, self.set, self.n = kind, s, n
        self.docs = s.docs[:n]
        self.dir = work / f"{s.pair}-{s.name}-{kind}-{s.key(n)}"
        self.tools = tools
        self.tool_hashes = {t: _sha256(tools / t) for t in MAKER_TOOLS[kind]}
        self.result: tuple[Path, float | None] | None = None     # made (or found) in this run

    def valid(self, d: Path | None = None) -> bool:
        try:
            marker = json.loads(((d or self.dir) / MARKER).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return marker.get("tools") == self.tool_hashes and marker.get("docs") == self.docs

    def stale_reason(self) -> str | None:
        """Why an existing cache directory cannot be used (None: there is none)."""
        if not self.dir.exists():
            return None
        try:
            marker = json.loads((self.dir / MARKER).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return "incomplete"
        if marker.get("tools") != self.tool_hashes:
            return "made by another version of " + ", ".join(
                t for t in self.tool_hashes if marker.get("tools", {}).get(t) != self.tool_hashes[t])
        return "made for other documents"

    def expected(self, root: Path) -> list[Path]:
        """The files the maker must have written under ROOT."""
        files = [root / "units" / f"{d}.json" for d in self.docs]
        for lang in (self.set.src, self.set.tgt):
            if self.kind == "raw":
                files += [root / "raw" / lang / d for d in self.docs]
            elif self.kind == "pdf":
                files += [root / sub / lang / f"{d}{ext}" for d in self.docs for sub, ext in (("pdf", ".pdf"), ("raw", ""))]
            else:
                files += [root / sub / lang / f"{d}.{sub}" for d in self.docs for sub in ("docx", "html")]
        return files

    def command(self, out: Path, pdf_dir: Path | None) -> list:
        py = sys.executable
        if self.kind == "raw":
            return [py, self.tools / "raw_eval.py", "make", self.set.dir, out]
        if self.kind == "pdf":
            return [py, self.tools / "pdf_eval.py", "make", self.set.dir, out, self.n]
        return [py, self.tools / "make_office_docs.py", pdf_dir, out, self.n]

    def make(self, refresh: bool, pdf_dir: Path | None = None) -> tuple[Path, float | None]:
        """The cache directory, and the seconds spent making it (None: found in the cache).
        Made at most once per run, even with REFRESH."""
        if self.result is None:
            self.result = self._make(refresh, pdf_dir)
            d, seconds = self.result
            log(f"   {self.kind} documents: {d} " +
                ("(cached)" if seconds is None else f"(made in {seconds:.0f} s)"))
        return self.result

    def _make(self, refresh: bool, pdf_dir: Path | None) -> tuple[Path, float | None]:
        if not refresh and self.valid():
            return self.dir, None
        self.dir.parent.mkdir(parents=True, exist_ok=True)
        with _lock(self.dir.with_name(f".{self.dir.name}.lock")):
            if not refresh and self.valid():          # made meanwhile by another run
                return self.dir, None
            reason = "--refresh" if refresh and self.dir.exists() else self.stale_reason()
            if reason:
                log(f"   {self.dir.name}: {reason}: making it again")
            if self.dir.exists():
                shutil.rmtree(self.dir)
            partial = self.dir.with_name(self.dir.name + ".partial")
            if self.kind == "pdf":
                self._prepare_pdf(partial, refresh)
            elif partial.exists():
                shutil.rmtree(partial)
            partial.mkdir(parents=True, exist_ok=True)
            start = time.perf_counter()
            self._run(self.command(partial, pdf_dir), partial)
            seconds = time.perf_counter() - start
            self._prune(partial)
            absent = [p for p in self.expected(partial) if not p.is_file()]
            if absent:
                raise RunError(f"{absent[0]} and {len(absent) - 1} more expected files were not made"
                               if len(absent) > 1 else f"{absent[0]} was not made")
            marker = {"maker": self.kind, "set": self.set.label, "documents": self.n, "docs": self.docs,
                      "tools": self.tool_hashes, "command": show(self.command(self.dir, pdf_dir)),
                      "made": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                      "seconds": round(seconds, 1)}
            (partial / MARKER).write_text(json.dumps(marker, indent=1) + "\n", encoding="utf-8")
            partial.rename(self.dir)
            return self.dir, seconds

    def _prune(self, root: Path) -> None:
        """Remove the documents beyond the first N (raw_eval.py makes them all), so that
        `aligntm batch` aligns exactly the documents that are scored."""
        keep = set(self.docs)
        for p in list((root / "units").glob("*.json")):
            if p.name[:-5] not in keep:
                p.unlink()
        subs = {"raw": ["raw"], "pdf": ["pdf", "raw"], "office": ["docx", "html"]}[self.kind]
        for sub in subs:
            for lang in (self.set.src, self.set.tgt):
                d = root / sub / lang
                for p in list(d.iterdir()) if d.is_dir() else []:
                    name = p.name[:-len(p.suffix)] if sub != "raw" and p.suffix else p.name
                    if name not in keep:
                        p.unlink()

    def _prepare_pdf(self, partial: Path, refresh: bool) -> None:
        """pdf_eval.py typesets only the PDFs that are not there yet: keep the complete PDFs of an
        interrupted run (when made by the same tools), and take those other caches of the same set
        already have (same tools, e.g. a run with fewer documents)."""
        if partial.exists():
            try:
                same = json.loads((partial / ".tools.json").read_text(encoding="utf-8")) == self.tool_hashes
            except (OSError, ValueError):
                same = False
            if not same or refresh:
                shutil.rmtree(partial)
            else:
                for p in partial.glob("pdf/*/*.pdf"):
                    if not _complete_pdf(p):
                        p.unlink()
                for p in partial.glob("units/*.json"):
                    p.unlink()
        partial.mkdir(parents=True, exist_ok=True)
        (partial / ".tools.json").write_text(json.dumps(self.tool_hashes), encoding="utf-8")
        if refresh:
            return
        seeded = 0
        for other in sorted(self.dir.parent.glob(f"{self.set.pair}-{self.set.name}-pdf-*")):
            if other.name.endswith((".partial", ".lock")) or other == partial or not other.is_dir():
                continue
            try:
                if json.loads((other / MARKER).read_text(encoding="utf-8")).get("tools") != self.tool_hashes:
                    continue
            except (OSError, ValueError):
                continue
            for lang in (self.set.src, self.set.tgt):
                (partial / "pdf" / lang).mkdir(parents=True, exist_ok=True)
                for d in self.docs:
                    src, dst = other / "pdf" / lang / f"{d}.pdf", partial / "pdf" / lang / f"{d}.pdf"
                    if src.is_file() and not dst.exists():
                        try:
                            os.link(src, dst)
                        except OSError:
                            shutil.copy2(src, dst)
                        seeded += 1
        if seeded:
            log(f"   re-using {seeded} PDFs typeset by other runs on {self.set.label}")

    def _run(self, cmd: list, partial: Path) -> None:
        """Run the maker, showing how many documents it has written so far."""
        cmd = [str(c) for c in cmd]
        log(f"$ {show(cmd)}")
        if self.kind == "pdf":
            count = lambda: sum(1 for _ in partial.glob("pdf/*/*.pdf"))
            total, what = 2 * self.n, "PDFs"
        elif self.kind == "office":
            count = lambda: sum(1 for _ in partial.glob("docx/*/*.docx"))
            total, what = 2 * self.n, "Word documents"
        else:
            count, total, what = None, 0, ""
        tty = sys.stderr.isatty()
        with tempfile.TemporaryFile("w+") as out:
            try:
                proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, text=True)
            except OSError as e:
                raise RunError(f"cannot run {cmd[0]}: {e}") from None
            try:
                last = time.monotonic()
                while proc.poll() is None:
                    time.sleep(1)
                    if count and (tty or time.monotonic() - last >= 30):
                        last = time.monotonic()
                        msg = f"   {count()}/{total} {what}"
                        print(f"\r{msg}" if tty else msg, end="" if tty else "\n", file=sys.stderr, flush=True)
            except BaseException:
                proc.kill()
                proc.wait()
                raise
            finally:
                if count and tty:
                    print(file=sys.stderr, flush=True)
            out.seek(0)
            text = out.read()
        if proc.returncode != 0:
            raise RunError(f"exit code {proc.returncode}: {_tail(text)}")


def _complete_pdf(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            f.seek(max(0, path.stat().st_size - 1024))
            return b"%%EOF" in f.read()
    except OSError:
        return False


@contextlib.contextmanager
def _lock(path: Path):
    """An exclusive lock on PATH, so two runs do not make the same documents at once."""
    try:
        import fcntl
    except ImportError:        # not POSIX: no locking
        yield
        return
    with open(path, "w") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            log(f"   waiting for another run making {path.name[1:-5]} ...")
            fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


# --- aligning and scoring ----------------------------------------------------------------

def parse_raw_score(stdout: str) -> dict:
    """The figures of raw_eval.py score's line `raw_f1_strict=… p=… r=… lax_f1=… beads=… …`."""
    line = next((l for l in stdout.splitlines() if l.startswith("raw_f1_strict=")), None)
    if line is None:
        raise RunError(f"raw_eval.py score printed no raw_f1_strict= line: {_tail(stdout)}")
    figures = {}
    for token in line.split():
        k, _, v = token.partition("=")
        if k == "worst":
            figures[k] = v
            continue
        try:
            figures[k] = int(v) if v.isdigit() else float(v)
        except ValueError:
            figures[k] = v
    return {"strict_f1": figures.get("raw_f1_strict"), "precision": figures.get("p"),
            "recall": figures.get("r"), "lax_f1": figures.get("lax_f1"), "beads": figures.get("beads"),
            "units": figures.get("units"), "docs_scored": figures.get("docs"),
            "missing": figures.get("missing"), "worst": figures.get("worst"), "line": line}


def batch_failures(stderr: str, names: list[str]) -> tuple[dict[str, str], int | None]:
    """Per-document errors of `aligntm batch` ({input name: message}) and the aligned count of its
    summary line (None: no summary, the run failed as a whole)."""
    failed = {}
    known = sorted(names, key=len, reverse=True)
    for line in stderr.splitlines():
        if not line.startswith("aligntm: error: "):
            continue
        rest = line[len("aligntm: error: "):]
        name = next((n for n in known if rest.startswith(n + ": ")), None)
        if name is not None:
            failed[name] = rest[len(name) + 2:]
    m = re.search(r"aligntm: aligned (\d+) document pair", stderr)
    return failed, (int(m.group(1)) if m else None)


def short_error(message: str) -> str:
    """The message without the file path aligntm puts in front, to count alike errors."""
    return re.sub(r"^\S*[/\\]\S*:\s+", "", message)


class Bench:
    def __init__(self, args, aligntm, env, eval_dir: Path, tools: Path, work: Path, out_root: Path):
        self.args, self.aligntm, self.env = args, aligntm, env
        self.eval_dir, self.tools, self.work, self.out_root = eval_dir, tools, work, out_root
        self.references: dict[tuple[str, int], dict] = {}
        self.failures: list[str] = []

    def align(self, s: EvalSet, fmt: str, cache: Path, n: int) -> dict:
        _, sub, ext = FORMAT_INPUTS[fmt]
        src_dir, tgt_dir = cache / sub / s.src, cache / sub / s.tgt
        out = self.out_root / s.pair / s.name / fmt
        cmd = self.aligntm + ["batch", src_dir, tgt_dir, out, "--format", "jsonl", "-s", s.src, "-t", s.tgt,
                              "-q", "-j", self.args.jobs]
        score_cmd = [sys.executable, self.tools / "raw_eval.py", "score", cache, out]
        record = {"command": show([str(c) for c in cmd], self.env), "score_command": show([str(c) for c in score_cmd]),
                  "inputs": str(src_dir.parent), "failed_docs": {}}
        names = [f"{d}{ext}" for d in s.docs[:n]]
        proc, record["seconds"] = run(cmd, self.env, ok=(0, 2))
        failed, aligned = batch_failures(proc.stderr, names)
        if proc.returncode != 0 and (aligned is None or not failed):
            raise RunError(f"aligntm batch: exit code {proc.returncode}: {_tail(proc.stderr)}")
        record["failed_docs"] = failed
        record["aligned_docs"] = aligned
        out.mkdir(parents=True, exist_ok=True)    # all failed: an empty directory, every doc missing
        proc, record["score_seconds"] = run(score_cmd)
        record.update(parse_raw_score(proc.stdout))
        if not failed:
            record["aligned_only"] = {k: record[k] for k in ("strict_f1", "lax_f1", "docs_scored")}
        elif aligned:
            # the same score over the documents that aligned only: a units directory of those
            ok_docs = [name[:len(name) - len(ext)] for name in names if name not in failed]
            with tempfile.TemporaryDirectory(prefix="aligntm-bench-documents-") as tmp:
                (Path(tmp) / "units").mkdir()
                for d in ok_docs:
                    os.symlink(cache / "units" / f"{d}.json", Path(tmp) / "units" / f"{d}.json")
                proc, _ = run([sys.executable, self.tools / "raw_eval.py", "score", tmp, out])
            only = parse_raw_score(proc.stdout)
            record["aligned_only"] = {k: only[k] for k in ("strict_f1", "lax_f1", "docs_scored")}
        else:
            record["aligned_only"] = None
        return record

    def reference(self, s: EvalSet, n: int) -> dict:
        """One sentence per line: `aligntm batch --presegmented` and `aligntm score --json` on the
        first N documents (a directory of links to them when N is not all)."""
        if (s.label, n) in self.references:
            return self.references[(s.label, n)]
        out = self.out_root / s.pair / s.name / f"presegmented-{s.key(n)}"
        if n == len(s.docs):
            src, tgt, gold = s.dir / s.src, s.dir / s.tgt, s.dir / "gold"
        else:
            links = self.out_root / "inputs" / f"{s.pair}-{s.name}-{s.key(n)}"
            for sub in (s.src, s.tgt, "gold"):
                (links / sub).mkdir(parents=True, exist_ok=True)
                for d in s.docs[:n]:
                    if not (links / sub / d).exists():
                        os.symlink(s.dir / sub / d, links / sub / d)
            src, tgt, gold = links / s.src, links / s.tgt, links / "gold"
        cmd = self.aligntm + ["batch", src, tgt, out, "--presegmented", "-s", s.src, "-t", s.tgt,
                              "-q", "-j", self.args.jobs]
        score_cmd = self.aligntm + ["score", gold, out, "--json"]
        record = {"command": show([str(c) for c in cmd], self.env),
                  "score_command": show([str(c) for c in score_cmd], self.env), "docs": n}
        try:
            _, record["seconds"] = run(cmd, self.env)
            proc, _ = run(score_cmd, self.env)
            try:
                score = json.loads(proc.stdout)
            except json.JSONDecodeError as e:
                raise RunError(f"`aligntm score --json` printed no valid JSON ({e})") from None
            record.update(strict_f1=score["strict"]["f1"], lax_f1=score["lax"]["f1"], docs=score["documents"])
        except RunError as e:
            record["error"] = str(e)
            self.failures.append(f"{s.label} (one sentence per line, {n} docs): {e}")
            log(f"   FAILED: {e}")
        self.references[(s.label, n)] = record
        return record


def unit_ceiling(units_dir: Path, docs: list[str], src: str, tgt: str) -> dict:
    """What raw_eval.py's unit scoring allows an aligner that pairs sentences: a unit holding two
    sentences or more on both sides (a FLORES item of two sentences, split alike in both languages)
    is right only as one bead, and a sentence aligner gives it one bead per sentence pair. Counting
    min(sentences) beads for such a unit and every other unit right gives the strict F1 a perfect
    sentence aligner would be scored, with sentences as aligntm's segmenter cuts each unit alone (in
    its document a unit may segment otherwise: an estimate, not a bound)."""
    from align.document import segment_text
    units = both = beads = 0
    for d in docs:
        path = units_dir / f"{d}.json"
        if not path.is_file():
            continue
        for a, b in json.loads(path.read_text(encoding="utf-8"))["units"]:
            if not (a.strip() and b.strip()):
                continue
            units += 1
            k = min(_worded(segment_text(a, src)), _worded(segment_text(b, tgt)))
            if k >= 2:
                both += 1
                beads += k
            else:
                beads += 1
    right = units - both
    p, r = (right / beads if beads else 0.0), (right / units if units else 0.0)
    return {"units": units, "units_split_on_both_sides": both,
            "ceiling_f1": 2 * p * r / (p + r) if p + r else 0.0}


def _worded(sentences) -> int:
    """Sentences holding a letter or digit: a unit that starts with a stray "." (one FLORES Lao item
    does) is one sentence in its document, where the "." ends the sentence before."""
    return sum(1 for s in sentences if any(c.isalnum() for c in s.text))


# --- output -----------------------------------------------------------------------------

def print_table(rows: list[dict]) -> None:
    head = ["set", "format", "docs", "failed", "strict F1", "lax F1", "F1 ok docs", "1/line F1", "ceiling", "secs",
            "note"]
    table = []
    for r in rows:
        a = r.get("run") or {}
        only = a.get("aligned_only") or {}
        ref = r.get("reference") or {}
        table.append([r["set"], r["format"], _f(r["docs"], "{:d}"),
                      _f(len(a["failed_docs"]) if "failed_docs" in a and "strict_f1" in a else None, "{:d}"),
                      _f(a.get("strict_f1")), _f(a.get("lax_f1")), _f(only.get("strict_f1")),
                      _f(ref.get("strict_f1")), _f((r.get("ceiling") or {}).get("ceiling_f1")),
                      _f(a.get("seconds"), "{:.1f}"), r.get("note", "")])
    widths = [max(len(str(x)) for x in col) for col in zip(head, *table)]
    left = {0, 1, len(head) - 1}
    fmt = lambda cells: "  ".join(c.ljust(w) if i in left else c.rjust(w)
                                  for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    print(fmt(head))
    print("  ".join("-" * w for w in widths))
    for line in table:
        print(fmt(line))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="End-to-end accuracy benchmark of aligntm from documents as users hold them: makes "
                    "hard-wrapped text, PDF (and its pdftotext extraction), Word and HTML versions of the "
                    "evaluation sets with the tools in ../shared/tools, aligns each format with the real "
                    "CLI (`aligntm batch --format jsonl`), scores it on the translation units "
                    "(`raw_eval.py score`) and prints strict/lax F1, failed documents and seconds per set "
                    "and format, beside the F1 of the same documents given one sentence per line.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval", metavar="DIR", type=Path, default=DEFAULT_EVAL,
                        help=f"evaluation data, <pair>/<set>/<lang>/<doc> and <pair>/<set>/gold/<doc> "
                             f"(default: ../shared/eval next to the repository, {DEFAULT_EVAL})")
    parser.add_argument("--tools", metavar="DIR", type=Path, default=DEFAULT_TOOLS,
                        help=f"the evaluation tools raw_eval.py, pdf_eval.py, make_office_docs.py "
                             f"(default: ../shared/tools next to the repository, {DEFAULT_TOOLS})")
    parser.add_argument("--sets", nargs="+", metavar="SET", default=DEFAULT_SETS,
                        help="sets as PAIR/SET, or a bare SET for every default set of that name "
                             f"(default: {' '.join(DEFAULT_SETS)})")
    parser.add_argument("--formats", nargs="+", metavar="FORMAT", choices=FORMATS, default=FORMATS,
                        help=f"formats to run, among {', '.join(FORMATS)} (default: all)")
    parser.add_argument("--max-docs", type=int, metavar="N",
                        help="the first N documents of each set, in name order (default: all for text, "
                             f"{PDF_DEFAULT_DOCS} for the others, which are typeset as PDF: slow to make)")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                        help="worker processes for `aligntm batch` (default: all cores, %(default)s here)")
    parser.add_argument("--work", metavar="DIR", type=Path, default=DEFAULT_WORK,
                        help="cache of the generated documents, one directory <pair>-<set>-<maker>-<all|nN> "
                             "per set, maker (raw, pdf, office) and number of documents, re-used while the "
                             "tools are unchanged (default: %(default)s)")
    parser.add_argument("--refresh", action="store_true", help="make the documents again even if cached")
    parser.add_argument("--install", action="store_true",
                        help="install what the pdf formats need and this machine lacks with "
                             f"`apt-get install -y` ({' '.join(APT_PACKAGES)}) instead of skipping them")
    parser.add_argument("--json", metavar="FILE", type=Path, help="also write all figures to FILE as JSON")
    parser.add_argument("--keep", metavar="DIR", type=Path,
                        help="write the alignments to DIR (new or empty) and keep them "
                             "(default: a temporary directory, deleted at the end)")
    args = parser.parse_args(argv)
    return run_main("bench_documents", bench, args)


def _outside(path: Path, what: str, forbidden: list[tuple[Path, str]]) -> Path:
    path = path.expanduser().resolve()
    for f, name in forbidden:
        if path == f or f in path.parents:
            raise Fatal(f"{what} {path}: inside {name}; choose a directory elsewhere")
    return path


def bench(args) -> int:
    eval_dir = eval_dir_of(args)
    tools = args.tools.expanduser().resolve()
    absent = [t for t in ("raw_eval.py", "pdf_eval.py", "make_office_docs.py") if not (tools / t).is_file()]
    if absent:
        raise Fatal(f"evaluation tools not found: no {', '.join(absent)} in {tools} "
                    f"(expected ../shared/tools next to the repository, or give --tools DIR)")
    if args.jobs < 1:
        raise Fatal("-j/--jobs must be at least 1")
    if args.max_docs is not None and args.max_docs < 1:
        raise Fatal("--max-docs must be at least 1")
    forbidden = [(REPO, "the repository"), (eval_dir, "the evaluation data")]
    work = _outside(args.work, "--work", forbidden)
    formats = [f for f in FORMATS if f in args.formats]
    langs, from_repo = _import_langs()
    chosen, notes = choose_sets(eval_dir, args.sets, set(langs.codes()))
    for note in notes:
        log(f"note: {note}")
    if not chosen:
        print("nothing to run")
        return 0
    aligntm, env = aligntm_command(from_repo)

    # what each (set, format) needs made, and what this machine lacks to make it
    makers: dict[tuple[str, str, int], Maker] = {}

    def maker(kind: str, s: EvalSet, n: int) -> Maker:
        key = (kind, s.label, n)
        if key not in makers:
            makers[key] = Maker(kind, s, n, work, tools)
        return makers[key]

    families = None
    if any(FORMAT_INPUTS[f][0] != "raw" for f in formats):
        families = font_families()
    skipped: dict[tuple[str, str], str] = {}     # (set, format) -> why

    def check() -> tuple[dict, list[str], bool]:
        """(set, format) -> missing [(what, package)]; the Debian packages missing; python-docx missing."""
        lacking, packages, docx_missing = {}, [], False
        for s in chosen:
            for fmt in formats:
                kind = FORMAT_INPUTS[fmt][0]
                if kind == "raw":
                    continue
                n = s.n_docs(fmt, args.max_docs)
                miss = []
                if kind == "office" and (args.refresh or not maker("office", s, n).valid()):
                    if not have_python_docx():
                        miss.append(("python-docx", PIP_DOCX))
                        docx_missing = True
                if (kind == "pdf" or args.refresh or not maker("office", s, n).valid()) and \
                        (args.refresh or not maker("pdf", s, n).valid()):
                    miss += missing_for_pdf((s.src, s.tgt), families)
                if miss:
                    lacking[(s.label, fmt)] = miss
                    packages += [p for _, p in miss if p != PIP_DOCX and p not in packages]
        return lacking, packages, docx_missing

    lacking, packages, docx_missing = check()
    if packages and args.install:
        log(f"installing {', '.join(packages)} (--install)")
        apt_install(packages)
        families = font_families()
        lacking, packages, docx_missing = check()
    skip_lines = []       # one line per kind of thing missing
    for (label, fmt), miss in lacking.items():
        skipped[(label, fmt)] = "skipped: needs " + ", ".join(p for _, p in miss)
    sets_hit = sorted({label for label, _ in lacking})
    where = "" if len(sets_hit) == len(chosen) else f" on {', '.join(sets_hit)}"
    if packages:
        whats = sorted({w for miss in lacking.values() for w, p in miss if p != PIP_DOCX})
        fm = sorted({fmt for key, miss in lacking.items() for fmt in [key[1]] if any(p != PIP_DOCX for _, p in miss)},
                    key=FORMATS.index)
        skip_lines.append(f"skipping {', '.join(fm)}{where}: {', '.join(whats)} missing; install the Debian "
                          f"package{'s' if len(packages) > 1 else ''} with `apt-get install {' '.join(packages)}` "
                          f"(or run again with --install)")
    if docx_missing:
        fm = sorted({key[1] for key, miss in lacking.items() if any(p == PIP_DOCX for _, p in miss)},
                    key=FORMATS.index)
        skip_lines.append(f"skipping {', '.join(fm)}: python-docx is not installed for {sys.executable}; "
                          f"install the PyPI package with `{shlex.quote(sys.executable)} -m pip install python-docx`")
    for line in skip_lines:
        log(f"bench_documents: {line}")

    if args.keep:
        out_root = _outside(args.keep, "--keep", forbidden)
        if out_root.exists() and (not out_root.is_dir() or any(out_root.iterdir())):
            raise Fatal(f"--keep {out_root}: exists and is not an empty directory")
        out_root.mkdir(parents=True, exist_ok=True)
    else:
        out_root = Path(tempfile.mkdtemp(prefix="aligntm-bench-documents-"))
    log(f"documents: {work} (cache)")
    log(f"alignments: {out_root}" + ("" if args.keep else " (temporary, deleted at the end; --keep DIR keeps them)"))
    log(f"aligntm: {show(aligntm, env)}; jobs: {args.jobs}")

    b = Bench(args, aligntm, env, eval_dir, tools, work, out_root)
    rows = []
    try:
        for s in chosen:
            log(f"\n== {s.label} ({len(s.docs)} documents)")
            for fmt in formats:
                n = s.n_docs(fmt, args.max_docs)
                row = {"pair": s.pair, "set": s.label, "format": fmt, "docs": n, "max_docs": args.max_docs}
                rows.append(row)
                if (s.label, fmt) in skipped:
                    row["note"] = skipped[(s.label, fmt)]
                    row["status"] = "skipped"
                    continue
                log(f"-- {s.label} {fmt}, {n} documents")
                try:
                    kind = FORMAT_INPUTS[fmt][0]
                    pdf_dir = None
                    if kind == "office" and (args.refresh or not maker("office", s, n).valid()):
                        pdf_dir, secs = maker("pdf", s, n).make(args.refresh)   # the units it is made on
                        row["make_pdf_seconds"] = secs
                    cache, secs = maker(kind, s, n).make(args.refresh, pdf_dir)
                    row["documents"] = str(cache)
                    row["make_seconds"] = secs
                except RunError as e:
                    row["note"] = "FAILED to make the documents"
                    row["status"] = "failed"
                    row["error"] = str(e)
                    b.failures.append(f"{s.label} {fmt}: making the documents: {e}")
                    log(f"   FAILED: {e}")
                    continue
                try:
                    record = b.align(s, fmt, cache, n)
                except RunError as e:
                    row["note"] = "FAILED: " + str(e)[:60]
                    row["status"] = "failed"
                    row["error"] = str(e)
                    b.failures.append(f"{s.label} {fmt}: {e}")
                    log(f"   FAILED: {e}")
                    continue
                row["run"] = record
                row["status"] = "ok"
                failed = record["failed_docs"]
                if failed:
                    common, k = Counter(short_error(m) for m in failed.values()).most_common(1)[0]
                    row["note"] = f"{len(failed)} failed" + (f": {common}" if k == len(failed) else
                                                            f", {k} with: {common}")
                row["reference"] = b.reference(s, n)
                row["ceiling"] = unit_ceiling(cache / "units", s.docs[:n], s.src, s.tgt)
                ref = row["reference"].get("strict_f1")
                log(f"   {fmt}: strict F1 {record['strict_f1']:.4f}, lax F1 {record['lax_f1']:.4f}, "
                    f"{len(failed)} of {n} failed, {record['seconds']:.1f} s"
                    + ("" if ref is None else f" (one sentence per line: {ref:.4f})")
                    + f"; ceiling {row['ceiling']['ceiling_f1']:.4f} ({row['ceiling']['units_split_on_both_sides']} "
                      f"of {row['ceiling']['units']} units hold several sentences on both sides)")
    finally:
        if not args.keep:
            shutil.rmtree(out_root, ignore_errors=True)

    print()
    print_table(rows)
    print(f"\nstrict/lax F1: raw_eval.py score over the translation units of all the documents (failed "
          f"ones count as missing); F1 ok docs: strict F1 over the documents that aligned; 1/line F1: "
          f"strict F1 (`aligntm score`) of the same documents given one sentence per line; ceiling: the "
          f"strict F1 over units a perfect sentence aligner would be scored (a unit of two sentences or "
          f"more on both sides is right only as one bead, and sentence pairs make one bead each; "
          f"sentences as `aligntm segment` cuts a unit alone, so a run keeping some such unit in one "
          f"bead, say sentences inside one quotation, scores a little above it); "
          f"secs: wall time of `aligntm batch -j {args.jobs}`")
    for line in skip_lines:
        print(f"note: {line}")
    for note in notes:
        print(f"note: {note}")

    if args.json:
        figures = {
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "eval": str(eval_dir), "tools": str(tools), "work": str(work), "jobs": args.jobs,
            "max_docs": args.max_docs, "aligntm": show(aligntm, env), "aligntm_version": _version(),
            "python": platform.python_version(), "platform": platform.platform(),
            "alignments": str(out_root) if args.keep else None,
            "notes": skip_lines + notes, "failures": b.failures, "results": rows,
        }
        try:
            args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        except OSError as e:
            print(f"bench_documents: error: cannot write {args.json}: {e}", file=sys.stderr)
            return 1
        print(f"figures written to {args.json}")
    if b.failures:
        for f in b.failures:
            print(f"bench_documents: error: {f}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
