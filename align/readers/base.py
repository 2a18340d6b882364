"""What every reader hands on: a document as blocks, with their kind and their place.

A reader turns one input format (text, PDF, DOCX, HTML) into blocks; everything after it
(normalising, segmenting, aligning, writing) is shared. What the format says for certain (this
is a heading, a table cell, a footnote, a paragraph ends here, page 3) is passed on, so the
normaliser only guesses where the format told it nothing (plain text).
"""
from __future__ import annotations

from dataclasses import dataclass

# Kinds of block. "heading" and "columns" are kept whole as one sentence; the others are segmented.
KINDS = ("text", "heading", "numbered", "list", "cell", "footnote", "columns")


@dataclass(frozen=True)
class Block:
    """One paragraph-like block of a document in its original characters.

    lines: the block's visual lines when the format wraps them (a PDF's text lines, to be
    joined the way the document's language joins wrapped lines); formats that do not wrap
    (DOCX, HTML) give one line per block.
    kind: one of KINDS.
    page: 1-based page number (PDF), else None.
    """
    lines: tuple[str, ...]
    kind: str = "text"
    page: int | None = None


@dataclass
class SourceDocument:
    """A file as its reader found it: plain text to normalise, or blocks the layout gave.

    format: "text", "pdf", "docx" or "html". Exactly one of text and blocks is set.
    """
    name: str
    format: str
    text: str | None = None
    blocks: list[Block] | None = None

    def sample(self, limit: int = 20000) -> str:
        """The document's first characters, for detecting and checking its language."""
        if self.text is not None:
            return self.text[:limit]
        out, n = [], 0
        for block in self.blocks or ():
            for line in block.lines:
                out.append(line)
                n += len(line) + 1
                if n >= limit:
                    return "\n".join(out)[:limit]
        return "\n".join(out)
