"""The dynamic programme of dp.py and the anchor parts of the cost, compiled: the same passes,
cell by cell, in C (align/_dpcore.c, built by `pip install` as the extension align._dpcore and
called here through ctypes, which lets go of the GIL while it runs).

dp.py runs a row at a time with numpy over the band's columns; there the time goes into numpy's
per-call overhead (nine bead types x every row x four passes). Every array operation of dp.py is
done in C in the same order with the same arithmetic, so the paths are identical and the
probabilities agree to the last bits (tests/test_dp_compiled.py compares them). dp.py decides
which one runs; importing this module raises ImportError when the library was not built.

The C core replaced numba (until 2026-12): loading numba and its cached functions took 0.4 s of
every run and its first compile 25 s of every install, and a 1k-sentence pair aligned faster
with numpy than with it.
"""
from __future__ import annotations

import ctypes
import importlib.util
import os

import numpy as np

_spec = importlib.util.find_spec("align._dpcore")
if _spec is None or not _spec.origin:
    raise ImportError("align._dpcore is not built (pip install -e . builds it with the C compiler)")
try:
    _lib = ctypes.CDLL(_spec.origin)
except OSError as e:
    raise ImportError(f"cannot load {_spec.origin}: {e}") from None

_p, _i64, _int, _f64 = ctypes.c_void_p, ctypes.c_int64, ctypes.c_int, ctypes.c_double
_PASS = [_p, _int, _p, _p, _p, _p, _i64, _i64, _i64, _i64]   # cost, f32, skip, lo, types, n_types, n_rows, W, n_tgt
for _name, _out in (("viterbi_tables", [_p, _p]), ("forward", [_p]), ("backward", [_p])):
    getattr(_lib, _name).argtypes = _PASS + _out
    getattr(_lib, _name).restype = _int
_lib.key_hits.argtypes = [_p, _p, _i64, _p, _p, _p, _p, _i64, _p, _i64, _i64, _i64, _int, _p, _p, _p, _p, _p]
_lib.key_hits.restype = _i64
_lib.distinct_keys.argtypes = [_p, _p, _i64, _i64, _i64, _p, _p]
_lib.distinct_keys.restype = None


class _SideArrays(ctypes.Structure):
    _fields_ = [("length", _p), ("cum_length", _p), ("skip", _p), ("dist", _p), ("splits", _p),
                ("bonus", _p), ("split_count", _p), ("matchable", _p), ("n", _i64), ("split_width", _i64)]


class _Hits(ctypes.Structure):
    _fields_ = [("ids", _p), ("ss", _p), ("ts", _p), ("weights", _p), ("n", _i64)]


class _CostInput(ctypes.Structure):
    _fields_ = [("src", _SideArrays), ("tgt", _SideArrays), ("hard", _Hits), ("soft", _Hits),
                ("type_a", _p), ("type_b", _p), ("lo", _p), ("prior", _p), ("n_types", _i64), ("W", _i64)] + \
               [(name, _f64) for name in ("ratio", "variance", "dof", "hard_match", "hard_miss", "soft_match",
                                          "tolerance", "unmatched", "matchable", "unmatched_pair",
                                          "matchable_pair")] + [("threads", _int)]


_lib.pair_gains.argtypes = [_i64] + [_p] * 11
_lib.pair_gains.restype = None
_lib.em.argtypes = [_i64, _p, _p, _p, _i64, _i64, _int, _p, _p, _p]
_lib.em.restype = None
_lib.keyed_sums.argtypes = [_i64, _p, _p, _p, _i64, _i64, _p, _p, _p, _p, _p, _p]
_lib.keyed_sums.restype = _i64
_lib.combinations.argtypes = [_i64, _p, _p, _p, _p, _i64, _i64, _p, _p, _p]
_lib.combinations.restype = None
_lib.cost_tensor.argtypes = [ctypes.POINTER(_CostInput), _p, _p]
_lib.cost_tensor.restype = _int

# The cost tensor's rows are shared among threads from this many cells (bead types x rows x
# columns: a 1k pair's coarse pass has 730,000, its band 330,000, 22 ms on one core); at most
# THREADS of them.
THREADS_FROM_CELLS = 100_000
THREADS = 4


def _c(x, dtype) -> np.ndarray:
    """X as a C-contiguous array of DTYPE (no copy when it is one already)."""
    return np.ascontiguousarray(x, dtype=dtype)


def _checked(status: int) -> None:
    if status == -1:
        raise MemoryError("the aligner's compiled core ran out of memory")
    if status != 0:
        raise ValueError(f"the aligner's compiled core refused its input (status {status})")


def _pass_args(cost, skip_t, lo, type_a, type_b, n_tgt):
    """The arguments the three passes share, and the arrays to keep alive while they run."""
    if cost.dtype not in (np.float32, np.float64):
        cost = cost.astype(np.float64)
    arrays = (_c(cost, cost.dtype), _c(skip_t, np.float64), _c(lo, np.int64), _c(type_a, np.int64),
              _c(type_b, np.int64))
    cost, skip_t, lo, type_a, type_b = arrays
    n_rows, W = skip_t.shape
    if cost.shape != (len(type_a), n_rows, W) or len(lo) != n_rows or len(type_b) != len(type_a):
        raise ValueError("cost, skip_t, lo and the bead types do not agree in shape")
    return arrays, (cost.ctypes.data, int(cost.dtype == np.float32), skip_t.ctypes.data, lo.ctypes.data,
                    type_a.ctypes.data, type_b.ctypes.data, len(type_a), n_rows, W, int(n_tgt))


