"""An alignment under review as a list of rows, and the edits a reviewer makes to it.

A row pairs, for each language, a run of consecutive sentences (a cell, possibly empty); reading
the cells of one language down the rows gives that document's sentences in order. Rows and
sentences are plain JSON-ready dicts so that the journal, the server and the page share them:

    row      = {"cells": {lang: [sentence, ...]}, "status": "auto" | "confirmed" | "edited",
                "confidence": float | None, "matched": [...], "conflicts": [...]}
    sentence = {"text": str, "source": str | None, "where": str, "splits": [int, ...], "kind": str}

`source` is the sentence as segmented from the input (None once split or joined by the
reviewer): it tells which sentences an input change leaves untouched.

Every edit is a pure function of the rows that returns a `Splice`: replace `removed` rows from
`start` with `rows`. Undo is the reverse splice, so the journal stores both sides.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

from ..errors import InputError

STATUSES = ("auto", "confirmed", "edited")


class EditError(InputError):
    """An edit that cannot apply to the rows as they are (a row or sentence that does not exist)."""


@dataclass
class Splice:
    start: int
    removed: int
    rows: list[dict]
    changed: list[int] = field(default_factory=list)   # indices (after the splice) of changed rows

    def apply(self, rows: list[dict]) -> list[dict]:
        """The rows this splice replaces (the old ones), applied in place."""
        old = rows[self.start:self.start + self.removed]
        rows[self.start:self.start + self.removed] = self.rows
        return old


def new_row(cells: dict[str, list[dict]], status: str = "auto", confidence: float | None = None,
            matched=(), conflicts=()) -> dict:
    return {"cells": cells, "status": status, "confidence": confidence,
            "matched": list(matched), "conflicts": list(conflicts)}


def is_fixed(row: dict) -> bool:
    """A confirmed or edited row: realigning keeps it where it is."""
    return row["status"] != "auto"


def counts(rows: list[dict]) -> dict:
    confirmed = sum(1 for r in rows if r["status"] == "confirmed")
    edited = sum(1 for r in rows if r["status"] == "edited")
    return {"rows": len(rows), "confirmed": confirmed, "edited": edited, "to_check": len(rows) - confirmed - edited}


def _edited(row: dict) -> dict:
    row["status"] = "edited"
    row["confidence"] = None
    row["matched"], row["conflicts"] = [], []
    return row


def _empty(row: dict) -> bool:
    return not any(row["cells"].values())


# --- addressing ---------------------------------------------------------------------------

def _row_index(rows: list[dict], value, name: str = "row") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise EditError(f"{name} must be a row number")
    if not 0 <= value < len(rows):
        raise EditError(f"there is no row {value} (the document has {len(rows)} rows)")
    return value


def _lang(rows: list[dict], value) -> str:
    languages = list(rows[0]["cells"]) if rows else []
    if value not in languages:
        raise EditError(f"lang must be one of {', '.join(languages)}")
    return value


def _sentence_index(cell: list[dict], value, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < len(cell):
        raise EditError(f"there is no sentence {value!r} in {where} (it holds {len(cell)})")
    return value


# --- the edits ------------------------------------------------------------------------------

def merge(rows, row):
    """Rows ROW and ROW+1 become one."""
    r = _row_index(rows, row)
    if r + 1 >= len(rows):
        raise EditError(f"row {r} is the last row: nothing to merge it with")
    a, b = rows[r], rows[r + 1]
    cells = {lang: a["cells"][lang] + b["cells"][lang] for lang in a["cells"]}
    return Splice(r, 2, [_edited(new_row(copy.deepcopy(cells)))], [r])


def split(rows, row, cuts=None):
    """The row becomes two: the first CUTS[lang] sentences of each cell above (default: the
    first sentence of a cell of several, a cell of one stays above whole)."""
    r = _row_index(rows, row)
    cells = rows[r]["cells"]
    if cuts is not None and not isinstance(cuts, dict):
        raise EditError("cuts must map languages to numbers of sentences")
    cuts = dict(cuts or {})
    for lang in cuts:
        _lang(rows, lang)
    top, bottom = {}, {}
    for lang, cell in cells.items():
        k = cuts.get(lang, 1 if len(cell) >= 2 else len(cell))
        if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k <= len(cell):
            raise EditError(f"cut {k!r} for {lang}: the cell holds {len(cell)} sentences")
        top[lang], bottom[lang] = cell[:k], cell[k:]
    if not any(top.values()) or not any(bottom.values()):
        raise EditError(f"row {r} has nothing to split: each part needs a sentence")
    new = [_edited(new_row(copy.deepcopy(top))), _edited(new_row(copy.deepcopy(bottom)))]
    return Splice(r, 1, new, [r, r + 1])


def move(rows, row, lang, direction):
    """Up: the first sentence of the cell joins the end of the row above's cell; down: the last
    sentence joins the start of the row below's. A row left empty disappears."""
    r = _row_index(rows, row)
    lang = _lang(rows, lang)
    cell = rows[r]["cells"][lang]
    if not cell:
        raise EditError(f"row {r} has no {lang} sentence to move")
    if direction not in ("up", "down"):
        raise EditError('direction must be "up" or "down"')
    other = r - 1 if direction == "up" else r + 1
    if not 0 <= other < len(rows):
        raise EditError(f"row {r} has no row {'above' if direction == 'up' else 'below'} it")
    here, there = copy.deepcopy(rows[r]), copy.deepcopy(rows[other])
    if direction == "up":
        there["cells"][lang].append(here["cells"][lang].pop(0))
        pair, start = [there, here], other
    else:
        there["cells"][lang].insert(0, here["cells"][lang].pop())
        pair, start = [here, there], r
    new = [_edited(x) for x in pair if not _empty(x)]
    return Splice(start, 2, new, list(range(start, start + len(new))))


