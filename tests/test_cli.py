"""The aligntm command line, end to end: segment, align, batch, score, and bad input."""
from __future__ import annotations

import codecs
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from align.document import segment_text

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Three small documents from the seed corpus (sentence pairs that are 1-1 in the original),
# one sentence per paragraph.
DOCS = {
    "relations.txt": [
        ("両首脳は、1955 年の外交関係樹立以来 70 年の長きにわたり、相互の信頼と理解に基づき築かれてきた二国間の友好協力関係を高く評価した。",
         "The two Prime Ministers highly appreciated the bilateral relations of friendship and cooperation, which have "
         "been built on mutual trust and understanding over the long span of 70 years since the establishment of "
         "diplomatic relations in 1955."),
        ("両首脳は、2015 年に両国関係を戦略的パートナーシップに格上げして以来、多くの分野において二国間関係が顕著な発展を遂げてきたことを強調した。",
         "The two Prime Ministers underscored that the bilateral relationship has achieved remarkable development in "
         "many areas since it was upgraded to a Strategic Partnership in 2015."),
        ("両首脳は、あらゆる分野で開花している両国関係を、今後更に発展させ、両国民の利益及び地域・国際社会の発展のために豊かに結実させていくことで一致した。",
         "The two Prime Ministers concurred to further develop the bilateral relationship, which is flourishing in all "
         "areas, so that it bears abundant fruit for the benefit of the peoples of both countries and for the "
         "development of the region and the international community."),
    ],
    "trade.txt": [
        ("貿易・投資", "Trade and Investment"),
        ("１０ 両首脳は、２０１５年以降ラオスで活動する日系企業数が着実に増加し、日系企業がラオスの雇用拡大に貢献していることを評価した。",
         "10. The two Prime Ministers appreciated that the number of Japanese companies operating in the Lao PDR has "
         "steadily increased since 2015 and that Japanese companies have contributed to the expansion of employment "
         "in the Lao PDR."),
        ("また、両首脳は、日系企業の投資促進を通じた二国間の互恵的な経済関係の構築に向け、ラオスの投資環境の改善に向けたラオスの努力を引き続き共に推進していくことを確認した。",
         "The two Prime Ministers also confirmed that they would continue to jointly advance the Lao PDR's efforts to "
         "improve its investment environment, with a view to building mutually beneficial bilateral economic "
         "relations through the promotion of investment by Japanese companies."),
    ],
    "tourism.txt": [
        ("１９ 両首脳は、観光分野の振興を通じた人的交流拡大のため、両国がともに取り組んでいくことを確認し、両国の関連省庁間の協力をさらに強化する意向を確認した。",
         "19. The two Prime Ministers confirmed that the two countries would work together to expand people-to-people "
         "exchanges through the promotion of tourism, and confirmed their intention to further strengthen cooperation "
         "between the relevant ministries and agencies of the two countries."),
        ("さらに、ラオス側は、日本の一般旅券所持者に対するビザ免除の滞在期間を 15 日から 30 日に延長することを前向きに検討した。",
         "Furthermore, the Lao side gave positive consideration to extending the period of stay under the visa "
         "exemption for holders of ordinary Japanese passports from 15 to 30 days."),
        ("３０ 両首脳は、水棲生物資源の科学的根拠に基づく持続可能な利用の実現に向け、両国間の協力関係を一層強化することで一致した。",
         "30. The two Prime Ministers concurred to further strengthen bilateral cooperation toward the realization of "
         "the sustainable use of aquatic living resources based on scientific evidence."),
    ],
}

# Two Japanese sentences translated by one English sentence (a 2-1 bead in the seed corpus).
JA_21 = ("両首脳は、2024 年 10 月のラオス・ビエンチャンにおける第 44・45 回ＡＳＥＡＮ首脳会議及び関連首脳会議の際の石破総理大臣による"
         "ラオス公式訪問を始めとする両国首脳の相互訪問を含め、両国で過去10年間に政府ハイレベル間の緊密な往来が行われたことを評価した。"
         "また、両首脳は、政治・安全保障、経済協力、貿易・投資、地域・国際場裡及び人的・文化交流を含む様々な協力分野で着実に成果を挙げて"
         "いることを評価した。加えて、引き続き重層的な交流を深化・拡大させていくことで一致した。\n\n"
         "各分野の協力の詳細は付属文書にて記載する。\n")
