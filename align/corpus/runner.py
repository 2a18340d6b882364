"""Running a corpus: what is done already, the documents to align on Dask, the run log and the combined TMX.

OUT_DIR after a run::

    run.jsonl                   one record per document per run (see runlog)
    corpus.tmx                  every done document's units, in manifest order (unless --no-tmx / --tmx FILE)
    documents/<doc_id>.<fmt>    each document's alignment (tsv, jsonl or beads, as `aligntm align` writes)
    units/<doc_id>.jsonl        each document's TMX units, from which corpus.tmx is rebuilt on every run
"""
from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import Sequence

from .. import formats
from ..errors import InputError
from ..langs import get_language
from .interrupt import InterruptFlag, deferred_interrupts
from .manifest import Manifest, merge_langs, load_manifest
from .progress import Progress
from .runlog import DONE, RunLog, document_key, is_done, now, ordered
from .units import UNITS_DIR, units_path, write_combined_tmx
from .worker import DOCUMENTS_DIR, DocumentTask, align_batch, output_path

DEFAULT_TMX = "corpus.tmx"


@dataclass
class CorpusResult:
    """What a corpus run did. FAILED maps doc_id to its error."""
    out_dir: Path
    documents: int
    aligned: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    unpaired: list[str] = field(default_factory=list)
    tmx_path: Path | None = None
    tmx_units: int = 0
    workers: int = 0
    seconds: float = 0.0             # the whole run, starting the workers included
    aligning_seconds: float = 0.0    # first document sent to the workers to last one back

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def run_log(self) -> Path:
        return self.out_dir / "run.jsonl"


def run_corpus(manifest: Manifest | str | os.PathLike | Sequence[str | os.PathLike], out_dir: str | os.PathLike, *,
               src_lang: str | None = None, tgt_lang: str | None = None, third_lang: str | None = None,
               pivot: str | None = None, presegmented: bool = False, length_only: bool = False,
               fmt: str = "tsv", tmx: bool | str | os.PathLike | None = True,
               src_locale: str | None = None, tgt_locale: str | None = None, third_locale: str | None = None,
               jobs: int | None = None, scheduler: str | None = None, progress: bool | None = None,
               progress_interval: float = 10.0) -> CorpusResult:
    """Align every document of MANIFEST into OUT_DIR on Dask; skip those done by an earlier run.

    MANIFEST: a manifest TSV, two or three directories to pair by file name, or a Manifest.
    TMX: True for OUT_DIR/corpus.tmx, a path, or False for none. JOBS local worker processes
    (default: all cores), or SCHEDULER, the address of a running Dask scheduler. PROGRESS: None for
    a bar on a terminal and plain lines otherwise, False for nothing. A failed document is recorded
    and the run goes on: check CorpusResult.failed.
    """
    started = time.perf_counter()
    if fmt not in formats.FORMATS:
        raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(sorted(formats.FORMATS))}")
    if jobs is not None and jobs < 1:
        raise InputError("-j/--jobs must be at least 1")
    if jobs is not None and scheduler:
        raise InputError("-j/--jobs is for local runs; with --scheduler the cluster's workers do the work")
    options = (src_lang, tgt_lang, third_lang)
    if isinstance(manifest, Manifest):
        manifest = replace(manifest, langs=merge_langs(manifest.langs, options, manifest.origin))
    else:
        manifest = load_manifest(manifest, options)
    if manifest.width < 3 and (pivot or third_locale):
        raise InputError(f"{'--pivot' if pivot else '--third-locale'} is for three documents per entry; "
                         f"this corpus has two")
    pivot = get_language(pivot).code if pivot else None
    out_dir = Path(out_dir).resolve()
    tmx_path = None if tmx is False or tmx is None else (out_dir / DEFAULT_TMX if tmx is True else Path(tmx).resolve())
    _prepare_out_dir(out_dir, manifest, tmx_path)

    locales = (src_locale, tgt_locale, third_locale)[:manifest.width]
    settings = {"langs": manifest.langs, "locales": locales, "presegmented": presegmented,
                "length_only": length_only, "format": fmt, "pivot": pivot}
    result = CorpusResult(out_dir, len(manifest.documents), unpaired=manifest.unpaired)
    run_id = now()
    final: dict[str, dict] = {}       # doc_id -> this run's record
    with RunLog(out_dir) as log, _temporary_files_removed_if_stopped(out_dir, tmx_path, local=not scheduler):
        # the log's lock keeps other runs out until the TMX is written too
        _remove_temporary_files(out_dir, tmx_path)
        previous = log.previous()
        tasks = []
        for doc in manifest.documents:
            key = document_key(doc.paths, settings)
            before = previous.get(doc.doc_id)
            if is_done(before, key, out_dir):
                final[doc.doc_id] = dict(before, status="skipped", run=run_id, logged=now())
                log.append(final[doc.doc_id])
                result.skipped.append(doc.doc_id)
            else:
                tasks.append(DocumentTask(doc.doc_id, tuple(map(str, doc.paths)), manifest.langs, locales,
                                          str(out_dir), fmt, presegmented, length_only, pivot, key))
        mode = Progress.mode_for(progress)
        n_jobs = None if scheduler else min(jobs or _default_jobs(), len(tasks))
        if mode:
            engine = f"the Dask scheduler at {scheduler}" if scheduler else f"{n_jobs} local Dask worker process(es)"
            print(f"aligntm: {len(manifest.documents)} documents: {len(result.skipped)} done before (skipped), "
                  f"{len(tasks)} to align" + (f" with {engine}" if tasks else ""), file=sys.stderr, flush=True)
        if tasks:
            # the languages of the manifest, or the three whose modules load dictionaries
            warm = sorted({code for code in manifest.langs if code} or {"ja", "en", "lo"})
            for task, record in _align_on_dask(tasks, n_jobs, scheduler, warm, mode, progress_interval, result):
                final[task.doc_id] = ordered(dict(record, key=task.key, paths=list(task.paths), run=run_id,
                                                  logged=now()))
                log.append(final[task.doc_id])
                if record["status"] == "ok":
                    result.aligned.append(task.doc_id)
                else:
                    result.failed[task.doc_id] = record["error"]
                    _remove_stale_outputs(previous.get(task.doc_id), out_dir, task)
        if tmx_path:
            done = [doc.doc_id for doc in manifest.documents if final[doc.doc_id]["status"] in DONE]
            if done:
                if manifest.width == 3:  # units of three languages: the pivot is the source
                    first = final[done[0]].get("langs") or ["en"]
                    pivot_code = pivot or ("en" if "en" in first else first[1] if len(first) > 1 else first[0])
                    column = manifest.langs.index(pivot_code) if pivot_code in manifest.langs else None
                    srclang = (locales[column] if column is not None else None) or _locale_of(pivot_code)
                else:
                    srclang = src_locale or _locale_of(manifest.langs[0] or (final[done[0]].get("langs") or ["en"])[0])
                result.tmx_path = tmx_path
                result.tmx_units = write_combined_tmx(tmx_path, (units_path(out_dir, d) for d in done), srclang)
    result.seconds = time.perf_counter() - started
    return result