def viterbi_tables(cost, skip_t, lo, type_a, type_b, n_tgt):
    """dp._viterbi_tables: D (cost of the cheapest path to each cell) and BACK (the bead type
    that ends it, -1 for the 0-1 bead) over the band."""
    keep, args = _pass_args(cost, skip_t, lo, type_a, type_b, n_tgt)
    n_rows, W = keep[1].shape
    D = np.empty((n_rows, W))
    back = np.empty((n_rows, W), dtype=np.int8)
    _checked(_lib.viterbi_tables(*args, D.ctypes.data, back.ctypes.data))
    return D, back


def forward(cost, skip_t, lo, type_a, type_b, n_tgt):
    """dp.forward: F[i, k], log of the summed weight of the paths from (0, 0) to (i, lo[i]+k)."""
    keep, args = _pass_args(cost, skip_t, lo, type_a, type_b, n_tgt)
    F = np.empty(keep[1].shape)
    _checked(_lib.forward(*args, F.ctypes.data))
    return F


def backward(cost, skip_t, lo, type_a, type_b, n_tgt):
    """dp.backward: B[i, k], log of the summed weight of the paths from (i, lo[i]+k) to the end."""
    keep, args = _pass_args(cost, skip_t, lo, type_a, type_b, n_tgt)
    B = np.empty(keep[1].shape)
    _checked(_lib.backward(*args, B.ctypes.data))
    return B


def key_hits(src_sent, src_key, tgt_pos, tgt_start, tgt_end, df_s, lo, W, reach, total, hard):
    """aligner._key_hits over arrays: (key ids, source, target, weights) of the key pairs near
    the band, key ids numbered in order of first use as aligner.py numbers them."""
    src_sent, src_key, tgt_pos, tgt_start, tgt_end, df_s, lo = (
        _c(x, np.int64) for x in (src_sent, src_key, tgt_pos, tgt_start, tgt_end, df_s, lo))
    args = [src_sent.ctypes.data, src_key.ctypes.data, len(src_sent), tgt_pos.ctypes.data, tgt_start.ctypes.data,
            tgt_end.ctypes.data, df_s.ctypes.data, len(tgt_start), lo.ctypes.data, int(W), int(reach), int(total),
            int(bool(hard))]
    count = _lib.key_hits(*args, None, None, None, None, None)
    local = np.empty(len(tgt_start), dtype=np.int64)
    key_ids, ss, ts = (np.empty(count, dtype=np.int64) for _ in range(3))
    weights = np.empty(count)
    _lib.key_hits(*args, local.ctypes.data, key_ids.ctypes.data, ss.ctypes.data, ts.ctypes.data, weights.ctypes.data)
    return key_ids, ss, ts, weights


def distinct_keys(sent, key, n, span, n_keys):
    """aligner._distinct_keys: D[e] = distinct keys in sentences e-span .. e-1 (0 where e < span).
    SENT (ascending) and KEY list each sentence's keys once."""
    sent, key = _c(sent, np.int64), _c(key, np.int64)
    seen = np.zeros(max(1, int(n_keys)), dtype=np.int64)
    out = np.zeros(int(n) + 1)
    _lib.distinct_keys(sent.ctypes.data, key.ctypes.data, len(sent), int(n), int(span), seen.ctypes.data,
                       out.ctypes.data)
    return out


