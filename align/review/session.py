"""A review in progress: starting one from documents or from an alignment, editing it, realigning
around the reviewer's fixes, and what the page shows of each row (flags included).

The server only translates HTTP into these calls; everything here works from Python:

    from align.review import start_review, ReviewSession
    path = start_review(["ja.txt", "en.txt"])            # aligns, writes ja.review.jsonl
    with ReviewSession(path) as review:
        review.edit({"op": "confirm", "row": 3})
        review.realign()
        review.review.write("memory.tmx", "tmx")
"""
from __future__ import annotations

import copy
import hashlib
import threading
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from ..errors import InputError
from ..langs import get_language
from .journal import SUFFIX, Journal, create, is_review_file, replay
from .reviewed import Review
from .flags import SHOWN_KINDS, ReviewFlags
from .rows import EditError, Splice, apply_edit, counts, is_fixed, new_row


class StaleVersion(InputError):
    """An edit made on an older state than the current one (another tab edited since)."""


def file_digest(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def splits_of(lang: str, text: str) -> list[int]:
    """Clause points of TEXT where the reviewer may cut it (the segmenter's split points)."""
    return list(get_language(lang).sentence_features(text).split_points)


# --- rows from an alignment ------------------------------------------------------------------

def _sentence(document, i: int) -> dict:
    s = document.sentences[i]
    return {"text": s.text, "source": s.text, "where": document.location([i]),
            "splits": list(document.features[i].split_points), "kind": s.kind}


def rows_from_alignment(alignment) -> list[dict]:
    """Rows of a two-document Alignment (align.api)."""
    src, tgt = alignment.src, alignment.tgt
    return [new_row({src.lang.code: [_sentence(src, i) for i in bead.src],
                     tgt.lang.code: [_sentence(tgt, j) for j in bead.tgt]},
                    confidence=round(bead.confidence, 4), matched=bead.matched, conflicts=bead.conflicts)
            for bead in alignment.beads]


def rows_from_pivot(multi) -> list[dict]:
    """Rows of a PivotAlignment: one per unit, a cell per language."""
    rows = []
    for unit in multi.units:
        cells = {lang: [_sentence(doc, i) for i in unit.sentences.get(lang, ())]
                 for lang, doc in multi.documents.items()}
        rows.append(new_row(cells, confidence=round(unit.confidence, 4)))
    return rows


def _where(place: dict, fallback: str) -> str:
    parts = [Path(str(place.get("document") or fallback)).name]
    if "page" in place:
        parts.append(f"p.{place['page']}")
    if "line" in place:
        parts.append(f"line {place['line']}")
    elif "paragraph" in place:
        parts.append(f"¶{place['paragraph']}")
    return " ".join(parts)


def rows_from_pairs(document) -> list[dict]:
    """Rows of an alignment read from the aligner's JSONL (align.qa.alignment_files.Document).
    A bead of several sentences is split back into them when the file lists them; an older file
    gives the bead's text as one sentence."""
    src_lang, tgt_lang = document.src_lang, document.tgt_lang
    rows = []
    for pair in document.pairs:
        cells = {}
        for lang, ids, text, sentences, place in ((src_lang, pair.src, pair.src_text, pair.src_sentences, pair.src_place),
                                                  (tgt_lang, pair.tgt, pair.tgt_text, pair.tgt_sentences, pair.tgt_place)):
            texts = sentences if sentences is not None else ([text] if ids else [])
            where = _where(place, document.source) if ids else ""
            cells[lang] = [{"text": t, "source": t, "where": where, "splits": splits_of(lang, t), "kind": "text"}
                           for t in texts]
        rows.append(new_row(cells, confidence=pair.confidence, matched=pair.matched, conflicts=pair.conflicts))
    return rows


# --- starting a review -------------------------------------------------------------------------

def review_path_for(inputs: list, review_file=None) -> Path:
    """Where the review of INPUTS is kept: REVIEW_FILE, else NAME.review.jsonl beside the first
    input (doc.jsonl -> doc.review.jsonl, ja.txt -> ja.review.jsonl)."""
    if review_file:
        return Path(review_file)
    first = Path(inputs[0])
    return first.with_name(first.name[:-len(first.suffix)] + SUFFIX if first.suffix else first.name + SUFFIX)


def _inputs(paths, role: str) -> list[dict]:
    return [{"path": str(Path(p).resolve()), "sha256": file_digest(p), "role": role} for p in paths]


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def align_inputs(paths, langs=(), pivot=None, presegmented=False):
    """Header and rows of a new review of the documents PATHS (two, or three with a pivot)."""
    from ..api import align_documents
    from ..document import load_documents
    from ..pivot import align_pivot
    langs = list(langs) + [None] * (len(paths) - len(langs))
    docs = load_documents(paths, langs, presegmented)
    codes = [d.lang.code for d in docs]
    if len(set(codes)) != len(codes):
        raise InputError(f"two documents in {codes[0] if codes.count(codes[0]) > 1 else codes[1]}: "
                         f"give each language once (-s, -t, --third-lang set the languages)")
    if len(docs) == 2:
        if pivot:
            raise InputError("--pivot needs three documents")
        rows = rows_from_alignment(align_documents(docs[0], docs[1]))
        pivot = None
    else:
        pivot = get_language(pivot).code if pivot else ("en" if "en" in codes else None)
        if pivot not in codes:
            raise InputError(f"give the pivot language with --pivot (one of {', '.join(codes)})")
        multi = align_pivot({d.lang.code: d for d in docs}, pivot)
        rows = rows_from_pivot(multi)
    header = {"name": Path(paths[0]).name, "languages": codes, "pivot": pivot,
              "names": {d.lang.code: Path(p).name for d, p in zip(docs, paths)},
              "inputs": [dict(i, lang=code) for i, code in zip(_inputs(paths, "document"), codes)],
              "presegmented": bool(presegmented), "created": _now()}
    return header, rows


def start_review(paths, langs=(), pivot=None, presegmented=False, review_file=None) -> Path:
    """Align the documents PATHS and write a new review file (returned)."""
    path = review_path_for(paths, review_file)
    header, rows = align_inputs(paths, langs, pivot, presegmented)
    header["qa_reference"] = ReviewFlags(rows, header["languages"], header["pivot"], header["name"]).reference()
    create(path, header, rows)
    return path


def start_from_alignment(document, review_file) -> Path:
    """A new review file for one document of an alignment JSONL (align.qa.alignment_files.Document)."""
    rows = rows_from_pairs(document)
    if not rows:
        raise InputError(f"{document.path}: no pairs to review")
    target = next((p.tgt_place.get("document") for p in document.pairs if p.tgt_place.get("document")),
                  document.tgt_lang)
    header = {"name": document.name, "languages": [document.src_lang, document.tgt_lang], "pivot": None,
              "names": {document.src_lang: Path(document.source).name, document.tgt_lang: Path(str(target)).name},
              "inputs": [dict(_inputs([document.path], "alignment")[0], doc=document.source)],
              "created": _now()}
    if document.src_lang == document.tgt_lang:
        raise InputError(f"{document.path}: both sides are {document.src_lang}")
    header["qa_reference"] = ReviewFlags(rows, header["languages"], None, header["name"]).reference()
    create(review_file, header, rows)
    return Path(review_file)


def changed_inputs(header: dict) -> list[str]:
    """The inputs of a review that changed (or went missing) since it began."""
    out = []
    for given in header.get("inputs", []):
        p = Path(given["path"])
        if not p.is_file() or file_digest(p) != given["sha256"]:
            out.append(str(p))
    return out


def update_review(path, langs=(), presegmented=None) -> tuple[int, int]:
    """Realign a review whose input documents changed, keeping each confirmed row whose
    sentences are all still in the new documents, in the same order; the old review file is
    kept as NAME.review.jsonl.before-update. Returns (confirmed rows kept, confirmed rows before)."""
    from ..aligner import align_features
    state, _ = replay(path)
    header = state.header
    inputs = [i for i in header.get("inputs", []) if i.get("role") == "document"]
    if not inputs:
        raise InputError(f"{path}: reviews of an alignment file cannot be updated: align the documents "
                         f"again and start a new review")
    for i in inputs:
        if not Path(i["path"]).is_file():
            raise InputError(f"{i['path']}: input of the review is missing")
    from ..document import load_documents
    codes = [i["lang"] for i in inputs]
    docs = load_documents([i["path"] for i in inputs], codes,
                          header.get("presegmented") if presegmented is None else presegmented)
    if len(docs) != 2:
        raise InputError(f"{path}: updating a review of three documents is not supported; start a new review")
    new_text = {d.lang.code: [s.text for s in d.sentences] for d in docs}
    confirmed = [r for r in state.rows if r["status"] == "confirmed"]
    kept_rows, fixed = _kept_confirmed(state.rows, header["languages"], new_text)
    src, tgt = docs
    from ..cognates import with_han_keys
    beads = align_features(*with_han_keys(src.features, src.texts, src.lang, tgt.features, tgt.texts, tgt.lang),
                           fixed=[ids for ids, _ in kept_rows])
    kept_by_ids = {tuple(map(tuple, ids)): row for ids, row in kept_rows}
    rows = []
    for bead in beads:
        row = kept_by_ids.get((bead.src, bead.tgt))
        if row is None:
            row = new_row({src.lang.code: [_sentence(src, i) for i in bead.src],
                           tgt.lang.code: [_sentence(tgt, j) for j in bead.tgt]},
                          confidence=round(bead.confidence, 4), matched=bead.matched, conflicts=bead.conflicts)
        else:
            row = copy.deepcopy(row)
            for lang, doc, ids in ((src.lang.code, src, bead.src), (tgt.lang.code, tgt, bead.tgt)):
                for sentence, i in zip(row["cells"][lang], ids):
                    sentence["where"] = doc.location([i])
        rows.append(row)
    backup = Path(str(path) + ".before-update")
    Path(path).replace(backup)
    new_header = dict(header, inputs=[dict(i, sha256=file_digest(i["path"])) for i in inputs], updated=_now())
    for row in rows:
        row.pop("qa", None)
    new_header["qa_reference"] = ReviewFlags(rows, header["languages"], header.get("pivot"),
                                             header.get("name", "review")).reference()
    create(path, new_header, rows)
    return len(kept_rows), len(confirmed)


def _kept_confirmed(rows, languages, new_text):
    """Confirmed rows whose sentences (as the documents gave them) all appear in NEW_TEXT at
    consecutive places, in order: [((src ids, tgt ids), row)] in the new documents' indices."""
    from difflib import SequenceMatcher
    old_sources = {lang: [s.get("source") for r in rows for s in r["cells"][lang]] for lang in languages}
    mapping = {}
    for lang in languages:
        m = {}
        matcher = SequenceMatcher(None, old_sources[lang], new_text[lang], autojunk=False)
        for block in matcher.get_matching_blocks():
            for k in range(block.size):
                m[block.a + k] = block.b + k
        mapping[lang] = m
    kept, next_old = [], {lang: 0 for lang in languages}
    last = {lang: -1 for lang in languages}
    for row in rows:
        old_ids = {}
        for lang in languages:
            n = len(row["cells"][lang])
            old_ids[lang] = list(range(next_old[lang], next_old[lang] + n))
            next_old[lang] += n
        if row["status"] != "confirmed":
            continue
        new_ids = {lang: [mapping[lang].get(i) for i in old_ids[lang]] for lang in languages}
        ok = all(None not in ids and ids == list(range(ids[0], ids[0] + len(ids))) and ids[0] > last[lang]
                 for lang, ids in new_ids.items() if ids) and any(new_ids.values())
        if ok:
            for lang, ids in new_ids.items():
                if ids:
                    last[lang] = ids[-1]
            kept.append(((tuple(new_ids[languages[0]]), tuple(new_ids[languages[1]])), row))
    return kept, [ids for ids, _ in kept]


# --- the live session ----------------------------------------------------------------------------

class ReviewSession:
    """One review file open for editing: edits, undo/redo, realign, and the page's view of rows.
    Methods are safe to call from several threads (one edit at a time)."""

    def __init__(self, path, address: str = "", lock=None):
        self.journal = Journal(path, address, lock)
        self.path = Path(path)
        self.header = self.journal.state.header
        self.review = Review(self.header, self.journal.state.rows, self.path)
        self.languages = self.header["languages"]
        self.pivot = self.header.get("pivot")
        self.notice: str | None = None
        if self.journal.dropped_bytes:
            self.notice = ("The last edit before the server stopped was cut short and could not be kept; "
                           "every edit before it is here.")
        self._lock = threading.RLock()
        self._features: dict = {}
        self._settled: dict = {}   # fixed rows the last realign worked around (id -> row)
        self.flags = ReviewFlags(self.rows, self.languages, self.pivot, self.review.name,
                                 self.header.get("qa_reference"))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        self.journal.close()

    @property
    def rows(self) -> list[dict]:
        return self.journal.state.rows

    @property
    def version(self) -> int:
        return self.journal.state.version

    # --- what the page shows -----------------------------------------------------------
    def state(self) -> dict:
        with self._lock:
            return {"version": self.version, "name": self.review.name, "languages": self.languages,
                    "names": self.header.get("names", {}), "pivot": self.pivot,
                    "rows": self.views(0, len(self.rows)), "counts": counts(self.rows),
                    "can_undo": bool(self.journal.state.undo), "can_redo": bool(self.journal.state.redo),
                    "flag_kinds": SHOWN_KINDS,
                    "notice": self.notice}

    def views(self, start: int, stop: int) -> list[dict]:
        """What the page shows of rows START..STOP-1: cells, status, confidence, flags."""
        return [{"cells": {lang: [{"text": s["text"], "splits": s.get("splits", []), "where": s.get("where", "")}
                                  for s in row["cells"][lang]] for lang in self.languages},
                 "status": row["status"],
                 "confidence": 1.0 if row["status"] == "confirmed" else row["confidence"],
                 "flags": self.flags.flags(row)}
                for row in self.rows[start:stop]]

    def answer(self, splice: Splice) -> dict:
        """The page's answer to a step: the splice with the new rows as the page shows them."""
        return {"version": self.version, "start": splice.start, "removed": splice.removed,
                "rows": self.views(splice.start, splice.start + len(splice.rows)),
                "changed": splice.changed, "counts": counts(self.rows),
                "can_undo": bool(self.journal.state.undo), "can_redo": bool(self.journal.state.redo)}

    # --- steps ---------------------------------------------------------------------------
    def _check_version(self, version) -> None:
        if version is not None and version != self.version:
            raise StaleVersion(f"the alignment changed since this page loaded it (version {version}, now "
                               f"{self.version}): reload")

    def edit(self, request: dict, version: int | None = None) -> dict:
        """Apply the edit REQUEST (see rows.EDITS), store it, and return the page's answer."""
        with self._lock:
            self._check_version(version)
            splice = apply_edit(self.rows, request, splits_of)
            for row in splice.rows:
                if row["status"] == "edited":   # its sentences changed: anchors and flags anew
                    self._explain(row)
                    self.flags.annotate(row)
            op = {k: v for k, v in request.items() if k != "version"}
            return self.answer(self.journal.record(op, splice))

    def undo(self, version: int | None = None) -> dict:
        with self._lock:
            self._check_version(version)
            self._settled = {}   # what realign worked around may be what was undone
            return self.answer(self.journal.undo())

    def redo(self, version: int | None = None) -> dict:
        with self._lock:
            self._check_version(version)
            self._settled = {}
            return self.answer(self.journal.redo())

    def realign(self, version: int | None = None) -> dict:
        """Align again every stretch of rows between the fixed ones (confirmed or edited), which
        stay where they are; answers which rows changed."""
        with self._lock:
            self._check_version(version)
            splice = realign_rows(self.rows, self.languages, self.pivot, self.features, self._settled)
            if splice is None:   # every row is confirmed or edited: nothing to move
                splice = Splice(len(self.rows), 0, [], [])
            self._settled = {id(row): row for row in self.rows if is_fixed(row)}
            if not splice.removed and not splice.rows:
                return dict(self.answer(splice), changed=[])
            for row in splice.rows:
                if "qa" not in row:
                    self.flags.annotate(row)
            answer = self.answer(self.journal.record({"op": "realign"}, splice))
            self._settled = {id(row): row for row in self.rows if is_fixed(row)}
            return answer

    def warm_up(self) -> None:
        """Load the aligner and each language's tokeniser now, before the reviewer waits for a
        realign (the first one paid a quarter of a second of imports and MeCab start-up)."""
        from .. import aligner  # noqa: F401
        for lang in self.languages:
            first = next((row["cells"][lang][0] for row in self.rows if row["cells"][lang]), None)
            if first is not None:
                self.features(lang, [first])

    # --- features ------------------------------------------------------------------------
    def features(self, lang: str, sentences: list[dict]):
        """Aligner features of SENTENCES (cached by text: realigning twice costs nothing)."""
        from ..langs import Sentence
        from ..normalize import is_page_furniture
        language = get_language(lang)
        cache = self._features.setdefault(lang, {})
        missing = [s for s in sentences if (s["text"], s.get("kind", "text")) not in cache]
        if missing:
            feats = language.features([Sentence(s["text"], s.get("kind", "text")) for s in missing])
            for s, f in zip(missing, feats):
                f.furniture = is_page_furniture(s["text"])
                cache[(s["text"], s.get("kind", "text"))] = f
        return [cache[(s["text"], s.get("kind", "text"))] for s in sentences]

    def _explain(self, row: dict) -> None:
        """Anchors that support or contradict an edited row (as the aligner gives them)."""
        src, tgt = (next(l for l in self.languages if l != self.pivot), self.pivot) if self.pivot \
            else tuple(self.languages[:2])
        if not row["cells"][src] or not row["cells"][tgt]:
            row["matched"], row["conflicts"] = [], []
            return
        hs, ht, ss, st = Counter(), Counter(), Counter(), Counter()
        for f in self.features(src, row["cells"][src]):
            hs.update(f.hard)
            ss.update(f.soft)
        for f in self.features(tgt, row["cells"][tgt]):
            ht.update(f.hard)
            st.update(f.soft)
        row["matched"] = sorted((hs & ht).keys()) + sorted((ss & st).keys())
        row["conflicts"] = sorted(((hs - ht) + (ht - hs)).keys())


# A run of unchecked rows longer than twice this is realigned from its fixed end(s) in a window
# that doubles until the new alignment meets the old one again (AGREE rows equal at its far end):
# a fix repairs the drift after it without realigning a whole 10,000-row document. On the
# 10,000-row kyoto-dev review (scripts/bench_review.py), two fixes 200 rows apart realign in
# 1.11 s with 200-row windows, 0.65 s with 100 (a third fix 200 rows below: 0.65 / 0.40 s).
WINDOW_ROWS = 100
AGREE = 3


def realign_rows(rows: list[dict], languages: list[str], pivot: str | None, features,
                 settled=None) -> Splice | None:
    """The splice that realigns the unchecked ("auto") rows of ROWS between the fixed ones
    (confirmed or edited), which stay as they are (None: no row to realign).

    Each run of unchecked rows is aligned again on its own, its fixed neighbours being the
    bounds no bead may cross; FEATURES(lang, sentences) gives the aligner's features of
    sentence dicts. Only the rows that differ are replaced. SETTLED: fixed rows already realigned
    around (by id): a run between two of them is left alone.
    """
    settled = settled or {}
    runs, k = [], 0
    while k < len(rows):
        if is_fixed(rows[k]):
            k += 1
            continue
        start = k
        while k < len(rows) and not is_fixed(rows[k]):
            k += 1
        runs.append((start, k))
    if not runs:
        return None
    new_rows = list(rows)
    for a, b in reversed(runs):   # from the end, so that earlier indices stay valid
        above = a > 0 and id(rows[a - 1]) not in settled
        below = b < len(rows) and id(rows[b]) not in settled
        if not above and not below:
            continue
        for lo, hi, replacement in _run_windows(rows, a, b, languages, pivot, features, above, below):
            new_rows[lo:hi] = replacement
    # the splice: from the first to the last row that differs
    first = 0
    while first < min(len(rows), len(new_rows)) and _same_sentences(rows[first], new_rows[first], languages):
        first += 1
    if first == len(rows) == len(new_rows):
        return Splice(len(rows), 0, [], [])
    tail = 0
    while (tail < min(len(rows), len(new_rows)) - first
           and _same_sentences(rows[-1 - tail], new_rows[-1 - tail], languages)):
        tail += 1
    middle = new_rows[first:len(new_rows) - tail]
    before = {id(row) for row in rows}
    changed = [first + i for i, row in enumerate(middle) if id(row) not in before]
    return Splice(first, len(rows) - first - tail, middle, changed)


def _run_windows(rows, a: int, b: int, languages, pivot, features, above: bool = True, below: bool = True):
    """(lo, hi, new rows) replacing rows LO..HI-1 of the run A..B-1 of unchecked rows, next to
    the fixed row ABOVE it and/or the one BELOW it."""
    if b - a <= 2 * WINDOW_ROWS:
        yield a, b, _realigned(rows[a:b], languages, pivot, features)
        return
    if above:   # repair downwards from the fixed row above
        size = WINDOW_ROWS
        while True:
            hi = min(b, a + size)
            new = _realigned(rows[a:hi], languages, pivot, features)
            if hi == b or all(_same_sentences(o, n, languages) for o, n in zip(rows[hi - AGREE:hi], new[-AGREE:])):
                yield a, hi, new
                a = hi
                break
            size *= 2
    if below and a < b:   # repair upwards from the fixed row below
        size = WINDOW_ROWS
        while True:
            lo = max(a, b - size)
            new = _realigned(rows[lo:b], languages, pivot, features)
            if lo == a or all(_same_sentences(o, n, languages) for o, n in zip(rows[lo:lo + AGREE], new[:AGREE])):
                yield lo, b, new
                break
            size *= 2


def _realigned(span: list[dict], languages, pivot, features) -> list[dict]:
    """SPAN's sentences aligned again (rows of the aligner's beads or pivot units)."""
    from ..aligner import align_features
    from ..cognates import with_han_keys
    sentences = {lang: [s for row in span for s in row["cells"][lang]] for lang in languages}

    def aligned(a: str, b: str):
        return align_features(*with_han_keys(features(a, sentences[a]), [s["text"] for s in sentences[a]],
                                             get_language(a), features(b, sentences[b]),
                                             [s["text"] for s in sentences[b]], get_language(b)))
    if pivot and len(languages) > 2:
        from ..pivot import join_on_pivot
        pairwise = {lang: aligned(lang, pivot) for lang in languages if lang != pivot}
        groups = [({lang: tuple(u.sentences.get(lang, ())) for lang in languages}, u.confidence, [], [])
                  for u in join_on_pivot(pairwise, len(sentences[pivot]), pivot)]
    else:
        src, tgt = languages[:2]
        beads = aligned(src, tgt)
        groups = [({src: b.src, tgt: b.tgt}, b.confidence, b.matched, b.conflicts) for b in beads]
    out = []
    for ids, confidence, matched, conflicts in groups:
        cells = {lang: copy.deepcopy([sentences[lang][i] for i in ids[lang]]) for lang in languages}
        if any(cells.values()):
            out.append(new_row(cells, confidence=round(confidence, 4), matched=matched, conflicts=conflicts))
    # rows the aligner put back as they were keep their identity (and are not reported changed)
    old = {_key(row, languages): row for row in span}
    return [old.get(_key(row, languages), row) for row in out]


def _same_sentences(old: dict, new: dict, languages) -> bool:
    """The same row, or two unchecked rows pairing the same sentences."""
    return old is new or (old["status"] == new["status"] == "auto" and _key(old, languages) == _key(new, languages))


def _key(row: dict, languages) -> tuple:
    return tuple(tuple(s["text"] for s in row["cells"][lang]) for lang in languages)


def open_sessions(paths, address: str = "", locks: dict | None = None) -> list[ReviewSession]:
    """ReviewSessions of several review files, all or none (each holds its file's lock; LOCKS:
    those already taken, by path)."""
    sessions = []
    try:
        for p in paths:
            if not is_review_file(p):
                raise InputError(f"{p}: not an aligntm review file")
            sessions.append(ReviewSession(p, address, (locks or {}).pop(Path(p), None)))
    except BaseException:
        for s in sessions:
            s.close()
        raise
    return sessions
