"""HTML reader: a web page's text as blocks (paragraphs, headings, list items, table cells,
footnotes), with the standard library's html.parser.

Decoding: a byte-order mark (UTF-8, UTF-16) wins; else the encoding a <meta charset> or
<meta http-equiv="Content-Type" content="...; charset=..."> (or an <?xml encoding?>
declaration) in the first 4 KB names; else UTF-8. Labels are read as browsers read them
(Shift_JIS is CP932, ISO-8859-1 and ASCII are windows-1252, a UTF-16 label without a BOM is
UTF-8). Bytes that are not valid in that encoding are an InputError, never mojibake.

Blocks: every block element (p, div, li, h1-h6, td, th, caption, blockquote, pre, dt, dd,
figcaption, section, article, table rows...) starts and ends a block; inline elements (a, span,
b, em, strong, i, sup, unknown tags...) are part of the block around them, and text directly in
a section or the body is a block of its own. Kinds: h1-h6 (and role="heading") "heading";
li, dt, dd "list"; td, th "cell"; anything inside a footnote section "footnote"; others "text".
The innermost of heading/list/cell wins (a table inside a list item gives cells).
Footnote sections: a block element with role doc-footnote/doc-endnote(s), a class footnote(s)
or endnote(s), epub:type footnote(s)/endnote(s)/rearnote(s), or id footnotes/endnotes.

Whitespace: runs of ASCII whitespace, newlines included, are one space (no-break and
ideographic spaces are kept as written); lines are stripped. <br> starts a new line of the
block; two <br> in a row (a blank line) end the block. In <pre> every source line is a line and
a blank line ends the block. Character references are decoded.

Dropped with everything in them:
- script, style, noscript, template, head and title (the page title repeats the h1), svg,
  iframe, object, canvas, audio, video; form controls (button, select, option, textarea...);
  ruby text (rt, rp: the furigana, keeping the base text);
- navigation: nav and role="navigation" / "search" / "banner" / "contentinfo" always;
  header, footer and aside when they are page furniture, i.e. not inside main, article or an
  element with role="main" (a header or aside inside an article is the article's);
  a footnote section is never furniture;
- hidden elements: the hidden attribute, aria-hidden="true", an inline style with display:none
  or visibility:hidden;
- footnote reference marks and back links (role doc-noteref / doc-backlink, class
  footnote-ref / footnote-back), which would glue a number or an arrow to the sentence.
Malformed HTML is read the way browsers mostly read it: a new <p>, <li>, <td>, <tr>, <dt>/<dd>
closes the open one, an end tag closes what is open inside it, a stray end tag is ignored.
"""
from __future__ import annotations

import codecs
import re
from collections import Counter
from html.parser import HTMLParser

from ..errors import InputError
from .base import Block, SourceDocument

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCK = _HEADINGS | {
    "address", "article", "aside", "blockquote", "body", "caption", "center", "col", "colgroup",
    "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
    "footer", "form", "frameset", "header", "hgroup", "hr", "html", "legend", "li", "listing",
    "main", "menu", "nav", "ol", "p", "plaintext", "pre", "search", "section", "summary", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "xmp",
}
_VOID = {"area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input",
         "keygen", "link", "meta", "param", "source", "track", "wbr"}
_DROP = {"script", "style", "noscript", "template", "head", "title", "svg", "iframe", "object",
         "canvas", "audio", "video", "nav", "button", "select", "option", "optgroup", "textarea",
         "datalist", "rt", "rp"}
_DROP_ROLES = {"navigation", "search", "banner", "contentinfo"}
_FURNITURE = {"header", "footer", "aside"}
_CONTENT = {"main", "article"}
_HEAD_CONTENT = {"title", "meta", "link", "style", "script", "base", "noscript", "template",
                 "basefont", "bgsound"}
