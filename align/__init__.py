"""aligntm: sentence alignment of a document with its translation, and translation memories.

    >>> from align import align_files
    >>> alignment = align_files("ja.txt", "en.txt")          # languages detected from the script
    >>> for ja, en, bead in alignment.pairs():
    ...     print(bead.type, round(bead.confidence, 2), ja, en)

The same operations as the CLI: segment_text/segment_file (aligntm segment), align_files /
align_texts (aligntm align), batch (aligntm batch), score_paths (aligntm score), and
tm.write_tmx for TMX 1.4b.
"""
from .aligner import Bead, align_features
from .api import Alignment, align_documents, align_files, align_texts
from .batch import batch
from .document import Document, load_document, make_document, segment_text
from .errors import InputError
from .scoring_files import score_paths
from .score import Score, score


def segment_file(path, lang: str | None = None):
    """Sentences of the file at PATH (normalised and segmented)."""
    return load_document(path, lang).sentences


__all__ = ["Alignment", "Bead", "Document", "InputError", "Score", "align_documents", "align_features",
           "align_files", "align_texts", "batch", "load_document", "make_document", "score", "score_paths",
           "segment_file", "segment_text"]
