"""align.score (Text+Berg strict/lax P, R, F1), the beads format and scoring files."""
from __future__ import annotations

import pytest

from align.errors import InputError
from align.formats.beads import format_bead, parse_beads, read_beads
from align.score import Score, score
from align.scoring_files import score_paths

# Document 1: a 2-1 gold bead split by the aligner into 1-1 + 1-0, a 1-2 gold bead found as 1-1
# with the second target left over as 0-1, and a gold 1-0 bead found exactly.
GOLD_1 = [((0,), (0,)), ((1, 2), (1,)), ((3,), (2, 3)), ((4,), ()), ((5,), (4,))]
TEST_1 = [((0,), (0,)), ((1,), (1,)), ((2,), ()), ((3,), (2,)), ((), (3,)), ((4,), ()), ((5,), (4,))]
# Precision, over the 7 test beads (1-0 and 0-1 included):
#   [0]:[0]  exact                                    strict + lax
#   [1]:[1]  not exact; shares src 1 and tgt 1 with gold [1,2]:[1]      lax
#   [2]:[]   no target sentence: cannot share one          -
#   [3]:[2]  shares src 3 and tgt 2 with gold [3]:[2,3]                 lax
#   []:[3]   no source sentence                             -
#   [4]:[]   exact (gold has the 1-0 bead)            strict + lax
#   [5]:[4]  exact                                    strict + lax
#   strict P = 3/7, lax P = 5/7
# Recall, over the 4 gold beads with both sides, against the 4 test beads with both sides
# ([0]:[0], [1]:[1], [3]:[2], [5]:[4]):
#   [0]:[0] strict; [1,2]:[1] lax (test [1]:[1]); [3]:[2,3] lax (test [3]:[2]); [5]:[4] strict
#   strict R = 2/4, lax R = 4/4
# F1 strict = 2 * 3/7 * 1/2 / (3/7 + 1/2) = (3/7) / (13/14) = 6/13
# F1 lax    = 2 * 5/7 * 1 / (5/7 + 1)     = (10/7) / (12/7) = 5/6

# Document 2: two crossed 1-1 beads. Test [0]:[1] shares source 0 with gold [0]:[0] and target 1
# with gold [1]:[1], but not both with the same gold bead: not even a lax hit.
GOLD_2 = [((0,), (0,)), ((1,), (1,))]
TEST_2 = [((0,), (1,)), ((1,), (0,))]
# P = 0/2, R = 0/2 both strict and lax


def test_strict_and_lax_figures():
    s = score(GOLD_1, TEST_1)
    assert (s.test_beads, s.strict_p_hits, s.lax_p_hits) == (7, 3, 5)
    assert (s.gold_beads, s.strict_r_hits, s.lax_r_hits) == (4, 2, 4)
    assert s.precision_strict == pytest.approx(3 / 7)
    assert s.precision_lax == pytest.approx(5 / 7)
    assert s.recall_strict == pytest.approx(1 / 2)
    assert s.recall_lax == pytest.approx(1.0)
    assert s.f1_strict == pytest.approx(6 / 13)
    assert s.f1_lax == pytest.approx(5 / 6)
    assert s.documents == 1


def test_crossed_beads_are_not_lax_hits():
    s = score(GOLD_2, TEST_2)
    assert (s.precision_strict, s.precision_lax, s.recall_strict, s.recall_lax) == (0, 0, 0, 0)
    assert s.f1_strict == 0 and s.f1_lax == 0


def test_perfect_alignment():
    s = score(GOLD_1, GOLD_1)
    assert (s.precision_strict, s.recall_strict, s.f1_strict) == (1.0, 1.0, 1.0)
    assert (s.precision_lax, s.recall_lax, s.f1_lax) == (1.0, 1.0, 1.0)
    # 5 test beads for precision (the 1-0 included), 4 gold beads for recall (the 1-0 left out)
    assert (s.test_beads, s.gold_beads) == (5, 4)


