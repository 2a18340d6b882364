"""Writing TMX 1.4b that CAT tools import (OmegaT, Trados, memoQ, translate-toolkit).

Valid against the LISA TMX 1.4b DTD for any input text: markup characters are escaped and
characters XML 1.0 forbids are removed. The file is written to a temporary file and renamed
into place when complete, so an interrupted run never leaves a half-written memory.
"""
from __future__ import annotations

import os
import re
from datetime import datetime, timezone
from functools import lru_cache
from typing import Iterable

from align import __version__ as TOOL_VERSION
from align.textio import atomic_writer

TOOL = "aligntm"

# Characters XML 1.0 does not allow (C0 controls except tab/LF/CR, surrogates, U+FFFE/FFFF).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
# in an attribute value a parser turns tab, LF and CR into spaces unless they are references
_ATTR_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\t": "&#9;",
                               "\n": "&#10;", "\r": "&#13;"})


_NEEDS_ESCAPING = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff&<>\r]")


def xml_text(text: str) -> str:
    """TEXT made safe for XML character data (a CR as &#13;: parsers read a literal one as LF).
    Most texts need nothing: one regex search finds that (str.translate, character by
    character, took 2 s of writing a 100,000-unit memory)."""
    if not _NEEDS_ESCAPING.search(text):
        return text
    return _FORBIDDEN.sub("", text).translate(_TEXT_ESCAPES)


@lru_cache(maxsize=4096)
def xml_attr(text: str) -> str:
    """TEXT as a quoted XML attribute value (cached: languages and prop names repeat in every unit)."""
    return '"' + _FORBIDDEN.sub("", text).translate(_ATTR_ESCAPES) + '"'


def tmx_date(when: datetime | None = None) -> str:
    """TMX dates are UTC, YYYYMMDDThhmmssZ."""
    return (when or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _one_line(text: str) -> str:
    # A segment is one sentence: line breaks inside it would break plain-text round trips.
    return " ".join(text.split()) if ("\n" in text or "\r" in text) else text


class TmxWriter:
    """Streams translation units into a TMX file; use as a context manager.

    >>> with TmxWriter("out.tmx", srclang="ja-JP") as tmx:
    ...     tmx.add({"ja-JP": "７０周年", "en-US": "70th anniversary"}, {"x-confidence": "0.98"})
    """

    def __init__(self, path: str | os.PathLike, srclang: str, adminlang: str = "en-US",
                 datatype: str = "plaintext", when: datetime | None = None):
        self.path = path
        self.srclang = srclang
        self.date = tmx_date(when)
        self.count = 0
        self._header = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<tmx version="1.4">\n'
            f'  <header creationtool={xml_attr(TOOL)} creationtoolversion={xml_attr(TOOL_VERSION)}'
            f' segtype="sentence" o-tmf={xml_attr(TOOL)} adminlang={xml_attr(adminlang)}'
            f' srclang={xml_attr(srclang)} datatype={xml_attr(datatype)} creationdate="{self.date}"/>\n'
            '  <body>\n')
        self._ctx = None
        self._f = None

    def __enter__(self) -> "TmxWriter":
        self._ctx = atomic_writer(self.path)
        self._f = self._ctx.__enter__()
        self._f.write(self._header)
        return self

    def add(self, segments: dict[str, str], props: dict[str, str] | None = None) -> bool:
        """Add a unit with one <tuv> per language (locale -> text); empty texts are left out.

        Units with fewer than two languages are not translations and are skipped (returns False).
        """
        # forbidden characters go first, so that a segment of nothing else counts as empty
        segments = {lang: _one_line(_FORBIDDEN.sub("", text)).strip() for lang, text in segments.items()}
        segments = {lang: text for lang, text in segments.items() if text}
        if len(segments) < 2:
            return False
        out = [f'    <tu creationdate="{self.date}">\n']
        for name, value in (props or {}).items():
            out.append(f'      <prop type={xml_attr(name)}>{xml_text(str(value))}</prop>\n')
        for lang, text in segments.items():
            out.append(f'      <tuv xml:lang={xml_attr(lang)}><seg>{xml_text(text)}</seg></tuv>\n')
        out.append('    </tu>\n')
        self._f.write("".join(out))
        self.count += 1
        return True

    def add_unit(self, variants, props=(), notes=(), attrs: dict | None = None) -> bool:
        """Add a unit as a translation memory holds it, texts kept exactly as they are.

        VARIANTS: objects with lang, text and optionally markup (the <seg> content already
        serialised, inline tags included: written as is, so it must be valid TMX 1.4b), attrs,
        props ([(type, value)]) and notes. ATTRS: <tu> attributes (tuid, creationdate, ...);
        without a creationdate the writer's date is used. Returns False (nothing written) for
        fewer than two variants.
        """
        variants = [v for v in variants if _FORBIDDEN.sub("", v.text).strip() or getattr(v, "markup", None)]
        if len(variants) < 2:
            return False
        attrs = dict(attrs or {})
        attrs.setdefault("creationdate", self.date)
        out = ["    <tu" + "".join(f" {k}={xml_attr(str(v))}" for k, v in attrs.items()) + ">\n"]
        out += _props_and_notes(props, notes, "      ")
        for v in variants:
            tuv_attrs = "".join(f" {k}={xml_attr(str(val))}" for k, val in (getattr(v, "attrs", None) or {}).items())
            out.append(f"      <tuv xml:lang={xml_attr(v.lang)}{tuv_attrs}>")
            inner = _props_and_notes(getattr(v, "props", ()), getattr(v, "notes", ()), "")
            markup = getattr(v, "markup", None)
            out.append("".join(inner) + "<seg>" + (_FORBIDDEN.sub("", markup) if markup else xml_text(v.text))
                       + "</seg></tuv>\n")
        out.append("    </tu>\n")
        self._f.write("".join(out))
        self.count += 1
        return True

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self._f.write("  </body>\n</tmx>\n")
        return self._ctx.__exit__(exc_type, exc, tb)


