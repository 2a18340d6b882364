"""Work done in a forked process while this one does other work: two cores for two jobs.

The forked process inherits the function and its arguments (they are not pickled to it: that
took the parent's time); only the result comes back pickled. Where processes cannot be forked
(not Linux, or inside a pool's worker), the function runs here first, then the block.
"""
from __future__ import annotations

import contextlib

_JOB: list = []   # (function, arguments) of the job being started, for the forked process


def can_fork() -> bool:
    """Whether this process may fork a helper: on Linux, with two cores or more, not inside a
    worker of a pool (batch, corpus), which may not start processes of its own, and with no other
    thread running (a server's, a Dask worker's): a thread holding a lock when the process forks
    leaves that lock held for ever in the child."""
    import multiprocessing
    import os
    import sys
    import threading
    return (sys.platform.startswith("linux") and not multiprocessing.current_process().daemon
            and (os.cpu_count() or 1) >= 2 and threading.active_count() == 1)


def _run_job():
    fn, args = _JOB[0]
    return fn(*args)


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
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    _JOB[:] = [(fn, args)]
    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
            future = pool.submit(_run_job)     # the process forks here, with _JOB set
            _JOB.clear()
            yield _Forked(future, fn, args)
    finally:
        _JOB.clear()


class _Forked:
    """The future of a job in a forked process; if that process died (killed, out of memory),
    the job is done here instead."""

    def __init__(self, future, fn, args):
        self.future, self.fn, self.args = future, fn, args

    def result(self):
        from concurrent.futures.process import BrokenProcessPool
        try:
            return self.future.result()
        except BrokenProcessPool:
            return self.fn(*self.args)
