"""Three languages through a pivot: units, derived alignments, the trilingual TMX and the CLI."""
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from align.aligner import Bead
from align.pivot import align_pivot, join_on_pivot, write_multilingual_tmx
from test_lao import EN_DOC, JA_DOC, LAO_DOC

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def b(src, tgt, conf=1.0):
    return Bead(tuple(src), tuple(tgt), conf)


def test_units_join_the_beads_of_every_language_on_the_pivot_sentences():
    # pivot (en) sentences 0..4; ja pairs en 1+2 with one sentence; lo has a sentence en lacks
    # and leaves en 3 out.
    ja = [b([0], [0]), b([1], [1, 2]), b([2], [3]), b([3], [4])]
    lo = [b([0], [0]), b([1], [1]), b([2], [2]), b([3], []), b([], [3]), b([4], [4])]
    units = join_on_pivot({"ja": ja, "lo": lo}, 5, "en")
    got = [(u.sentences.get("ja", ()), u.sentences["en"] if "en" in u.sentences else (), u.sentences.get("lo", ()))
           for u in units]
    assert got == [((0,), (0,), (0,)),
                   ((1,), (1, 2), (1, 2)),
                   ((), (), (3,)),           # a Lao sentence the pivot lacks: a unit of its own
                   ((2,), (3,), ()),          # the pivot lacks it in Lao: ja and en remain
                   ((3,), (4,), (4,))]


def test_a_unit_takes_the_lowest_confidence_of_its_beads():
    units = join_on_pivot({"ja": [b([0], [0], 0.9)], "lo": [b([0], [0], 0.6)]}, 1, "en")
    assert units[0].confidence == pytest.approx(0.6)


@pytest.fixture(scope="module")
def trilingual(tmp_path_factory):
    d = tmp_path_factory.mktemp("tri")
    for name, text in (("ja.txt", JA_DOC), ("en.txt", EN_DOC), ("lo.txt", LAO_DOC)):
        (d / name).write_text(text, encoding="utf-8")
    return d


def test_derived_ja_lo_alignment_through_english(trilingual):
    multi = align_pivot({"ja": trilingual / "ja.txt", "en": trilingual / "en.txt", "lo": trilingual / "lo.txt"},
                        pivot="en", presegmented=True)
    assert [(x.src, x.tgt) for x in multi.alignment("ja", "en").beads] == [
        ((0,), (0,)), ((1,), (1, 2)), ((2,), (3,)), ((3,), (4,))]
    assert [(x.src, x.tgt) for x in multi.alignment("ja", "lo").beads] == [
        ((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((3,), (3,))]
    reverse = multi.alignment("en", "lo")
    assert reverse.src.lang.code == "en" and reverse.beads[1].src == (1, 2)


def test_trilingual_tmx_has_a_tuv_per_language_and_the_pivot_as_srclang(trilingual, tmp_path):
    multi = align_pivot({"ja": trilingual / "ja.txt", "en": trilingual / "en.txt", "lo": trilingual / "lo.txt"},
                        pivot="en", presegmented=True)
    out = tmp_path / "tri.tmx"
    assert write_multilingual_tmx(multi, out) == 4
    doc = etree.parse(str(out))
    assert etree.DTD(str(SHARED / "tmx" / "tmx14.dtd")).validate(doc)
    assert doc.find("header").get("srclang") == "en-US"
    for tu in doc.findall("body/tu"):
        assert [t.get(XML_LANG) for t in tu.findall("tuv")] == ["ja-JP", "en-US", "lo-LA"]
    second = doc.findall("body/tu")[1]
    assert second.find("tuv[2]/seg").text.count(". ") == 1  # en 1 + 2 joined with a space


@pytest.mark.parametrize("langs", [("lo-LA", "en-US"), ("ja-JP", "lo-LA")])
def test_check_tmx_passes_on_the_trilingual_memory_in_both_directions(trilingual, run_cli, tmp_path, langs):
    out = tmp_path / "tri.tmx"
    code, _, err = run_cli("align", trilingual / "ja.txt", trilingual / "en.txt", trilingual / "lo.txt",
                           "--presegmented", "--pivot", "en", "--tmx", out)
    assert code == 0, err
    proc = subprocess.run(["bash", str(SHARED / "tools" / "check_tmx.sh"), str(out), *langs],
                          capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_cli_writes_pairwise_outputs_for_each_pair(trilingual, run_cli, tmp_path):
    code, _, err = run_cli("align", trilingual / "ja.txt", trilingual / "en.txt", trilingual / "lo.txt",
                           "--presegmented", "--pivot", "en", "-o", tmp_path / "js.{pair}.beads")
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["js.ja-en.beads", "js.ja-lo.beads", "js.lo-en.beads"]
    assert (tmp_path / "js.lo-en.beads").read_text().splitlines()[1] == "[1]:[1, 2]"


@pytest.mark.parametrize("extra, message", [
    (["-o", "OUT/x.tsv"], "{pair}"),
    ([], "--tmx"),
])
def test_cli_three_documents_errors(trilingual, run_cli, tmp_path, extra, message):
    extra = [e.replace("OUT", str(tmp_path)) for e in extra]
    code, _, err = run_cli("align", trilingual / "ja.txt", trilingual / "en.txt", trilingual / "lo.txt",
                           "--presegmented", *extra)
    assert code == 2 and err.startswith("aligntm: error:") and message in err
    assert list(tmp_path.iterdir()) == []


def test_cli_pivot_needs_three_documents_and_distinct_languages(trilingual, run_cli, tmp_path):
    code, _, err = run_cli("align", trilingual / "ja.txt", trilingual / "en.txt", "--pivot", "en")
    assert code == 2 and "three documents" in err
    code, _, err = run_cli("align", trilingual / "ja.txt", trilingual / "ja.txt", trilingual / "lo.txt",
                           "--presegmented", "--tmx", tmp_path / "x.tmx")
    assert code == 2 and "second Japanese document" in err
    assert not (tmp_path / "x.tmx").exists()
