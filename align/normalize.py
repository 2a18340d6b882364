"""From text as it comes out of a PDF to paragraphs.

What extraction does to a document, and what we undo:
- hard line breaks inside sentences: lines are joined (the language decides with or without a
  space, and undoes end-of-line hyphenation);
- blank lines: some extractions put one after every line; there a single blank line says
  nothing, so the document's own spacing is measured first;
- page furniture: page numbers ("- 12 -", "3", "Page 3 of 10") and running headers/footers
  (short lines repeated on many pages) are dropped;
- paragraph boundaries are kept: blank lines where they mean something, numbered paragraphs
  ("１０ 両首脳は…", "10. The two…"), headings, and multi-column lines (signature blocks).

Characters are never changed: full-width stays full-width. Width folding is for matching only.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from .fold import fold

# Page numbers as a whole line: "12", "- 12 -", "－１２－", "Page 3", "3 / 10", "Page 3 of 10", "(3)".
_PAGE_NUMBER = re.compile(
    r"^[\s\-–—‐−ー(（\[]*(?:page|p\.)?\s*\d{1,3}(?:\s*(?:/|of)\s*\d{1,3})?[\s\-–—‐−ー)）\]]*$",
    re.IGNORECASE,
)
# A line laid out in columns: two or more runs of text separated by a wide gap.
_COLUMN_GAP = re.compile(r"\S(?: {4,}|\t+|\u3000{2,})\S")
_COLUMN_SPLIT = re.compile(r" {4,}|\t+|\u3000{2,}")
# Paragraph numbers at the start of a line: "１０ 両首脳は", "10. The", "(a) ", "3) ".
# Extracted lines in proportional fonts vary in character count: a line counts as ended early
# only when the next word would have fitted with this share of the wrap width to spare.
FIT_TOLERANCE = 0.1
_NUMBERED = re.compile(r"^(?:\(?[0-9]{1,3}[.)]?|\([a-z]\)|[a-z]\))\s+\S", re.IGNORECASE)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of the document in its original characters.

    kind: "text", "heading" (a short line without a sentence end), "numbered" (starts with a
    paragraph number) or "columns" (a line laid out in columns, kept whole).
    line: 1-based line number in the input where it starts (text files; 0 otherwise).
    page: the page it starts on, when the format has pages (PDF).
    """
    text: str
    kind: str
    line: int = 0
    page: int | None = None


def is_page_furniture(line: str) -> bool:
    """A line that is a page number (in any width): never part of the text."""
    return bool(_PAGE_NUMBER.match(fold(line).strip()))


def _display_width(line: str) -> int:
    # Full-width characters take two columns (Japanese lines are compared with Latin ones);
    # combining marks (Lao vowels and tone marks above and below) take none.
    return sum(0 if unicodedata.category(c) == "Mn" else 2 if ord(c) >= 0x1100 and not (0xFF61 <= ord(c) <= 0xFFDC)
               else 1 for c in line)


def normalize(text: str, lang) -> list[Paragraph]:
    """Split TEXT (as extracted from a PDF) into paragraphs; LANG is a langs.Language."""
    raw = text.split("\n")
    # (line number, stripped text, blank lines before it, page furniture dropped before it)
    lines: list[tuple[int, str, int, bool]] = []
    repeated = _running_headers(raw)
    blanks = 0
    furniture = False
    for number, line in enumerate(raw, 1):
        stripped = line.strip()
        if not stripped:
            blanks += 1
            continue
        if is_page_furniture(stripped) or stripped in repeated:
            furniture = True  # the blank lines around a page break say nothing on their own
            continue
        lines.append((number, stripped, blanks if lines else 0, furniture))
        blanks = 0
        furniture = False
    if not lines:
        return []
    lines = _rejoin_scattered_words(lines, lang)

    gaps = [g for _, _, g, f in lines[1:] if not f]
    # Double-spaced extraction: (nearly) every line is followed by a blank line.
    doubled = bool(gaps) and sum(1 for g in gaps if g >= 1) >= 0.8 * len(gaps)
    width = {t: _display_width(t) for _, t, _, _ in lines}
    widths = sorted(width[t] for _, t, _, _ in lines)
    typical = widths[int(0.75 * (len(widths) - 1))]
    # the wrap width: what the longest ordinary lines reach
    wrap = widths[int(0.9 * (len(widths) - 1))]

    def is_short(t: str) -> bool:
        return width[t] < 0.7 * typical

    # the same in characters: text wrapped by a program counts characters, a renderer measures
    # glyphs (where Lao marks take no room); a line ended early only if it did by both measures
    chars = sorted(len(t) for _, t, _, _ in lines)
    wrap_chars = chars[int(0.9 * (len(chars) - 1))]

    def ended_before(prev: str, t: str) -> bool:
        """PREV is a paragraph's last line: the first word of T would have fitted after it."""
        word = lang.first_unbreakable(t)
        room = wrap * (1 - FIT_TOLERANCE) - width[prev] - 1
        room_chars = wrap_chars * (1 - FIT_TOLERANCE) - len(prev) - 1
        return _display_width(word) <= room and len(word) <= room_chars

    # a line ends early when a blank line or the end follows it, or the next line's first word
    # would have fitted on it: only such a line can be a heading
    ends_early = {}
    for k, (_, t, _, _) in enumerate(lines):
        after = lines[k + 1] if k + 1 < len(lines) else None
        ends_early[t] = ends_early.get(t, False) or after is None or \
            (after[2] - (1 if doubled else 0)) >= 1 or ended_before(t, after[1])

    def is_heading(t: str) -> bool:
        return is_short(t) and not lang.ends_sentence(t) and not lang.line_unfinished(t) and ends_early[t]

    paragraphs: list[Paragraph] = []
    current: list[str] = []
    start = kind = None

    def flush():
        nonlocal current
        if current:
            paragraphs.append(Paragraph(lang.join_wrapped(current), kind, start))
        current = []

    prev, prev_columns = None, False
    for number, t, gap, page_break in lines:
        gap = gap - 1 if doubled else gap
        # a heading is a whole paragraph: a line continuing a paragraph is never one
        prev_heading = prev is not None and len(current) == 1 and is_heading(prev)
        if page_break and prev is not None and not lang.ends_sentence(prev) and not prev_heading:
            gap = 0  # a sentence running on over a page break
        columns = bool(_COLUMN_GAP.search(t))
        numbered = bool(_NUMBERED.match(fold(t)))
        if prev is None:
            new = True
        elif lang.line_unfinished(prev) and not columns:
            new = False  # stops mid-sentence (particle, 、, hyphen): always continued
        elif gap >= 1 or columns or prev_columns:
            new = True
        elif numbered and (lang.ends_sentence(prev) or prev_heading):
            new = True
        elif prev_heading or (is_heading(t) and lang.ends_sentence(prev)):
            new = True
        elif lang.ends_sentence(prev) and is_short(prev):
            new = True  # a short last line: the paragraph ended
        elif ended_before(prev, t):
            new = True  # nothing forced this line break: the paragraph (or list item) ended
        else:
            new = False
        if columns:
            # a row of a multi-column layout (signature block): one paragraph per cell
            flush()
            for cell in _COLUMN_SPLIT.split(t):
                paragraphs.append(Paragraph(cell.strip(), "columns", number))
            prev, prev_columns = t, True
            continue
        if new:
            flush()
            start = number
            kind = "columns" if columns else "numbered" if numbered else "heading" if is_heading(t) else "text"
        elif kind == "heading":
            kind = "text"
        current.append(t)
        prev, prev_columns = t, columns
    flush()
    return paragraphs