def _props_and_notes(props, notes, indent: str) -> list[str]:
    # the DTD wants notes and props before the variants / the <seg>, in either order
    sep = "\n" if indent else ""
    return ([f"{indent}<note>{xml_text(str(n))}</note>{sep}" for n in notes or ()]
            + [f"{indent}<prop type={xml_attr(str(t))}>{xml_text(str(v))}</prop>{sep}" for t, v in props or ()])


def alignment_units(alignment, src_locale: str, tgt_locale: str, document: str | None = None) -> Iterable:
    """(segments, props) for each bead of an Alignment that has text on both sides."""
    doc = document or alignment.src.name
    for src_text, tgt_text, bead in alignment.pairs():
        if bead.src and bead.tgt:
            props = {"x-confidence": f"{bead.confidence:.3f}", "x-bead": bead.type, "x-document": doc}
            # where a reviewer finds each side: "ja.pdf p.3 ¶12", and the page alone for PDFs
            for side, document_, indices in (("src", alignment.src, bead.src), ("tgt", alignment.tgt, bead.tgt)):
                if hasattr(document_, "location"):
                    props[f"x-{side}-location"] = document_.location(indices)
                    page = document_.place(indices).get("page")
                    if page is not None:
                        props[f"x-{side}-page"] = str(page)
            yield ({src_locale: src_text, tgt_locale: tgt_text}, props)


def write_tmx(alignments, path, src_locale: str | None = None, tgt_locale: str | None = None,
              adminlang: str = "en-US") -> int:
    """Write one or more Alignments as a TMX file; returns the number of units written."""
    if not isinstance(alignments, (list, tuple)):
        alignments = [alignments]
    first = alignments[0]
    src_locale = src_locale or first.src.lang.locale
    tgt_locale = tgt_locale or first.tgt.lang.locale
    with TmxWriter(path, srclang=src_locale, adminlang=adminlang) as tmx:
        for alignment in alignments:
            for segments, props in alignment_units(alignment, src_locale, tgt_locale):
                tmx.add(segments, props)
    return tmx.count
