"""PDF: the text layer in reading order, with what the layout says about paragraphs.

Read with pypdfium2 (PDFium, Apache-2.0/BSD), chosen by measuring it on our documents: it gives
every character with its box, origin, font size and weight (PDFium's own text extraction: about
7 ms a page; with our layout analysis 25 ms a page of Japanese, 47 of English, measured by
scripts/bench_speed.py --pdf), where pdfminer.six took 200 ms a page for its text alone and put
Lao combining marks out of order; PyMuPDF is AGPL. What the layout tells us, and we use instead of guessing:

- lines: characters on one baseline; a wide horizontal gap splits a line into cells
  (signature blocks, tables, two columns side by side);
- words: a space where the gap between two characters is wider than a fifth of the line's
  height (PDFs often draw no space characters); glyphs a renderer drew twice at one place
  (Lao marks re-emitted with their cluster, fake bold) are dropped;
- paragraphs: a vertical gap wider than the line spacing, a first-line indent, a change of font
  size or weight, or a short last line (one the next line's first word would have fitted on);
- headings: lines in a larger or bolder font than the body text;
- page furniture: a line at the top or bottom of the page that is a page number, or whose text
  (digits aside) recurs at that place on most pages; dropped;
- footnotes: lines in a smaller font at the foot of a page, below a gap: kept as blocks of their
  own, placed after the paragraph the page break interrupted instead of inside it.

Pages are read one at a time and closed: memory holds the lines' text, never a page's objects.
"""
from __future__ import annotations

import ctypes
import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..langs.base import SOFT_HYPHEN  # ends a line broken inside a word
from .base import Block, SourceDocument

# A gap between two characters wider than this share of the font's height is a space; between
# two Japanese characters (justified text spreads them) it must be wider. Lao stays at the Latin
# figure: a phrase space Chromium draws no glyph for is 0.23 font heights wide, while PDFium's box
# for some ສຳ-type clusters stops up to 0.36 short of the glyph (a stray space, cosmetic only).
SPACE_GAP = 0.2
CJK_SPACE_GAP = 0.35
LAO_SPACE_GAP = 0.2
_FULL_STOPS = (".", "。", "．", "!", "?", "！", "？", ":", "：")

# A gap wider than this many line heights splits a line into separate cells.
CELL_GAP = 2.5
# A vertical gap this much wider than the body's line spacing starts a new paragraph.
PARAGRAPH_GAP = 1.35
# A font this much larger than the body's is a heading; this much smaller, a footnote.
HEADING_SIZE = 1.03
FOOTNOTE_SIZE = 0.92
# Lines within this share of the page height from its top or bottom may be running headers/footers.
MARGIN_ZONE = 0.12

# normalize._PAGE_NUMBER with up to four digits: here only lines in a page's top or bottom margin
# are tested, so a year standing alone in the text ("2025") is not at risk.
_PAGE_NUMBER = re.compile(r"^[\s\-–—‐−ー(（\[]*(?:page|p\.)?\s*\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?[\s\-–—‐−ー)）\]]*$",
                          re.IGNORECASE)
_NUMBERED = re.compile(r"^\s*(?:\(?[0-9０-９]{1,3}[.)．）]|\([a-zA-Z]\)|[a-z]\)|[・•●◦▪■\-–])\s*\S")
_NO_SPACE_SCRIPT = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff"
                              r"\uff00-\uffef\u3000-\u303f]")
_LAO_THAI = re.compile(r"[\u0e00-\u0eff]")
# Scripts justified by spreading every character (a gap there is never a word space).
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


@dataclass(slots=True)
class _Char:
    ch: str
    x0: float
    x1: float
    y0: float
    y1: float
    base: float      # baseline (origin y)
    size: float
    weight: int


@dataclass(slots=True)
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    base: float
    size: float
    weight: int
    page: int
    height: float
    first_word: float = 0.0   # width of the line's first word, to tell a short last line
    cells: int = 1            # cells on this baseline (a row of a table or signature block)
    column: int = 0           # 0, or 1 for the right column of a two-column page
    kind: str = "body"        # body | furniture | footnote


