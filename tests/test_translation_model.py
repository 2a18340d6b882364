"""IBM Model 1 learned from sentence pairs (align/translation_model.py), and how the aligner uses
its scores (aligner.align_features(lexical=...))."""
import random

import numpy as np
import pytest

from align import aligner, params
from align.langs.base import Features
from align.lexicon import Lexicon
from align.translation_model import TranslationModel

# a toy language pair: each source word has one translation; sentences draw 4-6 words
SOURCE = [f"s{k}" for k in range(40)]
TARGET = {w: f"t{k}" for k, w in enumerate(SOURCE)}


def sentence_pairs(n, seed=0):
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        words = rng.sample(SOURCE, rng.randint(4, 6))
        out.append((frozenset(words), frozenset(TARGET[w] for w in words)))
    return out


def test_em_learns_each_word_s_translation():
    model = TranslationModel.learn(sentence_pairs(300))
    forward = model.forward
    n_t = len(forward.tgt_vocab)
    for s_word in ("s0", "s7", "s33"):
        s_id = forward.src_vocab[s_word]
        start, end = np.searchsorted(forward.codes, [s_id * n_t, (s_id + 1) * n_t])
        best = forward.codes[start + int(np.argmax(forward.prob[start:end]))] % n_t
        assert sorted(forward.tgt_vocab)[best] == TARGET[s_word]
        assert forward.prob[start:end].max() > 0.9


def test_translations_score_above_their_neighbours_in_both_directions():
    model = TranslationModel.learn(sentence_pairs(300))
    document = sentence_pairs(20, seed=1)
    forward, backward = model.scores([s for s, _ in document], [t for _, t in document])
    assert forward.shape == backward.shape == (20, 20)
    for scores in (forward, backward):
        diagonal = np.diag(scores)
        assert (diagonal > 0).all()
        # each sentence's own translation scores best of all the document's sentences
        assert (scores.argmax(axis=1) == np.arange(20)).all()
        assert (scores.argmax(axis=0) == np.arange(20)).all()


def test_unknown_words_and_long_documents():
    model = TranslationModel.learn(sentence_pairs(100))
    forward, backward = model.scores([{"unseen"}], [{"also-unseen"}])
    assert forward[0, 0] == 0 and backward[0, 0] == 0     # nothing known: no evidence either way
    many = [{"s1"}] * (params.LEXICAL_MAX_SENTENCES + 1)
    assert model.scores(many, many) is None               # dense matrices of pairs: bounded


def test_the_lexicon_carries_its_model_through_without():
    lexicon = Lexicon.learn(sentence_pairs(300))
    assert lexicon.model is not None
    assert lexicon.without(lambda a, b: True).model is lexicon.model


def test_the_aligner_puts_a_dropped_sentence_where_the_model_says():
    # Source sentence 1 has no translation. Lengths and anchors cannot tell it from source 2:
    # only the word scores can. Scores say source 2 translates target 1.
    src = [Features(length=40.0) for _ in range(4)]
    tgt = [Features(length=40.0) for _ in range(3)]
    forward = np.full((4, 3), -1.0, dtype=np.float32)
    for i, j in ((0, 0), (2, 1), (3, 2)):
        forward[i, j] = 3.0
    beads = aligner.align_features(src, tgt, lexical=(forward, forward.copy()))
    assert [(b.src, b.tgt) for b in beads] == [((0,), (0,)), ((1,), ()), ((2,), (1,)), ((3,), (2,))]
    # and the other way round when the scores say so
    forward[2, 1], forward[1, 1] = -1.0, 3.0
    beads = aligner.align_features(src, tgt, lexical=(forward, forward.copy()))
    assert [(b.src, b.tgt) for b in beads] == [((0,), (0,)), ((1,), (1,)), ((2,), ()), ((3,), (2,))]


