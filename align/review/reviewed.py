"""A reviewed alignment as the other commands read it: beads for `score`, pairs for `report`,
units for `tm import`, and the exports (TMX, TSV, JSONL) of the editor and of `review --export`.

Confidence of a confirmed row is 1.0; an edited row (changed by the reviewer, not confirmed)
keeps no aligner confidence and is exported with 1.0 too but `x-reviewed` "edited"; rows the
reviewer has not touched keep the aligner's confidence and `x-reviewed` "no".
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..langs import get_language
from ..textio import atomic_writer
from .journal import replay
from .rows import counts

REVIEWED = {"confirmed": "confirmed", "edited": "edited", "auto": "no"}
EXPORT_FORMATS = ("tmx", "tsv", "jsonl")


@dataclass
class Review:
    header: dict
    rows: list[dict]
    path: Path | None = None

    @property
    def languages(self) -> list[str]:
        return self.header["languages"]

    @property
    def name(self) -> str:
        return self.header.get("name") or (self.path.name if self.path else "review")

    def locale(self, lang: str) -> str:
        return (self.header.get("locales") or {}).get(lang) or get_language(lang).locale

    def counts(self) -> dict:
        return counts(self.rows)

    def indices(self) -> list[dict[str, tuple[int, ...]]]:
        """Per row, per language: the row's sentences as indices into that document."""
        next_index = {lang: 0 for lang in self.languages}
        out = []
        for row in self.rows:
            ids = {}
            for lang in self.languages:
                n = len(row["cells"][lang])
                ids[lang] = tuple(range(next_index[lang], next_index[lang] + n))
                next_index[lang] += n
            out.append(ids)
        return out

    def text(self, row: dict, lang: str) -> str:
        return get_language(lang).joiner.join(s["text"] for s in row["cells"][lang])

    def pair(self) -> tuple[str, str]:
        """The two languages a two-language view (beads, report) shows: the first two columns, or
        for a three-language review the first non-pivot language and the pivot."""
        pivot = self.header.get("pivot")
        if pivot and len(self.languages) > 2:
            return next(lang for lang in self.languages if lang != pivot), pivot
        return self.languages[0], self.languages[1]

    def beads(self, src: str | None = None, tgt: str | None = None) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
        """The rows as beads of the SRC and TGT documents (rows holding neither are left out)."""
        if src is None:
            src, tgt = self.pair()
        return [(ids[src], ids[tgt]) for ids in self.indices() if ids[src] or ids[tgt]]

    def selected(self, confirmed_only: bool = False):
        """(row, indices) of the rows to export: all, or the confirmed ones."""
        for row, ids in zip(self.rows, self.indices()):
            if not confirmed_only or row["status"] == "confirmed":
                yield row, ids

    def confidence(self, row: dict) -> float:
        return 1.0 if row["status"] != "auto" or row["confidence"] is None else float(row["confidence"])

    def units(self, confirmed_only: bool = False):
        """(segments, props) of every row holding two languages or more: locale -> text."""
        for row, ids in self.selected(confirmed_only):
            langs = [lang for lang in self.languages if row["cells"][lang]]
            if len(langs) < 2:
                continue
            segments = {self.locale(lang): self.text(row, lang) for lang in langs}
            props = {"x-confidence": f"{self.confidence(row):.3f}",
                     "x-bead": "-".join(str(len(ids[lang])) for lang in self.languages),
                     "x-document": self.name,
                     "x-reviewed": REVIEWED[row["status"]]}
            if len(self.languages) > 2:
                props["x-languages"] = "-".join(self.languages)
            for lang in langs:
                where = [s.get("where") for s in row["cells"][lang] if s.get("where")]
                if where:
                    props[f"x-{lang}-location"] = where[0]
                original = get_language(lang).joiner.join(
                    s["source"] if s.get("source") is not None else "\u2026" for s in row["cells"][lang])
                if row["status"] != "auto" and original != segments[self.locale(lang)]:
                    # the reviewer's correction is the segment; what the document said is kept
                    props[f"x-{lang}-original"] = original
            yield segments, props

    # --- exports ------------------------------------------------------------------------
    def write(self, path, fmt: str, confirmed_only: bool = False) -> int:
        """Write the reviewed alignment to PATH as FMT (tmx, tsv, jsonl); returns the rows written."""
        if fmt == "tmx":
            from tm.tmx import TmxWriter
            pivot = self.header.get("pivot") or self.languages[0]
            with TmxWriter(path, srclang=self.locale(pivot)) as tmx:
                for segments, props in self.units(confirmed_only):
                    tmx.add(segments, props)
            return tmx.count
        writer = {"tsv": self._tsv, "jsonl": self._jsonl}.get(fmt)
        if writer is None:
            raise ValueError(f"unknown export format {fmt!r}")
        n = 0
        with atomic_writer(path) as f:
            for line in writer(confirmed_only):
                f.write(line)
                n += 1
        return n - (fmt == "tsv")

    def _tsv(self, confirmed_only: bool):
        def cell(text):
            return " ".join(text.replace("\t", " ").split())
        langs = self.languages
        yield "\t".join([self.locale(lang) for lang in langs] + ["confidence", "reviewed"]
                        + [f"{lang}_location" for lang in langs]) + "\n"
        for row, ids in self.selected(confirmed_only):
            where = [next((s["where"] for s in row["cells"][lang] if s.get("where")), "") for lang in langs]
            yield "\t".join([cell(self.text(row, lang)) for lang in langs]
                            + [f"{self.confidence(row):.3f}", REVIEWED[row["status"]]] + [cell(w) for w in where]) + "\n"

    def _jsonl(self, confirmed_only: bool):
        """The aligner's JSONL (so report, tm import and review read it), with the review's status
        and every sentence's text; a three-language review adds texts and indices per language."""
        src, tgt = self.pair()
        for row, ids in self.selected(confirmed_only):
            record = {"doc": self.name, "src": list(ids[src]), "tgt": list(ids[tgt]),
                      "type": f"{len(ids[src])}-{len(ids[tgt])}", "confidence": round(self.confidence(row), 4),
                      "src_text": self.text(row, src), "tgt_text": self.text(row, tgt),
                      "src_lang": src, "tgt_lang": tgt,
                      "anchors": {"matched": row.get("matched", []), "conflicts": row.get("conflicts", [])},
                      "src_sentences": [s["text"] for s in row["cells"][src]],
                      "tgt_sentences": [s["text"] for s in row["cells"][tgt]],
                      "reviewed": REVIEWED[row["status"]]}
            if len(self.languages) > 2:
                record["sentences"] = {lang: list(ids[lang]) for lang in self.languages}
                record["texts"] = {lang: self.text(row, lang) for lang in self.languages}
            if not ids[src] and not ids[tgt]:
                continue
            yield json.dumps(record, ensure_ascii=False) + "\n"


def load_review(path) -> Review:
    """The reviewed alignment a review file holds now (every step replayed)."""
    state, _ = replay(path)
    return Review(state.header, state.rows, Path(path))


def write_reviews(reviews: list[Review], path, fmt: str, confirmed_only: bool = False) -> int:
    """Export several reviewed documents to one file (TMX or JSONL; TSV for one document)."""
    if len(reviews) == 1:
        return reviews[0].write(path, fmt, confirmed_only)
    if fmt == "tsv":
        from ..errors import InputError
        raise InputError(f"{path}: a TSV holds one document; export {len(reviews)} documents as TMX or JSONL")
    if fmt == "tmx":
        from tm.tmx import TmxWriter
        first = reviews[0]
        with TmxWriter(path, srclang=first.locale(first.header.get("pivot") or first.languages[0])) as tmx:
            for review in reviews:
                for segments, props in review.units(confirmed_only):
                    tmx.add(segments, props)
        return tmx.count
    n = 0
    with atomic_writer(path) as f:
        for review in reviews:
            for line in review._jsonl(confirmed_only):
                f.write(line)
                n += 1
    return n
