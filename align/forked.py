"""Work done in a forked process while this one does other work: two cores for two jobs.

The forked process (the helper) inherits the functions and their arguments (they are not
pickled to it: that took the parent's time); only the results come back, pickled through a pipe,
each as soon as its function is done (beside_each); a value known only later is sent to it the
same way (Later). Where
processes cannot be forked (not Linux, one core, inside a pool's worker, other threads running),
the function runs here first, then the block.

A plain fork, not a ProcessPoolExecutor: Ctrl-C reached both processes, and the executor's
shutdown then waited for ever on a worker blocked reading its next task. The helper ignores
SIGINT and SIGTERM's handler; whatever ends the block (done, an error, Ctrl-C) kills and reaps
it, and a helper that died (killed, out of memory) leaves its work to this process.
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
    multiprocessing = sys.modules.get("multiprocessing")
    in_worker = multiprocessing is not None and multiprocessing.current_process().daemon
    return (sys.platform.startswith("linux") and not in_worker
            and (os.cpu_count() or 1) >= 2 and threading.active_count() == 1)


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
    # no Ctrl-C or SIGTERM between the fork and the helper's own handlers: raised there, it
    # would have the helper go on running this process's code
    signals = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        pid = os.fork()
        if pid == 0:
            _helper(read_end, write_end, calls, signals)   # never returns
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, signals)
    os.close(write_end)
    helper = _Forked(pid, read_end, calls)
    try:
        yield [_Answer(helper, k) for k in range(len(calls))]
    finally:
        helper.close()


_LENGTH = struct.Struct("<Q")   # each answer: its length, then its pickle


def _helper(read_end: int, write_end: int, calls, blocked) -> None:
    """The forked process: each call's value or exception pickled to WRITE_END as soon as it is
    done, then the end (os._exit: none of the parent's exit handlers or buffered output)."""
    try:
        os.close(read_end)
        for later in _LATER:     # only the parent sends: reading, this process sees it gone
            os.close(later.write_end)
        signal.signal(signal.SIGINT, signal.SIG_IGN)     # the parent answers Ctrl-C and ends this
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, blocked)
        # answers are written by a thread: a pipe holds 64 kB, and the next call must not wait
        # for the parent to read the last answer
        answers: queue.SimpleQueue = queue.SimpleQueue()
        writer = threading.Thread(target=_write_answers, args=(write_end, answers))
        writer.start()
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


def _quiet_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # the parent answers Ctrl-C and ends this
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextlib.contextmanager
def pool(workers: int):
    """A ProcessPoolExecutor of WORKERS forked processes that ignore Ctrl-C (a worker's
    KeyboardInterrupt printed its traceback, and could leave the pool's shutdown waiting for
    ever); if the block ends in an exception (Ctrl-C, SIGTERM), the workers are killed at once
    instead of finishing the queue."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_quiet_worker)
    try:
        yield executor
    except BaseException:
        for process in list((executor._processes or {}).values()):
            process.kill()
        # the manager thread sees its workers gone and ends: waiting for it is short, and not
        # waiting left it to write into a closed pipe at exit ("Exception ignored" and a traceback)
        executor.shutdown(wait=True, cancel_futures=True)
        raise
    executor.shutdown()
