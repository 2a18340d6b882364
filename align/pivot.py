"""Three (or more) languages through a pivot: each document is aligned with the pivot document,
and the pairwise beads are joined into units that hold every language present.

Japanese–Lao has almost no parallel resources, but both are translations of the English
original: aligning ja-en and lo-en and joining the beads on the English sentences gives a
trilingual memory, and a ja-lo alignment derived through English.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from .aligner import Bead
from .api import Alignment, align_documents
from .document import Document, load_document
from .errors import InputError


@dataclass
class Unit:
    """Sentence indices per language (a language may be absent: empty tuple) and the lowest
    confidence of the pairwise beads that formed the unit."""
    sentences: dict[str, tuple[int, ...]]
    confidence: float = 1.0

    def languages(self) -> list[str]:
        return [lang for lang, idx in self.sentences.items() if idx]


@dataclass
class PivotAlignment:
    documents: dict[str, Document]          # language code -> document, in the order given
    pivot: str
    pairwise: dict[str, Alignment]          # language -> its alignment with the pivot (pivot = target)
    units: list[Unit] = field(default_factory=list)

    def text(self, lang: str, unit: Unit) -> str:
        doc = self.documents[lang]
        return doc.lang.joiner.join(doc.sentences[i].text for i in unit.sentences.get(lang, ()))

    def alignment(self, src: str, tgt: str) -> Alignment:
        """The alignment of SRC with TGT: computed directly when one of them is the pivot,
        else derived from the units (through the pivot)."""
        if tgt == self.pivot and src in self.pairwise:
            return self.pairwise[src]
        if src == self.pivot and tgt in self.pairwise:
            a = self.pairwise[tgt]
            return Alignment(a.tgt, a.src, [Bead(b.tgt, b.src, b.confidence, b.matched, b.conflicts)
                                            for b in a.beads])
        for lang in (src, tgt):
            if lang not in self.documents:
                raise InputError(f"no {lang} document in this alignment")
        beads = []
        for unit in self.units:
            s, t = unit.sentences.get(src, ()), unit.sentences.get(tgt, ())
            if s or t:
                beads.append(Bead(s, t, unit.confidence))
        return Alignment(self.documents[src], self.documents[tgt], beads)


def join_on_pivot(pairwise: dict[str, list[Bead]], n_pivot: int, pivot: str) -> list[Unit]:
    """Units from each language's beads against the pivot (the pivot on the target side).

    Pivot sentences that some bead pairs together form one group; every bead joins the group of
    its pivot sentences. A bead without pivot sentences (a sentence the pivot lacks) is a unit
    of its own, placed after the group its language last touched.
    """
    # group boundaries: a bead covering pivot sentences p and p+1 joins them
    joined = [False] * max(n_pivot - 1, 0)
    for beads in pairwise.values():
        for b in beads:
            for p in b.tgt[:-1]:
                joined[p] = True
    group_of, groups = [], []
    for p in range(n_pivot):
        if p == 0 or not joined[p - 1]:
            groups.append(Unit({pivot: ()}))
        group_of.append(len(groups) - 1)
        g = groups[-1]
        g.sentences[pivot] = g.sentences[pivot] + (p,)
    between: list[list[Unit]] = [[] for _ in range(len(groups) + 1)]
    for lang, beads in pairwise.items():
        slot = 0  # L-only units go before group `slot`
        for g in groups:
            g.sentences.setdefault(lang, ())
        for b in beads:
            if b.tgt:
                g = groups[group_of[b.tgt[0]]]
                g.sentences[lang] = g.sentences[lang] + b.src
                g.confidence = min(g.confidence, b.confidence)
                slot = group_of[b.tgt[0]] + 1
            elif b.src:
                between[slot].append(Unit({lang: b.src}, b.confidence))
    units = []
    for k in range(len(groups) + 1):
        units.extend(between[k])
        if k < len(groups):
            units.append(groups[k])
    return units


def align_pivot(documents: dict[str, str | os.PathLike | Document], pivot: str = "en",
                presegmented: bool = False, length_only: bool = False) -> PivotAlignment:
    """Align every document with the PIVOT language's document and join them into units.

    DOCUMENTS maps language codes to paths (or Documents), e.g.
    align_pivot({"ja": "ja.txt", "en": "en.txt", "lo": "lo.txt"}, pivot="en").
    """
    docs: dict[str, Document] = {}
    for lang, doc in documents.items():
        docs[lang] = doc if isinstance(doc, Document) else load_document(doc, lang, presegmented)
    if pivot not in docs:
        raise InputError(f"the pivot language {pivot!r} has no document (languages: {', '.join(docs)})")
    if len(docs) < 2:
        raise InputError("a pivot alignment needs at least two documents")
    pairwise = {lang: align_documents(doc, docs[pivot], length_only)
                for lang, doc in docs.items() if lang != pivot}
    units = join_on_pivot({lang: a.beads for lang, a in pairwise.items()}, len(docs[pivot].sentences), pivot)
    return PivotAlignment(docs, pivot, pairwise, units)


def multilingual_units(alignment: PivotAlignment, locales: dict[str, str] | None = None,
                       document: str | None = None):
    """(segments, props) of every unit holding two languages or more: segments maps each
    locale present to its text."""
    locales = {lang: (locales or {}).get(lang) or doc.lang.locale for lang, doc in alignment.documents.items()}
    name = document or alignment.documents[alignment.pivot].name
    for unit in alignment.units:
        langs = unit.languages()
        if len(langs) < 2:
            continue
        segments = {locales[lang]: alignment.text(lang, unit) for lang in alignment.documents if lang in langs}
        props = {"x-confidence": f"{unit.confidence:.3f}",
                 "x-bead": "-".join(str(len(unit.sentences.get(lang, ()))) for lang in alignment.documents),
                 "x-languages": "-".join(alignment.documents),
                 "x-document": name}
        yield segments, props


def pair_alignments(alignment: PivotAlignment) -> dict[str, Alignment]:
    """Every pair of languages: each with the pivot, and the others through it ("ja-lo")."""
    others = [lang for lang in alignment.documents if lang != alignment.pivot]
    pairs = [(lang, alignment.pivot) for lang in others] + \
        [(a, b) for k, a in enumerate(others) for b in others[k + 1:]]
    return {f"{a}-{b}": alignment.alignment(a, b) for a, b in pairs}


def write_multilingual_tmx(alignment: PivotAlignment, path, locales: dict[str, str] | None = None,
                           document: str | None = None) -> int:
    """One TMX whose units hold a <tuv> for every language present in them; srclang = the pivot."""
    from tm.tmx import TmxWriter
    srclang = (locales or {}).get(alignment.pivot) or alignment.documents[alignment.pivot].lang.locale
    with TmxWriter(path, srclang=srclang) as tmx:
        for segments, props in multilingual_units(alignment, locales, document):
            tmx.add(segments, props)
    return tmx.count
