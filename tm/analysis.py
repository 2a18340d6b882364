"""Analysis of a new document against a memory: how much of it is already translated.

The document is segmented the way `aligntm segment` does it (or taken one segment per line),
and each segment is looked up. The result is the table CAT tools quote a job with: segments
and volume per match band (100%, 95-99%, 85-94%, 75-84%, 50-74%, no match), repetitions
apart. Volume is counted in characters (without spaces) for languages written without spaces
(ja, zh, lo, th) and in words for the others, as CAT tools count them.

Repetitions: a segment identical in matching form to an earlier segment of the document
(width, case and spacing ignored) is a repetition; its first occurrence is counted in the
band of its best match.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field

from align.errors import InputError

from . import params
from .match import count_units, match_form, matching_unit
from .store import progress_bar
from .units import base_language

BAND_NAMES = [params.REPETITIONS] + [name for name, _ in params.BANDS] + [params.NO_MATCH]


def band_of(percent: int | None) -> str:
    """The band of a best match of PERCENT (None: no match of ANALYSIS_MIN or more)."""
    if percent is not None:
        for name, lowest in params.BANDS:
            if percent >= lowest:
                return name
    return params.NO_MATCH


@dataclass
class SegmentResult:
    index: int
    text: str
    units: int                     # characters or words
    band: str
    percent: int | None = None     # best match (None for no match, or for a repetition)
    unit_id: int | None = None     # the memory unit of the best match
    repeats: int | None = None     # for a repetition: the index of its first occurrence

    def as_dict(self) -> dict:
        return {"index": self.index, "text": self.text, "units": self.units, "band": self.band,
                "percent": self.percent, "unit": self.unit_id, "repeats": self.repeats}


@dataclass
class Analysis:
    document: str
    memory: str
    src: str
    tgt: str
    segments: list[SegmentResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def unit_name(self) -> str:
        return "characters" if matching_unit(self.src) == "char" else "words"

    def rows(self) -> list[dict]:
        """One row per band (repetitions first, then 100% down to no match) and a total row."""
        total_units = sum(s.units for s in self.segments) or 1
        rows = []
        for name in BAND_NAMES:
            segs = [s for s in self.segments if s.band == name]
            units = sum(s.units for s in segs)
            rows.append({"band": name, "segments": len(segs), self.unit_name: units,
                         "percent": round(100 * units / total_units, 1)})
        rows.append({"band": "total", "segments": len(self.segments),
                     self.unit_name: sum(s.units for s in self.segments),
                     "percent": 100.0 if self.segments else 0.0})
        return rows

    def table(self) -> str:
        """The match-band table as text."""
        unit = self.unit_name
        lines = [f"analysis of {self.document} against {self.memory} ({self.src} -> {self.tgt}): "
                 f"{len(self.segments)} segments, {self.seconds:.1f} s",
                 "",
                 f"{'band':<12} {'segments':>9} {unit:>11} {'% of ' + unit:>14}"]
        for row in self.rows():
            if row["band"] == "total":
                lines.append("-" * 49)
            lines.append(f"{row['band']:<12} {row['segments']:>9} {row[unit]:>11} {row['percent']:>14.1f}")
        return "\n".join(lines)

    def as_dict(self, segments: bool = True) -> dict:
        out = {"document": self.document, "memory": self.memory, "source_language": self.src,
               "target_language": self.tgt, "unit": self.unit_name, "seconds": round(self.seconds, 3),
               "bands": self.rows()}
        if segments:
            out["segments"] = [s.as_dict() for s in self.segments]
        return out

    def to_json(self, segments: bool = True) -> str:
        return json.dumps(self.as_dict(segments), ensure_ascii=False, indent=2)


def document_segments(text, lang: str, presegmented: bool = False, name: str = "document") -> list[str]:
    """The segments of TEXT (a string, or a SourceDocument a reader made of a file): segmented as
    `aligntm segment` does it, or one per line."""
    from align.document import presegmented_sentences, segment_source, segment_text
    from align.readers import SourceDocument
    if isinstance(text, SourceDocument):
        if presegmented and text.text is None:
            raise InputError(f"{name}: --presegmented needs a text file, not a {text.format.upper()} document")
        sentences = (presegmented_sentences(text.text) if presegmented
                     else segment_source(text, lang))
    else:
        sentences = presegmented_sentences(text) if presegmented else segment_text(text, lang)
    segments = [s.text for s in sentences if s.text.strip()]
    if not segments:
        raise InputError(f"{name}: no segments found")
    return segments


def analyze(tm, document: str | os.PathLike | list[str], src: str | None = None, tgt: str | None = None,
            presegmented: bool = False, progress: bool | None = None) -> Analysis:
    """Analyse DOCUMENT (a text file, or a list of segments) against the memory TM."""
    if isinstance(document, (list, tuple)):
        segments, name = [str(s) for s in document], "(segments)"
        text = " ".join(segments[:50])
    else:
        from align.readers import read_source
        segments, name = None, str(document)
        source = read_source(document)      # text, PDF, DOCX or HTML; refuses missing, empty, binary files
        text = source.sample()
    src, tgt = tm.resolve_pair(src, tgt, text[:20000])
    if segments is None:
        segments = document_segments(source, base_language(src), presegmented, name)
    result = Analysis(name, tm.name, src, tgt)
    t0 = time.perf_counter()
    first_seen: dict[str, int] = {}
    lang = base_language(src)
    with progress_bar(progress, len(segments), "analysing", " segments") as bar:
        for i, text in enumerate(segments):
            key = match_form(text, lang)
            units = count_units(text, lang)
            if key in first_seen:
                result.segments.append(SegmentResult(i, text, units, params.REPETITIONS, repeats=first_seen[key]))
            else:
                first_seen[key] = i
                matches = tm.lookup(text, src, tgt, k=1, min_percent=params.ANALYSIS_MIN)
                best = matches[0] if matches else None
                result.segments.append(SegmentResult(i, text, units, band_of(best.percent if best else None),
                                                     best.percent if best else None,
                                                     best.unit_id if best else None))
            if bar and i % 20 == 0:
                bar.update_to(i)
    result.seconds = time.perf_counter() - t0
    return result
