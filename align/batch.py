"""Aligning every document pair of two directories, in worker processes, with a progress bar."""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from tqdm import tqdm

from . import formats
from .api import align_files
from .errors import InputError


@dataclass
class BatchResult:
    aligned: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)      # document -> error message
    unpaired: list[str] = field(default_factory=list)         # in one directory only
    tmx_units: int = 0


def paired_documents(src_dir: Path, tgt_dir: Path) -> tuple[list[str], list[str]]:
    """Names of the regular files present in both directories, and those in one only."""
    for d in (src_dir, tgt_dir):
        if not d.is_dir():
            raise InputError(f"{d}: not a directory")
    names = lambda d: {p.name for p in d.iterdir() if p.is_file() and not p.name.startswith(".")}
    src, tgt = names(src_dir), names(tgt_dir)
    both = sorted(src & tgt)
    if not both:
        raise InputError(f"{src_dir} and {tgt_dir} have no file names in common")
    return both, sorted(src ^ tgt)


# Inputs whose output must not keep their name: OUT_DIR/statement.pdf holding JSONL would be
# taken for a PDF. Their outputs are NAME.FORMAT (statement.pdf.jsonl); text files keep NAME, the
# layout `aligntm score GOLD_DIR OUT_DIR` pairs by name.
DOCUMENT_SUFFIXES = (".pdf", ".docx", ".html", ".htm", ".xhtml")


def output_name(name: str, fmt: str) -> str:
    """The name of NAME's output in a batch output directory."""
    return f"{name}.{fmt}" if name.lower().endswith(DOCUMENT_SUFFIXES) else name


def _quiet_worker() -> None:
    # Ctrl-C reaches the whole process group: the main process stops the pool and says so in one
    # line; the workers must not each print a traceback
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the pool stops its workers with SIGTERM


def _work(job):
    name, src_path, tgt_path, src_lang, tgt_lang, presegmented, length_only = job
    try:
        alignment = align_files(src_path, tgt_path, src_lang, tgt_lang, presegmented, length_only)
    except InputError as e:
        return name, None, str(e)
    except Exception as e:  # one broken document must not stop the batch
        return name, None, f"{type(e).__name__}: {e}"
    # features are not needed any more: keep the result small to send back
    alignment.src._features = alignment.tgt._features = None
    return name, alignment, None


def batch(src_dir, tgt_dir, out_dir, src_lang: str | None = None, tgt_lang: str | None = None,
          presegmented: bool = False, fmt: str = "beads", tmx_path=None, jobs: int | None = None,
          src_locale: str | None = None, tgt_locale: str | None = None, progress: bool | None = None,
          length_only: bool = False) -> BatchResult:
    """Align SRC_DIR/NAME with TGT_DIR/NAME for every NAME in both; write OUT_DIR/NAME in FMT.

    Optionally one combined TMX of all documents. JOBS worker processes (default: all cores).
    """
    src_dir, tgt_dir, out_dir = Path(src_dir), Path(tgt_dir), Path(out_dir)
    names, unpaired = paired_documents(src_dir, tgt_dir)
    if out_dir.resolve() in (src_dir.resolve(), tgt_dir.resolve()):
        raise InputError(f"{out_dir}: output directory is an input directory; its documents would be overwritten")
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: exists and is not a directory")
    out_dir.mkdir(parents=True, exist_ok=True)
    result = BatchResult(unpaired=unpaired)
    jobs = max(1, jobs or os.cpu_count() or 1)
    work = [(n, src_dir / n, tgt_dir / n, src_lang, tgt_lang, presegmented, length_only) for n in names]

    from tm.tmx import TmxWriter, alignment_units
    tmx = pool = None
    bar = tqdm(total=len(work), unit="doc", disable=progress is False or (progress is None and not sys.stderr.isatty()),
               file=sys.stderr, desc="aligning")
    try:
        if jobs == 1:
            results = map(_work, work)
        else:
            pool = get_context("spawn" if sys.platform == "darwin" else "fork").Pool(jobs, initializer=_quiet_worker)
            results = pool.imap(_work, work, chunksize=1)
        for name, alignment, error in results:
            bar.update(1)
            if error:
                result.failed[name] = error
                continue
            formats.write(alignment, out_dir / output_name(name, fmt), fmt)
            if tmx_path:
                if tmx is None:
                    tmx = TmxWriter(tmx_path, srclang=src_locale or alignment.src.lang.locale).__enter__()
                for segments, props in alignment_units(alignment, src_locale or alignment.src.lang.locale,
                                                       tgt_locale or alignment.tgt.lang.locale, document=name):
                    tmx.add(segments, props)
            result.aligned.append(name)
        if pool:
            pool.close()
            pool.join()
    except BaseException:
        if pool:
            pool.terminate()
        if tmx is not None:
            tmx.__exit__(*sys.exc_info())
            tmx = None
        raise
    finally:
        bar.close()
    if tmx is not None:
        tmx.__exit__(None, None, None)
        result.tmx_units = tmx.count
    return result
