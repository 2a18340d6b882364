"""forked.mapped: items done in forked workers, answered in order, and workers that die or are
stopped at any moment leave nothing waiting (batch aligns its documents with it)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from align import forked

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux")


def _square_slowly(x):
    time.sleep((x * 7 % 5) / 500)     # answers come back out of order
    if x == 13:
        raise ValueError("thirteen")
    return x * x, os.getpid()


def test_values_come_in_the_order_of_the_items_from_several_workers(forkable):
    with forked.mapped(_square_slowly, range(12), 3) as values:
        got = list(values)
    assert [v for v, _ in got] == [x * x for x in range(12)]
    workers = {pid for _, pid in got}
    assert os.getpid() not in workers and len(workers) >= 2


def test_an_exception_is_raised_in_its_place_and_the_workers_are_ended(forkable):
    seen, before = [], _children()      # (earlier tests may have left processes of their own)
    with pytest.raises(ValueError, match="thirteen"):
        with forked.mapped(_square_slowly, range(400), 2) as values:   # 0.4 s of work left
            for v, _ in values:
                seen.append(v)
    assert seen == [x * x for x in range(13)]
    assert set(_children()) <= set(before)


def test_a_worker_killed_at_an_item_has_that_item_answered_by_lost(forkable):
    parent = os.getpid()

    def dies_at_five(x):
        if x == 5 and os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)     # say, the kernel's out-of-memory killer
        return x

    with forked.mapped(dies_at_five, range(12), 2, lost=lambda x: ("lost", x)) as values:
        assert list(values) == [0, 1, 2, 3, 4, ("lost", 5), *range(6, 12)]


def test_items_no_worker_took_are_done_here_when_every_worker_is_gone(forkable):
    parent = os.getpid()

    def dies_from_three(x):
        if x >= 3 and os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return x, os.getpid() == parent

    with forked.mapped(dies_from_three, range(6), 2, lost=lambda x: ("lost", x)) as values:
        got = list(values)
    # 0-2 from a worker, or done here if their answers were still in the worker when it died
    assert [x for x, _ in got[:3]] == [0, 1, 2]
    assert got[3:5] == [("lost", 3), ("lost", 4)] and got[5] == (5, True)


def test_without_fork_the_items_are_done_here(monkeypatch):
    monkeypatch.setattr(forked, "_may_fork", lambda: False)
    with forked.mapped(_square_slowly, range(4), 2) as values:
        assert list(values) == [(x * x, os.getpid()) for x in range(4)]


def test_a_worker_forks_no_helpers_of_its_own(forkable):
    with forked.mapped(lambda x: forked.can_fork(), range(4), 2) as values:
        assert list(values) == [False] * 4


def _children() -> list[str]:
    found = subprocess.run(["pgrep", "-P", str(os.getpid())], capture_output=True, text=True).stdout.split()
    return [pid for pid in found if Path(f"/proc/{pid}/cmdline").exists()
            and b"pgrep" not in Path(f"/proc/{pid}/cmdline").read_bytes()]


@pytest.mark.parametrize("delay", [0.8, 1.6, 3.0])
@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGINT"])
def test_a_signal_to_the_process_group_during_a_batch_ends_it_at_once(corpus_dir, tmp_path, signal_name, delay,
                                                                       signalled):
    # SIGTERM to the group killed multiprocessing.Pool's workers while one held a lock of its
    # queues, and the pool's terminate() then waited on that lock for ever
    # many short documents: the workers are forever taking documents and sending alignments
    ja, en, out = tmp_path / "ja", tmp_path / "en", tmp_path / "out"
    ja.mkdir(), en.mkdir()
    ja_lines = [line for line in (corpus_dir / "ja.txt").read_text(encoding="utf-8").splitlines(keepends=True)
                if line.strip()]
    en_lines = [line for line in (corpus_dir / "en.txt").read_text(encoding="utf-8").splitlines(keepends=True)
                if line.strip()]
    for k in range(1500):
        (ja / f"doc{k:04d}").write_text("".join(ja_lines[k % 60:k % 60 + 3]), encoding="utf-8")
        (en / f"doc{k:04d}").write_text("".join(en_lines[k % 60:k % 60 + 3]), encoding="utf-8")
    group, code, stderr = signalled(["batch", ja, en, out, "-j", "2", "-q", "-s", "ja", "-t", "en",
                                     "--tmx", tmp_path / "all.tmx"], signal_name, delay, timeout=30)
    if code == 0:
        pytest.skip("the batch finished before the signal came")
    expected = {"SIGINT": (130, "aligntm: interrupted\n"), "SIGTERM": (143, "aligntm: terminated\n")}[signal_name]
    assert (code, stderr) == expected
    time.sleep(0.2)
    assert subprocess.run(["pgrep", "-g", str(group)], capture_output=True).returncode == 1   # none left
    assert not list(tmp_path.rglob(".*.part")) and not (tmp_path / "all.tmx").exists()


@pytest.mark.parametrize("start", ["mapped", "beside_each"])
def test_ctrl_c_pending_over_a_fork_leaves_no_child_running_or_unreaped(forkable, monkeypatch, start):
    # Ctrl-C comes while signals are held across the fork, and is raised as they are let through:
    # the child must be known by then (it had been left running, then a zombie)
    import threading
    real_fork = os.fork
    children = []

    def fork_then_ctrl_c():
        pid = real_fork()
        if pid:
            children.append(pid)
            # to this thread, pending until the unblock (to the process, a thread an earlier test
            # left running could take it at once)
            signal.pthread_kill(threading.get_ident(), signal.SIGINT)
        return pid

    monkeypatch.setattr(forked.os, "fork", fork_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        if start == "mapped":
            with forked.mapped(_square_slowly, range(400), 2) as values:
                list(values)
        else:
            with forked.beside_each((time.sleep, (30,))) as (answer,):
                answer.result()
    assert len(children) == 1
    for pid in children:          # killed and reaped: no such child any more
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