def test_merged_bead_is_a_lax_hit_for_precision_and_recall():
    # gold 1-1 + 1-1; the aligner merged them into one 2-2 bead
    gold = [((0,), (0,)), ((1,), (1,))]
    test = [((0, 1), (0, 1))]
    s = score(gold, test)
    assert (s.precision_strict, s.precision_lax) == (0.0, 1.0)        # 0/1, 1/1
    assert (s.recall_strict, s.recall_lax) == (0.0, 1.0)              # 0/2, 2/2


def test_wrong_1_0_bead_counts_against_precision_only():
    gold = [((0,), (0,)), ((1,), (1,))]
    test = [((0,), (0,)), ((1,), (1,)), ((2,), ())]
    s = score(gold, test)
    assert s.precision_strict == pytest.approx(2 / 3)
    assert s.recall_strict == 1.0


def test_counts_per_bead_type():
    d = score(GOLD_1, TEST_1).as_dict()
    assert d["bead_types"] == {
        "1-0": {"gold": 1, "test": 2, "correct": 1},
        "0-1": {"gold": 0, "test": 1, "correct": 0},
        "1-1": {"gold": 2, "test": 4, "correct": 2},
        "1-2": {"gold": 1, "test": 0, "correct": 0},
        "2-1": {"gold": 1, "test": 0, "correct": 0},
    }
    # ordered by bead size, then name
    assert list(d["bead_types"]) == ["0-1", "1-0", "1-1", "1-2", "2-1"]
    assert d["strict"] == pytest.approx({"precision": 3 / 7, "recall": 0.5, "f1": 6 / 13})
    assert d["lax"] == pytest.approx({"precision": 5 / 7, "recall": 1.0, "f1": 5 / 6})


def test_micro_average_over_two_documents():
    total = Score()
    total += score(GOLD_1, TEST_1)
    total += score(GOLD_2, TEST_2)
    assert total.documents == 2
    # counts are summed before dividing: P = (3 + 0) / (7 + 2), not the mean of 3/7 and 0/2
    assert total.precision_strict == pytest.approx(3 / 9)
    assert total.precision_strict != pytest.approx((3 / 7 + 0) / 2)
    assert total.precision_lax == pytest.approx(5 / 9)
    assert total.recall_strict == pytest.approx(2 / 6)
    assert total.recall_lax == pytest.approx(4 / 6)
    assert total.f1_strict == pytest.approx(1 / 3)          # P = R = 1/3
    assert total.f1_lax == pytest.approx(2 * (5 / 9) * (2 / 3) / (5 / 9 + 2 / 3))
    assert total.gold_types["1-1"] == 4 and total.correct_types["1-1"] == 2


def test_add_accumulates_like_iadd():
    a = Score().add(GOLD_1, TEST_1).add(GOLD_2, TEST_2)
    b = Score()
    b += score(GOLD_1, TEST_1)
    b += score(GOLD_2, TEST_2)
    assert a.as_dict() == b.as_dict()


def test_empty_test_scores_zero():
    s = score(GOLD_2, [])
    assert (s.precision_strict, s.recall_strict, s.f1_strict) == (0.0, 0.0, 0.0)


def test_empty_score_does_not_divide_by_zero():
    s = Score()
    assert (s.precision_strict, s.recall_lax, s.f1_lax) == (0.0, 0.0, 0.0)


# --- the beads format -------------------------------------------------------------------

def test_parse_beads():
    text = "[0, 1]:[2]\n[]:[3]\n[2]:[]\n[3]:[4, 5]\n"
    assert parse_beads(text) == [((0, 1), (2,)), ((), (3,)), ((2,), ()), ((3,), (4, 5))]


def test_parse_beads_with_vecalign_cost_and_spacing():
    text = "[0]:[0]:0.123\n[1,2]:[1]:0.5\n\n[ 3 ]:[ ]:1.0\n"
    assert parse_beads(text) == [((0,), (0,)), ((1, 2), (1,)), ((3,), ())]


