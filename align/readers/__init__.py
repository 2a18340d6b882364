"""Readers: one module per input format (text, PDF, DOCX, HTML), chosen from the file's content.

    >>> source = read_source("statement.pdf")      # SourceDocument(format="pdf", blocks=[...])

The format comes from the first bytes (magic numbers), not from the extension, so a PDF saved as
`.txt` is read as a PDF and a text file named `.pdf` as text. Formats we do not read (Word
97-2003, RTF, OpenDocument, images, other archives) are refused with one line naming the ones
we do.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from ..errors import InputError
from ..textio import decode_bytes
from .base import KINDS, Block, SourceDocument

FORMATS_READ = "text (UTF-8, UTF-16, Shift_JIS), PDF, DOCX and HTML"
_HEAD = 8192

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGES = ((b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
           (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"))
_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
                         re.IGNORECASE | re.DOTALL)


def sniff(head: bytes, name: str = "") -> str:
    """The format of a file from its first bytes: "pdf", "docx", "html" or "text".

    Raises InputError for formats that are recognised but not read.
    """
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"  # DOCX, or another zip-based format: the zip's directory tells (see _zip_format)
    if head.startswith(_OLE2):
        raise InputError(f"{name}: a Microsoft Office 97-2003 file (.doc/.xls/.ppt) or a password-protected "
                         f"Office document; aligntm reads {FORMATS_READ}: save it as .docx or PDF without a password")
    if head.lstrip().startswith(b"{\\rtf"):
        raise InputError(f"{name}: an RTF file; aligntm reads {FORMATS_READ}: save it as .docx or PDF")
    for magic, what in _IMAGES:
        if head.startswith(magic):
            raise InputError(f"{name}: {what}, not a document with text; aligntm reads {FORMATS_READ} "
                             "(run OCR first for scans)")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        raise InputError(f"{name}: a WebP image, not a document with text; aligntm reads {FORMATS_READ}")
    body = head
    for bom in (b"\xef\xbb\xbf",):
        if body.startswith(bom):
            body = body[len(bom):]
    if _HTML_START.match(body) or _looks_like_html(body, name):
        return "html"
    return "text"


def _looks_like_html(body: bytes, name: str) -> bool:
    # a fragment saved as .html/.htm (no <html> element), starting with markup
    return Path(name).suffix.lower() in (".html", ".htm", ".xhtml") and body.lstrip()[:1] == b"<"


def _zip_format(path: Path, name: str) -> str:
    import zipfile
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            mimetype = z.read("mimetype").decode("ascii", "replace").strip() if "mimetype" in names else ""
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as e:
        raise InputError(f"{name}: a damaged or truncated zip/DOCX file ({e})") from None
    if "word/document.xml" in names:
        return "docx"
    if mimetype.startswith("application/vnd.oasis.opendocument"):
        raise InputError(f"{name}: an OpenDocument file ({mimetype.rsplit('.', 1)[-1]}); aligntm reads "
                         f"{FORMATS_READ}: save it as .docx or PDF")
    if "xl/workbook.xml" in names or "ppt/presentation.xml" in names:
        raise InputError(f"{name}: an Excel or PowerPoint file; aligntm reads {FORMATS_READ}")
    raise InputError(f"{name}: a zip archive that is not a DOCX document; aligntm reads {FORMATS_READ}")


def read_source(path: str | os.PathLike, name: str | None = None) -> SourceDocument:
    """Read the file at PATH in whatever format its content says."""
    p = Path(path)
    name = name or str(p)
    if not p.exists():
        from ..textio import _why_missing
        raise InputError(f"{name}: {_why_missing(p)}")
    if p.is_dir():
        raise InputError(f"{name}: is a directory, expected a file")
    try:
        with open(p, "rb") as f:
            head = f.read(_HEAD)
    except OSError as e:
        raise InputError(f"{name}: cannot read ({e.strerror})") from None
    if not head.strip():
        raise InputError(f"{name}: file is empty")
    fmt = sniff(head, name)
    if fmt == "zip":
        fmt = _zip_format(p, name)
    if fmt == "pdf":
        from .pdf import read_pdf
        return read_pdf(p, name)
    if fmt == "docx":
        from .docx import read_docx
        return read_docx(p, name)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise InputError(f"{name}: cannot read ({e.strerror})") from None
    if fmt == "html":
        from .html import read_html
        return read_html(data, name)
    return SourceDocument(name=name, format="text", text=decode_bytes(data, name))


# Reading a PDF costs about 30 ms a page in Python; two long ones are read side by side.
PARALLEL_PDF_PAGES = 10


def read_sources(paths) -> list[SourceDocument]:
    """read_source for each of PATHS; two or more long PDFs are read in parallel processes
    (one per core), so that a document and its translation take the time of the longer one."""
    paths = [Path(p) for p in paths]
    long_pdfs = sum(1 for p in paths if _is_long_pdf(p))
    workers = min(long_pdfs, os.cpu_count() or 1)
    if workers < 2 or not _can_fork():
        return [read_source(p) for p in paths]
    from ..forked import mapped
    with mapped(lambda p: read_source(p, str(p)), paths, workers) as sources:
        return list(sources)


def _is_long_pdf(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            if b"%PDF-" not in f.read(1024):
                return False
        import pypdfium2 as pdfium
        pdf = pdfium.PdfDocument(str(path))
        try:
            return len(pdf) >= PARALLEL_PDF_PAGES
        finally:
            pdf.close()
    except Exception:
        return False  # read_source reports what is wrong with it


def _can_fork() -> bool:
    from ..forked import can_fork
    return can_fork()


__all__ = ["Block", "KINDS", "SourceDocument", "read_source", "read_sources", "sniff", "FORMATS_READ"]