def read_pdf(path: Path, name: str) -> SourceDocument:
    """Blocks of the PDF at PATH (see module doc); InputError for scans, encrypted or broken files."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        if getattr(e, "err_code", None) == raw.FPDF_ERR_PASSWORD:
            raise InputError(f"{name}: the PDF is password-protected; remove the password (for example "
                             "`qpdf --decrypt --password=... in.pdf out.pdf`) and try again") from None
        why = {raw.FPDF_ERR_FORMAT: "damaged or truncated", raw.FPDF_ERR_SECURITY: "an encryption it cannot open",
               raw.FPDF_ERR_FILE: "the file cannot be opened"}.get(getattr(e, "err_code", None), str(e))
        raise InputError(f"{name}: not a readable PDF ({why})") from None
    try:
        lines, pages, page_heights = _read_lines(pdf, raw, name)
    finally:
        pdf.close()
    if not lines:
        if pages:
            raise InputError(f"{name}: the PDF has no text layer ({pages} page(s) of images only, a scan?); "
                             "run OCR first (for example ocrmypdf) and give the result")
        raise InputError(f"{name}: the PDF has no pages")
    _mark_furniture(lines, pages, page_heights)
    body = [ln for ln in lines if ln.kind != "furniture"]
    if not body:
        raise InputError(f"{name}: the PDF has no text but page numbers and running headers")
    return SourceDocument(name=name, format="pdf", blocks=_blocks(body, page_heights))


# -- characters and lines, page by page ---------------------------------------------------

def _read_lines(pdf, raw, name: str):
    lines: list[_Line] = []
    page_heights: dict[int, float] = {}
    n_pages = len(pdf)
    rect = raw.FS_RECTF()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    for index in range(n_pages):
        try:
            page = pdf[index]
        except Exception as e:
            raise InputError(f"{name}: page {index + 1} cannot be read (damaged PDF: {e})") from None
        try:
            page_heights[index + 1] = page.get_height()
            textpage = page.get_textpage()
            try:
                chars = _page_chars(textpage, raw, rect, ox, oy)
            finally:
                textpage.close()
        finally:
            page.close()
        lines.extend(_page_lines(chars, index + 1))
    return lines, n_pages, page_heights


def _page_chars(textpage, raw, rect, ox, oy) -> list[_Char]:
    out: list[_Char] = []
    tp = textpage.raw
    n = raw.FPDFText_CountChars(tp)
    get_unicode, get_angle = raw.FPDFText_GetUnicode, raw.FPDFText_GetCharAngle
    # (FPDFText_GetText is not one code unit per character index: characters one by one)
    for i in range(n):
        u = get_unicode(tp, i)
        if u in (2, 0xFFFE):
            u = 0x2D  # PDFium's mark for a hyphen that ends a line: a hyphen drawn there
        elif u < 32 or u in (0xFFFF, 0x200B, 0xFEFF) or (u == 32 and raw.FPDFText_IsGenerated(tp, i)):
            continue  # our own spaces come from the gaps (PDFium generates only spaces and line breaks)
        angle = get_angle(tp, i)
        if angle > 0.01 and abs(angle - 6.2832) > 0.01:
            continue  # rotated text: stamps, margin notes
        if 0xD800 <= u <= 0xDFFF:
            ch = _surrogate(raw, tp, i, u)
            if ch is None:
                continue
        else:
            ch = chr(u)
        raw.FPDFText_GetLooseCharBox(tp, i, rect)
        raw.FPDFText_GetCharOrigin(tp, i, ox, oy)
        c = _Char(ch, rect.left, rect.right, rect.bottom, rect.top, oy.value,
                  raw.FPDFText_GetFontSize(tp, i), raw.FPDFText_GetFontWeight(tp, i))
        if ch not in (" ", SOFT_HYPHEN) and _drawn_twice(c, out):
            continue
        out.append(c)
    return _drop_narrow_repeats(out)


def _surrogate(raw, tp, i, u):
    # characters outside the BMP come as two UTF-16 units: keep the high one, joined with the next
    if 0xD800 <= u <= 0xDBFF:
        lo = raw.FPDFText_GetUnicode(tp, i + 1)
        if 0xDC00 <= lo <= 0xDFFF:
            return chr(0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00))
    return None


def _drawn_twice(c: _Char, out: list[_Char]) -> bool:
    """The same glyph drawn again. Chromium draws a Lao or Thai mark as a glyph of its own that
    carries its whole cluster's text again, its box shared among the cluster's characters: a
    sliver above or below the line, or characters much narrower than the same ones just before.
    Other producers draw bold by overprinting the same glyph."""
    lao_thai = 0x0E00 <= ord(c.ch) <= 0x0EFF
    # an overprinted glyph follows its first drawing at once; Lao clusters reach further back
    recent = out[-8:] if lao_thai else out[-2:]
    if not recent or (not lao_thai and all(k.ch != c.ch for k in recent)):
        return False  # the common case: nothing to compare with
    height = max(k.y1 - k.y0 for k in recent)
    if lao_thai and c.y1 - c.y0 < 0.4 * height and (c.y0 - c.base > 0.3 * height or c.y1 < c.base):
        return True
    # only characters on this line can be drawn over
    recent = [k for k in recent if abs(k.base - c.base) <= 0.45 * max(height, 1.0)]
    if not recent or recent[-1] is not out[-1]:
        return False
    if c.x1 <= recent[-1].x0 + 0.5 and any(k.ch == c.ch for k in recent):
        return True
    width = max(c.x1 - c.x0, 0.01)
    for k in recent:
        if k.ch == c.ch:
            k_width = max(k.x1 - k.x0, 0.01)
            if min(k.x1, c.x1) - max(k.x0, c.x0) > 0.5 * min(width, k_width):
                return True
    return False


def _drop_narrow_repeats(chars: list[_Char]) -> list[_Char]:
    """A Lao or Thai cluster repeated right after itself in a much narrower box: the glyph of
    a spacing vowel (the า of ຳ) carrying the cluster's text again. A word really written twice
    (ຫຼາຍກວ່າຫຼາຍກວ່າ) takes the same width both times."""
    out: list[_Char] = []
    for c in chars:
        out.append(c)
        if not 0x0E00 <= ord(c.ch) <= 0x0EFF:
            continue
        for m in (2, 3):
            if len(out) < 2 * m:
                continue
            first, second = out[-2 * m:-m], out[-m:]
            if [k.ch for k in first] == [k.ch for k in second] and _LAO_THAI.match(second[0].ch) \
                    and abs(second[0].base - first[0].base) < 1.0:
                span = lambda run: max(k.x1 for k in run) - min(k.x0 for k in run)
                if span(second) < 0.6 * span(first) and min(k.x0 for k in second) >= max(k.x1 for k in first) - 0.5:
                    # the dropped glyph is part of the cluster's drawing: its room is no word space
                    first[-1].x1 = max(first[-1].x1, max(k.x1 for k in second))
                    del out[-m:]
                    break
    return out


def _page_lines(chars: list[_Char], page: int) -> list[_Line]:
    """Group characters into lines (one baseline) and cells (split at wide gaps)."""
    rows: list[list[_Char]] = []
    for c in chars:
        if c.ch == " " and not rows:
            continue
        if rows:
            row = rows[-1]
            height = max(row[0].y1 - row[0].y0, 1.0)
            if abs(c.base - row[0].base) <= 0.45 * height and c.x0 > row[-1].x0 - 3 * height:
                row.append(c)
                continue
        if c.ch != " ":
            rows.append([c])
    row_cells = [_cells(row) for row in rows]
    columns = [0] * len(row_cells)
    if _two_columns(row_cells):
        # a two-column page: the left column top to bottom, then the right one
        columns = [0] * len(row_cells) + [1] * sum(1 for cells in row_cells if len(cells) == 2)
        row_cells = [[cells[0]] for cells in row_cells] + [[cells[1]] for cells in row_cells if len(cells) == 2]
    lines: list[_Line] = []
    for cells, column in zip(row_cells, columns):
        for cell in cells:
            line = _line_of(cell, page)
            if line is not None:
                line.cells = len(cells)
                line.column = column
                lines.append(line)
    return lines


def _two_columns(row_cells) -> bool:
    """Most rows of the page are two cells split at the same gutter."""
    if len(row_cells) < 8:
        return False
    pairs = [cells for cells in row_cells if len(cells) == 2]
    if len(pairs) < 0.6 * len(row_cells):
        return False
    gutter_left = max(max(c.x1 for c in cells[0] if c.ch != " ") for cells in pairs)
    gutter_right = min(min(c.x0 for c in cells[1] if c.ch != " ") for cells in pairs)
    return gutter_left < gutter_right


def _cells(row: list[_Char]) -> list[list[_Char]]:
    height = statistics.median(c.y1 - c.y0 for c in row) or 1.0
    cells, current, right = [], [], None
    for c in row:
        if c.ch == " ":
            current.append(c)
            continue
        if right is not None and c.x0 - right > CELL_GAP * height:
            cells.append(current)
            current = []
        current.append(c)
        right = c.x1
    cells.append(current)
    return [cell for cell in cells if any(c.ch != " " for c in cell)]


def _line_of(cell: list[_Char], page: int) -> _Line | None:
    glyphs = [c for c in cell if c.ch not in (" ", SOFT_HYPHEN)]
    if not glyphs:
        return None
    height = statistics.median(c.y1 - c.y0 for c in glyphs) or 1.0
    em = max(c.y1 - c.y0 for c in glyphs) or 1.0   # the font's full height (loose boxes)
    out: list[str] = []
    prev = None
    first_word_end = None
    for c in cell:
        if c.ch == " ":
            if out and out[-1] != " ":
                out.append(" ")
                if first_word_end is None and prev is not None:
                    first_word_end = prev.x1
            continue
        if prev is not None and out and out[-1] != " " and c.ch != SOFT_HYPHEN \
                and c.x0 - prev.x1 > _space_gap(prev.ch, c.ch) * em:
            out.append(" ")
            if first_word_end is None:
                first_word_end = prev.x1
        if c.ch != SOFT_HYPHEN:
            out.append(c.ch)
        prev = c
    # a word broken at a soft hyphen (drawn as U+2010 by Chromium): the line ends with the mark
    # that tells the next step to join the word's halves
    if cell[-1].ch == SOFT_HYPHEN or (out and out[-1] == "\u2010"):
        if out and out[-1] == "\u2010":
            out.pop()
        out.append(SOFT_HYPHEN)
    text = unicodedata.normalize("NFC", "".join(out).strip(" "))
    if not text.strip(SOFT_HYPHEN):
        return None
    x0 = min(c.x0 for c in glyphs)
    x1 = max(c.x1 for c in glyphs)
    sizes = Counter(round(c.size, 1) for c in glyphs)
    weights = Counter(c.weight for c in glyphs)
    base = statistics.median(c.base for c in glyphs)
    first_word = (first_word_end if first_word_end is not None else x1) - x0
    if _NO_SPACE_SCRIPT.match(text[0]):
        # Japanese, Lao, Thai... break between syllables or characters: a couple of glyphs
        first_word = min(first_word, 2.5 * statistics.median(c.x1 - c.x0 for c in glyphs[:8]))
    return _Line(text=text, x0=x0, x1=x1, top=max(c.y1 for c in glyphs), bottom=min(c.y0 for c in glyphs),
                 base=base, size=sizes.most_common(1)[0][0], weight=weights.most_common(1)[0][0],
                 page=page, height=height, first_word=first_word)


def _space_gap(a: str, b: str) -> float:
    """How wide a gap between A and B must be, in font heights, to be a word space."""
    if _CJK.match(a) and _CJK.match(b):
        return CJK_SPACE_GAP   # justified Japanese spreads every glyph apart
    if _LAO_THAI.match(a) and _LAO_THAI.match(b):
        return LAO_SPACE_GAP   # a cluster's box may stop short of its glyph (ສຳ)
    return SPACE_GAP


# -- page furniture -------------------------------------------------------------------------

def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", unicodedata.normalize("NFKC", text)).strip().lower()


def _mark_furniture(lines: list[_Line], pages: int, page_heights: dict[int, float]) -> None:
    """Page numbers and running headers/footers: top or bottom lines of a page."""
    by_page: dict[int, list[_Line]] = {}
    for ln in lines:
        by_page.setdefault(ln.page, []).append(ln)
    candidates: list[_Line] = []
    for page, page_lines in by_page.items():
        height = page_heights.get(page) or max(ln.top for ln in page_lines)
        ordered = sorted(page_lines, key=lambda ln: -ln.base)
        for ln in ordered[:2] + ordered[-2:]:
            if ln.base > height * (1 - MARGIN_ZONE) or ln.base < height * MARGIN_ZONE:
                candidates.append(ln)
    unique = list({id(ln): ln for ln in candidates}.values())
    # a running header counts once per page it is on
    counts = Counter(key[:2] for key in {(_furniture_key(ln.text), round(ln.base / 6), ln.page) for ln in unique})
    for ln in unique:
        key = (_furniture_key(ln.text), round(ln.base / 6))
        if _PAGE_NUMBER.match(unicodedata.normalize("NFKC", ln.text)) or (
                pages >= 3 and counts[key] >= max(3, pages // 2)):
            ln.kind = "furniture"


# -- blocks -----------------------------------------------------------------------------------

def _body_style(lines: list[_Line]) -> tuple[float, int]:
    """The body text's font size and weight: the smallest size that holds a fair share (15%) of
    the characters (a document of many short headings has more heading text than body text;
    footnotes, smaller, hold less), and the commonest weight at that size."""
    sizes: Counter = Counter()
    for ln in lines:
        sizes[ln.size] += len(ln.text)
    total = sum(sizes.values())
    body = min((size for size, n in sizes.items() if n >= 0.15 * total), default=sizes.most_common(1)[0][0])
    weights: Counter = Counter()
    for ln in lines:
        if ln.size == body:
            weights[ln.weight] += len(ln.text)
    return body, weights.most_common(1)[0][0]


def _line_spacing(lines: list[_Line], body_size: float) -> float:
    deltas = [a.base - b.base for a, b in zip(lines, lines[1:])
              if a.page == b.page and a.size == body_size == b.size and a.cells == b.cells == 1
              and 0 < a.base - b.base < 4 * a.height]
    return statistics.median(deltas) if deltas else 1.5 * statistics.median(ln.height for ln in lines)


def _blocks(lines: list[_Line], page_heights: dict[int, float]) -> list[Block]:
    body_size, body_weight = _body_style(lines)
    spacing = _line_spacing(lines, body_size)

    def style(ln: _Line) -> str:
        if ln.cells > 1:
            return "cell"
        if ln.size >= body_size * HEADING_SIZE or (ln.weight >= body_weight + 150 and ln.weight >= 550):
            return "heading"
        if ln.size <= body_size * FOOTNOTE_SIZE:
            return "small"
        return "body"

    _assign_columns(lines, body_size)
    # the text column's edges on each page (each column of a two-column page), from its body lines
    left: dict[tuple[int, int], float] = {}
    right: dict[tuple[int, int], float] = {}
    for ln in lines:
        if ln.cells == 1 and ln.size == body_size:
            key = (ln.page, ln.column)
            left[key] = min(left.get(key, ln.x0), ln.x0)
            right[key] = max(right.get(key, ln.x1), ln.x1)

    _mark_footnotes(lines, style, spacing)

    blocks: list[Block] = []
    pending_notes: list[Block] = []
    current: list[_Line] = []
    kind = "text"

    def flush():
        nonlocal current
        if current:
            blocks.append(Block(tuple(ln.text for ln in current), kind, current[0].page))
            current = []
        if pending_notes and (not current):
            blocks.extend(pending_notes)
            pending_notes.clear()

    prev: _Line | None = None
    for ln in lines:
        if ln.kind == "footnote":
            note_continues = (pending_notes and prev is not None and prev.kind == "footnote"
                              and prev.page == ln.page and not _NUMBERED.match(ln.text)
                              and prev.base - ln.base < 1.5 * spacing)
            if note_continues:
                last = pending_notes[-1]
                pending_notes[-1] = Block(last.lines + (ln.text,), "footnote", last.page)
            else:
                pending_notes.append(Block((ln.text,), "footnote", ln.page))
            prev = ln
            continue
        st = style(ln)
        body_prev = next((b for b in reversed(current)), None)
        if st == "cell":
            flush()
            blocks.append(Block((ln.text,), "cell", ln.page))
            prev = ln
            continue
        if body_prev is None:
            new = True
        else:
            new = _starts_paragraph(body_prev, ln, st, style(body_prev), spacing, left, right, current[0])
        if new:
            flush()
            kind = "heading" if st == "heading" else "numbered" if _NUMBERED.match(ln.text) else "text"
        current.append(ln)
        if pending_notes and ln.page > pending_notes[0].page and len(current) > 1:
            pass  # the interrupted paragraph goes on: its notes follow when it ends
        prev = ln
    flush()
    if pending_notes:
        blocks.extend(pending_notes)
    return blocks


def _assign_columns(lines: list[_Line], body_size: float) -> None:
    """Columns of text side by side on a page, found from where the body lines lie: lines narrower
    than 60% of the page's text width that fall into two groups with a gutter between them."""
    by_page: dict[int, list[_Line]] = {}
    for ln in lines:
        if ln.cells == 1 and ln.size == body_size:
            by_page.setdefault(ln.page, []).append(ln)
    for page_lines in by_page.values():
        lo, hi = min(ln.x0 for ln in page_lines), max(ln.x1 for ln in page_lines)
        narrow = sorted((ln for ln in page_lines if ln.x1 - ln.x0 < 0.6 * (hi - lo)), key=lambda ln: ln.x0)
        if len(narrow) < 6:
            continue
        # the widest gutter between the right ends seen so far and the next line's start
        best, reach = None, narrow[0].x1
        for k in range(1, len(narrow)):
            if narrow[k].x0 > reach and (best is None or narrow[k].x0 - reach > best[1]):
                best = (k, narrow[k].x0 - reach, (reach + narrow[k].x0) / 2)
            reach = max(reach, narrow[k].x1)
        if best is None or best[0] < 3 or len(narrow) - best[0] < 3:
            continue
        gutter = best[2]
        for ln in page_lines:
            if ln.x0 >= gutter:
                ln.column = 1


