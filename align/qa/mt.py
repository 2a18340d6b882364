"""chrF of each pair against a machine translation of its source sentences (--src-mt).

A correct pair's target and the MT of its source say the same thing in the same language, so
they share many character n-grams; a misaligned or badly translated pair shares few. chrF
(sacrebleu's chrF2, the standard) is robust to word order and works without tokenising.
"""
from __future__ import annotations


from ..document import presegmented_sentences
from ..errors import InputError
from ..textio import read_text
from .alignment_files import Document, companion_files
from ..langs import joiner_of


def read_src_mt(documents: list[Document], src_mt) -> dict[str, list[str]]:
    """Per document name, the MT of each source sentence. SRC_MT is a file with one line per
    source sentence (one document), or a directory of such files named like the documents."""
    paths = companion_files(documents, src_mt, "machine translation file")
    out = {}
    for d in documents:
        lines = [s.text for s in presegmented_sentences(read_text(paths[d.name]))]
        if len(lines) != d.src_sentences:
            raise InputError(f"{paths[d.name]}: {len(lines)} lines, but the alignment {d.path} has "
                             f"{d.src_sentences} source sentences; expected one line of MT per source sentence")
        out[d.name] = lines
    return out


def pair_chrf(document: Document, mt_lines: list[str]) -> list[float | None]:
    """chrF of each pair: the MT of its source sentences against its target (None: a side is empty)."""
    from sacrebleu.metrics import CHRF
    chrf = CHRF()
    joiner = joiner_of(document.tgt_lang)
    scores = []
    for p in document.pairs:
        if not p.two_sided:
            scores.append(None)
            continue
        hypothesis = joiner.join(mt_lines[i].strip() for i in p.src)
        scores.append(round(chrf.sentence_score(hypothesis, [p.tgt_text]).score, 2))
    return scores
