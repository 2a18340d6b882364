"""Match percentages as CAT tools compute them, on hand-made cases, and the marked differences."""
import pytest

from tm import params
from tm.match import count_units, differences, find_term, marked, match_form, matching_unit, percentage, tokenize


def pct(a, b, lang):
    return percentage(tokenize(a, lang), tokenize(b, lang))


def test_matching_unit_by_language_and_locale():
    assert matching_unit("ja") == matching_unit("ja-JP") == matching_unit("JA_jp") == "char"
    assert matching_unit("lo") == matching_unit("lo-LA") == matching_unit("zh-Hant-TW") == "char"
    assert matching_unit("en") == matching_unit("en-GB") == matching_unit("fr") == "word"


def test_identical_is_100_and_formatting_only_is_99():
    ja = "ＡＳＥＡＮとの協力を強化する。"
    assert pct(ja, ja, "ja") == 100
    assert pct(ja, "ASEAN との協力を強化する。", "ja") == params.FORMATTING_ONLY == 99   # width and a space
    assert pct("The meeting was held.", "the  meeting was held.", "en") == 99            # case and spacing
    assert pct("ｶﾞｲﾄﾞ", "ガイド", "ja") == 99                                              # half-width kana


def test_japanese_is_compared_by_characters():
    a = "日本とラオスは外交関係樹立七十周年を迎えた。"      # 22 characters
    b = "日本とラオスは外交関係樹立六十周年を迎えた。"      # one character differs
    assert len(tokenize(a, "ja")) == 22
    assert pct(a, b, "ja") == 95                            # floor(100 * (1 - 1/22)) = 95
    c = "日本とラオスは外交関係樹立七十周年を祝った。"      # two characters differ
    assert pct(a, c, "ja") == 90                            # floor(100 * 20/22) = 90


def test_english_is_compared_by_words_and_punctuation_marks():
    a = "The two leaders confirmed the strategic partnership between the countries."
    assert len(tokenize(a, "en")) == 11                     # 10 words and the full stop
    b = "The two leaders confirmed the comprehensive partnership between the countries."
    assert pct(a, b, "en") == 90                            # one word in 11 units: floor(90.9)
    c = "The two leaders confirmed the strategic partnership between the countries"
    assert pct(a, c, "en") == 90                            # the full stop is a unit too
    # a word changed costs the same whatever its length, unlike a character distance
    d = "The two leaders confirmed the strategic partnership between both countries."
    assert pct(a, d, "en") == 90


def test_longer_side_is_the_denominator():
    assert pct("会議は東京で開かれた。", "会議は東京で開かれた。そして閉会した。", "ja") == \
        int(100 * (1 - 8 / 19))                               # 8 extra characters out of 19


def test_fuzzy_matches_never_reach_99():
    long = "あ" * 150 + "い" * 49
    changed = "あ" * 150 + "い" * 48 + "う"                   # 1 edit in 199 characters: 99.5%
    assert pct(long, changed, "ja") == params.FUZZY_CAP == 98


def test_differences_are_spans_of_the_original_texts():
    query = "The second meeting was held in Vientiane."
    memory = "The third meeting was held  in Vientiane"
    q, m = tokenize(query, "en"), tokenize(memory, "en")
    diffs = differences(q, m)
    assert [(d.op, memory[slice(*d.match)], query[slice(*d.query)]) for d in diffs] == [
        ("replace", "third", "second"), ("insert", "", ".")]
    assert marked(memory, query, diffs) == "The [-third-]{+second+} meeting was held  in Vientiane{+.+}"


def test_differences_in_full_width_text_point_at_the_stored_characters():
    query = "外交関係樹立７０周年を迎えた。"
    memory = "外交関係樹立60周年を迎えた。"
    q, m = tokenize(query, "ja"), tokenize(memory, "ja")
    diffs = differences(q, m)
    assert len(diffs) == 1 and diffs[0].op == "replace"
    assert memory[slice(*diffs[0].match)] == "6" and query[slice(*diffs[0].query)] == "７"
    assert marked(memory, query, diffs) == "外交関係樹立[-6-]{+７+}0周年を迎えた。"
    assert pct(query, memory, "ja") == 93                   # 1 of 15 characters after folding


def test_no_differences_for_a_formatting_only_match():
    q, m = tokenize("ＡＳＥＡＮ首脳会議", "ja"), tokenize("ASEAN 首脳会議", "ja")
    assert differences(q, m) == []


def test_match_form_and_counts():
    assert match_form("ＡＳＥＡＮ 首脳　会議", "ja") == "asean首脳会議"
    assert match_form("The  U.S.  side", "en") == "the u . s . side"
    assert count_units("ＡＳＥＡＮ 首脳　会議", "ja") == 9          # characters, spaces left out
    assert count_units("The U.S. side agreed, twice.", "en") == 6   # words: The U S side agreed twice


@pytest.mark.parametrize("term,text,lang,found", [
    ("パートナーシップ", "包括的・戦略的パートナーシップを確認した。", "ja", ["パートナーシップ"]),
    ("ASEAN", "ＡＳＥＡＮとの協力", "ja", ["ＡＳＥＡＮ"]),
    ("partner", "A strategic Partnership and a partner.", "en", ["Partnership", "partner"]),
    ("strategic partnership", "the Strategic  Partnership", "en", ["Strategic  Partnership"]),
    ("art", "We start the art.", "en", ["art"]),
    ("会議", "首脳会談", "ja", []),
])
def test_find_term(term, text, lang, found):
    assert [text[s:e] for s, e in find_term(term, text, lang)] == found
