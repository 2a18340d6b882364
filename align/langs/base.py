"""What a language provides to the pipeline: one small module per language behind this interface.

The aligner never sees a language: it gets, per sentence, a length and anchor keys
(`Features`). A language module segments paragraphs into sentences, measures lengths and finds
anchors; the normaliser asks it how lines join.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import regex


@dataclass(frozen=True)
class Sentence:
    """A sentence in its original characters, and where it came from.

    kind: the kind of the paragraph it came from ("text", "heading", "numbered", "columns",
    "list", "cell", "footnote"), or "line" when the input was presegmented.
    paragraph: 1-based number of its paragraph (block) in the document; page: its page (PDF);
    line: the input line it starts on (text files). 0/None when unknown.
    """
    text: str
    kind: str = "text"
    paragraph: int = 0
    page: int | None = None
    line: int = 0


@dataclass
class Features:
    """What the aligner knows of one sentence."""
    length: float
    hard: Counter = field(default_factory=Counter)   # numbers, months, acronyms: must agree
    soft: Counter = field(default_factory=Counter)   # names, loanwords: count only when matched
    furniture: bool = False                          # page number line: cheap to leave unaligned
    # Clause boundaries where the sentence may be cut in two, for the aligner to pair one long
    # sentence with two shorter ones: offsets into the text, and the share of length before each.
    # split_sentence[k] says whether point k ends a sentence inside the text (a presegmented line
    # holding two sentences), a stronger sign than a clause boundary.
    split_points: tuple[int, ...] = ()
    split_fractions: tuple[float, ...] = ()
    split_sentence: tuple[bool, ...] = ()


_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+")
# scripts written without spaces, whose word-like units are character n-grams: (n, ...)
_NGRAM = {"Jpan": 2, "Hans": 2, "Hant": 2, "Hani": 2, "Kore": 2}
# spaced scripts whose words carry particles and endings, cut into n-grams like unspaced ones.
# Hangul syllable bigrams instead of words (strict F1): ko-en 0.9854 -> 0.9919, ja-ko 0.9886 -> 0.9892
# (both words and bigrams: 0.9919, 0.9875)
_AGGLUTINATED = {"Kore"}


# A reader's mark at the end of a line: the line ends inside a word broken at a soft hyphen.
SOFT_HYPHEN = "\u00ad"


class Language:
    """Base class; subclasses set code, name, locale, joiner and override what differs."""
    code = "xx"
    name = "unknown"
    locale = "xx"
    script = "Latn"  # ISO 15924
    spaced = True    # words separated by spaces
    joiner = " "  # how sentences of one bead are joined in outputs
    # whether features() may keep what it learns of each sentence for words() (the lexicon) to
    # read later: False in the forked processes that compute features only (document.py)
    keeps_words = True
    # whether features() keeps what words() reads (Japanese: MeCab's content words), so that a
    # document of this language is best computed in the process that will align it
    remembers_words = False

    # -- normalising -------------------------------------------------------------------
    def ends_sentence(self, line: str) -> bool:
        """Does LINE end with a sentence end?"""
        raise NotImplementedError

    def line_unfinished(self, line: str) -> bool:
        """Does LINE stop mid-sentence, so that the next line must continue it?"""
        raise NotImplementedError

    def join_lines(self, a: str, b: str) -> str:
        """Join two hard-wrapped lines of one paragraph."""
        return a + " " + b

    def join_wrapped(self, lines: list[str]) -> str:
        """Join the wrapped lines of one paragraph, each with the next as join_lines says, in time
        linear in the paragraph's length (80,000 lines joined one by one took a minute). A line a
        reader marked with a final soft hyphen ends inside a word: the next line continues it."""
        parts = [lines[0]]
        for nxt in lines[1:]:
            last = parts[-1]
            if last.endswith(SOFT_HYPHEN):
                parts[-1] = last[:-1]
                parts.append(nxt)
                continue
            joined = self.join_lines(last, nxt)
            if joined.endswith(nxt):
                parts[-1] = joined[:len(joined) - len(nxt)]
                parts.append(nxt)
            else:
                parts[-1] = joined
        return "".join(parts)

    def first_unbreakable(self, line: str) -> str:
        """The start of LINE up to its first line-break opportunity: what a renderer would have
        had to fit on the previous line (a word, for scripts that space their words)."""
        return line.split(" ", 1)[0]

    def repair_extraction(self, text: str) -> str:
        """Undo what PDF text extraction does to this script (line breaks are kept as they are)."""
        return text

    # -- segmenting, measuring, anchors -------------------------------------------------
    def segment(self, paragraph: str, kind: str = "text") -> list[Sentence]:
        raise NotImplementedError

    def features(self, sentences: list[Sentence]) -> list[Features]:
        return [self.sentence_features(s.text) for s in sentences]

    def sentence_features(self, text: str) -> Features:
        raise NotImplementedError

    def share_of_script(self, text: str) -> float:
        """Share of letters in TEXT that are in this language's script (for detection)."""
        raise NotImplementedError

    def remembered(self, texts: list[str]) -> dict:
        """What features() kept of TEXTS for words() (remembers_words), to send to the process
        that will ask (document._side_by_side)."""
        return {}

    def remember(self, kept: dict) -> None:
        """Keep what remembered() gave in another process."""

    @staticmethod
    def share_of_letters(text: str, pattern) -> float:
        """Share of the letters (str.isalpha) of TEXT that PATTERN matches, one at a time.
        Each distinct letter is looked at once, weighted by its count (a loop over 40,000
        characters took 20 ms, filter and findall over them 5 ms)."""
        counts = Counter(text)
        letters = "".join(filter(str.isalpha, counts))
        total = sum(map(counts.__getitem__, letters))
        return sum(map(counts.__getitem__, pattern.findall(letters))) / total if total else 0.0

    def words(self, text: str) -> set[str]:
        """Word-like units of TEXT for the lexicon learned from the documents (align/lexicon.py):
        lower-cased words of two characters or more; in scripts without spaces between words,
        overlapping character bigrams (Han, kana) or trigrams (Thai, Lao, Khmer, Burmese), which
        need no dictionary. Korean spaces its words but writes their particles and endings onto
        them (정부는, 정부가, 정부의): its words are cut into syllable bigrams too."""
        out = set()
        for w in _WORD.findall(text.lower()):
            # a Latin word in Japanese or Thai text is a word
            if (self.spaced and self.script not in _AGGLUTINATED) or w.isascii():
                if len(w) >= 2:
                    out.add(w)
                continue
            n = _NGRAM.get(self.script, 3)
            if len(w) <= n:
                if len(w) >= 2:
                    out.add(w)
                continue
            out.update(w[k:k + n] for k in range(len(w) - n + 1))
        return out