_PRE = {"pre", "listing", "xmp", "plaintext"}
_KIND = {**{h: "heading" for h in _HEADINGS}, "li": "list", "dt": "list", "dd": "list",
         "td": "cell", "th": "cell"}
# A start tag closes the open <p>: the block elements that cannot sit inside a paragraph.
_CLOSES_P = _BLOCK - {"body", "html", "td", "th", "tr", "tbody", "thead", "tfoot", "caption",
                      "col", "colgroup", "li", "dd", "dt", "frameset"} | {"li", "dd", "dt"}
# Elements that stop the search for an open element to close implicitly.
_P_SCOPE = {"table", "td", "th", "caption", "html", "button", "template", "object"}
_LI_SCOPE = _P_SCOPE | {"ul", "ol", "menu", "dir"}
_DL_SCOPE = _P_SCOPE | {"dl"}
_CELL_SCOPE = {"table", "tr", "html", "template"}
_ROW_SCOPE = {"table", "thead", "tbody", "tfoot", "html", "template"}
_SECTION_SCOPE = {"table", "html", "template"}
# An end tag closes its element only when no element of these comes in between.
_END_SCOPE = {"p": _P_SCOPE, "li": _LI_SCOPE, "dt": _DL_SCOPE, "dd": _DL_SCOPE,
              "td": _SECTION_SCOPE, "th": _SECTION_SCOPE, "tr": _SECTION_SCOPE}
_MAX_SEARCH = 1000

_FOOTNOTE_ROLES = {"doc-footnote", "doc-endnote", "doc-endnotes", "doc-footnotes"}
_FOOTNOTE_CLASSES = {"footnote", "footnotes", "endnote", "endnotes"}
_FOOTNOTE_EPUB = {"footnote", "footnotes", "endnote", "endnotes", "rearnote", "rearnotes"}
_NOTEREF_ROLES = {"doc-noteref", "doc-backlink"}
_NOTEREF_CLASSES = {"footnote-ref", "footnote-back", "footnote-backref"}

_WS = re.compile(r"[ \t\n\r\f]+")
_BLANK_LINE = re.compile(r"\n[ \t\r\f]*\n")
_HIDDEN_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\b", re.I)

