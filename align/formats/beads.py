"""The beads format of ../shared/eval (Text+Berg, as vecalign and bertalign write it).

One bead per line: ``[0, 1]:[2]`` pairs source sentences 0 and 1 with target sentence 2
(0-based); ``[]`` is an empty side. Extra ``:``-separated fields (vecalign adds a cost) are ignored.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError

_SIDE = re.compile(r"\[\s*((?:\d+\s*,\s*)*\d+)?\s*\]")


def format_bead(src, tgt) -> str:
    return f"[{', '.join(map(str, src))}]:[{', '.join(map(str, tgt))}]"


def write(alignment, f) -> None:
    for bead in alignment.beads:
        f.write(format_bead(bead.src, bead.tgt) + "\n")


def parse_beads(text: str, name: str = "beads") -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    beads = []
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        sides = _SIDE.findall(line)
        if len(sides) < 2 or ":" not in line:
            raise InputError(f"{name}:{number}: not a bead line (expected e.g. [0, 1]:[2]): {line.strip()[:60]!r}")
        beads.append(tuple(tuple(int(x) for x in side.split(",")) if side else () for side in sides[:2]))
    return beads


def read_beads(path) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """The beads of a beads file, or of a review file (a reviewed alignment serves as gold)."""
    from ..review.journal import is_review_file
    from ..textio import read_text
    p = Path(path)
    if p.exists() and p.is_file() and p.stat().st_size == 0:
        return []
    if is_review_file(p):
        from ..review.reviewed import load_review
        return load_review(p).beads()
    return parse_beads(read_text(p), str(p))