def _align_on_dask(tasks, jobs, scheduler, warm_langs, mode, progress_interval, result: CorpusResult):
    """(task, record) for each of TASKS, aligned on Dask, with progress; sets RESULT's workers and timing."""
    from .cluster import dask_client
    bar = None
    try:
        with deferred_interrupts() as interrupted, dask_client(jobs, scheduler, warm_langs) as client:
            interrupted.check()
            result.workers = len(client.nthreads())
            bar = Progress(len(tasks), mode, interval=progress_interval)  # its clock starts with the work
            aligning = time.perf_counter()
            for task, record in _run_tasks(client, tasks, interrupted):
                yield task, record
                bar.update(record["status"] != "ok")
            result.aligning_seconds = time.perf_counter() - aligning
            bar.close()  # before the workers shut down, so that its figures are the aligning's
    finally:
        if bar is not None:
            bar.close()


def _locale_of(code: str) -> str:
    return get_language(code).locale


def _default_jobs() -> int:
    from .cluster import default_jobs
    return default_jobs()


# Documents per Dask task: up to BATCH_DOCS of them and BATCH_BYTES of input (a long document goes
# alone), and no more than an eighth of a worker's share, so that the workers finish together.
BATCH_DOCS = 16
BATCH_BYTES = 128 * 1024


