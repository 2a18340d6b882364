"""Which documents a corpus run aligns: a manifest TSV, or two or three directories paired by name.

Manifest TSV (UTF-8), one document per line::

    doc_id<TAB>ja<TAB>en                 optional header: path columns named by language code,
    js-2025-01<TAB>ja/js01.txt<TAB>en/js01.txt     or src_path / tgt_path / third_path
    # comment lines and blank lines are ignored

- Two or three path columns: source, target, and an optional third document (trilingual runs).
- A header is a first line whose first field is ``doc_id``. A path column named by a language
  code (``ja``, ``en``...) fixes that column's language; ``src_path``, ``tgt_path`` and
  ``third_path`` leave it to ``-s``/``-t``/``--third-lang`` or to detection from the script.
- Relative paths are relative to the manifest's directory, so a manifest can travel with its corpus.
- A doc_id names the document's output files, so it must be a plain file name (no ``/``, not
  starting with ``.``) and unique (ignoring case, for case-insensitive file systems).
- Every file must exist: a manifest that names missing files is refused before any work starts,
  because a wrong base directory or a typo would otherwise fail thousands of documents one by one.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from ..errors import InputError
from ..langs import get_language
from ..textio import read_text

# Header names of path columns whose language is not fixed by the manifest.
GENERIC_COLUMNS = ("src_path", "tgt_path", "third_path")
MAX_PATHS = 3
_BAD_DOC_ID = re.compile(r"[/\\\x00-\x1f\x7f]")


@dataclass(frozen=True)
class CorpusDocument:
    """One document of a corpus: its id and the absolute paths of its two or three versions."""
    doc_id: str
    paths: tuple[Path, ...]


@dataclass
class Manifest:
    """The documents of a corpus run and the language of each path column (None: detected)."""
    documents: list[CorpusDocument]
    langs: tuple[str | None, ...]
    origin: str                                          # for messages: the TSV, or the directories
    unpaired: list[str] = field(default_factory=list)    # directory pairing: names not in every directory

    @property
    def width(self) -> int:
        """Number of documents per entry: 2 (bilingual) or 3 (trilingual)."""
        return len(self.langs)


def load_manifest(inputs: str | os.PathLike | Sequence[str | os.PathLike],
                  langs: Sequence[str | None] = ()) -> Manifest:
    """A Manifest from what the command line got: one TSV file, or two or three directories.

    LANGS: the languages given as options (-s, -t, --third-lang), None where not given.
    """
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    paths = [Path(p) for p in inputs]
    if len(paths) == 1:
        if paths[0].is_dir():
            raise InputError(f"{paths[0]}: is a directory; give a manifest TSV, or two or three "
                             f"directories to pair by file name")
        return read_manifest(paths[0], langs)
    if len(paths) <= MAX_PATHS:
        return pair_directories(paths, langs)
    raise InputError(f"expected a manifest TSV or two or three directories, got {len(paths)} inputs")


def read_manifest(path: str | os.PathLike, langs: Sequence[str | None] = ()) -> Manifest:
    """Read a manifest TSV (format in the module documentation)."""
    path = Path(path)
    text = read_text(path)
    base = path.resolve().parent
    header: list[str | None] | None = None
    width = None
    documents: list[CorpusDocument] = []
    seen: dict[str, int] = {}          # case-folded doc_id -> line number
    missing: list[str] = []
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")]
        where = f"{path}:{number}"
        if header is None and not documents and fields[0].lower() == "doc_id":
            header = _header_langs(fields, where)
            width = len(header)
            continue
        if not 3 <= len(fields) <= MAX_PATHS + 1 or (width and len(fields) - 1 != width):
            expected = f"{width + 1}" if width else "3 or 4"
            raise InputError(f"{where}: expected {expected} tab-separated fields (doc_id, source path, target "
                             f"path[, third path]), found {len(fields)}")
        if width is None:
            width = len(fields) - 1
        doc_id, *doc_paths = fields
        _check_doc_id(doc_id, where)
        folded = doc_id.casefold()
        if folded in seen:
            raise InputError(f"{where}: doc_id {doc_id!r} is already used on line {seen[folded]} "
                             f"(doc_ids name output files, so they must be unique, ignoring case)")
        seen[folded] = number
        resolved = []
        for p in doc_paths:
            if not p:
                raise InputError(f"{where}: empty path for document {doc_id!r}")
            full = (base / p) if not Path(p).is_absolute() else Path(p)
            if not full.is_file():
                missing.append(f"{where}: {full}: " + ("is a directory" if full.is_dir() else "no such file"))
            resolved.append(full.resolve())
        documents.append(CorpusDocument(doc_id, tuple(resolved)))
    if missing:
        more = f" (and {len(missing) - 1} more missing)" if len(missing) > 1 else ""
        raise InputError(f"{missing[0]}{more}; fix the manifest or remove these lines")
    if not documents:
        raise InputError(f"{path}: the manifest lists no documents")
    column_langs = merge_langs(header or [None] * width, langs, f"{path}:1")
    return Manifest(documents, column_langs, str(path))


def pair_directories(dirs: Sequence[str | os.PathLike], langs: Sequence[str | None] = ()) -> Manifest:
    """One document per file name present in every directory (regular, non-hidden files)."""
    dirs = [Path(d) for d in dirs]
    if not 2 <= len(dirs) <= MAX_PATHS:
        raise InputError(f"expected two or three directories, got {len(dirs)}")
    names = []
    for d in dirs:
        if not d.is_dir():
            raise InputError(f"{d}: " + ("not a directory" if d.exists() else "no such directory"))
        names.append({p.name for p in d.iterdir() if p.is_file() and not p.name.startswith(".")})
    if len({d.resolve() for d in dirs}) < len(dirs):
        raise InputError(f"{dirs[0]}: the same directory is given twice")
    common = set.intersection(*names)
    if not common:
        raise InputError(f"{', '.join(map(str, dirs))}: no file names in common")
    documents = [CorpusDocument(n, tuple((d / n).resolve() for d in dirs)) for n in sorted(common)]
    origin = " + ".join(str(d) for d in dirs)
    return Manifest(documents, merge_langs([None] * len(dirs), langs, origin),
                    origin, sorted(set.union(*names) - common))


def _header_langs(fields: list[str], where: str) -> list[str | None]:
    columns = fields[1:]
    if not 2 <= len(columns) <= MAX_PATHS:
        raise InputError(f"{where}: the header must name 2 or 3 path columns after doc_id, found {len(columns)}")
    langs: list[str | None] = []
    for name in columns:
        if name.lower() in GENERIC_COLUMNS:
            langs.append(None)
            continue
        try:
            langs.append(get_language(name).code)
        except InputError as e:
            raise InputError(f"{where}: column {name!r} is neither a language code nor one of "
                             f"{', '.join(GENERIC_COLUMNS)} ({e})") from None
    codes = [c for c in langs if c]
    if len(set(codes)) < len(codes):
        raise InputError(f"{where}: the header names a language twice")
    return langs


def merge_langs(columns: Sequence[str | None], options: Sequence[str | None], where: str) -> tuple[str | None, ...]:
    """The language of each column: from the manifest header or from the options, which must agree."""
    option_names = ("-s/--src-lang", "-t/--tgt-lang", "--third-lang")
    options = list(options) + [None] * (len(columns) - len(options))
    if len(options) > len(columns) and any(options[len(columns):]):
        raise InputError(f"{where}: --third-lang is given but the corpus has only two documents per entry")
    merged = []
    for i, header_lang in enumerate(columns):
        option = get_language(options[i]).code if options[i] else None
        if header_lang and option and header_lang != option:
            raise InputError(f"{where}: {option_names[i]} {option} contradicts the manifest header ({header_lang})")
        merged.append(header_lang or option)
    return tuple(merged)


def _check_doc_id(doc_id: str, where: str) -> None:
    if not doc_id:
        raise InputError(f"{where}: empty doc_id")
    if doc_id in (".", "..") or doc_id.startswith(".") or _BAD_DOC_ID.search(doc_id) or len(doc_id) > 200:
        raise InputError(f"{where}: doc_id {doc_id!r} cannot be a file name (no '/', '\\' or control "
                         f"characters, not starting with '.', at most 200 characters)")
