"""The QA flags of review rows: those of `aligntm report` (align/qa/flags.py), per row.

Finding a pair's anchors again to explain a conflict runs the segmenter, and a 10,000-row page
must open in well under two seconds: so the costly parts (the anchor flag's reason and the
length ratio) are computed once when a row is made and kept in it as row["qa"]; the page's
flags are then put together from them in microseconds.
"""
from __future__ import annotations

from ..langs import get_language
from ..qa.alignment_files import Document, Pair
from ..qa.flags import FLAG_KINDS, Flag, anchor_flag, pair_flags, pair_log_ratio, recurring_mismatches
from ..qa.lengths import robust_centre_and_spread
from ..qa import thresholds as T

SHOWN_KINDS = {k: v for k, v in FLAG_KINDS.items() if k != "mt"}


class ReviewFlags:
    """Flags of the rows of one review: per language pair shown (the two languages, or each
    with the pivot), the document's recurring anchor mismatches and length reference."""

    def __init__(self, rows: list[dict], languages: list[str], pivot: str | None, name: str = "review"):
        self.languages = languages
        self.pairs = ([(lang, pivot) for lang in languages if lang != pivot] if pivot and len(languages) > 2
                      else [tuple(languages[:2])])
        self.name = name
        self.recurring = {}
        self.documents = {}
        for src, tgt in self.pairs:
            pairs = [self._pair(row, src, tgt, (), ()) for row in rows]
            document = Document(name, None, name, src, tgt, pairs)
            self.documents[(src, tgt)] = document
            self.recurring[(src, tgt)] = {r.key for r in recurring_mismatches(document)}
        for row in rows:
            if "qa" not in row:
                self.annotate(row)
        self.lengths = {}
        for key in self.pairs:
            ratios = [row["qa"][f"{key[0]}-{key[1]}"][1] for row in rows]
            ratios = [r for r in ratios if r is not None]
            self.lengths[key] = self._reference(ratios)

    @staticmethod
    def _reference(ratios):
        from ..qa.flags import LengthReference
        if len(ratios) < T.LENGTH_MIN_BEADS:
            return None
        centre, spread = robust_centre_and_spread(ratios, T.LENGTH_MIN_SPREAD)
        return LengthReference(centre, spread, len(ratios), False)

    def _pair(self, row: dict, src: str, tgt: str, src_ids, tgt_ids) -> Pair:
        def text(lang):
            return get_language(lang).joiner.join(s["text"] for s in row["cells"][lang])
        confidence = 1.0 if row["status"] == "confirmed" or row.get("confidence") is None else row["confidence"]
        return Pair(0, tuple(src_ids), tuple(tgt_ids), confidence, text(src), text(tgt),
                    row.get("matched", []), row.get("conflicts", []))

    def annotate(self, row: dict) -> dict:
        """Keep in ROW what its flags cost to compute: per pair, the anchor flag's reason and
        the length ratio."""
        qa = {}
        for src, tgt in self.pairs:
            pair = self._pair(row, src, tgt, range(len(row["cells"][src])), range(len(row["cells"][tgt])))
            flag = anchor_flag(pair, self.documents[(src, tgt)], self.recurring[(src, tgt)])
            qa[f"{src}-{tgt}"] = [flag.reason if flag else None, pair_log_ratio(pair, src, tgt)]
        row["qa"] = qa
        return row

    def flags(self, row: dict, ids: dict) -> list[dict]:
        """The flags of ROW whose sentences are IDS (per language, indices in the documents)."""
        if "qa" not in row:
            self.annotate(row)
        out = []
        for src, tgt in self.pairs:
            if not ids[src] and not ids[tgt]:
                continue
            reason, ratio = row["qa"][f"{src}-{tgt}"]
            pair = self._pair(row, src, tgt, ids[src], ids[tgt])
            anchor = Flag("anchor", reason) if reason else None
            prefix = f"{src}-{tgt}: " if len(self.pairs) > 1 else ""
            for flag in pair_flags(pair, self.documents[(src, tgt)], self.lengths[(src, tgt)],
                                   self.recurring[(src, tgt)], None, anchor=anchor, ratio=ratio):
                if row["status"] == "confirmed" and flag.kind != "anchor":
                    continue   # checked by the reviewer; an anchor on one side stays worth seeing
                out.append({"kind": flag.kind, "reason": prefix + flag.reason})
        return out
