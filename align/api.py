"""The Python API: the same operations as the CLI, under the same names."""
from __future__ import annotations

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
    if length_only:
        return Alignment(src, tgt, align_features(src.features, tgt.features, length_only))
    src_features, tgt_features = with_han_keys(src.features, src.texts, src.lang, tgt.features, tgt.texts, tgt.lang)
    if lexicon is False or max(len(src.sentences), len(tgt.sentences)) > P.LEXICON_MAX_SENTENCES:
        return Alignment(src, tgt, align_features(src_features, tgt_features))
    covered = covered_pairs(src.lang, tgt.lang)
    # the translation model scores documents up to LEXICAL_MAX_SENTENCES: a 5k pair spent 2.9 s
    # of its 12 s training one it would not use
    scored = P.LEXICAL_WEIGHT and max(len(src.sentences), len(tgt.sentences)) <= P.LEXICAL_MAX_SENTENCES
    if (lexicon is True and scored and len(src.sentences) + len(tgt.sentences) >= P.FORKED_MODEL_FROM
            and forked.can_fork()):
        return _aligned_twice_beside(src, tgt, src_features, tgt_features, covered)
    words = _words(src, tgt)
    if lexicon is True:
        first = align_features(src_features, tgt_features)
        pairs, left_out = _training(src, tgt, first, words)
        if not _worth_learning(pairs, first):
            return Alignment(src, tgt, first)
        lexicon = _learned_lexicon(pairs, left_out, covered)
        if lexicon is None:
            return Alignment(src, tgt, first)
        from .translation_model import TranslationModel
        lexical = TranslationModel.learn(pairs).leaving_out(left_out).scores(*words) if scored else None
        return _aligned_again(src, tgt, src_features, tgt_features, words, lexicon, lexical)
    # The second pass aligns the whole pair again. Reusing the first pass's length model saved 18%
    # of a kyoto-dev batch's time and cost strict F1 0.9889 -> 0.9879; keeping the first pass's
    # sure beads fixed and realigning only between them was faster still (a 1k pair 4.3 -> 3.2 s)
    # but lost more: kyoto-dev 0.9862, bsd-dev 0.9990, ko-en 0.9784, th-en 0.9844, ja-th 0.9745.
    lexicon = lexicon.without(covered)
    # the translation model's scores of sentence pairs (align/translation_model.py)
    lexical = lexicon.model.scores(*words) if lexicon.model is not None else None
    return _aligned_again(src, tgt, src_features, tgt_features, words, lexicon, lexical)


def _import_aligner() -> None:
    from . import aligner, cognates, dp, lexicon, translation_model  # noqa: F401
    dp._compiled()    # the C core's library loaded (10 ms) once, not in each forked process


def _words(src: Document, tgt: Document) -> tuple[list[set], list[set]]:
    """Each sentence's words, for learning and for the lexicon's keys (computing them once saved
    a 5k pair 1.3 s)."""
    return [src.lang.words(t) for t in src.texts], [tgt.lang.words(t) for t in tgt.texts]


def _training(src: Document, tgt: Document, first, words):
    """The training pairs of FIRST's sure beads, and those of them beside a place it was unsure
    of, to be left out of what the lexicon and model learned (Lexicon.leaving_out)."""
    from .lexicon import contested, training_pairs
    pairs = training_pairs(src.lang, tgt.lang, src.texts, tgt.texts, first, words=words)
    return pairs, [p for p, c in zip(pairs, contested(first)) if c]


def _worth_learning(pairs, first) -> bool:
    """Whether a second pass is worth learning for: not from too few pairs (their words
    co-occur by chance), nor after a first pass sure of every bead."""
    return len(pairs) >= P.LEXICON_MIN_BEADS and not all(b.confidence >= P.LEXICON_MIN_CONFIDENCE for b in first)


def _learned_lexicon(pairs, left_out, covered):
    """The lexicon learned from PAIRS, less what LEFT_OUT taught it and the word pairs COVERED
    (Lexicon.without); None if it learned nothing."""
    from .lexicon import Lexicon
    lexicon = Lexicon.learn(pairs, model=False)
    return lexicon.leaving_out(left_out).without(covered) if len(lexicon) else None


def _aligned_again(src, tgt, src_features, tgt_features, words, lexicon, lexical) -> Alignment:
    """The second pass: the features with LEXICON's keys, and the model's scores LEXICAL."""
    from .aligner import align_features
    src_features = lexicon.annotate(src_features, src.texts, src.lang, "src", words[0])
    tgt_features = lexicon.annotate(tgt_features, tgt.texts, tgt.lang, "tgt", words[1])
    return Alignment(src, tgt, align_features(src_features, tgt_features, lexical=lexical))


def _aligned_twice_beside(src, tgt, src_features, tgt_features, covered) -> Alignment:
    """align_documents' two passes on two cores. A helper process forked as the first pass
    begins computes each sentence's words meanwhile and sends them; from the first alignment,
    which this process sends it, it learns the lexicon (sent at once), then the model's forward
    direction. This process learns the backward direction and annotates with the lexicon.
    (A 1k pair, 16 alternating runs: 1.435 -> 1.345 s, against a helper forked after the first
    pass, with the words computed here.) The helper computes what this process would: if it
    dies, what it did not send is computed here."""
    from .aligner import Bead, align_features
    from .translation_model import direction_scores
    learned: dict = {}

    def once(key, make):          # in whichever process asks first
        if key not in learned:
            learned[key] = make()
        return learned[key]

    def words():
        return once("words", lambda: _words(src, tgt))

    def training():
        return once("training", lambda: _training(src, tgt, [Bead(*b) for b in first_sent.value()], words()))

    with forked.Later() as first_sent, \
            forked.beside_each((words, ()), (lambda: _learned_lexicon(*training(), covered), ()),
                               (lambda: direction_scores(*training(), *words()), ())) as (sent_words, lexicon, forward):
        first = align_features(src_features, tgt_features)
        first_sent.send([(b.src, b.tgt, b.confidence) for b in first])
        learned["words"] = sent_words.result()      # read: 0.02 s, computed: 0.075 s
        pairs, left_out = training()
        if not _worth_learning(pairs, first):
            return Alignment(src, tgt, first)
        backward = direction_scores(pairs, left_out, *words(), backward=True)
        lexicon = lexicon.result()
        if lexicon is None:
            return Alignment(src, tgt, first)
        src_features = lexicon.annotate(src_features, src.texts, src.lang, "src", words()[0])
        tgt_features = lexicon.annotate(tgt_features, tgt.texts, tgt.lang, "tgt", words()[1])
        lexical = forward.result(), backward
    return Alignment(src, tgt, align_features(src_features, tgt_features, lexical=lexical))


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