EN_21 = ("The two Prime Ministers appreciated the close exchanges between high-level government officials of the two "
         "countries over the past 10 years, including mutual visits by the leaders of both countries, such as the "
         "Official Visit by Prime Minister Ishiba to the Lao PDR on the occasion of the 44th and 45th ASEAN Summits "
         "and Related Summits in Vientiane, Lao PDR, in October 2024. They also appreciated the steady achievements "
         "in various areas of cooperation, including political and security, economic cooperation, trade and "
         "investment, the regional and international arena, and people-to-people and cultural exchanges, and agreed "
         "to continue deepening and expanding multi-layered exchanges.\n\n"
         "The details of cooperation in each field are set out in the Annex.\n")


def write_doc(path: Path, sentences, encoding="utf-8", bom=b""):
    path.write_bytes(bom + ("\n\n".join(sentences) + "\n").encode(encoding))
    return path


@pytest.fixture
def pair(tmp_path):
    """ja.txt / en.txt: the relations document, and its expected TSV rows."""
    rows = DOCS["relations.txt"]
    ja = write_doc(tmp_path / "ja.txt", [j for j, _ in rows])
    en = write_doc(tmp_path / "en.txt", [e for _, e in rows])
    return ja, en, rows


@pytest.fixture
def dirs(tmp_path):
    """ja/ and en/ with the three documents, plus ja/extra.txt that has no English."""
    ja_dir, en_dir = tmp_path / "ja", tmp_path / "en"
    ja_dir.mkdir()
    en_dir.mkdir()
    for name, rows in DOCS.items():
        write_doc(ja_dir / name, [j for j, _ in rows])
        write_doc(en_dir / name, [e for _, e in rows])
    write_doc(ja_dir / "extra.txt", ["両首脳は一致した。"])
    return ja_dir, en_dir


@pytest.fixture(scope="module")
def corpus_jsonl(corpus_dir, tmp_path_factory):
    """The bundled corpus aligned once (JSONL records) for the tests that need it."""
    from align.cli import main
    out = tmp_path_factory.mktemp("corpus") / "corpus.jsonl"
    assert main(["align", str(corpus_dir / "ja.txt"), str(corpus_dir / "en.txt"), "-o", str(out)]) == 0
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def no_leftovers(directory: Path, *paths: Path):
    for p in paths:
        assert not p.exists(), f"{p} was created"
    parts = [p.name for p in directory.iterdir() if ".part" in p.name]
    assert parts == [], f"temporary files left: {parts}"


def tsv_rows(text):
    lines = text.split("\n")
    assert lines[-1] == ""  # ends with a newline
    return lines[0], [line.split("\t") for line in lines[1:-1]]


# --- segment ----------------------------------------------------------------------------

def test_segment_prints_one_sentence_per_line(run_cli, corpus_dir):
    code, out, err = run_cli("segment", corpus_dir / "ja.txt", "-l", "ja")
    assert code == 0 and err == ""
    lines = out.split("\n")
    assert lines[-1] == "" and "" not in lines[:-1]
    assert "両首脳は、1955 年の外交関係樹立以来 70 年の長きにわたり、相互の信頼と理解に基づき築かれてきた二国間の友好協力関係を高く評価した。" in lines
    assert "政治・安全保障" in lines
    assert "石破茂" in lines and "ソーンサイ・シーパンドン" in lines
    expected = [s.text for s in segment_text((corpus_dir / "ja.txt").read_text(encoding="utf-8"), "ja")]
    assert lines[:-1] == expected


def test_segment_english_detected(run_cli, corpus_dir):
    code, out, _ = run_cli("segment", corpus_dir / "en.txt")
    assert code == 0
    lines = out.splitlines()
    assert "The details of cooperation in each field are set out in the Annex." in lines
    assert "Trade and Investment" in lines
    assert not any(line in ("- 2 -", "3") for line in lines)


