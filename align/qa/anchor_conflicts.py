"""Explaining anchor conflicts: which number, date or acronym is on which side.

The aligner's JSONL lists the hard anchors that do not agree ("n:2024", "m:1", "a:ASEAN") but not
the side they are on. The reviewer needs "2024 in the source, 2025 in the target", so the anchors
of the pair's two texts are found again with the same language modules the aligner used. If a
language has no module, the keys are reported without sides.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from ..errors import InputError

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")


@dataclass
class Conflict:
    """One hard anchor found a different number of times on the two sides (None: side unknown)."""
    key: str
    src_count: int | None
    tgt_count: int | None

    @property
    def kind(self) -> str:
        return anchor_kind(self.key)

    @property
    def one_sided(self) -> bool:
        """On one side only (or the side is unknown). A key on both sides a different number of
        times is mostly one fact written twice: 令和7年（2025年） against "2025"."""
        return self.src_count is None or not (self.src_count and self.tgt_count)

    @property
    def label(self) -> str:
        return anchor_label(self.key)


def anchor_kind(key: str) -> str:
    """"date" for months, "number", "acronym", else "anchor"."""
    return {"m": "date", "n": "number", "a": "acronym"}.get(key.split(":", 1)[0], "anchor")


def anchor_label(key: str) -> str:
    """What a reviewer reads: m:1 -> January, n:2025 -> 2025, a:ASEAN -> ASEAN."""
    prefix, _, value = key.partition(":")
    if prefix == "m" and value.isdigit() and 1 <= int(value) <= 12:
        return MONTH_NAMES[int(value) - 1]
    return value or key


@lru_cache(maxsize=None)
def _language(code: str):
    from ..langs import get_language
    try:
        return get_language(code)
    except InputError:
        return None


def _hard_anchors(text: str, lang: str) -> Counter | None:
    language = _language(lang)
    if language is None or not hasattr(language, "sentence_features") or not text:
        return None if language is None else Counter()
    return language.sentence_features(text).hard


def explain(keys: list[str], src_text: str, tgt_text: str, src_lang: str, tgt_lang: str) -> list[Conflict]:
    """The conflicts KEYS of one pair, with the count of each on each side when it can be found."""
    src = _hard_anchors(src_text, src_lang)
    tgt = _hard_anchors(tgt_text, tgt_lang)
    if src is None or tgt is None:
        return [Conflict(k, None, None) for k in keys]
    out = []
    for k in keys:
        a, b = src.get(k, 0), tgt.get(k, 0)
        # the anchors found again agree (the language modules changed since the alignment was
        # made): keep the aligner's conflict but do not invent a side
        out.append(Conflict(k, a, b) if a != b else Conflict(k, None, None))
    return out


def describe(conflicts: list[Conflict]) -> str:
    """One line for the flag, e.g. "number differs: 2024 in source, 2025 in target; acronym
    ASEAN in target only" (one-sided conflicts only: see Conflict.one_sided)."""
    parts = []
    for kind in ("number", "date", "acronym", "anchor"):
        of_kind = [c for c in conflicts if c.kind == kind]
        src_only = ", ".join(c.label for c in of_kind if c.src_count and not c.tgt_count)
        tgt_only = ", ".join(c.label for c in of_kind if c.tgt_count and not c.src_count)
        if src_only and tgt_only:
            parts.append(f"{kind} differs: {src_only} in source, {tgt_only} in target")
        elif src_only:
            parts.append(f"{kind} {src_only} in source only")
        elif tgt_only:
            parts.append(f"{kind} {tgt_only} in target only")
        unknown = ", ".join(c.label for c in of_kind if c.src_count is None)
        if unknown:
            parts.append(f"{kind} {unknown} on one side only")
    return "; ".join(parts)
