"""Reading TMX 1.1-1.4b as CAT tools write it, streaming and safely.

What is read: several <tuv> per unit, their language from xml:lang or TMX 1.1's lang,
<prop> and <note> of units and variants, dates, and inline markup (<bpt> <ept> <ph> <it>
<hi> <ut> <sub>). A variant keeps its <seg> content serialised with the tags (re-exported
intact) and a plain text for matching: the text of <hi> is text, the content of the other
inline elements is native code (an RTF or HTML tag) and is left out.

Streaming: the file is fed to expat in blocks and units are yielded as they complete, so
memory stays constant on a file of any size.

Hostile files: no entity is ever declared, expanded or fetched. A DOCTYPE naming an external
DTD is allowed (translate-toolkit writes one) but never read; any <!ENTITY> declaration
(billion laughs, external entities such as file:///etc/passwd) and any reference to an
undeclared entity is refused, so nothing is read from disk or the network.

Malformed files: units are yielded up to the error, then TmxSyntaxError (an InputError)
is raised naming the file and the line. What the caller does with the units read before it
is its choice (`tm import` keeps them; see tm.store).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterator
from xml.parsers import expat
from xml.sax.saxutils import escape, quoteattr

from align.errors import InputError

from . import params
from .units import Unit, Variant, tmx_date

# Inline elements whose content is native code (not text of the sentence).
NATIVE_CODE = frozenset({"bpt", "ept", "it", "ph", "ut"})


class TmxSyntaxError(InputError):
    """A TMX file that is not well-formed XML, or that declares entities. LINE is 1-based."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


class _Refused(Exception):
    def __init__(self, what: str):
        self.what = what


