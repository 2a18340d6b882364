"""Comparing an alignment with its gold: scores (align.score, Text+Berg strict and lax) overall,
per document and per bead type, and, bead by bead, where the two disagree."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..formats.beads import read_beads
from ..score import Score
from .alignment_files import Document, companion_files

Bead = tuple[tuple[int, ...], tuple[int, ...]]

# Status of a test pair against the gold (the per-bead view of Score's strict and lax hits)
EXACT = "exact"      # the gold has this very bead (a strict hit)
PARTIAL = "partial"  # shares a source and a target sentence with one gold bead (a lax hit only)
WRONG = "wrong"      # neither


@dataclass
class GoldComparison:
    gold: list[Bead]
    score: Score
    status: list[str]                       # per test pair: EXACT, PARTIAL or WRONG
    overlapping_gold: list[list[Bead]]      # per test pair not EXACT: the gold beads sharing a sentence with it
    missed: list[tuple[Bead, list[int]]]    # gold beads not in the test, with the test pairs sharing a sentence
    by_type: dict[str, Score] = field(default_factory=dict)


def read_gold(documents: list[Document], gold) -> dict[str, list[Bead]]:
    """Gold beads per document name. GOLD is a beads file (for a single document) or a directory
    of beads files named like the documents (the layout of ../shared/eval and of `aligntm batch`)."""
    paths = companion_files(documents, gold, "gold file")
    beads = {}
    for d in documents:
        beads[d.name] = read_beads(paths[d.name])
        _check_range(d, beads[d.name], paths[d.name])
    return beads


def _check_range(document: Document, gold: list[Bead], path: Path) -> None:
    """A gold bead beyond the alignment's sentences means the two were segmented differently."""
    n_src, n_tgt = document.src_sentences, document.tgt_sentences
    top_src = max((i for s, _ in gold for i in s), default=-1) + 1
    top_tgt = max((j for _, t in gold for j in t), default=-1) + 1
    if top_src > n_src or top_tgt > n_tgt:
        raise InputError(f"{path}: gold reaches source sentence {top_src} and target sentence {top_tgt} but "
                         f"the alignment {document.path} has {n_src} and {n_tgt}; were they segmented the same way?")


def _type(bead: Bead) -> str:
    return f"{len(bead[0])}-{len(bead[1])}"


def type_order(bead_type: str) -> tuple[int, str]:
    """Bead types by size, then by name: 0-1, 1-0, 1-1, 1-2, 2-1, ..."""
    a, b = bead_type.split("-")
    return int(a) + int(b), bead_type


def _type_scores(gold: list[Bead], test: list[Bead]) -> dict[str, Score]:
    """Per bead type: precision over the test beads of that type, recall over the gold beads of
    that type, each against all beads of the other side (so the figures mean what Score's do)."""
    out = {}
    for t in sorted({_type(b) for b in gold} | {_type(b) for b in test}, key=type_order):
        of_test = Score().add(gold, [b for b in test if _type(b) == t])
        of_gold = Score().add([b for b in gold if _type(b) == t], test)
        s = Score(test_beads=of_test.test_beads, strict_p_hits=of_test.strict_p_hits, lax_p_hits=of_test.lax_p_hits,
                  gold_beads=of_gold.gold_beads, strict_r_hits=of_gold.strict_r_hits, lax_r_hits=of_gold.lax_r_hits,
                  documents=1)
        s.gold_types[t] = of_gold.gold_types[t]
        s.test_types[t] = of_test.test_types[t]
        s.correct_types[t] = of_gold.correct_types[t]
        out[t] = s
    return out


def compare(document: Document, gold: list[Bead]) -> GoldComparison:
    test = document.beads()
    gold = [(tuple(s), tuple(t)) for s, t in gold]
    gold_set = set(gold)
    test_set = set(test)
    gold_of_src, gold_of_tgt = defaultdict(list), defaultdict(list)
    for b in gold:
        for i in b[0]:
            gold_of_src[i].append(b)
        for j in b[1]:
            gold_of_tgt[j].append(b)
    status, overlapping = [], []
    for s, t in test:
        if (s, t) in gold_set:
            status.append(EXACT)
            overlapping.append([])
            continue
        near = list(dict.fromkeys([b for i in s for b in gold_of_src[i]] + [b for j in t for b in gold_of_tgt[j]]))
        # lax: one gold bead holds both a source and a target sentence of this pair
        lax = any(set(b[0]) & set(s) and set(b[1]) & set(t) for b in near)
        status.append(PARTIAL if lax else WRONG)
        overlapping.append(near)
    pair_of_src, pair_of_tgt = {}, {}
    for n, (s, t) in enumerate(test):
        for i in s:
            pair_of_src[i] = n
        for j in t:
            pair_of_tgt[j] = n
    missed = []
    for b in gold:
        if b not in test_set:
            pairs = sorted({pair_of_src[i] for i in b[0] if i in pair_of_src} |
                           {pair_of_tgt[j] for j in b[1] if j in pair_of_tgt})
            missed.append((b, pairs))
    return GoldComparison(gold, Score().add(gold, test), status, overlapping, missed, _type_scores(gold, test))


def score_figures(score: Score) -> dict:
    """Strict and lax precision, recall, F1 of SCORE with the counts behind them; None where a
    figure has nothing to be measured on (no test beads, or no two-sided gold beads)."""
    p = lambda v: v if score.test_beads else None
    r = lambda v: v if score.gold_beads else None
    f = lambda v: v if score.test_beads and score.gold_beads else None
    return {
        "strict": {"precision": p(score.precision_strict), "recall": r(score.recall_strict), "f1": f(score.f1_strict)},
        "lax": {"precision": p(score.precision_lax), "recall": r(score.recall_lax), "f1": f(score.f1_lax)},
        "counts": {"test_beads": score.test_beads, "strict_precision_hits": score.strict_p_hits,
                   "lax_precision_hits": score.lax_p_hits, "gold_beads": score.gold_beads,
                   "strict_recall_hits": score.strict_r_hits, "lax_recall_hits": score.lax_r_hits},
    }


def type_figures(by_type: dict[str, Score]) -> dict:
    """Per bead type: gold/test/correct counts (as `aligntm score`) and strict/lax P, R, F1."""
    return {t: {"gold": s.gold_types[t], "test": s.test_types[t], "correct": s.correct_types[t], **score_figures(s)}
            for t, s in sorted(by_type.items(), key=lambda kv: type_order(kv[0]))}


def add_type_scores(total: dict[str, Score], more: dict[str, Score]) -> None:
    for t, s in more.items():
        if t not in total:
            total[t] = Score()
        total[t] += s
