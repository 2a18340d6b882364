"""Sentence segmentation (ja, en), Japanese clause split points, language detection."""
from __future__ import annotations

import pytest

from align.document import segment_text
from align.errors import InputError
from align.langs import check_language, detect_language, get_language
from align.langs.ja import Japanese

JA = get_language("ja")
EN = get_language("en")


def ja_sentences(paragraph, kind="text"):
    return [s.text for s in JA.segment(paragraph, kind)]


def en_sentences(paragraph, kind="text"):
    return [s.text for s in EN.segment(paragraph, kind)]


# --- Japanese sentences -----------------------------------------------------------------

def test_ja_splits_at_kuten():
    # seed corpus, numbered paragraph 30 and the closing sentence of paragraph 1
    paragraph = ("１ 両首脳は、政府ハイレベル間の頻繁な往来及び活発な議会・政党間交流を歓迎し、政治・安全保障分野の"
                 "協力を一層促進していくことで一致した。そのため、両首脳は、新たに外務次官級協議を立ち上げ、政治対話を"
                 "促進することで一致した。第 1 回会合の日時、開催地及び議題については今後外交ルートを通じて議論される。")
    assert ja_sentences(paragraph) == [
        "１ 両首脳は、政府ハイレベル間の頻繁な往来及び活発な議会・政党間交流を歓迎し、政治・安全保障分野の"
        "協力を一層促進していくことで一致した。",
        "そのため、両首脳は、新たに外務次官級協議を立ち上げ、政治対話を促進することで一致した。",
        "第 1 回会合の日時、開催地及び議題については今後外交ルートを通じて議論される。"]


def test_ja_exclamation_and_question_marks():
    assert ja_sentences("本当か！？そうだ！次は何？最後。") == ["本当か！？", "そうだ！", "次は何？", "最後。"]


@pytest.mark.parametrize("closer", ["」", "）", "』"])
def test_ja_closing_bracket_after_the_end_stays_with_the_sentence(closer):
    # a paragraph that starts inside a quotation (its opening bracket was on an earlier page)
    assert ja_sentences(f"そうだった。{closer}次の文だ。") == [f"そうだった。{closer}", "次の文だ。"]


def test_ja_never_splits_inside_quotes():
    assert ja_sentences("彼は「行く。すぐに。」と言った。次の文。") == ["彼は「行く。すぐに。」と言った。", "次の文。"]


def test_ja_never_splits_inside_parentheses():
    assert ja_sentences("会議（第１回。東京）が開かれた。次だ。") == ["会議（第１回。東京）が開かれた。", "次だ。"]
    assert ja_sentences("会議(第１回。東京)が開かれた。次だ。") == ["会議(第１回。東京)が開かれた。", "次だ。"]


def test_ja_nested_brackets():
    text = "両首脳は、「次世代共創パートナーシップ（文化。交流）。」等を通じた交流を確認した。以上。"
    assert ja_sentences(text) == ["両首脳は、「次世代共創パートナーシップ（文化。交流）。」等を通じた交流を確認した。", "以上。"]


def test_ja_unterminated_last_sentence_is_kept():
    assert ja_sentences("両首脳は一致した。各分野の協力の詳細は付属文書にて記載する") == [
        "両首脳は一致した。", "各分野の協力の詳細は付属文書にて記載する"]


@pytest.mark.parametrize("kind", ["heading", "columns"])
def test_ja_heading_paragraph_is_one_segment(kind):
    assert ja_sentences("政治・安全保障", kind) == ["政治・安全保障"]
    assert ja_sentences("注意。以下を参照。", kind) == ["注意。以下を参照。"]


def test_ja_segment_keeps_the_paragraph_kind():
    [s] = JA.segment("貿易・投資", "heading")
    assert s.kind == "heading"
    assert {s.kind for s in JA.segment("１０ 両首脳は評価した。また確認した。", "numbered")} == {"numbered"}


