"""The dynamic programme over beads: pure functions over arrays, nothing about text or files.

States (i, j): i source and j target sentences consumed. A bead of type (a, b) moves from
(i - a, j - b) to (i, j) at a cost. Only a band of columns is searched: row i holds columns
lo[i] .. lo[i] + W - 1, so time and memory are O(rows x W).

Three passes over the same cost tensor:
- viterbi: the cheapest path;
- forward and backward (sum over paths, costs read as negative log-weights): the posterior
  probability of every bead, which is the confidence reported for the beads on the path.

Rows are processed one at a time with numpy over the W columns. The 0-1 bead (one target
sentence alone) links cells of the same row; its recurrence D[k] = min(X[k], D[k-1] + c[k]) is
a prefix minimum, D = S + minimum.accumulate(X - S) with S the running sum of c (and
logaddexp.accumulate for the sums), so no Python loop over columns is needed.

On long documents the per-row numpy calls dominate: for alignments of COMPILED_FROM_SENTENCES
sentences and more the same passes run compiled (dp_compiled.py, numba), with identical paths.
"""
from __future__ import annotations

import contextlib
import contextvars
import os

import numpy as np

INF = np.inf

# The compiled passes of dp_compiled.py run (when numba is there) for alignments of at least
# COMPILED_FROM_SENTENCES sentences (both documents), set by the aligner with compiled_for():
# loading numba and its cached functions costs about 1 s, which a 1,000-sentence pair (1.2 s of
# aligning in numpy) would not win back, while at 20,000 the numpy passes take 8 s more.
COMPILED_FROM_SENTENCES = 8_000
_long_alignment = contextvars.ContextVar("long_alignment", default=False)


@contextlib.contextmanager
def compiled_for(sentences: int):
    """Within this block, the passes are compiled when SENTENCES is a long alignment."""
    token = _long_alignment.set(sentences >= COMPILED_FROM_SENTENCES)
    try:
        yield
    finally:
        _long_alignment.reset(token)


def _compiled():
    """dp_compiled, when it should run: ALIGNTM_DP=python or =compiled forces a choice."""
    choice = os.environ.get("ALIGNTM_DP", "")
    if choice == "python" or (choice != "compiled" and not _long_alignment.get()):
        return None
    try:
        from . import dp_compiled
    except ImportError:
        if choice == "compiled":
            raise
        return None
    return dp_compiled


def _type_arrays(types):
    return (np.array([a for a, _ in types], dtype=np.int64), np.array([b for _, b in types], dtype=np.int64))


def _span(offset: int, W: int) -> tuple[int, int]:
    """Columns k of a row for which k + OFFSET is inside a row of width W: range(k0, k1)."""
    return max(0, -offset), min(W, W - offset)


def viterbi(cost: np.ndarray, skip_t: np.ndarray, lo: np.ndarray, types: list[tuple[int, int]],
            n_tgt: int):
    """Cheapest path. COST[t, i, k]: cost of a bead of types[t] (a >= 1) ending at (i, lo[i]+k).

    SKIP_T[i, k]: cost of the 0-1 bead ending at (i, lo[i]+k). Returns the path as a list of
    (type index or -1 for 0-1, i, j) from start to end, and its total cost.
    """
    n_rows, W = skip_t.shape
    compiled = _compiled()
    if compiled is not None:
        D, back = compiled.viterbi_tables(cost, skip_t, np.asarray(lo, dtype=np.int64), *_type_arrays(types), n_tgt)
    else:
        D, back = _viterbi_tables(cost, skip_t, lo, types, n_tgt)
    return _best_path(D, back, lo, types, n_tgt)


def _viterbi_tables(cost, skip_t, lo, types, n_tgt):
    n_rows, W = skip_t.shape
    D = np.full((n_rows, W), INF)
    back = np.full((n_rows, W), -2, dtype=np.int8)  # type index, -1 = from the left (0-1)
    ar = np.arange(W)
    for i in range(n_rows):
        X = np.full(W, INF)
        arg = np.full(W, -2, dtype=np.int8)
        if i == 0 and lo[0] == 0:
            X[0] = 0.0
        for t, (a, b) in enumerate(types):
            if a > i:
                continue
            off = lo[i] - b - lo[i - a]  # column k of row i reads column k + off of row i - a
            k0, k1 = _span(off, W)
            if k0 >= k1:
                continue
            cand = D[i - a, k0 + off:k1 + off] + cost[t, i, k0:k1]
            better = cand < X[k0:k1]
            X[k0:k1][better] = cand[better]
            arg[k0:k1][better] = t
        c = skip_t[i].copy()
        c[0] = 0.0
        S = np.cumsum(c)
        Z = X - S
        run = np.minimum.accumulate(Z)
        D[i] = S + run
        # where the running minimum was reached: from there on, cells come from the left
        pos = np.maximum.accumulate(np.where(Z <= run, ar, 0))
        back[i] = np.where(pos == ar, arg, -1)
        D[i][lo[i] + ar > n_tgt] = INF
    return D, back


