"""The dynamic programme over beads: pure functions over arrays, nothing about text or files.

States (i, j): i source and j target sentences consumed. A bead of type (a, b) moves from
(i - a, j - b) to (i, j) at a cost. Only a band of columns is searched: row i holds columns
lo[i] .. lo[i] + W - 1, so time and memory are O(rows x W).

Three passes over the same cost tensor:
- viterbi: the cheapest path;
- forward and backward (sum over paths, costs read as negative log-weights): the posterior
  probability of every bead, which is the confidence reported for the beads on the path.

Rows are processed one at a time with numpy over the W columns, all bead types at once. The 0-1 bead (one target
sentence alone) links cells of the same row; its recurrence D[k] = min(X[k], D[k-1] + c[k]) is
a prefix minimum, D = S + minimum.accumulate(X - S) with S the running sum of c (and
logaddexp.accumulate for the sums), so no Python loop over columns is needed.

The per-row numpy calls dominate on long documents: the same passes run compiled in C
(dp_compiled.py) whenever it was built, with identical paths; ALIGNTM_DP=python forces numpy.
"""
from __future__ import annotations

import os

import numpy as np

INF = np.inf


def _compiled():
    """dp_compiled (the C core) unless ALIGNTM_DP=python, or it was not built; ALIGNTM_DP=compiled
    insists on it."""
    choice = os.environ.get("ALIGNTM_DP", "")
    if choice == "python":
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
    rows = _Rows(types, lo, W)
    D = rows.padded(INF)
    inner = rows.inner(D)
    back = np.full((n_rows, W), -2, dtype=np.int8)  # type index, -1 = from the left (0-1)
    ar = np.arange(W)
    for i in range(n_rows):
        X = np.full(W, INF)
        arg = np.full(W, -2, dtype=np.int8)
        if i == 0 and lo[0] == 0:
            X[0] = 0.0
        ts, src, cols = rows.ending_at(i)
        if len(ts):
            # every type's candidates at once (inf read from the padding where a type does not
            # reach); argmin takes the first type of the cheapest, as a loop over the types in
            # order keeping only strictly better ones does
            cand = D[src[:, None], cols] + cost[ts, i]
            best = np.argmin(cand, axis=0)
            X = cand[best, ar]
            arg = np.where(X < INF, ts[best], -2).astype(np.int8)
        c = skip_t[i].copy()
        c[0] = 0.0
        S = np.cumsum(c)
        Z = X - S
        run = np.minimum.accumulate(Z)
        row = S + run
        # where the running minimum was reached: from there on, cells come from the left
        pos = np.maximum.accumulate(np.where(Z <= run, ar, 0))
        back[i] = np.where(pos == ar, arg, -1)
        row[lo[i] + ar > n_tgt] = INF
        inner[i] = row
    return inner, back


class _Rows:
    """For the numpy passes: per row, the bead types that end (or start) there, the row each
    comes from (goes to) and the column it reads there, for all types at once. Tables are made
    PAD columns wider on each side so that a type reaching past a row's band reads the padding
    (inf for costs, -inf for log weights) instead of needing a mask."""

    def __init__(self, types, lo, W):
        self.a, self.b = _type_arrays(types)
        self.lo = np.asarray(lo, dtype=np.int64)
        self.n_rows, self.W = len(lo), W
        step = int(np.diff(self.lo).max(initial=0)) * int(self.a.max())
        self.pad = max(int(self.b.max()), step) + 1
        self.ar = np.arange(W) + self.pad
        self.all = np.arange(len(self.a))

    def padded(self, fill: float) -> np.ndarray:
        return np.full((self.n_rows, self.W + 2 * self.pad), fill)

    def inner(self, table: np.ndarray) -> np.ndarray:
        return table[:, self.pad:self.pad + self.W]

    def ending_at(self, i: int):
        """Types (a <= i) of the beads ending in row i, their first row i - a, and the padded
        column of that row where the bead ending in column k starts."""
        ts = self.all if i >= self.a.max() else np.flatnonzero(self.a <= i)
        src = i - self.a[ts]
        return ts, src, self.ar[None, :] + (self.lo[i] - self.b[ts] - self.lo[src])[:, None]

    def starting_at(self, i: int):
        """Types of the beads starting in row i, the row i + a they end in, and the padded
        column of that row where the bead starting in column k ends."""
        ts = self.all if i + self.a.max() < self.n_rows else np.flatnonzero(i + self.a < self.n_rows)
        end = i + self.a[ts]
        return ts, end, self.ar[None, :] + (self.lo[i] + self.b[ts] - self.lo[end])[:, None]


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
    rows = _Rows(types, lo, W)
    F = rows.padded(-INF)
    inner = rows.inner(F)
    ar = np.arange(W)
    for i in range(n_rows):
        X = np.full(W, -INF)
        if i == 0 and lo[0] == 0:
            X[0] = 0.0
        ts, src, cols = rows.ending_at(i)
        if len(ts):
            # logaddexp over the types in order (a reduce along axis 0 is that loop), -inf
            # read from the padding where a type does not reach: logaddexp(x, -inf) is x exactly
            X = np.logaddexp.reduce(F[src[:, None], cols] - cost[ts, i], axis=0)
        c = skip_t[i].copy()
        c[0] = 0.0
        S = np.cumsum(c)
        row = np.logaddexp.accumulate(X + S) - S
        row[lo[i] + ar > n_tgt] = -INF
        inner[i] = row
    return inner


def backward(cost: np.ndarray, skip_t: np.ndarray, lo: np.ndarray, types, n_tgt: int) -> np.ndarray:
    """B[i, k] = log of the summed weight of all paths from (i, lo[i]+k) to the end."""
    n_rows, W = skip_t.shape
    compiled = _compiled()
    if compiled is not None:
        return compiled.backward(cost, skip_t, np.asarray(lo, dtype=np.int64), *_type_arrays(types), n_tgt)
    rows = _Rows(types, lo, W)
    B = rows.padded(-INF)
    inner = rows.inner(B)
    ar = np.arange(W)
    for i in range(n_rows - 1, -1, -1):
        Y = np.full(W, -INF)
        if i == n_rows - 1:
            k_end = n_tgt - lo[i]
            if 0 <= k_end < W:
                Y[k_end] = 0.0
        # a bead of type t from (i, j) ends at (i + a, j + b): the padded column COLS of that row
        ts, end, cols = rows.starting_at(i)
        if len(ts):
            # where B reads the padding (-inf) any cost gives -inf: the clipped column will do
            at = np.minimum(np.maximum(cols - rows.pad, 0), W - 1)
            Y = np.logaddexp.reduce(B[end[:, None], cols] - cost[ts[:, None], end[:, None], at], axis=0)
        # 0-1 bead from (i, k) to (i, k+1) costs c[k] = skip_t[i, k+1]. The suffix recurrence
        # B[k] = logaddexp(Y[k], B[k+1] - c[k]) unrolls to B = revacc(Y + S) - S with
        # S[k] = c[k] + ... + c[W-2].
        c = skip_t[i, 1:]
        S = np.zeros(W)
        S[:-1] = np.cumsum(c[::-1])[::-1]
        row = np.logaddexp.accumulate((Y + S)[::-1])[::-1] - S
        row[lo[i] + ar > n_tgt] = -INF
        inner[i] = row
    return inner
