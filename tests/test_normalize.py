"""align.normalize: from text as extracted from a PDF to paragraphs.

The seed corpus ja.txt is the Japanese provisional translation exactly as extracted from its
PDF (a blank line after every line); en.txt is single-spaced with page numbers "- 2 -" and "3".
"""
from __future__ import annotations

import re

import pytest

from align.langs import get_language
from align.document import segment_text
from align.normalize import Paragraph, is_page_furniture, normalize

JA = get_language("ja")
EN = get_language("en")
FULL_WIDTH_NUMBERS = "１ ２ ３ ４ ５ ６ ７ ８ ９ １０ １１ １２ １３ １４ １５ １６ １７ １８ １９ ２０ ２１ ２２ ２３ ２４ ２５ ２６ ２７ ２８ ２９ ３０ ３１".split()


@pytest.fixture(scope="module")
def ja_paragraphs(corpus_dir) -> list[Paragraph]:
    return normalize((corpus_dir / "ja.txt").read_text(encoding="utf-8"), JA)


@pytest.fixture(scope="module")
def en_paragraphs(corpus_dir) -> list[Paragraph]:
    return normalize((corpus_dir / "en.txt").read_text(encoding="utf-8"), EN)


def _containing(paragraphs, fragment) -> Paragraph:
    found = [p for p in paragraphs if fragment in p.text]
    assert len(found) == 1, f"{fragment!r} in {len(found)} paragraphs"
    return found[0]


# --- the Japanese seed corpus -----------------------------------------------------------

def test_ja_corpus_is_double_spaced(corpus_dir):
    # the premise of the following tests: a blank line after every line of the PDF
    lines = (corpus_dir / "ja.txt").read_text(encoding="utf-8").split("\n")
    assert lines[1].startswith("日ラオス外交関係樹立 70 周年に際しての")
    assert lines[2] == ""


def test_ja_title_lines_are_joined(ja_paragraphs):
    title = ja_paragraphs[0]
    assert title.text == ("日ラオス外交関係樹立 70 周年に際しての"
                          "包括的・戦略的パートナーシップへの格上げに関する共同声明（和文仮訳）")


def test_ja_wrapped_sentence_joined_without_space(ja_paragraphs):
    p = _containing(ja_paragraphs, "2025 年 1 月 21 日から 23 日までの間")
    assert "日か ら" not in p.text and "日か\nら" not in p.text
    # the whole first paragraph, from its first line to its last, is one paragraph
    assert p.text.startswith("ソーンサイ・シーパンドン・ラオス人民民主共和国首相、ワンダラー・シーパンドン夫人及び代表団は")
    assert p.text.endswith("本共同声明を発出した。")
    assert p.kind == "text"


def test_ja_full_width_acronym_split_across_lines_is_rejoined(ja_paragraphs):
    p = _containing(ja_paragraphs, "第 44・45 回ＡＳＥＡＮ首脳会議")
    assert "ＡＳＥ ＡＮ" not in p.text and "ＡＳＥ\nＡＮ" not in p.text
    # the width is kept: no ASCII ASEAN appears in this paragraph
    assert "ASEAN" not in p.text


def test_ja_31_numbered_paragraphs_in_order(ja_paragraphs):
    numbered = [p for p in ja_paragraphs if p.kind == "numbered"]
    assert len(numbered) == 31
    assert [p.text.split(" ", 1)[0] for p in numbered] == FULL_WIDTH_NUMBERS
    assert numbered[0].text.startswith("１ 両首脳は、政府ハイレベル間の頻繁な往来")
    assert numbered[-1].text.startswith("３１ 両首脳は、2024 年 10 月のラオスにおける")
    # each numbered paragraph runs to the end of its last sentence, not into the next one
    for p in numbered:
        assert p.text.endswith("。"), p.text[-30:]
        assert "。２" not in p.text and "。３" not in p.text


