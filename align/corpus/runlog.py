"""OUT_DIR/run.jsonl: one record per document per run, appended as each finishes; what resuming reads.

Each line is a JSON object (fields in README, "Whole corpora"): doc_id, status (ok, failed,
skipped), counts, confidence summary, seconds, error, the worker, and the key of what the outputs
were made from. Lines are flushed as they are written, so after Ctrl-C or a crash the log holds
every document finished until then; a last line torn by a crash is cut off by the next run.

A document is done when its latest record is ok (or skipped, i.e. ok earlier), with the key of the
current run, and its output files exist. Everything else, failed documents included, is aligned
again: a failure may have been transient, or its input fixed since.
"""
from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from ..errors import InputError

RUN_LOG = "run.jsonl"
DONE = ("ok", "skipped")


def document_key(paths: Iterable[Path], settings: dict) -> str:
    """A fingerprint of a document's inputs (path, size, modification time) and the run's settings.

    A document whose key changed since it was aligned (edited input, other languages, format or
    options) is not done: its outputs would not be the ones this run would write.
    """
    inputs = []
    for p in paths:
        try:
            st = os.stat(p)
            inputs.append([str(p), st.st_size, st.st_mtime_ns])
        except OSError:
            inputs.append([str(p), None, None])
    blob = json.dumps({"inputs": inputs, "settings": settings}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha1(blob.encode("utf-8")).hexdigest()[:16]


# The order of a record's fields in run.jsonl: what a reader looks for first comes first.
FIELDS = ("doc_id", "status", "error", "seconds", "langs", "sentences", "beads", "bead_types", "confidence",
          "units", "outputs", "units_file", "paths", "worker", "peak_rss_mb", "key", "run", "logged")


def ordered(record: dict) -> dict:
    """RECORD with its fields in the order of FIELDS (unknown fields last)."""
    out = {k: record[k] for k in FIELDS if k in record}
    out.update((k, v) for k, v in record.items() if k not in out)
    return out


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def read_records(path: Path) -> dict[str, dict]:
    """The latest record of each doc_id in the log at PATH (none if there is no log).

    Lines that are not JSON objects (a line torn by a crash) are skipped.
    """
    latest: dict[str, dict] = {}
    try:
        f = open(path, "rb")
    except FileNotFoundError:
        return latest
    with f:
        for line in f:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and isinstance(record.get("doc_id"), str):
                latest[record["doc_id"]] = record
    return latest


def is_done(record: dict | None, key: str, out_dir: Path) -> bool:
    """Whether the document of RECORD is done for KEY (see the module documentation)."""
    if not record or record.get("status") not in DONE or record.get("key") != key:
        return False
    files = list(record.get("outputs") or []) + [record.get("units_file") or ""]
    return all(f and (out_dir / f).is_file() for f in files)


class RunLog:
    """Appends records to OUT_DIR/run.jsonl; holds a lock so that two runs cannot share OUT_DIR."""

    def __init__(self, out_dir: Path):
        self.path = Path(out_dir) / RUN_LOG
        self._f = None

    def __enter__(self) -> "RunLog":
        try:
            self._f = open(self.path, "ab")
        except OSError as e:
            raise InputError(f"{self.path}: cannot write the run log ({e.strerror})") from None
        self._lock()
        self._drop_torn_line()
        return self

    def _drop_torn_line(self) -> None:
        """Cut a last line torn by a crash, so that the log stays valid JSONL for any reader (and
        the first record of this run is not glued to it). Its document is not done: it is aligned again."""
        size = self._f.seek(0, os.SEEK_END)
        if size == 0:
            return
        with open(self.path, "rb") as r:
            start = max(0, size - (1 << 16))
            while True:
                r.seek(start)
                tail = r.read(size - start)
                if tail.endswith(b"\n"):
                    return
                cut = tail.rfind(b"\n")
                if cut >= 0 or start == 0:
                    break
                start = max(0, start - (1 << 16))
        self._f.truncate(start + cut + 1)

    def _lock(self) -> None:
        try:
            import fcntl
        except ImportError:  # no advisory locks (Windows): one run per OUT_DIR is up to the user
            return
        try:
            fcntl.flock(self._f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._f.close()
            raise InputError(f"{self.path}: another `aligntm corpus` run is writing to this directory") from None

    def previous(self) -> dict[str, dict]:
        """The latest record of each document from earlier runs."""
        return read_records(self.path)

    def append(self, record: dict) -> None:
        self._f.write((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
        self._f.flush()

    def __exit__(self, *exc):
        try:
            os.fsync(self._f.fileno())
        except OSError:
            pass
        self._f.close()  # closing releases the lock