def cost_tensor(type_a, type_b, prior, lo, W, n_src, n_tgt,
                len_s, cum_s, skip_s, dist_s, splits_s, bonus_s, count_s,
                len_t, cum_t, skip_t, dist_t, splits_t, bonus_t, count_t,
                hard_ids, hard_ss, hard_ts, hard_w, soft_ids, soft_ss, soft_ts, soft_w,
                ratio, variance, dof, hard_match, hard_miss, soft_match, tolerance,
                matchable_s, matchable_t, unmatched, matchable, unmatched_pair, matchable_pair):
    """aligner._cost_tensor cell by cell, with no array the size of the band but the tensor:
    COST[t, i, k] of the bead types[t] ending at (i, lo[i]+k) (float32; inf where there is no
    such bead) and SKIP[i, k] of the 0-1 bead ending there. The cost of a bead: its prior, the
    length cost, minus the anchors matched on both sides, plus hard anchors missing on one,
    minus the split bonus of a 1-n or n-1 bead, plus the unmatched sentences' cost."""
    keep = []

    def ptr(x, dtype):
        x = _c(x, dtype)
        keep.append(x)
        return x.ctypes.data

    def side(n, length, cum, skip, dist, splits, bonus, count, matchable_):
        splits = _c(splits, np.float64)
        return _SideArrays(ptr(length, np.float64), ptr(cum, np.float64), ptr(skip, np.float64),
                           ptr(dist, np.float64), ptr(splits, np.float64), ptr(bonus, np.float64),
                           ptr(count, np.int64), ptr(matchable_, np.float64), n, splits.shape[1])

    def hits(ids, ss, ts, w):
        return _Hits(ptr(ids, np.int64), ptr(ss, np.int64), ptr(ts, np.int64), ptr(w, np.float64), len(ids))

    n_rows, W = n_src + 1, int(W)
    cells = len(type_a) * n_rows * W
    threads = min(THREADS, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    given = _CostInput(side(n_src, len_s, cum_s, skip_s, dist_s, splits_s, bonus_s, count_s, matchable_s),
                       side(n_tgt, len_t, cum_t, skip_t, dist_t, splits_t, bonus_t, count_t, matchable_t),
                       hits(hard_ids, hard_ss, hard_ts, hard_w), hits(soft_ids, soft_ss, soft_ts, soft_w),
                       ptr(type_a, np.int64), ptr(type_b, np.int64), ptr(lo, np.int64), ptr(prior, np.float64),
                       len(type_a), W, ratio, variance, dof, hard_match, hard_miss, soft_match, tolerance,
                       unmatched, matchable, unmatched_pair, matchable_pair,
                       threads if cells >= THREADS_FROM_CELLS else 1)
    cost = np.full((len(type_a), n_rows, W), np.inf, dtype=np.float32)
    skip = np.zeros((n_rows, W))
    _checked(_lib.cost_tensor(ctypes.byref(given), cost.ctypes.data, skip.ctypes.data))
    return cost, skip


def pair_gains(i, j, row_start, u_c, gain, start, n_words, columns, n_columns):
    """translation_model._Lazy.at's sums: per pair (i[q], j[q]), source sentence i's gains summed
    over target sentence j's word columns, in their order (ROW_START: where each source sentence's
    entries of U_C and GAIN start; START, N_WORDS: where each target sentence's COLUMNS are)."""
    i, j = _c(i, np.int64), _c(j, np.int64)
    order = np.argsort(i, kind="stable")
    arrays = [_c(row_start, np.int64), _c(u_c, np.int64), _c(gain, np.float64), _c(start, np.int64),
              _c(n_words, np.int64), _c(columns, np.int64)]
    row = np.zeros(max(1, int(n_columns)))
    score = np.empty(len(i))
    _lib.pair_gains(len(i), i.ctypes.data, j.ctypes.data, order.ctypes.data, *(a.ctypes.data for a in arrays),
                    row.ctypes.data, score.ctypes.data)
    return score


def em(runs, g, source_of, n_groups: int, n_sources: int, iterations: int, prob):
    """translation_model._em: IBM Model 1's EM rounds over word pairs sorted by code; PROB
    (float32) is updated in place; returns each source word's expected count of the last round."""
    runs, g, source_of = _c(runs, np.int32), _c(g, np.int32), _c(source_of, np.int32)
    assert prob.dtype == np.float32 and prob.flags.c_contiguous
    total = np.zeros(n_sources)
    denom = np.empty(max(1, n_groups))
    _lib.em(len(runs), runs.ctypes.data, g.ctypes.data, source_of.ctypes.data, n_groups, n_sources, iterations,
            prob.ctypes.data, total.ctypes.data, denom.ctypes.data)
    return total


def combinations(la, lb, A, B, n_t: int):
    """translation_model._combinations: (code, g) of every word pair of every training pair,
    sorted by (code, g); the caller checks that code * len(B) + g fits in 63 bits."""
    la, lb, A, B = _c(la, np.int64), _c(lb, np.int64), _c(A, np.int64), _c(B, np.int64)
    n = int((la * lb).sum())
    code = np.empty(n, dtype=np.int64)
    g = np.empty(n, dtype=np.int32)
    scratch = np.empty(n, dtype=np.int64)
    _lib.combinations(len(la), la.ctypes.data, lb.ctypes.data, A.ctypes.data, B.ctypes.data, int(n_t), len(B),
                      code.ctypes.data, g.ctypes.data, scratch.ctypes.data)
    return code, g


def keyed_sums(i, c, p, n_rows: int, n_cols: int):
    """(u_i, u_c, sums): the distinct (I, C) sorted, and P summed over each in entry order: what
    numpy's unique(I * N_COLS + C, return_inverse=True) and bincount give, without a sort."""
    i, c, p = _c(i, np.int64), _c(c, np.int64), _c(p, np.float64)
    n = len(i)
    u_i, u_c, sums = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64), np.empty(n)
    order, tmp = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    count = np.empty(max(int(n_rows), int(n_cols)) + 1, dtype=np.int64)
    k = _lib.keyed_sums(n, i.ctypes.data, c.ctypes.data, p.ctypes.data, int(n_rows), int(n_cols),
                        u_i.ctypes.data, u_c.ctypes.data, sums.ctypes.data, order.ctypes.data, tmp.ctypes.data,
                        count.ctypes.data)
    return u_i[:k], u_c[:k], sums[:k]