def _starts_paragraph(prev: _Line, ln: _Line, st: str, prev_st: str, spacing: float,
                      left: dict, right: dict, block_start: _Line) -> bool:
    """Does LN start a new paragraph after PREV (the last line of the block begun by BLOCK_START)?"""
    if st != prev_st:
        return True  # heading after body text, body after a heading
    if ln.page == prev.page and ln.column == prev.column:
        gap = prev.base - ln.base
        if gap > PARAGRAPH_GAP * spacing or gap < 0:
            return True  # a vertical gap, or a jump back up
    edge = lambda d, line: d.get((line.page, line.column), line.x0 if d is left else line.x1)
    indent = ln.x0 - edge(left, ln)
    prev_indent = prev.x0 - edge(left, prev)
    # "1. text" / "   continued": a list item's first line, wrapped mid-sentence
    hanging = prev is block_start and _NUMBERED.match(prev.text) and not prev.text.endswith(_FULL_STOPS)
    if indent > 0.6 * ln.height and indent > prev_indent + 0.6 * ln.height and not hanging:
        return True  # a first-line indent
    if _NUMBERED.match(ln.text) and ln.x0 <= prev.x0 + 0.6 * ln.height:
        if prev.x1 < edge(right, prev) - 2 * prev.height or _NUMBERED.match(block_start.text):
            return True  # "2." after a short line, or after the previous item: the next one
    if st == "heading":
        # a heading wrapped over two lines: never over a page or column break
        return ln.page != prev.page or ln.column != prev.column
    # a short last line: the next line's first word would have fitted after it
    room = edge(right, prev) - prev.x1
    return room > ln.first_word + 0.5 * ln.height


def _mark_footnotes(lines: list[_Line], style, spacing: float) -> None:
    """Small-font lines at the foot of a page, below the body text and a gap."""
    by_page: dict[int, list[_Line]] = {}
    for ln in lines:
        by_page.setdefault(ln.page, []).append(ln)
    for page_lines in by_page.values():
        # from the bottom up: a run of small lines, then a gap, then body text
        run = []
        for ln in reversed(page_lines):
            if style(ln) == "small":
                run.append(ln)
            else:
                break
        if not run or len(run) == len(page_lines):
            continue
        above = page_lines[len(page_lines) - len(run) - 1]
        top_note = run[-1]
        if above.base - top_note.base > 1.2 * spacing:
            for ln in run:
                ln.kind = "footnote"
