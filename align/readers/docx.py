"""DOCX reader: a Word document's body as blocks (paragraphs, headings, list items, table cells,
footnotes), in document order.

What is read, and how:
- the body in document order: paragraphs and tables (also inside content controls, w:sdt, and
  custom XML); text boxes anchored in a paragraph follow that paragraph as blocks of their own;
- a paragraph whose style name starts with "heading" or "title" (or is "subtitle"), or that has
  an outline level 0-8 (its own or its style's), is a "heading"; one with numbering (w:numPr
  with a non-zero w:numId, its own or its style's) or a style named "List ..." is "list"; others
  are "text". A table of contents (paragraphs styled "toc 1".."toc 9", and the content control
  Word wraps a TOC in) is skipped: it repeats the headings with page numbers;
- a paragraph's text is the text of its runs, also inside hyperlinks, fields (the result, not the
  field code), smart tags, content controls and inserted text (tracked changes); deleted text,
  ruby (furigana) and hidden (w:vanish) text are left out; a tab is a space; a line break (w:br,
  w:cr) starts a new line of the block. Whitespace runs (ASCII whitespace only: no-break and
  ideographic spaces are kept as written) are collapsed to one space and lines are stripped;
  empty blocks are skipped;
- tables row by row, every paragraph of every cell as a "cell" block, nested tables where they
  are; a merged cell is one w:tc in the XML (horizontal) or keeps its text in the first cell
  (vertical), so its text comes once;
- footnotes and endnotes: each paragraph of the note is a "footnote" block, right after the
  block whose paragraph references it (first reference only); the reference mark adds no text;
  separator notes are skipped;
- headers, footers and comments are not read.

Before python-docx opens the file, the zip is checked: too many entries, or entries that expand
to more than 200 MB in total, or one entry with a compression ratio over 200 and more than
10 MB, are refused as a possible zip bomb. Every failure is an InputError of one line.
"""
from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

from ..errors import InputError
from .base import Block, SourceDocument

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_RT_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
_RT_ENDNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


P, TBL, TR, TC, R = _w("p"), _w("tbl"), _w("tr"), _w("tc"), _w("r")
SDT, SDT_CONTENT, CUSTOM_XML = _w("sdt"), _w("sdtContent"), _w("customXml")
PPR, PSTYLE, NUMPR, NUMID, OUTLINE = _w("pPr"), _w("pStyle"), _w("numPr"), _w("numId"), _w("outlineLvl")
VAL, ID, TYPE = _w("val"), _w("id"), _w("type")
TXBX_CONTENT = _w("txbxContent")
_TEXT_TAGS = {_w("t"), f"{{{_M}}}t"}
_SPACE_TAGS = {_w("tab"), _w("ptab")}
_BREAK_TAGS = {_w("br"), _w("cr")}
_NOTE_REFS = {_w("footnoteReference"): "footnote", _w("endnoteReference"): "endnote"}
# Never text: properties, deleted or moved-away text, field codes, ruby text, symbols in
# symbol fonts (private-use code points), the footnote's own number mark.
_SKIP = {_w(t) for t in ("pPr", "rPr", "del", "moveFrom", "delText", "delInstrText", "instrText",
                         "rt", "sym", "footnoteRef", "endnoteRef", "annotationRef", "commentReference",
                         "sectPr", "tblPr", "tblGrid", "trPr", "tcPr", "tblPrEx", "fldData",
                         "sdtPr", "sdtEndPr", "customXmlPr", "smartTagPr")}
_ALTERNATE = f"{{{_MC}}}AlternateContent"
_NOTE_SEPARATORS = {"separator", "continuationSeparator", "continuationNotice"}

_MAX_TOTAL = 200 * 1024 * 1024
_MAX_RATIO = 200
_MAX_RATIO_SIZE = 10 * 1024 * 1024
_MAX_ENTRIES = 20000
_WS = re.compile(r"[ \t\n\r\f\v]+")
_TOC_STYLE = re.compile(r"toc \d$")


