"""Argument types the commands share: numbers checked at the command line, so that
`--min -50` or `--min-confidence nan` is refused in one line before any work is done."""
from __future__ import annotations

import argparse
import math


def number_in(low: float, high: float = math.inf, kind=float):
    """An argparse type: a finite number (an integer if KIND is int) from LOW to HIGH."""
    what = "a whole number" if kind is int else "a number"
    span = f"from {low:g}" + (f" to {high:g}" if high != math.inf else " up")

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if (isinstance(value, float) and not math.isfinite(value)) or not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text} is out of range: give {what} {span}")
        return value

    return parse


PERCENT = number_in(0, 100, int)
SHARE = number_in(0.0, 1.0)             # a confidence, a probability
COUNT = number_in(1, kind=int)          # -k, -n, --show ...
FACTOR = number_in(1.0)                 # a length-ratio factor: 1 or more
