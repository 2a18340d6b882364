"""Output formats, one module each; `write` picks one by name and writes atomically."""
from __future__ import annotations

from ..textio import atomic_writer
from . import beads, jsonl, tsv

FORMATS = {"tsv": tsv, "jsonl": jsonl, "beads": beads}


def write(alignment, path, fmt: str) -> None:
    """Write ALIGNMENT to PATH in format FMT (tsv, jsonl, beads)."""
    with atomic_writer(path) as f:
        FORMATS[fmt].write(alignment, f)


def write_stream(alignment, f, fmt: str) -> None:
    FORMATS[fmt].write(alignment, f)
