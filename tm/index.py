"""The lookup index: an inverted index of character bigrams or words, stored in SQLite.

Grams: character languages (ja, zh, lo, th) are indexed by character bigrams of the
matching form (spaces removed), other languages by words; grams are kept per language, so a
Japanese query only meets Japanese texts.

Storage, FTS-style: table `postings` holds one row per (language, gram, segment) with the
sorted variant ids as a little-endian uint32 blob. It is a WITHOUT ROWID table: the rows of
a gram are adjacent, and a gram's document frequency is read without reading its blob. Each
import appends segments (postings are collected for params.INDEX_FLUSH_VARIANTS variants,
then built with numpy and written) inside the import's transaction; beyond
params.INDEX_MAX_SEGMENTS segments they are merged into one. Table `token_counts` holds the
length in matching units of every variant (uint16, 0 = deleted): it gives the length filter
and tells live postings from those of deleted units, which merging drops.

Candidate search for a fuzzy lookup: the query's grams are read rarest first until
params.POSTINGS_BUDGET postings are read; candidates are ranked by the share of those grams
they hold times the ratio of the two lengths, after dropping the ones whose length cannot
reach the minimum percentage. The caller scores the best of them exactly (tm.match).
"""
from __future__ import annotations

import math
import re
import sqlite3
from itertools import chain

import numpy as np

from align.fold import fold

from . import params
from .match import matching_unit

SCHEMA = """
CREATE TABLE IF NOT EXISTS postings (
    lang TEXT NOT NULL,          -- primary language subtag ("ja")
    gram TEXT NOT NULL,
    segment INTEGER NOT NULL,
    n INTEGER NOT NULL,          -- number of ids in the blob
    ids BLOB NOT NULL,           -- sorted variant ids, little-endian uint32
    PRIMARY KEY (lang, gram, segment)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS token_counts (
    start INTEGER PRIMARY KEY,   -- variant id of the first count
    counts BLOB NOT NULL         -- uint16 per variant id from start on; 0 = no such variant
);
"""

_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
_WORD_OR_MARK = re.compile(r"\w+|[^\w\s]")
_IDS = np.dtype("<u4")
_COUNTS = np.dtype("<u2")


def _matching_string(text: str) -> str:
    # NFKC leaves ASCII as it is, and ASCII case folding is lower()
    return text.lower() if text.isascii() else fold(text).casefold()


def grams(text: str, lang: str) -> tuple[set[str], int]:
    """(index grams of TEXT, its length in matching units) for language LANG."""
    form = _matching_string(text)
    if matching_unit(lang) == "char":
        s = _SPACES.sub("", form)
        if len(s) == 1:
            return {s}, 1
        return {s[i:i + 2] for i in range(len(s) - 1)}, len(s)
    return set(_WORD.findall(form)), len(_WORD_OR_MARK.findall(form))


class IndexWriter:
    """Adds variants to the index inside the caller's transaction; call flush() at the end.

    Texts are only folded when added; the postings of a segment are built at flush time with
    numpy (bigram codes or word numbers, sorted and grouped), not gram by gram in Python.
    """

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._texts: dict[str, tuple[list[int], list]] = {}   # lang -> (variant ids, forms)
        self._counts: list[tuple[int, int]] = []
        self.segments_written = 0

    def add(self, variant_id: int, lang: str, text: str) -> None:
        """Index one variant (ids must be added in increasing order)."""
        form = _matching_string(text)
        ids, forms = self._texts.setdefault(lang, ([], []))
        if matching_unit(lang) == "char":
            form = _SPACES.sub("", form).replace("\x00", "")
            forms.append(form)
            length = len(form)
        else:                       # cut into words at flush time: a string is smaller than a list
            forms.append(form)
            length = len(_WORD_OR_MARK.findall(form))
        ids.append(variant_id)
        self._counts.append((variant_id, max(1, min(length, 65535))))
        if len(self._counts) >= params.INDEX_FLUSH_VARIANTS:
            self.flush()

    def flush(self) -> None:
        """Write what was collected as a new segment."""
        if not self._counts:
            return
        segment = (self.conn.execute("SELECT max(segment) FROM postings").fetchone()[0] or 0) + 1
        for lang, (ids, forms) in self._texts.items():
            groups = _char_groups(ids, forms) if matching_unit(lang) == "char" else _word_groups(ids, forms)
            self.conn.executemany("INSERT INTO postings(lang, gram, segment, n, ids) VALUES (?,?,?,?,?)",
                                  ((lang, gram, segment, n, blob) for gram, n, blob in groups))
        _write_counts(self.conn, self._counts)
        self._texts = {}
        self._counts = []
        self.segments_written += 1


