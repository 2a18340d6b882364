"""What `tm import` reads: TMX (tm.reader), TSV and the aligner's JSONL, as Units.

TSV: "source<TAB>target[<TAB>confidence]" per line, as `aligntm align` writes it, with a header
row naming the locales ("ja-JP<TAB>en-US<TAB>confidence"); without that header the locales
must be given. Fields are not quoted (a tab or line break inside a text cannot be written).
UTF-8 (with or without BOM) or UTF-16 with BOM (spreadsheets' "Unicode text").

JSONL: one object per line as `aligntm align --format jsonl` writes it: src_text, tgt_text,
src_lang, tgt_lang (codes such as "ja", made locales such as "ja-JP"), confidence, doc, type.

Like the TMX reader, each reader yields the units read before a malformed line, then raises
an InputError naming the file and the line. Pairs with an empty side are skipped (counted).
"""
from __future__ import annotations

import codecs
import json
import os
from pathlib import Path
from typing import Callable, Iterator

from align.errors import InputError

from .reader import TmxReader
from .units import Unit, Variant, is_locale

FORMATS = ("tmx", "tsv", "jsonl", "review")
_EXTENSIONS = {".tmx": "tmx", ".tsv": "tsv", ".tab": "tsv", ".txt": "tsv",
               ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}


def detect_format(path: str | os.PathLike) -> str:
    """tmx, tsv or jsonl, from the file name's extension, else from its first character; review
    for a review file of `aligntm review` (whatever its name)."""
    from align.review.journal import is_review_file
    p = Path(path)
    if is_review_file(p):
        return "review"
    if p.suffix.lower() in _EXTENSIONS:
        return _EXTENSIONS[p.suffix.lower()]
    try:
        with open(p, "rb") as f:
            head = f.read(512)
    except OSError:
        return "tsv"
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if head.startswith(bom):
            head = head[len(bom):]
            break
    first = head.replace(b"\x00", b"").lstrip()[:1]
    return {b"<": "tmx", b"{": "jsonl"}.get(first, "tsv")


class LineError(InputError):
    """A malformed line of a TSV or JSONL file. LINE is 1-based."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


class _BadLine(Exception):
    def __init__(self, line: int, what: str):
        self.line, self.what = line, what


def _text_lines(path: Path) -> Iterator[tuple[int, str, int]]:
    """(line number, line without its end, bytes read so far) of a UTF-8 or UTF-16 (BOM) file."""
    with open(path, "rb") as f:
        head = f.read(4)
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        lineno = 0
        try:
            with open(path, encoding="utf-16", newline="") as f:
                for lineno, line in enumerate(f, 1):
                    yield lineno, line.rstrip("\r\n"), 0
        except UnicodeDecodeError:
            raise _BadLine(lineno + 1, "not valid UTF-16 text") from None
        return
    done = 0
    with open(path, "rb") as f:
        for lineno, raw in enumerate(f, 1):
            done += len(raw)
            if lineno == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                raise _BadLine(lineno, f"not valid UTF-8 (byte {e.start + 1} of the line)") from None
            yield lineno, line.rstrip("\r\n"), done


class _LineReader:
    def __init__(self, path, src_locale=None, tgt_locale=None,
                 on_progress: Callable[[int], None] | None = None):
        self.path = Path(path)
        self.name = str(path)
        self.src_locale, self.tgt_locale = src_locale, tgt_locale
        self.on_progress = on_progress
        self.count = 0
        self.skipped = 0
        self.source_locale: str | None = None   # the first unit's source language

    def _lines(self) -> Iterator[tuple[int, str]]:
        if not self.path.exists():
            raise InputError(f"{self.name}: no such file")
        if self.path.is_dir():
            raise InputError(f"{self.name}: is a directory, expected a file")
        try:
            for lineno, line, done in _text_lines(self.path):
                if self.on_progress and lineno % 10_000 == 0 and done:
                    self.on_progress(done)
                yield lineno, line
        except _BadLine as e:
            raise self._error(e.line, e.what) from None

    def _error(self, line: int, what: str) -> LineError:
        kept = f"; the {self.count} unit(s) before it were read" if self.count else ""
        return LineError(f"{self.name}: line {line}: {what}{kept}", line)

    def _unit(self, src: str, tgt: str, src_locale: str, tgt_locale: str, line: int, **extra) -> Unit | None:
        if not src.strip() or not tgt.strip():
            self.skipped += 1
            return None
        self.count += 1
        self.source_locale = self.source_locale or src_locale
        return Unit([Variant(src_locale, src), Variant(tgt_locale, tgt)], line=line, **extra)


class TsvReader(_LineReader):
    """Units of a TSV file (see the module doc)."""

    def __iter__(self) -> Iterator[Unit]:
        src_locale, tgt_locale = self.src_locale, self.tgt_locale
        for lineno, line in self._lines():
            if not line.strip():
                continue
            cells = line.split("\t")
            if lineno == 1 and len(cells) >= 2 and is_locale(cells[0]) and is_locale(cells[1]):
                src_locale = self.src_locale or cells[0].strip()
                tgt_locale = self.tgt_locale or cells[1].strip()
                continue
            if not (src_locale and tgt_locale):
                raise InputError(f"{self.name}: no header row naming the languages (such as "
                                 f"'ja-JP<TAB>en-US<TAB>confidence'); give them with --src-locale/--tgt-locale")
            if len(cells) < 2:
                raise self._error(lineno, "expected source<TAB>target[<TAB>confidence], found no tab")
            confidence = None
            if len(cells) >= 3 and cells[2].strip():
                try:
                    confidence = float(cells[2])
                except ValueError:
                    raise self._error(lineno, f"the third column should be a confidence, found {cells[2][:20]!r}")
            unit = self._unit(cells[0], cells[1], src_locale, tgt_locale, lineno, confidence=confidence)
            if unit:
                yield unit


class JsonlReader(_LineReader):
    """Units of the aligner's JSONL (see the module doc)."""

    def __iter__(self) -> Iterator[Unit]:
        for lineno, line in self._lines():
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                raise self._error(lineno, f"not JSON ({e.msg}, column {e.colno})") from None
            if not isinstance(record, dict) or "src_text" not in record or "tgt_text" not in record:
                raise self._error(lineno, "expected an object with src_text and tgt_text "
                                          "(aligntm align --format jsonl)")
            src_locale = self.src_locale or _locale(record.get("src_lang"), self.name, lineno)
            tgt_locale = self.tgt_locale or _locale(record.get("tgt_lang"), self.name, lineno)
            confidence = record.get("confidence")
            props = [("x-bead", str(record["type"]))] if record.get("type") else []
            unit = self._unit(str(record["src_text"] or ""), str(record["tgt_text"] or ""), src_locale, tgt_locale,
                              lineno, props=props, document=record.get("doc") or None,
                              confidence=float(confidence) if isinstance(confidence, (int, float)) else None)
            if unit:
                yield unit


