"""aligntm: sentence alignment of a document with its translation, and translation memories.

    >>> from align import align_files
    >>> alignment = align_files("ja.txt", "en.txt")          # languages detected from the script
    >>> for ja, en, bead in alignment.pairs():
    ...     print(bead.type, round(bead.confidence, 2), ja, en)

The same operations as the CLI: segment_text/segment_file (aligntm segment), align_files /
align_texts (aligntm align), batch (aligntm batch), score_paths (aligntm score), and
tm.write_tmx for TMX 1.4b.
"""
__version__ = "0.1.0"   # the one place it is written (pyproject.toml reads it)

# Nothing is imported here but the import-free lazy_exports: all of this module runs before
# run() below, the `aligntm` script's entry, can answer a Ctrl-C in one line.
from .lazy import lazy_exports

__getattr__ = lazy_exports(__name__, {
    "InputError": ".errors",
    "Bead": ".aligner", "align_features": ".aligner",
    "Alignment": ".api", "align_documents": ".api", "align_files": ".api", "align_texts": ".api",
    "batch": ".batch",
    "Document": ".document", "load_document": ".document", "make_document": ".document",
    "segment_text": ".document",
    "score_paths": ".scoring_files", "Score": ".score", "score": ".score",
})


def run() -> None:
    """The `aligntm` command. Its modules are loaded here, where a Ctrl-C (the user gave up on a
    slow start) can be answered in one line instead of a traceback from inside an import."""
    try:
        from .cli import run as command
    except KeyboardInterrupt:
        import os
        import sys
        print("aligntm: interrupted", file=sys.stderr)
        sys.stderr.flush()
        os._exit(130)
    command()


def segment_file(path, lang: str | None = None):
    """Sentences of the file at PATH (normalised and segmented)."""
    from .document import load_document
    return load_document(path, lang).sentences


__all__ = ["Alignment", "Bead", "Document", "InputError", "Score", "align_documents", "align_features",
           "align_files", "align_texts", "batch", "load_document", "make_document", "score", "score_paths",
           "segment_file", "segment_text"]
