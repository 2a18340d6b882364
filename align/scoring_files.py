"""Scoring bead files or directories of them (the layout of ../shared/eval and of `batch`)."""
from __future__ import annotations

from pathlib import Path

from .errors import InputError
from .formats.beads import read_beads
from .score import Score


def score_paths(gold, test) -> tuple[Score, dict[str, Score]]:
    """Score TEST against GOLD: two bead files, or two directories of same-named bead files.

    Returns the total and the score of each document.
    """
    gold, test = Path(gold), Path(test)
    for p in (gold, test):
        if not p.exists():
            raise InputError(f"{p}: no such file or directory")
    if gold.is_dir() != test.is_dir():
        raise InputError("GOLD and TEST must both be files or both be directories")
    if gold.is_dir():
        names = sorted(p.name for p in gold.iterdir() if p.is_file() and not p.name.startswith("."))
        if not names:
            raise InputError(f"{gold}: no gold files")
        missing = [n for n in names if not (test / n).is_file()]
        if missing:
            raise InputError(f"{test}: {len(missing)} of the {len(names)} gold documents have no test file "
                             f"(first: {missing[0]})")
        pairs = [(n, gold / n, test / n) for n in names]
    else:
        pairs = [(gold.name, gold, test)]
    total, per_doc = Score(), {}
    for name, g, t in pairs:
        per_doc[name] = Score().add(read_beads(g), read_beads(t))
        total += per_doc[name]
    return total, per_doc
