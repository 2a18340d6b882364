"""Broken inputs and hostile environments meet one line on stderr and exit code 2, never a
traceback or an "internal error", and leave no output behind (issue: every fault met cleanly)."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from pathlib import Path

from align import InputError, align_texts

JA = "日本とラオスは1955年に外交関係を樹立した。\n"
EN = "Japan and the Lao PDR established diplomatic relations in 1955.\n"


@pytest.fixture
def pair(tmp_path):
    ja, en = tmp_path / "ja.txt", tmp_path / "en.txt"
    ja.write_text(JA, encoding="utf-8")
    en.write_text(EN, encoding="utf-8")
    return ja, en


def one_line_error(code, stderr, *words):
    assert code == 2, stderr
    assert stderr.count("\n") == 1 and stderr.startswith("aligntm: error: "), stderr
    assert "internal error" not in stderr and "Traceback" not in stderr
    for word in words:
        assert word in stderr, stderr


@pytest.mark.parametrize("option", ["-o", "--tmx"])
def test_an_output_where_nothing_can_be_written(pair, run_cli, option):
    code, _, stderr = run_cli("align", *pair, option, "/proc/aligntm-test.out")
    one_line_error(code, stderr, "/proc/aligntm-test.out", "cannot write")


def test_symlink_loops_as_input_and_output(pair, tmp_path, run_cli):
    loop = tmp_path / "loop"
    (tmp_path / "other").symlink_to(loop)
    loop.symlink_to(tmp_path / "other")
    code, _, stderr = run_cli("align", loop, pair[1])
    one_line_error(code, stderr, f"{loop}: symlink loop")
    code, _, stderr = run_cli("align", *pair, "-o", loop)
    one_line_error(code, stderr, f"{loop}: symlink loop")


def test_a_broken_link_says_where_it_points(pair, tmp_path, run_cli):
    link = tmp_path / "gone.txt"
    link.symlink_to(tmp_path / "nowhere.txt")
    code, _, stderr = run_cli("align", link, pair[1])
    one_line_error(code, stderr, "broken symbolic link", "nowhere.txt")


def test_a_lone_surrogate_from_python_is_an_input_error():
    with pytest.raises(InputError, match="lone surrogate U\\+D800 at character 3"):
        align_texts("日本と\ud800ラオスは外交関係を樹立した。", EN)


@pytest.mark.parametrize("args, option", [
    (["tm", "lookup", "--min", "-50", "m.tm", "日本"], "--min"),
    (["tm", "lookup", "-k", "0", "m.tm", "日本"], "-k"),
    (["tm", "clean", "--min-confidence", "nan", "m.tm"], "--min-confidence"),
    (["tm", "clean", "--length-ratio", "0.5", "m.tm"], "--length-ratio"),
    (["tm", "export", "m.tm", "x.tmx", "--min-confidence", "1.5"], "--min-confidence"),
])
def test_numbers_out_of_range_are_refused(run_cli, args, option):
    code, _, stderr = run_cli(*args)
    assert code == 2 and f"argument {option}:" in stderr and "out of range" in stderr, stderr


def _tmx(body: str, encoding: str = "UTF-8") -> str:
    return (f'<?xml version="1.0" encoding="{encoding}"?>\n<tmx version="1.4"><header srclang="ja-JP" '
            'segtype="sentence" o-tmf="x" adminlang="en" datatype="plaintext" creationtool="x" '
            f'creationtoolversion="1"/><body>{body}</body></tmx>\n')


def test_a_tmx_in_an_unknown_encoding_is_refused(tmp_path, run_cli):
    memory, tmx = tmp_path / "m.tm", tmp_path / "evil.tmx"
    tmx.write_text(_tmx("", "x-evil"), encoding="utf-8")
    assert run_cli("tm", "create", memory)[0] == 0
    code, _, stderr = run_cli("tm", "import", memory, tmx)
    assert code == 2 and "aligntm: error:" in stderr and "x-evil" in stderr and "Traceback" not in stderr


def test_a_seg_inside_a_seg_is_flattened_and_exports_cleanly(tmp_path, run_cli):
    memory, tmx, out = tmp_path / "m.tm", tmp_path / "nested.tmx", tmp_path / "out.tmx"
    tmx.write_text(_tmx('<tu><tuv xml:lang="ja-JP"><seg>日本<seg>と</seg>ラオス</seg></tuv>'
                        '<tuv xml:lang="en-US"><seg>Japan and Laos</seg></tuv></tu>'), encoding="utf-8")
    assert run_cli("tm", "create", memory)[0] == 0
    assert run_cli("tm", "import", memory, tmx)[0] == 0
    code, _, stderr = run_cli("tm", "export", memory, out)
    assert code == 0, stderr
    segs = [seg.text for seg in ET.parse(out).getroot().iter("seg")]
    assert segs == ["日本とラオス", "Japan and Laos"]


def test_a_huge_japanese_sentence_is_tokenised_in_pieces():
    # a megabyte-long line without 。 crashed MeCab; it now gets pieces of MECAB_PIECE characters
    from align.langs import ja
    text = "日本とラオスは外交関係を樹立し、" * 5000            # 80,000 characters, four pieces
    pieces = list(ja._mecab_pieces(text))
    assert len(pieces) == 4 and "".join(pieces) == text
    assert all(len(p) <= ja.MECAB_PIECE and p.endswith("、") for p in pieces[:-1])
    tokens = ja.tokenize(text)
    assert "".join(t.surface for t in tokens) == text
    assert tokens[-1].end == len(text) and all(a.end <= b.start for a, b in zip(tokens, tokens[1:]))
    alignment = align_texts(text + "\n", EN, "ja", "en")
    assert [(b.src, b.tgt) for b in alignment.beads] == [((0,), (0,))]


def test_outputs_appear_together_or_not_at_all(pair, tmp_path, run_cli):
    out = tmp_path / "pairs.tsv"
    code, _, stderr = run_cli("align", *pair, "-o", out, "--tmx", "/proc/aligntm-test.tmx")
    one_line_error(code, stderr, "/proc/aligntm-test.tmx")
    assert not out.exists() and not list(tmp_path.glob(".*.part"))   # the TSV was not left alone
    code, _, _ = run_cli("align", *pair, "-o", out, "--tmx", tmp_path / "memory.tmx")
    assert code == 0 and out.exists() and (tmp_path / "memory.tmx").exists()


def test_sigterm_leaves_no_partial_output(corpus_dir, tmp_path):
    import signal
    import subprocess
    import sys
    import time
    # a long document so that the signal comes while the command works
    ja, en = tmp_path / "ja.txt", tmp_path / "en.txt"
    ja.write_text((corpus_dir / "ja.txt").read_text(encoding="utf-8") * 30, encoding="utf-8")
    en.write_text((corpus_dir / "en.txt").read_text(encoding="utf-8") * 30, encoding="utf-8")
    out = tmp_path / "out.tsv"
    process = subprocess.Popen([sys.executable, "-m", "align.cli", "align", ja, en, "-o", out, "--tmx",
                                tmp_path / "out.tmx"], stderr=subprocess.PIPE, text=True)
    time.sleep(2.0)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    if process.returncode == 0:
        pytest.skip("the command finished before the signal came")
    assert process.returncode == 143 and stderr == "aligntm: terminated\n", stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["en.txt", "ja.txt"]


def test_a_part_file_left_by_a_killed_run_is_removed(pair, tmp_path, run_cli):
    import subprocess
    gone = subprocess.Popen(["true"])
    gone.wait()                                   # a process id that no longer runs
    orphan = tmp_path / f".out.tsv.{gone.pid}.x1y2z3.part"
    orphan.write_text("half", encoding="utf-8")
    alive = tmp_path / f".out.tsv.{__import__('os').getppid()}.a1b2c3.part"   # a running process: kept
    alive.write_text("busy", encoding="utf-8")
    code, _, _ = run_cli("align", *pair, "-o", tmp_path / "out.tsv")
    assert code == 0 and not orphan.exists() and alive.exists()


def test_eighty_thousand_wrapped_lines_join_into_one_paragraph():
    # they were joined by growing one string (a minute for 80,000 lines); now by parts
    from align.langs import get_language
    en = get_language("en")
    lines = ["The two Prime Ministers welcomed the frequent exchanges between the two coun-",
             "tries and the active exchanges between parliaments and political"] * 40_000
    joined = en.join_wrapped(lines)
    assert joined.startswith("The two Prime Ministers welcomed the frequent exchanges between the two "
                             "countries and the active exchanges between parliaments and political The two")
    assert len(joined) == sum(len(line) for line in lines) + 40_000 - 1 - 40_000   # spaces in, hyphens out


def _import(run_cli, tmp_path, tmx_path):
    memory = tmp_path / "m.tm"
    if not memory.exists():
        assert run_cli("tm", "create", memory)[0] == 0
    return run_cli("tm", "import", memory, tmx_path), memory


def test_a_huge_attribute_is_refused_in_bounded_time_and_memory(tmp_path, run_cli):
    tmx = tmp_path / "attribute.tmx"
    with open(tmx, "w", encoding="utf-8") as f:       # 20 MB of attribute value, written in blocks
        f.write(_tmx("")[:-len("</body></tmx>\n")] + '<tu tuid="')
        for _ in range(20):
            f.write("x" * (1 << 20))
        f.write('"><tuv xml:lang="ja-JP"><seg>日本</seg></tuv><tuv xml:lang="en-US"><seg>Japan</seg></tuv></tu>'
                "</body></tmx>\n")
    (code, _, stderr), _ = _import(run_cli, tmp_path, tmx)
    assert code == 2 and "without a '>'" in stderr and "Traceback" not in stderr


def test_a_huge_segment_is_refused(tmp_path, run_cli):
    tmx = tmp_path / "seg.tmx"
    tmx.write_text(_tmx('<tu><tuv xml:lang="ja-JP"><seg>' + "日本>" * 400_000 + '</seg></tuv>'
                        '<tuv xml:lang="en-US"><seg>Japan</seg></tuv></tu>'), encoding="utf-8")
    (code, _, stderr), _ = _import(run_cli, tmp_path, tmx)
    assert code == 2 and "<seg> of more than 1,000,000 characters" in stderr


def test_deeply_nested_inline_markup_exports_a_file_xml_tools_read(tmp_path, run_cli):
    lxml = pytest.importorskip("lxml.etree")
    depth = 100_000
    tmx = tmp_path / "deep.tmx"
    tmx.write_text(_tmx('<tu><tuv xml:lang="ja-JP"><seg>' + '<hi x="1">' * depth + "日本" + "</hi>" * depth
                        + '</seg></tuv><tuv xml:lang="en-US"><seg>Japan</seg></tuv></tu>'), encoding="utf-8")
    (code, _, stderr), memory = _import(run_cli, tmp_path, tmx)
    assert code == 0, stderr
    out = tmp_path / "out.tmx"
    assert run_cli("tm", "export", memory, out)[0] == 0
    root = lxml.parse(str(out)).getroot()              # lxml refuses nesting deeper than 256
    seg = root.find("body/tu/tuv/seg")
    assert "".join(seg.itertext()) == "日本" and max(len(list(e.iterancestors())) for e in seg.iter()) < 80


def test_ctrl_c_during_a_batch_prints_one_line_and_leaves_no_part_file(corpus_dir, tmp_path):
    import signal
    import subprocess
    import sys
    import time
    ja, en, out = tmp_path / "ja", tmp_path / "en", tmp_path / "out"
    ja.mkdir(), en.mkdir()
    for k in range(60):
        (ja / f"doc{k:02d}").write_bytes((corpus_dir / "ja.txt").read_bytes())
        (en / f"doc{k:02d}").write_bytes((corpus_dir / "en.txt").read_bytes())
    process = subprocess.Popen([sys.executable, "-m", "align.cli", "batch", ja, en, out, "-j", "2", "-q",
                                "--tmx", tmp_path / "all.tmx"], stderr=subprocess.PIPE, text=True)
    time.sleep(4.0)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    if process.returncode == 0:
        pytest.skip("the batch finished before the signal came")
    assert process.returncode == 130 and stderr == "aligntm: interrupted\n", stderr   # no worker tracebacks
    assert not list(tmp_path.rglob("*.part")) and not (tmp_path / "all.tmx").exists()


def test_a_line_of_control_characters_is_not_a_sentence():
    alignment = align_texts("日本はラオスと協力する。\n", "Japan cooperates with Laos.\n\x00\t\x00\n", "ja", "en")
    assert alignment.tgt.texts == ["Japan cooperates with Laos."]
    assert [(b.src, b.tgt) for b in alignment.beads] == [((0,), (0,))]


@pytest.mark.parametrize("presegmented, text, expected", [
    (True, "".join(f"Line {k}.\n" for k in range(100)), "about 100 sentences"),           # counted before segmenting
    (False, "".join(f"Sentence {k} ends here. " for k in range(60)) + "\n", "60 sentences"),  # counted after
])
def test_a_document_over_the_sentence_limit_is_refused_in_one_line(run_cli, tmp_path, monkeypatch,
                                                                   presegmented, text, expected):
    monkeypatch.setenv("ALIGNTM_MAX_SENTENCES", "50")
    (tmp_path / "en.txt").write_text(text, encoding="utf-8")
    (tmp_path / "small.txt").write_text("One sentence.\n", encoding="utf-8")
    args = ["align", tmp_path / "en.txt", tmp_path / "small.txt", "-s", "en", "-t", "en", "-o", tmp_path / "out.tsv"]
    code, out, err = run_cli(*args, *(["--presegmented"] if presegmented else []))
    assert code == 2
    assert err.count("\n") == 1 and expected in err and "up to 50 sentences" in err and "ALIGNTM_MAX_SENTENCES" in err
    assert not (tmp_path / "out.tsv").exists()
    monkeypatch.setenv("ALIGNTM_MAX_SENTENCES", "many")
    code, _, err = run_cli(*args)
    assert code == 2 and "not a whole number" in err
    monkeypatch.setenv("ALIGNTM_MAX_SENTENCES", "1000")
    assert run_cli(*args)[0] == 0


@pytest.mark.parametrize("signal_exception, status, message", [
    ("Terminated", 143, "aligntm: terminated\n"), ("KeyboardInterrupt", 130, "aligntm: interrupted\n"),
])
def test_a_signal_that_a_library_s_cleanup_error_hides_still_ends_in_one_line(monkeypatch, capsys, signal_exception,
                                                                               status, message):
    # SIGTERM inside a worker pool's thread start made the pool's shutdown raise "cannot join
    # thread before it is started", and that error, not the signal, reached the user
    from align import cli
    interruption = getattr(cli, signal_exception, None) or KeyboardInterrupt

    def command(args):
        try:
            raise interruption()
        except BaseException:
            raise RuntimeError("cannot join thread before it is started")

    monkeypatch.setattr(cli, "cmd_align", command)
    assert cli.main(["align", "ja.txt", "en.txt"]) == status
    assert capsys.readouterr().err == message


# A signal sent at a chosen moment of `aligntm align -o --tmx`, from inside the process: while its
# two outputs are being renamed into place, or just after main() has returned
_SIGNAL_AT = """
import os, signal, sys
from align import cli, textio
at, signum = sys.argv[1], getattr(signal, sys.argv[2])
if at == "rename":
    rename = textio._rename
    def _rename(tmp, final):
        rename(tmp, final)
        os.kill(os.getpid(), signum)
    textio._rename = _rename