def test_ja_corpus_sentences(corpus_dir):
    sentences = segment_text((corpus_dir / "ja.txt").read_text(encoding="utf-8"), "ja")
    texts = [s.text for s in sentences]
    assert "両首脳は、1955 年の外交関係樹立以来 70 年の長きにわたり、相互の信頼と理解に基づき築かれてきた二国間の友好協力関係を高く評価した。" in texts
    assert "政治・安全保障" in texts
    # every sentence of the numbered paragraphs ends with 。 (nothing cut in the middle)
    numbered = [s for s in sentences if s.kind == "numbered"]
    assert len(numbered) > 31
    for s in numbered:
        assert s.text.endswith("。"), s.text
        assert s.text.count("。") == 1, s.text


# --- Japanese clause split points -------------------------------------------------------

@pytest.mark.parametrize("sentence, after", [
    ("両首脳は、両国間の議会交流を歓迎し、友好議員連盟や地方議会を含むこれらの交流の更なる強化への期待を表明した。",
     ["を歓迎し、"]),
    ("両首脳は、過去 70 年にわたる両国国民同士の交流の歴史を両国の貴重な財産として評価し、未来に向け、両国の若い世代間の絆を"
     "構築していくことの重要性を強調した。",
     ["として評価し、", "未来に向け、"]),
    ("両首脳は、対話の深化を歓迎するとともに、両国の課題について意思疎通を深めることで一致した。",
     ["歓迎するとともに、"]),
])
def test_ja_clause_split_points(sentence, after):
    points = Japanese().split_points(sentence)
    assert len(points) == len(after)
    for point, ending in zip(points, after):
        assert sentence[:point].endswith(ending)
    # the topic comma 両首脳は、 is not a clause boundary
    assert all(not sentence[:p].endswith("両首脳は、") for p in points)


def test_ja_split_points_are_offsets_into_the_original_text():
    # ㈱ folds to three characters and ﾄﾞ, ﾊﾞ (half-width with voiced mark) to one each: the offset
    # must still point just after 歓迎し、 in the text as given
    sentence = "㈱ﾄﾞｺﾓﾊﾞﾝｸは、新しい事業の開始を歓迎し、両国の協力を一層強化することを確認した。"
    [point] = Japanese().split_points(sentence)
    assert sentence[:point].endswith("開始を歓迎し、")
    assert sentence[point:].startswith("両国の協力")


def test_ja_split_points_with_full_width_characters_before():
    sentence = "１ 両首脳は、ＡＳＥＡＮ首脳会議の開催を歓迎し、２０２５年の協力を確認した。"
    [point] = Japanese().split_points(sentence)
    assert sentence[:point] == "１ 両首脳は、ＡＳＥＡＮ首脳会議の開催を歓迎し、"


@pytest.mark.parametrize("sentence", ["歓迎し、確認した。", "雨が降り、寒い。", "評価し、一致した。"])
def test_ja_no_split_points_in_short_sentences(sentence):
    assert Japanese().split_points(sentence) == ()


def test_ja_split_fractions_match_points():
    sentence = "両首脳は、両国間の議会交流を歓迎し、友好議員連盟や地方議会を含むこれらの交流の更なる強化への期待を表明した。"
    f = JA.sentence_features(sentence)
    assert f.split_points == Japanese().split_points(sentence)
    [fraction] = f.split_fractions
    assert fraction == pytest.approx(f.split_points[0] / len(sentence))


# --- English sentences ------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("H.E. Mr. Ishiba Shigeru, Prime Minister of Japan, met Mr. Sonexay.",
     ["H.E. Mr. Ishiba Shigeru, Prime Minister of Japan, met Mr. Sonexay."]),
    ("The U.S. delegation arrived. It left.", ["The U.S. delegation arrived.", "It left."]),
    ("No. 5 was adopted.", ["No. 5 was adopted."]),
    ("Use e.g. this one.", ["Use e.g. this one."]),
    ("J. R. R. Tolkien wrote.", ["J. R. R. Tolkien wrote."]),
    ("It rose 3.5 percent. Then it fell.", ["It rose 3.5 percent.", "Then it fell."]),
    ('He said "Yes." Then he left.', ['He said "Yes."', "Then he left."]),
    ("1. The two Prime Ministers agreed.", ["1. The two Prime Ministers agreed."]),
    ("10. The two Prime Ministers agreed. They also noted it.",
     ["10. The two Prime Ministers agreed.", "They also noted it."]),
    ("Dr. Smith came. Mr. Jones left! Why? Nobody knows.",
     ["Dr. Smith came.", "Mr. Jones left!", "Why?", "Nobody knows."]),
    ("They met in Jan. 2025 in Tokyo.", ["They met in Jan. 2025 in Tokyo."]),
    ("It was agreed (see above.) The end.", ["It was agreed (see above.)", "The end."]),
])
def test_en_sentences(text, expected):
    assert en_sentences(text) == expected


