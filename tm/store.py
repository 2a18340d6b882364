"""The translation memory: an embedded SQLite database of units, with a lookup index.

    tm = TranslationMemory.create("memory.tm")          # aligntm tm create
    tm.import_files(["a.tmx", "b.tsv", "c.jsonl"])      # aligntm tm import
    tm.lookup("日本とラオスは", src="ja", tgt="en")       # aligntm tm lookup
    tm.concordance("パートナーシップ")                    # aligntm tm concordance
    tm.export("out.tmx", src="ja-JP", tgt="en-US")      # aligntm tm export
    tm.dedup(), tm.clean(...), tm.analyze("doc.txt", "ja", "en"), tm.info()

Units keep their languages (locales as written), texts (with inline markup when they had
it), origin (file and document), dates, confidence and properties.

Imports are transactions. An import (of any number of files) either completes or leaves
the memory exactly as it was: an interruption (Ctrl-C, a crash, a full disk, the process
killed) rolls everything back, SQLite's journal making this hold even for a killed process.
A *malformed* input file is different: it is data, not an interruption. Its units up to the
malformed line are imported, the error is reported with the line, and the other files are
imported too (`strict=True`, `tm import --strict`: nothing is imported instead). Exact
duplicates are merged, so importing the file again once it is repaired adds only the rest.

Exact duplicates (the same texts, inline markup included, in the same languages) are merged
on import: the memory keeps the first unit, its latest change date and highest confidence,
and counts how often it was seen. A unit without a confidence is taken for a human
translation (filters keep it): merged with one, a unit has no confidence either.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from align.errors import InputError

from . import params
from .index import SCHEMA as INDEX_SCHEMA
from .index import IndexWriter, Searcher, forget, merge_segments, segment_count
from .match import Difference, differences, find_term, marked, percentage, tokenize
from .units import CONFIDENCE_PROP, Unit, base_language, language_matches, now_date

APPLICATION_ID = 0x414C544D   # "ALTM" in the SQLite header: this file is an aligntm memory
SCHEMA_VERSION = 1
_SQLITE_MAGIC = b"SQLite format 3\x00"

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE origins (
    id INTEGER PRIMARY KEY,
    file TEXT NOT NULL,
    document TEXT NOT NULL DEFAULT '',
    UNIQUE (file, document)
);
CREATE TABLE units (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    hash BLOB NOT NULL UNIQUE,        -- of the languages and texts: exact duplicates collide
    origin INTEGER REFERENCES origins(id),
    created TEXT,                     -- TMX dates, YYYYMMDDThhmmssZ
    changed TEXT,
    imported TEXT NOT NULL,
    confidence REAL,
    seen INTEGER NOT NULL DEFAULT 1,  -- how many times the unit was imported
    props TEXT,                       -- JSON [[type, value], ...] or NULL
    notes TEXT,                       -- JSON [text, ...] or NULL
    attrs TEXT                        -- JSON {name: value} of other <tu> attributes, or NULL
);
CREATE TABLE variants (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit INTEGER NOT NULL REFERENCES units(id),
    lang TEXT NOT NULL,               -- as written ("ja-JP")
    base TEXT NOT NULL,               -- primary subtag ("ja")
    text TEXT NOT NULL,               -- plain text, original characters
    markup TEXT,                      -- <seg> content with inline tags, or NULL
    extra TEXT                        -- JSON {"attrs", "props", "notes"} of the <tuv>, or NULL
);
CREATE INDEX variants_unit ON variants(unit);
CREATE TABLE languages (lang TEXT PRIMARY KEY, base TEXT NOT NULL, variants INTEGER NOT NULL) WITHOUT ROWID;
"""


def unit_hash(unit: Unit) -> bytes:
    """Identity of a unit for exact-duplicate merging: its locales and texts (markup included)."""
    h = hashlib.blake2b(digest_size=16)
    for lang, content in sorted((v.lang.lower().replace("_", "-"), v.markup or v.text) for v in unit.variants):
        h.update(lang.encode())
        h.update(b"\x1f")
        h.update(content.encode("utf-8", "surrogatepass"))
        h.update(b"\x1e")
    return h.digest()


