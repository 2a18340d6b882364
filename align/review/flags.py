"""The QA flags of review rows: those of `aligntm report` (align/qa/flags.py), per row.

Finding a pair's anchors again to explain a conflict runs the segmenter, and a 10,000-row page
must open in well under two seconds: so the costly parts (the anchor flag's reason and the
length ratio) are computed once when a row is made and kept in it as row["qa"]; the page's
flags are then put together from them in microseconds.
"""
from __future__ import annotations

from ..langs import get_language
from ..qa.alignment_files import Document, Pair
from ..qa.flags import (FLAG_KINDS, Flag, LengthReference, anchor_flag, pair_flags, pair_log_ratio,
                        recurring_mismatches)
from ..qa.lengths import robust_centre_and_spread
from ..qa import thresholds as T

SHOWN_KINDS = {k: v for k, v in FLAG_KINDS.items() if k != "mt"}


class ReviewFlags:
    """Flags of the rows of one review: per language pair shown (the two languages, or each
    with the pivot), the document's recurring anchor mismatches and length reference.

    Both are measured on the rows as the review began and kept in the review file's header
    (REFERENCE, as reference() gives it), so that a row's flags do not change with a restart."""

    def __init__(self, rows: list[dict], languages: list[str], pivot: str | None, name: str = "review",
                 reference: dict | None = None):
        self.languages = languages
        self.pairs = ([(lang, pivot) for lang in languages if lang != pivot] if pivot and len(languages) > 2
                      else [tuple(languages[:2])])
        self.name = name
        self.recurring, self.documents, self.lengths = {}, {}, {}
        for src, tgt in self.pairs:
            self.documents[(src, tgt)] = Document(name, None, name, src, tgt, [])
            given = (reference or {}).get(f"{src}-{tgt}")
            if given is not None:
                self.recurring[(src, tgt)] = set(given["recurring"])
            else:
                pairs = [self._pair(row, src, tgt, (), ()) for row in rows]
                self.recurring[(src, tgt)] = {r.key for r in recurring_mismatches(
                    Document(name, None, name, src, tgt, pairs))}
        for row in rows:
            if "qa" not in row:
                self.annotate(row)
        for key in self.pairs:
            given = (reference or {}).get(f"{key[0]}-{key[1]}")
            if given is not None:
                length = given["length"]
                self.lengths[key] = LengthReference(*length, False) if length else None
                continue
            ratios = [row["qa"][f"{key[0]}-{key[1]}"][1] for row in rows]
            ratios = [r for r in ratios if r is not None]
            self.lengths[key] = self._measured(ratios)

    @staticmethod
    def _measured(ratios):
        if len(ratios) < T.LENGTH_MIN_BEADS:
            return None
        centre, spread = robust_centre_and_spread(ratios, T.LENGTH_MIN_SPREAD)
        return LengthReference(centre, spread, len(ratios), False)

    def reference(self) -> dict:
        """What the flags are judged against, for the review file's header."""
        out = {}
        for key in self.pairs:
            length = self.lengths[key]
            out[f"{key[0]}-{key[1]}"] = {
                "recurring": sorted(self.recurring[key]),
                "length": [length.centre, length.spread, length.beads] if length else None}
        return out

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

    def flags(self, row: dict) -> list[dict]:
        """The flags of ROW. Their reasons name no sentence numbers: those move with every edit
        above the row, and the page would show stale ones."""
        if "qa" not in row:
            self.annotate(row)
        out = []
        for src, tgt in self.pairs:
            if not row["cells"][src] and not row["cells"][tgt]:
                continue
            reason, ratio = row["qa"][f"{src}-{tgt}"]
            pair = self._pair(row, src, tgt, range(len(row["cells"][src])), range(len(row["cells"][tgt])))
            anchor = Flag("anchor", reason) if reason else None
            prefix = f"{src}-{tgt}: " if len(self.pairs) > 1 else ""
            for flag in pair_flags(pair, self.documents[(src, tgt)], self.lengths[(src, tgt)],
                                   self.recurring[(src, tgt)], None, anchor=anchor, ratio=ratio, numbered=False):
                if row["status"] == "confirmed" and flag.kind != "anchor":
                    continue   # checked by the reviewer; an anchor on one side stays worth seeing
                out.append({"kind": flag.kind, "reason": prefix + flag.reason})
        return out
