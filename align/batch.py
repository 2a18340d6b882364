"""Aligning every document pair of two directories, in worker processes, with a progress bar."""
from __future__ import annotations

import os
from bisect import bisect_left
import sys
from dataclasses import dataclass, field
from contextlib import ExitStack
from pathlib import Path

from tqdm import tqdm

from . import formats, forked
from . import params as P
from .api import align_documents, align_files
from .errors import InputError
from .lexicon import Lexicon, contested, training_pairs, training_pairs_sample


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


class _Bar(tqdm):
    monitor_interval = 0   # no monitor thread: workers are forked while the bar runs


def _lost(job):
    """The answer for a document whose worker process died at it (killed, out of memory)."""
    return job[0], None, "its worker process died (killed, or out of memory?)"


def _learn(job):
    """Pass 1 of a batch: align one document pair alone. Its result as _work gives it (with the
    features when a bead is unsure: the second pass needs them), the words of its sure pairs, and
    the positions among them of the pairs beside a bead it is unsure of (lexicon.contested)."""
    name, alignment, error = _work(job[:-1] + (False,), keep_features=True)
    if alignment is None:
        return name, alignment, error, [], []
    a = alignment
    found = training_pairs(a.src.lang, a.tgt.lang, a.src.texts, a.tgt.texts, a.beads)
    if not _unsure(a):
        a.src._features = a.tgt._features = None
        return name, alignment, error, found, []
    return name, alignment, error, found, [k for k, c in enumerate(contested(a.beads)) if c]


def _again(task):
    """Pass 2 of a batch: align one document pair again with the lexicon learned from all, less
    what the document's contested pairs taught it (Lexicon.leaving_out)."""
    job, first, lexicon, contested_pairs = task
    lexicon = lexicon.leaving_out(contested_pairs)
    if first is None or first.src._features is None:
        return _work(job[:-1] + (lexicon,))
    alignment = align_documents(first.src, first.tgt, lexicon=lexicon)
    alignment.src._features = alignment.tgt._features = None
    return job[0], alignment, None


def _learned_from(pairs: list, sample, start: int, positions: list[int]) -> list:
    """The pairs PAIRS[start + k] for k in POSITIONS that SAMPLE (sorted indices of the pairs
    the lexicon learned from) holds."""
    if isinstance(sample, range):
        return [pairs[start + k] for k in positions]
    found = []
    for k in positions:
        at = bisect_left(sample, start + k)
        if at < len(sample) and sample[at] == start + k:
            found.append(pairs[start + k])
    return found


def _without_features(result):
    alignment = result[1]
    if alignment is not None:
        alignment.src._features = alignment.tgt._features = None
    return result


def _unsure(alignment) -> bool:
    return alignment is not None and any(b.confidence < P.LEXICON_MIN_CONFIDENCE for b in alignment.beads)


def _work(job, keep_features: bool = False):
    name, src_path, tgt_path, src_lang, tgt_lang, presegmented, length_only, lexicon = job
    try:
        alignment = align_files(src_path, tgt_path, src_lang, tgt_lang, presegmented, length_only, lexicon)
    except InputError as e:
        return name, None, str(e)
    except Exception as e:  # one broken document must not stop the batch
        return name, None, f"{type(e).__name__}: {e}"
    if not keep_features:  # not needed any more: keep the result small to send back
        alignment.src._features = alignment.tgt._features = None
    return name, alignment, None


def batch(src_dir, tgt_dir, out_dir, src_lang: str | None = None, tgt_lang: str | None = None,
          presegmented: bool = False, fmt: str = "beads", tmx_path=None, jobs: int | None = None,
          src_locale: str | None = None, tgt_locale: str | None = None, progress: bool | None = None,
          length_only: bool = False, lexicon: bool = True) -> BatchResult:
    """Align SRC_DIR/NAME with TGT_DIR/NAME for every NAME in both; write OUT_DIR/NAME in FMT.

    Optionally one combined TMX of all documents. JOBS worker processes (default: all cores).
    LEXICON: align every pair twice, the second time with a lexicon learned from all the pairs of
    the first (align/lexicon.py).
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
    work = [(n, src_dir / n, tgt_dir / n, src_lang, tgt_lang, presegmented, length_only, False) for n in names]
    two_passes = lexicon and not length_only

    from tm.tmx import TmxWriter, alignment_units
    tmx = None
    bar = _Bar(total=len(work), unit="doc",
               disable=progress is False or (progress is None and not sys.stderr.isatty()),
               file=sys.stderr, desc="aligning")
    # the documents are aligned in JOBS forked workers (forked.mapped); those of the second pass
    # are forked once the lexicon is learned, and inherit it. Whatever ends a block (Ctrl-C,
    # SIGTERM, an error) kills its workers
    try:
        with ExitStack() as blocks:      # the workers whose results are written as they come
            if two_passes:
                bar.set_description("learning a lexicon")
                first, pairs, kept, where = {}, [], 0, {}
                with forked.mapped(_learn, work, jobs, lost=lambda job: _lost(job) + ([], [])) as learnt:
                    for name, alignment, error, found, disputed in learnt:
                        first[name] = (name, alignment, error)
                        where[name] = (len(pairs), disputed)
                        pairs.extend(found)
                        bar.update(1)
                        if alignment is not None and alignment.src._features is not None:
                            kept += len(alignment.src.sentences) + len(alignment.tgt.sentences)
                            if kept > P.LEXICON_KEEP_SENTENCES:  # bounded memory: pass 2 computes them again
                                alignment.src._features = alignment.tgt._features = None
                # too few sure pairs (one short document): words would pair by chance
                sample = training_pairs_sample(range(len(pairs)))
                learned = Lexicon.learn([pairs[k] for k in sample]) if len(pairs) >= P.LEXICON_MIN_BEADS else Lexicon({}, {}, {})
                # the second pass for the documents the first was unsure of somewhere; a document
                # whose every bead is sure keeps its first alignment. Each is given its pairs beside
                # the places the first pass was unsure of, that the lexicon learned from, to leave
                # out (lexicon.contested)
                again = [(job, first[job[0]][1], learned, _learned_from(pairs, sample, *where[job[0]]))
                         for job in work if len(learned) and _unsure(first[job[0]][1])]
                bar.total = len(work) + len(again)
                bar.set_description("aligning again")
                redone = {}
                with forked.mapped(_again, again, jobs, lost=lambda task: _lost(task[0])) as aligned:
                    for r in aligned:
                        redone[r[0]] = r
                        bar.update(1)
                results = (redone.get(job[0]) or _without_features(first[job[0]]) for job in work)
            else:
                results = blocks.enter_context(forked.mapped(_work, work, jobs, lost=_lost))
            for name, alignment, error in results:
                if not two_passes:
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
    except BaseException:
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