def test_segment_clauses(run_cli, corpus_dir):
    code, out, _ = run_cli("segment", corpus_dir / "ja.txt", "--clauses")
    assert code == 0
    lines = out.splitlines()
    line = next(l for l in lines if l.startswith("１ 両首脳は、"))
    assert line.startswith("１ 両首脳は、政府ハイレベル間の頻繁な往来及び活発な議会・政党間交流を歓迎し、 | 二国間関係")
    plain = [s.text for s in segment_text((corpus_dir / "ja.txt").read_text(encoding="utf-8"), "ja")]
    assert [l.replace(" | ", "") for l in lines] == plain
    assert "政治・安全保障" in lines  # a heading has no clause marks


def test_segment_missing_file(run_cli, tmp_path):
    code, out, err = run_cli("segment", tmp_path / "missing.txt")
    assert code == 2 and out == ""
    assert err.startswith("aligntm: error: ") and err.count("\n") == 1


# --- align ------------------------------------------------------------------------------

def test_align_writes_tsv(run_cli, pair, tmp_path):
    ja, en, rows = pair
    out = tmp_path / "out.tsv"
    code, stdout, err = run_cli("align", ja, en, "-o", out)
    assert code == 0 and stdout == ""
    header, body = tsv_rows(out.read_text(encoding="utf-8"))
    assert header == "ja-JP\ten-US\tconfidence\tsrc_location\ttgt_location"
    assert all(len(r) == 5 for r in body)
    assert [(r[0], r[1]) for r in body] == rows
    # where each side is: the file and its line (text files)
    assert body[0][3].startswith(f"{Path(ja).name} line ") and body[0][4].startswith(f"{Path(en).name} line ")
    for r in body:
        assert 0.0 <= float(r[2]) <= 1.0


def test_align_tsv_on_the_corpus(run_cli, corpus_dir, tmp_path, corpus_jsonl):
    out = tmp_path / "corpus.tsv"
    code, _, _ = run_cli("align", corpus_dir / "ja.txt", corpus_dir / "en.txt", "-o", out)
    assert code == 0
    header, body = tsv_rows(out.read_text(encoding="utf-8"))
    assert header == "ja-JP\ten-US\tconfidence\tsrc_location\ttgt_location"
    assert len(body) == len(corpus_jsonl)
    assert all(len(r) == 5 and 0 <= float(r[2]) <= 1 for r in body)
    assert ["政治・安全保障", "Political and Security"] in [r[:2] for r in body]
    assert ["石破茂", "Ishiba Shigeru"] in [r[:2] for r in body]


def test_align_jsonl_to_stdout(run_cli, pair):
    ja, en, rows = pair
    code, out, _ = run_cli("align", ja, en, "--format", "jsonl")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 3
    for i, (r, (ja_text, en_text)) in enumerate(zip(records, rows)):
        assert {"src", "tgt", "type", "confidence", "src_text", "tgt_text", "anchors"} <= set(r)
        assert (r["src"], r["tgt"], r["type"]) == ([i], [i], "1-1")
        assert (r["src_text"], r["tgt_text"]) == (ja_text, en_text)
        assert 0 <= r["confidence"] <= 1
        assert set(r["anchors"]) == {"matched", "conflicts"}
    assert {"n:1955", "n:70"} <= set(records[0]["anchors"]["matched"])
    assert "n:2015" in records[1]["anchors"]["matched"]


def test_align_beads(run_cli, pair):
    ja, en, _ = pair
    code, out, _ = run_cli("align", ja, en, "--format", "beads")
    assert code == 0
    assert out == "[0]:[0]\n[1]:[1]\n[2]:[2]\n"


@pytest.mark.parametrize("name, kind", [("out.jsonl", "jsonl"), ("OUT.JSONL", "jsonl"), ("out.beads", "beads"),
                                        ("out.txt", "tsv"), ("out", "tsv")])
def test_align_format_from_the_output_extension(run_cli, pair, tmp_path, name, kind):
    ja, en, _ = pair
    out = tmp_path / name
    assert run_cli("align", ja, en, "-o", out)[0] == 0
    first = out.read_text(encoding="utf-8").splitlines()[0]
    if kind == "jsonl":
        assert json.loads(first)["src"] == [0]
    elif kind == "beads":
        assert first == "[0]:[0]"
    else:
        assert first == "ja-JP\ten-US\tconfidence\tsrc_location\ttgt_location"


