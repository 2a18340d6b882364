"""Sentence lengths comparable within a language, and the robust statistics of length ratios.

Lengths are counted the way the aligner's length model counts them: languages written without
spaces between words (Japanese, Chinese, Thai, Lao...) in characters without whitespace, others in
characters with runs of whitespace counted as one. Ratios are compared in log space, where a
translation twice as long and one half as long are equally far off.
"""
from __future__ import annotations

import math
import re
import statistics
import unicodedata

# 1.4826 * MAD estimates the standard deviation of a normal distribution.
MAD_TO_SD = 1.4826

_SPACE = re.compile(r"\s+")


def text_length(text: str, lang: str) -> int:
    """Length of TEXT in LANG (a code such as "ja" or "en-US")."""
    from ..langs import is_spaced

    text = unicodedata.normalize("NFKC", text)
    # written without spaces between words: spaces there are layout (PDF extraction puts them
    # around numbers: "2025 年 1 月"), not content
    if not is_spaced(lang):
        return len(_SPACE.sub("", text))
    return len(" ".join(text.split()))


def log_ratio(src_length: int, tgt_length: int) -> float | None:
    """log(target length / source length); None when a side has no length."""
    if src_length <= 0 or tgt_length <= 0:
        return None
    return math.log(tgt_length / src_length)


def robust_centre_and_spread(values: list[float], min_spread: float) -> tuple[float, float]:
    """Median and 1.4826 * median absolute deviation of VALUES, the spread at least MIN_SPREAD."""
    centre = statistics.median(values)
    spread = MAD_TO_SD * statistics.median(abs(v - centre) for v in values)
    return centre, max(spread, min_spread)