def test_format_bead_round_trip():
    beads = [((0, 1), (2,)), ((), (3,)), ((4,), ())]
    text = "\n".join(format_bead(s, t) for s, t in beads)
    assert text.split("\n")[0] == "[0, 1]:[2]"
    assert text.split("\n")[1] == "[]:[3]"
    assert parse_beads(text) == beads


@pytest.mark.parametrize("bad", ["0-1", "[0, 1] [2]", "[0]", "[a]:[1]", "[0, 1]:[2"])
def test_parse_beads_refuses_malformed_lines_naming_the_line(bad):
    text = f"[0]:[0]\n\n{bad}\n[2]:[2]\n"
    with pytest.raises(InputError) as e:
        parse_beads(text, "gold/doc.txt")
    assert "gold/doc.txt:3:" in str(e.value)  # line 3: blank lines are counted


def test_read_beads_empty_file_is_no_beads(tmp_path):
    p = tmp_path / "doc.txt"
    p.write_text("")
    assert read_beads(p) == []


def test_read_beads_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_beads(tmp_path / "missing.txt")


# --- scoring files and directories -------------------------------------------------------

def _write(path, beads):
    path.write_text("".join(format_bead(s, t) + "\n" for s, t in beads))


@pytest.fixture
def gold_and_test(tmp_path):
    gold, test = tmp_path / "gold", tmp_path / "test"
    gold.mkdir()
    test.mkdir()
    _write(gold / "a.txt", GOLD_1)
    _write(test / "a.txt", TEST_1)
    _write(gold / "b.txt", GOLD_2)
    _write(test / "b.txt", TEST_2)
    (test / "c.txt").write_text("[0]:[0]\n")      # an extra test document is ignored
    (gold / ".hidden").write_text("not beads\n")  # hidden files are ignored
    return gold, test


def test_score_paths_on_directories(gold_and_test):
    gold, test = gold_and_test
    total, per_doc = score_paths(gold, test)
    assert sorted(per_doc) == ["a.txt", "b.txt"]
    assert total.documents == 2
    assert total.precision_strict == pytest.approx(3 / 9)
    assert total.recall_lax == pytest.approx(4 / 6)
    assert per_doc["a.txt"].f1_strict == pytest.approx(6 / 13)
    assert per_doc["b.txt"].f1_lax == 0.0


def test_score_paths_on_two_files(gold_and_test):
    gold, test = gold_and_test
    total, per_doc = score_paths(gold / "a.txt", test / "a.txt")
    assert list(per_doc) == ["a.txt"]
    assert total.f1_lax == pytest.approx(5 / 6)


def test_score_paths_missing_test_document(gold_and_test):
    gold, test = gold_and_test
    (test / "b.txt").unlink()
    with pytest.raises(InputError, match=r"1 of the 2 gold documents have no test file \(first: b.txt\)"):
        score_paths(gold, test)


def test_score_paths_file_and_directory(gold_and_test):
    gold, test = gold_and_test
    with pytest.raises(InputError, match="both be files or both be directories"):
        score_paths(gold, test / "a.txt")
    with pytest.raises(InputError, match="both be files or both be directories"):
        score_paths(gold / "a.txt", test)


def test_score_paths_missing_path(gold_and_test, tmp_path):
    gold, _ = gold_and_test
    with pytest.raises(InputError, match="no such file or directory"):
        score_paths(gold, tmp_path / "nothing")


def test_score_paths_no_gold_files(tmp_path):
    (tmp_path / "gold").mkdir()
    (tmp_path / "test").mkdir()
    with pytest.raises(InputError, match="no gold files"):
        score_paths(tmp_path / "gold", tmp_path / "test")


def test_score_paths_malformed_test_file(gold_and_test):
    gold, test = gold_and_test
    (test / "b.txt").write_text("[0]:[1]\noops\n")
    with pytest.raises(InputError, match=r"b.txt:2: not a bead line"):
        score_paths(gold, test)
