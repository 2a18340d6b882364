"""Scoring alignments against gold: strict and lax precision, recall and F1.

The Text+Berg definition (Sennrich and Volk 2011) as used by vecalign and bertalign:
- strict: a test bead counts only if the gold has exactly the same bead;
- lax: a test bead also counts if it shares a source and a target sentence with one gold bead;
- precision is over test beads (1-0 and 0-1 included), recall is over gold beads with both
  sides non-empty, matched against test beads with both sides non-empty.
Counts are summed over all documents before dividing (micro-average).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

Bead = tuple[tuple[int, ...], tuple[int, ...]]


def _hits(reference: list[Bead], candidates: list[Bead]) -> tuple[int, int, int]:
    """(candidates, strict hits, lax hits) of CANDIDATES against REFERENCE."""
    ref = {(tuple(s), tuple(t)) for s, t in reference if s or t}
    cand = {(tuple(s), tuple(t)) for s, t in candidates if s or t}
    targets_of = defaultdict(set)
    for s, t in ref:
        for i in s:
            targets_of[i].update(t)
    strict = lax = 0
    for s, t in cand:
        if (s, t) in ref:
            strict += 1
            lax += 1
        elif any(j in targets_of[i] for i in s for j in t):
            lax += 1
    return len(cand), strict, lax


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Score:
    test_beads: int = 0
    strict_p_hits: int = 0
    lax_p_hits: int = 0
    gold_beads: int = 0
    strict_r_hits: int = 0
    lax_r_hits: int = 0
    gold_types: Counter = field(default_factory=Counter)
    test_types: Counter = field(default_factory=Counter)
    correct_types: Counter = field(default_factory=Counter)  # strict hits by gold bead type
    documents: int = 0

    def add(self, gold: list[Bead], test: list[Bead]) -> "Score":
        n, s, l = _hits(gold, test)
        self.test_beads += n
        self.strict_p_hits += s
        self.lax_p_hits += l
        gold_full = [b for b in gold if b[0] and b[1]]
        test_full = [b for b in test if b[0] and b[1]]
        n, s, l = _hits(test_full, gold_full)
        self.gold_beads += n
        self.strict_r_hits += s
        self.lax_r_hits += l
        test_set = {(tuple(a), tuple(b)) for a, b in test}
        for a, b in gold:
            t = f"{len(a)}-{len(b)}"
            self.gold_types[t] += 1
            if (tuple(a), tuple(b)) in test_set:
                self.correct_types[t] += 1
        for a, b in test:
            self.test_types[f"{len(a)}-{len(b)}"] += 1
        self.documents += 1
        return self

    def __iadd__(self, other: "Score") -> "Score":
        for name in ("test_beads", "strict_p_hits", "lax_p_hits", "gold_beads", "strict_r_hits",
                     "lax_r_hits", "documents"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.gold_types += other.gold_types
        self.test_types += other.test_types
        self.correct_types += other.correct_types
        return self

    def _ratio(self, a: int, b: int) -> float:
        return a / b if b else 0.0

    @property
    def precision_strict(self): return self._ratio(self.strict_p_hits, self.test_beads)
    @property
    def precision_lax(self): return self._ratio(self.lax_p_hits, self.test_beads)
    @property
    def recall_strict(self): return self._ratio(self.strict_r_hits, self.gold_beads)
    @property
    def recall_lax(self): return self._ratio(self.lax_r_hits, self.gold_beads)
    @property
    def f1_strict(self): return _f1(self.precision_strict, self.recall_strict)
    @property
    def f1_lax(self): return _f1(self.precision_lax, self.recall_lax)

    def as_dict(self) -> dict:
        return {
            "documents": self.documents,
            "strict": {"precision": self.precision_strict, "recall": self.recall_strict, "f1": self.f1_strict},
            "lax": {"precision": self.precision_lax, "recall": self.recall_lax, "f1": self.f1_lax},
            "bead_types": {t: {"gold": self.gold_types[t], "test": self.test_types[t],
                               "correct": self.correct_types[t]}
                           for t in sorted(set(self.gold_types) | set(self.test_types), key=_type_order)},
        }


def _type_order(t: str):
    a, b = t.split("-")
    return (int(a) + int(b), t)


def score(gold: list[Bead], test: list[Bead]) -> Score:
    """Score one document's test beads against its gold beads."""
    return Score().add(gold, test)
