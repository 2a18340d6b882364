"""Matching forms of text: width and Unicode normalisation, for comparing, never for output.

ＡＳＥＡＮ, ７０ and ＳＤＧｓ fold to ASEAN, 70 and SDGs; the text that goes into outputs keeps
its original characters, so every folded string can be mapped back to original offsets.
"""
from __future__ import annotations

import unicodedata

# Half-width voiced/semi-voiced sound marks combine with the preceding half-width katakana
# under NFKC (ｶﾞ -> ガ), so they must be folded together with it.
_ATTACHING = {"\uff9e", "\uff9f"}


class _CharFolds(dict):
    """ord(c) -> NFKC(c), filled as characters are met (a str.translate table)."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = unicodedata.normalize("NFKC", chr(code))
        return folded


_CHAR_FOLDS = _CharFolds()


def fold(text: str) -> str:
    """NFKC: full-width ASCII to ASCII, half-width katakana to full-width, compatibility forms."""
    return unicodedata.normalize("NFKC", text)


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """Fold TEXT and return (folded, origin) where origin[k] is the index in TEXT of folded char k.

    origin has one extra entry, len(TEXT), so that an end offset maps too.
    """
    if unicodedata.is_normalized("NFKC", text):
        return text, list(range(len(text) + 1))
    # Most text folds character by character into one character each (full-width Latin and
    # digits, 、。 stay): one translate, checked against NFKC of the whole, instead of the loop.
    folded = text.translate(_CHAR_FOLDS)
    if len(folded) == len(text) and folded == unicodedata.normalize("NFKC", text):
        return folded, list(range(len(text) + 1))
    chunks: list[tuple[int, str]] = []
    for i, ch in enumerate(text):
        if chunks and (ch in _ATTACHING or unicodedata.combining(ch)):
            start, s = chunks[-1]
            chunks[-1] = (start, s + ch)
        else:
            chunks.append((i, ch))
    out: list[str] = []
    origin: list[int] = []
    for start, s in chunks:
        f = unicodedata.normalize("NFKC", s)
        out.append(f)
        origin.extend([start] * len(f))
    origin.append(len(text))
    return "".join(out), origin


def strip_accents(text: str) -> str:
    """Kyōto -> Kyoto: drop combining marks after canonical decomposition (Latin script only)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))
