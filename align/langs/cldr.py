"""Locale data from CLDR (through Babel) that anchors need: month names, how numbers are written
(decimal and group separators, scale words such as Millionen, 万, ล้าน), digits of every script.

Hand-written tables cover English, Japanese and Lao in their own modules; every other language
takes its names and number forms from here, so a new language needs no new table.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import regex

from .scripts import graphemes

# Decimal digits of every script (Thai ๒๕๖๘, Khmer ២០២៥, Arabic-Indic ٢٠٢٥, Devanagari, Myanmar...).
_OTHER_DIGIT = regex.compile(r"[^\P{Nd}0-9]")
# Arabic decimal and thousands separators.
_ARABIC_SEPARATORS = str.maketrans({"\u066b": ".", "\u066c": ","})


def ascii_digits(text: str) -> str:
    """TEXT with the decimal digits of every script written as 0-9."""
    if text.isascii():
        return text
    text = text.translate(_ARABIC_SEPARATORS)
    return _OTHER_DIGIT.sub(lambda m: str(unicodedata.decimal(m.group(0))), text)


@dataclass(frozen=True)
class NumberForms:
    numbers: re.Pattern        # a number as the locale writes it, after ascii_digits and NFKC
    decimal: str
    group: str
    scales: dict[str, float]   # scale word after a number -> multiplier ("Millionen" -> 1e6)
    scale_after: re.Pattern | None

    def parse(self, s: str) -> float:
        if self.group:
            s = s.replace(self.group, "")
        return float(s.replace(self.decimal, ".")) if self.decimal != "." else float(s)


@lru_cache(maxsize=None)
def number_forms(locale: str, bounded: bool = True) -> NumberForms:
    """How LOCALE writes numbers: 1.000,5 in German, 1 000,5 in French and Russian, 1,000.5 in Thai."""
    from babel import Locale, numbers

    loc = Locale.parse(locale.replace("-", "_"))
    decimal = numbers.get_decimal_symbol(loc)
    group = numbers.get_group_symbol(loc)
    # NFKC (applied before) turns the no-break spaces French and Russian group with into spaces
    group = unicodedata.normalize("NFKC", group)
    if decimal not in ".,":
        decimal = "."
    if group == decimal or group not in ".,' ":
        group = "," if decimal == "." else "."
    g, d = re.escape(group), re.escape(decimal)
    # 1,000,000 and the Indian 10,00,000 (lakh grouping, CLDR's #,##,##0 for hi, bn, mr...)
    pattern = re.compile(rf"(?<![0-9.,])[0-9]{{1,3}}(?:{g}[0-9]{{3}})+(?:{d}[0-9]+)?(?![0-9])"
                         rf"|(?<![0-9.,])[0-9]{{1,2}}(?:{g}[0-9]{{2}})+{g}[0-9]{{3}}(?:{d}[0-9]+)?(?![0-9])"
                         rf"|(?<![0-9.,])[0-9]+(?:{d}[0-9]+)?(?![0-9])")
    scales = _scale_words(loc)
    scale_after = None
    if scales:
        words = "|".join(re.escape(w) for w in sorted(scales, key=len, reverse=True))
        scale_after = re.compile(rf"\s?({words})" + (r"(?!\w)" if bounded else ""), re.IGNORECASE)
    return NumberForms(pattern, decimal, group, {w.lower(): v for w, v in scales.items()}, scale_after)


def _scale_words(loc) -> dict[str, float]:
    """Scale words from CLDR's compact number patterns: '0 Millionen' (10^6) -> Millionen: 1e6,
    '0万' (10^4) -> 万: 1e4. Thousands are left out: '3 Tsd.' is rare in running text."""
    out: dict[str, float] = {}
    formats = loc.compact_decimal_formats
    for style in ("long", "short"):
        for by_magnitude in (formats.get(style) or {}).values():
            for magnitude, pattern in by_magnitude.items():
                text = getattr(pattern, "pattern", str(pattern)).split(";")[0]
                zeros = text.count("0")
                word = text.replace("0", "").replace("'", "").strip()
                if not zeros or not word or any(c.isdigit() for c in word) or (word.isascii() and len(word) <= 2):
                    continue  # "3 k", "5 tr" (vi short forms): too ambiguous to read as scales
                scale = int(magnitude) // 10 ** (zeros - 1)
                if scale >= 10_000:
                    out.setdefault(word, float(scale))
    return out


_WORD = re.compile(r"\w+\.?")


@dataclass(frozen=True)
class MonthNames:
    month: dict[str, int]      # lower-cased name -> 1..12
    short: frozenset[str]      # names too short to trust without a number next to them
    lower_case: bool           # the locale writes month names in lower case (janvier, marzo)
    pattern: re.Pattern | None  # names found by searching: with digits or spaces, or in unspaced scripts
    spaced: bool               # the other names are whole words: looked up word by word

    def find(self, lowered: str):
        """(start, end, name) of the month names in LOWERED (lower-cased text)."""
        if self.spaced:
            for m in _WORD.finditer(lowered):
                word = m.group(0)
                if word in self.month:
                    yield m.start(), m.end(), word
                elif word[-1] == "." and word[:-1] in self.month:
                    yield m.start(), m.end() - 1, word[:-1]
        if self.pattern is not None:
            for m in self.pattern.finditer(lowered):
                yield m.start(), m.end(), m.group(0)


@lru_cache(maxsize=None)
def month_names(locale: str, spaced: bool) -> MonthNames | None:
    """The month names of LOCALE (wide and abbreviated, in dates and on their own: January,
    janvier, января, มกราคม, មករា, 1月, 1월, tháng 1) as one pattern."""
    from babel import Locale, dates

    loc = Locale.parse(locale.replace("-", "_"))
    month: dict[str, int] = {}
    lower_case = True
    for width in ("wide", "abbreviated"):
        for context in ("format", "stand-alone"):
            for i, name in dates.get_month_names(width, context, loc).items():
                lower_case = lower_case and name == name.lower()
                name = unicodedata.normalize("NFKC", name).lower()
                if name and not name.isdigit():
                    month.setdefault(name, i)
                    if name.endswith("."):
                        month.setdefault(name[:-1], i)
    if not month:
        return None
    alternatives = []
    for name in sorted(month, key=len, reverse=True):
        if spaced and _WORD.fullmatch(name):
            continue  # a word: looked up, not searched for (a 60-name alternation took 0.25 ms a sentence)
        p = re.escape(name)
        p = ("(?<![0-9])" if name[0].isdigit() else "(?<!\\w)" if spaced else "") + p
        p += "(?![0-9])" if name[-1].isdigit() else "(?!\\w)" if spaced and name[-1].isalnum() else ""
        alternatives.append(p)
    # "Mai", "мая", Burmese မေ, Thai ม.ค.: short names are often words or syllables of words too,
    # so they count only with a number near them
    short = frozenset(n for n in month if not any(c.isdigit() for c in n)
                      and graphemes(n.replace(".", "")) <= 3)
    pattern = re.compile("|".join(alternatives)) if alternatives else None
    return MonthNames(month, short, lower_case, pattern, spaced)
