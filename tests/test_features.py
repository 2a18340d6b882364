"""Features computed in forked workers (long documents) are those computed in one process,
and the keys of all pieces are one string object per distinct key."""
from __future__ import annotations

from pathlib import Path

import pytest

from align import document
from align.document import make_document, prepare_features

CORPUS = Path(__file__).resolve().parent.parent / "corpora" / "joint-statement-2025"


@pytest.mark.skipif(not document._can_fork(), reason="features run in forked workers on Linux only")
def test_features_of_forked_pieces_equal_those_of_one_process(monkeypatch, forkable):
    texts = {lang: (CORPUS / f"{lang}.txt").read_text(encoding="utf-8") for lang in ("ja", "en")}
    serial = {lang: make_document(text, lang).features for lang, text in texts.items()}
    monkeypatch.setattr(document, "PARALLEL_FEATURES_FROM", 10)
    monkeypatch.setattr(document, "FEATURE_PIECE", 7)       # many pieces, several per worker
    monkeypatch.setattr(document.os, "cpu_count", lambda: 2)
    docs = [make_document(text, lang) for lang, text in texts.items()]
    assert all(d._features is None for d in docs)
    prepare_features(docs)
    for d in docs:
        assert len(d.sentences) > 3 * document.FEATURE_PIECE
        assert d._features == serial[d.lang.code]
    keys = {}
    for d in docs:
        for f in d._features:
            for k in list(f.hard) + list(f.soft):
                assert keys.setdefault(k, k) is k      # shared across pieces and documents
    assert len(keys) > 50
    assert document._FORKED_DOCUMENTS == []


def _side_by_side_setup(monkeypatch):
    """The bundled statement (English first), its features computed in one process, and the
    side-by-side path taken for it in chunks of 4 sentences."""
    texts = {lang: (CORPUS / f"{lang}.txt").read_text(encoding="utf-8") for lang in ("en", "ja")}
    serial = {lang: make_document(text, lang).features for lang, text in texts.items()}
    monkeypatch.setattr(document, "SIDE_BY_SIDE_FROM", 10)
    monkeypatch.setattr(document, "SIDE_BY_SIDE_CHUNK", 4)
    monkeypatch.setattr(document.os, "cpu_count", lambda: 2)
    return texts, serial


@pytest.mark.skipif(not document._can_fork(), reason="features run in forked workers on Linux only")
def test_a_pair_computed_side_by_side_has_the_features_of_one_process(monkeypatch, forkable):
    import time
    from align.langs import ja
    texts, serial = _side_by_side_setup(monkeypatch)
    parent, here = document.os.getpid(), []
    computed = document._features_of

    def slow_here(code, sentences, shared=None):
        if document.os.getpid() == parent:   # this process: slow, so that the other takes chunks too
            here.append((code, len(sentences)))
            time.sleep(0.05)
        return computed(code, sentences, shared)
    monkeypatch.setattr(document, "_features_of", slow_here)
    ja._CONTENT_WORDS.clear()
    docs = [make_document(text, lang) for lang, text in texts.items()]   # English first
    prepare_features(docs)
    for d in docs:
        assert d._features == serial[d.lang.code]
    # the Japanese here, chunk by chunk (its content words kept for the lexicon), the English and
    # the Japanese chunks from the end in the other process, whose content words came back
    n_ja = len(docs[1].sentences)
    assert {code for code, _ in here} == {"ja"} and 0 < sum(n for _, n in here) < n_ja
    assert all(s.text in ja._CONTENT_WORDS for s in docs[1].sentences)
    keys = {}
    for d in docs:
        for f in d._features:
            for k in list(f.hard) + list(f.soft):
                assert keys.setdefault(k, k) is k
    assert document._FORKED_DOCUMENTS == []


GUARD = """
import os, sys, threading
from align import forked
assert forked.can_fork()
with forked.beside(os.getpid) as pid:
    assert pid.result() != os.getpid()          # another process
stop = threading.Event()
thread = threading.Thread(target=stop.wait)
thread.start()
assert not forked.can_fork()
with forked.beside(os.getpid) as pid:
    assert pid.result() == os.getpid()          # done here instead
stop.set()
thread.join()
print("ok")
"""


@pytest.mark.skipif(not document._can_fork(), reason="processes are forked on Linux with two cores or more")
def test_no_process_is_forked_while_another_thread_runs():
    # in a fresh process: this one may hold idle threads of earlier tests
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-c", GUARD], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


@pytest.mark.skipif(not document._can_fork(), reason="processes are forked on Linux with two cores or more")
def test_a_helper_process_that_dies_leaves_its_work_to_this_one(forkable):
    import signal
    from align import forked
    parent = document.os.getpid()

    def work(x):
        if document.os.getpid() != parent:          # the helper is killed (say, out of memory)
            document.os.kill(document.os.getpid(), signal.SIGKILL)
        return 2 * x, document.os.getpid()

    with forked.beside(work, 21) as answer:
        assert isinstance(answer, forked._Answer)         # a helper was started
        assert answer.result() == (42, parent)


def _big(n):
    return b"x" * n   # more than a pipe holds


def _wait_for(path, seconds=10) -> bool:
    import time
    deadline = time.monotonic() + seconds
    while not Path(path).exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return Path(path).exists()


def _second_call(started, first_read):
    Path(started).touch()
    return "seen" if _wait_for(first_read) else "the first answer was not read before the second call ended"


