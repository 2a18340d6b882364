"""Reading TMX as other tools write it (tests/data/tm, see its README), hostile and broken files."""
import socket
import time
import tracemalloc
from pathlib import Path

import pytest

from align.errors import InputError
from tm.reader import TmxReader, TmxSyntaxError, read_tmx
from tm.tmx import TmxWriter

DATA = Path(__file__).resolve().parent / "data" / "tm"


def read(name):
    reader = TmxReader(DATA / name)
    return reader, list(reader)


def texts(unit):
    return {v.lang: v.text for v in unit.variants}


def test_translate_toolkit_tmx():
    reader, units = read("ttk.tmx")
    assert reader.version == "1.4" and reader.header["srclang"] == "ja-JP"
    assert reader.header["creationtool"] == "Translate Toolkit"
    assert len(units) == 4 and reader.skipped == 0
    assert texts(units[0]) == {"ja-JP": "日本とラオスは外交関係樹立70周年を迎えた。",
                               "en-US": "Japan and Laos marked the 70th anniversary of diplomatic relations."}
    assert units[0].notes == ["from the joint statement"]
    assert texts(units[2]) == {"ja-JP": "A & B <タグ> は特殊文字を含む。", "en-US": "A & B <tag> contains special characters."}
    assert all(v.markup is None for u in units for v in u.variants)      # escaped text is text, not tags


def test_tmx_written_by_omegat():
    """omegat-pseudo.tmx is OmegaT's own output: TMX 1.1, lang=, its tags <b0> as text."""
    reader, units = read("omegat-pseudo.tmx")
    assert reader.version == "1.1" and reader.header["creationtool"] == "OmegaT"
    assert len(units) == 5
    assert {v.lang for u in units for v in u.variants} == {"ja-JP", "en-US"}
    assert units[1].variants[0].text == "両首脳は、<b0>包括的・戦略的パートナーシップ</b0>を確認した。"


def test_omegat_project_save():
    reader, units = read("omegat-project_save.tmx")
    assert reader.header["o-tmf"] == "OmegaT TMX" and len(units) == 4
    first = units[0]
    # OmegaT dates the translation's <tuv>: the unit takes its dates from there
    assert first.created == "20250121T091500Z" and first.changed == "20250121T093000Z"
    assert first.variants[1].attrs == {"changeid": "kaoru", "changedate": "20250121T093000Z",
                                       "creationid": "kaoru", "creationdate": "20250121T091500Z"}
    assert units[2].notes == ["checked against the English original"]
    alternative = units[3]
    assert alternative.document == "statement.html"                   # <prop type="file">
    assert ("prev", "両首脳は、<b0>包括的・戦略的パートナーシップ</b0>を確認した。") in alternative.props


def test_trados_inline_markup_is_kept_and_stripped_for_matching():
    reader, units = read("trados-studio.tmx")
    assert len(units) == 3
    assert reader.header["props"][:1] == [("x-Recognizers", "RecognizeAll")]
    first = units[0]
    assert first.attrs == {"creationid": "MOFA\\kaoru", "changeid": "MOFA\\kaoru",
                           "lastusagedate": "20250123T080000Z", "usagecount": "2"}
    assert (first.created, first.changed) == ("20250121T093000Z", "20250122T101500Z")
    assert ("x-ConfirmationLevel", "Translated") in first.props
    ja = first.variants[0]
    assert ja.text == "両首脳は、包括的・戦略的パートナーシップを確認した。"
    assert ja.markup == '両首脳は、<bpt i="1" type="1" x="1"/>包括的・戦略的パートナーシップ<ept i="1"/>を確認した。'
    second = units[1].variants[1]
    assert second.text == "The  meeting was held in Vientiane."                 # <ph> and RTF codes left out
    assert second.markup == ('The <ph x="2" type="2"/> meeting was held in <bpt i="3">&lt;cf bold="on"&gt;</bpt>'
                             'Vientiane<ept i="3">&lt;/cf&gt;</ept>.')
    third = units[2].variants[0]
    assert third.text == "詳細は外務省のホームページを参照注。"                   # <hi> is text, <sub> in <ph> is not
    assert '<hi type="link">外務省のホームページ</hi>' in third.markup
    assert '<it pos="begin" x="4">&lt;sup&gt;</it>' in third.markup
    assert '<ph x="5"><sub>脚注の本文</sub></ph>' in third.markup


def test_tmx_1_1_in_utf16_with_lang_attributes():
    reader, units = read("workbench-tmx11-utf16.tmx")
    assert reader.version == "1.1" and reader.header["srclang"] == "JA-JP"
    assert [v.lang for v in units[0].variants] == ["JA-JP", "EN-US"]
    assert units[0].variants[0].text == "日本とラオスは外交関係樹立５０周年を迎えた。"
    assert units[0].variants[1].markup == ("Japan and Laos marked the <ut>{\\b </ut>50th anniversary<ut>}</ut> "
                                           "of diplomatic relations.")
    assert units[1].changed == "20080522T090000Z"