# --- decoding -------------------------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig", "UTF-8"), (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
         (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"))
_META = re.compile(rb"<meta\b[^>]*?\bcharset\s*=\s*[\"']?\s*([A-Za-z0-9_.:\-]+)", re.I)
_XML_DECL = re.compile(rb"^\s*<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9_.:\-]+)", re.I)
_COMMENT = re.compile(rb"<!--.*?-->", re.S)
# Labels browsers read differently from Python's codec of that name (WHATWG Encoding).
_LABELS = {
    **dict.fromkeys(("shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "csshiftjis",
                     "windows-31j", "ms932", "cp932"), "cp932"),
    **dict.fromkeys(("iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1",
                     "us-ascii", "ascii", "ansi_x3.4-1968", "windows-1252", "cp1252"), "cp1252"),
    **dict.fromkeys(("utf-16", "utf-16le", "utf-16be", "utf16"), "utf-8"),
    "euc-jp": "euc_jp", "x-euc-jp": "euc_jp", "iso-2022-jp": "iso2022_jp",
}


def decode_html(data: bytes, name: str) -> str:
    """The page's text: BOM, else declared charset, else UTF-8; InputError when not decodable."""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            return _decode(data, codec, name, f"starts with a {label} byte-order mark but is not "
                                              f"valid {label} ({{where}})")
    declared = _declared_charset(data[:4096])
    if declared is None:
        return _decode(data, "utf-8", name, "not valid UTF-8 ({where}) and no <meta charset> "
                                            "names its encoding; convert it to UTF-8")
    label = declared.decode("ascii", "replace").lower()
    codec = _LABELS.get(label)
    if codec is None:
        try:
            info = codecs.lookup(label)
            if getattr(info, "_is_text_encoding", True) and info.name != "utf-7":
                codec = info.name
        except LookupError:
            pass
        if codec is None:  # browsers ignore labels they do not know (and UTF-7, base64...)
            return _decode(data, "utf-8", name, f"not valid UTF-8 ({{where}}) and its <meta charset> "
                                                f"names an unknown encoding ({label})")
    return _decode(data, codec, name, f"not valid {label}, the encoding its <meta charset> declares "
                                      f"({{where}}); convert it to UTF-8")


def _declared_charset(head: bytes) -> bytes | None:
    m = _XML_DECL.match(head)
    if m:
        return m.group(1)
    m = _META.search(_COMMENT.sub(b"", head))
    return m.group(1) if m else None


def _decode(data: bytes, codec: str, name: str, message: str) -> str:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as e:
        where = f"invalid byte at offset {e.start}"
        raise InputError(f"{name}: " + message.format(where=where)) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        raise InputError(f"{name}: binary data (NUL characters), not an HTML file")
    return text


# --- parsing --------------------------------------------------------------------------------

class _Open:
    """An open element and what it means for the text inside it."""
    __slots__ = ("tag", "block", "dropped", "footnote", "kind", "pre", "content")

    def __init__(self, tag, block, dropped, footnote, kind, pre, content):
        self.tag, self.block, self.dropped, self.footnote = tag, block, dropped, footnote
        self.kind, self.pre, self.content = kind, pre, content


_ROOT = _Open("#root", True, False, False, None, False, False)


class _BlockParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[_Open] = []
        self.pieces: list[str] = []
        self.blocks: list[Block] = []
        self.head_at: int | None = None  # where the open <head> is on the stack
        self.open_count: Counter[str] = Counter()  # open elements by tag: most searches end here

    @property
    def top(self) -> _Open:
        return self.stack[-1] if self.stack else _ROOT

    # --- blocks -------------------------------------------------------------------------

    def flush(self) -> None:
        """End the current block: the text gathered so far becomes blocks of the open kind."""
        if not self.pieces:
            return
        text = "".join(self.pieces)
        self.pieces = []
        top = self.top
        kind = "footnote" if top.footnote else top.kind or "text"
        for para in _BLANK_LINE.split(text):
            lines = tuple(line for line in (_WS.sub(" ", ln).strip() for ln in para.split("\n")) if line)
            if lines:
                self.blocks.append(Block(lines=lines, kind=kind))

    def _close_to(self, index: int) -> None:
        """Pop the open elements from index up (the text before them ends its block if needed)."""
        if any(e.block for e in self.stack[index:]):
            self.flush()
        for e in self.stack[index:]:
            self.open_count[e.tag] -= 1
        del self.stack[index:]
        if self.head_at is not None and self.head_at >= index:
            self.head_at = None

    def _find(self, tags, scope) -> int | None:
        """Index of the innermost open element in tags, unless an element of scope comes first.

        Only the innermost _MAX_SEARCH elements are looked at: a page of thousands of unclosed
        tags would otherwise take quadratic time.
        """
        if not any(self.open_count[t] for t in tags):
            return None
        for i in range(len(self.stack) - 1, max(-1, len(self.stack) - 1 - _MAX_SEARCH), -1):
            tag = self.stack[i].tag
            if tag in tags:
                return i
            if tag in scope:
                return None
        return None

    # --- events -------------------------------------------------------------------------

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag in _BLOCK:
            self.flush()
        if self.head_at is not None and tag not in _HEAD_CONTENT:
            self._close_to(self.head_at)  # body content: the head is over
        self._implied_end(tag)
        if tag == "br":
            if not self.top.dropped:
                self.pieces.append("\n")
            return
        if tag in _VOID:
            return
        parent = self.top
        roles = set(a.get("role", "").lower().split())
        classes = set(a.get("class", "").lower().split())
        footnote = parent.footnote or (tag in _BLOCK and _is_footnote(a, roles, classes))
        content = parent.content or tag in _CONTENT or "main" in roles
        dropped = parent.dropped or (
            tag in _DROP or bool(roles & _DROP_ROLES) or _hidden(a)
            or bool(roles & _NOTEREF_ROLES) or bool(classes & _NOTEREF_CLASSES)
            or (tag in _FURNITURE and not content and not footnote))
        kind = "heading" if "heading" in roles else _KIND.get(tag, parent.kind)
        if tag == "head" and self.head_at is None:
            self.head_at = len(self.stack)
        self.open_count[tag] += 1
        self.stack.append(_Open(tag, tag in _BLOCK, dropped, footnote, kind,
                                parent.pre or tag in _PRE, content))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def _implied_end(self, tag: str) -> None:
        """Close what this start tag closes in HTML (an open <p> before a <div>, an <li>...)."""
        if tag in _CLOSES_P:
            i = self._find({"p"}, _P_SCOPE)
            if i is not None:
                self._close_to(i)
        if tag == "li":
            i = self._find({"li"}, _LI_SCOPE)
        elif tag in ("dt", "dd"):
            i = self._find({"dt", "dd"}, _DL_SCOPE)
        elif tag in ("td", "th"):
            i = self._find({"td", "th"}, _CELL_SCOPE)
        elif tag == "tr":
            i = self._find({"tr"}, _ROW_SCOPE)
        elif tag in ("thead", "tbody", "tfoot"):
            i = self._find({"thead", "tbody", "tfoot"}, _SECTION_SCOPE)
        elif tag in ("rt", "rp"):
            i = self._find({"rt", "rp"}, {"ruby"} | _P_SCOPE)
        elif tag in ("option", "optgroup"):
            i = self._find({"option"}, {"select", "datalist"} | _P_SCOPE)
        elif tag == "body":
            i = self.head_at
        else:
            return
        if i is not None:
            self._close_to(i)

    def handle_endtag(self, tag):
        if tag == "br":  # </br> is read as <br>
            self.handle_starttag("br", [])
            return
        if tag in _VOID:
            return
        i = self._find({tag}, _END_SCOPE.get(tag, ()))
        if i is None:
            if tag == "p":  # a stray </p> is an empty paragraph: still a boundary
                self.flush()
            return
        self._close_to(i)

    def handle_data(self, data):
        if self.head_at is not None and self.stack[-1].tag == "head" and data.strip():
            self._close_to(self.head_at)  # text in the head (no </head>, no <body>): the body began
        top = self.top
        if top.dropped:
            return
        if top.pre:
            self.pieces.append(data.replace("\r\n", "\n").replace("\r", "\n"))
        else:
            self.pieces.append(_WS.sub(" ", data))

    def close(self):
        super().close()
        self.flush()


def _is_footnote(a: dict, roles: set, classes: set) -> bool:
    epub = set(a.get("epub:type", "").lower().split())
    return bool(roles & _FOOTNOTE_ROLES or classes & _FOOTNOTE_CLASSES or epub & _FOOTNOTE_EPUB
                or a.get("id", "").lower() in ("footnotes", "endnotes"))


def _hidden(a: dict) -> bool:
    if "hidden" in a and a["hidden"].lower() != "until-found":
        return True
    if a.get("aria-hidden", "").strip().lower() == "true":
        return True
    return bool(_HIDDEN_STYLE.search(a.get("style", "")))


def read_html(data: bytes, name: str) -> SourceDocument:
    """Read an HTML page (its bytes) into blocks; raise InputError (one line) when unreadable."""
    text = decode_html(data, name)
    parser = _BlockParser()
    try:
        parser.feed(text)
        parser.close()
    except Exception as e:  # html.parser is lenient; this is for the unforeseen
        reason = " ".join(str(e).split()) or type(e).__name__
        raise InputError(f"{name}: not readable HTML ({reason[:160]})") from None
    return SourceDocument(name=name, format="html", blocks=parser.blocks)
