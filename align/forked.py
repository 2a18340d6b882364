"""Work done in forked processes while this one does other work: two cores for two jobs
(beside, beside_each), or a list of items on every core (mapped).

A forked process inherits the functions and their arguments (they are not pickled to it: that
took the parent's time); only the results come back, pickled through a pipe of its own, each as
soon as it is done; a value known only later is sent to a helper the same way (Later). Where
processes cannot be forked (not Linux, one core, inside a worker, other threads running), the
work is done here.

Plain forks, not ProcessPoolExecutor or multiprocessing.Pool: Ctrl-C reached every process, and
the executor's shutdown then waited for ever on a worker blocked reading its next task; SIGTERM
killed a Pool's worker holding a lock its parent then waited on. The forked processes ignore
SIGINT and SIGTERM's handler; whatever ends the block (done, an error, Ctrl-C) kills and reaps
them, and the work of one that died (killed, out of memory) is done here.
"""
from __future__ import annotations

import contextlib
import fcntl
import mmap
import os
import pickle
import queue
import signal
import struct
import sys
import threading


def can_fork() -> bool:
    """Whether this process may fork a helper: on Linux, with two cores or more, not inside a
    worker of a pool (batch, corpus), which may not start processes of its own, and with no other
    thread running (a server's, a Dask worker's): a thread holding a lock when the process forks
    leaves that lock held for ever in the child."""
    # a pool's worker has imported multiprocessing; importing it here only to ask took 18 ms
    return (os.cpu_count() or 1) >= 2 and _may_fork()


def _may_fork() -> bool:
    multiprocessing = sys.modules.get("multiprocessing")
    in_worker = _IN_WORKER or (multiprocessing is not None and multiprocessing.current_process().daemon)
    return sys.platform.startswith("linux") and not in_worker and threading.active_count() == 1


_IN_WORKER = False   # true in the workers of mapped(): they fork no helpers of their own


def in_worker() -> bool:
    """Whether this process is a worker of mapped()."""
    return _IN_WORKER


class SharedCounters:
    """Integers this process and the processes it forks read and change under one lock: an
    anonymous shared mapping (shared across fork) and a pipe holding one byte (whoever has
    read it holds the lock). multiprocessing's Array did the same for 18 ms of imports."""

    def __init__(self, values: list[int]):
        self.n = len(values)
        self.memory = mmap.mmap(-1, 8 * max(1, self.n))
        struct.pack_into(f"{self.n}q", self.memory, 0, *values)
        self.read_end, self.write_end = os.pipe()
        os.write(self.write_end, b"x")

    @contextlib.contextmanager
    def held(self):
        """The block holds the lock; it gets the values as a list, and what it leaves in that
        list is written back."""
        os.read(self.read_end, 1)
        try:
            values = list(struct.unpack_from(f"{self.n}q", self.memory))
            yield values
            struct.pack_into(f"{self.n}q", self.memory, 0, *values)
        finally:
            os.write(self.write_end, b"x")

    def __enter__(self) -> "SharedCounters":
        return self

    def __exit__(self, *exc) -> None:
        os.close(self.read_end)
        os.close(self.write_end)
        self.memory.close()


class Done:
    """A future whose value is known already."""

    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


class Later:
    """A value this process gives a helper's calls after the fork (beside_each): a call's
    value() waits in the helper until this process send()s it (here, value() is what was sent).
    Used as a context, around the beside_each block."""

    def __init__(self):
        self.owner = os.getpid()
        self.read_end = self.write_end = -1
        self.sent = False

    def __enter__(self) -> "Later":
        self.read_end, self.write_end = os.pipe()
        try:    # room for the value, so that send() does not wait for a helper still at work
            fcntl.fcntl(self.write_end, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
        except OSError:
            pass
        _LATER.append(self)
        return self

    def __exit__(self, *exc) -> None:
        _LATER.remove(self)
        for fd in (self.read_end, self.write_end):
            if fd >= 0:
                os.close(fd)
        self.read_end = self.write_end = -1

    def send(self, value) -> None:
        self.value_sent, self.sent = value, True
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            with os.fdopen(os.dup(self.write_end), "wb") as out:
                out.write(_LENGTH.pack(len(payload)) + payload)
        except BrokenPipeError:
            pass            # the helper is gone: what it would have done is done here

    def value(self):
        if not self.sent:
            if os.getpid() == self.owner:
                raise RuntimeError("forked.Later: value() before send()")
            with os.fdopen(os.dup(self.read_end), "rb") as pipe:
                head = pipe.read(_LENGTH.size)
                if len(head) < _LENGTH.size:     # this helper's parent is gone
                    os._exit(1)
                self.value_sent, self.sent = pickle.loads(pipe.read(_LENGTH.unpack(head)[0])), True
        return self.value_sent


_LATER: list[Later] = []   # the Laters open in this process


@contextlib.contextmanager
def beside(fn, *args):
    """Within the block, FN(*ARGS) runs in a forked process; the block gets its future (call
    .result() for its value, or its exception)."""
    with beside_each((fn, args)) as (future,):
        yield future


@contextlib.contextmanager
def beside_each(*calls):
    """Within the block, CALLS ((fn, args) pairs) run one after the other in one forked process;
    the block gets a future for each, whose value is there as soon as its call is done."""
    if not can_fork():
        yield [Done(fn(*args)) for fn, args in calls]
        return
    read_end, write_end = os.pipe()
    helper = None

    def started(pid: int) -> None:
        nonlocal helper
        os.close(write_end)
        helper = _Forked(pid, read_end, calls)

    try:
        _fork(lambda blocked: _helper(read_end, write_end, calls, blocked), started)
        yield [_Answer(helper, k) for k in range(len(calls))]
    finally:
        if helper is not None:
            helper.close()
        else:                       # the fork failed
            os.close(read_end)
            os.close(write_end)


_LENGTH = struct.Struct("<Q")   # each answer: its length, then its pickle


def _fork(child, started) -> None:
    """Fork: the forked process runs CHILD(blocked), which never returns; this one passes its pid
    to STARTED, which records it for the caller's clean-up. Ctrl-C and SIGTERM wait until both
    are done: raised before the child's own handlers (_as_forked), one would have the child go
    on running this process's code; raised here before the pid was recorded, the child would be
    left running, or unreaped."""
    blocked = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        pid = os.fork()
        if pid == 0:
            child(blocked)
        started(pid)
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, blocked)


