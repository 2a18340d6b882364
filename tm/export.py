"""Writing a memory (or part of it) as TMX 1.4b or TSV.

TMX: every unit with its dates, properties, notes and the inline markup it was imported with,
made valid against the TMX 1.4b DTD: <tu>/<tuv> attributes the DTD does not declare are left
out, inline elements it does not know are unwrapped (their text kept), and missing required
attributes (bpt/ept i, it pos) are supplied. A confidence and a document kept in columns are
written as the x-confidence and x-document properties aligntm's TMX writer uses.

TSV: source<TAB>target<TAB>confidence with a header naming the locales (the layout
`aligntm align` writes and `tm import` reads); plain text, tabs and line breaks made spaces.

Filters: a language pair (only units having both; only those two variants are written), a
minimum confidence (units without one, human translations, are kept), an origin (glob on
the file, its name or the document) and a date range (on the change date, else creation).
The output is written to a temporary file and renamed into place when complete.
"""
from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from xml.parsers import expat
from xml.sax.saxutils import escape, quoteattr

from align.errors import InputError
from align.textio import atomic_writer

from .tmx import TmxWriter
from .units import language_matches, tmx_date

FORMATS = ("tmx", "tsv")

TU_ATTRS = frozenset({"tuid", "o-encoding", "datatype", "usagecount", "lastusagedate", "creationtool",
                      "creationtoolversion", "creationdate", "creationid", "changedate", "segtype", "changeid",
                      "o-tmf", "srclang"})
TUV_ATTRS = frozenset({"o-encoding", "datatype", "usagecount", "lastusagedate", "creationtool",
                       "creationtoolversion", "creationdate", "creationid", "changedate", "o-tmf", "changeid"})
SEGTYPES = frozenset({"block", "paragraph", "sentence", "phrase"})
# TMX 1.4b inline elements: their attributes, and the elements allowed inside them.
_NATIVE_CHILDREN = frozenset({"sub"})
_FLOW_CHILDREN = frozenset({"bpt", "ept", "it", "ph", "hi", "ut"})
INLINE = {
    "bpt": ({"i", "x", "type"}, _NATIVE_CHILDREN),
    "ept": ({"i"}, _NATIVE_CHILDREN),
    "it": ({"pos", "x", "type"}, _NATIVE_CHILDREN),
    "ph": ({"x", "assoc", "type"}, _NATIVE_CHILDREN),
    "ut": ({"x"}, _NATIVE_CHILDREN),
    "hi": ({"x", "type"}, _FLOW_CHILDREN),
    "sub": ({"datatype", "type"}, _FLOW_CHILDREN),
    "seg": (set(), _FLOW_CHILDREN),
}


