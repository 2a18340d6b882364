"""Anchors: numbers, months, acronyms and names, as keys that compare across scripts."""
from __future__ import annotations

import pytest

from align.anchors import fold_romaji, hepburn, japanese_number, name_keys
from align.langs.en import English
from align.langs.ja import Japanese

JA = Japanese()
EN = English()


def ja(text):
    return JA.sentence_features(text)


def en(text):
    return EN.sentence_features(text)


def hard_numbers(features):
    return {k for k in features.hard if k[:2] in ("n:", "m:")}


# --- numbers ----------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["外交関係樹立70周年", "外交関係樹立 70 周年", "外交関係樹立７０周年", "外交関係樹立七十周年"])
def test_ja_seventy_in_every_script(text):
    assert ja(text).hard == {"n:70": 1}


def test_en_seventy():
    assert en("the 70th anniversary").hard["n:70"] == 1
    assert en("over the past 70 years").hard["n:70"] == 1
    assert en("seventy years").hard["n:70"] == 1


def test_ja_positional_kanji_year():
    assert ja("二〇二五年に").hard == {"n:2025": 1}


def test_ordinals_44th():
    assert ja("第４４回首脳会議").hard == {"n:44": 1}
    assert ja("第 44・45 回ＡＳＥＡＮ首脳会議").hard == {"n:44": 1, "n:45": 1, "a:ASEAN": 1}
    assert en("the 44th and 45th ASEAN Summits").hard == {"n:44": 1, "n:45": 1, "a:ASEAN": 1}


@pytest.mark.parametrize("text, lang", [
    ("2025年1月21日に訪問した", "ja"),
    ("2025 年 1 月 21 日の日ラオス首脳会談", "ja"),
    ("２０２５年１月２１日", "ja"),
    ("on 21 January 2025", "en"),
    ("on January 21, 2025", "en"),
    ("on 21 Jan. 2025", "en"),
])
def test_dates_share_year_month_day(text, lang):
    f = ja(text) if lang == "ja" else en(text)
    assert hard_numbers(f) == {"n:2025", "m:1", "n:21"}


def test_ja_month_is_not_a_number():
    f = ja("2024 年 10 月のラオス")
    assert f.hard == {"n:2024": 1, "m:10": 1}
    assert en("in October 2024").hard == {"n:2024": 1, "m:10": 1}


@pytest.mark.parametrize("text, year", [("令和7年に", 2025), ("令和元年に", 2019), ("平成27年", 2015),
                                        ("昭和30年の外交関係樹立", 1955)])
def test_ja_modern_era_years(text, year):
    f = ja(text)
    assert f.hard[f"n:{year}"] == 1
    assert not any(k in f.hard or k in f.soft for k in ("n:7", "n:1", "n:27", "n:30"))


def test_ja_historical_era_year_is_no_anchor():
    f = ja("応永27年に建てられた")
    assert "n:27" not in f.hard and "n:27" not in f.soft


@pytest.mark.parametrize("text", ["これで十分だ", "千葉県を訪問した", "十分に協議した"])
def test_ja_kanji_numerals_in_words_are_no_numbers(text):
    f = ja(text)
    assert not any(k.startswith("n:") for k in list(f.hard) + list(f.soft))


def test_ja_mixed_numeral():
    assert ja("3億5千万円の支援").hard == {"n:350000000": 1}


@pytest.mark.parametrize("text, lang", [("70%の増加", "ja"), ("７０％の増加", "ja"), ("70%", "en"),
                                        ("70 percent", "en")])
def test_percentages(text, lang):
    f = ja(text) if lang == "ja" else en(text)
    assert f.hard == {"n:70": 1}


def test_thousands_separator_and_scale_words():
    assert en("1,000 people").hard == {"n:1000": 1}
    assert ja("1,000人").hard == {"n:1000": 1}
    assert en("3 million yen").hard == {"n:3000000": 1}
    assert "n:3" not in en("3 million yen").soft
    assert en("two hundred").hard == {"n:200": 1}


def test_small_numbers_are_soft():
    f = ja("これまで 3 回実施された")
    assert f.soft["n:3"] == 1 and "n:3" not in f.hard
    f = en("which has been held 3 times so far")
    assert f.soft["n:3"] == 1 and "n:3" not in f.hard
    f = en("the two Prime Ministers")
    assert f.soft["n:2"] == 1 and not f.hard
    assert ja("二国間関係").soft["n:2"] == 1
    assert en("on 3 May 2024").soft["n:3"] == 1


def test_ten_is_hard():
    assert ja("過去10年間").hard["n:10"] == 1
    assert en("over the past 10 years").hard["n:10"] == 1


# --- months -----------------------------------------------------------------------------

def test_english_may_is_a_month_only_next_to_a_number():
    assert en("on 3 May 2024").hard["m:5"] == 1
    assert en("in May 2024").hard["m:5"] == 1
    assert "m:5" not in en("They may agree.").hard
    assert "m:5" not in en("May they agree?").hard


# --- acronyms ---------------------------------------------------------------------------

def test_full_width_and_ascii_acronyms_are_the_same_key():
    assert ja("ＡＳＥＡＮ首脳会議").hard == {"a:ASEAN": 1}
    assert ja("ASEAN首脳会議").hard == {"a:ASEAN": 1}
    assert en("the ASEAN Summit").hard == {"a:ASEAN": 1}


@pytest.mark.parametrize("text", ["SDGsの達成", "ＳＤＧｓの達成"])
def test_ja_plural_acronym(text):
    assert ja(text).hard == {"a:SDG": 1}