def test_ja_numbered_paragraph_spans_several_lines(ja_paragraphs):
    p = _containing(ja_paragraphs, "１ 両首脳は、政府ハイレベル間の頻繁な往来")
    assert p.text == ("１ 両首脳は、政府ハイレベル間の頻繁な往来及び活発な議会・政党間交流を歓迎し、"
                      "二国間関係及び地域・国際場裡の協力を含め、政治・安全保障分野の協力を一層促進して"
                      "いくことで一致した。そのため、両首脳は、新たに外務次官級協議を立ち上げ、政治対話を"
                      "促進することで一致した。第 1 回会合の日時、開催地及び議題については今後外交ルートを"
                      "通じて議論される。")


@pytest.mark.parametrize("heading", ["政治・安全保障", "経済・社会分野の協力", "貿易・投資",
                                     "地域・国際社会における協力"])
def test_ja_headings_are_their_own_paragraphs(ja_paragraphs, heading):
    matches = [p for p in ja_paragraphs if p.text == heading]
    assert len(matches) == 1
    assert matches[0].kind == "heading"


def test_ja_heading_is_followed_by_the_first_numbered_paragraph(ja_paragraphs):
    texts = [p.text for p in ja_paragraphs]
    i = texts.index("貿易・投資")
    assert texts[i + 1].startswith("１０ 両首脳は、")
    assert texts[i - 1].startswith("９ 両首脳は、")
    assert texts[i - 1].endswith("協力を強化する意向を表明した。")


def test_ja_signature_block_columns_become_cells(ja_paragraphs):
    columns = [p.text for p in ja_paragraphs if p.kind == "columns"]
    assert columns == ["石破茂", "ソーンサイ・シーパンドン", "日本国内閣総理大臣", "ラオス人民民主共和国首相"]


def test_ja_characters_are_never_changed(corpus_dir, ja_paragraphs):
    # no page numbers in ja.txt: apart from whitespace, the paragraphs are exactly the input
    raw = (corpus_dir / "ja.txt").read_text(encoding="utf-8")
    assert re.sub(r"\s", "", "".join(p.text for p in ja_paragraphs)) == re.sub(r"\s", "", raw)
    # full-width digits stay full-width
    assert _containing(ja_paragraphs, "２０１５年以降").text.startswith("１０ ")
    assert not any("2015年以降" in p.text for p in ja_paragraphs)


def test_ja_paragraph_line_numbers(corpus_dir, ja_paragraphs):
    raw = (corpus_dir / "ja.txt").read_text(encoding="utf-8").split("\n")
    for p in ja_paragraphs:
        if p.kind != "columns":
            assert p.text.startswith(raw[p.line - 1].strip()), p


# --- the English seed corpus ------------------------------------------------------------

def test_en_end_of_line_hyphenation_is_undone(en_paragraphs):
    text = "\n".join(p.text for p in en_paragraphs)
    assert "relations of friendship and cooperation, which have been built" in text
    assert "his intention to further support" in text
    assert "the development of infrastructure." in text
    assert "investment opportunities and people-to-people exchanges" in text
    assert "coop-" not in text and "coop eration" not in text and "inten-" not in text


def test_en_page_numbers_are_dropped(en_paragraphs):
    texts = [p.text for p in en_paragraphs]
    assert "- 2 -" not in texts and "3" not in texts
    assert not any("- 2 -" in t for t in texts)
    p10 = _containing(en_paragraphs, "10. The two Prime Ministers appreciated")
    assert p10.text.endswith("through the promotion of investment by Japanese companies.")
    p23 = _containing(en_paragraphs, "23. The two Prime Ministers reaffirmed")
    assert p23.text.endswith("the United Nations Convention on the Law of the Sea (UNCLOS).")


def test_en_31_numbered_paragraphs(en_paragraphs):
    numbered = [p for p in en_paragraphs if p.kind == "numbered"]
    assert [p.text.split(" ", 1)[0] for p in numbered] == [f"{i}." for i in range(1, 32)]


def test_en_signature_block_and_headings(en_paragraphs):
    assert [p.text for p in en_paragraphs if p.kind == "columns"] == [
        "Ishiba Shigeru", "Sonexay Siphandone", "Prime Minister of Japan",
        "Prime Minister of the Lao People's Democratic Republic"]
    headings = {p.text for p in en_paragraphs if p.kind == "heading"}
    assert {"Political and Security", "Trade and Investment"} <= headings