class ReviewReader:
    """Units of a review file of `aligntm review`: every row holding two languages or more, with
    the reviewer's texts, x-reviewed (confirmed, edited, no) and confidence 1.0 for reviewed rows."""

    def __init__(self, path):
        self.path = Path(path)
        self.name = str(path)
        self.count = 0
        self.skipped = 0
        self.source_locale: str | None = None

    def __iter__(self) -> Iterator[Unit]:
        from align.review.reviewed import load_review
        review = load_review(self.path)
        self.source_locale = review.locale(review.header.get("pivot") or review.languages[0])
        for number, (segments, props) in enumerate(review.units(), 1):
            self.count += 1
            yield Unit([Variant(locale, text) for locale, text in segments.items()],
                       props=[(k, v) for k, v in props.items() if k != "x-confidence"],
                       confidence=float(props["x-confidence"]), document=review.name, line=number)
        self.skipped = len(review.rows) - self.count


def _locale(code, name: str, line: int) -> str:
    """The aligner writes language codes ("ja"); the memory keeps locales ("ja-JP") as TMX has them."""
    if not code or not isinstance(code, str):
        raise InputError(f"{name}: line {line}: no src_lang/tgt_lang; give the locales with --src-locale/--tgt-locale")
    if "-" in code or "_" in code:
        return code
    from align.langs import get_language
    try:
        return get_language(code).locale
    except InputError:
        return code


def read_units(path: str | os.PathLike, fmt: str | None = None, src_locale: str | None = None,
               tgt_locale: str | None = None, on_progress: Callable[[int], None] | None = None):
    """An iterable reader of the units of PATH (format detected unless FMT is given).

    The reader has `count` and `skipped` once iterated; TSV/JSONL take SRC_LOCALE/TGT_LOCALE
    instead of the header or the codes of the file.
    """
    fmt = fmt or detect_format(path)
    if fmt == "tmx":
        return TmxReader(path, on_progress)
    if fmt == "tsv":
        return TsvReader(path, src_locale, tgt_locale, on_progress)
    if fmt == "jsonl":
        return JsonlReader(path, src_locale, tgt_locale, on_progress)
    if fmt == "review":
        return ReviewReader(path)
    raise InputError(f"unknown input format {fmt!r}; expected one of {', '.join(FORMATS)}")