def read_docx(path: str | os.PathLike, name: str | None = None) -> SourceDocument:
    """Read a .docx file into blocks; raise InputError (one line) when it cannot be read."""
    p = Path(path)
    name = str(p) if name is None else name
    if not p.exists():
        raise InputError(f"{name}: no such file")
    if p.is_dir():  # python-docx would read a directory as an unzipped package
        raise InputError(f"{name}: is a directory, expected a file")
    _check_zip(p, name)
    try:
        import docx  # imported here: reading text or HTML does not need it
        document = docx.Document(str(p))
    except InputError:
        raise
    except ValueError as e:
        if "not a Word file" in str(e):
            ctype = str(e).rsplit("content type is", 1)[-1].strip(" '")
            raise InputError(f"{name}: not a Word document (content type {ctype}); "
                             f"save it as a Word Document (.docx)") from None
        raise InputError(f"{name}: not a readable DOCX file ({_reason(e)})") from None
    except Exception as e:  # zipfile, lxml, python-docx errors for a damaged file
        raise InputError(f"{name}: not a readable DOCX file ({_reason(e, p)})") from None
    try:
        blocks = _Walker(document, name).run()
    except InputError:
        raise
    except RecursionError:
        raise InputError(f"{name}: not a readable DOCX file (nested too deeply)") from None
    except Exception as e:
        raise InputError(f"{name}: not a readable DOCX file ({_reason(e)})") from None
    return SourceDocument(name=name, format="docx", blocks=blocks)


def _reason(e: BaseException, path: Path | None = None) -> str:
    """One line saying what went wrong, without tracebacks."""
    from lxml import etree

    text = " ".join(str(e).split())
    if isinstance(e, etree.XMLSyntaxError):
        text = re.sub(r"\s*\(<string>, line \d+\)$", "", text)
        part = _broken_part(path) if path is not None else None
        text = f"broken XML in {part}: {text}" if part else f"broken XML: {text}"
    elif isinstance(e, KeyError):
        text = text.strip("'\"")
        text = "no main document part" if "officeDocument" in text else f"missing part {text}"
    elif isinstance(e, (AttributeError, TypeError, IndexError, AssertionError, LookupError)):
        text = f"damaged package structure, {type(e).__name__}"
    text = text or type(e).__name__
    if len(text) > 160:
        text = text[:157] + "..."
    return text


def _broken_part(path: Path) -> str | None:
    """The first XML part of the package that is not well-formed (to name it in the error)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                if info.filename.endswith((".xml", ".rels")):
                    try:
                        etree.fromstring(z.read(info), parser)
                    except etree.XMLSyntaxError:
                        return info.filename
    except Exception:
        return None
    return None


def _check_zip(p: Path, name: str) -> None:
    """Refuse what is not a zip, is not a DOCX, or would expand to too much (a zip bomb)."""
    try:
        with open(p, "rb") as f:
            head = f.read(8)
    except OSError as e:
        raise InputError(f"{name}: cannot read ({e.strerror})") from None
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise InputError(f"{name}: an OLE file, not a DOCX: a password-protected document or an old "
                         f"Word .doc file; save it as a Word Document (.docx) without a password")
    try:
        with zipfile.ZipFile(p) as z:
            infos = z.infolist()
            names = {i.filename for i in infos}
            rels = z.read("_rels/.rels") if "_rels/.rels" in names else b""
    except zipfile.BadZipFile as e:
        reason = "not a zip archive, or a truncated one" if "not a zip file" in str(e) else _reason(e)
        raise InputError(f"{name}: not a readable DOCX file ({reason})") from None
    except Exception as e:  # truncated central directory, unsupported compression, OSError...
        raise InputError(f"{name}: not a readable DOCX file ({_reason(e)})") from None
    if len(infos) > _MAX_ENTRIES:
        raise InputError(f"{name}: DOCX has {len(infos)} zip entries, refusing (zip bomb?)")
    total = sum(i.file_size for i in infos)
    if total > _MAX_TOTAL:
        raise InputError(f"{name}: DOCX expands to {_mb(total)} MB, refusing (zip bomb?)")
    for i in infos:
        if i.file_size > _MAX_RATIO_SIZE and i.file_size > _MAX_RATIO * max(i.compress_size, 1):
            raise InputError(f"{name}: DOCX expands to {_mb(total)} MB ({i.filename}: "
                             f"{i.file_size // max(i.compress_size, 1)} times its compressed size), "
                             f"refusing (zip bomb?)")
    if "[Content_Types].xml" not in names or not any(n.startswith("word/") for n in names):
        raise InputError(f"{name}: a zip archive but not a DOCX file (no word/document.xml)")
    if b"purl.oclc.org/ooxml" in rels:
        raise InputError(f"{name}: a Strict Open XML document, which cannot be read; "
                         f"save it as a Word Document (.docx)")


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def _clean_lines(pieces: list[str]) -> tuple[str, ...]:
    """The block's lines: split at line breaks, whitespace collapsed, empty lines dropped."""
    lines = (_WS.sub(" ", line).strip() for line in "".join(pieces).split("\n"))
    return tuple(line for line in lines if line)


