"""TSV: source, target, confidence; one bead per line, a header naming the languages.

Tabs and line breaks inside a sentence become spaces, so every row has three fields.
"""
from __future__ import annotations


def _cell(text: str) -> str:
    return " ".join(text.replace("\t", " ").split()) if any(c in text for c in "\t\n\r") else text


def write(alignment, f) -> None:
    f.write(f"{alignment.src.lang.locale}\t{alignment.tgt.lang.locale}\tconfidence\n")
    for src, tgt, bead in alignment.pairs():
        f.write(f"{_cell(src)}\t{_cell(tgt)}\t{bead.confidence:.3f}\n")
