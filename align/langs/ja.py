"""Japanese: sentences, clause split points and anchors, with MeCab (fugashi + unidic-lite)."""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from .. import anchors as A
from ..fold import fold, fold_with_offsets
from .base import Features, Language, Sentence

_OPEN = "「『（(【〈《〔［[｛{"
_CLOSE = "」』）)】〉》〕］]｝}"
_CLOSE_QUOTES = _CLOSE + "”’\"'"
_END = "。！？!?"
_CONTENT_POS = frozenset({"名詞", "動詞", "形容詞", "副詞"})
_LATIN_WORD = re.compile(r"[!-~]+")
_JA_CHAR = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Runs that may be numerals: digits (with , and .) and kanji numerals, mixed: 2025, 七十, 3億5千万.
_NUMERAL_RUN = re.compile(r"(?:[0-9][0-9,.]*|[〇零一二三四五六七八九十百千万億兆])+")
_KANJI_ONLY = re.compile(r"[〇零一二三四五六七八九十百千万億兆]+")
_ERA = re.compile(r"(令和|平成|昭和|大正|明治)\s*(元|[0-9]+)\s*年")
# Conjunctive particles that end a clause when a comma follows (て・が・し・ので・から・けれど…).
_CLAUSE_PARTICLES = {"て", "で", "が", "し", "ので", "から", "けれど", "けれども", "ながら", "つつ", "ば",
                     "たり", "だり", "のに", "ものの", "と"}
_MIN_CLAUSE = 8  # characters: a split point must leave at least this much on each side


@lru_cache(maxsize=1)
def _tagger():
    import fugashi  # imported lazily: loading the dictionary takes a moment
    return fugashi.Tagger()


class Token:
    __slots__ = ("surface", "start", "end", "pos1", "pos2", "pos3", "cform", "lemma", "kana")

    def __init__(self, surface, start, end, pos1, pos2, pos3, cform, lemma, kana):
        self.surface, self.start, self.end = surface, start, end
        self.pos1, self.pos2, self.pos3, self.cform = pos1, pos2, pos3, cform
        self.lemma, self.kana = lemma, kana


def tokenize(folded: str) -> list[Token]:
    """MeCab tokens of (width-folded) text, with character offsets.

    Reads MeCab's text output (surface, pronunciation, base reading, lemma, POS, conjugation
    type and form), which is several times faster than building a node object per token.
    """
    out = []
    append = out.append
    pos = 0
    find = folded.find
    parse = _tagger().parse
    for piece in _mecab_pieces(folded):
        for line in parse(piece).split("\n"):
            f = line.split("\t")
            if len(f) < 7:      # "EOS", the empty line after it, or fields left out
                if line == "EOS" or not line:
                    continue
                f += [""] * (7 - len(f))
            surface = f[0]
            start = find(surface, pos)
            if start < 0:
                start = pos
            pos = start + len(surface)
            pos_tags = f[4].split("-", 3)
            n = len(pos_tags)
            append(Token(surface, start, pos, pos_tags[0], pos_tags[1] if n > 1 else "*",
                         pos_tags[2] if n > 2 else "*", f[6] or "*", f[3] or None, f[2] or None))
    return out


# MeCab is given at most this many characters at once: a megabyte-long "sentence" without 。
# (a table dumped as one line) crashed it (segmentation fault at 1,000,000 characters).
MECAB_PIECE = 20_000


def _mecab_pieces(text: str):
    """TEXT in pieces MeCab can take, cut after a 、。 or a space near the limit where there is one."""
    start = 0
    while len(text) - start > MECAB_PIECE:
        end = start + MECAB_PIECE
        cut = max(text.rfind(mark, end - 2000, end) for mark in "、。 \u3000,")
        end = cut + 1 if cut > start else end
        yield text[start:end]
        start = end
    yield text[start:]


