"""The compiled DP core (align/_dpcore.c through dp_compiled.py) against the numpy one it stands
for: the same tables to the last bit on random bands, the same cost tensor to the last bit, and
the same beads, anchors and confidences when a real pair is aligned either way."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from align import dp, dp_compiled, params as P
from align.aligner import _band, _search_space, _Side, align_features, estimate_length_model
from align.document import make_document

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
CORPUS = Path(__file__).resolve().parents[1] / "corpora" / "joint-statement-2025"


def _random_band(rng):
    n_rows, W = int(rng.integers(2, 60)), int(rng.integers(1, 40))
    cost = rng.gamma(2.0, 2.0, size=(len(P.BEAD_TYPES), n_rows, W))
    cost[rng.random(cost.shape) < 0.1] = np.inf
    skip = rng.gamma(2.0, 2.0, size=(n_rows, W))
    lo = np.sort(rng.integers(0, 30, size=n_rows))
    lo[0] = 0
    n_tgt = int(lo[-1] + rng.integers(0, W))
    return cost, skip, lo, n_tgt


@pytest.mark.parametrize("seed", range(20))
def test_the_compiled_passes_give_the_numpy_tables_bit_for_bit(seed, monkeypatch):
    cost, skip, lo, n_tgt = _random_band(np.random.default_rng(seed))
    a, b = dp._type_arrays(P.BEAD_TYPES)
    D, back = dp._viterbi_tables(cost, skip, lo, P.BEAD_TYPES, n_tgt)
    D2, back2 = dp_compiled.viterbi_tables(cost, skip, lo.astype(np.int64), a, b, n_tgt)
    assert np.array_equal(D, D2) and np.array_equal(back, back2)
    monkeypatch.setenv("ALIGNTM_DP", "python")
    F, B = dp.forward(cost, skip, lo, P.BEAD_TYPES, n_tgt), dp.backward(cost, skip, lo, P.BEAD_TYPES, n_tgt)
    monkeypatch.setenv("ALIGNTM_DP", "compiled")
    assert np.array_equal(F, dp.forward(cost, skip, lo, P.BEAD_TYPES, n_tgt))
    assert np.array_equal(B, dp.backward(cost, skip, lo, P.BEAD_TYPES, n_tgt))


def _long_pair():
    """A pair long enough to be aligned through a band (kyoto-dev documents joined when the
    evaluation data is beside the project, else the bundled statement repeated)."""
    root = EVAL / "ja-en" / "kyoto-dev"
    if root.is_dir():
        names = sorted(p.name for p in (root / "ja").iterdir())[:60]
        ja = "".join((root / "ja" / n).read_text(encoding="utf-8") for n in names)
        en = "".join((root / "en" / n).read_text(encoding="utf-8") for n in names)
        return make_document(ja, "ja", presegmented=True), make_document(en, "en", presegmented=True)
    ja = make_document((CORPUS / "ja.txt").read_text(encoding="utf-8") * 12, "ja")
    en = make_document((CORPUS / "en.txt").read_text(encoding="utf-8") * 12, "en")
    return ja, en


def test_a_long_pair_aligns_the_same_compiled_or_not(monkeypatch):
    ja, en = _long_pair()
    assert (len(ja.sentences) + 1) * (len(en.sentences) + 1) > P.FULL_CELLS   # banded: the long path
    beads, confidences = {}, {}
    for choice in ("python", "compiled"):
        monkeypatch.setenv("ALIGNTM_DP", choice)
        aligned = align_features(ja.features, en.features)
        beads[choice] = [(b.src, b.tgt, b.matched, b.conflicts) for b in aligned]
        confidences[choice] = [b.confidence for b in aligned]
    assert beads["python"] == beads["compiled"]
    assert confidences["python"] == confidences["compiled"]     # to the last bit


def test_the_compiled_cost_tensor_is_the_numpy_one(monkeypatch):
    ja, en = _long_pair()
    model = estimate_length_model(ja.features, en.features)
    tensors = {}
    for choice in ("python", "compiled"):
        monkeypatch.setenv("ALIGNTM_DP", choice)
        vocabulary: dict = {}
        src, tgt = _Side.from_features(ja.features, vocabulary), _Side.from_features(en.features, vocabulary)
        lo, W = _band(src, tgt, model)
        tensors[choice] = _search_space(src, tgt, model, lo, W)
    (lo_p, W_p, cost_p, skip_p), (lo_c, W_c, cost_c, skip_c) = tensors["python"], tensors["compiled"]
    assert np.array_equal(lo_p, lo_c) and W_p == W_c
    assert cost_p.dtype == cost_c.dtype == np.float32
    assert np.array_equal(np.isinf(cost_p), np.isinf(cost_c))
    finite = np.isfinite(cost_p)
    assert finite.sum() > 0.5 * cost_p[0].size     # most cells of the band hold a bead
    np.testing.assert_array_equal(cost_c, cost_p)  # to the last bit
    np.testing.assert_array_equal(skip_p, skip_c)