@pytest.mark.parametrize("dp_path", ["python", "compiled"])
def test_lexical_scores_enter_both_dp_paths_alike(monkeypatch, dp_path):
    monkeypatch.setenv("ALIGNTM_DP", dp_path)
    rng = np.random.default_rng(3)
    src = [Features(length=float(rng.integers(20, 60))) for _ in range(12)]
    tgt = [Features(length=float(rng.integers(20, 60))) for _ in range(11)]
    forward = rng.normal(size=(12, 11)).astype(np.float32)
    backward = rng.normal(size=(12, 11)).astype(np.float32)
    model = aligner.estimate_length_model(src, tgt)
    vocabulary: dict = {}
    S, T = aligner._Side.from_features(src, vocabulary), aligner._Side.from_features(tgt, vocabulary)
    _, _, plain, _ = aligner._search_space(S, T, model)
    _, _, scored, _ = aligner._search_space(S, T, model, lexical=(forward, backward))
    one = params.BEAD_TYPES.index((1, 1))
    join = params.BEAD_TYPES.index((1, 2))
    # the bead (i-1, j-1) ends at cell (i, j) of a whole search (lo = 0)
    assert scored[one, 3, 5] == pytest.approx(plain[one, 3, 5] - params.LEXICAL_WEIGHT * (forward[2, 4] + backward[2, 4]), abs=1e-4)
    # a 1-2 bead: each target sentence given the source one, the source one given the better of the two
    expected = forward[2, 3] + forward[2, 4] + max(backward[2, 3], backward[2, 4])
    assert scored[join, 3, 5] == pytest.approx(plain[join, 3, 5] - params.LEXICAL_WEIGHT * expected, abs=1e-4)
    skip = params.BEAD_TYPES.index((1, 0))
    np.testing.assert_array_equal(scored[skip], plain[skip])       # a sentence left out: no score


def test_training_is_bounded_by_word_pairs(monkeypatch):
    # past MAX_COMBINATIONS (source word, target word) pairs, pairs spread evenly are kept
    import align.translation_model as tm
    pairs = sentence_pairs(300)
    monkeypatch.setattr(tm, "MAX_COMBINATIONS", sum(len(a) * len(b) for a, b in pairs) // 3)
    seen = []
    original = tm._Direction.train.__func__
    monkeypatch.setattr(tm._Direction, "train", classmethod(lambda cls, p: seen.append(len(p)) or original(cls, p)))
    model = tm.TranslationModel.learn(pairs)
    assert seen and all(90 <= n <= 110 for n in seen)      # a third of them, both directions
    document = sentence_pairs(10, seed=2)
    forward, _ = model.scores([s for s, _ in document], [t for _, t in document])
    assert (forward.argmax(axis=1) == np.arange(10)).all()  # still enough to tell translations


@pytest.mark.parametrize("n_t", [50, 2 ** 56], ids=["one-key-sort", "index-sort"])
def test_word_pairs_of_all_sentence_pairs_are_listed_sorted_by_code(n_t):
    import align.translation_model as tm
    rng = np.random.default_rng(3)
    la, lb = rng.integers(1, 6, 40), rng.integers(1, 6, 40)
    A, B = rng.integers(0, 30, int(la.sum())), rng.integers(0, 50, int(lb.sum()))
    code, g = tm._combinations(la, lb, A, B, n_t)
    assert (int(code.max()) * len(B) >= 2 ** 63) == (n_t > 50)   # codes and g too large for one key
    expected, a0, b0 = [], 0, 0
    for na, nb in zip(la, lb):      # every source word with every target word of its pair
        expected += [(int(A[a0 + x]) * n_t + int(B[b0 + y]), b0 + y) for x in range(na) for y in range(nb)]
        a0, b0 = a0 + na, b0 + nb
    assert sorted(zip(code.tolist(), g.tolist())) == sorted(expected)
    assert (np.diff(code) >= 0).all()


def test_both_directions_at_once_learn_what_one_after_the_other_learn(monkeypatch):
    import align.translation_model as tm
    pairs = sentence_pairs(300)
    together = tm.TranslationModel.learn(pairs)
    monkeypatch.setattr(tm, "PARALLEL_COMBINATIONS", 0)
    apart = tm.TranslationModel.learn(pairs)
    for a, b in ((together.forward, apart.forward), (together.backward, apart.backward)):
        np.testing.assert_array_equal(a.codes, b.codes)
        np.testing.assert_array_equal(a.prob, b.prob)
