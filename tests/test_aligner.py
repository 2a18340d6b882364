"""The aligner on hand-made features, on real sentences, and on the bundled joint statement."""
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from align import aligner, params
from align.api import align_files, align_texts
from align.formats.beads import read_beads
from align.langs.base import Features

CORPUS = Path(__file__).resolve().parent.parent / "corpora" / "joint-statement-2025"


def feats(lengths, hard=None, soft=None, splits=None):
    out = []
    for k, length in enumerate(lengths):
        out.append(Features(length=float(length),
                            hard=Counter((hard or {}).get(k, [])),
                            soft=Counter((soft or {}).get(k, [])),
                            split_fractions=tuple((splits or {}).get(k, ()))))
    return out


def pairs(beads):
    return [(b.src, b.tgt) for b in beads]


def test_one_to_one_when_lengths_agree():
    src = feats([10, 25, 40, 15, 30])
    tgt = feats([22, 50, 85, 31, 64])
    beads = aligner.align_features(src, tgt)
    assert pairs(beads) == [((i,), (i,)) for i in range(5)]
    assert all(0.0 <= b.confidence <= 1.0 for b in beads)


def test_one_long_sentence_pairs_with_two_short_ones():
    src = feats([20, 60, 20, 30])
    tgt = feats([40, 60, 62, 41, 60])
    assert ((1,), (1, 2)) in pairs(aligner.align_features(src, tgt))


def test_a_clause_split_point_at_the_right_place_makes_a_one_to_two_bead_likelier():
    # Ambiguous by length alone; the split point at 50% of the long sentence decides.
    src = feats([30, 50, 30], splits={1: [0.5]})
    tgt = feats([60, 50, 50, 60])
    with_split = aligner.align_features(src, tgt)
    without = aligner.align_features(feats([30, 50, 30]), tgt)
    conf = lambda beads: next(b.confidence for b in beads if b.src == (1,) and b.tgt == (1, 2))
    assert ((1,), (1, 2)) in pairs(with_split)
    assert conf(with_split) > conf(without)


def test_anchors_pull_the_pairing_against_misleading_lengths():
    # Lengths suggest 1-1 throughout; the numbers say source 1 was left out of the target.
    src = feats([30, 30, 30, 30], hard={0: ["n:1955"], 1: ["n:2015"], 2: ["n:2024"], 3: ["n:2025"]})
    tgt = feats([60, 60, 60], hard={0: ["n:1955"], 1: ["n:2024"], 2: ["n:2025"]})
    beads = aligner.align_features(src, tgt)
    assert ((1,), ()) in pairs(beads)
    assert ((2,), (1,)) in pairs(beads) and ((3,), (2,)) in pairs(beads)
    omitted = next(b for b in beads if b.src == (1,))
    assert omitted.type == "1-0"


def test_beads_explain_matched_and_conflicting_anchors():
    src = feats([30, 30], hard={0: ["n:70", "a:ASEAN"], 1: ["n:44"]}, soft={0: ["w:lao"]})
    tgt = feats([60, 60], hard={0: ["n:70", "a:ASEAN"], 1: ["n:45"]}, soft={0: ["w:lao"]})
    b0, b1 = aligner.align_features(src, tgt)
    assert b0.matched == ["a:ASEAN", "n:70", "w:lao"] and b0.conflicts == []
    assert b1.conflicts == ["n:44", "n:45"]


def test_page_number_lines_are_left_unaligned():
    ja = "雪舟は画家である。\n- 12 -\n京都で生まれた。\n彼は禅僧でもあった。\n"
    en = "Sesshu was a painter.\nHe was born in Kyoto.\nHe was also a Zen monk.\n"
    beads = [(b.src, b.tgt) for b in align_texts(ja, en, "ja", "en", presegmented=True).beads]
    assert beads == [((0,), (0,)), ((1,), ()), ((2,), (1,)), ((3,), (2,))]


def test_every_sentence_is_in_exactly_one_bead_in_order():
    rng = np.random.default_rng(0)
    src = feats(rng.integers(5, 80, size=60))
    tgt = feats(rng.integers(10, 160, size=70))
    beads = aligner.align_features(src, tgt)
    assert [i for b in beads for i in b.src] == list(range(60))
    assert [j for b in beads for j in b.tgt] == list(range(70))


@pytest.mark.parametrize("full_block_cells, levels", [(10**9, [700, 175]), (500, [700, 175, 44, 11])])
def test_banded_search_finds_the_same_alignment_as_the_full_search(monkeypatch, full_block_cells, levels):
    rng = np.random.default_rng(1)
    n = 700
    src_len = rng.integers(10, 60, size=n)
    tgt_len = (src_len * 2.2 + rng.normal(0, 4, size=n)).clip(3)
    hard = {k: [f"n:{1000 + k}"] for k in range(0, n, 7)}
    src, tgt = feats(src_len, hard), feats(tgt_len, hard)
    monkeypatch.setattr(params, "FULL_CELLS", 10_000)  # forces the coarse-to-fine band
    # the blocks (175 x 175) searched whole, or through blocks of blocks (of blocks)
    monkeypatch.setattr(params, "FULL_BLOCK_CELLS", full_block_cells)
    sizes = []
    band = aligner._band

    def counted(S, T, *args):
        sizes.append(S.n)
        return band(S, T, *args)
    monkeypatch.setattr(aligner, "_band", counted)
    banded = aligner.align_features(src, tgt)
    assert sorted(set(sizes), reverse=True) == levels
    monkeypatch.setattr(params, "FULL_CELLS", 10**9)
    full = aligner.align_features(src, tgt)
    assert pairs(banded) == pairs(full)
    assert pairs(full) == [((i,), (i,)) for i in range(n)]