def test_align_format_option_wins_over_the_extension(run_cli, pair, tmp_path):
    ja, en, _ = pair
    out = tmp_path / "out.jsonl"
    assert run_cli("align", ja, en, "-o", out, "--format", "beads")[0] == 0
    assert out.read_text() == "[0]:[0]\n[1]:[1]\n[2]:[2]\n"


def test_align_tmx(run_cli, pair, tmp_path):
    ja, en, rows = pair
    tmx = tmp_path / "memory.tmx"
    code, out, err = run_cli("align", ja, en, "-o", tmp_path / "out.tsv", "--tmx", tmx)
    assert code == 0
    assert f"wrote 3 translation units to {tmx}" in err
    root = ET.parse(tmx).getroot()
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    assert header.get("srclang") == "ja-JP" and header.get("segtype") == "sentence"
    units = root.findall("body/tu")
    assert len(units) == 3
    for tu, (ja_text, en_text) in zip(units, rows):
        segs = {tuv.get(XML_LANG): tuv.find("seg").text for tuv in tu.findall("tuv")}
        assert segs == {"ja-JP": ja_text, "en-US": en_text}
        props = {p.get("type"): p.text for p in tu.findall("prop")}
        assert props["x-bead"] == "1-1" and 0 <= float(props["x-confidence"]) <= 1


def test_align_tmx_locales(run_cli, pair, tmp_path):
    ja, en, _ = pair
    tmx = tmp_path / "memory.tmx"
    assert run_cli("align", ja, en, "--format", "beads", "--tmx", tmx, "--src-locale", "ja",
                   "--tgt-locale", "en-GB")[0] == 0
    root = ET.parse(tmx).getroot()
    assert root.find("header").get("srclang") == "ja"
    assert {tuv.get(XML_LANG) for tuv in root.iter("tuv")} == {"ja", "en-GB"}


def test_japanese_sentences_of_one_bead_are_joined_without_a_space(run_cli, tmp_path):
    ja = tmp_path / "ja.txt"
    en = tmp_path / "en.txt"
    ja.write_text(JA_21, encoding="utf-8")
    en.write_text(EN_21, encoding="utf-8")
    code, out, _ = run_cli("align", ja, en, "--format", "jsonl")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["type"] for r in records] == ["1-1", "2-1", "1-1"]
    assert records[1]["src"] == [1, 2]
    assert records[1]["src_text"] == ("また、両首脳は、政治・安全保障、経済協力、貿易・投資、地域・国際場裡及び人的・文化交流を含む様々な"
                                      "協力分野で着実に成果を挙げていることを評価した。加えて、引き続き重層的な交流を深化・拡大させていく"
                                      "ことで一致した。")
    # reversed, the English sentence is alone and the two Japanese ones are the target
    code, out, _ = run_cli("align", en, ja, "--format", "jsonl")
    records = [json.loads(line) for line in out.splitlines()]
    assert records[1]["type"] == "1-2"
    assert "評価した。加えて、" in records[1]["tgt_text"]


def test_sentences_of_one_bead_are_joined_per_language(corpus_jsonl, corpus_dir):
    ja = [s.text for s in segment_text((corpus_dir / "ja.txt").read_text(encoding="utf-8"), "ja")]
    en = [s.text for s in segment_text((corpus_dir / "en.txt").read_text(encoding="utf-8"), "en")]
    types = {r["type"] for r in corpus_jsonl}
    assert {"2-1", "1-2"} <= types  # the corpus has both
    for r in corpus_jsonl:
        assert r["src_text"] == "".join(ja[i] for i in r["src"])
        assert r["tgt_text"] == " ".join(en[j] for j in r["tgt"])
    one_two = next(r for r in corpus_jsonl if r["type"] == "1-2")
    first, second = (en[j] for j in one_two["tgt"])
    assert first + " " + second == one_two["tgt_text"]