def _grouped(codes: np.ndarray, owners: np.ndarray):
    """Group (code, owner) pairs by code: (codes, starts, ends, owners as uint32 bytes), one
    entry per distinct code in code order, owners[starts[k]:ends[k]] sorted and unique."""
    order = np.argsort(codes, kind="stable")          # owners stay in increasing order
    codes, owners = codes[order], owners[order]
    keep = np.empty(len(codes), bool)
    keep[:1] = True
    keep[1:] = (codes[1:] != codes[:-1]) | (owners[1:] != owners[:-1])
    codes, owners = codes[keep], owners[keep]
    starts = np.flatnonzero(np.concatenate(([True], codes[1:] != codes[:-1]))) if len(codes) else np.zeros(0, int)
    ends = np.append(starts[1:], len(codes))
    return codes[starts], starts.tolist(), ends.tolist(), owners.astype(_IDS).tobytes()


def _char_groups(ids: list[int], forms: list[str]):
    """(bigram, n, variant ids as uint32 bytes) of character-language texts, as grams() cuts
    them, in gram order."""
    singles: dict[str, list[int]] = {}
    for i, f in zip(ids, forms):
        if len(f) == 1:
            singles.setdefault(f, []).append(i)
    # All texts in one array of code points, a 0 after each; a bigram is two non-zero neighbours.
    cps = np.frombuffer(("\x00".join(forms) + "\x00").encode("utf-32-le", "surrogatepass"), "<u4")
    owners = np.repeat(np.asarray(ids, np.uint32), np.fromiter(map(len, forms), np.int64, len(forms)) + 1)
    first, second = cps[:-1], cps[1:]
    valid = (first != 0) & (second != 0)
    codes = (first[valid].astype(np.uint64) << np.uint64(21)) | second[valid].astype(np.uint64)
    unique, starts, ends, blob = _grouped(codes, owners[:-1][valid])
    pairs = np.empty((len(unique), 2), "<u4")
    pairs[:, 0] = unique >> np.uint64(21)
    pairs[:, 1] = unique & np.uint64(0x1FFFFF)
    text = pairs.tobytes().decode("utf-32-le", "surrogatepass")
    for k, (s, e) in enumerate(zip(starts, ends)):
        yield text[2 * k:2 * k + 2], e - s, blob[4 * s:4 * e]
    for ch, g in sorted(singles.items()):
        yield ch, len(g), np.asarray(g, _IDS).tobytes()


def _word_groups(ids: list[int], forms: list[str]):
    """(word, n, variant ids as uint32 bytes) of word-language texts, in word order."""
    forms = [_WORD.findall(f) for f in forms]
    words = sorted(set(chain.from_iterable(forms)))
    number = {w: i for i, w in enumerate(words)}
    codes = np.fromiter(map(number.__getitem__, chain.from_iterable(forms)), np.int64)
    owners = np.repeat(np.asarray(ids, np.uint32), np.fromiter(map(len, forms), np.int64, len(forms)))
    unique, starts, ends, blob = _grouped(codes, owners)
    for code, s, e in zip(unique.tolist(), starts, ends):
        yield words[code], e - s, blob[4 * s:4 * e]


def _write_counts(conn: sqlite3.Connection, counts: list[tuple[int, int]]) -> None:
    """Store token counts of consecutive runs of variant ids (one row per run)."""
    if not counts:
        return
    ids = np.fromiter((c[0] for c in counts), np.int64, len(counts))
    values = np.fromiter((c[1] for c in counts), np.int64, len(counts))
    start = int(ids[0])
    dense = np.zeros(int(ids[-1]) - start + 1, _COUNTS)
    dense[ids - start] = values
    conn.execute("INSERT OR REPLACE INTO token_counts(start, counts) VALUES (?, ?)", (start, dense.tobytes()))


