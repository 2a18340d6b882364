"""The QA report against gold: the figures of `aligntm score` overall, per document and per bead
type, and bead by bead which pairs disagree with the gold and which gold beads were missed."""
from __future__ import annotations

import json
import random

import pytest

from align.errors import InputError
from align.formats.beads import format_bead
from align.qa import build_report
from align.score import score

# The example worked out by hand in test_score.py: a 2-1 gold bead split by the aligner into 1-1 +
# 1-0, a 1-2 gold bead found as 1-1 with its second target left as 0-1, a gold 1-0 found exactly.
GOLD_1 = [((0,), (0,)), ((1, 2), (1,)), ((3,), (2, 3)), ((4,), ()), ((5,), (4,))]
TEST_1 = [((0,), (0,)), ((1,), (1,)), ((2,), ()), ((3,), (2,)), ((), (3,)), ((4,), ()), ((5,), (4,))]
# Two crossed 1-1 beads: no hit at all, not even lax.
GOLD_2 = [((0,), (0,)), ((1,), (1,))]
TEST_2 = [((0,), (1,)), ((1,), (0,))]


def write_alignment(path, beads, doc="doc"):
    lines = []
    for src, tgt in beads:
        lines.append(json.dumps({
            "doc": doc, "src": list(src), "tgt": list(tgt), "type": f"{len(src)}-{len(tgt)}", "confidence": 0.9,
            "src_text": "".join(f"文{i}です。" for i in src), "tgt_text": " ".join(f"Sentence {j}." for j in tgt),
            "src_lang": "ja", "tgt_lang": "en", "anchors": {"matched": [], "conflicts": []}}, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_gold(path, beads):
    path.write_text("".join(format_bead(s, t) + "\n" for s, t in beads), encoding="utf-8")
    return path


@pytest.fixture
def one_document(tmp_path):
    return build_report([write_alignment(tmp_path / "doc1", TEST_1)], gold=write_gold(tmp_path / "gold1", GOLD_1))


def test_overall_figures_are_those_of_aligntm_score(one_document):
    g = one_document.data["gold"]
    assert g["counts"] == {"test_beads": 7, "strict_precision_hits": 3, "lax_precision_hits": 5,
                           "gold_beads": 4, "strict_recall_hits": 2, "lax_recall_hits": 4}
    assert g["strict"] == pytest.approx({"precision": 3 / 7, "recall": 1 / 2, "f1": 6 / 13})
    assert g["lax"] == pytest.approx({"precision": 5 / 7, "recall": 1.0, "f1": 5 / 6})
    doc = one_document.data["documents"][0]["gold"]
    assert doc["strict"] == g["strict"] and doc["lax"] == g["lax"]


def test_each_pair_says_whether_the_gold_has_it(one_document):
    pairs = one_document.data["documents"][0]["pairs"]
    # [0]:[0] exact; [1]:[1] shares src 1 and tgt 1 with gold [1,2]:[1]; [2]:[] nothing on one side;
    # [3]:[2] shares with gold [3]:[2,3]; []:[3] nothing on one side; [4]:[] and [5]:[4] exact
    assert [p["gold"]["status"] for p in pairs] == ["exact", "partial", "wrong", "partial", "wrong", "exact", "exact"]
    assert pairs[1]["gold"]["overlapping"] == [{"src": [1, 2], "tgt": [1]}]
    assert pairs[4]["gold"]["overlapping"] == [{"src": [3], "tgt": [2, 3]}]
    assert pairs[0]["gold"]["overlapping"] == []


def test_missed_gold_beads_point_to_the_pairs_in_their_place(one_document):
    missed = one_document.data["documents"][0]["gold"]["missed"]
    assert missed == [{"src": [1, 2], "tgt": [1], "pairs": [1, 2]},
                      {"src": [3], "tgt": [2, 3], "pairs": [3, 4]}]


def test_per_bead_type_figures(one_document):
    types = one_document.data["gold"]["bead_types"]
    assert list(types) == ["0-1", "1-0", "1-1", "1-2", "2-1"]
    # test 1-1 beads [0]:[0] [1]:[1] [3]:[2] [5]:[4]: 2 exact, all 4 lax hits;
    # gold 1-1 beads [0]:[0] [5]:[4]: both found
    assert types["1-1"]["strict"] == pytest.approx({"precision": 0.5, "recall": 1.0, "f1": 2 / 3})
    assert types["1-1"]["lax"]["precision"] == 1.0
    assert (types["1-1"]["gold"], types["1-1"]["test"], types["1-1"]["correct"]) == (2, 4, 2)
    # gold 2-1 [1,2]:[1] and 1-2 [3]:[2,3]: no test bead is the same (no test bead of those types
    # either), but each shares a sentence pair with one: lax recall 1
    for t in ("2-1", "1-2"):
        assert types[t]["strict"] == {"precision": None, "recall": 0.0, "f1": None}
        assert types[t]["lax"]["recall"] == 1.0
    # 1-0: [2]:[] wrong, [4]:[] exact; recall is not measured on beads with an empty side
    assert types["1-0"]["strict"] == {"precision": 0.5, "recall": None, "f1": None}
    assert types["0-1"]["strict"]["precision"] == 0.0


def test_several_documents_pair_with_gold_by_name(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "gold").mkdir()
    write_alignment(tmp_path / "out" / "a", TEST_1, doc="ja/a")
    write_alignment(tmp_path / "out" / "b", TEST_2, doc="ja/b")
    write_gold(tmp_path / "gold" / "a", GOLD_1)
    write_gold(tmp_path / "gold" / "b", GOLD_2)
    report = build_report([tmp_path / "out"], gold=tmp_path / "gold")
    expected = score(GOLD_1, TEST_1)
    expected += score(GOLD_2, TEST_2)
    g = report.data["gold"]
    assert g["strict"]["precision"] == pytest.approx(expected.precision_strict)
    assert g["lax"]["f1"] == pytest.approx(expected.f1_lax)
    by_name = {d["name"]: d for d in report.data["documents"]}
    assert by_name["b"]["gold"]["strict"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert [p["gold"]["status"] for p in by_name["b"]["pairs"]] == ["wrong", "wrong"]
    assert by_name["a"]["source"] == "ja/a"


def test_statuses_add_up_to_the_scores_hits(tmp_path):
    """On a long alignment with random errors, the per-pair view agrees with align.score."""
    rng = random.Random(5)
    gold, test, i, j = [], [], 0, 0
    for _ in range(400):
        a, b = rng.choice([(1, 1)] * 8 + [(1, 2), (2, 1), (1, 0), (0, 1), (2, 2)])
        gold.append((tuple(range(i, i + a)), tuple(range(j, j + b))))
        i, j = i + a, j + b
    # the test: the gold with neighbouring beads merged or split here and there
    k = 0
    while k < len(gold):
        s, t = gold[k]
        r = rng.random()
        if r < 0.08 and k + 1 < len(gold):
            s2, t2 = gold[k + 1]
            test.append((s + s2, t + t2))
            k += 2
            continue
        if r < 0.16 and len(s) == 1 and len(t) == 2:
            test.extend([(s, t[:1]), ((), t[1:])])
        else:
            test.append((s, t))
        k += 1
    report = build_report([write_alignment(tmp_path / "doc", test)], gold=write_gold(tmp_path / "gold", gold))
    statuses = [p["gold"]["status"] for p in report.data["documents"][0]["pairs"]]
    expected = score(gold, test)
    assert statuses.count("exact") == expected.strict_p_hits
    assert statuses.count("exact") + statuses.count("partial") == expected.lax_p_hits
    missed = report.data["documents"][0]["gold"]["missed"]
    assert len(missed) == len(set(gold) - set(test))


def test_gold_problems_are_refused(tmp_path):
    (tmp_path / "out").mkdir()
    write_alignment(tmp_path / "out" / "a", TEST_1)
    write_alignment(tmp_path / "out" / "b", TEST_2, doc="b")
    (tmp_path / "gold").mkdir()
    write_gold(tmp_path / "gold" / "a", GOLD_1)
    with pytest.raises(InputError, match=r"gold: no gold file for 1 of the 2 documents \(first: b\)"):
        build_report([tmp_path / "out"], gold=tmp_path / "gold")
    with pytest.raises(InputError, match=r"one gold file for 2 documents"):
        build_report([tmp_path / "out"], gold=tmp_path / "gold" / "a")
    # a gold segmented differently: it reaches beyond the alignment's sentences
    far = write_gold(tmp_path / "far", GOLD_1 + [((6,), (5,))])
    with pytest.raises(InputError, match=r"far: gold reaches source sentence 7 .* has 6 and 5"):
        build_report([tmp_path / "out" / "a"], gold=far)
    with pytest.raises(InputError, match=r"missing: no such file"):
        build_report([tmp_path / "out" / "a"], gold=tmp_path / "missing")
    (tmp_path / "bad").write_text("0 1 2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad:1: not a bead line"):
        build_report([tmp_path / "out" / "a"], gold=tmp_path / "bad")
