"""Match percentages the way CAT tools compute them, and the parts that differ.

A text is compared in its matching form: Unicode compatibility forms folded (NFKC:
ＡＳＥＡＮ -> ASEAN, ７０ -> 70, ｶﾞ -> ガ), letter case folded, spacing ignored. It is then cut
into matching units: characters for languages written without spaces (ja, zh, lo, th, km,
my...: what align.langs says of the language), words and punctuation marks for the others.

    percentage = 100                       the texts are identical
                 99 (FORMATTING_ONLY)      identical in matching form: only width, spacing or
                                           case differ
                 floor(100 * (1 - d / n))  otherwise, at most 98 (FUZZY_CAP): d is the edit
                                           distance (Levenshtein) between the unit sequences,
                                           n the length of the longer one

Differences are reported as spans of the original texts, so that the characters shown are
the ones stored (the matching form is never output).
"""
from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from align.fold import fold_with_offsets

from . import params
from .units import base_language

_WORD_OR_MARK = re.compile(r"\w+|[^\w\s]")
_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s")


@lru_cache(maxsize=1024)
def matching_unit(lang: str) -> str:
    """"char" or "word": how texts of language LANG (a code or a locale) are compared and counted."""
    from align.langs import is_spaced
    return "word" if is_spaced(base_language(lang)) else "char"


@dataclass(frozen=True)
class Tokens:
    """TEXT cut into matching units: ITEMS (matching form) and SPANS (offsets into TEXT)."""
    text: str
    items: tuple
    spans: tuple

    def __len__(self) -> int:
        return len(self.items)


def tokenize(text: str, lang: str) -> Tokens:
    """The matching units of TEXT in language LANG, with their spans in TEXT."""
    folded, origin = fold_with_offsets(text)
    items, spans = [], []
    if matching_unit(lang) == "char":
        for i, ch in enumerate(folded):
            if not ch.isspace():
                items.append(ch.casefold())
                spans.append((origin[i], max(origin[i + 1], origin[i] + 1)))
    else:
        for m in _WORD_OR_MARK.finditer(folded):
            s, e = m.span()
            items.append(m.group().casefold())
            spans.append((origin[s], max(origin[e], origin[e - 1] + 1)))
    return Tokens(text, tuple(items), tuple(spans))


def match_form(text: str, lang: str) -> str:
    """The matching form as one string (units separated by spaces for word languages)."""
    items = tokenize(text, lang).items
    return "".join(items) if matching_unit(lang) == "char" else " ".join(items)


def count_units(text: str, lang: str) -> int:
    """Characters (without spaces) or words in TEXT: the volume CAT tools quote a job in."""
    if matching_unit(lang) == "char":
        return len(_SPACE.sub("", text))
    return len(_WORD.findall(text))


def percentage(query: Tokens, candidate: Tokens) -> int:
    """Match percentage of CANDIDATE for QUERY (see the module doc)."""
    if query.text == candidate.text:
        return 100
    d = Levenshtein.distance(query.items, candidate.items)
    if d == 0:
        return params.FORMATTING_ONLY
    n = max(len(query), len(candidate))
    return min(params.FUZZY_CAP, math.floor(100 * (1 - d / n) + 1e-9))


@dataclass(frozen=True)
class Difference:
    """A differing part: MATCH and QUERY are (start, end) offsets into the two original texts.

    op is "replace" (both sides have text), "delete" (only the memory's text) or "insert"
    (only the query); the empty side's span is the position where the text would go.
    """
    op: str
    match: tuple[int, int]
    query: tuple[int, int]

    def as_dict(self) -> dict:
        return {"op": self.op, "match": list(self.match), "query": list(self.query)}


def differences(query: Tokens, candidate: Tokens) -> list[Difference]:
    """The parts of CANDIDATE (a memory text) and QUERY that differ, in text order."""
    out: list[Difference] = []
    regions: list[list[int]] = []   # merged non-equal opcodes: [q1, q2, c1, c2]
    for op in Levenshtein.opcodes(query.items, candidate.items):
        if op.tag == "equal":
            continue
        if regions and regions[-1][1] == op.src_start and regions[-1][3] == op.dest_start:
            regions[-1][1], regions[-1][3] = op.src_end, op.dest_end
        else:
            regions.append([op.src_start, op.src_end, op.dest_start, op.dest_end])
    for q1, q2, c1, c2 in regions:
        qspan = _span(query, q1, q2)
        cspan = _span(candidate, c1, c2)
        op = "replace" if q2 > q1 and c2 > c1 else ("delete" if c2 > c1 else "insert")
        out.append(Difference(op, cspan, qspan))
    return out


def _span(tokens: Tokens, start: int, end: int) -> tuple[int, int]:
    if end > start:
        return tokens.spans[start][0], tokens.spans[end - 1][1]
    at = tokens.spans[start][0] if start < len(tokens.spans) else len(tokens.text)
    return at, at


def marked(candidate_text: str, query_text: str, diffs: list[Difference]) -> str:
    """CANDIDATE_TEXT with its differing parts marked, wdiff style: [-memory text-]{+query text+}."""
    out, pos = [], 0
    for d in diffs:
        cs, ce = d.match
        out.append(candidate_text[pos:cs])
        if ce > cs:
            out.append("[-" + candidate_text[cs:ce] + "-]")
        qs, qe = d.query
        if qe > qs:
            out.append("{+" + query_text[qs:qe] + "+}")
        pos = ce
    out.append(candidate_text[pos:])
    return "".join(out)


def find_term(term: str, text: str, lang: str) -> list[tuple[int, int]]:
    """Where TERM occurs in TEXT, compared in matching form: (start, end) spans of TEXT.

    In word languages an occurrence starts at a word start and may end inside a word (the
    span then covers the whole word): "partner" is found in "partnership", "art" is not in "start".
    """
    needle_tokens = tokenize(term, lang)
    hay = tokenize(text, lang)
    if not needle_tokens.items or not hay.items:
        return []
    sep = "" if matching_unit(lang) == "char" else " "
    needle = sep.join(needle_tokens.items)
    starts, pos = [], 0
    for item in hay.items:
        starts.append(pos)
        pos += len(item) + len(sep)
    haystack = sep.join(hay.items)
    spans, at = [], haystack.find(needle)
    while at >= 0:
        first = bisect_right(starts, at) - 1
        last = bisect_right(starts, at + len(needle) - 1) - 1
        if sep and starts[first] != at:
            at = haystack.find(needle, at + 1)
            continue
        spans.append((hay.spans[first][0], hay.spans[last][1]))
        at = haystack.find(needle, starts[last] + len(hay.items[last]))
    return spans