def test_corpus_alignment_covers_every_sentence_once(corpus_jsonl, corpus_dir):
    n_ja = len(segment_text((corpus_dir / "ja.txt").read_text(encoding="utf-8"), "ja"))
    n_en = len(segment_text((corpus_dir / "en.txt").read_text(encoding="utf-8"), "en"))
    assert [i for r in corpus_jsonl for i in r["src"]] == list(range(n_ja))
    assert [j for r in corpus_jsonl for j in r["tgt"]] == list(range(n_en))
    for r in corpus_jsonl:
        assert (r["src_lang"], r["tgt_lang"]) == ("ja", "en")
        assert 0 <= r["confidence"] <= 1


def test_shift_jis_japanese_input_aligns(run_cli, pair, tmp_path):
    ja, en, rows = pair
    sjis = write_doc(tmp_path / "ja-sjis.txt", [j for j, _ in rows], encoding="cp932")
    code, out, _ = run_cli("align", sjis, en)
    assert code == 0
    _, body = tsv_rows(out)
    assert [(r[0], r[1]) for r in body] == rows


def test_utf16_english_input_aligns(run_cli, pair, tmp_path):
    ja, en, rows = pair
    for encoding, bom in (("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE)):
        utf16 = write_doc(tmp_path / f"en-{encoding}.txt", [e for _, e in rows], encoding=encoding, bom=bom)
        code, out, _ = run_cli("align", ja, utf16)
        assert code == 0
        _, body = tsv_rows(out)
        assert [(r[0], r[1]) for r in body] == rows


def test_crlf_utf8_bom_input_aligns(run_cli, pair, tmp_path):
    ja, en, rows = pair
    crlf = tmp_path / "ja-crlf.txt"
    crlf.write_bytes(codecs.BOM_UTF8 + ja.read_bytes().replace(b"\n", b"\r\n"))
    code, out, _ = run_cli("align", crlf, en)
    assert code == 0
    _, body = tsv_rows(out)
    assert [(r[0], r[1]) for r in body] == rows


def test_presegmented(run_cli, tmp_path):
    ja = tmp_path / "ja.txt"
    en = tmp_path / "en.txt"
    ja.write_text("貿易・投資\n両首脳は一致した。石破総理大臣は表明した。\n", encoding="utf-8")
    en.write_text("Trade and Investment\nThe two Prime Ministers concurred. Prime Minister Ishiba expressed it.\n")
    code, out, _ = run_cli("align", ja, en, "--presegmented", "--format", "jsonl")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    # the lines are used as they are: the second line is not split into two sentences
    assert [(r["src"], r["tgt"]) for r in records] == [([0], [0]), ([1], [1])]
    assert records[1]["src_text"] == "両首脳は一致した。石破総理大臣は表明した。"


# --- batch and score --------------------------------------------------------------------

def test_batch_then_score(run_cli, dirs, tmp_path):
    ja_dir, en_dir = dirs
    out = tmp_path / "out"
    code, stdout, err = run_cli("batch", ja_dir, en_dir, out, "-q")
    assert code == 0
    assert "aligntm: warning: extra.txt is in only one of the directories; skipped" in err
    assert "aligned 3 document pair(s)" in err
    assert sorted(p.name for p in out.iterdir()) == sorted(DOCS)
    for name in DOCS:
        assert (out / name).read_text() == "[0]:[0]\n[1]:[1]\n[2]:[2]\n"

    gold = tmp_path / "gold"
    gold.mkdir()
    for name in DOCS:
        (gold / name).write_text("[0]:[0]\n[1]:[1]\n[2]:[2]\n")
    # make one document wrong in the gold, so that the figures are not all 1
    (gold / "trade.txt").write_text("[0, 1]:[0, 1]\n[2]:[2]\n")

    code, stdout, err = run_cli("score", gold, out)
    assert code == 0
    lines = stdout.splitlines()
    assert lines[0] == "documents: 3"
    # test beads: 9, strict hits 7 ([0]:[0] and [1]:[1] of trade are not gold) -> P = 7/9;
    # lax: both are inside the gold 2-2 bead -> 9/9.
    # gold beads: 8, strict hits 7 -> R = 7/8; lax 8/8.
    strict = next(l for l in lines if l.startswith("strict")).split()
    lax = next(l for l in lines if l.startswith("lax")).split()
    assert [float(x) for x in strict[1:]] == pytest.approx([7 / 9, 7 / 8, 2 * (7 / 9) * (7 / 8) / (7 / 9 + 7 / 8)],
                                                           abs=1e-4)
    assert [float(x) for x in lax[1:]] == [1.0, 1.0, 1.0]
    assert next(l for l in lines if l.startswith("2-2")).split() == ["2-2", "1", "0", "0"]

    code, stdout, _ = run_cli("score", gold, out, "--json")
    assert code == 0
    figures = json.loads(stdout)
    assert figures["documents"] == 3
    assert figures["strict"]["precision"] == pytest.approx(7 / 9)
    assert figures["strict"]["recall"] == pytest.approx(7 / 8)
    assert figures["lax"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert figures["bead_types"]["1-1"] == {"gold": 7, "test": 9, "correct": 7}
    assert figures["per_document"]["relations.txt"]["f1"] == 1.0
    assert figures["per_document"]["trade.txt"]["lax_f1"] == 1.0


def test_batch_with_two_jobs_gives_the_same_output(run_cli, dirs, tmp_path):
    ja_dir, en_dir = dirs
    one, two = tmp_path / "one", tmp_path / "two"
    assert run_cli("batch", ja_dir, en_dir, one, "-j", "1", "-q")[0] == 0
    code, _, err = run_cli("batch", ja_dir, en_dir, two, "-j", "2", "-q", "--format", "beads")
    assert code == 0 and "warning: extra.txt" in err
    for name in DOCS:
        assert (two / name).read_text() == (one / name).read_text()


def test_batch_jsonl_and_combined_tmx(run_cli, dirs, tmp_path):
    ja_dir, en_dir = dirs
    out, tmx = tmp_path / "out", tmp_path / "all.tmx"
    code, _, err = run_cli("batch", ja_dir, en_dir, out, "--format", "jsonl", "--tmx", tmx, "-q", "-j", "1")
    assert code == 0
    assert "9 translation units in" in err
    records = [json.loads(line) for line in (out / "trade.txt").read_text(encoding="utf-8").splitlines()]
    assert [(r["src_text"], r["tgt_text"]) for r in records] == DOCS["trade.txt"]
    units = ET.parse(tmx).getroot().findall("body/tu")
    documents = {p.text for tu in units for p in tu.findall("prop") if p.get("type") == "x-document"}
    assert documents == set(DOCS)


def test_score_exit_code_on_missing_test_document(run_cli, dirs, tmp_path):
    ja_dir, _ = dirs
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, err = run_cli("score", ja_dir, empty)
    assert code == 2 and out == ""
    assert err.startswith("aligntm: error: ") and err.count("\n") == 1
    assert "have no test file" in err


def test_batch_refuses_zero_jobs(run_cli, dirs, tmp_path):
    ja_dir, en_dir = dirs
    code, _, err = run_cli("batch", ja_dir, en_dir, tmp_path / "out", "-j", "0")
    assert code == 2 and "at least 1" in err
    assert not (tmp_path / "out").exists()


def test_batch_refuses_to_overwrite_its_inputs(run_cli, dirs):
    ja_dir, en_dir = dirs
    before = (ja_dir / "trade.txt").read_bytes()
    code, _, _ = run_cli("batch", ja_dir, en_dir, ja_dir, "-q", "-j", "1")
    assert (ja_dir / "trade.txt").read_bytes() == before
    assert code == 2


# --- bad input --------------------------------------------------------------------------

def _bad_case(case: str, tmp_path: Path, ja: Path, en: Path) -> list:
    if case == "missing source":
        return [tmp_path / "missing.txt", en]
    if case == "empty file":
        (tmp_path / "empty.txt").write_bytes(b"")
        return [ja, tmp_path / "empty.txt"]
    if case == "binary file":
        (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10")
        return [tmp_path / "image.png", en]
    if case == "latin-1 file":
        (tmp_path / "latin1.txt").write_bytes("Café au lait. The résumé of the délégation.\n".encode("latin-1"))
        return [ja, tmp_path / "latin1.txt"]
    if case == "english declared ja":
        return [en, en, "-s", "ja"]
    if case == "directory as file":
        (tmp_path / "adir").mkdir()
        return [tmp_path / "adir", en]
    if case == "unsupported language":
        return [ja, en, "-s", "xx"]
    raise AssertionError(case)


BAD_CASES = ["missing source", "empty file", "binary file", "latin-1 file", "english declared ja",
             "directory as file", "unsupported language"]


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_input_exit_2_one_line_no_output(run_cli, pair, tmp_path, case):
    ja, en, _ = pair
    args = _bad_case(case, tmp_path, ja, en)
    out, tmx = tmp_path / "out.tsv", tmp_path / "memory.tmx"
    code, stdout, stderr = run_cli("align", *args, "-o", out, "--tmx", tmx)
    assert code == 2, stderr
    assert stdout == ""
    assert stderr.startswith("aligntm: error: ")
    assert stderr.count("\n") == 1, stderr
    no_leftovers(tmp_path, out, tmx)


@pytest.mark.parametrize("case", ["binary file", "english declared ja"])
def test_bad_input_in_a_real_process(run_aligntm, pair, tmp_path, case):
    # the real command: exit status, stderr and no traceback, as a shell sees them
    ja, en, _ = pair
    args = _bad_case(case, tmp_path, ja, en)
    out, tmx = tmp_path / "out.tsv", tmp_path / "memory.tmx"
    p = run_aligntm("align", *args, "-o", out, "--tmx", tmx)
    assert p.returncode == 2, p.stderr
    assert p.stdout == ""
    assert p.stderr.startswith("aligntm: error: ") and p.stderr.count("\n") == 1
    assert "Traceback" not in p.stderr
    no_leftovers(tmp_path, out, tmx)


def test_bad_input_messages_name_the_problem(run_cli, pair, tmp_path):
    ja, en, _ = pair
    assert "missing.txt: no such file" in run_cli("align", tmp_path / "missing.txt", en)[2]
    assert "unknown language code 'xx'" in run_cli("align", ja, en, "-s", "xx")[2]
    assert "unknown language code 'xx'" in run_cli("align", ja, en, "-t", "xx")[2]
    assert "expected Japanese text" in run_cli("align", en, en, "-s", "ja")[2]
    (tmp_path / "adir").mkdir()
    assert "is a directory" in run_cli("align", tmp_path / "adir", en)[2]


def test_output_in_a_missing_directory(run_cli, pair, tmp_path):
    ja, en, _ = pair
    out, tmx = tmp_path / "nodir" / "out.tsv", tmp_path / "memory.tmx"
    code, stdout, stderr = run_cli("align", ja, en, "-o", out, "--tmx", tmx)
    assert code == 2 and stdout == ""
    assert stderr.startswith("aligntm: error: ") and stderr.count("\n") == 1
    assert "nodir" in stderr
    no_leftovers(tmp_path, out, tmx, tmp_path / "nodir")


@pytest.mark.parametrize("which", ["-o", "--tmx"])
def test_output_equal_to_an_input(run_cli, pair, tmp_path, which):
    ja, en, _ = pair
    before = {p: p.read_bytes() for p in (ja, en)}
    other = tmp_path / ("memory.tmx" if which == "-o" else "out.tsv")
    target = en if which == "-o" else ja
    code, stdout, stderr = run_cli("align", ja, en, which, target, "--tmx" if which == "-o" else "-o", other)
    assert code == 2 and stdout == ""
    assert stderr.startswith("aligntm: error: ") and stderr.count("\n") == 1
    assert "overwrite an input" in stderr
    assert {p: p.read_bytes() for p in (ja, en)} == before
    no_leftovers(tmp_path, other)


def test_output_equal_to_an_input_through_another_spelling(run_cli, pair, tmp_path, monkeypatch):
    ja, en, _ = pair
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    before = en.read_bytes()
    code, _, err = run_cli("align", ja, en, "-o", f"./sub/../{en.name}")
    assert code == 2 and "overwrite" in err
    assert en.read_bytes() == before


def test_bad_tmx_path_leaves_no_output(run_cli, pair, tmp_path):
    ja, en, _ = pair
    out, tmx = tmp_path / "out.tsv", tmp_path / "nodir" / "memory.tmx"
    code, _, stderr = run_cli("align", ja, en, "-o", out, "--tmx", tmx)
    assert code == 2 and stderr.startswith("aligntm: error: ")
    no_leftovers(tmp_path, out, tmx)


def test_output_is_a_directory(run_cli, pair, tmp_path):
    ja, en, _ = pair
    (tmp_path / "outdir").mkdir()
    code, _, stderr = run_cli("align", ja, en, "-o", tmp_path / "outdir")
    no_leftovers(tmp_path)
    assert code == 2
    assert stderr.startswith("aligntm: error: ")


# --- help -------------------------------------------------------------------------------

def test_help(run_aligntm):
    p = run_aligntm("--help")
    assert p.returncode == 0 and p.stderr == ""
    for command in ("segment", "align", "batch", "score"):
        assert command in p.stdout


def test_align_help(run_cli):
    code, out, _ = run_cli("align", "--help")
    assert code == 0
    assert "--presegmented" in out and "--tmx" in out
    assert "aligntm align ja.txt en.txt -o pairs.tsv --tmx memory.tmx" in out


def test_no_command_is_a_usage_error(run_cli):
    code, out, err = run_cli()
    assert code == 2
    assert "usage: aligntm" in err


def test_the_command_ends_with_all_its_output_written_and_its_exit_code(run_cli, run_aligntm, corpus_dir):
    # cli.run ends the process without the interpreter's teardown: what main printed must all be
    # there, and the code must be main's
    args = ["align", corpus_dir / "ja.txt", corpus_dir / "en.txt", "--format", "jsonl"]
    code, out, _ = run_cli(*args)
    done = run_aligntm(*args)
    assert code == done.returncode == 0
    assert done.stdout == out and out.count("\n") > 50
    bad = run_aligntm("align", corpus_dir / "ja.txt", corpus_dir / "missing.txt")
    assert bad.returncode == 2 and bad.stderr.startswith("aligntm:") and bad.stderr.count("\n") == 1


@pytest.mark.parametrize("argv", [
    ["align", "a.txt", "b.txt", "-o", "x.tsv", "--tmx", "x.tmx", "-s", "ja"],
    ["align", "a.txt", "b.txt", "c.txt", "--pivot", "en", "--format", "jsonl"],
    ["batch", "s", "t", "o", "-j", "2", "-q"],
    ["score", "g", "t", "--json"],
    ["segment", "f.txt", "--clauses", "-l", "ja"],
])
def test_a_command_s_own_parser_reads_its_arguments_as_the_full_one(argv):
    from align import cli
    assert vars(cli.build_parser(argv[0]).parse_args(argv)) == vars(cli.build_parser().parse_args(argv))


@pytest.mark.parametrize("command", ["segment", "align", "batch", "score"])
def test_a_command_s_own_parser_has_the_full_one_s_help_and_errors(command, capsys, monkeypatch):
    from align import cli
    assert command in cli.OWN_COMMANDS
    monkeypatch.setenv("COLUMNS", "100")
    for argv in ([command, "--help"], [command], [command, "x", "y", "z", "w", "--bogus"]):
        seen = []
        for parser in (cli.build_parser(), cli.build_parser(command)):
            with pytest.raises(SystemExit) as exit:
                parser.parse_args(argv)
            seen.append((exit.value.code, capsys.readouterr()))
        assert seen[0] == seen[1] and (seen[0][1].out or seen[0][1].err)


def test_the_installed_aligntm_script_runs_a_command(corpus_dir, tmp_path):
    # the console script pip wrote from pyproject's [project.scripts] entry (align:run)
    import subprocess
    import sys
    script = Path(sys.executable).parent / "aligntm"
    if not script.exists():
        pytest.skip("aligntm is not installed beside this Python (pip install -e .)")
    done = subprocess.run([script, "align", corpus_dir / "ja.txt", corpus_dir / "en.txt", "--tmx",
                           tmp_path / "out.tmx", "-o", tmp_path / "out.tsv"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("aligntm: wrote ") and (tmp_path / "out.tsv").read_text().count("\n") > 50
