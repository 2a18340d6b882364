"""The review file: an append-only journal of a review, so that no edit is ever lost.

`NAME.review.jsonl`, one JSON object per line:
    line 1   the header: {"format": "aligntm-review", "version": 1, "languages": [...], "inputs": [...], ...}
    line 2   {"snapshot": [row, ...]}: the alignment as the review began (see rows.py)
    then     one line per step: {"edit": N, "op": {...}, "start": S, "old": [rows], "new": [rows],
             "changed": [...]} for an edit or a realign, {"undo": N} or {"redo": N}

Each step is appended, flushed and fsync'ed before the server answers, so closing the tab,
killing the server or a crash loses nothing that was acknowledged; a line cut short by a crash
was never acknowledged and is dropped when the file is next opened. Reading the file is
replaying it: the snapshot, then each step (undo and redo walk the stacks of edits). Writing
only ever appends, so a reader (`aligntm report`, `tm import`) never sees a half-written state.

One server at a time: the writer holds an exclusive lock (fcntl) on NAME.review.jsonl.lock,
which also names its process and address for the message a second server gets.
"""
from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..textio import atomic_writer
from .rows import Splice

FORMAT = "aligntm-review"
VERSION = 1
SUFFIX = ".review.jsonl"


def is_review_file(path) -> bool:
    """Does PATH start like a review file (its first line is the review header)?"""
    try:
        with open(path, "rb") as f:
            head = f.read(200)
    except OSError:
        return False
    return head.lstrip().startswith(b"{") and b'"format": "aligntm-review"' in head.split(b"\n", 1)[0]


@dataclass
class ReviewState:
    header: dict
    rows: list[dict]
    undo: list[dict] = field(default_factory=list)   # edit steps that can be undone, last on top
    redo: list[dict] = field(default_factory=list)
    version: int = 0                                 # steps applied (edits, undos, redos)
    edits: int = 0                                   # edit numbers given so far

    @property
    def languages(self) -> list[str]:
        return self.header["languages"]


def _forward(step: dict) -> Splice:
    return Splice(step["start"], len(step["old"]), step["new"], step.get("changed", []))


def _backward(step: dict) -> Splice:
    return Splice(step["start"], len(step["new"]), step["old"], list(range(step["start"], step["start"] + len(step["old"]))))