def test_en_plural_acronym():
    assert en("the Sustainable Development Goals (SDGs)").hard == {"a:SDG": 1}


def test_slash_separated_acronyms():
    assert ja("災害救援(HA/DR)に資する").hard == {"a:HA": 1, "a:DR": 1}
    assert en("disaster relief (HA/DR)").hard == {"a:HA": 1, "a:DR": 1}


def test_all_capitals_heading_has_no_acronyms():
    assert en("POLITICAL AND SECURITY COOPERATION").hard == {}
    assert en("COOPERATION IN THE REGIONAL AND INTERNATIONAL ARENA").hard == {}


@pytest.mark.parametrize("text, found", [
    ("ABCDEFGH ijkl", []),                 # 8 capitals of 12 letters: a heading
    ("ABCDEFG hijkl", ["a:ABCDEFG"]),      # 7 of 12: not
    ("ABCDEFGH ijklmn", ["a:ABCDEFGH"]),   # 8 of 14: not
    ("ASEAN JAPAN", ["a:ASEAN", "a:JAPAN"]),   # 10 letters: too few to tell
    ("the ASEAN summit", ["a:ASEAN"]),
])
def test_a_heading_is_told_by_its_share_of_capitals(text, found):
    from align import anchors
    assert anchors.acronyms(text) == found


def test_roman_numerals_are_no_acronyms():
    f = en("after World War II")
    assert "a:II" not in f.hard
    assert not any(k.startswith("a:") for k in f.hard)


def test_acronym_with_digits_inside():
    assert en("the AOIP and the COVID19 response").hard["a:COVID19"] == 1
    assert ja("ＣＯＶＩＤ１９への対応").hard["a:COVID19"] == 1


def test_acronym_g7():
    assert en("the G7 summit").hard["a:G7"] == 1
    assert ja("Ｇ７サミット").hard["a:G7"] == 1


# --- names ------------------------------------------------------------------------------

@pytest.mark.parametrize("ja_text, en_text, key", [
    ("石破総理大臣", "Prime Minister Ishiba", "w:ishiba"),
    ("京都を訪問した", "visited Kyoto", "w:kyoto"),
    ("京都を訪問した", "visited Kyōto", "w:kyoto"),
    ("雪舟の作品", "works by Sesshu", "w:sesshu"),
    ("ラオスとの関係", "relations with Laos", "w:lao"),
    ("ビエンチャンにおける", "in Vientiane", "w:vientiane"),
])
def test_names_give_the_same_key_on_both_sides(ja_text, en_text, key):
    j, e = ja(ja_text), en(en_text)
    assert j.soft[key] >= 1
    assert e.soft[key] >= 1
    assert key not in j.hard and key not in e.hard  # names are soft anchors


def test_lao_pdr_gives_the_laos_key():
    assert en("the Lao PDR").soft["w:lao"] == 1


def test_japanese_features_length_ignores_spaces():
    assert ja("２０２５ 年 １ 月").length == len("2025年1月")


# --- unit helpers -----------------------------------------------------------------------

@pytest.mark.parametrize("numeral, value", [
    ("七十", 70), ("十", 10), ("二十一", 21), ("百二十三", 123), ("千", 1000), ("一万", 10000),
    ("二〇二五", 2025), ("二千二十五", 2025), ("3億5千万", 350_000_000), ("1万2000", 12000),
    ("千二百万", 12_000_000), ("五千億", 500_000_000_000), ("2025", 2025), ("3.5", 3.5),
    ("1,000", 1000), ("〇", 0),
])
def test_japanese_number(numeral, value):
    assert japanese_number(numeral) == value


@pytest.mark.parametrize("text", ["", "abc", "十分", "千葉", "七十年"])
def test_japanese_number_refuses_non_numerals(text):
    assert japanese_number(text) is None


@pytest.mark.parametrize("kana, romaji", [
    ("キョウト", "kyouto"),
    ("きょうと", "kyouto"),          # hiragana is converted first
    ("シンブン", "shinbun"),
    ("ホッカイドウ", "hokkaidou"),   # ッ doubles the next consonant
    ("マッチャ", "matcha"),          # ... and gives t before ch
    ("チャ", "cha"),
    ("ラーメン", "raamen"),          # ー repeats the vowel
    ("トーキョー", "tookyoo"),
    ("セッシュウ", "sesshuu"),
    ("ティー", "tii"),
    ("ヴァ", "va"),
])
def test_hepburn(kana, romaji):
    assert hepburn(kana) == romaji


@pytest.mark.parametrize("word, folded", [
    ("Kyōto", "kyoto"), ("Kyouto", "kyoto"), ("Kyoto", "kyoto"), ("kyouto", "kyoto"),
    ("Shimbashi", "shinbashi"), ("Shinbashi", "shinbashi"), ("Tōkyō", "tokyo"), ("Ōsaka", "osaka"),
    ("SESSHUU", "sesshu"),
])
def test_fold_romaji(word, folded):
    assert fold_romaji(word) == folded


def test_hepburn_then_fold_matches_english_spelling():
    assert fold_romaji(hepburn("キョウト")) == fold_romaji("Kyōto") == "kyoto"
    assert fold_romaji(hepburn("トウキョウ")) == fold_romaji("Tokyo")


@pytest.mark.parametrize("word, keys", [
    ("Laos", ["w:lao"]), ("partners", ["w:partner"]), ("Japan's", ["w:japan"]),
    ("of", []), ("us", []),
])
def test_name_keys(word, keys):
    assert list(name_keys(word)) == keys