def test_en_title_is_one_paragraph(en_paragraphs):
    assert en_paragraphs[0].text == (
        "Japan-Lao PDR Joint Statement on the Upgrade to a Comprehensive Strategic Partnership "
        "on the Occasion of the 70th Anniversary of the Establishment of Diplomatic Relations")


# --- synthetic cases --------------------------------------------------------------------

def test_en_compound_split_at_its_hyphen_keeps_the_hyphen():
    text = ("They underscored that the two countries are important partners in strengthening Japan-\n"
            "Mekong Cooperation and further strengthening the relationship of friendship and coop-\n"
            "eration between the two countries, including people-to-\n"
            "people exchanges.\n")
    [p] = normalize(text, EN)
    assert "strengthening Japan-Mekong Cooperation" in p.text
    assert "friendship and cooperation between" in p.text
    assert "including people-to-people exchanges." in p.text


def test_en_single_spaced_paragraphs_end_with_short_lines():
    text = (
        "The two Prime Ministers welcomed the frequent exchanges between high-level government\n"
        "officials and the active exchanges between parliaments and political parties, and\n"
        "concurred to further promote cooperation in the political and security fields. To this\n"
        "end, they concurred to launch a new dialogue.\n"
        "The two Prime Ministers concurred to work closely together toward the formulation and\n"
        "implementation of the 10th National Socio-Economic Development Plan of the Lao PDR.\n"
        "Prime Minister Ishiba expressed his intention to continue supporting the Lao PDR's\n"
        "efforts toward achieving the Sustainable Development Goals.\n"
        "Trade and Investment\n"
        "The two Prime Ministers appreciated that the number of Japanese companies operating\n"
        "in the Lao PDR has steadily increased since 2015.\n")
    paragraphs = normalize(text, EN)
    assert [(p.kind, p.line) for p in paragraphs] == [("text", 1), ("text", 5), ("heading", 9), ("text", 10)]
    assert paragraphs[0].text.endswith("political and security fields. To this end, they concurred to launch a new dialogue.")
    # a full-width line ending a sentence does not end the paragraph; the short one does
    assert paragraphs[1].text.startswith("The two Prime Ministers concurred to work closely")
    assert paragraphs[1].text.endswith("achieving the Sustainable Development Goals.")
    assert paragraphs[2].text == "Trade and Investment"


def test_ja_single_spaced_paragraphs_end_with_short_lines():
    text = ("両首脳は、政府ハイレベル間の頻繁な往来及び活発な議会・政党間交流を歓迎\n"
            "し、二国間関係及び地域・国際場裡の協力を含め、政治・安全保障分野の協力\n"
            "を一層促進していくことで一致した。\n"
            "両首脳は、ラオスにおける第１０次国家社会経済開発計画の策定と実践に向け緊\n"
            "密に連携していくことで一致した。\n"
            "貿易・投資\n"
            "両首脳は、２０１５年以降ラオスで活動する日系企業数が着実に増加し、日系企\n"
            "業がラオスの雇用拡大に貢献していることを評価した。\n")
    paragraphs = normalize(text, JA)
    assert [(p.kind, p.line) for p in paragraphs] == [("text", 1), ("text", 4), ("heading", 6), ("text", 7)]
    assert paragraphs[0].text == ("両首脳は、政府ハイレベル間の頻繁な往来及び活発な議会・政党間交流を歓迎し、"
                                  "二国間関係及び地域・国際場裡の協力を含め、政治・安全保障分野の協力を一層"
                                  "促進していくことで一致した。")
    assert paragraphs[1].text == "両首脳は、ラオスにおける第１０次国家社会経済開発計画の策定と実践に向け緊密に連携していくことで一致した。"


@pytest.mark.parametrize("page_number", ["- 2 -", "2", "Page 2 of 5", "－２－"])
def test_page_number_inside_a_sentence_is_dropped_and_the_sentence_joined(page_number):
    text = ("The two Prime Ministers concurred to promote the creation of investment opportunities\n"
            "and people-to-people exchanges through the opportunity of Expo 2025 Osaka, Kansai,\n"
            "\n"
            f"{page_number}\n"
            "\n"
            "Japan. They also expressed their hope for the realization of direct flights in the future.\n")
    [p] = normalize(text, EN)
    assert "Expo 2025 Osaka, Kansai, Japan. They also expressed" in p.text


