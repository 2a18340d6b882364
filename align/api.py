"""The Python API: the same operations as the CLI, under the same names."""
from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from . import forked, params as P
from .document import Document, load_documents, make_document, prepare_features

if TYPE_CHECKING:
    from .aligner import Bead


@dataclass
class Alignment:
    """Two documents and the beads that pair their sentences."""
    src: Document
    tgt: Document
    beads: list[Bead]

    def pairs(self) -> Iterator[tuple[str, str, Bead]]:
        """(source text, target text, bead) per bead, sentences joined the way each language
        joins them (Japanese without a space, English with one)."""
        for bead in self.beads:
            yield (self.src.lang.joiner.join(self.src.sentences[i].text for i in bead.src),
                   self.tgt.lang.joiner.join(self.tgt.sentences[j].text for j in bead.tgt),
                   bead)


def align_documents(src: Document, tgt: Document, length_only: bool = False, lexicon=True) -> Alignment:
    """Align two Documents (LENGTH_ONLY: the Gale-Church baseline, without anchors).

    LEXICON: True: learn a lexicon from a first alignment of this pair and align again with it
    (align/lexicon.py); a `Lexicon` (say, learned from a whole batch): use it; False: one pass."""
    # both at once: long documents on every core. While a forked process starts on them, this
    # one imports the aligner (numpy and the modules below: 0.13 s of a 1k pair's 1.1 s)
    prepare_features([src, tgt], meanwhile=_import_aligner)
    from .aligner import align_features
    from .cognates import covered_pairs, with_han_keys
    from .lexicon import Lexicon, contested, training_pairs
    if length_only:
        return Alignment(src, tgt, align_features(src.features, tgt.features, length_only))
    src_features, tgt_features = with_han_keys(src.features, src.texts, src.lang, tgt.features, tgt.texts, tgt.lang)
    if lexicon is False or max(len(src.sentences), len(tgt.sentences)) > P.LEXICON_MAX_SENTENCES:
        return Alignment(src, tgt, align_features(src_features, tgt_features))
    # each sentence's words, for learning and for the lexicon's keys (computing them once saved a
    # 5k pair 1.3 s)
    src_words = [src.lang.words(t) for t in src.texts]
    tgt_words = [tgt.lang.words(t) for t in tgt.texts]
    if lexicon is True:
        first = align_features(src_features, tgt_features)
        pairs = training_pairs(src.lang, tgt.lang, src.texts, tgt.texts, first, words=(src_words, tgt_words))
        if len(pairs) < P.LEXICON_MIN_BEADS or all(b.confidence >= P.LEXICON_MIN_CONFIDENCE for b in first):
            return Alignment(src, tgt, first)  # too few pairs to learn from: words co-occur by chance
        # less what the pairs beside the places the first pass was unsure of taught it
        left_out = [p for p, c in zip(pairs, contested(first)) if c]
        # the translation model scores documents up to LEXICAL_MAX_SENTENCES: a 5k pair spent
        # 2.9 s of its 12 s training one it would not use
        scored = P.LEXICAL_WEIGHT and max(len(src.sentences), len(tgt.sentences)) <= P.LEXICAL_MAX_SENTENCES
        with _learned_beside(scored, pairs, left_out, src_words, tgt_words,
                             covered_pairs(src.lang, tgt.lang)) as (learned_lexicon, lexical_scores):
            lexicon = learned_lexicon()
            if lexicon is None:
                return Alignment(src, tgt, first)
            src_features = lexicon.annotate(src_features, src.texts, src.lang, "src", src_words)
            tgt_features = lexicon.annotate(tgt_features, tgt.texts, tgt.lang, "tgt", tgt_words)
            lexical = lexical_scores()
        return Alignment(src, tgt, align_features(src_features, tgt_features, lexical=lexical))
    # The second pass aligns the whole pair again. Reusing the first pass's length model saved 18%
    # of a kyoto-dev batch's time and cost strict F1 0.9889 -> 0.9879; keeping the first pass's
    # sure beads fixed and realigning only between them was faster still (a 1k pair 4.3 -> 3.2 s)
    # but lost more: kyoto-dev 0.9862, bsd-dev 0.9990, ko-en 0.9784, th-en 0.9844, ja-th 0.9745.
    lexicon = lexicon.without(covered_pairs(src.lang, tgt.lang))
    # the translation model's scores of sentence pairs (align/translation_model.py)
    lexical = lexicon.model.scores(src_words, tgt_words) if lexicon.model is not None else None
    return Alignment(src, tgt, align_features(lexicon.annotate(src_features, src.texts, src.lang, "src", src_words),
                                              lexicon.annotate(tgt_features, tgt.texts, tgt.lang, "tgt", tgt_words),
                                              lexical=lexical))


def _import_aligner() -> None:
    from . import aligner, cognates, lexicon, translation_model  # noqa: F401


def _learned_lexicon(pairs, left_out, covered):
    """The lexicon learned from PAIRS, less what LEFT_OUT taught it and the word pairs COVERED
    (Lexicon.without); None if it learned nothing."""
    from .lexicon import Lexicon
    lexicon = Lexicon.learn(pairs, model=False)
    return lexicon.leaving_out(left_out).without(covered) if len(lexicon) else None


@contextlib.contextmanager
def _learned_beside(scored: bool, pairs, left_out, src_words, tgt_words, covered):
    """The second pass's lexicon (_learned_lexicon) and translation model's scores
    (TranslationModel.learn(PAIRS).leaving_out(LEFT_OUT).scores(...), None if not SCORED): the
    block gets two functions that return them. From P.FORKED_MODEL_FROM sentences a forked
    process learns the lexicon, sends it, then learns the model's forward direction, while this
    one learns the backward direction, then annotates with the lexicon (a 1k pair, 16
    alternating runs: 1.70 -> 1.62 s, against the lexicon learned here; a third process for it
    was slower still); below, all of it here, the model only if the lexicon learned something."""
    from .translation_model import TranslationModel, direction_scores
    if scored and len(src_words) + len(tgt_words) >= P.FORKED_MODEL_FROM and forked.can_fork():
        with forked.beside_each((_learned_lexicon, (pairs, left_out, covered)),
                                (direction_scores, (pairs, left_out, src_words, tgt_words))) as (lexicon, forward):
            backward = direction_scores(pairs, left_out, src_words, tgt_words, backward=True)
            yield lexicon.result, lambda: (forward.result(), backward)
    elif scored:
        yield (lambda: _learned_lexicon(pairs, left_out, covered),
               lambda: TranslationModel.learn(pairs).leaving_out(left_out).scores(src_words, tgt_words))
    else:
        yield (lambda: _learned_lexicon(pairs, left_out, covered)), (lambda: None)


def align_texts(src_text: str, tgt_text: str, src_lang: str | None = None, tgt_lang: str | None = None,
                presegmented: bool = False, length_only: bool = False, lexicon=True) -> Alignment:
    """Align two texts (as extracted from PDFs, or one sentence per line when presegmented)."""
    src = make_document(src_text, src_lang, presegmented, name="source")
    tgt = make_document(tgt_text, tgt_lang, presegmented, name="target")
    return align_documents(src, tgt, length_only, lexicon)


def align_files(src_path: str | os.PathLike, tgt_path: str | os.PathLike, src_lang: str | None = None,
                tgt_lang: str | None = None, presegmented: bool = False, length_only: bool = False,
                lexicon=True) -> Alignment:
    """Read, segment and align two files."""
    src, tgt = load_documents([src_path, tgt_path], [src_lang, tgt_lang], presegmented)
    return align_documents(src, tgt, length_only, lexicon)
