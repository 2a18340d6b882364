"""Building a QA report: read the alignments, flag pairs, compare with gold, sum up.

The report is plain data (Report.data, a JSON-ready dict): the JSON writer dumps it and the HTML
writer draws it, so the page and the file for scripts always carry the same figures.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from ..score import Score
from . import thresholds as T
from .alignment_files import read_alignments
from .flags import FLAG_KINDS, length_references, pair_flags, pair_log_ratio, recurring_mismatches
from .gold import add_type_scores, compare, read_gold, score_figures, type_figures
from .mt import pair_chrf, read_src_mt
from .summary import histogram, pairs_summary, ratio_edges

FORMAT_VERSION = 1


@dataclass
class Report:
    """The report as a JSON-ready dict: inputs, thresholds, summary, gold figures, documents with
    their pairs (texts, flags, gold status), and the flat list of flags with links."""
    data: dict

    @property
    def summary(self) -> dict:
        return self.data["summary"]

    @property
    def flags(self) -> list[dict]:
        return self.data["flags"]


def _html_ids(names: list[str]) -> list[str]:
    """Ids usable in a URL fragment (#pair-ID-N), one per document name, unique."""
    ids, used = [], set()
    for name in names:
        base = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "doc"
        candidate, k = base, 2
        while candidate in used:
            candidate, k = f"{base}-{k}", k + 1
        used.add(candidate)
        ids.append(candidate)
    return ids


def _bead(bead) -> dict:
    return {"src": list(bead[0]), "tgt": list(bead[1])}


def build_report(alignment_paths, gold=None, src_mt=None) -> Report:
    """A QA report of the JSONL alignments ALIGNMENT_PATHS (files, or directories of them).

    GOLD: a beads file, or a directory of beads files named like the alignment files, to compare
    with. SRC_MT: a machine translation of the source sentences (one line each; a directory of
    files for several documents), to score each pair with chrF.
    """
    if isinstance(alignment_paths, (str, Path)):
        alignment_paths = [alignment_paths]
    documents = read_alignments(alignment_paths)
    gold_beads = read_gold(documents, gold) if gold is not None else None
    mt_lines = read_src_mt(documents, src_mt) if src_mt is not None else None
    lengths = length_references(documents)

    doc_records, all_pairs, all_flags = [], [], []
    gold_total, gold_types = Score(), {}
    for document, html_id in zip(documents, _html_ids([d.name for d in documents])):
        length = lengths[document.name]
        recurring = recurring_mismatches(document)
        recurring_keys = {r.key for r in recurring}
        chrfs = pair_chrf(document, mt_lines[document.name]) if mt_lines else [None] * len(document.pairs)
        comparison = compare(document, gold_beads[document.name]) if gold_beads is not None else None
        pairs = []
        for p, chrf in zip(document.pairs, chrfs):
            ratio = pair_log_ratio(p, document.src_lang, document.tgt_lang)
            record = {
                "n": p.index, "id": f"pair-{html_id}-{p.index}",
                "src": list(p.src), "tgt": list(p.tgt), "type": p.type, "confidence": p.confidence,
                "src_text": p.src_text, "tgt_text": p.tgt_text,
                "src_place": p.src_place, "tgt_place": p.tgt_place,
                "anchors": {"matched": p.matched, "conflicts": p.conflicts},
                "length_ratio": round(math.exp(ratio), 3) if ratio is not None else None,
                "length_sds": round(length.robust_sds(ratio), 2) if ratio is not None and length else None,
                "chrf": chrf,
                "flags": [{"kind": f.kind, "reason": f.reason}
                          for f in pair_flags(p, document, length, recurring_keys, chrf)],
                "gold": None,
            }
            if comparison is not None:
                record["gold"] = {"status": comparison.status[p.index],
                                  "overlapping": [_bead(b) for b in comparison.overlapping_gold[p.index]]}
            pairs.append(record)
            for f in record["flags"]:
                all_flags.append({"doc": document.name, "pair": p.index, "kind": f["kind"], "reason": f["reason"],
                                  "link": "#" + record["id"]})
        summary = pairs_summary(pairs, document.src_sentences, document.tgt_sentences, 1)
        ratios = [p["length_ratio"] for p in pairs if p["length_ratio"] is not None]
        summary["length_ratio"] = {
            "median": round(math.exp(length.centre), 3) if length else None,
            "robust_sd": round(length.spread, 3) if length else None,
            "low": round(length.bounds()[0], 3) if length else None,
            "high": round(length.bounds()[1], 3) if length else None,
            "pooled": length.pooled if length else None,
            "histogram": histogram(ratios, ratio_edges(ratios)),
        }
        record = {
            "name": document.name, "id": html_id, "path": str(document.path), "source": document.source,
            "src_lang": document.src_lang, "tgt_lang": document.tgt_lang,
            "summary": summary,
            "recurring_mismatches": [{"key": r.key, "conflicting_pairs": r.conflicting_pairs, "pairs": r.pairs,
                                      "reason": r.reason} for r in recurring],
            "gold": None,
            "pairs": pairs,
        }
        if comparison is not None:
            record["gold"] = {**score_figures(comparison.score), "bead_types": type_figures(comparison.by_type),
                              "beads": [_bead(b) for b in comparison.gold],
                              "missed": [{**_bead(b), "pairs": near} for b, near in comparison.missed]}
            gold_total += comparison.score
            add_type_scores(gold_types, comparison.by_type)
        doc_records.append(record)
        all_pairs.extend(pairs)

    summary = pairs_summary(all_pairs, sum(d.src_sentences for d in documents),
                            sum(d.tgt_sentences for d in documents), len(documents))
    data = {
        "format": "aligntm-qa-report", "version": FORMAT_VERSION,
        "inputs": {"alignments": [str(p) for p in alignment_paths],
                   "gold": str(gold) if gold is not None else None,
                   "src_mt": str(src_mt) if src_mt is not None else None},
        "thresholds": T.as_dict(),
        "flag_kinds": FLAG_KINDS,
        "summary": summary,
        "gold": ({**score_figures(gold_total), "bead_types": type_figures(gold_types)}
                 if gold_beads is not None else None),
        "documents": doc_records,
        "flags": all_flags,
    }
    return Report(data)
