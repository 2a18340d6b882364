"""Writing a QA report as one self-contained HTML page.

Everything is inline (style, scripts, SVG pictures, the pairs as JSON): the page opens from a
file in any browser without network, and a Content-Security-Policy forbids it any fetch, so a
URL inside an aligned text can never load anything. Static parts (summary, pictures, flag lists)
are HTML made here; the pairs table is drawn in the browser from the embedded JSON, a page of
rows at a time (page_assets.PAGE_SCRIPT).
"""
from __future__ import annotations

import json
from html import escape

from ..textio import atomic_writer
from . import thresholds as T
from .page_assets import ERROR_CATCHER, PAGE_SCRIPT, STYLE
from .report import Report
from .svg import ANCHOR_COLOUR, DISAGREE_COLOUR, FLAG_COLOURS, PATH_COLOURS, histogram_svg, path_svg

# Documents shown unfolded; a batch of hundreds starts folded, each opening on a click or link.
OPEN_DOCUMENTS_UP_TO = 10
# Items listed per document (flags, missed gold beads); the table shows them all with a filter.
LIST_ITEMS = 25

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"


def _pct(v) -> str:
    return "–" if v is None else f"{100 * v:.1f}%"


def _fig(v) -> str:
    return "–" if v is None else f"{v:.3f}"


def _bead(src, tgt) -> str:
    return f"[{', '.join(map(str, src))}]:[{', '.join(map(str, tgt))}]"


def _card(value, label) -> str:
    return f'<div class="card"><div class="value">{escape(str(value))}</div><div class="label">{escape(label)}</div></div>'


def _langs(data) -> tuple[str, str]:
    docs = data["documents"]
    src = {d["src_lang"] for d in docs}
    tgt = {d["tgt_lang"] for d in docs}
    return (src.pop() if len(src) == 1 else "source"), (tgt.pop() if len(tgt) == 1 else "target")


def _cards(data) -> str:
    s = data["summary"]
    src_lang, tgt_lang = _langs(data)
    cards = [
        _card(s["documents"], "documents"),
        _card(f'{s["sentences"]["src"]} / {s["sentences"]["tgt"]}', f"sentences {src_lang} / {tgt_lang}"),
        _card(s["pairs"], "pairs (beads)"),
        _card(_pct(s["unaligned"]["share"]),
              f'sentences unaligned ({s["unaligned"]["src_sentences"]} {src_lang}, {s["unaligned"]["tgt_sentences"]} {tgt_lang})'),
        _card(f'{s["flagged_pairs"]} ({_pct(s["flagged_pairs"] / max(1, s["pairs"]))})', "flagged pairs"),
        _card(_fig(s["confidence"]["median"]), f'median confidence; {s["confidence"]["below_threshold"]} below {T.LOW_CONFIDENCE}'),
    ]
    if data["gold"]:
        g = data["gold"]
        cards.append(_card(f'{_fig(g["strict"]["f1"])} / {_fig(g["lax"]["f1"])}', "F1 strict / lax against gold"))
    return '<div class="cards">' + "".join(cards) + "</div>"


def _prf_cells(figures) -> str:
    return "".join(f"<td>{_fig(figures[m][k])}</td>" for m in ("strict", "lax") for k in ("precision", "recall", "f1"))


PRF_HEAD = ("<th>strict P</th><th>strict R</th><th>strict F1</th>"
            "<th>lax P</th><th>lax R</th><th>lax F1</th>")


def _bead_type_table(data) -> str:
    types = data["summary"]["bead_types"]
    gold = data["gold"]
    head = "<tr><th>bead type</th><th>pairs</th>"
    if gold:
        head += "<th>gold</th><th>correct</th>" + PRF_HEAD
    rows = []
    all_types = list(types)
    if gold:
        all_types += [t for t in gold["bead_types"] if t not in types]
    for t in all_types:
        row = f"<tr><td>{escape(t)}</td><td>{types.get(t, 0)}</td>"
        if gold:
            g = gold["bead_types"].get(t)
            row += (f'<td>{g["gold"]}</td><td>{g["correct"]}</td>' + _prf_cells(g)) if g else "<td></td>" * 8
        rows.append(row + "</tr>")
    if gold:
        rows.append(f'<tr><th>all</th><th>{data["summary"]["pairs"]}</th><th>{gold["counts"]["gold_beads"]}*</th>'
                    f'<th>{gold["counts"]["strict_recall_hits"]}*</th>' +
                    _prf_cells(gold).replace("<td>", "<th>").replace("</td>", "</th>") + "</tr>")
    note = ('<p class="legend">Text+Berg scoring (as <code>aligntm score</code>): precision over all test beads, '
            'recall over gold beads with both sides (* counts of those). Strict: the same bead; lax: sharing a '
            'source and a target sentence.</p>' if gold else "")
    return (f'<div><h3>Beads by type</h3><table class="figures"><thead>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>{note}</div>')