def unpair(rows, row):
    """Each language's sentences become a row of their own: no translation (1-0, 0-1)."""
    r = _row_index(rows, row)
    cells = rows[r]["cells"]
    filled = [lang for lang, cell in cells.items() if cell]
    if len(filled) < 2:
        raise EditError(f"row {r} already holds one language only")
    new = [_edited(new_row({other: (copy.deepcopy(cells[lang]) if other == lang else []) for other in cells}))
           for lang in filled]
    return Splice(r, 1, new, list(range(r, r + len(new))))


def split_sentence(rows, row, lang, index, at, splits_of=None):
    """Cut a sentence at character offset AT into two sentences of the same cell."""
    r = _row_index(rows, row)
    lang = _lang(rows, lang)
    cell = rows[r]["cells"][lang]
    i = _sentence_index(cell, index, f"the {lang} cell of row {r}")
    text = cell[i]["text"]
    if isinstance(at, bool) or not isinstance(at, int) or not 0 < at < len(text):
        raise EditError(f"cannot cut a sentence of {len(text)} characters at {at!r}")
    left, right = text[:at].rstrip(), text[at:].lstrip()
    if not left or not right:
        raise EditError("each part of a cut sentence needs some text")
    new = copy.deepcopy(rows[r])
    old = new["cells"][lang][i]
    pieces = [dict(old, text=left, source=None), dict(old, text=right, source=None)]
    for piece in pieces:
        piece["splits"] = list(splits_of(lang, piece["text"])) if splits_of else []
    new["cells"][lang][i:i + 1] = pieces
    return Splice(r, 1, [_edited(new)], [r])


