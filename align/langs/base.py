"""What a language provides to the pipeline: one small module per language behind this interface.

The aligner never sees a language: it gets, per sentence, a length and anchor keys
(`Features`). A language module segments paragraphs into sentences, measures lengths and finds
anchors; the normaliser asks it how lines join.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Sentence:
    """A sentence in its original characters.

    kind: the kind of the paragraph it came from ("text", "heading", "numbered", "columns"),
    or "line" when the input was presegmented.
    """
    text: str
    kind: str = "text"


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


class Language:
    """Base class; subclasses set code, name, locale, joiner and override what differs."""
    code = "xx"
    name = "unknown"
    locale = "xx"
    joiner = " "  # how sentences of one bead are joined in outputs

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