def _flag_kinds(data, counts: dict, doc_index: int | None = None) -> str:
    items = []
    for kind, meaning in data["flag_kinds"].items():
        n = counts.get(kind, 0)
        doc_attr = f' data-doc="{doc_index}"' if doc_index is not None else ""
        link = (f'<a href="#pairs" data-kind="{kind}"{doc_attr}>{n} pair{"s" if n != 1 else ""}</a>'
                if n else "0 pairs")
        items.append(f'<li><span class="swatch" style="background:{FLAG_COLOURS[kind]}"></span>'
                     f'<b>{kind}</b>: {link} — {escape(meaning)}</li>')
    return '<ul class="flag-kinds">' + "".join(items) + "</ul>"


def _summary_histograms(data) -> str:
    s = data["summary"]
    k = T.LENGTH_ROBUST_SDS
    out = [histogram_svg("confidence", s["confidence"]["histogram"]["edges"], s["confidence"]["histogram"]["counts"],
                         marks=[(T.LOW_CONFIDENCE, f"{T.LOW_CONFIDENCE}")],
                         bar_class=lambda left: "svg-bar-low" if left < T.LOW_CONFIDENCE else "svg-bar"),
           histogram_svg("length ratio vs. its document's median (robust SDs)", s["length_robust_sds"]["edges"],
                         s["length_robust_sds"]["counts"], marks=[(-k, f"-{k}"), (k, f"+{k}")],
                         bar_class=lambda left: "svg-bar-low" if left < -k or left >= k else "svg-bar")]
    if "chrf" in s:
        out.append(histogram_svg("chrF against the MT of the source", s["chrf"]["histogram"]["edges"],
                                 s["chrf"]["histogram"]["counts"], marks=[(T.LOW_CHRF, f"{T.LOW_CHRF:g}")],
                                 bar_class=lambda left: "svg-bar-low" if left < T.LOW_CHRF else "svg-bar"))
    return '<div class="hists">' + "".join(out) + "</div>"


