"""`aligntm tm ...`: every command end to end, its help, its errors, and the exported TMX
accepted by ../shared/tools/check_tmx.sh (DTD, translate-toolkit, OmegaT)."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "tm"
CHECK = ROOT.parent / "shared" / "tools" / "check_tmx.sh"
COMMANDS = ["create", "import", "export", "info", "lookup", "concordance", "analyze", "dedup", "clean", "optimize"]


@pytest.fixture
def memory(tmp_path, run_cli):
    path = tmp_path / "m.tm"
    assert run_cli("tm", "create", path)[0] == 0
    code, _, err = run_cli("tm", "import", path, DATA / "ttk.tmx", DATA / "omegat-project_save.tmx",
                           DATA / "trados-studio.tmx", "-q")
    assert code == 0, err
    return path


def test_help_explains_every_command(run_cli):
    code, out, _ = run_cli("tm", "--help")
    assert code == 0
    for command in COMMANDS:
        assert command in out
    for command in COMMANDS:
        code, out, _ = run_cli("tm", command, "--help")
        assert code == 0 and "usage: aligntm tm " + command in out
    assert "interrupted" in run_cli("tm", "import", "--help")[1]          # what happens to a failed import
    assert "--strict" in run_cli("tm", "import", "--help")[1]
    lookup_help = run_cli("tm", "lookup", "--help")[1]
    assert "edit distance" in lookup_help and "--min" in lookup_help and "-k" in lookup_help
    assert "repetitions" in run_cli("tm", "analyze", "--help")[1]


def test_create_import_info(memory, run_cli):
    code, out, _ = run_cli("tm", "info", memory)
    assert code == 0 and "units:       11" in out and "ja-JP 11" in out
    code, out, _ = run_cli("tm", "info", memory, "--json")
    info = json.loads(out)
    assert info["units"] == 11 and info["source_language"] == "ja-JP"
    code, _, err = run_cli("tm", "import", memory, DATA / "ttk.tmx", "-q")
    assert code == 0 and "0 added, 4 duplicates merged" in err


def test_lookup(memory, run_cli):
    code, out, err = run_cli("tm", "lookup", memory, "日本とラオスは外交関係樹立６０周年を迎えた。", "-s", "ja", "-t", "en")
    assert code == 0, err
    assert out.splitlines()[0].startswith(" 95%  unit ")
    assert "日本とラオスは外交関係樹立[-7-]{+６+}0周年を迎えた。" in out
    assert "en-US: Japan and Laos marked the 70th anniversary of diplomatic relations." in out
    code, out, _ = run_cli("tm", "lookup", memory, "日本とラオスは外交関係樹立６０周年を迎えた。", "--json", "-k", "1")
    data = json.loads(out)
    assert data["src"] == "ja" and data["tgt"] == "en" and len(data["matches"]) == 1
    assert data["matches"][0]["percent"] == 95 and data["matches"][0]["differences"][0]["op"] == "replace"
    code, out, err = run_cli("tm", "lookup", memory, "全く別の文章である。", "--min", "90")
    assert code == 0 and out == "" and "no match of 90% or more" in err


def test_concordance(memory, run_cli):
    code, out, err = run_cli("tm", "concordance", memory, "パートナーシップ", "-n", "2")
    assert code == 0 and "(the first 2; more with -n)" in err
    assert out.splitlines() == [                                        # newest first: Trados, then OmegaT
        "ja-JP: 両首脳は、包括的・戦略的[パートナーシップ]を確認した。",
        "en-US: The two leaders confirmed the Comprehensive Strategic Partnership.",
        "",
        "ja-JP: 両首脳は、<b0>包括的・戦略的[パートナーシップ]</b0>を確認した。",
        "en-US: The two leaders confirmed the <b0>Comprehensive Strategic Partnership</b0>."]
    code, out, _ = run_cli("tm", "concordance", memory, "Vientiane", "--json")
    hits = json.loads(out)["hits"]
    assert len(hits) == 1 and hits[0]["translations"] == {"ja-JP": "第回会合はビエンチャンで開かれた。"}


def test_export_and_check_tmx(memory, run_cli, tmp_path):
    """The export (inline markup included) passes check_tmx.sh: DTD, translate-toolkit, OmegaT."""
    out = tmp_path / "export.tmx"
    code, _, err = run_cli("tm", "export", memory, out, "-s", "ja-JP", "-t", "en-US", "-q")
    assert code == 0 and "wrote 11 translation units" in err
    if shutil.which("bash") is None:
        pytest.fail("bash is needed to run check_tmx.sh")
    proc = subprocess.run(["bash", str(CHECK), str(out), "ja-JP", "en-US"], capture_output=True, text=True,
                          timeout=1800)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("PASS") == 3, proc.stdout


def test_export_tsv(memory, run_cli, tmp_path):
    out = tmp_path / "pairs.tsv"
    code, _, err = run_cli("tm", "export", memory, out, "--origin", "ttk.tmx")
    assert code == 0 and "wrote 4 translation units" in err
    assert out.read_text(encoding="utf-8").splitlines()[0] == "ja-JP\ten-US\tconfidence"


def test_analyze(memory, run_cli, tmp_path):
    doc = tmp_path / "doc.txt"
    doc.write_text("日本とラオスは外交関係樹立70周年を迎えた。会合はビエンチャンで開かれた。首都は晴れだった。\n",
                   encoding="utf-8")
    code, out, err = run_cli("tm", "analyze", memory, doc, "-s", "ja", "-t", "en", "-q")
    assert code == 0, err
    assert "100%" in out and "no match" in out and "characters" in out
    code, out, _ = run_cli("tm", "analyze", memory, doc, "--json", "-q")
    data = json.loads(out)
    assert [s["band"] for s in data["segments"]] == ["100%", "85-94%", "no match"]


def test_dedup_and_clean(memory, run_cli, tmp_path):
    extra = tmp_path / "extra.tsv"
    extra.write_text("ja-JP\ten-US\tconfidence\n"
                     "日本とラオスは、外交関係樹立７０周年を迎えた\tJapan and Laos marked the 70th anniversary of "
                     "diplomatic relations\t0.300\n"
                     "同じ文。\t同じ文。\t0.900\n", encoding="utf-8")
    assert run_cli("tm", "import", memory, extra, "-q")[0] == 0
    # near-duplicates: the new 70th-anniversary pair with those of translate-toolkit (70) and OmegaT (７０),
    # and translate-toolkit's 「パートナーシップ」 pair with Trados's, which differs in quotes only
    code, out, _ = run_cli("tm", "dedup", memory)
    assert code == 0 and out.startswith("2 groups of near-duplicates; would merge (use --merge): 3 units removed")
    assert "keep   unit 12: 日本とラオスは、外交関係樹立７０周年を迎えた" in out       # the most recent
    code, out, _ = run_cli("tm", "dedup", memory, "--merge", "--json")
    assert json.loads(out)["units_to_remove"] == 3
    code, out, _ = run_cli("tm", "clean", memory, "--untranslated", "--min-confidence", "0.5", "--dry-run")
    # the 0.3 pair was merged with human translations (no confidence): it is kept
    assert code == 0 and "would remove 1" in out and "untranslated" in out
    code, out, _ = run_cli("tm", "clean", memory, "--untranslated", "--json")
    assert json.loads(out)["removed"] == 1
    code, out, _ = run_cli("tm", "info", memory, "--json")
    assert json.loads(out)["units"] == 11 + 2 - 3 - 1
    assert run_cli("tm", "optimize", memory)[0] == 0


def test_errors_are_one_line_with_exit_code_2(run_cli, tmp_path, memory):
    cases = [
        ("tm", "info", tmp_path / "none.tm"),
        ("tm", "import", memory, tmp_path / "none.tmx"),
        ("tm", "import", DATA / "ttk.tmx", DATA / "ttk.tmx"),           # a TMX given as the memory
        ("tm", "create", memory),
        ("tm", "lookup", memory, "文", "-t", "fr"),
        ("tm", "export", memory, tmp_path),
        ("tm", "export", memory, tmp_path / "x.tmx", "--since", "someday"),
        ("tm", "clean", memory),
        ("tm", "analyze", memory, tmp_path / "none.txt"),
    ]
    for args in cases:
        code, out, err = run_cli(*args)
        assert code == 2, (args, err)
        assert err.startswith("aligntm: error: ") and err.count("\n") == 1, (args, err)
    assert not (tmp_path / "x.tmx").exists()


def test_malformed_import_reports_the_line_and_keeps_the_units(run_cli, tmp_path):
    path = tmp_path / "m.tm"
    run_cli("tm", "create", path)
    code, _, err = run_cli("tm", "import", path, DATA / "malformed.tmx", "-q")
    assert code == 2
    assert "malformed.tmx: line 14: not well-formed XML" in err and "2 added" in err
    assert json.loads(run_cli("tm", "info", path, "--json")[1])["units"] == 2
    code, _, err = run_cli("tm", "import", path, DATA / "malformed.tmx", DATA / "ttk.tmx", "--strict", "-q")
    assert code == 2 and "line 14" in err
    assert json.loads(run_cli("tm", "info", path, "--json")[1])["units"] == 2


def test_real_command(run_aligntm, tmp_path):
    path = tmp_path / "m.tm"
    assert run_aligntm("tm", "create", path).returncode == 0
    proc = run_aligntm("tm", "import", path, DATA / "billion-laughs.tmx")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "billion-laughs.tmx: line 3: entity declaration" in proc.stderr
