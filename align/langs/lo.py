"""Lao: sentences, grapheme lengths and anchors.

Lao writes no spaces between words; a space separates phrases and is not a sentence end.
Sentences end at . ? ! (a hard-wrapped line break is a wrap: the normaliser decides where
paragraphs end, as for every language; a presegmented line is a sentence). Abbreviations such as ດຣ. (Dr.), ທ່ານ ດຣ., ພ.ສ.
and Latin ones (Dr., Mr., St.) do not end sentences. Names and acronyms are often kept in Latin
letters, in brackets: ດຣ. ອີຮູດ ເອີຣ໌ (Dr. Ehud Ur) — strong anchors.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

from .. import anchors as A
from ..fold import fold
from .base import Features, Language, Sentence
from .scripts import grapheme_prefix, graphemes
from .en import ABBREVIATIONS as LATIN_ABBREVIATIONS

LAO_DIGITS = str.maketrans("໐໑໒໓໔໕໖໗໘໙", "0123456789")
_LAO = re.compile(r"[\u0e80-\u0eff]")
# Lao abbreviations written with a period: ດຣ. (doctor), ທ່ານ ດຣ. (His Excellency Dr.), ພ.ສ.
# (Buddhist era), ຄ.ສ. (Christian era), ສ.ປ.ປ. (the Lao PDR), ປ.ອ. and such dotted initials.
LAO_ABBREVIATIONS = {"ດຣ", "ທ່ານດຣ", "ຮສ", "ປອ", "ພສ", "ຄສ", "ສປປ", "ອຈ", "ຊລ"}
_DOTTED_LAO = re.compile(r"(?:[\u0e81-\u0eae\u0edc-\u0edf][\u0eb0-\u0ecd]*\.){2,}")
_END = re.compile(r"[.?!]+[\"'”’)\]]*(?=\s|$)")
_LEADING_VOWEL = re.compile("[\u0ec0-\u0ec4]")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_MARKS = "\u0eb1\u0eb4\u0eb5\u0eb6\u0eb7\u0eb8\u0eb9\u0ebb\u0ebc\u0ec8\u0ec9\u0eca\u0ecb\u0ecc\u0ecd"
# a tone mark with a space (or line start) before it, instead of the consonant it sits on
_STRAY_TONE = re.compile("( +)([\u0ec8-\u0ecb])")
_ENUMERATOR = re.compile(r"^\s*\(?(?:[0-9]{1,3}|[໐-໙]{1,3}|[a-z])\)?$")
_CLOSERS = "\"'”’)]"
# Lao month names (1-12); dates read "ວັນທີ 21 ມັງກອນ 2025".
MONTHS = {"ມັງກອນ": 1, "ກຸມພາ": 2, "ມີນາ": 3, "ເມສາ": 4, "ພຶດສະພາ": 5, "ມິຖຸນາ": 6, "ກໍລະກົດ": 7,
          "ສິງຫາ": 8, "ກັນຍາ": 9, "ຕຸລາ": 10, "ພະຈິກ": 11, "ທັນວາ": 12}
_MONTH = re.compile("|".join(sorted(MONTHS, key=len, reverse=True)))
# Years of the Buddhist era (ພ.ສ. 2568 = 2025) are converted; 543 years apart.
_BUDDHIST_YEAR = re.compile(r"ພ\.\s?ສ\.?\s*([0-9]{4})")


class Lao(Language):
    code = "lo"
    name = "Lao"
    locale = "lo-LA"
    script = "Laoo"
    spaced = False
    joiner = " "

    # -- normalising -------------------------------------------------------------------
    def ends_sentence(self, line: str) -> bool:
        t = line.rstrip().rstrip(_CLOSERS)
        return bool(t) and t[-1] in ".?!" and not _is_abbreviation(t[:-1])

    def line_unfinished(self, line: str) -> bool:
        t = line.rstrip()
        if not t:
            return False
        return t[-1] in ",(-–" or (t[-1] == "." and _is_abbreviation(t[:-1]))

    def join_lines(self, a: str, b: str) -> str:
        # Lao lines wrap at a space (between phrases) or inside a phrase before a syllable; only a
        # syllable-initial vowel (ເ ແ ໂ ໃ ໄ) shows the second kind, so it joins without a space.
        if _LAO.match(a[-1:]) and _LEADING_VOWEL.match(b[:1]):
            return a + b
        return a + " " + b

    def first_unbreakable(self, line: str) -> str:
        # A renderer breaks Lao lines between words it finds with a dictionary, and the words are
        # not marked: how much of the next line would have fitted cannot be told, so a line break
        # is never taken for a paragraph end on that ground (blank lines and sentence ends still are).
        return line

    def repair_extraction(self, text: str) -> str:
        """What PDF extraction does to Lao: zero-width spaces, a space inserted after a mark
        (pdftotext writes ທ່ ານ for ທ່ານ: after U+0EC8 in 96% of cases, against 0.6% in typed Lao),
        a tone mark cut off from its syllable."""
        text = _ZERO_WIDTH.sub("", text)
        for mark in _spaced_marks(text):
            text = re.sub(re.escape(mark) + r" +(?=[\u0e80-\u0eff])", mark, text)
        # a tone mark never starts a syllable: a space before it was put there by the extraction
        return _STRAY_TONE.sub(lambda m: m.group(2), text)

    # -- segmenting --------------------------------------------------------------------
    def segment(self, paragraph: str, kind: str = "text") -> list[Sentence]:
        out = []
        for line in paragraph.split("\n"):
            out.extend(Sentence(s, kind) for s in _split_line(line))
        return out

    # -- features ----------------------------------------------------------------------
    def sentence_features(self, text: str) -> Features:
        folded = fold(text).translate(LAO_DIGITS)
        hard: Counter = Counter()
        soft: Counter = Counter()
        used = []
        for m in _BUDDHIST_YEAR.finditer(folded):
            A.add_number(hard, soft, int(m.group(1)) - 543)
            used.append(m.span(1))
        for m in A.DIGITS.finditer(folded):
            if any(s <= m.start() < e for s, e in used):
                continue
            A.add_number(hard, soft, A.parse_digits(m.group(0)))
        for m in _MONTH.finditer(folded):
            hard[f"m:{MONTHS[m.group(0)]}"] += 1
        for key in A.acronyms(folded):
            hard[key] += 1
        for w in A.LATIN_WORD.findall(folded):
            if not (w.isupper() and len(w) >= 2):
                soft.update(A.name_keys(w))
        soft.update(A.latin_skeleton_keys(folded))
        soft.update(A.punctuation_keys(folded))
        for word in lao_words(folded):
            soft.update(A.skeleton_keys(lao_skeleton(word)))
        points = tuple(_inner_sentence_ends(text))
        length = graphemes(text)   # vowel signs and tone marks (marks) do not count
        before = grapheme_prefix(text) if points else [0]
        fractions = tuple(before[p] / before[-1] for p in points) if before[-1] else ()
        return Features(length=float(length), hard=hard, soft=soft, split_points=points,
                        split_fractions=fractions, split_sentence=(True,) * len(points))

    def share_of_script(self, text: str) -> float:
        letters = [c for c in text if c.isalpha() or unicodedata.category(c) == "Mn"]
        if not letters:
            return 0.0
        return sum(1 for c in letters if _LAO.match(c)) / len(letters)


# Lao letters by consonant class (see anchors.latin_skeleton); vowels, tone marks, ອ (vowel
# carrier), ຫ (tone marker), ຮ, ວ and ຍ (glides) carry no class.
_LAO_CLASS = {"ກ": "k", "ຂ": "k", "ຄ": "k", "ງ": "n", "ຈ": "s", "ສ": "s", "ຊ": "s", "ດ": "t", "ຕ": "t",
              "ຖ": "t", "ທ": "t", "ນ": "n", "ບ": "p", "ປ": "p", "ຜ": "p", "ຝ": "p", "ພ": "p", "ຟ": "p",
              "ມ": "m", "ຣ": "l", "ລ": "l", "ໜ": "n", "ໝ": "m", "ຼ": "l"}
_CANCEL = "\u0ecc"  # ໌ silences the letter before it (ເອີຣ໌ "Ur")
_LAO_WORD = re.compile(r"[\u0e80-\u0eff]+")


def lao_skeleton(word: str) -> str:
    """Consonant classes of a Lao word: ຊີມີນັອບ -> smnp, as Siminoff in Latin letters."""
    out = []
    for k, ch in enumerate(word):
        cls = _LAO_CLASS.get(ch)
        if cls and not word[k + 1:k + 2] == _CANCEL and (not out or out[-1] != cls):
            out.append(cls)
    return "".join(out)


def lao_words(text: str) -> list[str]:
    """Lao words for name skeletons: runs of Lao letters between spaces and punctuation.

    Transliterated names are written apart from the words around them (ທ່ານ ເຈມມີ່ ຊີມີນັອບ),
    so the phrases between spaces serve better here than a dictionary tokeniser, which cuts
    unknown names into pieces (measured: see README, "Lao").
    """
    return _LAO_WORD.findall(text)


def _is_abbreviation(before: str) -> bool:
    tail = before[-30:].split()
    if not tail:
        return False
    word = tail[-1].lstrip("(\"'“‘")
    if word.lower() in LATIN_ABBREVIATIONS or re.fullmatch(r"(?:[A-Za-z]\.)*[A-Z]|(?:[A-Za-z]\.)+[A-Za-z]", word):
        return True  # Dr. / St. / initials such as "W."
    # ທ່ານ ດຣ. : the abbreviation may follow a title after a space
    if word.replace(".", "") in LAO_ABBREVIATIONS:
        return True
    return bool(_DOTTED_LAO.fullmatch(word + "."))  # ພ.ສ. / ສ.ປ.ປ. (not ປີ. "year.")


def _spaced_marks(text: str) -> list[str]:
    """Marks this document follows with a space far more often than Lao is written (an extraction
    artefact): at least 5 of them, and a space after more than half."""
    out = []
    for mark in _MARKS:
        n = text.count(mark)
        if n >= 5 and len(re.findall(re.escape(mark) + " [\u0e80-\u0eff]", text)) > 0.5 * n:
            out.append(mark)
    return out


def _split_line(line: str) -> list[str]:
    out, start = [], 0
    for m in _END.finditer(line):
        if m.group(0).startswith(".") and _is_abbreviation(line[max(0, m.start() - 30):m.start()]):
            continue
        if m.start() - start <= 64 and _ENUMERATOR.match(line[start:m.start()]):
            continue  # "1." opening a numbered paragraph
        if m.group(0).startswith(".") and m.start() > 0 and line[m.start() - 1].isdigit() \
                and m.end() < len(line) and line[m.end():m.end() + 1].isdigit():
            continue  # 3.5
        piece = line[start:m.end()].strip()
        if piece:
            out.append(piece)
        start = m.end()
    rest = line[start:].strip()
    if rest:
        out.append(rest)
    return out


def _inner_sentence_ends(text: str):
    """Offsets where TEXT (one line that may hold several sentences) could be cut."""
    pos = 0
    pieces = _split_line(text)
    for piece in pieces[:-1]:
        pos = text.index(piece, pos) + len(piece)
        yield pos