def _documents_table(data) -> str:
    if len(data["documents"]) < 2:
        return ""
    gold = data["gold"] is not None
    head = ("<tr><th>document</th><th>pairs</th><th>sentences</th><th>unaligned</th><th>flagged</th>"
            "<th>median conf.</th>" + (PRF_HEAD if gold else "") + "</tr>")
    rows = []
    for d in data["documents"]:
        s = d["summary"]
        row = (f'<tr><td><a href="#doc-{escape(d["id"])}">{escape(d["name"])}</a></td><td>{s["pairs"]}</td>'
               f'<td>{s["sentences"]["src"]} / {s["sentences"]["tgt"]}</td><td>{_pct(s["unaligned"]["share"])}</td>'
               f'<td>{s["flagged_pairs"]}</td><td>{_fig(s["confidence"]["median"])}</td>')
        if gold:
            row += _prf_cells(d["gold"])
        rows.append(row + "</tr>")
    return (f'<h3>Documents</h3><div class="scroll"><table class="figures"><thead>{head}</thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def _gold_table(gold) -> str:
    rows = "".join(f'<tr><td>{m}</td><td>{_fig(gold[m]["precision"])}</td><td>{_fig(gold[m]["recall"])}</td>'
                   f'<td>{_fig(gold[m]["f1"])}</td></tr>' for m in ("strict", "lax"))
    return ('<table class="figures"><thead><tr><th>against gold</th><th>precision</th><th>recall</th><th>F1</th>'
            f'</tr></thead><tbody>{rows}</tbody></table>')


def _legend(has_gold: bool) -> str:
    parts = [f'<span style="color:{PATH_COLOURS["alignment"]}">━</span> <span>alignment path (corner to corner; '
             f'a step sideways is a sentence left unaligned)</span>',
             f'<span><span class="swatch" style="background:{ANCHOR_COLOUR}"></span>matched number, date or acronym</span>']
    parts += [f'<span><span class="swatch" style="background:{c}"></span>{k}</span>' for k, c in FLAG_COLOURS.items()]
    if has_gold:
        parts.append(f'<span style="color:{PATH_COLOURS["gold"]}">━</span> <span>gold path</span>'
                     f'<span><span class="swatch" style="background:{DISAGREE_COLOUR};opacity:.5"></span>'
                     'disagreement with gold (left: pairs not in gold; right: gold beads missed)</span>')
    return '<p class="legend">' + "".join(parts) + "</p>"


def _document_section(data, index: int, d: dict) -> str:
    s = d["summary"]
    pairs = d["pairs"]
    link = lambda p: "#" + p["id"]
    flagged = {p["n"]: (p["flags"][0]["kind"],
                        f'#{p["n"]} {_bead(p["src"], p["tgt"])} — ' + "; ".join(f'{f["kind"]}: {f["reason"]}'
                                                                              for f in p["flags"]),
                        link(p))
               for p in pairs if p["flags"]}
    anchored = {p["n"] for p in pairs if any(not k.startswith("w:") for k in p["anchors"]["matched"])}
    beads = [(tuple(p["src"]), tuple(p["tgt"])) for p in pairs]
    n_src, n_tgt = s["sentences"]["src"], s["sentences"]["tgt"]
    disagree = {p["n"] for p in pairs if p["gold"] and p["gold"]["status"] != "exact"}
    plots = [path_svg(f"alignment: {d['name']}", n_src, n_tgt, beads, highlight=disagree,
                      highlight_label="pairs not in the gold", anchored=anchored, flagged=flagged)]
    g = d["gold"]
    if g:
        gold_beads = [(tuple(b["src"]), tuple(b["tgt"])) for b in g["beads"]]
        missed = {(tuple(m["src"]), tuple(m["tgt"])) for m in g["missed"]}
        plots.append(path_svg("gold", n_src, n_tgt, gold_beads, gold=True,
                              highlight={k for k, b in enumerate(gold_beads) if b in missed},
                              highlight_label="gold beads the alignment missed"))
    lr = s["length_ratio"]
    marks = [(lr["low"], f'{lr["low"]:.2f}'), (lr["high"], f'{lr["high"]:.2f}')] if lr["low"] else []
    hists = [histogram_svg("confidence", s["confidence"]["histogram"]["edges"], s["confidence"]["histogram"]["counts"],
                           marks=[(T.LOW_CONFIDENCE, f"{T.LOW_CONFIDENCE}")],
                           bar_class=lambda left: "svg-bar-low" if left < T.LOW_CONFIDENCE else "svg-bar"),
             histogram_svg(f'length ratio {d["tgt_lang"]}/{d["src_lang"]}'
                           + (f' (median {lr["median"]:.2f}{", all documents" if lr["pooled"] else ""})'
                              if lr["median"] else ""),
                           lr["histogram"]["edges"], lr["histogram"]["counts"], log_x=True, marks=marks,
                           label=lambda v: f"{v:.2f}",
                           bar_class=(lambda left: "svg-bar-low" if lr["low"] and (left < lr["low"] or left >= lr["high"])
                                      else "svg-bar"))]
    plots.append('<div class="hists">' + "".join(hists) + "</div>")

    notes = []
    for r in d["recurring_mismatches"]:
        notes.append(f'<li>{escape(r["reason"])}</li>')
    if g and g["missed"]:
        items = []
        for m in g["missed"][:LIST_ITEMS]:
            near = ", ".join(f'<a href="#pair-{escape(d["id"])}-{n}">#{n}</a>' for n in m["pairs"])
            items.append(f'<li>gold bead {_bead(m["src"], m["tgt"])} not in the alignment'
                         + (f'; see {near}' if near else "") + "</li>")
        more = len(g["missed"]) - LIST_ITEMS
        notes.append(f'<li>{len(g["missed"])} gold bead(s) missed:<ul>{"".join(items)}</ul>'
                     + (f"… and {more} more (table: “disagreeing with gold”)" if more > 0 else "") + "</li>")
    flag_items = []
    for p in [p for p in pairs if p["flags"]][:LIST_ITEMS]:
        reasons = "; ".join(f'<b>{f["kind"]}</b>: {escape(f["reason"])}' for f in p["flags"])
        flag_items.append(f'<li><a href="{escape(link(p))}">#{p["n"]} {_bead(p["src"], p["tgt"])}</a> {reasons}</li>')
    flagged_count = s["flagged_pairs"]
    by_kind = " · ".join(f'<span class="swatch" style="background:{FLAG_COLOURS[k]}"></span>'
                         f'<a href="#pairs" data-kind="{k}" data-doc="{index}">{n} {k}</a>' for k, n in s["flags"].items())
    flags_html = (f'<h3>Flags: {flagged_count} pair(s) '
                  f'<a href="#pairs" data-doc="{index}" data-show="flagged">(show in the table)</a></h3>'
                  + (f'<p class="legend">{by_kind}</p>' if by_kind else "")
                  + (f'<ul class="notes">{"".join(flag_items)}</ul>' if flag_items else "")
                  + (f'<p class="legend">… and {flagged_count - LIST_ITEMS} more in the table</p>'
                     if flagged_count > LIST_ITEMS else ""))
    types = ", ".join(f"{n}×{t}" for t, n in s["bead_types"].items())
    gold_meta = "".join(f' · {m} P {_fig(g[m]["precision"])} R {_fig(g[m]["recall"])} F1 {_fig(g[m]["f1"])}'
                        for m in ("strict", "lax")) if g else ""
    meta = (f'<p class="meta">{escape(d["path"])} (doc {escape(d["source"])}) · {escape(d["src_lang"])}→{escape(d["tgt_lang"])} · '
            f'{n_src} / {n_tgt} sentences · {s["pairs"]} pairs ({escape(types)}) · '
            f'{_pct(s["unaligned"]["share"])} unaligned{gold_meta}</p>')
    opened = " open" if len(data["documents"]) <= OPEN_DOCUMENTS_UP_TO else ""
    title = (f'{escape(d["name"])} — {s["pairs"]} pairs, {flagged_count} flagged'
             + (f', strict F1 {_fig(g["strict"]["f1"])}' if g else ""))
    return (f'<details class="doc" id="doc-{escape(d["id"])}"{opened}><summary>{title}</summary>{meta}'
            f'<div class="plots">{"".join(plots)}</div>{_legend(bool(g))}'
            + (f'<ul class="notes">{"".join(notes)}</ul>' if notes else "")
            + flags_html + "</details>")


def _location(place) -> str:
    """A side's place as a reviewer reads it: "ja.pdf p.3 ¶12", "ja.txt line 40"."""
    if not place:
        return ""
    parts = [str(place["document"]).replace("\\", "/").rsplit("/", 1)[-1]] if place.get("document") else []
    if place.get("page") is not None:
        parts.append(f"p.{place['page']}")
    if place.get("line") and not place.get("page"):
        parts.append(f"line {place['line']}")
    elif place.get("paragraph"):
        parts.append(f"¶{place['paragraph']}")
    return " ".join(parts)


def _page_data(data) -> dict:
    """What the table script needs, with short keys (10,000 pairs stay a few MB):
    n number, s/t source/target indices, c confidence, a/b source/target text, la/lb where they
    are in their documents ("ja.pdf p.3 ¶12"), f flags
    [[kind, reason]], g gold status, o overlapping gold beads [[src], [tgt]], m chrF."""
    docs = []
    for d in data["documents"]:
        docs.append({"id": d["id"], "name": d["name"], "pairs": [
            {"n": p["n"], "s": p["src"], "t": p["tgt"], "c": p["confidence"], "a": p["src_text"], "b": p["tgt_text"],
             "la": _location(p.get("src_place")), "lb": _location(p.get("tgt_place")),
             "f": [[f["kind"], f["reason"]] for f in p["flags"]],
             "g": p["gold"]["status"] if p["gold"] else None,
             "o": [[b["src"], b["tgt"]] for b in p["gold"]["overlapping"]] if p["gold"] else [],
             "m": p["chrf"]}
            for p in d["pairs"]]})
    return {"has_gold": data["gold"] is not None, "has_mt": "chrf" in data["summary"],
            "colours": FLAG_COLOURS, "docs": docs}


def _script_json(value) -> str:
    """JSON safe inside <script>: no "</script>" or "<!--" can appear once "<" is escaped."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def _pairs_section(data) -> str:
    docs = "".join(f'<option value="{i}">{escape(d["name"])}</option>' for i, d in enumerate(data["documents"]))
    kinds = "".join(f'<option value="{k}">{k}</option>' for k in data["flag_kinds"])
    gold = data["gold"] is not None
    mt = "chrf" in data["summary"]
    cols = ('<col class="c-n"><col class="c-bead"><col class="c-conf"><col><col>' + ('<col class="c-chrf">' if mt else "")
            + '<col class="c-flags">' + ('<col class="c-gold">' if gold else ""))
    head = ("<th>pair</th><th>bead</th><th>conf.</th><th>source</th><th>target</th>" + ("<th>chrF</th>" if mt else "")
            + "<th>flags</th>" + ("<th>gold</th>" if gold else ""))
    return f"""
<section id="pairs"><h2>Pairs side by side</h2>
<p class="legend">Confidence colour: <span class="conf-scale"></span> 0.5 or less → 1.0. Sentence indices are
0-based, as in the JSONL and beads files.</p>
<div class="controls">
<label>document <select id="f-doc"><option value="">all</option>{docs}</select></label>
<label>show <select id="f-show"><option value="all">all pairs</option><option value="flagged">flagged only</option>
{'<option value="gold">disagreeing with gold</option>' if gold else ''}</select></label>
<label>flag <select id="f-kind"><option value="">any</option>{kinds}</select></label>
<label>text <input id="f-q" type="search" placeholder="search source or target"></label>
<span class="pager"><button id="prev" type="button">◀ previous</button> <span id="pager-text"></span>
<button id="next" type="button">next ▶</button></span>
</div>
<table class="pairs"><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead><tbody id="pair-rows"></tbody></table>
<p id="pairs-empty" class="empty" hidden>No pair matches these filters.</p>
<noscript><p class="empty">The pairs table needs JavaScript; the JSON report (--json) holds the same pairs.</p></noscript>
</section>"""


def render_html(report: Report) -> str:
    """The report as one self-contained HTML page."""
    data = report.data
    inputs = data["inputs"]
    inputs_line = "alignments: " + ", ".join(inputs["alignments"])
    if inputs["gold"]:
        inputs_line += f" · gold: {inputs['gold']}"
    if inputs["src_mt"]:
        inputs_line += f" · source MT: {inputs['src_mt']}"
    s = data["summary"]
    summary = (f'<section id="summary"><h2>Summary</h2>{_cards(data)}<div class="row">{_bead_type_table(data)}'
               + (f'<div><h3>Against gold</h3>{_gold_table(data["gold"])}</div>' if data["gold"] else "")
               + f'<div><h3>Flags ({s["flagged_pairs"]} pairs)</h3>{_flag_kinds(data, s["flags"])}</div>'
               # one document: its section below has the same histograms
               + f'{_summary_histograms(data) if len(data["documents"]) > 1 else ""}</div>'
               + f'{_documents_table(data)}</section>')
    documents = ('<section id="documents"><h2>Documents</h2>' +
                 "".join(_document_section(data, i, d) for i, d in enumerate(data["documents"])) + "</section>")
    n_docs = len(data["documents"])
    title = f"Alignment QA report: {data['documents'][0]['name'] if n_docs == 1 else f'{n_docs} documents'}"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<script>{ERROR_CATCHER}</script>
<style>{STYLE}</style>
</head>
<body>
<header><h1>{escape(title)}</h1><p class="inputs">{escape(inputs_line)}</p>
<nav><a href="#summary">summary</a><a href="#documents">documents</a><a href="#pairs">pairs</a></nav></header>
<main>
{summary}
{documents}
{_pairs_section(data)}
</main>
<div id="status" data-errors="0" data-rendered="0" hidden></div>
<script type="application/json" id="report-data">{_script_json(_page_data(data))}</script>
<script>{PAGE_SCRIPT}</script>
</body>
</html>
"""


def write_html(report: Report, path) -> None:
    """Write REPORT as one self-contained HTML file at PATH (atomically: all or nothing)."""
    page = render_html(report)
    with atomic_writer(path) as f:
        f.write(page)
