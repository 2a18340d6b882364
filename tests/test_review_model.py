"""The review editor's model from Python: edits as splices, the journal that keeps them, realigning
around fixed rows, and reading a review as beads, pairs and units.
(The server and the page are tested in test_review_server.py and test_review_browser.py.)"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from align.review import ReviewSession, load_review, start_review
from align.review.journal import Journal, replay
from align.review.rows import EditError, apply_edit, counts, new_row

CORPUS = Path(__file__).resolve().parents[1] / "corpora" / "joint-statement-2025"


def sentence(text):
    return {"text": text, "source": text, "where": "", "splits": [], "kind": "text"}


def rows_of(*pairs):
    return [new_row({"ja": [sentence(t) for t in ja], "en": [sentence(t) for t in en]}, confidence=0.9)
            for ja, en in pairs]


def texts(rows, lang):
    return [s["text"] for r in rows for s in r["cells"][lang]]


def applied(rows, request):
    rows = [dict(r) for r in rows]
    apply_edit(rows, request).apply(rows)
    return rows


ROWS = rows_of((["一。"], ["One."]), (["二。", "三。"], ["Two and three."]), (["四。"], ["Four.", "Four again."]),
               ([], ["Five."]))


@pytest.mark.parametrize("request_", [
    {"op": "merge", "row": 0}, {"op": "split", "row": 1}, {"op": "split", "row": 2, "cuts": {"ja": 0, "en": 1}},
    {"op": "move", "row": 1, "lang": "ja", "direction": "up"},
    {"op": "move", "row": 2, "lang": "en", "direction": "down"},
    {"op": "unpair", "row": 0}, {"op": "confirm", "row": 3}, {"op": "confirm_above", "row": 2},
])
def test_edits_that_regroup_keep_every_sentence_in_order(request_):
    after = applied(ROWS, request_)
    for lang in ("ja", "en"):
        assert texts(after, lang) == texts(ROWS, lang)
    assert all(any(r["cells"].values()) for r in after)


def test_merge_split_move_and_unpair_make_the_rows_a_reviewer_expects():
    merged = applied(ROWS, {"op": "merge", "row": 0})
    assert texts(merged[:1], "ja") == ["一。", "二。", "三。"] and merged[0]["status"] == "edited"
    split = applied(ROWS, {"op": "split", "row": 1})
    assert [texts([r], "ja") for r in split[1:3]] == [["二。"], ["三。"]]
    assert [texts([r], "en") for r in split[1:3]] == [["Two and three."], []]
    moved = applied(ROWS, {"op": "move", "row": 2, "lang": "en", "direction": "down"})
    assert texts(moved[3:4], "en") == ["Four again.", "Five."]
    unpaired = applied(ROWS, {"op": "unpair", "row": 0})
    assert len(unpaired) == len(ROWS) + 1
    assert unpaired[0]["cells"]["en"] == [] and unpaired[1]["cells"]["ja"] == []
    # a row emptied by a move disappears
    emptied = applied(ROWS, {"op": "move", "row": 3, "lang": "en", "direction": "up"})
    assert len(emptied) == len(ROWS) - 1 and texts(emptied[2:3], "en")[-1] == "Five."


def test_sentence_edits_change_texts_and_forget_the_source():
    cut = applied(ROWS, {"op": "split_sentence", "row": 2, "lang": "en", "index": 0, "at": 3})
    assert texts(cut[2:3], "en") == ["Fou", "r.", "Four again."]
    assert cut[2]["cells"]["en"][0]["source"] is None
    joined = applied(ROWS, {"op": "join_sentences", "row": 1, "lang": "ja", "index": 0})
    assert texts(joined[1:2], "ja") == ["二。三。"]
    pulled = applied(ROWS, {"op": "join_sentences", "row": 2, "lang": "en", "index": 1})
    assert texts(pulled[2:3], "en") == ["Four.", "Four again. Five."] and len(pulled) == 3
    fixed = applied(ROWS, {"op": "set_text", "row": 0, "lang": "en", "index": 0, "text": "<b>One</b>."})
    assert fixed[0]["cells"]["en"][0]["text"] == "<b>One</b>."


@pytest.mark.parametrize("request_, message", [
    ({"op": "merge", "row": 3}, "last row"),
    ({"op": "merge", "row": 9}, "no row 9"),
    ({"op": "merge", "row": "1"}, "row number"),
    ({"op": "move", "row": 0, "lang": "ja", "direction": "up"}, "no row above"),
    ({"op": "move", "row": 0, "lang": "fr", "direction": "up"}, "lang must be"),
    ({"op": "split", "row": 0}, "nothing to split"),
    ({"op": "split_sentence", "row": 0, "lang": "en", "index": 0, "at": 0}, "cannot cut"),
    ({"op": "set_text", "row": 0, "lang": "en", "index": 5, "text": "x"}, "no sentence 5"),
    ({"op": "set_text", "row": 0, "lang": "en", "index": 0, "text": "  "}, "non-empty"),
    ({"op": "unpair", "row": 3}, "one language only"),
    ({"op": "explode", "row": 0}, "unknown op"),
    ({"row": 0}, "unknown op"),
])
def test_impossible_edits_are_refused_with_a_reason(request_, message):
    with pytest.raises(EditError, match=message):
        apply_edit(ROWS, request_)


@pytest.fixture
def review(tmp_path):
    for name in ("ja.txt", "en.txt"):
        shutil.copy(CORPUS / name, tmp_path / name)
    return start_review([tmp_path / "ja.txt", tmp_path / "en.txt"])


def test_the_journal_replays_to_the_live_state_and_keeps_undo(review):
    with ReviewSession(review) as session:
        session.edit({"op": "merge", "row": 3})
        session.edit({"op": "confirm", "row": 0})
        session.edit({"op": "split", "row": 3})
        session.undo()
        live = json.dumps(session.rows)
        live_version = session.version
    state, _ = replay(review)
    assert json.dumps(state.rows) == live and state.version == live_version == 4
    with ReviewSession(review) as session:   # resumed: undo and redo go on where they stopped
        session.redo()
        session.undo()
        session.undo()
        assert counts(session.rows)["confirmed"] == 0


def test_a_step_cut_short_by_a_crash_is_dropped_and_the_rest_kept(review):
    with ReviewSession(review) as session:
        session.edit({"op": "confirm", "row": 2})
        kept = json.dumps(session.rows)
    with open(review, "ab") as f:
        f.write(b'{"edit": 2, "op": {"op": "merge"}, "start": 0, "old": [')   # no newline: cut short
    with ReviewSession(review) as session:
        assert json.dumps(session.rows) == kept and session.notice
    assert review.read_bytes().endswith(b"\n")


def test_one_writer_at_a_time(review):
    first = Journal(review, "http://127.0.0.1:1/")
    try:
        with pytest.raises(Exception, match="already open in another aligntm review.*127.0.0.1:1"):
            Journal(review)
    finally:
        first.close()
    Journal(review).close()   # released with the first


def test_realign_repairs_the_rows_between_two_confirmed_ones(review):
    with ReviewSession(review) as session:
        original = [(texts([r], "ja"), texts([r], "en")) for r in session.rows]
        shifted = [dict(r) for r in session.rows]
    # a drifted alignment as another tool might leave it: English shifted by one in rows 30-39
    en = [r["cells"]["en"] for r in shifted[30:40]]
    for k, row in enumerate(shifted[30:40]):
        row["cells"] = {"ja": row["cells"]["ja"], "en": en[k - 1] if k else []}
    shifted[40] = dict(shifted[40], cells={"ja": shifted[40]["cells"]["ja"], "en": en[-1] + shifted[40]["cells"]["en"]})
    state, _ = replay(review)
    from align.review.journal import create
    create(review, {k: v for k, v in state.header.items() if k not in ("format", "version")}, shifted)
    with ReviewSession(review) as session:
        session.edit({"op": "confirm", "row": 29})
        session.edit({"op": "confirm", "row": 41})
        answer = session.realign()
        after = [(texts([r], "ja"), texts([r], "en")) for r in session.rows]
        assert after[29:42] == original[29:42]
        assert set(answer["changed"]) <= set(range(30, 41)) and answer["changed"]


def test_a_review_reads_as_beads_units_and_exports(review, tmp_path):
    with ReviewSession(review) as session:
        session.edit({"op": "set_text", "row": 1, "lang": "en", "index": 0, "text": "Corrected text."})
        session.edit({"op": "confirm", "row": 1})
        session.edit({"op": "confirm", "row": 2})
    reviewed = load_review(review)
    beads = reviewed.beads()
    assert beads[0] == ((0,), (0,)) and len(beads) == len(reviewed.rows)
    units = list(reviewed.units(confirmed_only=True))
    assert len(units) == 2
    segments, props = units[0]
    assert segments["en-US"] == "Corrected text." and props["x-reviewed"] == "confirmed"
    assert props["x-confidence"] == "1.000" and props["x-en-original"] != "Corrected text."
    assert reviewed.write(tmp_path / "m.tmx", "tmx", confirmed_only=True) == 2
    assert reviewed.write(tmp_path / "m.tsv", "tsv") == len(reviewed.rows)
    reviewed.write(tmp_path / "m.jsonl", "jsonl")
    second = json.loads((tmp_path / "m.jsonl").read_text(encoding="utf-8").split("\n")[1])
    assert second["reviewed"] == "confirmed" and second["tgt_text"] == "Corrected text."