def replay(path) -> tuple[ReviewState, int]:
    """The state a review file holds, and the byte length of its intact part (a last line cut
    short by a crash is not in it)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such review file") from None
    good = data.rfind(b"\n") + 1
    lines = data[:good].split(b"\n")[:-1]
    if len(lines) < 2:
        raise InputError(f"{path}: not a review file (expected a header and a snapshot; the file is "
                         f"{'empty' if not data else 'cut short'})")
    try:
        header = json.loads(lines[0])
        snapshot = json.loads(lines[1])["snapshot"]
    except (ValueError, KeyError, TypeError):
        raise InputError(f"{path}: not a review file (its first lines are not an aligntm review header "
                         f"and snapshot)") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise InputError(f"{path}: not an aligntm review file")
    if header.get("version") != VERSION:
        raise InputError(f"{path}: review file version {header.get('version')!r}; this aligntm reads version {VERSION}")
    state = ReviewState(header, snapshot)
    for number, line in enumerate(lines[2:], 3):
        try:
            step = json.loads(line)
            _apply_step(state, step)
        except (ValueError, KeyError, TypeError, IndexError) as e:
            raise InputError(f"{path}:{number}: damaged review step ({type(e).__name__}: {e})") from None
    return state, good


def _apply_step(state: ReviewState, step: dict) -> Splice:
    if "edit" in step:
        splice = _forward(step)
        if not 0 <= step["start"] <= len(state.rows) - len(step["old"]):
            raise IndexError("edit outside the rows")
        splice.apply(state.rows)
        state.undo.append(step)
        state.redo.clear()
        state.edits = max(state.edits, step["edit"])
    elif "undo" in step:
        edit = state.undo.pop()
        if edit["edit"] != step["undo"]:
            raise ValueError(f"undo of edit {step['undo']} but edit {edit['edit']} is on top")
        splice = _backward(edit)
        splice.apply(state.rows)
        state.redo.append(edit)
    elif "redo" in step:
        edit = state.redo.pop()
        if edit["edit"] != step["redo"]:
            raise ValueError(f"redo of edit {step['redo']} but edit {edit['edit']} is on top")
        splice = _forward(edit)
        splice.apply(state.rows)
        state.undo.append(edit)
    else:
        raise ValueError("unknown step")
    state.version += 1
    return splice


def create(path, header: dict, rows: list[dict]) -> None:
    """Write a new review file (atomically: it is there whole or not at all)."""
    header = {"format": FORMAT, "version": VERSION, **header}
    with atomic_writer(path) as f:
        f.write(json.dumps(header, ensure_ascii=False) + "\n")
        f.write(json.dumps({"snapshot": rows}, ensure_ascii=False) + "\n")


class LockedError(InputError):
    pass


class ReviewLock:
    """The right to write one review file: an exclusive flock on NAME.review.jsonl.lock, whose
    text names the holder (pid, address) for the refusal a second writer gets. Taken before a
    review is created, updated or opened, and held until the server stops."""

    def __init__(self, path, address: str = ""):
        self.path = Path(path)
        lock_path = self.path.with_name(self.path.name + ".lock")
        while True:
            f = open(lock_path, "a+")
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                f.seek(0)
                owner = f.read().strip()
                f.close()
                raise LockedError(f"{self.path}: already open in another aligntm review ({owner or 'another process'}); "
                                  f"stop that one first, or give another review file") from None
            try:
                same = os.fstat(f.fileno()).st_ino == os.stat(lock_path).st_ino
            except FileNotFoundError:
                same = False
            if same:   # not a lock file its last holder removed while we waited for it
                break
            f.close()
        self._file = f
        self.set_address(address)

    def set_address(self, address: str) -> None:
        self._file.seek(0)
        self._file.truncate()
        self._file.write(f"pid {os.getpid()}{', ' + address if address else ''}")
        self._file.flush()

    def release(self) -> None:
        if self._file:
            try:
                os.unlink(self._file.name)
            except OSError:
                pass
            self._file.close()
            self._file = None


class Journal:
    """A review file open for writing by one process: the state, and steps appended durably.
    LOCK: the ReviewLock already taken for PATH (else it is taken here)."""

    def __init__(self, path, address: str = "", lock: ReviewLock | None = None):
        self.path = Path(path)
        self._lock = lock or ReviewLock(self.path, address)
        try:
            self.state, good = replay(self.path)
            self.dropped_bytes = self.path.stat().st_size - good
            self._file = open(self.path, "r+b")
            if self.dropped_bytes:
                self._file.truncate(good)   # a step cut short by a crash: never acknowledged
            self._file.seek(0, os.SEEK_END)
        except BaseException:
            self.close()
            raise

    def set_address(self, address: str) -> None:
        self._lock.set_address(address)

    def _append(self, step: dict) -> None:
        self._file.write((json.dumps(step, ensure_ascii=False) + "\n").encode("utf-8"))
        self._file.flush()
        os.fsync(self._file.fileno())

    def record(self, op: dict, splice: Splice) -> Splice:
        """Apply and store an edit (or realign) SPLICE made by request OP."""
        state = self.state
        step = {"edit": state.edits + 1, "op": op, "start": splice.start,
                "old": state.rows[splice.start:splice.start + splice.removed], "new": splice.rows,
                "changed": splice.changed}
        self._append(step)
        return _apply_step(state, step)

    def undo(self) -> Splice:
        return self._walk("undo")

    def redo(self) -> Splice:
        return self._walk("redo")

    def _walk(self, way: str) -> Splice:
        """Undo or redo (WAY) the edit on top of that stack, as a step of its own."""
        stack = getattr(self.state, way)
        if not stack:
            raise InputError(f"nothing to {way}")
        step = {way: stack[-1]["edit"]}
        self._append(step)
        return _apply_step(self.state, step)

    def close(self) -> None:
        f = getattr(self, "_file", None)
        if f:
            f.close()
            self._file = None
        lock = getattr(self, "_lock", None)
        if lock:
            lock.release()
            self._lock = None
