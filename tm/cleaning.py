"""Cleaning a memory: near-duplicates, and filters that throw out bad pairs.

Near-duplicates are units whose texts differ only in spacing, width (ＡＳＥＡＮ/ASEAN),
letter case or punctuation, in the same languages (ja and ja-JP count as one). They are
reported; merging keeps the most recently changed unit of each group (then the most
confident, then the one seen most often), which takes over the others' counts and the highest
confidence (none if one of them had none: a human translation).

Filters, on one language pair (units lacking either language are left alone):
  min_confidence    confidence below the value (units without one, human translations, stay)
  length_ratio      target/source length (characters without spaces) more than this factor
                    away from the memory's median for the pair (params.LENGTH_RATIO_FACTOR)
  untranslated      the target is the source (in matching form) and holds letters
  anchor_conflicts  numbers that differ: each side has a number the other lacks (the aligner's
                    anchors, align.langs; a number on one side only is an omission, not a conflict)
Everything is one transaction; dry_run only reports.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import groupby
from operator import itemgetter

import numpy as np

from align.errors import InputError
from align.fold import fold

from . import params
from .export import lang_filter
from .store import _in_chunks, progress_bar
from .units import base_language

_LETTER = re.compile(r"[^\W\d_]")
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _dropped_characters() -> dict[int, None]:
    """str.translate table removing punctuation (Unicode P*) and spacing."""
    return {i: None for i in range(0x30000)
            if unicodedata.category(chr(i))[0] in "PZ" or chr(i).isspace()}


def loose_form(text: str) -> str:
    """TEXT with width and case folded, punctuation and spaces removed: equal for near-duplicates."""
    return fold(text).casefold().translate(_dropped_characters())


@dataclass
class DuplicateGroup:
    kept: int                      # the unit that stays
    removed: list[int]             # the units merged into it
    texts: dict[int, dict[str, str]] = field(default_factory=dict)   # unit -> {lang: text}, for display


@dataclass
class DedupReport:
    groups: list[DuplicateGroup]
    merged: bool

    @property
    def removed(self) -> int:
        return sum(len(g.removed) for g in self.groups)

    def as_dict(self, show: int | None = None) -> dict:
        return {"groups": len(self.groups), "units_to_remove": self.removed, "merged": self.merged,
                "examples": [{"kept": g.kept, "removed": g.removed,
                              "texts": {str(u): t for u, t in g.texts.items()}} for g in self.groups[:show]]}


def dedup(tm, merge: bool = False, progress: bool | None = None, show: int = 20) -> DedupReport:
    """Find near-duplicate units (and with MERGE, merge each group into one unit).

    The texts of the first SHOW groups are loaded for display."""
    conn = tm.conn
    total = len(tm)
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS near_keys (key BLOB, unit INTEGER)")
    conn.execute("DELETE FROM near_keys")
    rows = []
    cur = conn.execute("SELECT unit, base, text FROM variants ORDER BY unit")
    with progress_bar(progress, total, "comparing", " units") as bar:
        for done, (unit_id, variants) in enumerate(groupby(cur, key=itemgetter(0)), 1):
            h = hashlib.blake2b(digest_size=12)
            for base, form in sorted((base, loose_form(text)) for _, base, text in variants):
                h.update(f"{base}\x1f{form}\x1e".encode("utf-8", "surrogatepass"))
            rows.append((h.digest(), unit_id))
            if len(rows) >= 50_000:
                conn.executemany("INSERT INTO near_keys VALUES (?, ?)", rows)
                rows = []
                if bar:
                    bar.update_to(done)
        conn.executemany("INSERT INTO near_keys VALUES (?, ?)", rows)
    groups_ids = [[int(u) for u in members.split(",")] for (members,) in conn.execute(
        "SELECT group_concat(unit) FROM near_keys GROUP BY key HAVING count(*) > 1 ORDER BY min(unit)")]
    conn.execute("DROP TABLE near_keys")
    groups = []
    info = {}
    all_ids = [u for g in groups_ids for u in g]
    for uid, changed, created, confidence, seen in _in_chunks(
            conn, "SELECT id, changed, created, confidence, seen FROM units WHERE id IN ({})", all_ids):
        info[uid] = (changed or created or "", confidence if confidence is not None else -1.0, seen, -uid)
    for members in groups_ids:
        kept = max(members, key=lambda u: info[u])
        groups.append(DuplicateGroup(kept, sorted(u for u in members if u != kept)))
    shown = [u for g in groups[:show] for u in [g.kept, *g.removed]]
    texts: dict[int, dict[str, str]] = {}
    for unit_id, lang, text in _in_chunks(conn, "SELECT unit, lang, text FROM variants WHERE unit IN ({}) "
                                                "ORDER BY id", shown):
        texts.setdefault(unit_id, {})[lang] = text
    for g in groups[:show]:
        g.texts = {u: texts.get(u, {}) for u in [g.kept, *g.removed]}
    if merge and groups:
        with tm._transaction():
            for g in groups:
                members = [g.kept, *g.removed]
                group = f"FROM units WHERE id IN ({','.join('?' * len(members))})"
                conn.execute(f"""
                    UPDATE units SET
                        seen = (SELECT sum(seen) {group}),
                        confidence = (SELECT CASE WHEN count(confidence) = count(*) THEN max(confidence) END {group}),
                        changed = (SELECT max(coalesce(changed, created)) {group})
                    WHERE id = ?""", members * 3 + [g.kept])
            tm._delete_units([u for g in groups for u in g.removed])
    return DedupReport(groups, merge)


@dataclass
class CleanReport:
    checked: int
    flagged: dict[str, list[int]]          # filter -> units it flags
    removed: int
    dry_run: bool
    median_ratio: float | None = None
    examples: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"checked": self.checked, "removed": self.removed, "dry_run": self.dry_run,
                "median_length_ratio": self.median_ratio,
                "flagged": {name: len(ids) for name, ids in self.flagged.items()},
                "examples": {name: [{"unit": u, "source": s, "target": t} for u, s, t in ex]
                             for name, ex in self.examples.items()}}


def number_keys(text: str, lang: str) -> set[str]:
    """The numbers the aligner finds in TEXT ("n:70" for 70, ７０, 七十)."""
    from align.langs import get_language
    return {k for k in get_language(lang).sentence_features(text).hard if k.startswith("n:")}


def clean(tm, src: str | None = None, tgt: str | None = None, min_confidence: float | None = None,
          length_ratio: float | None = None, untranslated: bool = False, anchor_conflicts: bool = False,
          dry_run: bool = False, progress: bool | None = None, show: int = 5) -> CleanReport:
    """Remove the units of the pair SRC-TGT that fail any filter given (see the module doc)."""
    names = [name for name, on in (("min_confidence", min_confidence is not None),
                                   ("length_ratio", length_ratio is not None),
                                   ("untranslated", untranslated), ("anchor_conflicts", anchor_conflicts)) if on]
    if not names:
        raise InputError("no filter given: use --min-confidence, --length-ratio, --untranslated "
                         "or --anchor-conflicts")
    if length_ratio is not None and length_ratio <= 1:
        raise InputError("--length-ratio must be more than 1 (a factor away from the median ratio)")
    src, tgt = tm.resolve_pair(src, tgt)
    src_base, tgt_base = base_language(src), base_language(tgt)
    if anchor_conflicts:
        from align.langs import get_language
        for base in (src_base, tgt_base):
            get_language(base)  # an unknown code is refused in one line
    s_cond, s_args = lang_filter(src, "s")
    t_cond, t_args = lang_filter(tgt, "t")
    sql = (f"SELECT u.id, u.confidence, s.text, t.text FROM units u "
           f"JOIN variants s ON s.unit = u.id AND {s_cond} "
           f"JOIN variants t ON t.unit = u.id AND t.id != s.id AND {t_cond} ORDER BY u.id")
    flagged: dict[str, list[int]] = {name: [] for name in names}
    examples: dict[str, list[tuple[int, str, str]]] = {name: [] for name in names}

    def flag(name, unit_id, s, t):
        flagged[name].append(unit_id)
        if len(examples[name]) < show:
            examples[name].append((unit_id, s, t))

    ratio_ids, ratios = [], []
    last = None
    checked = 0
    with progress_bar(progress, len(tm), "checking", " units") as bar:
        for unit_id, confidence, s, t in tm.conn.execute(sql, s_args + t_args):
            if unit_id == last:          # a second variant of the same language: the first one counts
                continue
            last = unit_id
            checked += 1
            if min_confidence is not None and confidence is not None and confidence < min_confidence:
                flag("min_confidence", unit_id, s, t)
            if length_ratio is not None:
                ls, lt = len(_SPACE.sub("", s)), len(_SPACE.sub("", t))
                if max(ls, lt) >= params.LENGTH_RATIO_MIN_CHARS and ls and lt:
                    ratio_ids.append(unit_id)
                    ratios.append(lt / ls)
            if untranslated and _LETTER.search(s) and loose_form(s) == loose_form(t):
                flag("untranslated", unit_id, s, t)
            if anchor_conflicts:
                a, b = number_keys(s, src_base), number_keys(t, tgt_base)
                if (a - b) and (b - a):
                    flag("anchor_conflicts", unit_id, s, t)
            if bar and checked % 1000 == 0:
                bar.update_to(checked)
    median = None
    if ratios:
        r = np.asarray(ratios)
        median = float(np.median(r))
        bad = [ratio_ids[i] for i in np.flatnonzero((r > median * length_ratio) | (r < median / length_ratio))]
        flagged["length_ratio"] = bad
        shown = bad[:show]
        rows = {u: (s, t) for u, _, s, t in _in_chunks(
            tm.conn, sql.replace("ORDER BY u.id", "AND u.id IN ({}) ORDER BY u.id"), shown,
            before=s_args + t_args)} if shown else {}
        examples["length_ratio"] = [(u, *rows[u]) for u in shown if u in rows]
    doomed = sorted({u for ids in flagged.values() for u in ids})
    if doomed and not dry_run:
        with tm._transaction():
            tm._delete_units(doomed)
    return CleanReport(checked, flagged, len(doomed), dry_run, median, examples)