@pytest.mark.skipif(not document._can_fork(), reason="processes are forked on Linux with two cores or more")
def test_each_answer_of_a_helper_is_there_as_soon_as_its_call_is_done(tmp_path, forkable):
    from align import forked
    started, first_read = tmp_path / "second call started", tmp_path / "first answer read"
    with forked.beside_each((_big, (1 << 20,)), (_second_call, (started, first_read))) as (first, second):
        # the second call starts though the first answer (1 MB) is not read yet
        assert _wait_for(started)
        assert first.result() == _big(1 << 20)     # and that answer is there while it runs
        first_read.touch()
        assert second.result() == "seen"


@pytest.mark.skipif(not document._can_fork(), reason="processes are forked on Linux with two cores or more")
def test_a_helper_that_dies_after_its_first_answer_leaves_the_rest_to_this_one(forkable):
    import signal
    import time
    from align import forked
    parent = document.os.getpid()

    def dies_there(x):
        if document.os.getpid() != parent:
            time.sleep(0.3)    # the first answer written meanwhile
            document.os.kill(document.os.getpid(), signal.SIGKILL)
        return x, document.os.getpid()

    with forked.beside_each((document.os.getpid, ()), (dies_there, (7,)), (dies_there, (8,))) as answers:
        assert answers[0].result() != parent               # answered there
        assert [a.result() for a in answers[1:]] == [(7, parent), (8, parent)]


@pytest.mark.skipif(not document._can_fork(), reason="processes are forked on Linux with two cores or more")
def test_features_side_by_side_survive_a_helper_that_dies_after_taking_chunks(monkeypatch, forkable):
    import signal
    texts, serial = _side_by_side_setup(monkeypatch)
    parent = document.os.getpid()
    computed = document._features_of

    def dies_after_a_chunk(code, sentences, shared=None):
        if document.os.getpid() != parent and code == "ja":   # the helper, once it holds a chunk
            document.os.kill(document.os.getpid(), signal.SIGKILL)
        return computed(code, sentences, shared)
    monkeypatch.setattr(document, "_features_of", dies_after_a_chunk)
    docs = [make_document(text, lang) for lang, text in texts.items()]
    prepare_features(docs)
    for d in docs:
        assert d._features == serial[d.lang.code]


@pytest.mark.parametrize("path", ["one process", "side by side", "pieces"])
def test_meanwhile_runs_once_in_this_process_while_the_features_are_computed(monkeypatch, forkable, path):
    # align_documents imports the aligner there (numpy: 0.13 s) while a forked process has started
    texts = {lang: (CORPUS / f"{lang}.txt").read_text(encoding="utf-8") for lang in ("ja", "en")}
    serial = {lang: make_document(text, lang).features for lang, text in texts.items()}
    monkeypatch.setattr(document.os, "cpu_count", lambda: 2)
    if path == "side by side":
        monkeypatch.setattr(document, "SIDE_BY_SIDE_FROM", 10)
    elif path == "pieces":
        monkeypatch.setattr(document, "PARALLEL_FEATURES_FROM", 10)
        monkeypatch.setattr(document, "FEATURE_PIECE", 20)
    else:
        monkeypatch.setattr(document, "SIDE_BY_SIDE_FROM", 10**9)
    parent, calls = document.os.getpid(), []
    docs = [make_document(text, lang) for lang, text in texts.items()]
    prepare_features(docs, meanwhile=lambda: calls.append((document.os.getpid(), [d._features for d in docs])))
    assert [pid for pid, _ in calls] == [parent]
    if path != "one process":    # called while the features were being computed elsewhere
        assert calls[0][1] == [None, None]
    for d in docs:
        assert d._features == serial[d.lang.code]


def _sent_later(later):
    return ("got", later.value())


@pytest.mark.skipif(not document._can_fork(), reason="processes are forked on Linux with two cores or more")
def test_a_helper_call_waits_for_a_value_sent_after_the_fork(forkable):
    from align import forked
    parent = document.os.getpid()
    with forked.Later() as later, forked.beside_each((document.os.getpid, ()), (_sent_later, (later,))) as answers:
        helper = answers[0].result()
        assert helper != parent
        later.send({"beads": list(range(100_000))})      # more than a pipe holds by default
        assert answers[1].result() == ("got", {"beads": list(range(100_000))})
        assert later.value() == {"beads": list(range(100_000))}       # here: what was sent
    assert forked._LATER == []


_ORPHAN = """
import os, sys, time
from align import forked
with forked.Later() as later, forked.beside_each((os.getpid, ()), (later.value, ())) as answers:
    print(answers[0].result(), flush=True)
    os._exit(0)          # gone without sending: the helper waiting for the value must end too
"""


@pytest.mark.skipif(not document._can_fork(), reason="processes are forked on Linux with two cores or more")
def test_a_helper_waiting_for_a_value_ends_when_its_parent_is_gone():
    import subprocess
    import sys
    import time
    done = subprocess.run([sys.executable, "-c", _ORPHAN], capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).resolve().parents[1])
    helper = int(done.stdout.strip())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and Path(f"/proc/{helper}").exists():
        state = Path(f"/proc/{helper}/stat").read_text().split(")")[-1].split()[0] if Path(f"/proc/{helper}/stat").exists() else "X"
        if state in ("Z", "X"):
            break
        time.sleep(0.05)
    assert not Path(f"/proc/{helper}").exists() or state in ("Z", "X"), "the helper is still waiting"


def _take_all(counters, n):
    for _ in range(n):
        with counters.held() as values:
            values[0] += 1
    return "done"


@pytest.mark.skipif(not document._can_fork(), reason="processes are forked on Linux with two cores or more")
def test_shared_counters_are_changed_by_both_processes_under_one_lock(forkable):
    from align import forked
    with forked.SharedCounters([0, 7]) as counters:
        with forked.beside(_take_all, counters, 2000) as theirs:
            _take_all(counters, 2000)
            assert theirs.result() == "done"
        with counters.held() as values:
            assert values == [4000, 7]      # no increment lost between the two