def tmx14_markup(markup: str) -> str:
    """Serialised <seg> content made valid for the TMX 1.4b DTD (unchanged when it already is)."""
    out: list[str] = []
    stack: list[str | None] = []           # element names written, None for unwrapped ones
    starts: list[int] = []                 # where in OUT the start tags of written elements are
    open_bpt: list[str] = []
    counter = [0]

    def start(name, attrs):
        parent = next((n for n in reversed(stack) if n is not None), "seg")
        if not stack or name not in INLINE or name not in INLINE[parent][1]:   # the <seg> wrapper, or unknown
            stack.append(None)
            return
        allowed = INLINE[name][0]
        attrs = {k: v for k, v in attrs.items() if k in allowed}
        if name == "bpt":
            if "i" not in attrs:
                counter[0] += 1
                attrs["i"] = f"x{counter[0]}"
            open_bpt.append(attrs["i"])
        elif name == "ept" and "i" not in attrs:
            attrs["i"] = open_bpt.pop() if open_bpt else "0"
        elif name == "it" and attrs.get("pos") not in ("begin", "end"):
            attrs["pos"] = "begin"
        out.append("<" + name + "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items()) + ">")
        stack.append(name)
        starts.append(len(out) - 1)

    def end(name):
        written = stack.pop()
        if written is not None:
            at = starts.pop()
            if at == len(out) - 1:                 # nothing inside: <ph x="1"/> as it was read
                out[at] = out[at][:-1] + "/>"
            else:
                out.append(f"</{written}>")

    p = expat.ParserCreate()
    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = lambda data: out.append(escape(data))
    p.Parse("<seg>" + markup + "</seg>", True)
    return "".join(out)


def lang_filter(code: str, alias: str = "") -> tuple[str, list]:
    """SQL condition on a variants row (table alias ALIAS) for language CODE (a locale or a code)."""
    norm = code.strip().replace("_", "-").lower()
    prefix = f"{alias}." if alias else ""
    if "-" in norm:
        return f"lower(replace({prefix}lang, '_', '-')) = ?", [norm]
    return f"{prefix}base = ?", [norm]


def _date_bound(text: str | None, end_of_day: bool, option: str) -> str | None:
    if text is None:
        return None
    when = tmx_date(text)
    if when is None:
        raise InputError(f"{option}: {text!r} is not a date (use 2025-01-21 or 20250121T000000Z)")
    if end_of_day and len(text.strip()) == 10:   # a bare date: up to the end of that day
        when = when[:9] + "235959Z"
    return when


def select_units(tm, src=None, tgt=None, min_confidence=None, origin=None, since=None, until=None):
    """(SQL WHERE clause, parameters) for the units passing the filters."""
    where, args = ["1"], []
    for code in (src, tgt):
        if code:
            cond, a = lang_filter(code)
            where.append(f"EXISTS (SELECT 1 FROM variants WHERE unit = u.id AND {cond})")
            args += a
    if min_confidence is not None:
        where.append("(u.confidence IS NULL OR u.confidence >= ?)")
        args.append(float(min_confidence))
    if origin:
        where.append("(o.file GLOB ? OR o.file GLOB '*/' || ? OR o.document GLOB ?)")
        args += [origin, origin, origin]
    lo = _date_bound(since, False, "--since")
    hi = _date_bound(until, True, "--until")
    if lo:
        where.append("coalesce(u.changed, u.created) >= ?")
        args.append(lo)
    if hi:
        where.append("coalesce(u.changed, u.created) <= ?")
        args.append(hi)
    return " AND ".join(where), args


def iter_units(tm, src=None, tgt=None, min_confidence=None, origin=None, since=None, until=None,
               batch: int = 2000):
    """(unit row dict, [variant namespaces]) for the units passing the filters, in id order."""
    where, args = select_units(tm, src, tgt, min_confidence, origin, since, until)
    conn = tm.conn
    last = 0
    while True:
        rows = conn.execute(f"""
            SELECT u.id, u.created, u.changed, u.confidence, u.props, u.notes, u.attrs, o.file, o.document
            FROM units u LEFT JOIN origins o ON o.id = u.origin
            WHERE u.id > ? AND {where} ORDER BY u.id LIMIT {batch}""", [last, *args]).fetchall()
        if not rows:
            return
        last = rows[-1][0]
        variants: dict[int, list] = {}
        ids = [r[0] for r in rows]
        marks = ",".join("?" * len(ids))
        for unit_id, lang, text, markup, extra in conn.execute(
                f"SELECT unit, lang, text, markup, extra FROM variants WHERE unit IN ({marks}) ORDER BY id", ids):
            extra = json.loads(extra) if extra else {}
            variants.setdefault(unit_id, []).append(SimpleNamespace(
                lang=lang, text=text, markup=markup, attrs=extra.get("attrs", {}),
                props=[tuple(p) for p in extra.get("props", [])], notes=extra.get("notes", [])))
        for r in rows:
            unit = {"id": r[0], "created": r[1], "changed": r[2], "confidence": r[3],
                    "props": [tuple(p) for p in json.loads(r[4])] if r[4] else [],
                    "notes": json.loads(r[5]) if r[5] else [], "attrs": json.loads(r[6]) if r[6] else {},
                    "file": r[7], "document": r[8] or None}
            yield unit, variants.get(r[0], [])


def _pick(variants, src, tgt):
    """The variants to write: the first of each language of the pair, or all."""
    if not (src and tgt):
        return variants
    s = next((v for v in variants if language_matches(v.lang, src)), None)
    t = next((v for v in variants if language_matches(v.lang, tgt) and v is not s), None)
    return [s, t] if s and t else []


def _locale_in_memory(tm, code: str | None) -> str | None:
    """The locale as the memory writes it for CODE ("ja" -> "ja-JP" when that is what it holds)."""
    if not code:
        return None
    matching = [lang for lang in tm.languages() if language_matches(lang, code)]
    return matching[0] if matching else code


def export(tm, path, fmt: str | None = None, src: str | None = None, tgt: str | None = None,
           min_confidence: float | None = None, origin: str | None = None, since: str | None = None,
           until: str | None = None, progress: bool | None = None) -> int:
    """Write the units of TM passing the filters to PATH; returns the number of units written."""
    from .store import progress_bar
    fmt = fmt or (Path(path).suffix.lstrip(".").lower() if Path(path).suffix.lower() in (".tmx", ".tsv") else "tmx")
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}; expected tmx or tsv")
    if bool(src) != bool(tgt) and fmt == "tsv":
        raise InputError("give both -s and -t, or neither")
    if fmt == "tsv" and not src:
        src, tgt = tm.resolve_pair(None, None)
    for code in (src, tgt):
        if code and not any(language_matches(lang, code) for lang in tm.languages()):
            raise InputError(f"{tm.name}: no units in {code!r} (the memory has {', '.join(tm.languages()) or 'none'})")
    where, args = select_units(tm, src, tgt, min_confidence, origin, since, until)
    total = tm.conn.execute(f"SELECT count(*) FROM units u LEFT JOIN origins o ON o.id = u.origin WHERE {where}",
                            args).fetchone()[0]
    units = iter_units(tm, src, tgt, min_confidence, origin, since, until)
    with progress_bar(progress, total, "exporting", " units") as bar:
        if fmt == "tsv":
            return _write_tsv(tm, path, units, src, tgt, bar)
        return _write_tmx(tm, path, units, src, tgt, bar)