def test_units_with_fewer_than_two_languages_are_skipped(tmp_path):
    path = tmp_path / "one.tmx"
    path.write_text('<tmx version="1.4"><header srclang="en"/><body>'
                    '<tu><tuv xml:lang="en"><seg>alone</seg></tuv></tu>'
                    '<tu><tuv xml:lang="en"><seg>empty target</seg></tuv><tuv xml:lang="ja"><seg> </seg></tuv></tu>'
                    '<tu><tuv xml:lang="en"><seg>pair</seg></tuv><tuv xml:lang="ja"><seg>対</seg></tuv></tu>'
                    '</body></tmx>', encoding="utf-8")
    reader = TmxReader(path)
    assert [texts(u) for u in reader] == [{"en": "pair", "ja": "対"}]
    assert reader.skipped == 2


# --- hostile files ------------------------------------------------------------------------

@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the TMX reader opened a network connection")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_billion_laughs_is_refused_at_once(no_network):
    t = time.perf_counter()
    with pytest.raises(TmxSyntaxError) as e:
        list(read_tmx(DATA / "billion-laughs.tmx"))
    assert time.perf_counter() - t < 1.0
    assert e.value.line == 3 and "billion-laughs.tmx: line 3: entity declaration" in str(e.value)


def test_external_entity_is_never_read(no_network, tmp_path):
    with pytest.raises(TmxSyntaxError) as e:
        list(read_tmx(DATA / "xxe.tmx"))
    assert "xxe.tmx: line 3" in str(e.value) and "root:" not in str(e.value)


def test_parameter_entity_is_never_fetched(no_network):
    with pytest.raises(TmxSyntaxError, match="parameter-entity.tmx: line 3"):
        list(read_tmx(DATA / "parameter-entity.tmx"))


def test_external_dtd_is_not_fetched_and_the_file_reads(no_network):
    reader, units = read("external-dtd.tmx")
    assert texts(units[0]) == {"en-US": "A DTD that is never fetched.", "ja-JP": "取得されない DTD。"}


def test_undefined_entity_is_an_error(tmp_path):
    path = tmp_path / "nbsp.tmx"
    path.write_text('<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n<tmx version="1.4"><header/><body>\n'
                    '<tu><tuv xml:lang="en"><seg>a&nbsp;b</seg></tuv><tuv xml:lang="ja"><seg>あ</seg></tuv></tu>'
                    '\n</body></tmx>', encoding="utf-8")
    with pytest.raises(TmxSyntaxError, match=r"line 3: undefined entity &nbsp;"):
        list(read_tmx(path))


# --- malformed files -------------------------------------------------------------------------

def test_malformed_file_names_the_line_and_keeps_what_was_read():
    reader = TmxReader(DATA / "malformed.tmx")
    got = []
    with pytest.raises(TmxSyntaxError) as e:
        for unit in reader:
            got.append(unit)
    assert [u.variants[1].text for u in got] == ["The first sentence.", "The second sentence."]
    assert e.value.line == 14
    assert str(e.value).startswith(f"{DATA / 'malformed.tmx'}: line 14: not well-formed XML (mismatched tag)")
    assert isinstance(e.value, InputError) and "\n" not in str(e.value)


def test_truncated_file(tmp_path):
    whole = (DATA / "ttk.tmx").read_text(encoding="utf-8")
    cut = whole[:whole.index("<tu>", whole.index("<tu>", whole.index("<tu>") + 1) + 1) + 20]
    path = tmp_path / "cut.tmx"
    path.write_text(cut, encoding="utf-8")
    reader = TmxReader(path)
    got = []
    with pytest.raises(TmxSyntaxError, match=r"cut.tmx: line \d+: not well-formed XML"):
        for unit in reader:
            got.append(unit)
    assert len(got) == 2


@pytest.mark.parametrize("content,message", [
    ("<html><body>not a memory</body></html>", r"not a TMX file \(root element <html>"),
    ("just text", "not well-formed XML"),
])
def test_not_a_tmx(tmp_path, content, message):
    path = tmp_path / "x.tmx"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        list(read_tmx(path))


def test_missing_file():
    with pytest.raises(InputError, match="no such file"):
        list(read_tmx(DATA / "nope.tmx"))


def _peak_memory_reading(path) -> tuple[int, int]:
    tracemalloc.start()
    try:
        n = sum(1 for _ in TmxReader(path))
        return n, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_constant_on_a_large_file(tmp_path):
    def write(path, n):
        with TmxWriter(path, srclang="ja-JP") as tmx:
            for i in range(n):
                tmx.add({"ja-JP": f"第{i}回の会合は東京で開かれ、両国の協力について話し合った。",
                         "en-US": f"Meeting number {i} was held in Tokyo to discuss cooperation."},
                        {"x-confidence": "0.9"})
    small, large = tmp_path / "small.tmx", tmp_path / "large.tmx"
    write(small, 500)
    write(large, 10_000)
    n_small, peak_small = _peak_memory_reading(small)
    n_large, peak_large = _peak_memory_reading(large)
    assert (n_small, n_large) == (500, 10_000)
    assert large.stat().st_size > 2_000_000
    # 20 times the units, about the same peak (one block of the file and the units it holds)
    assert peak_large < 1.5 * peak_small + 200_000, (peak_small, peak_large)