def load_counts(conn: sqlite3.Connection) -> np.ndarray:
    """Token count of every variant id (index = id), 0 for ids that are not live."""
    rows = conn.execute("SELECT start, counts FROM token_counts ORDER BY start").fetchall()
    if not rows:
        return np.zeros(1, _COUNTS)
    last_start, last_blob = rows[-1]
    out = np.zeros(last_start + len(last_blob) // 2 + 1, _COUNTS)
    for start, blob in rows:
        chunk = np.frombuffer(blob, _COUNTS)
        out[start:start + len(chunk)] = chunk
    return out


def forget(conn: sqlite3.Connection, variant_ids) -> None:
    """Mark deleted variants (their postings are dropped at the next merge)."""
    ids = np.unique(np.asarray(list(variant_ids), np.int64))
    if not len(ids):
        return
    for start, blob in conn.execute("SELECT start, counts FROM token_counts ORDER BY start").fetchall():
        mine = ids[(ids >= start) & (ids < start + len(blob) // 2)]
        if len(mine):
            counts = np.frombuffer(blob, _COUNTS).copy()
            counts[mine - start] = 0
            conn.execute("UPDATE token_counts SET counts = ? WHERE start = ?", (counts.tobytes(), start))


def segment_count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(DISTINCT segment) FROM postings").fetchone()[0]


def merge_segments(conn: sqlite3.Connection) -> None:
    """Rewrite the postings as one segment without deleted variants (inside a transaction)."""
    counts = load_counts(conn)
    alive = counts > 0
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS merged_postings (lang TEXT, gram TEXT, n INTEGER, ids BLOB)")
    conn.execute("DELETE FROM merged_postings")
    cur = conn.execute("SELECT lang, gram, ids FROM postings ORDER BY lang, gram, segment")
    key, parts, out = None, [], []

    def emit():
        ids = np.concatenate(parts) if len(parts) > 1 else parts[0]   # segments hold increasing ids
        ids = ids[alive[ids]]
        if len(ids):
            out.append((key[0], key[1], len(ids), ids.astype(_IDS).tobytes()))

    for lang, gram, blob in cur:
        if (lang, gram) != key:
            if parts:
                emit()
            key, parts = (lang, gram), []
            if len(out) >= 50_000:
                conn.executemany("INSERT INTO merged_postings VALUES (?,?,?,?)", out)
                out = []
        parts.append(np.frombuffer(blob, _IDS))
    if parts:
        emit()
    conn.executemany("INSERT INTO merged_postings VALUES (?,?,?,?)", out)
    conn.execute("DELETE FROM postings")
    conn.execute("INSERT INTO postings(lang, gram, segment, n, ids) SELECT lang, gram, 1, n, ids FROM merged_postings")
    conn.execute("DROP TABLE merged_postings")
    conn.execute("DELETE FROM token_counts")
    conn.execute("INSERT INTO token_counts(start, counts) VALUES (0, ?)", (counts.tobytes(),))


class Searcher:
    """Candidate retrieval over the index of one memory (reloads its token counts when stale)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._counts: np.ndarray | None = None
        self._version = None

    def counts(self) -> np.ndarray:
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        total_changes = self.conn.total_changes
        if self._counts is None or (version, total_changes) != self._version:
            self._counts = load_counts(self.conn)
            self._version = (version, total_changes)
        return self._counts

    def _document_frequencies(self, lang: str, gs) -> dict[str, int]:
        """gram -> number of variants holding it, for the grams of GS that exist."""
        out: dict[str, int] = {}
        gs = list(gs)
        for i in range(0, len(gs), 500):
            chunk = gs[i:i + 500]
            sql = f"SELECT gram, n FROM postings WHERE lang = ? AND gram IN ({','.join('?' * len(chunk))})"
            for gram, n in self.conn.execute(sql, [lang, *chunk]):
                out[gram] = out.get(gram, 0) + n
        return out

    def _read(self, lang: str, gs: list[str]) -> list[np.ndarray]:
        """The id arrays of grams GS (one per segment)."""
        arrays = []
        for i in range(0, len(gs), 500):
            chunk = gs[i:i + 500]
            sql = f"SELECT ids FROM postings WHERE lang = ? AND gram IN ({','.join('?' * len(chunk))})"
            arrays.extend(np.frombuffer(blob, _IDS) for (blob,) in self.conn.execute(sql, [lang, *chunk]))
        return arrays

    def fuzzy_candidates(self, text: str, lang: str, min_percent: float, limit: int) -> list[int]:
        """Variant ids (language LANG) most likely to match TEXT at MIN_PERCENT or more, best first."""
        gs, n = grams(text, lang)
        if not gs:
            return []
        dfs = self._document_frequencies(lang, gs)
        if not dfs:
            return []
        chosen, total = [], 0
        for g in sorted(dfs, key=dfs.get):
            if len(chosen) >= params.MIN_GRAMS and total + dfs[g] > params.POSTINGS_BUDGET:
                break
            chosen.append(g)
            total += dfs[g]
        arrays = self._read(lang, chosen)
        ids = np.concatenate(arrays) if len(arrays) > 1 else arrays[0].copy()
        ids.sort()
        if not len(ids):
            return []
        starts = np.flatnonzero(np.concatenate(([True], ids[1:] != ids[:-1])))
        shared = np.diff(np.append(starts, len(ids)))
        uids = ids[starts].astype(np.int64)
        counts = self.counts()
        inside = uids < len(counts)
        uids, shared = uids[inside], shared[inside]
        m = counts[uids].astype(np.float64)
        # A candidate of length m can reach p% only if |n - m| <= (1 - p/100) * max(n, m).
        theta = max(0.0, min_percent / 100.0 - 0.01)
        ok = (m > 0) & (m >= math.floor(n * theta)) & (m * theta <= n + 1)
        uids, shared, m = uids[ok], shared[ok], m[ok]
        if not len(uids):
            return []
        rank = (shared / len(chosen)) * (np.minimum(m, n) / np.maximum(m, n))
        if len(uids) > limit:
            top = np.argpartition(-rank, limit - 1)[:limit]
        else:
            top = np.arange(len(uids))
        top = top[np.argsort(-rank[top], kind="stable")]
        return [int(i) for i in uids[top]]

    def term_candidates(self, term: str, lang: str) -> np.ndarray | None:
        """Ids (sorted) of variants of language LANG that may contain TERM; None when TERM has no gram.

        Every gram of TERM must be in the variant; for word languages its last word may be the
        start of a longer word ("partner" finds "partnership") when it has params.CONCORDANCE_PREFIX_MIN
        characters or more, and a one-character term in a character language matches every bigram that
        starts with it.
        """
        form = fold(term).casefold()
        required: list[list[str] | tuple[str, str]] = []   # exact grams, or (prefix,) scans
        if matching_unit(lang) == "char":
            s = _SPACES.sub("", form)
            if not s:
                return None
            if len(s) == 1:
                required.append(("prefix", s))
            else:
                required.extend([s[i:i + 2]] for i in range(len(s) - 1))
        else:
            words = _WORD.findall(form)
            if not words:
                return None
            for i, w in enumerate(words):
                last = i == len(words) - 1
                required.append(("prefix", w) if last and len(w) >= params.CONCORDANCE_PREFIX_MIN else [w])
        sets: list[np.ndarray] = []
        for req in required:
            if isinstance(req, tuple):
                arrays = [np.frombuffer(blob, _IDS) for (blob,) in self.conn.execute(
                    "SELECT ids FROM postings WHERE lang = ? AND gram >= ? AND gram < ?",
                    (lang, req[1], req[1] + "\U0010ffff"))]
            else:
                arrays = self._read(lang, req)
            if not arrays:
                return np.zeros(0, np.int64)
            sets.append(np.unique(np.concatenate(arrays)) if len(arrays) > 1 else arrays[0])
        sets.sort(key=len)
        result = sets[0].astype(np.int64)
        for other in sets[1:]:
            result = np.intersect1d(result, other.astype(np.int64), assume_unique=True)
            if not len(result):
                break
        counts = self.counts()
        result = result[result < len(counts)]
        return result[counts[result] > 0]