def test_ja_page_number_after_a_particle_is_dropped_and_the_sentence_joined():
    # double-spaced like the seed corpus, the page break after the particle か of 日から
    text = ("ソーンサイ首相及び代表団は、日ラオス外交関係樹立 70 周年を記念して、2025 年 1 月 21 日か\n\n"
            "－２－\n\n"
            "ら 23 日までの間、実務訪問賓客として日本を訪問した。\n\n"
            "２ 両首脳は、２０２５年の協力を歓迎した。\n")
    paragraphs = normalize(text, JA)
    assert [p.text for p in paragraphs] == [
        "ソーンサイ首相及び代表団は、日ラオス外交関係樹立 70 周年を記念して、2025 年 1 月 21 日から 23 日までの間、"
        "実務訪問賓客として日本を訪問した。",
        "２ 両首脳は、２０２５年の協力を歓迎した。"]
    assert paragraphs[1].kind == "numbered"


@pytest.mark.parametrize("before, after, joined", [
    # the line before a page break is a full line of the page, as in a real PDF
    ("両国間の協力関係を一層強化し、地域の平和と安定に貢献していくことで一", "致した。",
     "両国間の協力関係を一層強化し、地域の平和と安定に貢献していくことで一致した。"),
    ("両首脳は、2024 年 10 月のラオス・ビエンチャンにおける第 44・45 回ＡＳＥ", "ＡＮ首脳会議の成功を歓迎した。",
     "両首脳は、2024 年 10 月のラオス・ビエンチャンにおける第 44・45 回ＡＳＥＡＮ首脳会議の成功を歓迎した。"),
], ids=["mid-word", "mid-acronym"])
def test_ja_page_number_inside_a_word_is_dropped(before, after, joined):
    text = ("両首脳は、水棲生物資源の科学的根拠に基づく持続可能な利用の実現に向け、\n\n"
            f"{before}\n\n－２－\n\n{after}\n\n各分野の協力の詳細は付属文書にて記載する。\n")
    without_page_number = text.replace("\n\n－２－\n\n", "\n\n")
    assert [p.text for p in normalize(without_page_number, JA)][0].endswith(joined)  # the premise
    assert [p.text for p in normalize(text, JA)][0].endswith(joined)


def test_en_page_number_between_blank_lines_inside_a_sentence():
    text = ("The two Prime Ministers concurred to promote the creation of investment opportunities\n"
            "and people-to-people exchanges through the opportunity of Expo 2025 Osaka\n"
            "\n- 2 -\n\n"
            "Kansai, Japan. They also expressed their hope for the realization of direct flights.\n")
    paragraphs = normalize(text, EN)
    assert len(paragraphs) == 1
    assert "Expo 2025 Osaka Kansai, Japan." in paragraphs[0].text


def _paged(header: str | None, pages: list[str]) -> str:
    out = []
    for n, body in enumerate(pages, 1):
        if header:
            out.append(header)
        out.append(body)
        out += ["", f"- {n} -", ""]
    return "\n".join(out)


PAGES = [
    "The two Prime Ministers welcomed the frequent exchanges between high-level government\n"
    "officials and the active exchanges between parliaments and political parties.",
    "The two Prime Ministers concurred to work closely together toward the formulation and\n"
    "implementation of the 10th National Socio-Economic Development Plan of the Lao PDR.",
    "Prime Minister Ishiba expressed his intention to continue supporting the Lao PDR's\n"
    "efforts toward achieving the Sustainable Development Goals.",
]


def test_running_headers_are_removed():
    paragraphs = normalize(_paged("Japan-Lao PDR Joint Statement", PAGES), EN)
    assert [p.text for p in paragraphs] == [" ".join(page.split("\n")) for page in PAGES]


def test_repeated_line_without_page_numbers_is_kept():
    text = _paged("Japan-Lao PDR Joint Statement", PAGES)
    text = "\n".join(line for line in text.split("\n") if not is_page_furniture(line) or not line.strip())
    paragraphs = normalize(text, EN)
    assert sum(p.text.startswith("Japan-Lao PDR Joint Statement") for p in paragraphs) == 3


