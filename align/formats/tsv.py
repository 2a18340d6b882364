"""TSV: source, target, confidence, and where each side is in its document ("ja.pdf p.3 ¶12");
one bead per line, a header naming the languages.

Tabs and line breaks inside a sentence become spaces, so every row has three fields.
"""
from __future__ import annotations


def _cell(text: str) -> str:
    return " ".join(text.replace("\t", " ").split()) if any(c in text for c in "\t\n\r") else text


def write(alignment, f) -> None:
    f.write(f"{alignment.src.lang.locale}\t{alignment.tgt.lang.locale}\tconfidence\tsrc_location\ttgt_location\n")
    for src, tgt, bead in alignment.pairs():
        f.write(f"{_cell(src)}\t{_cell(tgt)}\t{bead.confidence:.3f}\t{_location(alignment.src, bead.src)}"
                f"\t{_location(alignment.tgt, bead.tgt)}\n")


def _location(document, indices) -> str:
    location = getattr(document, "location", None)
    return _cell(location(indices)) if location and indices else ""