def test_en_lower_case_after_period_is_not_a_new_sentence():
    assert en_sentences("The figure was approx. three. and more.") == ["The figure was approx. three. and more."]


def test_en_heading_is_one_segment():
    assert en_sentences("Trade and Investment. Annex.", "heading") == ["Trade and Investment. Annex."]


def test_en_corpus_sentences(corpus_dir):
    texts = [s.text for s in segment_text((corpus_dir / "en.txt").read_text(encoding="utf-8"), "en")]
    assert ("H.E. Mr. Ishiba Shigeru, Prime Minister of Japan, and Prime Minister Sonexay, in light of the progress "
            "of cooperation in all fields of bilateral relations over the past 70 years,") in " ".join(texts)
    assert any(t.startswith("H.E. Mr. Ishiba Shigeru, Prime Minister of Japan, and Prime Minister Sonexay,")
               and t.endswith("at the Japan-Laos Summit Meeting on 21 January 2025.") for t in texts)
    assert "1. The two Prime Ministers welcomed the frequent exchanges between high-level government officials" \
        in " ".join(texts)
    assert not any(t in {"1.", "10.", "H.E.", "Mr."} for t in texts)


# --- language detection -----------------------------------------------------------------

def test_detect_japanese_with_latin_acronyms():
    text = "両首脳は、ASEAN、AOIP、FOIP、AZEC、LDC、UNCLOS、CEAPAD 及び JICA に関して一致した。"
    assert detect_language(text) == "ja"


def test_detect_japanese_corpus_and_english_corpus(corpus_dir):
    assert detect_language((corpus_dir / "ja.txt").read_text(encoding="utf-8")) == "ja"
    assert detect_language((corpus_dir / "en.txt").read_text(encoding="utf-8")) == "en"


def test_detect_english_quoting_a_japanese_word():
    assert detect_language("The two Prime Ministers visited Kyoto (京都) and discussed cooperation.") == "en"


@pytest.mark.parametrize("text", ["12345 67890 !!! ---", "２０２５ １２３", "- 2 -\n3\n"])
def test_detect_refuses_text_without_letters(text):
    with pytest.raises(InputError, match="cannot tell the language") as e:
        detect_language(text, "numbers.txt")
    assert "numbers.txt" in str(e.value)


def test_check_language_refuses_english_declared_as_japanese(corpus_dir):
    with pytest.raises(InputError, match="expected Japanese") as e:
        check_language((corpus_dir / "en.txt").read_text(encoding="utf-8"), "ja", "en.txt")
    assert "en.txt" in str(e.value)


def test_check_language_refuses_japanese_declared_as_english(corpus_dir):
    with pytest.raises(InputError, match="expected English"):
        check_language((corpus_dir / "ja.txt").read_text(encoding="utf-8"), "en", "ja.txt")


def test_check_language_accepts_the_right_languages(corpus_dir):
    check_language((corpus_dir / "ja.txt").read_text(encoding="utf-8"), "ja")
    check_language((corpus_dir / "en.txt").read_text(encoding="utf-8"), "en")


@pytest.mark.parametrize("code, expected", [("ja", "ja"), ("ja-JP", "ja"), ("EN_us", "en"), ("en", "en")])
def test_get_language_accepts_locales(code, expected):
    assert get_language(code).code == expected


def test_get_language_refuses_unknown_codes():
    with pytest.raises(InputError, match="unknown language code 'xx'"):
        get_language("xx")