def _json(value) -> str | None:
    return json.dumps(value, ensure_ascii=False) if value else None


@dataclass
class FileReport:
    path: str
    format: str
    read: int = 0
    added: int = 0
    merged: int = 0        # exact duplicates of units already in the memory (or earlier in the import)
    skipped: int = 0       # units with fewer than two languages, pairs with an empty side
    error: str | None = None


@dataclass
class ImportReport:
    files: list[FileReport] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def added(self) -> int:
        return sum(f.added for f in self.files)

    @property
    def merged(self) -> int:
        return sum(f.merged for f in self.files)

    @property
    def errors(self) -> list[str]:
        return [f.error for f in self.files if f.error]


@dataclass
class Match:
    """A fuzzy match: the memory's source and target, its percentage and what differs."""
    percent: int
    source: str
    target: str
    src_lang: str
    tgt_lang: str
    unit_id: int
    query: str
    differences: list[Difference]
    origin: str | None = None
    document: str | None = None
    changed: str | None = None
    confidence: float | None = None

    def marked_source(self) -> str:
        """The memory's source with [-its own text-]{+the query's+} where they differ."""
        return marked(self.source, self.query, self.differences)

    def as_dict(self) -> dict:
        return {"percent": self.percent, "source": self.source, "target": self.target,
                "src_lang": self.src_lang, "tgt_lang": self.tgt_lang, "unit": self.unit_id,
                "marked_source": self.marked_source(),
                "differences": [d.as_dict() for d in self.differences],
                "origin": self.origin, "document": self.document, "changed": self.changed,
                "confidence": self.confidence}


@dataclass
class ConcordanceHit:
    """A unit holding the term: the text it was found in (SPANS: where) and the other languages."""
    unit_id: int
    lang: str
    text: str
    spans: list[tuple[int, int]]
    translations: dict[str, str]
    origin: str | None = None
    document: str | None = None

    def marked_text(self, before: str = "[", after: str = "]") -> str:
        out, pos = [], 0
        for s, e in self.spans:
            out += [self.text[pos:s], before, self.text[s:e], after]
            pos = e
        return "".join(out) + self.text[pos:]

    def as_dict(self) -> dict:
        return {"unit": self.unit_id, "lang": self.lang, "text": self.text, "spans": [list(s) for s in self.spans],
                "translations": self.translations, "origin": self.origin, "document": self.document}