def _write_tmx(tm, path, units, src, tgt, bar) -> int:
    srclang = _locale_in_memory(tm, src) or tm.default_source() or next(iter(tm.languages()), "*all*")
    with TmxWriter(path, srclang=srclang) as tmx:
        for n, (unit, variants) in enumerate(units, 1):
            chosen = []
            for v in _pick(variants, src, tgt):
                chosen.append(SimpleNamespace(
                    lang=v.lang, text=v.text, markup=tmx14_markup(v.markup) if v.markup else None,
                    attrs={k: val for k, val in v.attrs.items() if k in TUV_ATTRS},
                    props=v.props, notes=v.notes))
            attrs = {k: v for k, v in unit["attrs"].items() if k in TU_ATTRS and k not in ("creationdate", "changedate")}
            if attrs.get("segtype") not in SEGTYPES:
                attrs.pop("segtype", None)
            if unit["created"]:
                attrs["creationdate"] = unit["created"]
            if unit["changed"] and unit["changed"] != unit["created"]:
                attrs["changedate"] = unit["changed"]
            props = list(unit["props"])
            types = {t.lower() for t, _ in props}
            if unit["confidence"] is not None and "x-confidence" not in types:
                props.append(("x-confidence", f"{unit['confidence']:.3f}"))
            if unit["document"] and not types & {"x-document", "file"}:
                props.append(("x-document", unit["document"]))
            tmx.add_unit(chosen, props, unit["notes"], attrs)
            if bar and n % 1000 == 0:
                bar.update_to(n)
    return tmx.count


def _cell(text: str) -> str:
    return " ".join(text.replace("\t", " ").split()) if any(c in text for c in "\t\n\r") else text


def _write_tsv(tm, path, units, src, tgt, bar) -> int:
    count = 0
    with atomic_writer(path) as f:
        f.write(f"{_locale_in_memory(tm, src)}\t{_locale_in_memory(tm, tgt)}\tconfidence\n")
        for n, (unit, variants) in enumerate(units, 1):
            pair = _pick(variants, src, tgt)
            if len(pair) == 2 and pair[0].text.strip() and pair[1].text.strip():
                conf = "" if unit["confidence"] is None else f"{unit['confidence']:.3f}"
                f.write(f"{_cell(pair[0].text)}\t{_cell(pair[1].text)}\t{conf}\n")
                count += 1
            if bar and n % 1000 == 0:
                bar.update_to(n)
    return count
