"""TMX 1.4b: valid against the LISA DTD for any text, the header CAT tools need, atomic writes,
and accepted by translate-toolkit and OmegaT (../shared/tools/check_tmx.sh)."""
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from align.api import align_files, align_texts
from tm.tmx import TmxWriter, write_tmx

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DTD = SHARED / "tmx" / "tmx14.dtd"
CHECK = SHARED / "tools" / "check_tmx.sh"
CORPUS = ROOT / "corpora" / "joint-statement-2025"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def validate(path):
    doc = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    dtd = etree.DTD(str(DTD))
    assert dtd.validate(doc), dtd.error_log.filter_from_errors()
    return doc


@pytest.fixture(scope="module")
def statement():
    return align_files(CORPUS / "ja.txt", CORPUS / "en.txt")


def test_bundled_statement_tmx_is_valid_and_complete(statement, tmp_path):
    out = tmp_path / "js.tmx"
    n = write_tmx(statement, out)
    doc = validate(out)
    header = doc.find("header")
    for attr in ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang", "datatype"):
        assert header.get(attr), attr
    assert header.get("srclang") == "ja-JP" and header.get("segtype") == "sentence"
    assert header.get("datatype") == "plaintext"
    assert re.fullmatch(r"\d{8}T\d{6}Z", header.get("creationdate"))
    units = doc.findall("body/tu")
    assert len(units) == n == sum(1 for b in statement.beads if b.src and b.tgt)
    first = units[0]
    props = {p.get("type"): p.text for p in first.findall("prop")}
    assert set(props) == {"x-confidence", "x-bead", "x-document", "x-src-location", "x-tgt-location"}
    assert 0 <= float(props["x-confidence"]) <= 1 and props["x-bead"] == "1-1"
    langs = [t.get(XML_LANG) for t in first.findall("tuv")]
    assert langs == ["ja-JP", "en-US"]
    # original characters kept; a 2-1 bead's Japanese sentences joined without a space
    segs = [u.find("tuv/seg").text for u in units]
    assert any("ＡＳＥＡＮ" in s for s in segs)
    two_one = next(u for u in units if u.find("prop[@type='x-bead']").text == "2-1")
    ja = two_one.find("tuv/seg").text
    assert "。" in ja[:-1] and "。 " not in ja


def test_locales_are_configurable(statement, tmp_path):
    out = tmp_path / "gb.tmx"
    write_tmx(statement, out, src_locale="ja", tgt_locale="en-GB")
    doc = validate(out)
    assert doc.find("header").get("srclang") == "ja"
    assert {t.get(XML_LANG) for t in doc.iter("tuv")} == {"ja", "en-GB"}


def test_any_text_gives_valid_xml(tmp_path):
    nasty = 'A & B <b>bold</b> "quoted" \'single\' ]]> \x01\x0b\x1f\ufffe end'
    out = tmp_path / "nasty.tmx"
    with TmxWriter(out, srclang="en-US") as tmx:
        assert tmx.add({"en-US": nasty, "ja-JP": "Ａ＆Ｂ <タグ> \x00です"}, {"x-note": "a<b & \x02c"})
        assert not tmx.add({"en-US": "only one language"})
    doc = validate(out)
    segs = [s.text for s in doc.iter("seg")]
    assert segs[0] == 'A & B <b>bold</b> "quoted" \'single\' ]]>  end'
    assert segs[1] == "Ａ＆Ｂ <タグ> です"
    assert len(doc.findall("body/tu")) == 1


def test_interrupted_write_leaves_nothing(tmp_path):
    out = tmp_path / "never.tmx"
    with pytest.raises(RuntimeError):
        with TmxWriter(out, srclang="ja-JP") as tmx:
            tmx.add({"ja-JP": "一", "en-US": "one"})
            raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []


def test_existing_file_is_replaced_only_when_complete(tmp_path):
    out = tmp_path / "memory.tmx"
    out.write_text("old")
    with pytest.raises(KeyboardInterrupt):
        with TmxWriter(out, srclang="ja-JP") as tmx:
            tmx.add({"ja-JP": "一", "en-US": "one"})
            raise KeyboardInterrupt
    assert out.read_text() == "old"


def test_check_tmx_passes_dtd_translate_toolkit_and_omegat(statement, tmp_path):
    """../shared/tools/check_tmx.sh: DTD, translate-toolkit loads it, OmegaT pre-translates from it.

    The script installs OmegaT (Debian) and a translate-toolkit venv on first use.
    """
    if shutil.which("bash") is None:
        pytest.fail("bash is needed to run check_tmx.sh")
    out = tmp_path / "joint-statement.tmx"
    write_tmx(statement, out)
    proc = subprocess.run(["bash", str(CHECK), str(out), "ja-JP", "en-US"], capture_output=True, text=True,
                          timeout=1800)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("PASS") == 3, proc.stdout


def test_check_tmx_on_a_tmx_with_markup_characters(tmp_path):
    alignment = align_texts("「A&B」は<重要>だ。\n７０％が賛成した。\n",
                            '"A&B" is <important>.\n70% agreed.\n', "ja", "en", presegmented=True)
    out = tmp_path / "markup.tmx"
    write_tmx(alignment, out)
    proc = subprocess.run(["bash", str(CHECK), str(out), "ja-JP", "en-US"], capture_output=True, text=True,
                          timeout=1800)
    assert proc.returncode == 0, proc.stdout + proc.stderr
