"""English: sentences (abbreviations, initials, decimals and quotes do not end them) and anchors."""
from __future__ import annotations

import re
from collections import Counter

from .. import anchors as A
from ..fold import fold
from .base import Features, Language, Sentence

# Words that take a period and rarely end a sentence (lower-cased, without the period).
ABBREVIATIONS = {
    "mr", "mrs", "ms", "messrs", "dr", "prof", "st", "jr", "sr", "gen", "col", "lt", "sgt", "capt",
    "rev", "hon", "amb", "gov", "sen", "rep", "pres", "no", "nos", "vs", "v", "e.g", "i.e", "cf",
    "al", "fig", "figs", "eq", "vol", "vols", "ch", "sec", "art", "arts", "para", "paras", "pp",
    "approx", "dept", "est", "inc", "ltd", "co", "corp", "mt", "ft", "op", "ed", "eds",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
}
_CLOSERS = "\"'”’)]}»"
# First parts of hyphenated compounds ("high-" + "quality" at a line break keeps its hyphen).
COMPOUND_FIRST = {"self", "co", "multi", "non", "high", "low", "well", "cross", "semi", "anti", "ex", "all",
                  "half", "full", "long", "short", "mid", "vice", "pan", "post", "pre", "quasi", "socio",
                  "long-term", "large", "small", "state", "world", "follow", "people-to", "first", "second",
                  "third", "two", "three", "one", "cost", "time", "decision", "policy", "human", "open"}
_OPENERS = "\"'“‘([{«"
# A candidate sentence end: . ! ? (repeated), closing quotes/brackets, then whitespace.
_END_CANDIDATE = re.compile(r"[.!?]+[" + re.escape(_CLOSERS) + r"]*(?=\s)")
_NEXT_CHAR = re.compile(r"\S")
_DOTTED = re.compile(r"(?:[A-Za-z]\.){2,}$")          # U.S.  H.E.  e.g.  U.N.
_INITIAL = re.compile(r"(?<![A-Za-z])[A-Z]\.$")        # J. in "J. Smith"
_FUNCTION_WORDS = {"a", "an", "the", "of", "and", "or", "to", "in", "on", "for", "with", "by",
                   "at", "from", "as", "that", "which", "between", "under", "its", "their",
                   "his", "her", "this", "these", "those", "into", "toward", "towards"}
_ENUMERATOR = re.compile(r"^\s*\(?(?:[0-9]{1,3}|[ivxlc]{1,5}|[a-z])\)?$", re.IGNORECASE)
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")
_NUMBER_WORD = re.compile(r"\b(" + "|".join(sorted(A.NUMBER_WORDS, key=len, reverse=True))
                          + r")(?:-(" + "|".join(k for k in A.NUMBER_WORDS if A.NUMBER_WORDS[k] < 10)
                          + r"))?\b", re.IGNORECASE)
_ORDINAL_WORD = re.compile(r"\b(" + "|".join(A.ORDINAL_WORDS) + r")\b", re.IGNORECASE)
_SCALED = re.compile(r"\s*(hundred|thousand|million|billion|trillion)\b", re.IGNORECASE)  # matched at a position
_MONTH = re.compile(r"\b(" + "|".join(sorted((m.capitalize() for m in A.MONTHS), key=len, reverse=True))
                    + r")\b\.?")