def batches(tasks: list[DocumentTask], workers: int) -> list[list[DocumentTask]]:
    """TASKS in consecutive groups of a few documents (see BATCH_DOCS), in manifest order."""
    limit = max(1, min(BATCH_DOCS, len(tasks) // (8 * max(1, workers))))
    out: list[list[DocumentTask]] = []
    size = 0
    for task in tasks:
        task_bytes = sum(_file_size(p) for p in task.paths)
        if not out or len(out[-1]) >= limit or size + task_bytes > BATCH_BYTES:
            out.append([])
            size = 0
        out[-1].append(task)
        size += task_bytes
    return out


def _file_size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _run_tasks(client, tasks: list[DocumentTask], interrupted: InterruptFlag):
    """(task, record) as each document finishes, keeping a bounded number of batches in flight.

    A bounded window keeps the client's memory flat for any number of documents and lets Ctrl-C
    stop the run without thousands of queued tasks to cancel. The loop polls rather than blocks
    so that Ctrl-C (INTERRUPTED) is noticed even while a long document is being aligned.
    """
    from distributed import as_completed
    threads = sum(client.nthreads().values())
    window = max(8, 3 * threads)
    queue = iter(batches(tasks, threads))
    in_flight: dict = {}
    finished = as_completed()

    def submit(batch: list[DocumentTask]) -> None:
        future = client.submit(align_batch, batch, pure=False)
        in_flight[future.key] = (future, batch)
        finished.add(future)

    try:
        for batch in islice(queue, window):
            submit(batch)
        while in_flight:
            interrupted.check()
            if not finished.has_ready():
                time.sleep(0.02)
                continue
            for future in finished.next_batch(block=False):
                _, batch = in_flight.pop(future.key)
                try:
                    records = future.result()
                except Exception as e:  # the worker died (out of memory, a crash in a C library...)
                    records = [{"doc_id": task.doc_id, "status": "failed",
                                "error": f"worker lost while aligning it or a document sent with it: "
                                         f"{type(e).__name__}: {e}"} for task in batch]
                future.release()
                nxt = next(queue, None)
                if nxt is not None:
                    submit(nxt)
                yield from zip(batch, records)
    finally:
        if in_flight:
            client.cancel([f for f, _ in in_flight.values()])


def _prepare_out_dir(out_dir: Path, manifest: Manifest, tmx_path: Path | None) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: exists and is not a directory")
    inputs = {p for doc in manifest.documents for p in doc.paths}
    if tmx_path:
        if tmx_path in inputs:
            raise InputError(f"{tmx_path}: the TMX would overwrite an input file")
        if tmx_path.is_dir():
            raise InputError(f"{tmx_path}: is a directory, expected a TMX file name")
        if tmx_path.parent != out_dir and not tmx_path.parent.is_dir():
            raise InputError(f"{tmx_path}: directory {tmx_path.parent} does not exist")
    for sub in (DOCUMENTS_DIR, UNITS_DIR):
        if any(p.parent == out_dir / sub for p in inputs):
            raise InputError(f"{out_dir / sub}: holds input documents; choose another output directory")
    try:
        for sub in (DOCUMENTS_DIR, UNITS_DIR):
            (out_dir / sub).mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"{out_dir}: cannot create the output directory ({e.strerror})") from None


@contextmanager
def _temporary_files_removed_if_stopped(out_dir: Path, tmx_path: Path | None, local: bool):
    """A run stopped by Ctrl-C, SIGTERM or an error leaves no temporary file: by the block's end its
    LOCAL workers are shut down, and a write they were in the middle of is abandoned. (A
    cluster's workers may still be writing: the next run removes what they leave.)"""
    try:
        yield
    except BaseException:
        if local:
            _remove_temporary_files(out_dir, tmx_path)
        raise


def _remove_temporary_files(out_dir: Path, tmx_path: Path | None) -> None:
    """Temporary files of writes a crash interrupted (the run log's lock says no run is writing now)."""
    leftovers = [p for sub in (DOCUMENTS_DIR, UNITS_DIR) for p in (out_dir / sub).glob(".*.part")]
    if tmx_path:
        leftovers += tmx_path.parent.glob(f".{tmx_path.name}.*.part")
    for p in leftovers:
        try:
            p.unlink()
        except OSError:
            pass


def _remove_stale_outputs(before: dict | None, out_dir: Path, task: DocumentTask) -> None:
    """A document that fails now keeps no outputs of an earlier run: they were made from other inputs."""
    stale = [output_path(out_dir, task.doc_id, task.fmt), units_path(out_dir, task.doc_id)]
    if before:
        stale += [out_dir / p for p in before.get("outputs") or []]
    for p in stale:
        try:
            p.unlink()
        except FileNotFoundError:
            pass