class TranslationMemory:
    """A translation memory in an SQLite file (see the module doc). Use as a context manager."""

    def __init__(self, path: str | os.PathLike, _create: bool = False):
        self.path = Path(path)
        self.name = str(path)
        if _create:
            if self.path.exists():
                raise InputError(f"{self.name}: already exists; not overwriting it")
            if not self.path.resolve().parent.is_dir():
                raise InputError(f"{self.name}: directory {self.path.parent} does not exist")
        else:
            _check_memory_file(self.path, self.name)
        try:
            self.conn = sqlite3.connect(str(self.path), isolation_level=None, timeout=30)
        except sqlite3.Error as e:
            raise InputError(f"{self.name}: cannot open ({e})") from None
        self.conn.execute("PRAGMA foreign_keys = OFF")
        if _create:
            self._create_schema()
        else:
            self._check_schema()
        self.searcher = Searcher(self.conn)

    # -- opening and creating ---------------------------------------------------------------
    @classmethod
    def create(cls, path: str | os.PathLike) -> "TranslationMemory":
        """Create an empty memory at PATH (which must not exist)."""
        existed = Path(path).exists()
        try:
            return cls(path, _create=True)
        except BaseException:
            if not existed:                      # no half-made memory left behind
                Path(path).unlink(missing_ok=True)
            raise

    @classmethod
    def open(cls, path: str | os.PathLike) -> "TranslationMemory":
        return cls(path)

    def _create_schema(self) -> None:
        # 16 KiB pages: posting blobs and bulk inserts are about twice as fast as with 4 KiB
        self.conn.execute("PRAGMA page_size = 16384")
        with self._transaction():
            self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            for statement in (SCHEMA + INDEX_SCHEMA).split(";\n"):
                if statement.strip():
                    self.conn.execute(statement)
            from .tmx import TOOL_VERSION
            self.conn.executemany("INSERT INTO meta VALUES (?, ?)",
                                  [("created", now_date()), ("creator", f"aligntm {TOOL_VERSION}")])

    def _check_schema(self) -> None:
        try:
            app = self.conn.execute("PRAGMA application_id").fetchone()[0]
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as e:
            raise InputError(f"{self.name}: not an aligntm translation memory ({e})") from None
        if app != APPLICATION_ID:
            raise InputError(f"{self.name}: an SQLite database but not an aligntm translation memory "
                             f"(create one with: aligntm tm create FILE)")
        if version > SCHEMA_VERSION:
            raise InputError(f"{self.name}: made by a newer aligntm (schema {version}); upgrade aligntm")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "TranslationMemory":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def _transaction(self):
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception, KeyboardInterrupt included."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            raise InputError(f"{self.name}: cannot write to the memory ({e})") from None
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.OperationalError as e:
            self.conn.execute("ROLLBACK")
            raise InputError(f"{self.name}: could not save the changes ({e})") from None

    # -- what is in it ------------------------------------------------------------------------
    def languages(self) -> dict[str, int]:
        """Locale -> number of variants, most frequent first."""
        rows = self.conn.execute("SELECT lang, variants FROM languages ORDER BY variants DESC, lang").fetchall()
        return dict(rows)

    def __len__(self) -> int:
        return self.conn.execute("SELECT count(*) FROM units").fetchone()[0]

    def info(self) -> dict:
        """Units, languages, origins, dates and file size (aligntm tm info)."""
        c = self.conn
        units = len(self)
        first, last = c.execute("SELECT min(coalesce(changed, created)), max(coalesce(changed, created)) "
                                "FROM units").fetchone()
        origins = c.execute("SELECT o.file, o.document, count(*) FROM units u JOIN origins o ON o.id = u.origin "
                            "GROUP BY u.origin ORDER BY count(*) DESC LIMIT 20").fetchall()
        meta = dict(c.execute("SELECT key, value FROM meta").fetchall())
        return {"path": self.name, "units": units, "languages": self.languages(),
                "source_language": meta.get("srclang"),
                "with_confidence": c.execute("SELECT count(*) FROM units WHERE confidence IS NOT NULL").fetchone()[0],
                "dates": [first, last], "created": meta.get("created"),
                "origins": [{"file": f, "document": d or None, "units": n} for f, d, n in origins],
                "index_segments": segment_count(c), "bytes": self.path.stat().st_size}

    def default_source(self) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'srclang'").fetchone()
        return row[0] if row else None

    def resolve_pair(self, src: str | None, tgt: str | None, text: str | None = None) -> tuple[str, str]:
        """The (source, target) languages to use: as given, else detected from TEXT's script,
        else the memory's usual source language; the target is the memory's other language."""
        langs = self.languages()
        if not langs:
            raise InputError(f"{self.name}: the memory is empty; import units with: aligntm tm import")
        bases = list(dict.fromkeys(base_language(lang) for lang in langs))
        if src is None and text:
            from align.langs import detect_language
            try:
                detected = detect_language(text)
            except InputError:
                detected = None
            if detected in bases:
                src = detected
        if src is None:
            src = self.default_source() or (bases[0] if len(bases) == 2 else None)
        if src is None:
            raise InputError(f"give the source language with -s (the memory has {', '.join(langs)})")
        if not any(language_matches(lang, src) for lang in langs):
            raise InputError(f"{self.name}: no units in {src!r} (the memory has {', '.join(langs)})")
        if tgt is None:
            others = [b for b in bases if b != base_language(src)]
            if len(others) != 1:
                raise InputError(f"give the target language with -t (the memory has {', '.join(langs)})")
            tgt = others[0]
        if not any(language_matches(lang, tgt) for lang in langs):
            raise InputError(f"{self.name}: no units in {tgt!r} (the memory has {', '.join(langs)})")
        return src, tgt

    # -- import -------------------------------------------------------------------------------
    def import_files(self, paths: Iterable[str | os.PathLike], fmt: str | None = None,
                     src_locale: str | None = None, tgt_locale: str | None = None, strict: bool = False,
                     progress: bool | None = None) -> ImportReport:
        """Import TMX, TSV or JSONL files in one transaction (see the module doc for what an
        error in a file does). FMT forces the format; SRC_LOCALE/TGT_LOCALE name the languages of
        TSV/JSONL files. PROGRESS: a progress bar on stderr (None: only on a terminal)."""
        from .inputs import detect_format, read_units
        paths = [str(p) for p in paths]
        for p in paths:                  # refuse missing files before anything changes
            if not Path(p).is_file():
                raise InputError(f"{p}: {'is a directory, expected a file' if Path(p).is_dir() else 'no such file'}")
        report = ImportReport()
        t0 = time.perf_counter()
        with self._transaction(), _progress_bar(progress, sum(Path(p).stat().st_size for p in paths),
                                                "importing", "B") as bar:
            importer = _Importer(self.conn)
            done_before = 0
            for p in paths:
                file_fmt = fmt or detect_format(p)
                file_report = FileReport(p, file_fmt)
                report.files.append(file_report)
                reader = read_units(p, file_fmt, src_locale, tgt_locale,
                                    on_progress=(lambda n, base=done_before: bar.update_to(base + n)) if bar else None)
                try:
                    for unit in reader:
                        importer.add(unit, p, file_report)
                except InputError as e:
                    if strict:
                        raise
                    file_report.error = str(e)
                importer.flush()
                file_report.skipped = getattr(reader, "skipped", 0)
                if srclang := _source_locale(reader):
                    importer.source_locales[srclang] += file_report.read
                done_before += Path(p).stat().st_size
                if bar:
                    bar.update_to(done_before)
            importer.finish(progress=bar is not None)
        report.seconds = time.perf_counter() - t0
        return report

    def import_units(self, units: Iterable[Unit], origin: str = "(python)") -> FileReport:
        """Import Units made in Python (one transaction; ORIGIN is recorded as their file)."""
        file_report = FileReport(origin, "python")
        with self._transaction():
            importer = _Importer(self.conn)
            for unit in units:
                importer.add(unit, origin, file_report)
            importer.flush()
            importer.finish()
        return file_report

    # -- lookup and concordance -----------------------------------------------------------------
    def lookup(self, text: str, src: str | None = None, tgt: str | None = None, k: int = params.LOOKUP_K,
               min_percent: int = params.LOOKUP_MIN) -> list[Match]:
        """The K best matches of TEXT (in language SRC) with a translation in TGT, MIN_PERCENT or more.

        SRC/TGT are codes ("ja") or locales ("ja-JP"); see resolve_pair for the defaults.
        """
        if not text.strip():
            raise InputError("nothing to look up: the text is empty")
        if k < 1:
            raise InputError("-k must be at least 1")
        src, tgt = self.resolve_pair(src, tgt, text)
        src_base, tgt_base = base_language(src), base_language(tgt)
        limit = max(params.CANDIDATES_MIN, k * params.CANDIDATES_PER_MATCH)
        ids = self.searcher.fuzzy_candidates(text, src_base, min_percent, limit)
        if not ids:
            return []
        query = tokenize(text, src_base)
        rows = _in_chunks(self.conn, """
            SELECT s.id, s.unit, s.lang, s.text, t.lang, t.text, u.changed, u.created, u.confidence,
                   o.file, o.document
            FROM variants s
            JOIN variants t ON t.unit = s.unit AND t.base = ? AND t.id != s.id
            JOIN units u ON u.id = s.unit
            LEFT JOIN origins o ON o.id = u.origin
            WHERE s.id IN ({})""", ids, before=[tgt_base])
        best: dict[int, Match] = {}
        for vid, unit_id, slang, stext, tlang, ttext, changed, created, confidence, file, doc in rows:
            if unit_id in best or not language_matches(slang, src) or not language_matches(tlang, tgt):
                continue
            candidate = tokenize(stext, src_base)
            pct = percentage(query, candidate)
            if pct < min_percent:
                continue
            best[unit_id] = Match(pct, stext, ttext, slang, tlang, unit_id, text, differences(query, candidate),
                                  file, doc or None, changed or created, confidence)
        # best first; among equal percentages the most recently changed (CAT tools' convention)
        ranked = sorted(best.values(), key=lambda m: m.changed or "", reverse=True)
        ranked.sort(key=lambda m: -m.percent)
        return ranked[:k]

    def concordance(self, term: str, lang: str | None = None, limit: int = 20) -> list[ConcordanceHit]:
        """Units whose text in LANG (default: any language) contains TERM, newest first.

        TERM is compared in matching form (width, case and spacing ignored); in word languages
        it must start at a word start and its last word may be the start of a longer word.
        """
        if not term.strip():
            raise InputError("nothing to search for: the term is empty")
        langs = self.languages()
        bases = list(dict.fromkeys(base_language(x) for x in langs))
        if lang is not None:
            if not any(language_matches(x, lang) for x in langs):
                raise InputError(f"{self.name}: no units in {lang!r} (the memory has {', '.join(langs)})")
            bases = [base_language(lang)]
        import numpy as np
        found = []
        any_gram = False
        for b in bases:
            ids = self.searcher.term_candidates(term, b)
            if ids is None:
                continue
            any_gram = True
            found.append(ids)
        if not any_gram:
            raise InputError(f"nothing to search for in {term!r}: no letters or digits "
                             f"(in {', '.join(bases)})")
        if not found:
            return []
        candidates = np.unique(np.concatenate(found))[::-1]
        hits: list[ConcordanceHit] = []
        for start in range(0, len(candidates), 200):
            batch = [int(i) for i in candidates[start:start + 200]]
            rows = _in_chunks(self.conn, "SELECT v.id, v.unit, v.lang, v.base, v.text, o.file, o.document "
                                         "FROM variants v JOIN units u ON u.id = v.unit "
                                         "LEFT JOIN origins o ON o.id = u.origin WHERE v.id IN ({})", batch)
            by_id = {r[0]: r for r in rows}
            for vid in batch:
                if vid not in by_id:
                    continue
                _, unit_id, vlang, vbase, text, file, doc = by_id[vid]
                if lang is not None and not language_matches(vlang, lang):
                    continue
                spans = find_term(term, text, vbase)
                if spans:
                    hits.append(ConcordanceHit(unit_id, vlang, text, spans, {}, file, doc or None))
                    if len(hits) >= limit:
                        break
            if len(hits) >= limit:
                break
        if hits:
            rows = _in_chunks(self.conn, "SELECT unit, lang, text FROM variants WHERE unit IN ({}) ORDER BY id",
                              [h.unit_id for h in hits])
            others: dict[int, list] = {}
            for unit_id, vlang, text in rows:
                others.setdefault(unit_id, []).append((vlang, text))
            for h in hits:
                h.translations = {vl: t for vl, t in others.get(h.unit_id, []) if vl != h.lang}
        return hits

    # -- export, cleaning, analysis (in their own modules) --------------------------------------
    def export(self, path, fmt: str | None = None, src: str | None = None, tgt: str | None = None,
               min_confidence: float | None = None, origin: str | None = None, since: str | None = None,
               until: str | None = None, progress: bool | None = None) -> int:
        """Write the memory (or the units passing the filters) as TMX 1.4b or TSV; see tm.export."""
        from .export import export
        return export(self, path, fmt, src, tgt, min_confidence, origin, since, until, progress)

    def dedup(self, merge: bool = False, progress: bool | None = None, show: int = 20):
        """Find (and with MERGE, merge) near-duplicates; see tm.cleaning.dedup."""
        from .cleaning import dedup
        return dedup(self, merge, progress, show)

    def clean(self, src: str | None = None, tgt: str | None = None, **filters):
        """Remove units that fail the given filters; see tm.cleaning.clean."""
        from .cleaning import clean
        return clean(self, src, tgt, **filters)

    def analyze(self, document, src: str | None = None, tgt: str | None = None, **options):
        """Match-band analysis of a document against the memory; see tm.analysis.analyze."""
        from .analysis import analyze
        return analyze(self, document, src, tgt, **options)

    def optimize(self) -> None:
        """Merge the index segments, drop postings of deleted units, and compact the file."""
        with self._transaction():
            merge_segments(self.conn)
        self.conn.execute("VACUUM")

    # -- deleting (used by tm.cleaning) ----------------------------------------------------------
    def _delete_units(self, unit_ids: list[int]) -> None:
        """Delete units inside the caller's transaction."""
        rows = _in_chunks(self.conn, "SELECT id, lang, base FROM variants WHERE unit IN ({})", unit_ids)
        forget(self.conn, [r[0] for r in rows])
        gone = Counter((r[1], r[2]) for r in rows)
        for i in range(0, len(unit_ids), 500):
            chunk = unit_ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            self.conn.execute(f"DELETE FROM variants WHERE unit IN ({marks})", chunk)
            self.conn.execute(f"DELETE FROM units WHERE id IN ({marks})", chunk)
        self.conn.executemany("UPDATE languages SET variants = variants - ? WHERE lang = ?",
                              [(n, lang) for (lang, _), n in gone.items()])
        self.conn.execute("DELETE FROM languages WHERE variants <= 0")


