"""Work done in a forked process while this one does other work: two cores for two jobs.

The forked process (the helper) inherits the function and its arguments (they are not pickled
to it: that took the parent's time); only the result comes back, pickled through a pipe. Where
processes cannot be forked (not Linux, one core, inside a pool's worker, other threads running),
the function runs here first, then the block.

A plain fork, not a ProcessPoolExecutor: Ctrl-C reached both processes, and the executor's
shutdown then waited for ever on a worker blocked reading its next task. The helper ignores
SIGINT and SIGTERM's handler; whatever ends the block (done, an error, Ctrl-C) kills and reaps
it, and a helper that died (killed, out of memory) leaves its work to this process.
"""
from __future__ import annotations

import contextlib
import os
import pickle
import signal


def can_fork() -> bool:
    """Whether this process may fork a helper: on Linux, with two cores or more, not inside a
    worker of a pool (batch, corpus), which may not start processes of its own, and with no other
    thread running (a server's, a Dask worker's): a thread holding a lock when the process forks
    leaves that lock held for ever in the child."""
    import multiprocessing
    import sys
    import threading
    return (sys.platform.startswith("linux") and not multiprocessing.current_process().daemon
            and (os.cpu_count() or 1) >= 2 and threading.active_count() == 1)


class Done:
    """A future whose value is known already."""

    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


@contextlib.contextmanager
def beside(fn, *args):
    """Within the block, FN(*ARGS) runs in a forked process; the block gets its future (call
    .result() for its value, or its exception)."""
    if not can_fork():
        yield Done(fn(*args))
        return
    read_end, write_end = os.pipe()
    # no Ctrl-C or SIGTERM between the fork and the helper's own handlers: raised there, it
    # would have the helper go on running this process's code
    signals = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        pid = os.fork()
        if pid == 0:
            _helper(read_end, write_end, fn, args, signals)   # never returns
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, signals)
    os.close(write_end)
    helper = _Forked(pid, read_end, fn, args)
    try:
        yield helper
    finally:
        helper.close()


def _helper(read_end: int, write_end: int, fn, args, blocked) -> None:
    """The forked process: FN(*ARGS), its value or exception pickled to WRITE_END, then the end
    (os._exit: none of the parent's exit handlers or buffered output)."""
    try:
        os.close(read_end)
        signal.signal(signal.SIGINT, signal.SIG_IGN)     # the parent answers Ctrl-C and ends this
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, blocked)
        try:
            payload = pickle.dumps((True, fn(*args)), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as e:  # noqa: B036 - sent to the parent, which raises it
            try:
                payload = pickle.dumps((False, e), protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:
                payload = pickle.dumps((False, RuntimeError(f"{type(e).__name__}: {e}")))
        with os.fdopen(write_end, "wb") as out:
            out.write(payload)
    finally:
        os._exit(0)


class _Forked:
    """The future of a job in a forked process; if that process died (killed, out of memory),
    the job is done here instead."""

    def __init__(self, pid: int, fd: int, fn, args):
        self.pid, self.fd, self.fn, self.args = pid, fd, fn, args
        self.done = False

    def result(self):
        with os.fdopen(self.fd, "rb", closefd=False) as pipe:
            data = pipe.read()
        self._reap()
        if not data:                     # the helper died before it could answer
            return self.fn(*self.args)
        ok, value = pickle.loads(data)
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
        os.close(self.fd)


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