def join_sentences(rows, row, lang, index, splits_of=None):
    """A sentence and the next one of its language become one; the next may open the next
    row's cell (it is pulled up, and that row disappears if left empty)."""
    r = _row_index(rows, row)
    lang = _lang(rows, lang)
    i = _sentence_index(rows[r]["cells"][lang], index, f"the {lang} cell of row {r}")
    here = copy.deepcopy(rows[r])
    cell = here["cells"][lang]
    removed, tail = 1, []
    if i + 1 < len(cell):
        nxt = cell.pop(i + 1)
    else:
        below = next((k for k in range(r + 1, len(rows)) if rows[k]["cells"][lang]), None)
        if below is None:
            raise EditError(f"the {lang} sentence is the document's last: nothing to join it with")
        if below != r + 1:
            raise EditError(f"the next {lang} sentence is not in the next row: move it up first")
        there = copy.deepcopy(rows[below])
        nxt = there["cells"][lang].pop(0)
        removed = 2
        tail = [] if _empty(there) else [_edited(there)]
    from ..langs import joiner_of
    joined = dict(cell[i], text=cell[i]["text"].rstrip() + joiner_of(lang) + nxt["text"].lstrip(), source=None)
    joined["splits"] = list(splits_of(lang, joined["text"])) if splits_of else []
    cell[i] = joined
    new = [_edited(here)] + tail
    return Splice(r, removed, new, list(range(r, r + len(new))))


def set_text(rows, row, lang, index, text, splits_of=None):
    """Fix a typo: the sentence's text becomes TEXT."""
    r = _row_index(rows, row)
    lang = _lang(rows, lang)
    i = _sentence_index(rows[r]["cells"][lang], index, f"the {lang} cell of row {r}")
    if not isinstance(text, str) or not text.strip():
        raise EditError("text must be a non-empty string")
    if any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        raise EditError("text holds a lone surrogate")
    new = copy.deepcopy(rows[r])
    sentence = new["cells"][lang][i]
    sentence["text"] = text.strip()
    sentence["splits"] = list(splits_of(lang, sentence["text"])) if splits_of else []
    return Splice(r, 1, [_edited(new)], [r])


def confirm(rows, row):
    r = _row_index(rows, row)
    new = copy.deepcopy(rows[r])
    new["status"] = "confirmed"
    return Splice(r, 1, [new], [r])


def unconfirm(rows, row):
    r = _row_index(rows, row)
    if rows[r]["status"] != "confirmed":
        raise EditError(f"row {r} is not confirmed")
    new = copy.deepcopy(rows[r])
    new["status"] = "edited"   # the reviewer looked at it: still a fixed point, no longer checked
    return Splice(r, 1, [new], [r])


def confirm_above(rows, row):
    """Confirm every row from the first to ROW."""
    r = _row_index(rows, row)
    first = next((k for k in range(r + 1) if rows[k]["status"] != "confirmed"), None)
    if first is None:
        raise EditError(f"rows 0-{r} are all confirmed already")
    new = copy.deepcopy(rows[first:r + 1])
    for x in new:
        x["status"] = "confirmed"
    return Splice(first, len(new), new, list(range(first, r + 1)))


# op name -> (function, the request fields it takes, whether it needs the split-point finder)
EDITS = {
    "merge": (merge, ("row",), False),
    "split": (split, ("row", "cuts?"), False),
    "move": (move, ("row", "lang", "direction"), False),
    "unpair": (unpair, ("row",), False),
    "split_sentence": (split_sentence, ("row", "lang", "index", "at"), True),
    "join_sentences": (join_sentences, ("row", "lang", "index"), True),
    "set_text": (set_text, ("row", "lang", "index", "text"), True),
    "confirm": (confirm, ("row",), False),
    "unconfirm": (unconfirm, ("row",), False),
    "confirm_above": (confirm_above, ("row",), False),
}


def apply_edit(rows: list[dict], request: dict, splits_of=None) -> Splice:
    """The splice of the edit REQUEST ({"op": ..., fields}) on ROWS (which are left unchanged)."""
    if not isinstance(request, dict):
        raise EditError("an edit is a JSON object with an \"op\"")
    op = request.get("op")
    if op not in EDITS:
        raise EditError(f"unknown op {op!r}; known: {', '.join(EDITS)}")
    if not rows:
        raise EditError("the alignment has no rows")
    function, fields, wants_splits = EDITS[op]
    args = {}
    for name in fields:
        optional = name.endswith("?")
        name = name.rstrip("?")
        if name not in request:
            if optional:
                continue
            raise EditError(f"{op} needs \"{name}\"")
        args[name] = request[name]
    if wants_splits:
        args["splits_of"] = splits_of
    return function(rows, **args)