def _best_path(D, back, lo, types, n_tgt):
    n_rows, W = D.shape
    i = n_rows - 1
    k = n_tgt - lo[i]
    if not (0 <= k < W) or not np.isfinite(D[i, k]):
        raise ValueError("no path through the band")
    total = D[i, k]
    path = []
    while i > 0 or lo[i] + k > 0:
        t = int(back[i, k])
        j = lo[i] + k
        path.append((t, i, j))
        if t == -1:
            k -= 1
        elif t >= 0:
            a, b = types[t]
            i, j = i - a, j - b
            k = j - lo[i]
        else:
            raise ValueError("broken back-pointer")
    path.reverse()
    return path, total


def forward(cost: np.ndarray, skip_t: np.ndarray, lo: np.ndarray, types, n_tgt: int) -> np.ndarray:
    """F[i, k] = log of the summed weight exp(-cost) of all paths from (0, 0) to (i, lo[i]+k)."""
    n_rows, W = skip_t.shape
    compiled = _compiled()
    if compiled is not None:
        return compiled.forward(cost, skip_t, np.asarray(lo, dtype=np.int64), *_type_arrays(types), n_tgt)
    F = np.full((n_rows, W), -INF)
    ar = np.arange(W)
    for i in range(n_rows):
        X = np.full(W, -INF)
        if i == 0 and lo[0] == 0:
            X[0] = 0.0
        for t, (a, b) in enumerate(types):
            if a > i:
                continue
            off = lo[i] - b - lo[i - a]
            k0, k1 = _span(off, W)
            if k0 < k1:
                X[k0:k1] = np.logaddexp(X[k0:k1], F[i - a, k0 + off:k1 + off] - cost[t, i, k0:k1])
        c = skip_t[i].copy()
        c[0] = 0.0
        S = np.cumsum(c)
        F[i] = np.logaddexp.accumulate(X + S) - S
        F[i][lo[i] + ar > n_tgt] = -INF
    return F


def backward(cost: np.ndarray, skip_t: np.ndarray, lo: np.ndarray, types, n_tgt: int) -> np.ndarray:
    """B[i, k] = log of the summed weight of all paths from (i, lo[i]+k) to the end."""
    n_rows, W = skip_t.shape
    compiled = _compiled()
    if compiled is not None:
        return compiled.backward(cost, skip_t, np.asarray(lo, dtype=np.int64), *_type_arrays(types), n_tgt)
    B = np.full((n_rows, W), -INF)
    ar = np.arange(W)
    for i in range(n_rows - 1, -1, -1):
        Y = np.full(W, -INF)
        if i == n_rows - 1:
            k_end = n_tgt - lo[i]
            if 0 <= k_end < W:
                Y[k_end] = 0.0
        for t, (a, b) in enumerate(types):
            r = i + a
            if r >= n_rows:
                continue
            # a bead of type t from (i, j) ends at (r, j + b): column k + off of row r
            off = lo[i] + b - lo[r]
            k0, k1 = _span(off, W)
            if k0 < k1:
                Y[k0:k1] = np.logaddexp(Y[k0:k1], B[r, k0 + off:k1 + off] - cost[t, r, k0 + off:k1 + off])
        # 0-1 bead from (i, k) to (i, k+1) costs c[k] = skip_t[i, k+1]. The suffix recurrence
        # B[k] = logaddexp(Y[k], B[k+1] - c[k]) unrolls to B = revacc(Y + S) - S with
        # S[k] = c[k] + ... + c[W-2].
        c = skip_t[i, 1:]
        S = np.zeros(W)
        S[:-1] = np.cumsum(c[::-1])[::-1]
        B[i] = np.logaddexp.accumulate((Y + S)[::-1])[::-1] - S
        B[i][lo[i] + ar > n_tgt] = -INF
    return B