@pytest.mark.parametrize("line, furniture", [
    ("- 2 -", True), ("3", True), ("－１２－", True), ("Page 3 of 10", True), ("3 / 10", True),
    ("(3)", True), ("１２", True),
    ("1. The two Prime Ministers", False), ("70th anniversary", False), ("第１回", False),
])
def test_is_page_furniture(line, furniture):
    assert is_page_furniture(line) is furniture


def test_full_width_digits_and_letters_stay_full_width():
    text = "１０ 両首脳は、２０１５年以降のＡＳＥＡＮとＳＤＧｓの協力を評価した。\n"
    [p] = normalize(text, JA)
    assert p.text == text.strip()
    assert p.kind == "numbered"


def test_empty_text_gives_no_paragraphs():
    assert normalize("\n\n  \n- 1 -\n", EN) == []


def test_a_justified_line_scattered_word_by_word_is_put_back_together():
    # pdftotext, on a line stretched around a long word: one word per block between blank lines
    text = ("Daibirushana Jobutsu Jinbenkaji-kyo Sutra, which is also called Birushanakyo Sutra or\n"
            "Dainichi-kyo Sutra, refers to Esoteric Buddhist scriptures that are considered to have\n"
            "been established in or around the period of the seventh through eighth centuries. This\n"
            "sutra was translated into Chinese in 724 by Zenmui, who came to Tang from India, and by\n"
            "learned priests who pursued their studies in Tang under the emperor of that time.\n"
            "It was also translated into Tibetan in 812 by Silendrabodhi and dPal brTsegs, the\n"
            "translators of the royal court. However, the original Sanskrit text has not been found.\n"
            "The\n\nSanskrit\n\ntitle\n\nin\n\nTibetan\n\nretranslated\n\ninto\n\nSanskrit\n\n"
            "is as follows, in the form the Tibetan canon gives for the sutras of that collection.\n\n"
            "This sutra consisted of two parts.\n")
    sentences = [s.text for s in segment_text(text, "en")]
    assert "The Sanskrit title in Tibetan retranslated into Sanskrit is as follows, in the form the Tibetan " \
           "canon gives for the sutras of that collection." in sentences
    assert sentences[-1] == "This sutra consisted of two parts."


def test_short_headings_between_blank_lines_stay_apart():
    text = ("The shrines of the region are many and old, and the families that served them are known.\n\n"
            "Buddhism\n\nShinto\n\nUsa-jingu Shrine\n\nHakozaki-gu Shrine\n\n"
            "Each of them keeps records of its priests going back to the tenth century at least.\n")
    assert [s.text for s in segment_text(text, "en")][1:5] == [
        "Buddhism", "Shinto", "Usa-jingu Shrine", "Hakozaki-gu Shrine"]


def test_ja_heading_before_a_line_starting_with_a_number():
    # pdftotext of a kyoto-dev biography: the heading 生涯 and a paragraph whose first line starts
    # with a year, no blank line between them. A Latin word or number is unbreakable only up to
    # its last ASCII character: 1420 would have fitted after 生涯, so the line break was a
    # paragraph end (taking the whole line up to a space as one word glued the heading on).
    text = ("代表作は、「山水長巻」「夏冬山水図」「天橋立図」「破墨山水」「慧可断臂の図」「秋冬山水」などがある。弟子に、\n"
            "秋月、宗淵、等春らがいる。\n\n"
            "生涯\n"
            "1420年備中国赤浜（現在の岡山県総社市）に生まれる。生家は小田氏という武家とされてい\n"
            "る。\n")
    assert JA.first_unbreakable("1420年備中国赤浜") == "1420"
    assert JA.first_unbreakable("ASEAN諸国との") == "ASEAN"
    assert JA.first_unbreakable("、とともに") == "、"
    sentences = [s.text for s in segment_text(text, "ja")]
    assert "生涯" in sentences
    assert "1420年備中国赤浜（現在の岡山県総社市）に生まれる。" in sentences