class English(Language):
    code = "en"
    name = "English"
    locale = "en-US"
    joiner = " "

    # -- normalising -------------------------------------------------------------------
    def ends_sentence(self, line: str) -> bool:
        t = line.rstrip().rstrip(_CLOSERS)
        if not t or t[-1] not in ".!?":
            return False
        return not (t[-1] == "." and _is_abbreviation(t[:-1]))

    def line_unfinished(self, line: str) -> bool:
        t = line.rstrip()
        if not t:
            return False
        if t[-1] in ",;-–(" or (t[-1] == "." and _is_abbreviation(t[:-1])):
            return True
        last = t.split()[-1].lower()
        return last in _FUNCTION_WORDS

    def join_lines(self, a: str, b: str) -> str:
        if len(a) >= 2 and a[-1] == "-" and a[-2].isalpha():
            word = a[-60:].split()[-1]
            if b[:1].islower() and word.count("-") == 1 and word[:-1].lower().lstrip(_OPENERS) not in COMPOUND_FIRST:
                return a[:-1] + b       # "coop-" + "eration": end-of-line hyphenation undone
            return a + b                # "Japan-" + "Mekong": a compound split at its hyphen
        return a + " " + b

    # -- segmenting --------------------------------------------------------------------
    def segment(self, paragraph: str, kind: str = "text") -> list[Sentence]:
        if kind in ("heading", "columns"):
            return [Sentence(paragraph.strip(), kind)]
        out = []
        start = 0
        for m in _END_CANDIDATE.finditer(paragraph):
            end = m.end()
            # slices stay short: over the whole rest of a 10 MB line they made segmenting quadratic
            if m.start() - start <= 64 and _ENUMERATOR.match(paragraph[start:m.start()]):
                continue  # "1." / "(iv)." opening a numbered paragraph
            if not _is_sentence_end(paragraph, m.start(), end):
                continue
            piece = paragraph[start:end].strip()
            if piece:
                out.append(Sentence(piece, kind))
            start = end
        rest = paragraph[start:].strip()
        if rest:
            out.append(Sentence(rest, kind))
        return out

    # -- features ----------------------------------------------------------------------
    def sentence_features(self, text: str) -> Features:
        folded = fold(text)
        hard: Counter = Counter()
        soft: Counter = Counter()
        words = A.LATIN_WORD.findall(folded)
        _numbers(folded, hard, soft)
        A.clock_24h(folded, hard, soft)
        hard.update(A.acronyms(folded))
        keys = [key for w in words if not (w.isupper() and len(w) >= 2) for key in A.name_keys(w)]
        if "-" in folded:
            for compound in _COMPOUND.findall(folded):
                keys.extend(A.name_keys(compound.replace("-", "")))  # Ryoan-ji ~ リョウアンジ
        keys += A.latin_skeleton_keys(folded, words)
        keys += A.punctuation_keys(folded)
        soft.update(keys)
        length = len(" ".join(folded.split()))
        # a presegmented line may hold several sentences: their ends are places to cut it
        points, pos = [], 0
        for sentence in self.segment(text)[:-1]:
            pos = text.index(sentence.text, pos) + len(sentence.text)
            points.append(pos)
        fractions = tuple(len(" ".join(text[:p].split())) / length for p in points) if length else ()
        return Features(length=float(length), hard=hard, soft=soft, split_points=tuple(points),
                        split_fractions=fractions, split_sentence=(True,) * len(points))

    def share_of_script(self, text: str) -> float:
        return self.share_of_letters(text, _LATIN)


def _is_abbreviation(before: str) -> bool:
    """Does BEFORE (the text up to a period) end with an abbreviation or an initial?"""
    tail = before[-40:].split()  # only the last word matters; never split a whole paragraph
    word = tail[-1] if tail else ""
    word = word.lstrip(_OPENERS)
    if not word:
        return False
    if word.lower() in ABBREVIATIONS or _DOTTED.search(word + ".") or _INITIAL.search(word + "."):
        return True
    return False


def _is_sentence_end(text: str, start: int, end: int) -> bool:
    punct = text[start:end].rstrip(_CLOSERS)
    m = _NEXT_CHAR.search(text, end)   # the next character only: slicing the rest was quadratic
    rest = m.group(0) if m else ""
    if not rest:
        return True
    if punct.endswith(".") and len(punct) == 1 and _is_abbreviation(text[max(0, start - 40):start]):
        return False
    nxt = rest[0]
    # The next sentence starts with a capital, a digit, an opening quote or bracket.
    return nxt.isupper() or nxt.isdigit() or nxt in _OPENERS or not nxt.isascii()


_COMPOUND = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)+")
_LETTERS = re.compile(r"[A-Za-z]+")
_NAMED_NUMBERS = frozenset(A.NUMBER_WORDS) | frozenset(A.ORDINAL_WORDS)
_MONTH_WORDS = frozenset(m.capitalize() for m in A.MONTHS)


def _numbers(folded: str, hard: Counter, soft: Counter) -> None:
    # the word patterns (case-blind alternations of dozens of words, slow to scan) run only
    # when a word of the sentence is one of theirs
    letters = _LETTERS.findall(folded)
    lower = {w.lower() for w in letters}
    named = not _NAMED_NUMBERS.isdisjoint(lower)
    months = not _MONTH_WORDS.isdisjoint(letters)
    for m in A.DIGITS.finditer(folded):
        value = A.parse_digits(m.group(0))
        scale = _SCALED.match(folded, m.end())  # not folded[m.end():]: quadratic on a long line
        if scale:
            value *= A.SCALE_WORDS[scale.group(1).lower()]
        A.add_number(hard, soft, value)
    for m in _NUMBER_WORD.finditer(folded) if named else ():
        value = A.NUMBER_WORDS[m.group(1).lower()] + (A.NUMBER_WORDS[m.group(2).lower()] if m.group(2) else 0)
        scale = _SCALED.match(folded, m.end())  # not folded[m.end():]: quadratic on a long line
        if scale:
            value *= A.SCALE_WORDS[scale.group(1).lower()]
        A.add_number(hard, soft, value)
    for m in _ORDINAL_WORD.finditer(folded) if named else ():
        A.add_number(hard, soft, A.ORDINAL_WORDS[m.group(1).lower()])
    for m in _MONTH.finditer(folded) if months else ():
        name = m.group(1).lower()
        if name == "may" or m.group(0).endswith(".") and name not in ("sept",) and len(name) == 3:
            # "May" is a month only next to a number ("3 May", "May 2024"); so is "Mar." etc.
            around = folded[max(0, m.start() - 4):m.end() + 5]
            if not re.search(r"[0-9]", around):
                continue
        hard[f"m:{A.MONTHS[name]}"] += 1