class TmxReader:
    """Iterate over the units of a TMX file.

    >>> reader = TmxReader("memory.tmx")
    >>> for unit in reader: ...
    >>> reader.header["srclang"], reader.version, reader.skipped

    skipped counts units left out because they have fewer than two languages with text.
    on_progress, if given, is called with the number of bytes read after each block.
    """

    def __init__(self, path: str | os.PathLike, on_progress: Callable[[int], None] | None = None):
        self.path = Path(path)
        self.name = str(path)
        self.on_progress = on_progress
        self.header: dict = {}
        self.version: str | None = None
        self.count = 0
        self.skipped = 0
        self._done: list[Unit] = []
        self._stack: list[str] = []
        self._unit: Unit | None = None
        self._variant: Variant | None = None
        self._capture: list[str] | None = None   # text of the <prop>/<note> being read
        self._capture_type: str | None = None
        self._seg_text: list[str] | None = None  # plain text of the <seg> being read
        self._seg_parts: list = []
        self._seg_tags = 0
        self._native_depth = 0
        self._inner_segs = 0
        self._inline_kept: list[bool] = []      # per open inline tag in <seg>: kept in the markup?
        self._seg_chars = 0
        self._parser = None

    # -- driving expat -------------------------------------------------------------------
    def __iter__(self) -> Iterator[Unit]:
        if not self.path.exists():
            raise InputError(f"{self.name}: no such file")
        if self.path.is_dir():
            raise InputError(f"{self.name}: is a directory, expected a TMX file")
        p = self._parser = expat.ParserCreate()
        p.buffer_text = True
        p.buffer_size = params.READ_BLOCK
        p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        p.StartElementHandler = self._start
        p.EndElementHandler = self._end
        p.CharacterDataHandler = self._chars
        p.EntityDeclHandler = self._entity_decl
        p.UnparsedEntityDeclHandler = self._unparsed_entity_decl
        p.ExternalEntityRefHandler = self._external_entity
        p.SkippedEntityHandler = self._skipped_entity
        done = 0
        try:
            f = open(self.path, "rb")
        except OSError as e:
            raise InputError(f"{self.name}: cannot read ({e.strerror})") from None
        since_tag_end = 0
        with f:
            while True:
                block = f.read(params.READ_BLOCK)
                last = block.rfind(b">")
                since_tag_end = since_tag_end + len(block) if last < 0 else len(block) - last - 1
                if since_tag_end > params.MAX_BYTES_WITHOUT_TAG_END:
                    yield from self._flush()
                    raise self._error(p.CurrentLineNumber, f"more than {params.MAX_BYTES_WITHOUT_TAG_END >> 20} MB "
                                      "without a '>': an attribute or a text this long is not a translation "
                                      "unit; refused")
                try:
                    p.Parse(block, not block)
                except expat.ExpatError as e:
                    yield from self._flush()
                    raise self._error(e.lineno, f"not well-formed XML ({expat.ErrorString(e.code)})") from None
                except _Refused as e:
                    yield from self._flush()
                    raise self._error(p.CurrentLineNumber, e.what) from None
                except (LookupError, ValueError) as e:  # encoding="x-evil": a codec Python lacks
                    yield from self._flush()
                    raise self._error(p.CurrentLineNumber or 1, f"declares an encoding that cannot be read ({e}); "
                                      "save it as UTF-8") from None
                yield from self._flush()
                done += len(block)
                if self.on_progress:
                    self.on_progress(done)
                if not block:
                    break
        if self.version is None:
            raise InputError(f"{self.name}: not a TMX file (no <tmx> root element)")

    def _flush(self) -> Iterator[Unit]:
        units, self._done = self._done, []
        yield from units

    def _error(self, line: int, what: str) -> TmxSyntaxError:
        kept = f"; the {self.count} unit(s) before it were read" if self.count else ""
        return TmxSyntaxError(f"{self.name}: line {line}: {what}{kept}", line)

    # -- refusing entities ------------------------------------------------------------------
    def _entity_decl(self, name, is_parameter, value, base, system_id, public_id, notation):
        raise _Refused(f"entity declaration <!ENTITY {'% ' if is_parameter else ''}{name}> refused "
                       "(TMX needs none; entities can expand without bound or read local files)")

    def _unparsed_entity_decl(self, name, base, system_id, public_id, notation):
        raise _Refused(f"entity declaration <!ENTITY {name}> refused (external entities are never read)")

    def _external_entity(self, context, base, system_id, public_id):
        raise _Refused(f"external entity {system_id!r} refused (external entities are never read)")

    def _skipped_entity(self, name, is_parameter):
        raise _Refused(f"undefined entity &{name};")

    # -- building units ---------------------------------------------------------------------
    # Inside <seg>, _seg_parts holds text pieces (str, unescaped) and tags (1-tuples of the
    # serialised tag); the markup is only serialised when the segment has tags.
    def _start(self, name: str, attrs: dict) -> None:
        stack = self._stack
        if self._seg_text is not None and name == "seg":
            self._inner_segs += 1               # <seg> inside <seg> (invalid TMX): flattened, text kept
            stack.append(name)
            return
        if self._seg_text is not None and len(self._inline_kept) >= params.MAX_INLINE_DEPTH:
            self._inline_kept.append(False)     # nested too deep: the tag goes, its text stays
            stack.append(name)
            return
        if self._seg_text is not None:          # inline markup inside <seg>
            self._inline_kept.append(True)
            self._seg_parts.append(("<" + name + "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items()) + ">",))
            self._seg_tags += 1
            if name in NATIVE_CODE or self._native_depth:
                self._native_depth += 1
            stack.append(name)
            return
        if name == "tu":
            created, changed = attrs.pop("creationdate", None), attrs.pop("changedate", None)
            self._unit = Unit([], attrs=attrs, created=tmx_date(created), changed=tmx_date(changed),
                              line=self._parser.CurrentLineNumber)
        elif name == "tuv":
            if self._unit is not None:
                lang = attrs.pop("xml:lang", None) or attrs.pop("lang", None) or ""
                attrs.pop("lang", None)
                self._variant = Variant(lang.strip(), "", attrs=attrs)
        elif name == "seg":
            if self._variant is not None:
                self._seg_text, self._seg_parts, self._seg_tags, self._native_depth = [], [], 0, 0
                self._inner_segs, self._inline_kept, self._seg_chars = 0, [], 0
        elif name == "prop" or name == "note":
            if self._unit is not None or (stack and stack[-1] == "header"):
                self._capture, self._capture_type = [], attrs.get("type", "") if name == "prop" else None
        elif not stack:
            if name != "tmx":
                raise _Refused(f"not a TMX file (root element <{name}>, expected <tmx>)")
            self.version = attrs.get("version", "")
        elif name == "header" and stack[-1] == "tmx":
            self.header = dict(attrs)
        stack.append(name)

    def _end(self, name: str) -> None:
        self._stack.pop()
        if self._seg_text is not None:
            if name == "seg" and self._inner_segs:
                self._inner_segs -= 1
                return
            if name == "seg":
                self._end_seg()
                return
            if not self._inline_kept.pop():
                return
            parts = self._seg_parts
            last = parts[-1]
            if type(last) is tuple and _is_open_tag(last[0], name):
                parts[-1] = (last[0][:-1] + "/>",)       # an empty element: <ph x="1"/>
            else:
                parts.append((f"</{name}>",))
            if self._native_depth:
                self._native_depth -= 1
        elif name == "tuv":
            v = self._variant
            if v is not None and v.lang and (v.text.strip() or v.markup):
                self._unit.variants.append(v)
            self._variant = None
        elif name == "tu":
            if self._unit is not None:
                self._end_unit()
        elif name == "prop" or name == "note":
            if self._capture is not None:
                self._end_prop_or_note(name)

    def _end_seg(self) -> None:
        v = self._variant
        v.text = "".join(self._seg_text)
        if self._seg_tags:
            v.markup = "".join(p[0] if type(p) is tuple else escape(p) for p in self._seg_parts)
        self._seg_text = None

    def _end_prop_or_note(self, name: str) -> None:
        text = "".join(self._capture)
        owner = self._variant or self._unit
        if owner is None:          # header
            if name == "prop":
                self.header.setdefault("props", []).append((self._capture_type, text))
        elif name == "prop":
            owner.props.append((self._capture_type, text))
        else:
            owner.notes.append(text)
        self._capture = None

    def _end_unit(self) -> None:
        unit = self._unit
        self._unit = None
        if len({v.lang.lower() for v in unit.variants}) >= 2:
            if unit.created is None or unit.changed is None:
                # OmegaT dates the translation's <tuv>, not the <tu>
                created = [d for v in unit.variants if (d := tmx_date(v.attrs.get("creationdate")))]
                changed = [d for v in unit.variants if (d := tmx_date(v.attrs.get("changedate")))]
                unit.created = unit.created or min(created, default=None)
                unit.changed = unit.changed or max(changed, default=None)
            self.count += 1
            self._done.append(unit.fill_from_props())
        else:
            self.skipped += 1

    def _chars(self, data: str) -> None:
        if self._seg_text is not None:
            self._seg_chars += len(data)
            if self._seg_chars > params.MAX_SEG_CHARS:
                raise _Refused(f"a <seg> of more than {params.MAX_SEG_CHARS:,} characters: not a translation "
                               "unit; refused")
            self._seg_parts.append(data)
            if not self._native_depth:
                self._seg_text.append(data)
        elif self._capture is not None:
            self._capture.append(data)


def _is_open_tag(piece: str, name: str) -> bool:
    """Is PIECE (a serialised start tag, end tag or escaped text) the start tag <NAME ...>?

    Text pieces are escaped, so only tags start with "<"."""
    return (piece.startswith("<" + name) and piece[1 + len(name):2 + len(name)] in (" ", ">")
            and not piece.endswith("/>"))


def read_tmx(path: str | os.PathLike, on_progress: Callable[[int], None] | None = None) -> Iterator[Unit]:
    """The units of the TMX file at PATH (see TmxReader)."""
    return iter(TmxReader(path, on_progress))
