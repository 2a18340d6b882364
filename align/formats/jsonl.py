"""JSONL: one JSON object per bead, with sentence indices, texts, type, confidence, anchors, and
each side's sentences one by one (so that `aligntm review` can split a bead of several again)."""
from __future__ import annotations

import json


def records(alignment, document: str | None = None):
    for src, tgt, bead in alignment.pairs():
        yield {
            "doc": document or alignment.src.name,
            "src": list(bead.src), "tgt": list(bead.tgt),
            "type": bead.type,
            "confidence": round(bead.confidence, 4),
            "src_text": src, "tgt_text": tgt,
            "src_lang": alignment.src.lang.code, "tgt_lang": alignment.tgt.lang.code,
            "anchors": {"matched": bead.matched, "conflicts": bead.conflicts},
            "src_place": _place(alignment.src, bead.src), "tgt_place": _place(alignment.tgt, bead.tgt),
            "src_sentences": [alignment.src.sentences[i].text for i in bead.src],
            "tgt_sentences": [alignment.tgt.sentences[j].text for j in bead.tgt],
        }


def write(alignment, f, document: str | None = None) -> None:
    for record in records(alignment, document):
        f.write(json.dumps(record, ensure_ascii=False) + "\n")


def _place(document, indices) -> dict:
    place = getattr(document, "place", None)
    return place(indices) if place else {}