class Japanese(Language):
    code = "ja"
    name = "Japanese"
    locale = "ja-JP"
    script = "Jpan"
    spaced = False
    joiner = ""
    remembers_words = True

    # -- normalising -------------------------------------------------------------------
    def ends_sentence(self, line: str) -> bool:
        t = line.rstrip().rstrip(_CLOSE_QUOTES)
        return bool(t) and t[-1] in _END

    def line_unfinished(self, line: str) -> bool:
        t = line.rstrip()
        if not t:
            return False
        if t[-1] in "、，,・" or t[-1] in _OPEN:
            return True
        if t[-1] in _END or t[-1] in _CLOSE_QUOTES:
            return False
        if not ("\u3041" <= t[-1] <= "\u309f"):
            return False  # particles are written in hiragana
        last = tokenize(fold(t[-40:]))[-1:]
        # A Japanese sentence never ends on a particle (except sentence-final ones) or a prefix.
        return bool(last) and (last[0].pos1 in ("助詞", "接頭辞") and last[0].pos2 != "終助詞")

    def first_unbreakable(self, line: str) -> str:
        # Japanese breaks between any two characters, but never before 、。」) (kinsoku)
        k = 1
        while k < len(line) and (line[k] in _END or line[k] in _CLOSE_QUOTES or line[k] in "、，,・ー"):
            k += 1
        latin = _LATIN_WORD.match(line)
        if latin:
            # a Latin word or a number runs to its end, and no further: 1420年 may break before 年
            # (the whole rest of the line up to a space made every line after a heading a
            # continuation of it)
            return latin.group()
        return line[:k]

    def join_lines(self, a: str, b: str) -> str:
        # A space only between two ASCII letters or digits (ＡＳＥ + ＡＮ joins without one).
        fa, fb = a[-1:], b[:1]
        if fa.isascii() and fb.isascii() and fa.isalnum() and fb.isalnum():
            return a + " " + b
        return a + b

    # -- segmenting --------------------------------------------------------------------
    def segment(self, paragraph: str, kind: str = "text") -> list[Sentence]:
        """Sentences end at 。！？ (with closing brackets after them), never inside 「」『』（）."""
        if kind in ("heading", "columns"):
            return [Sentence(paragraph.strip(), kind)]
        out = []
        depth = 0
        start = 0
        i = 0
        n = len(paragraph)
        while i < n:
            c = paragraph[i]
            if c in _OPEN:
                depth += 1
            elif c in _CLOSE:
                depth = max(0, depth - 1)
            elif c in _END and depth == 0:
                j = i + 1
                while j < n and (paragraph[j] in _END or paragraph[j] in _CLOSE_QUOTES):
                    j += 1
                piece = paragraph[start:j].strip()
                if piece:
                    out.append(Sentence(piece, kind))
                start = i = j
                continue
            i += 1
        rest = paragraph[start:].strip()
        if rest:
            out.append(Sentence(rest, kind))
        return out

    # -- features ----------------------------------------------------------------------
    def sentence_features(self, text: str) -> Features:
        folded, origin = fold_with_offsets(text)
        tokens = tokenize(folded)
        if self.keeps_words:
            _remember_content_words(text, tokens)
        hard: Counter = Counter()
        soft: Counter = Counter()
        _numbers(folded, tokens, hard, soft)
        A.clock_24h(folded, hard, soft)
        for key in A.acronyms(folded):
            hard[key] += 1
        _names(folded, tokens, hard, soft)
        ends = self._inner_sentence_ends(text)
        points, fractions = _split_points(folded, tokens, origin, ends)
        length = len(re.sub(r"\s+", "", folded))
        return Features(length=float(length), hard=hard, soft=soft, split_points=points,
                        split_fractions=fractions, split_sentence=tuple(p in ends for p in points))

    def split_points(self, text: str) -> tuple[int, ...]:
        """Clause boundaries of TEXT (offsets into TEXT), where a long sentence may be cut."""
        folded, origin = fold_with_offsets(text)
        return _split_points(folded, tokenize(folded), origin, self._inner_sentence_ends(text))[0]

    def _inner_sentence_ends(self, text: str) -> list[int]:
        """Ends of the sentences inside TEXT but its last (a presegmented line may hold several)."""
        body = text.rstrip().rstrip(_END + _CLOSE_QUOTES)
        if not any(c in body for c in _END):
            return []   # no sentence end before the last: most lines (segment() walks every character)
        ends, pos = [], 0
        for sentence in self.segment(text)[:-1]:
            pos = text.index(sentence.text, pos) + len(sentence.text)
            ends.append(pos)
        return ends

    def words(self, text: str) -> set[str]:
        """The character bigrams of Language.words and MeCab's content words (nouns, verbs,
        adjectives, adverbs; by lemma, so 使った and 使う are one word): a bigram runs across word
        boundaries (協力を, を強), a word does not. Strict F1 with both, against bigrams alone:
        kyoto-dev-noisy 0.9716 -> 0.9728, ja-th 0.9838 -> 0.9849, ja-vi 0.9838 -> 0.9849, ja-zh
        0.9914 -> 0.9930, the other ja sets unchanged; words alone lost on ja-vi (0.9822), wmt21."""
        found = _CONTENT_WORDS.get(text)
        if found is None:
            found = _content_words(tokenize(fold(text)))
        return super().words(text) | found

    def share_of_script(self, text: str) -> float:
        return self.share_of_letters(text, _JA_CHAR)

    def remembered(self, texts: list[str]) -> dict:
        return {t: _CONTENT_WORDS[t] for t in texts if t in _CONTENT_WORDS}

    def remember(self, kept: dict) -> None:
        for text, words in kept.items():
            _keep_content_words(text, words)


def _content_words(tokens: list[Token]) -> frozenset[str]:
    return frozenset((t.lemma or t.surface).lower() for t in tokens
                     if t.pos1 in _CONTENT_POS and t.pos2 not in ("数詞", "非自立可能")
                     and (len(t.surface) >= 2 or _JA_CHAR.match(t.surface)))


