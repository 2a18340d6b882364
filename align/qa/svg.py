"""Pictures as inline SVG strings: the alignment path on the sentence grid, and histograms.

Kept small for big documents: the path is one polyline, anchors one <path> of dots, beads that
disagree with the gold one <path> of thick segments; only flagged beads get an element each,
a link to their pair with the reasons as a tooltip.
"""
from __future__ import annotations

import math
from html import escape

# Colours of the pictures, also used by the page's legend and table so that they agree.
FLAG_COLOURS = {"anchor": "#d62728", "length": "#9467bd", "confidence": "#ff7f0e", "unaligned": "#8c564b",
                "merge": "#1f77b4", "mt": "#e377c2"}
PATH_COLOURS = {"alignment": "#333", "gold": "#2ca02c"}
DISAGREE_COLOUR = "#ff1744"
ANCHOR_COLOUR = "#17becf"

PLOT_SIZE = 300       # px, the grid's side
MARGIN = 34           # px, room for the axis labels
GRID_LINES_UP_TO = 60  # sentences per side; more and the grid lines would only grey the plot


def _num(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


class _Grid:
    """Sentence positions to pixels: source along x, target down y, from the top-left corner."""

    def __init__(self, n_src: int, n_tgt: int):
        self.n_src, self.n_tgt = max(n_src, 1), max(n_tgt, 1)
        self.sx, self.sy = PLOT_SIZE / self.n_src, PLOT_SIZE / self.n_tgt

    def point(self, i: float, j: float) -> str:
        return f"{_num(MARGIN + i * self.sx)},{_num(MARGIN + j * self.sy)}"

    def frame(self, title: str) -> list[str]:
        out = [f'<text x="{MARGIN}" y="12" class="svg-title">{escape(title)}</text>',
               f'<rect x="{MARGIN}" y="{MARGIN}" width="{PLOT_SIZE}" height="{PLOT_SIZE}" class="svg-frame"/>']
        if self.n_src <= GRID_LINES_UP_TO and self.n_tgt <= GRID_LINES_UP_TO:
            d = "".join(f"M{self.point(i, 0)}V{_num(MARGIN + PLOT_SIZE)}" for i in range(1, self.n_src)) + \
                "".join(f"M{self.point(0, j)}H{_num(MARGIN + PLOT_SIZE)}" for j in range(1, self.n_tgt))
            if d:
                out.append(f'<path d="{d}" class="svg-grid"/>')
        # source runs right along the top, target down the left side (read top to bottom)
        out.append(f'<text x="{MARGIN}" y="{MARGIN - 5}" class="svg-axis">source sentences → {self.n_src}</text>')
        out.append(f'<text x="{MARGIN - 14}" y="{MARGIN}" class="svg-axis" '
                   f'transform="rotate(90 {MARGIN - 14} {MARGIN})">target sentences → {self.n_tgt}</text>')
        return out


def _placed(beads) -> list[tuple[tuple, tuple, int, int]]:
    """Each bead with the corner it starts from (i, j): its first sentences, or for an empty
    side the end of the bead before."""
    i = j = 0
    out = []
    for src, tgt in beads:
        i, j = (src[0] if src else i), (tgt[0] if tgt else j)
        out.append((src, tgt, i, j))
        i, j = i + len(src), j + len(tgt)
    return out


def path_svg(title: str, n_src: int, n_tgt: int, beads: list[tuple[tuple, tuple]], *,
             gold: bool = False, highlight: set[int] = frozenset(), highlight_label: str = "",
             anchored: set[int] = frozenset(), flagged: dict[int, tuple[str, str, str]] | None = None) -> str:
    """The alignment path of BEADS ((src indices, tgt indices) in order) on the N_SRC x N_TGT grid.

    GOLD: draw it as the gold path. HIGHLIGHT: bead positions drawn as thick segments (disagreements with the gold); ANCHORED: bead
    positions marked with a dot (matched numbers, dates, acronyms); FLAGGED: bead position ->
    (flag kind for the colour, tooltip text, link target).
    """
    grid = _Grid(n_src, n_tgt)
    width = height = MARGIN + PLOT_SIZE + 8
    out = [f'<svg class="path-plot" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
           f'role="img" aria-label="{escape(title)}">']
    out.extend(grid.frame(title))
    placed = _placed(beads)
    if highlight:
        d = "".join(f"M{grid.point(i, j)}L{grid.point(i + len(s), j + len(t))}"
                    for k, (s, t, i, j) in enumerate(placed) if k in highlight)
        out.append(f'<path d="{d}" class="svg-disagree" stroke="{DISAGREE_COLOUR}">'
                   f'<title>{escape(highlight_label)}</title></path>')
    corners = [(i, j) for _, _, i, j in placed[:1]] + [(i + len(s), j + len(t)) for s, t, i, j in placed]
    points = " ".join(grid.point(i, j) for i, j in corners)
    out.append(f'<polyline points="{points}" class="{"svg-gold" if gold else "svg-path"}" '
               f'stroke="{PATH_COLOURS["gold" if gold else "alignment"]}"/>')
    if anchored:
        # zero-length segments with round caps: dots, all in one element
        d = "".join(f"M{grid.point(i + len(s) / 2, j + len(t) / 2)}h0"
                    for k, (s, t, i, j) in enumerate(placed) if k in anchored)
        out.append(f'<path d="{d}" class="svg-anchor" stroke="{ANCHOR_COLOUR}"/>')
    for k, (kind, tooltip, link) in sorted((flagged or {}).items()):
        s, t, i, j = placed[k]
        cx, cy = grid.point(i + len(s) / 2, j + len(t) / 2).split(",")
        out.append(f'<a href="{escape(link)}"><circle cx="{cx}" cy="{cy}" r="4" class="svg-flag" '
                   f'fill="{FLAG_COLOURS.get(kind, "#000")}"><title>{escape(tooltip)}</title></circle></a>')
    out.append("</svg>")
    return "".join(out)


def histogram_svg(title: str, edges: list[float], counts: list[int], *, log_x: bool = False,
                  marks: list[tuple[float, str]] = (), label=lambda v: _num(v), width: int = 320,
                  height: int = 120, bar_class=None) -> str:
    """Bars of COUNTS between EDGES; MARKS: (x, label) dashed vertical lines (thresholds).
    LOG_X: bins are equal on a log scale (length ratios). BAR_CLASS(left edge) -> CSS class."""
    left, bottom, top = 8, 18, 16
    plot_w, plot_h = width - 2 * left, height - bottom - top
    pos = (lambda v: math.log(v)) if log_x else (lambda v: v)
    x0, x1 = pos(edges[0]), pos(edges[-1])
    span = (x1 - x0) or 1.0
    px = lambda v: left + (pos(v) - x0) / span * plot_w
    top_count = max(counts, default=0) or 1
    out = [f'<svg class="histogram" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{escape(title)}">',
           f'<text x="{left}" y="11" class="svg-title">{escape(title)}</text>']
    for a, b, c in zip(edges, edges[1:], counts):
        if not c:
            continue
        h = max(1.0, c / top_count * plot_h)
        cls = bar_class(a) if bar_class else "svg-bar"
        out.append(f'<rect x="{_num(px(a) + 0.5)}" y="{_num(top + plot_h - h)}" width="{_num(max(1.0, px(b) - px(a) - 1))}" '
                   f'height="{_num(h)}" class="{cls}"><title>{escape(label(a))}–{escape(label(b))}: {c}</title></rect>')
    base = top + plot_h
    out.append(f'<line x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}" class="svg-axis-line"/>')
    for v in (edges[0], edges[len(edges) // 2], edges[-1]):
        anchor = "start" if v == edges[0] else "end" if v == edges[-1] else "middle"
        out.append(f'<text x="{_num(px(v))}" y="{height - 4}" text-anchor="{anchor}" class="svg-axis">'
                   f'{escape(label(v))}</text>')
    for v, text in marks:
        if pos(edges[0]) <= pos(v) <= pos(edges[-1]):
            out.append(f'<line x1="{_num(px(v))}" y1="{top - 2}" x2="{_num(px(v))}" y2="{base}" class="svg-mark"/>'
                       f'<text x="{_num(px(v) + 2)}" y="{top + 6}" class="svg-mark-label">{escape(text)}</text>')
    out.append("</svg>")
    return "".join(out)