def test_length_model_is_estimated_from_the_documents():
    src = feats([10, 20, 30, 40, 50, 60])
    tgt = feats([31, 59, 92, 118, 151, 179])
    first = aligner.estimate_length_model(src, tgt)
    assert first.ratio == pytest.approx(630 / 210)
    model = aligner.estimate_length_model(src, tgt, aligner.align_features(src, tgt))
    assert model.ratio == pytest.approx(630 / 210)
    assert model.variance < params.VARIANCE_PRIOR  # these lengths agree closely


def test_length_only_ignores_anchors():
    src = feats([30, 30, 30, 30], hard={0: ["n:1955"], 1: ["n:2015"], 2: ["n:2024"], 3: ["n:2025"]})
    tgt = feats([60, 60, 60], hard={0: ["n:1955"], 1: ["n:2024"], 2: ["n:2025"]})
    assert ((1,), ()) not in pairs(aligner.align_features(src, tgt, length_only=True))


def test_empty_side():
    beads = aligner.align_features(feats([10, 20]), [])
    assert pairs(beads) == [((0,), ()), ((1,), ())]


def test_bundled_joint_statement_reproduces_its_gold_alignment():
    alignment = align_files(CORPUS / "ja.txt", CORPUS / "en.txt")
    gold = read_beads(CORPUS / "gold.txt")
    assert [(b.src, b.tgt) for b in alignment.beads] == gold
    # the pairs it shows are the documents' own characters: full-width stays full-width
    texts = [ja for ja, en, b in alignment.pairs()]
    assert any("ＡＳＥＡＮ" in t for t in texts)
    assert any(t.startswith("１０ 両首脳は") for t in texts)


def test_a_sentence_sharing_no_key_with_its_partner_is_left_out_rather_than_joined(monkeypatch):
    # Target sentence 2 holds keys the source document has (sentence 3), none of them in source
    # sentence 1, whose length it would make up for in a 1-2 bead.
    src = feats([40, 45, 40, 30], soft={0: ["w:a"], 1: ["w:b", "w:c"], 2: ["w:d"], 3: ["w:x", "w:y", "w:z"]})
    tgt = feats([40, 30, 30, 40, 30], soft={0: ["w:a"], 1: ["w:b", "w:c"], 2: ["w:x", "w:y", "w:z"],
                                            3: ["w:d"], 4: ["w:x", "w:y", "w:z"]})
    monkeypatch.setattr(params, "UNMATCHED", 0.0)
    assert ((1,), (1, 2)) in pairs(aligner.align_features(src, tgt))
    monkeypatch.setattr(params, "UNMATCHED", 3.0)
    beads = pairs(aligner.align_features(src, tgt))
    assert ((), (2,)) in beads and ((1,), (1,)) in beads and ((3,), (4,)) in beads


@pytest.mark.parametrize("dp_path", ["python", "compiled"])
def test_a_pair_of_sentences_sharing_no_key_though_both_could_costs_unmatched_pair(monkeypatch, dp_path):
    # Source 1 and target 1 each hold two keys the other document has, and share none: their 1-1
    # bead costs UNMATCHED_PAIR more. Source 2 / target 2 share one; source 3 holds one key only.
    src = feats([40, 40, 40, 40], soft={0: ["w:a", "w:b"], 1: ["w:c", "w:d"], 2: ["w:e", "w:f"], 3: ["w:g"]})
    tgt = feats([40, 40, 40, 40], soft={0: ["w:c", "w:d"], 1: ["w:a", "w:b"], 2: ["w:e", "w:x"], 3: ["w:h"]})
    monkeypatch.setenv("ALIGNTM_DP", dp_path)
    model = aligner.estimate_length_model(src, tgt)
    costs = []
    for extra in (0.0, params.UNMATCHED_PAIR):
        monkeypatch.setattr(params, "UNMATCHED_PAIR", extra)
        vocabulary: dict = {}
        S, T = aligner._Side.from_features(src, vocabulary), aligner._Side.from_features(tgt, vocabulary)
        lo, W, cost, _ = aligner._search_space(S, T, model)
        assert (lo == 0).all()   # a whole search: column k is target sentence k
        costs.append(cost[params.BEAD_TYPES.index((1, 1))].astype(float))
    added = np.subtract(costs[1], costs[0], out=np.zeros_like(costs[0]), where=np.isfinite(costs[0]))
    assert params.UNMATCHED_PAIR > 0
    # the bead (i-1, k-1) ends at cell (i, k)
    assert added[2, 2] == pytest.approx(params.UNMATCHED_PAIR)       # source 1, target 1
    assert added[1, 1] == pytest.approx(params.UNMATCHED_PAIR)       # source 0, target 0
    assert added[2, 1] == 0 and added[1, 2] == 0                      # they share c, d / a, b
    assert added[3, 3] == 0                                           # they share e
    assert added[4, 4] == 0 and added[4, 1] == 0                      # source 3: one key only


@pytest.mark.parametrize("n", [1, 2, 3, 10, 101])
def test_median_is_numpys(n):
    x = np.random.default_rng(n).normal(size=n)
    assert aligner._median(x) == float(np.median(x))