class _Style:
    __slots__ = ("name", "based_on", "outline", "num_id")

    def __init__(self, name, based_on, outline, num_id):
        self.name, self.based_on, self.outline, self.num_id = name, based_on, outline, num_id


class _Walker:
    """Walks the body XML and gathers blocks."""

    def __init__(self, document, name: str):
        self.document = document
        self.name = name
        self.blocks: list[Block] = []
        self.styles, self.default_style = self._styles()
        self.notes = {"footnote": self._notes(_RT_FOOTNOTES, "footnote"),
                      "endnote": self._notes(_RT_ENDNOTES, "endnote")}
        self.notes_done: set[tuple[str, str]] = set()
        self.in_note = False

    # --- the parts ----------------------------------------------------------------------

    def _styles(self):
        styles: dict[str, _Style] = {}
        default = None
        try:
            element = self.document.styles.element
        except Exception:  # no styles part: every paragraph is plain text
            return styles, None
        for s in element.iterchildren(_w("style")):
            if s.get(TYPE) != "paragraph" or s.get(_w("styleId")) is None:
                continue
            name_el, based_el = s.find(_w("name")), s.find(_w("basedOn"))
            ppr = s.find(PPR)
            outline, num_id = self._outline_num(ppr)
            style_id = s.get(_w("styleId"))
            styles[style_id] = _Style(
                (name_el.get(VAL) or "") if name_el is not None else "",
                based_el.get(VAL) if based_el is not None else None, outline, num_id)
            if s.get(_w("default")) in ("1", "true", "on"):
                default = style_id
        return styles, default

    @staticmethod
    def _outline_num(ppr):
        """(outline level or None, numbering id or None) set directly in a w:pPr."""
        if ppr is None:
            return None, None
        outline = num_id = None
        o = ppr.find(OUTLINE)
        if o is not None and (o.get(VAL) or "").isdigit():
            outline = int(o.get(VAL))
        n = ppr.find(NUMPR)
        if n is not None:
            nid = n.find(NUMID)
            if nid is not None:
                num_id = nid.get(VAL)
        return outline, num_id

    def _notes(self, reltype: str, what: str) -> dict[str, object]:
        """Footnotes or endnotes by id (separators left out); {} when the document has none."""
        from lxml import etree

        part = None
        for rel in self.document.part.rels.values():
            if rel.reltype == reltype and not rel.is_external:
                part = rel.target_part
                break
        if part is None:
            return {}
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        try:
            root = etree.fromstring(part.blob, parser)
        except etree.XMLSyntaxError as e:
            where = str(part.partname).lstrip("/")
            reason = _reason(e).replace("broken XML:", f"broken XML in {where}:", 1)
            raise InputError(f"{self.name}: not a readable DOCX file ({reason})") from None
        return {n.get(ID): n for n in root.iterchildren(_w(what))
                if n.get(TYPE) not in _NOTE_SEPARATORS and n.get(ID) is not None}

    # --- the body -----------------------------------------------------------------------

    def run(self) -> list[Block]:
        body = self.document.element.body
        if body is not None:
            self._container(body, None)
        return self.blocks

    def _container(self, el, kind: str | None) -> None:
        """Block-level content of the body, a cell, a note or a text box, in order.

        kind: forced kind of every paragraph ("cell", "footnote"), None to take the style's.
        """
        for child in el.iterchildren():
            tag = child.tag
            if tag == P:
                self._paragraph(child, kind)
            elif tag == TBL:
                self._table(child)
            elif tag in (SDT, CUSTOM_XML, SDT_CONTENT) and not _is_toc(child):
                self._container(child, kind)

    def _table(self, tbl) -> None:
        for row in _children(tbl, TR):
            for cell in _children(row, TC):
                self._container(cell, "footnote" if self.in_note else "cell")

    def _paragraph(self, p, kind: str | None) -> None:
        style = self._style_of(p)
        if kind is None and style is not None and _TOC_STYLE.match(style.name.lower()):
            return
        pieces: list[str] = []
        refs: list[tuple[str, str]] = []
        boxes: list = []
        self._inline(p, pieces, refs, boxes)
        lines = _clean_lines(pieces)
        if lines:
            self.blocks.append(Block(lines=lines, kind=kind or self._kind(p, style)))
        for box in boxes:
            self._container(box, "footnote" if self.in_note else None)
        for ref in refs:
            self._note(ref)

    def _note(self, ref: tuple[str, str]) -> None:
        what, note_id = ref
        note = self.notes[what].get(note_id)
        if note is None or ref in self.notes_done or self.in_note:
            return
        self.notes_done.add(ref)
        self.in_note = True
        try:
            self._container(note, "footnote")
        finally:
            self.in_note = False

    def _inline(self, el, pieces: list[str], refs: list, boxes: list) -> None:
        """Text of a paragraph's content, in order; note references and text boxes noted."""
        for child in el.iterchildren():
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:  # comments, processing instructions
                continue
            if tag == R and _hidden(child):
                continue
            if tag in _TEXT_TAGS:
                pieces.append(child.text or "")
            elif tag in _SPACE_TAGS:
                pieces.append(" ")
            elif tag in _BREAK_TAGS:
                pieces.append("\n")
            elif tag == _w("noBreakHyphen"):
                pieces.append("-")
            elif tag in _NOTE_REFS:
                refs.append((_NOTE_REFS[tag], child.get(ID)))
            elif tag == TXBX_CONTENT:
                boxes.append(child)
            elif tag == _ALTERNATE:  # the same content several ways: read the first only
                first = next((c for c in child.iterchildren() if isinstance(c.tag, str)), None)
                if first is not None:
                    self._inline(first, pieces, refs, boxes)
            elif tag == P:  # a paragraph nested where it should not be: its text still counts
                pieces.append("\n")
                self._inline(child, pieces, refs, boxes)
                pieces.append("\n")
            else:
                self._inline(child, pieces, refs, boxes)

    # --- styles -------------------------------------------------------------------------

    def _style_of(self, p) -> _Style | None:
        ppr = p.find(PPR)
        ps = ppr.find(PSTYLE) if ppr is not None else None
        style_id = ps.get(VAL) if ps is not None else self.default_style
        return self.styles.get(style_id) if style_id is not None else None

    def _kind(self, p, style: _Style | None) -> str:
        outline, num_id = self._outline_num(p.find(PPR))
        name = style.name.lower() if style is not None else ""
        # up the basedOn chain for what the paragraph does not set itself
        seen = set()
        s = style
        while s is not None and id(s) not in seen and (outline is None or num_id is None):
            seen.add(id(s))
            if outline is None:
                outline = s.outline
            if num_id is None:
                num_id = s.num_id
            s = self.styles.get(s.based_on) if s.based_on else None
        if name.startswith(("heading", "title")) or name == "subtitle" or (
                outline is not None and 0 <= outline <= 8):
            return "heading"
        if (num_id is not None and num_id != "0") or name.startswith("list"):
            return "list"
        return "text"


def _is_toc(sdt) -> bool:
    """A content control holding a table of contents (Word wraps its TOC field in one)."""
    gallery = sdt.find(f"{_w('sdtPr')}/{_w('docPartObj')}/{_w('docPartGallery')}")
    return gallery is not None and (gallery.get(VAL) or "").lower() == "table of contents"


def _hidden(run) -> bool:
    """A run formatted as hidden text (w:vanish): not shown, not printed."""
    rpr = run.find(_w("rPr"))
    vanish = rpr.find(_w("vanish")) if rpr is not None else None
    return vanish is not None and vanish.get(VAL) not in ("0", "false", "off")


def _children(el, tag: str):
    """Children with this tag, also those wrapped in content controls or custom XML."""
    for child in el.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag in (SDT, CUSTOM_XML, SDT_CONTENT):
            yield from _children(child, tag)
