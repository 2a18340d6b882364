"""Progress of a corpus run: a tqdm bar on a terminal, a plain line every few seconds otherwise.

Plain lines are for logs (nohup, CI, a cluster job's output file), where a redrawn bar would be
thousands of carriage returns.
"""
from __future__ import annotations

import sys
import time
from typing import TextIO


def format_duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


class Progress:
    """Counts finished documents and shows it. MODE: "bar", "lines" or None (nothing)."""

    def __init__(self, total: int, mode: str | None, stream: TextIO | None = None, interval: float = 10.0):
        self.total, self.mode, self.interval = total, mode, interval
        self.stream = stream or sys.stderr
        self.done = self.failed = 0
        self.started = self._last_line = time.monotonic()
        self._bar = None
        self._closed = False
        if mode == "bar":
            from tqdm import tqdm
            self._bar = tqdm(total=total, unit="doc", desc="aligning", file=self.stream, dynamic_ncols=True)

    @staticmethod
    def mode_for(enabled: bool | None, stream: TextIO | None = None) -> str | None:
        """None: a bar on a terminal, lines otherwise; False: nothing; True: the same as None."""
        if enabled is False:
            return None
        stream = stream or sys.stderr
        return "bar" if getattr(stream, "isatty", lambda: False)() else "lines"

    def update(self, failed: bool) -> None:
        self.done += 1
        self.failed += failed
        if self._bar is not None:
            self._bar.update(1)
            if failed:
                self._bar.set_postfix(failed=self.failed, refresh=False)
        elif self.mode == "lines" and time.monotonic() - self._last_line >= self.interval:
            self._print_line()

    def line(self) -> str:
        """e.g. "aligned 120/449 docs (1 failed), 3.2 docs/s, ETA 1m45s"."""
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = self.done / elapsed
        text = f"aligned {self.done}/{self.total} docs"
        if self.failed:
            text += f" ({self.failed} failed)"
        text += f", {rate:.1f} docs/s"
        if self.done < self.total:
            text += f", ETA {format_duration((self.total - self.done) / rate)}" if rate > 0 else ", ETA ?"
        else:
            text += f", {format_duration(elapsed)}"
        return text

    def _print_line(self) -> None:
        self._last_line = time.monotonic()
        print(f"aligntm: {self.line()}", file=self.stream, flush=True)

    def close(self) -> None:
        """Finish the bar, or print the final line; only the first call counts."""
        if self._closed:
            return
        self._closed = True
        if self._bar is not None:
            self._bar.close()
        elif self.mode == "lines" and self.total:
            self._print_line()  # the final figures, however short the run
