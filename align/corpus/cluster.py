"""The Dask engine of a corpus run: a LocalCluster of worker processes, or an existing cluster.

Workers are processes with one thread each: MeCab and the aligner's numpy work hold the GIL,
so threads would take turns instead of running side by side, and each process keeps its own
tagger and dictionaries loaded for all the documents it aligns.
"""
from __future__ import annotations

import logging
import os
import sys
from contextlib import contextmanager
from typing import Iterator, Sequence

from distributed import WorkerPlugin

from ..errors import InputError
from .worker import warm_up


def local_worker_config() -> dict:
    """Dask settings for the workers of our own LocalCluster (a --scheduler cluster's workers keep theirs).

    - Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536 so that freed memory goes back
      to the system at once; that also stops glibc from raising its mmap threshold, so each of the
      aligner's numpy arrays is a fresh mmap whose pages the kernel must fault in and zero. Measured
      on 80 kyoto-dev documents: 3.5 s user + 0.1 s system without it, 4.0 s user + 1.5 s system
      with it. A worker holds one document at a time, so the trimming buys nothing here.
    - no statistical profiler: it stops the aligning thread every 10 ms to sample its stack, for a
      dashboard view a corpus run does not need.
    """
    import dask
    environ = {name: value for name, value in dask.config.get("distributed.nanny.pre-spawn-environ", {}).items()
               if not name.startswith("MALLOC_")}
    return {"distributed.nanny.pre-spawn-environ": environ, "distributed.worker.profile.enabled": False}


def default_jobs() -> int:
    """All the cores this process may use (the affinity mask, where there is one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


class WarmUp(WorkerPlugin):
    """Loads the tokenisers and dictionaries once per worker process, before its first document.

    They are cached per process (e.g. align.langs.ja._tagger), so every later document reuses
    them; workers that join the cluster later are warmed too.
    """
    name = "aligntm-warm-up"

    def __init__(self, langs: Sequence[str]):
        self.langs = tuple(langs)

    def setup(self, worker=None):
        warm_up(self.langs)


class IgnoreInterrupts(WorkerPlugin):
    """Makes a local worker process ignore Ctrl-C, which the terminal sends to the whole process group.

    The client stops the run and shuts the workers down itself; a worker interrupted on its own
    would die in mid-document and leave the client waiting for it.
    """
    name = "aligntm-ignore-interrupts"

    def setup(self, worker=None):
        import signal
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        except ValueError:  # not the worker process's main thread: nothing we can do from here
            pass


@contextmanager
def _signals_held():
    """SIGINT and SIGTERM held in this thread while the block runs, and so from birth in the
    threads and worker processes it starts (a thread's signal mask is inherited by the threads it
    starts and kept across fork and exec). Dask's workers thus never see the signals the terminal
    sends the whole process group: Ctrl-C while they were starting had each print a traceback,
    and the run end in "Nanny failed to start"; SIGTERM killed them in mid-document. This process
    gets the signal when the block ends, and stops the run and its workers itself."""
    import signal
    from multiprocessing import resource_tracker
    # started first, if Dask's start would start it: starting it unblocks both signals after
    resource_tracker.ensure_running()
    held = {signal.SIGINT, signal.SIGTERM}
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


@contextmanager
def dask_client(jobs: int | None, scheduler: str | None, warm_langs: Sequence[str]) -> Iterator:
    """A distributed.Client whose workers have loaded WARM_LANGS' tokenisers and dictionaries.

    SCHEDULER: the address of a running scheduler (e.g. tcp://10.0.0.5:8786); otherwise a
    LocalCluster of JOBS worker processes, shut down on exit.
    """
    import dask
    from distributed import Client, LocalCluster
    cluster = None
    try:
        if scheduler:
            try:
                client = Client(scheduler, timeout="20s")
            except (OSError, TimeoutError) as e:
                raise InputError(f"{scheduler}: cannot connect to a Dask scheduler ({e})") from None
        else:
            # silence_logs: the workers' routine messages (and shutdown chatter) are not for the user;
            # dashboard on any free port (its HTTP server starts anyway, and 8787 may be taken)
            with dask.config.set(local_worker_config()), _signals_held():
                cluster = LocalCluster(n_workers=jobs or default_jobs(), threads_per_worker=1, processes=True,
                                       dashboard_address=":0", silence_logs=logging.ERROR)
                client = Client(cluster)
    except BaseException:
        if cluster is not None:
            cluster.close()
        raise
    try:
        if scheduler and not client.nthreads():
            print(f"aligntm: waiting for workers to join the scheduler at {scheduler} "
                  f"(start them with: dask worker {scheduler} --nthreads 1)", file=sys.stderr, flush=True)
            client.wait_for_workers(1)
        if cluster is not None:
            client.register_plugin(IgnoreInterrupts())
        client.register_plugin(WarmUp(warm_langs))
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
