"""Flags: the pairs a reviewer should look at, each with the reason in words.

Kinds (FLAG_KINDS): anchor conflicts, length ratio far off the document's own, low confidence,
unaligned sentences (0-1 and 1-0 beads), beads of many sentences, and a low chrF against a machine
translation of the source when one is given. Thresholds are in thresholds.py.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from . import thresholds as T
from .alignment_files import Document, Pair
from .anchor_conflicts import anchor_kind, anchor_label, describe, explain
from .lengths import log_ratio, robust_centre_and_spread, text_length

# kind -> what it means, in the order the report lists them
FLAG_KINDS = {
    "anchor": "a number, date or acronym on one side only, or different",
    "length": "length ratio far off the document's own",
    "confidence": "low alignment confidence",
    "unaligned": "a sentence left without translation (0-1 or 1-0 bead)",
    "merge": f"a bead of {T.MERGE_SENTENCES} or more sentences",
    "mt": "low chrF against the machine translation of the source",
}


@dataclass
class Flag:
    kind: str
    reason: str


@dataclass
class LengthReference:
    """The distribution a document's length ratios are judged against (log target/source)."""
    centre: float
    spread: float
    beads: int
    pooled: bool  # True: too few beads of its own, measured on all documents of its language pair

    def robust_sds(self, value: float) -> float:
        return (value - self.centre) / self.spread

    def bounds(self) -> tuple[float, float]:
        """Lowest and highest unflagged ratio (target/source, not log)."""
        k = T.LENGTH_ROBUST_SDS * self.spread
        return math.exp(self.centre - k), math.exp(self.centre + k)


@dataclass
class RecurringMismatch:
    """A hard anchor that conflicts in most pairs where it occurs: a convention of the translation."""
    key: str
    conflicting_pairs: int
    pairs: int

    @property
    def reason(self) -> str:
        return (f"{anchor_kind(self.key)} {anchor_label(self.key)} is on one side only in "
                f"{self.conflicting_pairs} of the {self.pairs} pairs where it occurs (a convention of this "
                f"translation?); not flagged pair by pair")


def pair_log_ratio(pair: Pair, src_lang: str, tgt_lang: str) -> float | None:
    if not pair.two_sided:
        return None
    return log_ratio(text_length(pair.src_text, src_lang), text_length(pair.tgt_text, tgt_lang))


def length_references(documents: list[Document]) -> dict[str, LengthReference | None]:
    """Per document name: its own median and spread of log length ratios, or those of all
    documents with the same language pair when it has fewer than LENGTH_MIN_BEADS two-sided beads
    (None when even those are too few)."""
    ratios = {d.name: [r for p in d.pairs if (r := pair_log_ratio(p, d.src_lang, d.tgt_lang)) is not None]
              for d in documents}
    pooled = defaultdict(list)
    for d in documents:
        pooled[d.src_lang, d.tgt_lang].extend(ratios[d.name])
    out = {}
    for d in documents:
        own = ratios[d.name]
        values, is_pooled = (own, False) if len(own) >= T.LENGTH_MIN_BEADS else (pooled[d.src_lang, d.tgt_lang], True)
        if len(values) < T.LENGTH_MIN_BEADS:
            out[d.name] = None
            continue
        centre, spread = robust_centre_and_spread(values, T.LENGTH_MIN_SPREAD)
        out[d.name] = LengthReference(centre, spread, len(values), is_pooled)
    return out


def recurring_mismatches(document: Document) -> list[RecurringMismatch]:
    """Hard anchors in conflict in at least RECURRING_MIN_BEADS pairs and in at least
    RECURRING_MIN_SHARE of the pairs where they occur (see thresholds.py)."""
    conflicting = Counter(k for p in document.pairs for k in set(p.conflicts))
    occurring = Counter(k for p in document.pairs for k in set(p.conflicts) | set(p.matched))
    return [RecurringMismatch(k, n, occurring[k]) for k, n in sorted(conflicting.items())
            if n >= T.RECURRING_MIN_BEADS and n >= T.RECURRING_MIN_SHARE * occurring[k]]


def _sentences(indices, numbered: bool = True) -> str:
    """0-based, as in the JSONL and beads files the reviewer will open next."""
    if not numbered:   # the editor, whose sentence numbers move with every edit
        return "sentence" if len(indices) == 1 else f"{len(indices)} sentences"
    if len(indices) == 1:
        return f"sentence {indices[0]}"
    return f"sentences {indices[0]}-{indices[-1]}"


def anchor_flag(pair: Pair, document: Document, recurring: set[str]) -> Flag | None:
    """The anchor flag of a pair: numbers, dates or acronyms on one side only (the anchors are
    found again in both texts, which costs a segmenter run: callers showing a pair many times
    keep the result)."""
    conflicts = [k for k in pair.conflicts if k not in recurring]
    if conflicts and pair.two_sided:
        explained = explain(conflicts, pair.src_text, pair.tgt_text, document.src_lang, document.tgt_lang)
        one_sided = [c for c in explained if c.one_sided]
        if one_sided:
            return Flag("anchor", describe(one_sided))
    return None


_COMPUTE = object()


def pair_flags(pair: Pair, document: Document, length: LengthReference | None,
               recurring: set[str], chrf: float | None, anchor=_COMPUTE, ratio=_COMPUTE,
               numbered: bool = True) -> list[Flag]:
    """The flags of one pair of DOCUMENT, in FLAG_KINDS order. ANCHOR (a Flag or None) and RATIO
    (pair_log_ratio) may be given when known, so that they are not computed again; NUMBERED
    False leaves sentence numbers out of the reasons."""
    flags = []
    anchor = anchor_flag(pair, document, recurring) if anchor is _COMPUTE else anchor
    if anchor is not None:
        flags.append(anchor)
    if ratio is _COMPUTE:
        ratio = pair_log_ratio(pair, document.src_lang, document.tgt_lang)
    if ratio is not None and length is not None:
        sds = length.robust_sds(ratio)
        if abs(sds) > T.LENGTH_ROBUST_SDS:
            flags.append(Flag("length", f"target {'longer' if sds > 0 else 'shorter'} than usual: length ratio "
                                        f"{math.exp(ratio):.2f} against the document's "
                                        f"{math.exp(length.centre):.2f} ({abs(sds):.1f} robust SDs off)"))
    if pair.confidence < T.LOW_CONFIDENCE:
        flags.append(Flag("confidence", f"confidence {pair.confidence:.2f} (below {T.LOW_CONFIDENCE:.2f})"))
    if not pair.tgt:
        flags.append(Flag("unaligned", f"source {_sentences(pair.src, numbered)} without translation ({pair.type} bead)"))
    elif not pair.src:
        flags.append(Flag("unaligned", f"target {_sentences(pair.tgt, numbered)} without source ({pair.type} bead)"))
    elif len(pair.src) + len(pair.tgt) >= T.MERGE_SENTENCES:
        flags.append(Flag("merge", f"{pair.type} bead: {len(pair.src)} source and {len(pair.tgt)} target "
                                   f"sentences in one pair"))
    if chrf is not None and chrf < T.LOW_CHRF:
        flags.append(Flag("mt", f"chrF {chrf:.1f} against the machine translation of the source "
                                f"(below {T.LOW_CHRF:.0f})"))
    return flags