def _check_memory_file(path: Path, name: str) -> None:
    if not path.exists():
        raise InputError(f"{name}: no such translation memory (create one with: aligntm tm create {name})")
    if path.is_dir():
        raise InputError(f"{name}: is a directory, expected a translation memory file")
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError as e:
        raise InputError(f"{name}: cannot read ({e.strerror})") from None
    if head != _SQLITE_MAGIC:
        raise InputError(f"{name}: not an aligntm translation memory (not an SQLite database); "
                         f"to load a TMX, TSV or JSONL file use: aligntm tm import MEMORY {name}")


def _in_chunks(conn: sqlite3.Connection, sql: str, values: list, before: list = ()) -> list[tuple]:
    """Run SQL with "IN ({})" filled with VALUES, 500 at a time; BEFORE: parameters before the list."""
    out = []
    for i in range(0, len(values), 500):
        chunk = values[i:i + 500]
        out.extend(conn.execute(sql.format(",".join("?" * len(chunk))), [*before, *chunk]))
    return out


def _source_locale(reader) -> str | None:
    """The source language a reader found: TMX header srclang, TSV header, JSONL src_lang."""
    header = getattr(reader, "header", None)
    if header and header.get("srclang") and header["srclang"] != "*all*":
        return header["srclang"]
    return getattr(reader, "source_locale", None)


