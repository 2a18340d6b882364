"""Summary figures of a set of pairs (one document or all): counts, bead types, the confidence
distribution, the share of sentences left unaligned, flags by kind, histograms."""
from __future__ import annotations

import math
from bisect import bisect_right
import statistics
from collections import Counter

from . import thresholds as T
from .flags import FLAG_KINDS
from .gold import type_order

# Histogram bins. Confidence: 20 bins of 0.05, fine enough to see the mass below LOW_CONFIDENCE.
CONFIDENCE_EDGES = [i / 20 for i in range(21)]
# Length ratio off the document's own, in robust SDs: -6..6 by 0.5; the flag limit falls on an edge.
ROBUST_SD_EDGES = [i / 2 for i in range(-12, 13)]
# chrF 0..100 by 5: LOW_CHRF (25) falls on an edge.
CHRF_EDGES = [5 * i for i in range(21)]
# Length ratio (target/source, log scale): bins per factor of 2
RATIO_BINS_PER_OCTAVE = 4


def histogram(values: list[float], edges: list[float]) -> dict:
    """Counts of VALUES in the bins between EDGES; values outside go to the first or last bin
    (so nothing disappears from the picture)."""
    counts = [0] * (len(edges) - 1)
    for v in values:
        counts[min(max(bisect_right(edges, v) - 1, 0), len(counts) - 1)] += 1
    return {"edges": edges, "counts": counts}


def ratio_edges(ratios: list[float]) -> list[float]:
    """Log-spaced edges around RATIOS (target/source), RATIO_BINS_PER_OCTAVE per factor of 2."""
    if not ratios:
        return [0.5, 1.0, 2.0]
    step = math.log(2) / RATIO_BINS_PER_OCTAVE
    lo = math.floor(math.log(min(ratios)) / step)
    hi = math.ceil(math.log(max(ratios)) / step)
    if hi <= lo:
        hi = lo + 1
    return [round(math.exp(k * step), 4) for k in range(lo, hi + 1)]


def _quantile(sorted_values: list[float], q: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def confidence_figures(confidences: list[float]) -> dict:
    if not confidences:
        return {"mean": None, "median": None, "p10": None, "min": None, "below_threshold": 0,
                "histogram": histogram([], CONFIDENCE_EDGES)}
    ordered = sorted(confidences)
    return {
        "mean": round(statistics.fmean(ordered), 4),
        "median": round(statistics.median(ordered), 4),
        "p10": round(_quantile(ordered, 0.1), 4),
        "min": round(ordered[0], 4),
        "below_threshold": sum(c < T.LOW_CONFIDENCE for c in ordered),
        "histogram": histogram(ordered, CONFIDENCE_EDGES),
    }


def pairs_summary(pairs: list[dict], src_sentences: int, tgt_sentences: int, documents: int) -> dict:
    """Figures over PAIRS (the pair records of the report); sentence counts given by the caller."""
    types = Counter(p["type"] for p in pairs)
    # sentences in no two-sided pair: those of 1-0 / 0-1 beads, and any the alignment skipped
    unaligned_src = src_sentences - sum(len(p["src"]) for p in pairs if p["src"] and p["tgt"])
    unaligned_tgt = tgt_sentences - sum(len(p["tgt"]) for p in pairs if p["src"] and p["tgt"])
    flag_counts = Counter(k for p in pairs for k in {f["kind"] for f in p["flags"]})
    out = {
        "documents": documents,
        "sentences": {"src": src_sentences, "tgt": tgt_sentences},
        "pairs": len(pairs),
        "bead_types": {t: types[t] for t in sorted(types, key=type_order)},
        "confidence": confidence_figures([p["confidence"] for p in pairs]),
        "unaligned": {
            "src_sentences": unaligned_src, "tgt_sentences": unaligned_tgt,
            "share": round((unaligned_src + unaligned_tgt) / max(1, src_sentences + tgt_sentences), 4),
        },
        "flags": {k: flag_counts[k] for k in FLAG_KINDS if flag_counts[k]},
        "flagged_pairs": sum(1 for p in pairs if p["flags"]),
        "length_robust_sds": histogram([p["length_sds"] for p in pairs if p["length_sds"] is not None],
                                       ROBUST_SD_EDGES),
    }
    chrfs = [p["chrf"] for p in pairs if p.get("chrf") is not None]
    if chrfs:
        out["chrf"] = {"mean": round(statistics.fmean(chrfs), 2), "median": round(statistics.median(chrfs), 2),
                       "below_threshold": sum(c < T.LOW_CHRF for c in chrfs),
                       "histogram": histogram(chrfs, CHRF_EDGES)}
    return out