def _rejoin_scattered_words(lines, lang):
    """Put back together a justified line that extraction scattered word by word.

    pdftotext cuts a line with very wide word spaces (a long word justified into a narrow
    measure, Lao without spaces to stretch) into one-word blocks between blank lines:
    "The / Sanskrit / title / in / Tibetan". A run of three or more such fragments (short, no
    sentence end), the first under the line before and the others after blank lines, is one
    line; and the text after it goes on.
    """
    gaps = [g for _, _, g, f in lines[1:] if not f]
    if not gaps or sum(1 for g in gaps if g >= 1) >= 0.8 * len(gaps):
        return lines  # a blank line after every line says nothing
    widths = sorted(_display_width(t) for _, t, _, _ in lines)
    wrap = widths[int(0.9 * (len(widths) - 1))]

    def fragment(t: str) -> bool:
        return _display_width(t) <= 0.35 * wrap and len(t.split()) <= 3 and not lang.ends_sentence(t)

    out, k = [], 0
    while k < len(lines):
        j = k
        # the run starts inside a block (the justified line's first word still sits under the
        # line before), which a list of short headings between blank lines never does
        while j < len(lines) and fragment(lines[j][1]) and (lines[j][2] == 0 if j == k else lines[j][2] >= 1):
            j += 1
        # at the document's start nothing sits above: five single words in a row, then
        at_start_ok = k > 0 or (j - k >= 5 and all(len(t.split()) == 1 for _, t, _, _ in lines[k:j]))
        if j - k >= 3 and at_start_ok:
            number, _, gap, furniture = lines[k]
            text = lines[k][1]
            # the scattered words, and the line after them: the sentence goes on there
            for _, t, _, _ in lines[k + 1:j + 1]:
                text = lang.join_lines(text, t)
            out.append((number, text, gap, furniture))
            k = j + 1
        else:
            out.append(lines[k])
            k += 1
    return out


def _running_headers(raw: list[str]) -> set[str]:
    """Short lines repeated on several pages (running headers and footers).

    Only counted as furniture when the document also has page numbers, and only lines that sit
    beside a page number or the document's start or end (within two text lines) nearly every time they occur, so that a
    repeated heading, list entry or refrain in the text is never removed.
    """
    text_lines = [line.strip() for line in raw if line.strip()]
    near_page_number = set()
    pages = 0
    for k, line in enumerate(text_lines):
        if is_page_furniture(line):
            pages += 1
            near_page_number.update(range(max(0, k - 2), k + 3))
    if pages < 2:
        return set()
    # the document's start and end are page boundaries too
    near_page_number.update(range(0, 2))
    near_page_number.update(range(len(text_lines) - 2, len(text_lines)))
    counts, near = Counter(), Counter()
    for k, line in enumerate(text_lines):
        if len(line) <= 80:
            counts[line] += 1
            near[line] += k in near_page_number
    return {line for line, n in counts.items() if n >= max(3, pages // 2) and near[line] >= 0.8 * n}