def _stored_props(unit: Unit) -> list[list[str]]:
    """Unit properties to store: x-confidence and x-document as aligntm writes them are left
    out, since the confidence and document columns hold them and export writes them back."""
    out = []
    for ptype, value in unit.props:
        key = ptype.lower()
        if key == CONFIDENCE_PROP and unit.confidence is not None and value == f"{unit.confidence:.3f}":
            continue
        if key == "x-document" and value == unit.document:
            continue
        out.append([ptype, value])
    return out


class _Importer:
    """Inserts units in batches inside the caller's transaction, merging exact duplicates."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.now = now_date()
        seq = dict(conn.execute("SELECT name, seq FROM sqlite_sequence").fetchall())
        self.next_unit = seq.get("units", 0) + 1
        self.next_variant = seq.get("variants", 0) + 1
        self.index = IndexWriter(conn)
        self.origins: dict[tuple[str, str], int] = {}
        self.batch: list[tuple[Unit, str, FileReport]] = []
        self.languages: Counter = Counter()
        self.source_locales: Counter = Counter()
        conn.execute(f"PRAGMA cache_size = -{params.IMPORT_CACHE_KIB}")

    def add(self, unit: Unit, file: str, report: FileReport) -> None:
        report.read += 1
        self.batch.append((unit, file, report))
        if len(self.batch) >= params.IMPORT_BATCH:
            self.flush()

    def _origin(self, file: str, document: str | None) -> int:
        key = (file, document or "")
        if key not in self.origins:
            self.conn.execute("INSERT OR IGNORE INTO origins(file, document) VALUES (?, ?)", key)
            self.origins[key] = self.conn.execute("SELECT id FROM origins WHERE file = ? AND document = ?",
                                                  key).fetchone()[0]
        return self.origins[key]

    def flush(self) -> None:
        if not self.batch:
            return
        batch, self.batch = self.batch, []
        hashes = [unit_hash(u) for u, _, _ in batch]
        existing = dict(_in_chunks(self.conn, "SELECT hash, id FROM units WHERE hash IN ({})", list(set(hashes))))
        unit_rows, variant_rows, merges = [], [], []
        for (unit, file, report), h in zip(batch, hashes):
            if h in existing:
                merges.append((unit.changed or unit.created, unit.confidence, existing[h]))
                report.merged += 1
                continue
            uid = existing[h] = self.next_unit
            self.next_unit += 1
            unit_rows.append((uid, h, self._origin(file, unit.document), unit.created or self.now,
                              unit.changed or unit.created or self.now, self.now, unit.confidence,
                              _json(_stored_props(unit)), _json(unit.notes), _json(unit.attrs)))
            for v in unit.variants:
                extra = {k: val for k, val in (("attrs", v.attrs), ("props", [list(p) for p in v.props]),
                                               ("notes", v.notes)) if val}
                base = base_language(v.lang)
                variant_rows.append((self.next_variant, uid, v.lang, base, v.text, v.markup, _json(extra)))
                self.index.add(self.next_variant, base, v.text)
                self.languages[(v.lang, base)] += 1
                self.next_variant += 1
            report.added += 1
        c = self.conn
        c.executemany("INSERT INTO units(id, hash, origin, created, changed, imported, confidence, props, notes, attrs)"
                      " VALUES (?,?,?,?,?,?,?,?,?,?)", unit_rows)
        c.executemany("INSERT INTO variants(id, unit, lang, base, text, markup, extra) VALUES (?,?,?,?,?,?,?)",
                      variant_rows)
        c.executemany("""UPDATE units SET seen = seen + 1,
                             changed = CASE WHEN ?1 > coalesce(changed, '') THEN ?1 ELSE changed END,
                             confidence = CASE WHEN confidence IS NULL OR ?2 IS NULL THEN NULL
                                               ELSE max(confidence, ?2) END
                         WHERE id = ?3""", merges)

    def finish(self, progress: bool = False) -> None:
        self.flush()
        self.index.flush()
        self.conn.executemany("INSERT INTO languages(lang, base, variants) VALUES (?, ?, ?) "
                              "ON CONFLICT(lang) DO UPDATE SET variants = variants + excluded.variants",
                              [(lang, base, n) for (lang, base), n in self.languages.items()])
        if self.source_locales:
            srclang = self.source_locales.most_common(1)[0][0]
            if self.conn.execute("SELECT value FROM meta WHERE key = 'srclang'").fetchone() is None:
                self.conn.execute("INSERT INTO meta VALUES ('srclang', ?)", (srclang,))
        if segment_count(self.conn) > params.INDEX_MAX_SEGMENTS:
            merge_segments(self.conn)


class _Bar:
    """A tqdm bar on stderr, or nothing (update_to is then never called: bar is None)."""

    def __init__(self, bar):
        self.bar = bar

    def update_to(self, n: int) -> None:
        self.bar.update(max(0, n - self.bar.n))


@contextmanager
def _progress_bar(enabled: bool | None, total: int, desc: str, unit: str):
    """A progress bar on stderr when ENABLED (None: when stderr is a terminal)."""
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield None
        return
    from tqdm import tqdm
    bar = tqdm(total=total, desc=desc, unit=unit, unit_scale=True, file=sys.stderr, leave=False)
    try:
        yield _Bar(bar)
    finally:
        bar.close()


progress_bar = _progress_bar
