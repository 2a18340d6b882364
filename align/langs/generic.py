"""Any language without a module of its own, from its script and CLDR's locale data.

- Sentence ends: Unicode's sentence terminals of every script (. ! ? 。 ！ ？ ។ ။ ؟ । ۔ ...),
  then closing quotes and brackets. A period after an abbreviation of the language (the Moses
  nonbreaking-prefix lists, via sacremoses), an initial, a paragraph number or (in languages that
  write ordinals so: 21. Januar) a day number does not end a sentence; in cased scripts neither
  does one before a lower-case word. Full-width and script terminals (。 ។ ။) end a sentence with
  no space after them. Thai writes no sentence punctuation: a space between Thai words is a
  candidate end (paragraphs are cut there, and the aligner joins pieces again), and inside a
  sentence a place where it may be split.
- Lengths in grapheme clusters: combining marks and white space do not count.
- Anchors: digits of every script in the locale's number format with its scale words (1.000,5;
  3 Millionen; 3万; 5 ล้าน), Buddhist-era years (th, km, my), month names of the locale,
  Latin acronyms, and names through transliteration to Latin (anyascii) as name keys and
  consonant skeletons, which also match katakana and Lao spellings of the same name.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from functools import lru_cache
from pathlib import Path

import regex

from .. import anchors as A
from .. import params as P
from ..fold import fold
from . import cldr, scripts
from .scripts import grapheme_prefix, graphemes
from .base import Features, Language, Sentence
from .tags import Tag

_HAN = ("Hans", "Hant", "Hani")
# a Latin letter, full-width too (a name glossed in Chinese text: 波汉巴（Hifikepunye Pohamba）)
_LATIN_LETTER = regex.compile(r"\p{Latin}")

# A run of sentence terminals, then closing quotes and brackets.
# „Wir kommen.“ closes with a Pi quote; French puts a space before » (« Nous venons. »).
_END = regex.compile(r"[\p{Sentence_Terminal}]+[\p{Pf}\p{Pi}\p{Pe}\"'»”’」』）)\]]*(?:[ \u00a0\u202f][»›](?!\S))?")
_ASCII_TERMINALS = set(".!?")
_OPENERS = "\"'“‘«„([{「『（"
_ENUMERATOR = re.compile(r"^\s*\(?(?:[0-9]{1,3}|[ivxlc]{1,5}|[a-z])\)?$", re.IGNORECASE)
_LAST_WORD = regex.compile(r"([\p{L}\p{M}.'-]+)$")
# Languages that write ordinals with a period (am 21. Januar, 2. světová válka).
ORDINAL_PERIOD = frozenset({"de", "da", "nb", "nn", "no", "fi", "et", "cs", "sk", "pl", "hu", "tr", "hr",
                            "sl", "sr", "bs", "lv", "is", "fo"})
# Years of the Buddhist era: ปี 2568 is 2025 (Myanmar's era is a year further on).
BUDDHIST_ERA = {"th": 543, "km": 543, "my": 544}
_ERA_YEAR = re.compile(r"(?<![0-9.,])(2[3-6][0-9]{2})(?![0-9])")
_HAN_NUMERAL = re.compile(r"[〇零一二三四五六七八九十百千万萬亿億两兩]+(?=[年月日号號%])")
# A space between Thai words, but not the one before ๆ (mai yamok), which repeats the word before
# it and is written after a space (ต่าง ๆ): a piece that began with ๆ had lost its word.
_THAI_PHRASE_BREAK = regex.compile(r"(?<=[\p{Script=Thai}&&\p{L}\p{M}]) +(?=[\p{Script=Thai}&&\p{L}--[ๆ]])", regex.V1)
MIN_THAI_SENTENCE = 25  # graphemes: a Thai piece shorter than this is a phrase, not a sentence
# Thai phrase breaks kept as split points of one sentence (evenly spread): the aligner keeps a row
# as wide as the most split points of any sentence, for every sentence.
MAX_PHRASE_SPLITS = 24
# In scripts without spaces (th, km, my) a run of letters is a phrase; only a short one can be a
# name. Of the runs on flores-docs whose name keys met the other side's, none was longer than 20
# characters (ja-th, th-en, km-en, my-en); the longer runs, most of them, cost half the time of
# their features (anyascii and a skeleton of a whole phrase) and matched nothing.
MAX_NAME_CHARS = 24


@lru_cache(maxsize=None)
def nonbreaking_prefixes(language: str) -> tuple[frozenset[str], frozenset[str]]:
    """Words that a period follows without ending the sentence (Moses lists, via sacremoses):
    (always, before a number only)."""
    always, numeric = set(), set()
    for line in _moses_prefix_lists().get(f"nonbreaking_prefix.{language}", "").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        (numeric if "#NUMERIC_ONLY#" in rest else always).add(word)
    return frozenset(always), frozenset(numeric)


@lru_cache(maxsize=1)
def _moses_prefix_lists() -> dict[str, str]:
    """sacremoses's prefix files (file name -> contents). Its data module is loaded by path:
    importing it as sacremoses._data_nonbreaking_prefixes runs the package's __init__, which
    compiles every tokeniser regex of sacremoses, 0.86 s in each process that segments."""
    import importlib.util

    spec = importlib.util.find_spec("sacremoses")   # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(next(iter(spec.submodule_search_locations))) / "_data_nonbreaking_prefixes.py"
    data_spec = importlib.util.spec_from_file_location("_aligntm_moses_prefixes", path)
    module = importlib.util.module_from_spec(data_spec)
    data_spec.loader.exec_module(module)
    return module.NONBREAKING_PREFIXES


@lru_cache(maxsize=200_000)
def transliterated_keys(word: str) -> tuple[str, ...]:
    """Name keys of a word in a non-Latin script, through its Latin transliteration (anyascii):
    Путин -> w:putin; Симинофф, ซิมินอฟ -> p:smnp as Siminoff."""
    from anyascii import anyascii

    latin = anyascii(word)
    return tuple(A.skeleton_keys(A.latin_skeleton(latin))) + A.name_keys(latin.lower())


_NEXT_CHAR = re.compile(r"\S")


def _next_char(text: str, start: int) -> str:
    """The first character after START that is not white space ("" if none): slicing the rest
    of the text instead made segmenting a 10 MB line quadratic."""
    m = _NEXT_CHAR.search(text, start)
    return m.group(0) if m else ""


class _Spans:
    """Spans of text already read as an anchor (a month, an era year), so that their digits are
    not read again as numbers; looked up by bisection (a line may hold thousands)."""

    def __init__(self):
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, start: int, end: int) -> None:
        k = bisect_right(self.starts, start)
        self.starts.insert(k, start)
        self.ends.insert(k, end)

    def __contains__(self, offset: int) -> bool:
        k = bisect_right(self.starts, offset) - 1
        return k >= 0 and offset < self.ends[k]


class Generic(Language):
    def __init__(self, tag: Tag):
        self.tag = tag
        self.code = tag.code
        self.name = tag.name
        self.locale = tag.locale
        self.script = tag.script
        self.spaced = scripts.is_spaced(tag.script)
        self.cased = scripts.is_cased(tag.script)
        # Thai, Khmer and Burmese put a space between sentences; Chinese puts none.
        self.joiner = "" if tag.script in ("Hans", "Hant", "Hani", "Jpan") else " "
        self._spaces_end = tag.language == "th"
        self._ordinal_period = tag.language in ORDINAL_PERIOD
        self._era = BUDDHIST_ERA.get(tag.language)
        self._letters = scripts.script_pattern(tag.script)
        self._word = regex.compile(self._letters.pattern[:-1] + r"\p{M}]+")

    # -- normalising -------------------------------------------------------------------
    def ends_sentence(self, line: str) -> bool:
        t = line.rstrip()
        m = _END.search(t)
        return bool(m) and m.end() == len(t) and self._is_end(t, m.start(), m.end())

    def line_unfinished(self, line: str) -> bool:
        t = line.rstrip()
        if not t:
            return False
        if t[-1] in ",;:-–(、，；" or regex.match(r"\p{Pi}|\p{Ps}", t[-1]):
            return True
        return t[-1] == "." and not self._is_end(t, len(t) - 1, len(t))

    def join_lines(self, a: str, b: str) -> str:
        if not self.spaced and self._letters.match(a[-1:]) and self._letters.match(b[:1]):
            # no space inside a Chinese or Khmer sentence; Thai and Burmese lines wrap at phrase
            # breaks (spaces) as often as inside them, so a space is kept there
            return a + b if self.script in ("Hans", "Hant", "Hani", "Khmr") else a + " " + b
        if self.spaced and len(a) >= 2 and a[-1] == "-" and a[-2].isalpha() and b[:1].islower():
            return a[:-1] + b  # end-of-line hyphenation
        return a + " " + b

    def first_unbreakable(self, line: str) -> str:
        if self.script in ("Hans", "Hant", "Hani"):
            return line[:1]  # Chinese breaks between any two characters
        # Thai, Khmer and Burmese also break inside a phrase, between words a dictionary finds:
        # if the whole first phrase would have fitted, its first word would have too
        return line.split(" ", 1)[0]

    # -- segmenting --------------------------------------------------------------------
    def segment(self, paragraph: str, kind: str = "text") -> list[Sentence]:
        if kind in ("heading", "columns"):
            return [Sentence(paragraph.strip(), kind)]
        out = []
        for piece in self._sentences(paragraph):
            if self._spaces_end and kind != "line":
                out.extend(Sentence(p, kind) for p in self._thai_pieces(piece))
            else:
                out.append(Sentence(piece, kind))
        return out

    def _sentences(self, text: str) -> list[str]:
        out, start = [], 0
        for m in _END.finditer(text):
            if not self._is_end(text, m.start(), m.end(), start):
                continue
            piece = text[start:m.end()].strip()
            if piece:
                out.append(piece)
            start = m.end()
        rest = text[start:].strip()
        if rest:
            out.append(rest)
        return out

    def _is_end(self, text: str, s: int, e: int, start: int = 0) -> bool:
        """Is the terminal run TEXT[s:e] (in a sentence that began at START) a sentence end?"""
        first = text[s]
        after = text[e:e + 1]
        if after and not after.isspace():
            # 。 ។ ။ need no space after them; . ! ? inside a token (3.5, U.S., e-mail.com) are no end
            return first not in _ASCII_TERMINALS and not (first == "." and after.isdigit())
        if first == "." and e - s == 1 or text[s:e].rstrip("\"'»”’)]") == ".":
            before = text[max(start, s - 40):s]
            if s - start <= 12 and _ENUMERATOR.match(text[start:s]):
                return False  # "1." / "(iv)." opening a numbered paragraph
            m = _LAST_WORD.search(before)
            word = m.group(1).lstrip(".'-") if m else ""
            rest = _next_char(text, e)
            always, numeric = nonbreaking_prefixes(self.tag.language)
            if word in always or (word in numeric and rest[:1].isdigit()):
                return False
            if len(word) == 1 and word.isupper():
                return False  # an initial: J. Smith
            if word and "." in word.strip("."):
                return False  # z.B. / т.е. / U.S.
            if self._ordinal_period and re.search(r"(?<![0-9.,])[0-9]{1,2}$", before):
                return False  # am 21. Januar
        rest = _next_char(text, e)
        if self.cased and rest[:1].islower():
            return False
        return True

    def _thai_pieces(self, sentence: str) -> list[str]:
        """Cut a Thai paragraph at the spaces between Thai words that leave at least
        MIN_THAI_SENTENCE graphemes on each side: candidate ends the aligner may join again."""
        cuts, last = [], 0
        before = grapheme_prefix(sentence)   # counted once: per space it took quadratic time
        total = before[-1]
        for m in _THAI_PHRASE_BREAK.finditer(sentence):
            if before[m.start()] - before[last] >= MIN_THAI_SENTENCE and total - before[m.end()] >= MIN_THAI_SENTENCE:
                cuts.append((last, m.start()))
                last = m.end()
        cuts.append((last, len(sentence)))
        return [sentence[a:b].strip() for a, b in cuts if sentence[a:b].strip()]

    # -- features ----------------------------------------------------------------------
    def sentence_features(self, text: str) -> Features:
        folded = A.times_with_colons(cldr.ascii_digits(fold(text)))
        hard: Counter = Counter()
        soft: Counter = Counter()
        used = _Spans()
        self._months(folded, hard, used)
        self._numbers(folded, hard, soft, used)
        A.clock_24h(folded, hard, soft)
        for key in A.acronyms(folded):
            hard[key] += 1
        self._names(folded, soft)
        soft.update(A.punctuation_keys(folded))
        length = graphemes(text)
        if self.script in _HAN:
            length -= (1 - P.LATIN_IN_HAN) * len(_LATIN_LETTER.findall(text))
        points, sentence = self._split_points(text)
        before = grapheme_prefix(text) if points else [0]   # shares of the length before each point
        fractions = tuple(before[p] / before[-1] for p in points) if before[-1] else ()
        return Features(length=float(length), hard=hard, soft=soft, split_points=points,
                        split_fractions=fractions, split_sentence=sentence)

    def _months(self, folded: str, hard: Counter, used: "_Spans") -> None:
        names = cldr.month_names(self.locale, self.spaced)
        if names is None:
            return
        lowered = folded.lower()
        if len(lowered) != len(folded):  # a letter whose lower case is longer (İ): offsets would move
            lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in folded)
        for start, end, name in names.find(lowered):
            if name not in names.month or start in used:
                continue
            near_number = re.search(r"[0-9]", folded[max(0, start - 6):end + 6])
            if name in names.short and not near_number:
                continue  # "Mai" or "мая" as a word, not a date
            if names.lower_case and folded[start].isupper() and start > 0 and not near_number:
                continue  # French writes mars for March: Mars inside a sentence is the planet
            hard[f"m:{names.month[name]}"] += 1
            used.add(start, end)

    def _numbers(self, folded: str, hard: Counter, soft: Counter, used: "_Spans") -> None:
        # 3 Millionen, but 3万人 and 5 ล้านบาท: a noun may follow a scale word with no space
        forms = cldr.number_forms(self.locale, bounded=self.spaced and self.script != "Kore")
        if self._era:
            for m in _ERA_YEAR.finditer(folded):
                A.add_number(hard, soft, int(m.group(1)) - self._era)
                used.add(*m.span())
        for m in _HAN_NUMERAL.finditer(folded) if self.script in ("Hans", "Hant", "Hani") else ():
            value = A.japanese_number(m.group(0).replace("两", "二").replace("兩", "二"))
            nxt = folded[m.end():m.end() + 1]
            if value is None or m.start() in used:
                continue
            if nxt == "月" and 1 <= value <= 12:
                hard[f"m:{int(value)}"] += 1
            else:
                A.add_number(hard, soft, value)
            used.add(*m.span())
        for m in forms.numbers.finditer(folded):
            if m.start() in used:
                continue
            try:
                value = forms.parse(m.group(0))
            except ValueError:
                continue
            if forms.scale_after is not None:
                scale = forms.scale_after.match(folded, m.end())
                if scale:
                    value *= forms.scales.get(scale.group(1).lower(), 1)
            A.add_number(hard, soft, value)

    def _names(self, folded: str, soft: Counter) -> None:
        for w in A.LATIN_WORD.findall(folded):
            if not (w.isupper() and len(w) >= 2):
                soft.update(A.name_keys(w))
        soft.update(A.latin_skeleton_keys(folded))
        if self.script == "Latn" or self.script in ("Hans", "Hant", "Hani"):
            return  # Chinese names are written with meanings, not sounds: pinyin matches nothing
        for word in self._word.findall(folded):
            if len(word) <= MAX_NAME_CHARS:
                soft.update(transliterated_keys(word))

    def _split_points(self, text: str) -> tuple[tuple[int, ...], tuple[bool, ...]]:
        """Where a presegmented line may be cut: sentence ends inside it, and for Thai the spaces
        between Thai words (weaker: a phrase break may or may not end a sentence)."""
        ends, pos = [], 0
        for piece in self._sentences(text)[:-1]:
            pos = text.index(piece, pos) + len(piece)
            ends.append(pos)
        points = {p: True for p in ends}
        if self._spaces_end:
            spaces = [m.start() for m in _THAI_PHRASE_BREAK.finditer(text)]
            if len(spaces) > MAX_PHRASE_SPLITS:  # the aligner holds a row of split points per sentence
                step = len(spaces) / MAX_PHRASE_SPLITS
                spaces = [spaces[int(k * step)] for k in range(MAX_PHRASE_SPLITS)]
            for p in spaces:
                points.setdefault(p, False)
        order = sorted(p for p in points if 0 < p < len(text))
        return tuple(order), tuple(points[p] for p in order)

    def share_of_script(self, text: str) -> float:
        return scripts.share(text, self.script)