else:
    main = cli.main
    def _main():
        code = main()
        os.kill(os.getpid(), signum)
        return code
    cli.main = _main
sys.argv = ["aligntm"] + sys.argv[3:]
cli.run()
"""


@pytest.mark.parametrize("at", ["rename", "after-main"])
@pytest.mark.parametrize("signal_name", ["SIGINT", "SIGTERM"])
def test_a_signal_once_the_outputs_are_being_put_in_place_leaves_them_all_and_exit_0(corpus_dir, tmp_path, at,
                                                                                       signal_name):
    # the signal came between the renames (only the TMX was left), or after main() had returned (a
    # traceback from the interpreter's exit, once in CI): from the first rename on, the run is done
    import re
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-c", _SIGNAL_AT, at, signal_name, "align", corpus_dir / "ja.txt",
                           corpus_dir / "en.txt", "-o", tmp_path / "out.tsv", "--tmx", tmp_path / "out.tmx"],
                          capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1], timeout=120)
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(rf"aligntm: wrote \d+ translation units to {re.escape(str(tmp_path / 'out.tmx'))}\n",
                        done.stderr), done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.tmx", "out.tsv"]
    assert (tmp_path / "out.tsv").read_text(encoding="utf-8").count("\n") > 50


# `aligntm` as its console script runs it (`from align import run; sys.exit(run())`), with a
# Ctrl-C sent at the AT-th module the command imports (0: none, only count them; the modules it
# imported are printed at exit). Nothing else is imported before but what the interpreter's start
# has loaded (_signal, not signal), as in the script.
_CTRL_C_AT_IMPORT = """
import atexit, os, sys
from _signal import SIGINT
from align import run
at, imported = int(sys.argv[1]), []
class CtrlCAtImport:
    def find_spec(self, name, path=None, target=None):
        imported.append(name)
        if len(imported) == at:
            os.kill(os.getpid(), SIGINT)
