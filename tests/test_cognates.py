"""align.cognates: Han characters shared by Japanese and Chinese documents, and read in Vietnamese,
as anchors."""
from __future__ import annotations

import pytest

from align import params as P
from align.api import align_texts
from align.cognates import with_han_keys
from align.document import make_document, prepare_features

# A Japanese text and its Chinese translation with the fourth sentence left out. Every sentence is
# about as long as its neighbours, so lengths alone cannot tell which one has no translation.
JA = """東京で国際会議が開かれた。
経済発展について各国の代表が議論した。
環境問題も重要な議題となった。
首相は記者会見で成果を強調した。
次回の会議は北京で開催される予定だ。
参加者は協力の強化で合意した。
会議は長い時間にわたって行われた。
最後に共同声明が発表された。"""
ZH = """东京召开了国际会议。
各国代表就经济发展进行了讨论。
环境问题也成为重要议题。
下届会议预定在北京举行。
与会者同意加强合作。
会议进行了很长时间。
最后发表了联合声明。"""
# The same in Vietnamese: most of its learned words are the Han words read aloud (会議 hội nghị,
# 経済 kinh tế, 北京 Bắc Kinh).
VI = """Hội nghị quốc tế đã được tổ chức tại Tokyo.
Đại biểu các nước đã thảo luận về phát triển kinh tế.
Vấn đề môi trường cũng là một nghị đề trọng yếu.
Hội nghị lần sau dự định được tổ chức tại Bắc Kinh.
Những người tham gia đã đồng ý tăng cường hợp tác.
Hội nghị đã diễn ra trong một thời gian dài.
Cuối cùng, tuyên bố chung đã được công bố."""
GOLD = [((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((3,), ()), ((4,), (3,)), ((5,), (4,)), ((6,), (5,)),
        ((7,), (6,))]


def _features(text: str, lang: str):
    doc = make_document(text, lang, presegmented=True)
    prepare_features([doc])
    return doc


def test_shared_bigrams_become_soft_keys_across_spellings():
    # 経済 (Japanese), 經濟 (traditional) and 经济 (simplified) are one key; 国際 / 國際 / 国际 too
    ja = _features("経済協力と国際関係。\n天気が良い。", "ja")
    hant = _features("經濟合作與國際關係。\n今天下雨。", "zh-Hant")
    src, tgt = with_han_keys(ja.features, ja.texts, ja.lang, hant.features, hant.texts, hant.lang)
    assert {"h:经济", "h:国际"} <= set(src[0].soft) & set(tgt[0].soft)
    assert not any(k.startswith("h:") for k in src[1].soft)    # 天気 is not in the other document
    assert not any(k.startswith("h:") for k in tgt[1].soft)
    # the features given are left as they were
    assert not any(k.startswith("h:") for f in ja.features + hant.features for k in f.soft)


def test_at_most_han_keys_per_sentence_the_rarest():
    ja = _features("国際会議と経済発展と環境問題と記者会見と共同声明と協力強化。\n国際会議。", "ja")
    zh = _features("国际会议、经济发展、环境问题、记者会见、共同声明、协力强化。\n国际会议。", "zh")
    src, _ = with_han_keys(ja.features, ja.texts, ja.lang, zh.features, zh.texts, zh.lang)
    keys = [k for k in src[0].soft if k.startswith("h:")]
    assert len(keys) == P.HAN_KEYS
    assert "h:国际" not in keys    # in both sentences of both documents: the commonest


def test_other_pairs_are_left_alone():
    ja = _features("東京で国際会議が開かれた。", "ja")
    en = _features("An international conference was held in Tokyo.", "en")
    src, tgt = with_han_keys(ja.features, ja.texts, ja.lang, en.features, en.texts, en.lang)
    assert src is ja.features and tgt is en.features


def test_han_read_in_vietnamese():
    ja = _features("経済発展を目指す。\n天気が良い。", "ja")
    vi = _features("Hướng tới phát triển kinh tế.\nHôm nay trời mưa.", "vi")
    src, tgt = with_han_keys(ja.features, ja.texts, ja.lang, vi.features, vi.texts, vi.lang)
    assert {"h:kinh te", "h:phat trien"} <= set(src[0].soft) & set(tgt[0].soft)
    assert not any(k.startswith("h:") for f in (src[1], tgt[1]) for k in f.soft)
    # either order of the pair
    back, _ = with_han_keys(vi.features, vi.texts, vi.lang, ja.features, ja.texts, ja.lang)
    assert "h:kinh te" in back[0].soft


@pytest.mark.parametrize("target, lang, bead, key", [(ZH, "zh", 1, "h:经济"), (VI, "vi", 4, "h:bac kinh")])
def test_shared_words_find_the_sentence_left_out(monkeypatch, target, lang, bead, key):
    beads = align_texts(JA, target, "ja", lang, presegmented=True).beads
    assert [(b.src, b.tgt) for b in beads] == GOLD
    assert key in beads[bead].matched
    # lengths and the other anchors alone put the gap elsewhere
    monkeypatch.setattr(P, "HAN_KEYS", 0)
    without = align_texts(JA, target, "ja", lang, presegmented=True).beads
    assert [(b.src, b.tgt) for b in without] != GOLD


def test_the_lexicon_drops_pairs_the_characters_match_already():
    # 規模 = 规模 is an h: key already; learned again as d:規模=规模 it counted the same evidence twice
    from align.cognates import covered_pairs
    from align.langs import get_language
    from align.lexicon import Lexicon
    learned = Lexicon({"規模": "d:規模=规模", "有名": "d:有名=闻名"},
                      {"规模": ["d:規模=规模"], "闻名": ["d:有名=闻名"]}, {"d:規模=规模": 3, "d:有名=闻名": 2})
    kept = learned.without(covered_pairs(get_language("ja"), get_language("zh")))
    assert kept.src == {"有名": "d:有名=闻名"} and kept.tgt == {"闻名": ["d:有名=闻名"]}
    assert set(kept.frequency) == {"d:有名=闻名"}
    assert covered_pairs(get_language("ja"), get_language("en")) is None
    assert learned.without(None) is learned