def _helper(read_end: int, write_end: int, calls, blocked) -> None:
    """The forked process: each call's value or exception pickled to WRITE_END as soon as it is
    done, then the end (os._exit: none of the parent's exit handlers or buffered output)."""
    try:
        os.close(read_end)
        for later in _LATER:     # only the parent sends: reading, this process sees it gone
            os.close(later.write_end)
        answers, writer = _as_forked(blocked, write_end)
        for fn, args in calls:
            try:
                payload = pickle.dumps((True, fn(*args)), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException as e:  # noqa: B036 - sent to the parent, which raises it
                try:
                    payload = pickle.dumps((False, e), protocol=pickle.HIGHEST_PROTOCOL)
                except Exception:
                    payload = pickle.dumps((False, RuntimeError(f"{type(e).__name__}: {e}")))
            answers.put(payload)
        answers.put(None)
        writer.join()
    finally:
        os._exit(0)


def _as_forked(blocked, write_end: int):
    """A forked process's signals (BLOCKED since the fork) and the queue of its answers to
    WRITE_END, with the thread that writes them: a pipe holds 64 kB, and the next call must
    not wait for the parent to read the last answer."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # the parent answers Ctrl-C and ends this
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, blocked)
    answers: queue.SimpleQueue = queue.SimpleQueue()
    writer = threading.Thread(target=_write_answers, args=(write_end, answers))
    writer.start()
    return answers, writer


def _write_answers(fd: int, answers) -> None:
    with os.fdopen(fd, "wb") as out:
        for payload in iter(answers.get, None):
            out.write(_LENGTH.pack(len(payload)))
            out.write(payload)
            out.flush()


class _Forked:
    """The answers of a forked process, read in the order its calls were made; if that process
    died (killed, out of memory), the calls it did not answer are made here instead."""

    def __init__(self, pid: int, fd: int, calls):
        self.pid, self.fd, self.calls = pid, fd, calls
        self.pipe = os.fdopen(fd, "rb", closefd=False)
        self.answers: list = []     # (ok, value) of the calls answered so far
        self.done = False

    def result(self, k: int = 0):
        while len(self.answers) <= k and not self.done:
            head = self.pipe.read(_LENGTH.size)
            size = _LENGTH.unpack(head)[0] if len(head) == _LENGTH.size else 0
            payload = self.pipe.read(size) if size else b""
            if not size or len(payload) < size:     # the helper died before it could answer
                self._reap()
                break
            self.answers.append(pickle.loads(payload))
            if len(self.answers) == len(self.calls):
                self._reap()
        if k >= len(self.answers):
            fn, args = self.calls[k]
            return fn(*args)
        ok, value = self.answers[k]
        if not ok:
            raise value
        return value

    def _reap(self) -> None:
        if not self.done:
            os.waitpid(self.pid, 0)
            self.done = True

    def close(self) -> None:
        """Kill the helper if it is still at work, reap it, close the pipe."""
        if not self.done:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._reap()
        self.pipe.close()
        os.close(self.fd)


class _Answer:
    """The future of one call of a forked process."""

    def __init__(self, helper: _Forked, k: int):
        self.helper, self.k = helper, k

    def result(self):
        return self.helper.result(self.k)


@contextlib.contextmanager
def mapped(fn, items, workers: int, lost=None):
    """FN(item) for each of ITEMS in WORKERS forked processes, each taking the next item as it
    becomes free; the block gets an iterator over the values in the order of ITEMS (an
    exception FN raised is raised there, in its place). Where processes cannot be forked (see
    can_fork; one core is no reason here), or for one worker, FN runs here.

    Not multiprocessing.Pool: its workers and this process share the locks of its queues, and a
    worker killed while holding one (SIGTERM to the process group, the pool's own terminate())
    left this process waiting for ever. Here each worker answers on a pipe of its own, and all
    they share is the count of items taken. A worker that dies (killed, out of memory) has
    LOST(item) answer the item it was working on (default: FN(item) here), and the items no
    worker took are done here. The block's end kills and reaps the workers still running."""
    items = list(items)
    workers = min(workers, len(items))
    if workers < 2 or not _may_fork():
        yield (fn(item) for item in items)
        return
    pool = _Workers(fn, items, lost or fn, workers)
    try:
        for w in range(workers):
            pool.fork(w)
        yield pool.values()
    finally:
        pool.close()


_LOST = ("lost",)      # the answer of an item whose worker died at it


class _Workers:
    def __init__(self, fn, items: list, lost, workers: int):
        self.fn, self.items, self.lost = fn, items, lost
        # the next item to take, then for each worker 1 + the item it took last: taking is
        # recorded at once, so that the item of a worker killed at any moment is known
        self.taken = SharedCounters([0] * (1 + workers))
        self.pids: dict[int, int] = {}          # read end -> worker's pid
        self.worker: dict[int, int] = {}        # read end -> worker's number
        import selectors
        self.selectors, self.selector = selectors, selectors.DefaultSelector()

    def fork(self, w: int) -> None:
        read_end, write_end = os.pipe()

        def started(pid: int) -> None:
            os.close(write_end)
            self.pids[read_end] = pid
            self.worker[read_end] = w
            self.selector.register(read_end, self.selectors.EVENT_READ)

        try:
            _fork(lambda blocked: self._work(w, write_end, [read_end, *self.pids], blocked), started)
        except BaseException:
            if read_end not in self.pids:     # the fork failed
                os.close(read_end)
                os.close(write_end)
            raise

    def _work(self, w: int, write_end: int, read_ends: list[int], blocked) -> None:
        """A worker: takes items until none is left, its answers written by a thread (the parent
        may be busy writing a result), then ends."""
        global _IN_WORKER
        try:
            _IN_WORKER = True
            for fd in read_ends:
                os.close(fd)
            answers, writer = _as_forked(blocked, write_end)
            while True:
                with self.taken.held() as taken:
                    k = taken[0]
                    if k < len(self.items):
                        taken[0] = taken[1 + w] = k + 1
                if k >= len(self.items):
                    break
                try:
                    payload = pickle.dumps((k, True, self.fn(self.items[k])), protocol=pickle.HIGHEST_PROTOCOL)
                except BaseException as e:  # noqa: B036 - sent to the parent, which raises it
                    try:
                        payload = pickle.dumps((k, False, e), protocol=pickle.HIGHEST_PROTOCOL)
                    except Exception:
                        payload = pickle.dumps((k, False, RuntimeError(f"{type(e).__name__}: {e}")))
                answers.put(payload)
            answers.put(None)
            writer.join()
        finally:
            os._exit(0)

    def values(self):
        answers: dict[int, tuple] = {}     # item -> (True, value), (False, exception), or _LOST
        for k, item in enumerate(self.items):
            while k not in answers and self.pids:
                self._read(answers, k)
            answer = answers.pop(k, None)
            if answer is None:                  # every worker is gone, none took it
                yield self.fn(item)
            elif answer is _LOST:               # its worker died at it
                yield self.lost(item)
            elif answer[0]:
                yield answer[1]
            else:
                raise answer[1]

    def _read(self, answers: dict, waiting: int) -> None:
        """Answers from the workers that have some (items from WAITING on are not yielded yet)."""
        for key, _ in self.selector.select():
            fd = key.fd
            message = _read_frame(fd)
            if message is not None:
                k, ok, value = message
                answers[k] = (ok, value)
                continue
            # the worker ended: done, or killed, maybe at an item it did not answer (its answers
            # came through the pipe before its end did). Read without the lock, which a worker
            # killed at the wrong moment would hold for ever
            last = struct.unpack_from("q", self.taken.memory, 8 * (1 + self.worker[fd]))[0] - 1
            if last >= waiting and last not in answers:
                answers[last] = _LOST
            self._reap(fd, kill=False)

    def _reap(self, fd: int, kill: bool) -> None:
        pid = self.pids.pop(fd)
        if kill:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        os.waitpid(pid, 0)
        self.selector.unregister(fd)
        os.close(fd)

    def close(self) -> None:
        for fd in list(self.pids):
            self._reap(fd, kill=True)
        self.selector.close()
        self.taken.__exit__()


def _read_frame(fd: int):
    """The next answer on FD (its length, then its pickle), or None at its end."""
    head = _read_exactly(fd, _LENGTH.size)
    if head is None:
        return None
    payload = _read_exactly(fd, _LENGTH.unpack(head)[0])
    return None if payload is None else pickle.loads(payload)


def _read_exactly(fd: int, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
