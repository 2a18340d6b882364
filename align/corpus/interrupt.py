"""Ctrl-C during a corpus run: stop at a point where the run can be shut down cleanly.

A KeyboardInterrupt raised wherever the main thread happens to be can land inside Dask's client
machinery (a callback, a finaliser) and be swallowed there, leaving the run waiting forever for
results that will never come. So the first Ctrl-C only sets a flag that the run checks between
documents; a second one interrupts at once, as usual.
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Iterator


class InterruptFlag:
    def __init__(self):
        self.requested = False

    def check(self) -> None:
        """Raise KeyboardInterrupt if Ctrl-C was pressed."""
        if self.requested:
            raise KeyboardInterrupt

    def _handle(self, signum, frame) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True


@contextmanager
def deferred_interrupts() -> Iterator[InterruptFlag]:
    """An InterruptFlag set by Ctrl-C while the block runs (signals work in the main thread only;
    elsewhere the flag is never set and interrupting is up to the caller's thread)."""
    flag = InterruptFlag()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return
    previous = signal.signal(signal.SIGINT, flag._handle)
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous)