sys.meta_path.insert(0, CtrlCAtImport())
if at == 0:
    atexit.register(lambda: print(*imported, file=sys.stderr))
sys.argv = ["aligntm"] + sys.argv[2:]
sys.exit(run())
"""


def test_the_package_imports_nothing_before_the_command_s_entry_exists():
    # what `from align import run` runs comes before run() can catch a Ctrl-C
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-c", "import sys; before = set(sys.modules); import align; "
                           "print(*sorted(set(sys.modules) - before))"],
                          capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1], timeout=60)
    assert done.stdout.split() == ["align", "align.lazy"], done.stderr


@pytest.mark.parametrize("command, every", [(["--help"], 1), (["align", "ja.txt", "en.txt", "-o", "out.tsv"], 5)])
def test_ctrl_c_at_any_import_of_a_command_ends_in_one_line(corpus_dir, tmp_path, command, every):
    # a Ctrl-C while the command's modules load (a slow start: numpy, MeCab's dictionary) had
    # printed a traceback where it came outside run()'s reach: at the import of `signal` in it.
    # Every import of --help, every 5th of `align` (over 200 of them), each in a fresh process.
    import os
    import shutil
    import subprocess
    import sys
    from concurrent.futures import ThreadPoolExecutor
    for name in ("ja.txt", "en.txt"):
        shutil.copy(corpus_dir / name, tmp_path / name)
    repo = Path(__file__).resolve().parents[1]

    def ctrl_c_at(at):
        return subprocess.run([sys.executable, "-c", _CTRL_C_AT_IMPORT, str(at), *command], capture_output=True,
                              text=True, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(repo)}, timeout=120)

    counted = ctrl_c_at(0)
    assert counted.returncode == 0, counted.stderr
    imports = counted.stderr.splitlines()[-1].split()
    assert "align.cli" in imports and len(imports) > 40
    (tmp_path / "out.tsv").unlink(missing_ok=True)      # the counting run's
    moments = range(1, len(imports) + 1, every)
    with ThreadPoolExecutor(2) as pool:
        for at, done in zip(moments, pool.map(ctrl_c_at, moments)):
            assert (done.returncode, done.stderr) == (130, "aligntm: interrupted\n"), f"at {imports[at - 1]}"
    assert not (tmp_path / "out.tsv").exists()


@pytest.mark.parametrize("signal_name, answer", [("SIGINT", (130, "aligntm: interrupted\n")),
                                                 ("SIGTERM", (143, "aligntm: terminated\n"))])
def test_a_signal_as_main_returns_its_pairs_on_stdout_ends_in_one_line(corpus_dir, signal_name, answer):
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-c", _SIGNAL_AT, "after-main", signal_name, "align",
                           corpus_dir / "ja.txt", corpus_dir / "en.txt", "--format", "jsonl"],
                          capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1], timeout=120)
    assert (done.returncode, done.stderr) == answer


def test_signals_are_held_only_in_the_aligntm_process(monkeypatch):
    # main() called from Python (a library's caller, these tests) must keep its signals
    import signal
    from align import cli
    monkeypatch.setattr(cli, "_ENDS_WITH_MAIN", False)
    try:
        cli._finishing()
        held = signal.pthread_sigmask(signal.SIG_BLOCK, set()) & {signal.SIGINT, signal.SIGTERM}
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    assert not held


@pytest.mark.parametrize("copies, delay", [(12, 0.6), (12, 1.2), (12, 1.8), (50, 0.8), (50, 1.6)])
@pytest.mark.parametrize("signal_name", ["SIGINT", "SIGTERM"])
def test_a_signal_to_the_process_group_while_helpers_work_ends_everything_cleanly(corpus_dir, tmp_path, copies, delay,
                                                                                   signal_name, signalled):
    # Ctrl-C reaches every process of the terminal's group, the forked helpers (features, the
    # translation model; with 50 copies, over 4,000 sentences, a pool of feature workers) too: a
    # ProcessPoolExecutor had then waited for ever in its shutdown, or its workers printed tracebacks
    import glob
    import subprocess
    import time
    ja, en = tmp_path / "ja.txt", tmp_path / "en.txt"
    ja.write_text((corpus_dir / "ja.txt").read_text(encoding="utf-8") * copies, encoding="utf-8")
    en.write_text((corpus_dir / "en.txt").read_text(encoding="utf-8") * copies, encoding="utf-8")
    group, code, stderr = signalled(["align", ja, en, "-o", tmp_path / "out.tsv", "--tmx", tmp_path / "out.tmx"],
                                    signal_name, delay)
    time.sleep(0.2)
    assert subprocess.run(["pgrep", "-g", str(group)], capture_output=True).returncode == 1   # none left
    written = sorted(p.name for p in tmp_path.iterdir()) == ["en.txt", "ja.txt", "out.tmx", "out.tsv"]
    if code == 0:
        assert written                                     # done before the signal came
    else:
        expected = {"SIGINT": (130, "aligntm: interrupted\n"), "SIGTERM": (143, "aligntm: terminated\n")}[signal_name]
        assert (code, stderr) == expected, stderr
        assert sorted(p.name for p in tmp_path.iterdir()) == ["en.txt", "ja.txt"]
    assert not glob.glob(str(tmp_path / ".*.part"))
