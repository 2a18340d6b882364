"""The Python API: the same operations as the CLI, under the same names."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterator

from .aligner import Bead, align_features
from .document import Document, load_documents, make_document, prepare_features


@dataclass
class Alignment:
    """Two documents and the beads that pair their sentences."""
    src: Document
    tgt: Document
    beads: list[Bead]

    def pairs(self) -> Iterator[tuple[str, str, Bead]]:
        """(source text, target text, bead) per bead, sentences joined the way each language
        joins them (Japanese without a space, English with one)."""
        for bead in self.beads:
            yield (self.src.lang.joiner.join(self.src.sentences[i].text for i in bead.src),
                   self.tgt.lang.joiner.join(self.tgt.sentences[j].text for j in bead.tgt),
                   bead)


def align_documents(src: Document, tgt: Document, length_only: bool = False) -> Alignment:
    """Align two Documents (LENGTH_ONLY: the Gale-Church baseline, without anchors)."""
    prepare_features([src, tgt])   # both at once: long documents on every core
    return Alignment(src, tgt, align_features(src.features, tgt.features, length_only))


def align_texts(src_text: str, tgt_text: str, src_lang: str | None = None, tgt_lang: str | None = None,
                presegmented: bool = False, length_only: bool = False) -> Alignment:
    """Align two texts (as extracted from PDFs, or one sentence per line when presegmented)."""
    src = make_document(src_text, src_lang, presegmented, name="source")
    tgt = make_document(tgt_text, tgt_lang, presegmented, name="target")
    return align_documents(src, tgt, length_only)


def align_files(src_path: str | os.PathLike, tgt_path: str | os.PathLike, src_lang: str | None = None,
                tgt_lang: str | None = None, presegmented: bool = False, length_only: bool = False) -> Alignment:
    """Read, segment and align two files."""
    src, tgt = load_documents([src_path, tgt_path], [src_lang, tgt_lang], presegmented)
    return align_documents(src, tgt, length_only)