# The content words of the sentences whose features were made last, by text: the lexicon asks for
# a sentence's words after its features, and MeCab a second time added 0.7 s to a 1k-sentence pair.
# Bounded: a lexicon is learned only from documents of up to LEXICON_MAX_SENTENCES a side. Not kept
# in feature workers (Language.keeps_words): 40 us a sentence for nothing, 3 s of the 100k pair.
_CONTENT_WORDS: dict[str, frozenset[str]] = {}
_CONTENT_WORDS_KEPT = 20_000


def _remember_content_words(text: str, tokens: list[Token]) -> None:
    _keep_content_words(text, _content_words(tokens))


def _keep_content_words(text: str, words: frozenset[str]) -> None:
    if len(_CONTENT_WORDS) >= _CONTENT_WORDS_KEPT:
        _CONTENT_WORDS.clear()
    _CONTENT_WORDS[text] = words


def _numbers(folded: str, tokens: list[Token], hard: Counter, soft: Counter) -> None:
    numeral_tokens = [t for t in tokens if t.pos2 == "数詞"]
    used: list[tuple[int, int]] = []
    for m in _ERA.finditer(folded):
        year = 1 if m.group(2) == "元" else int(m.group(2))
        A.add_number(hard, soft, A.ERA_START[m.group(1)] + year)
        used.append(m.span())
    for m in _NUMERAL_RUN.finditer(folded):
        s, e = m.span()
        run = m.group(0).rstrip(",.")
        e = s + len(run)
        if not run or any(us <= s < ue for us, ue in used):
            continue
        if _KANJI_ONLY.fullmatch(run):
            # Kanji numerals only where MeCab sees a numeral: not 十分 (enough), 千葉 (Chiba).
            if not any(t.start < e and s < t.end for t in numeral_tokens):
                continue
        value = A.japanese_number(run)
        values = [value] if value is not None else [A.parse_digits(d) for d in A.DIGITS.findall(run)]
        after = folded[e:e + 2].lstrip()
        before_token = next((t for t in reversed(tokens) if t.end <= s and t.surface.strip()), None)
        if (after.startswith("年") and before_token is not None and before_token.end == s
                and before_token.pos2 == "固有名詞" and before_token.pos3 == "一般"):
            continue  # a year of a historical era (応永27年): the English gives the Gregorian year
        for v in values:
            if after.startswith("月") and len(values) == 1 and 1 <= v <= 12 and v.is_integer():
                hard[f"m:{int(v)}"] += 1
            else:
                A.add_number(hard, soft, v)


def _names(folded: str, tokens: list[Token], hard: Counter, soft: Counter) -> None:
    """Names and loanwords: UniDic's English lemma, romanised readings, Latin words."""
    for t in tokens:
        lemma = t.lemma or ""
        if "-" in lemma:
            english = lemma.split("-", 1)[1]
            if english.isascii() and english[:1].isalpha():
                for w in A.LATIN_WORD.findall(english):
                    soft.update(A.name_keys(w))
                continue
        if t.pos2 == "固有名詞" and t.kana:
            folded_lemma = fold(lemma)
            if folded_lemma.isascii() and folded_lemma.isupper() and len(folded_lemma) >= 2:
                hard["a:" + folded_lemma] += 1  # アセアン -> ASEAN
                continue
            soft.update(A.name_keys(A.hepburn(t.kana)))
    for w in A.LATIN_WORD.findall(folded):
        if not (w.isupper() and len(w) >= 2):  # acronyms are hard anchors already
            soft.update(A.name_keys(w))
    soft.update(A.katakana_skeleton_keys(folded))
    soft.update(A.latin_skeleton_keys(folded))
    soft.update(A.punctuation_keys(folded, parentheses=False))


def _split_points(folded: str, tokens: list[Token], origin: list[int], sentence_ends=()):
    """Where a sentence may be cut: the ends of sentences inside it, and clause boundaries
    (after 、 that follows a conjunctive particle or a continuative form)."""
    length = len(folded)
    cuts = {origin.index(e) if e in origin else None: e for e in sentence_ends}  # folded -> original
    for k in range(1, len(tokens)):
        t = tokens[k]
        if t.surface not in ("、", ","):
            continue
        prev = tokens[k - 1]
        clause_end = (
            (prev.pos1 == "助詞" and prev.pos2 == "接続助詞" and prev.surface in _CLAUSE_PARTICLES)
            or (prev.pos1 in ("動詞", "形容詞", "助動詞") and (prev.cform or "").startswith("連用形"))
            or folded[max(0, prev.end - 4):prev.end] == "とともに"
        )
        cut = t.end
        if clause_end and _MIN_CLAUSE <= cut <= length - _MIN_CLAUSE:
            cuts.setdefault(cut, origin[cut])
    cuts.pop(None, None)
    order = sorted(cuts)
    return tuple(cuts[c] for c in order), tuple(c / length for c in order)
