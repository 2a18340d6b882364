"""What runs on a Dask worker: align one document, write its outputs there, return a small record.

Outputs are written by the worker (atomically) and only a record of a few hundred bytes goes back
to the client, so the per-document work, not moving alignments around, is what a run spends its
time on. Every error a document can cause is caught here and becomes a "failed" record: one broken
document must not stop a corpus.
"""
from __future__ import annotations

import os
import socket
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .. import formats
from ..errors import InputError
from .units import units_path, write_units

DOCUMENTS_DIR = "documents"
# A line that exercises segmenting, MeCab and the anchor extractors of every language we warm up.
_WARM_UP_TEXT = "2025年1月21日、日本とラオスの首脳は東京で会談した。The leaders met in Tokyo on 21 January 2025."


@dataclass(frozen=True)
class DocumentTask:
    """Everything a worker needs to align one document (small: it is sent to the worker)."""
    doc_id: str
    paths: tuple[str, ...]                 # absolute: workers may run in another directory
    langs: tuple[str | None, ...]          # per path column; None: detected from the script
    locales: tuple[str | None, ...]        # per path column: xml:lang in the TMX; None: the language's own
    out_dir: str
    fmt: str
    presegmented: bool = False
    length_only: bool = False
    pivot: str | None = None
    key: str = ""                          # what the outputs were made from (see runlog)


def output_path(out_dir: Path, doc_id: str, fmt: str, pair: str | None = None) -> Path:
    """OUT_DIR/documents/<doc_id>.<fmt>; with three documents one file per aligned PAIR (ja-en...)."""
    return out_dir / DOCUMENTS_DIR / (f"{doc_id}.{pair}.{fmt}" if pair else f"{doc_id}.{fmt}")


def align_document(task: DocumentTask) -> dict:
    """Align TASK's document and write its outputs; a record of how it went (never raises)."""
    started = time.perf_counter()
    record: dict = {"doc_id": task.doc_id, "status": "ok", "error": None}
    try:
        record.update(_align_and_write(task))
    except InputError as e:
        record.update(status="failed", error=str(e))
    except MemoryError:
        record.update(status="failed", error="out of memory while aligning this document")
    except Exception as e:  # a bug hit by one document: record it and go on with the others
        record.update(status="failed", error=f"{type(e).__name__}: {e}")
    record["seconds"] = round(time.perf_counter() - started, 4)
    record["worker"] = f"{socket.gethostname()}:{os.getpid()}"
    record["peak_rss_mb"] = peak_rss_mb()
    return record


def align_batch(tasks: Sequence[DocumentTask]) -> list[dict]:
    """align_document for each of a few documents sent as one Dask task (records in the same order).

    Sending documents in small batches keeps the scheduler's and the client's work per document
    (which competes with the workers for the same cores on one machine) small next to the aligning.
    """
    return [align_document(task) for task in tasks]


def _align_and_write(task: DocumentTask) -> dict:
    out_dir = Path(task.out_dir)
    multi = None
    if len(task.paths) == 2:
        from ..api import align_files
        alignments = {None: align_files(task.paths[0], task.paths[1], task.langs[0], task.langs[1],
                                        task.presegmented, task.length_only)}
    else:
        from ..pivot import pair_alignments
        multi = align_with_pivot(task)
        alignments = pair_alignments(multi)
    outputs = []
    for pair, alignment in alignments.items():
        path = output_path(out_dir, task.doc_id, task.fmt, pair)
        formats.write(alignment, path, task.fmt)
        outputs.append(str(path.relative_to(out_dir)))
    # --src-locale/--tgt-locale/--third-locale name the locale of a column; units need it per language
    locales = {}
    for alignment in alignments.values():
        for doc in (alignment.src, alignment.tgt):
            column = _column_of(doc.name, task.paths)
            if column is not None and task.locales[column]:
                locales[doc.lang.code] = task.locales[column]
    units_file = units_path(out_dir, task.doc_id)
    units = write_units(multi if multi is not None else alignments[None], units_file, task.doc_id, locales)
    alignments = list(alignments.values())
    return {"outputs": outputs, "units_file": str(units_file.relative_to(out_dir)), "units": units,
            **summary(alignments)}


def _column_of(name: str, paths: Sequence[str]) -> int | None:
    for i, p in enumerate(paths):
        if str(Path(p)) == name:
            return i
    return None


def align_with_pivot(task: DocumentTask):
    """Three documents: each aligned with the pivot language's (align.pivot.align_pivot)."""
    from ..document import load_document
    from ..pivot import align_pivot
    docs = {}
    for path, lang in zip(task.paths, task.langs):
        doc = load_document(path, lang, task.presegmented)
        if doc.lang.code in docs:
            raise InputError(f"{path}: a second {doc.lang.name} document; the documents of an entry must be "
                             f"in different languages")
        docs[doc.lang.code] = doc
    codes = list(docs)
    pivot = task.pivot or ("en" if "en" in docs else codes[1])
    if pivot not in docs:
        raise InputError(f"{task.paths[0]}: pivot language {pivot} is none of the documents' ({', '.join(codes)})")
    return align_pivot(docs, pivot, length_only=task.length_only)


def summary(alignments: list) -> dict:
    """Counts and a confidence summary of a document's alignments, for run.jsonl."""
    sentences: dict[str, int] = {}
    types: Counter = Counter()
    confidences = []
    langs = []
    for alignment in alignments:
        for doc in (alignment.src, alignment.tgt):
            if doc.lang.code not in sentences:
                langs.append(doc.lang.code)
            sentences[doc.lang.code] = len(doc.sentences)
        for bead in alignment.beads:
            types[bead.type] += 1
            confidences.append(bead.confidence)
    confidences.sort()
    return {
        "langs": langs,
        "sentences": sentences,
        "beads": len(confidences),
        "bead_types": dict(sorted(types.items())),
        "confidence": {
            "mean": round(sum(confidences) / len(confidences), 4) if confidences else None,
            "min": round(confidences[0], 4) if confidences else None,
            "median": round(confidences[len(confidences) // 2], 4) if confidences else None,
            "below_0.5": sum(1 for c in confidences if c < 0.5),
        },
    }


def peak_rss_mb() -> float | None:
    """The peak resident memory of this process so far, in MB."""
    try:
        import resource
    except ImportError:  # Windows: the current size is the best there is
        try:
            import psutil
            return round(psutil.Process().memory_info().rss / 2**20, 1)
        except Exception:
            return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (2**20 if sys.platform == "darwin" else 2**10), 1)  # bytes on macOS, KiB elsewhere


def warm_up(langs: Sequence[str]) -> None:
    """Load what LANGS need (MeCab tagger, dictionaries) into this process before the first document."""
    from ..langs import get_language
    for code in langs:
        try:
            lang = get_language(code)
            lang.features(lang.segment(_WARM_UP_TEXT))
        except Exception:  # a language that cannot load fails its documents, with the real error
            pass

