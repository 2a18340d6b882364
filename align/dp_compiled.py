"""The dynamic programme of dp.py compiled with numba: the same three passes, cell by cell.

dp.py runs a row at a time with numpy over the band's columns; on long documents the time goes
into numpy's per-call overhead (nine bead types x every row x four passes). Here the loops are
compiled once (cached on disk beside this file) and every array operation of dp.py is done in
the same order with the same arithmetic (running sums, then minimum / logaddexp of the running
values), so the paths are identical and the probabilities agree to the last bits
(tests/test_dp.py compares them). dp.py decides which one runs.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

INF = np.inf
LOGE2 = math.log(2.0)


@njit(cache=True, nogil=True)
def _logaddexp(x, y):
    # numpy's npy_logaddexp, step for step
    if x == y:
        return x + LOGE2
    tmp = x - y
    if tmp > 0:
        return x + math.log1p(math.exp(-tmp))
    if tmp <= 0:
        return y + math.log1p(math.exp(tmp))
    return tmp


@njit(cache=True, nogil=True)
def viterbi_tables(cost, skip_t, lo, type_a, type_b, n_tgt):
    n_rows, W = skip_t.shape
    D = np.full((n_rows, W), INF)
    back = np.full((n_rows, W), -2, dtype=np.int8)
    X = np.empty(W)
    arg = np.empty(W, dtype=np.int8)
    S = np.empty(W)
    Z = np.empty(W)
    for i in range(n_rows):
        X[:] = INF
        arg[:] = -2
        if i == 0 and lo[0] == 0:
            X[0] = 0.0
        for t in range(type_a.shape[0]):
            a, b = type_a[t], type_b[t]
            if a > i:
                continue
            off = lo[i] - b - lo[i - a]
            k0, k1 = max(0, -off), min(W, W - off)
            for k in range(k0, k1):
                cand = D[i - a, k + off] + cost[t, i, k]
                if cand < X[k]:
                    X[k] = cand
                    arg[k] = t
        # D = S + minimum.accumulate(X - S), S the running sum of the 0-1 costs (c[0] = 0)
        total = 0.0
        run = INF
        pos = 0
        for k in range(W):
            c = 0.0 if k == 0 else skip_t[i, k]
            total = c if k == 0 else total + c
            S[k] = total
            Z[k] = X[k] - total
            run = Z[k] if k == 0 else min(run, Z[k])
            D[i, k] = total + run
            if Z[k] <= run:
                pos = k
            back[i, k] = arg[k] if pos == k else -1
            if lo[i] + k > n_tgt:
                D[i, k] = INF
    return D, back


@njit(cache=True, nogil=True)
def forward(cost, skip_t, lo, type_a, type_b, n_tgt):
    n_rows, W = skip_t.shape
    F = np.full((n_rows, W), -INF)
    X = np.empty(W)
    for i in range(n_rows):
        X[:] = -INF
        if i == 0 and lo[0] == 0:
            X[0] = 0.0
        for t in range(type_a.shape[0]):
            a, b = type_a[t], type_b[t]
            if a > i:
                continue
            off = lo[i] - b - lo[i - a]
            k0, k1 = max(0, -off), min(W, W - off)
            for k in range(k0, k1):
                X[k] = _logaddexp(X[k], F[i - a, k + off] - cost[t, i, k])
        # F = logaddexp.accumulate(X + S) - S
        total = 0.0
        acc = 0.0
        for k in range(W):
            c = 0.0 if k == 0 else skip_t[i, k]
            total = c if k == 0 else total + c
            value = X[k] + total
            acc = value if k == 0 else _logaddexp(acc, value)
            F[i, k] = acc - total
            if lo[i] + k > n_tgt:
                F[i, k] = -INF
    return F


@njit(cache=True, nogil=True)
def backward(cost, skip_t, lo, type_a, type_b, n_tgt):
    n_rows, W = skip_t.shape
    B = np.full((n_rows, W), -INF)
    Y = np.empty(W)
    S = np.zeros(W)
    for i in range(n_rows - 1, -1, -1):
        Y[:] = -INF
        if i == n_rows - 1:
            k_end = n_tgt - lo[i]
            if 0 <= k_end < W:
                Y[k_end] = 0.0
        for t in range(type_a.shape[0]):
            a, b = type_a[t], type_b[t]
            r = i + a
            if r >= n_rows:
                continue
            off = lo[i] + b - lo[r]
            k0, k1 = max(0, -off), min(W, W - off)
            for k in range(k0, k1):
                Y[k] = _logaddexp(Y[k], B[r, k + off] - cost[t, r, k + off])
        # S[k] = c[k] + ... + c[W-2] (c[k] = skip_t[i, k+1]), summed from the end as
        # cumsum(c[::-1])[::-1] does; B = revacc(logaddexp)(Y + S) - S
        S[W - 1] = 0.0
        total = 0.0
        for k in range(W - 2, -1, -1):
            total = skip_t[i, k + 1] if k == W - 2 else total + skip_t[i, k + 1]
            S[k] = total
        acc = 0.0
        for k in range(W - 1, -1, -1):
            value = Y[k] + S[k]
            acc = value if k == W - 1 else _logaddexp(acc, value)
            B[i, k] = acc - S[k]
            if lo[i] + k > n_tgt:
                B[i, k] = -INF
    return B


# --- the anchor parts of the cost (aligner.py), the other hot loops of long documents ------

@njit(cache=True, nogil=True)
def key_hits(src_sent, src_key, tgt_pos, tgt_start, tgt_end, df_s, lo, W, reach, total, hard):
    """aligner._key_hits over arrays: (key ids, source, target, weights) of the key pairs near
    the band, key ids numbered in order of first use as aligner.py numbers them."""
    n_keys = tgt_start.shape[0]
    local = np.full(n_keys, -1, dtype=np.int64)
    count = 0
    for h in range(src_sent.shape[0]):
        s, g = src_sent[h], src_key[h]
        if tgt_end[g] == tgt_start[g]:
            continue
        first, last = lo[s + 1] - 1 - reach, lo[s + 1] + W + reach
        p0 = np.searchsorted(tgt_pos[tgt_start[g]:tgt_end[g]], first, side="left")
        p1 = np.searchsorted(tgt_pos[tgt_start[g]:tgt_end[g]], last, side="right")
        count += p1 - p0
    key_ids = np.empty(count, dtype=np.int64)
    ss = np.empty(count, dtype=np.int64)
    ts = np.empty(count, dtype=np.int64)
    weights = np.empty(count)
    m = 0
    next_id = 0
    for h in range(src_sent.shape[0]):
        s, g = src_sent[h], src_key[h]
        occurrences = tgt_pos[tgt_start[g]:tgt_end[g]]
        if occurrences.shape[0] == 0:
            continue
        first, last = lo[s + 1] - 1 - reach, lo[s + 1] + W + reach
        p0 = np.searchsorted(occurrences, first, side="left")
        p1 = np.searchsorted(occurrences, last, side="right")
        if p1 == p0:
            continue
        if local[g] < 0:
            local[g] = next_id
            next_id += 1
        weight = 1.0 if hard else math.log(1 + total / (df_s[g] + occurrences.shape[0]))
        for p in range(p0, p1):
            key_ids[m] = local[g]
            ss[m] = s
            ts[m] = occurrences[p]
            weights[m] = weight
            m += 1
    return key_ids, ss, ts, weights


@njit(cache=True, nogil=True)
def distinct_keys(sent, key, n, span, n_keys):
    """aligner._distinct_keys: D[e] = distinct keys in sentences e-span .. e-1 (0 where e < span).
    SENT (ascending) and KEY list each sentence's keys once."""
    out = np.zeros(n + 1)
    seen = np.zeros(n_keys, dtype=np.int64)
    starts = np.searchsorted(sent, np.arange(n + 1))
    distinct = 0
    for e in range(1, n + 1):
        for h in range(starts[e - 1], starts[e]):     # sentence e-1 comes into the window
            if seen[key[h]] == 0:
                distinct += 1
            seen[key[h]] += 1
        if e - span - 1 >= 0:                         # sentence e-span-1 leaves it
            for h in range(starts[e - span - 1], starts[e - span]):
                seen[key[h]] -= 1
                if seen[key[h]] == 0:
                    distinct -= 1
        if e >= span:
            out[e] = distinct
    return out


@njit(cache=True, nogil=True)
def _add_matches(out, stamp, tag, key_ids, ss, ts, weights, a, b, lo, W, n_rows, n_cols, starts, order):
    """bead_matches into OUT (zeroed by the caller) with a STAMP array shared by every call:
    TAG + key id marks the cells a key has counted in, so STAMP is never cleared."""
    n_keys = starts.shape[0] - 1
    for g in range(n_keys):
        for q in range(starts[g], starts[g + 1]):
            h = order[q]
            for da in range(a):
                i = ss[h] + 1 + da
                if i >= n_rows:
                    break
                for db in range(b):
                    j = ts[h] + 1 + db
                    if j >= n_cols:
                        break
                    k = j - lo[i]
                    if 0 <= k < W and stamp[i, k] != tag + g:
                        stamp[i, k] = tag + g
                        out[i, k] += weights[h]
    return tag + n_keys


@njit(cache=True, nogil=True)
def _by_key(key_ids):
    """(starts, order): the hits grouped by key id, stably (a counting sort)."""
    n = key_ids.shape[0]
    n_keys = 0
    for h in range(n):
        n_keys = max(n_keys, key_ids[h] + 1)
    starts = np.zeros(n_keys + 1, dtype=np.int64)
    for h in range(n):
        starts[key_ids[h] + 1] += 1
    for g in range(n_keys):
        starts[g + 1] += starts[g]
    order = np.empty(n, dtype=np.int64)
    fill = starts[:-1].copy()
    for h in range(n):
        order[fill[key_ids[h]]] = h
        fill[key_ids[h]] += 1
    return starts, order


@njit(cache=True, nogil=True)
def _split_bonus(splits, bonus, count, row, lengths, n_parts, tolerance):
    """aligner._split_bonus for one cell: LENGTHS[:n_parts] are the several sentences' lengths,
    ROW the long sentence's split points."""
    c = count[row]
    if c == 0:
        return 0.0
    total = 0.0
    for m in range(n_parts):
        total += lengths[m]
    total = max(total, 1.0)
    share = 0.0
    out = 0.0
    for m in range(n_parts - 1):
        share += lengths[m] / total
        best = 0.0
        for col in range(c):
            closeness = min(1.0, max(0.0, 1.0 - abs(splits[row, col] - share) / tolerance))
            best = max(best, closeness * bonus[row, col])
        out += best
    return out


@njit(cache=True, nogil=True, parallel=True)
def _type_cost(cost, a, b, prior, hm, sm, lo, W, n_tgt,
               len_s, cum_s, skip_s, dist_s, splits_s, bonus_s, count_s,
               len_t, cum_t, dist_t, splits_t, bonus_t, count_t,
               ratio, variance, dof, hard_match, hard_miss, soft_match, tolerance,
               matched11, matchable_s, matchable_t, unmatched, matchable, unmatched_pair, matchable_pair):
    """COST[i, k] of the beads of type (a, b), their anchor matches given (HM, SM): rows on
    every core (the length cost's log1p is most of the tensor's time)."""
    n_rows = cost.shape[0]
    splitting = min(a, b) == 1 and max(a, b) > 1
    half_dof = (dof + 1.0) / 2.0
    for i in prange(a, n_rows):
        lengths = np.empty(max(a, b))
        for k in range(W):
            j = lo[i] + k
            if j > n_tgt or j < b:
                continue
            if b == 0:
                total = 0.0
                for d in range(1, a + 1):
                    total += skip_s[i - d]
                cost[i, k] = total + prior
                continue
            ls = cum_s[i] - cum_s[i - a]
            lt = cum_t[j] - cum_t[j - b]
            scaled = lt / ratio
            mean = max(1.0, (ls + scaled) / 2.0)
            delta2 = (scaled - ls) ** 2 / (variance * mean)
            c = half_dof * math.log1p(delta2 / dof) + prior
            h = float(hm[i, k])
            missing = max(0.0, dist_s[a, i] + dist_t[b, j] - 2.0 * h)
            c += -hard_match * h + hard_miss * missing - soft_match * float(sm[i, k])
            if splitting:
                if a == 1:
                    for m in range(b):
                        lengths[m] = len_t[j - b + m]
                    c -= _split_bonus(splits_s, bonus_s, count_s, i - 1, lengths, b, tolerance)
                    for m in range(b):     # aligner._unmatched: pairs outside the band count as matched
                        col = j - b + m + 1 - lo[i]
                        if 0 <= col < W and not matched11[i, col] and matchable_t[j - b + m] >= matchable:
                            c += unmatched
                else:
                    for m in range(a):
                        lengths[m] = len_s[i - a + m]
                    c -= _split_bonus(splits_t, bonus_t, count_t, j - 1, lengths, a, tolerance)
                    for m in range(a):
                        row = i - a + m + 1
                        col = j - lo[row]
                        if 0 <= col < W and not matched11[row, col] and matchable_s[i - a + m] >= matchable:
                            c += unmatched
            elif a == 1 and b == 1:        # aligner._unmatched_pair
                if not matched11[i, k] and matchable_s[i - 1] >= matchable_pair and matchable_t[j - 1] >= matchable_pair:
                    c += unmatched_pair
            cost[i, k] = c


@njit(cache=True, nogil=True)
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
    minus the split bonus of a 1-n or n-1 bead."""
    n_rows, n_cols = n_src + 1, n_tgt + 1
    n_types = type_a.shape[0]
    cost = np.full((n_types, n_rows, W), np.inf, dtype=np.float32)
    skip = np.zeros((n_rows, W))
    for i in range(n_rows):
        for k in range(W):
            j = lo[i] + k
            if 1 <= j <= n_tgt:
                skip[i, k] = skip_t[j - 1]
    hard_starts, hard_order = _by_key(hard_ids)
    soft_starts, soft_order = _by_key(soft_ids)
    stamp = np.full((n_rows, W), -1, dtype=np.int64)
    hm = np.zeros((n_rows, W), dtype=np.float32)
    sm = np.zeros((n_rows, W), dtype=np.float32)
    tag = 0
    # which pairs of sentences share a key (the 1-1 bead's matches), for the unmatched sentences
    # of 1-n and n-1 beads
    tag = _add_matches(hm, stamp, tag, hard_ids, hard_ss, hard_ts, hard_w, 1, 1, lo, W, n_rows, n_cols,
                       hard_starts, hard_order)
    tag = _add_matches(sm, stamp, tag, soft_ids, soft_ss, soft_ts, soft_w, 1, 1, lo, W, n_rows, n_cols,
                       soft_starts, soft_order)
    matched11 = (hm + sm) > 0
    for t in range(n_types):
        a, b = type_a[t], type_b[t]
        if b > 0:
            hm[:] = 0.0
            sm[:] = 0.0
            tag = _add_matches(hm, stamp, tag, hard_ids, hard_ss, hard_ts, hard_w, a, b, lo, W, n_rows, n_cols,
                               hard_starts, hard_order)
            tag = _add_matches(sm, stamp, tag, soft_ids, soft_ss, soft_ts, soft_w, a, b, lo, W, n_rows, n_cols,
                               soft_starts, soft_order)
        _type_cost(cost[t], a, b, prior[t], hm, sm, lo, W, n_tgt,
                   len_s, cum_s, skip_s, dist_s, splits_s, bonus_s, count_s,
                   len_t, cum_t, dist_t, splits_t, bonus_t, count_t,
                   ratio, variance, dof, hard_match, hard_miss, soft_match, tolerance,
                   matched11, matchable_s, matchable_t, unmatched, matchable, unmatched_pair, matchable_pair)
    return cost, skip


def warm() -> None:
    """Compile this module's functions for the argument types the aligner gives them, so that
    the first long alignment does not wait for numba (a 5k pair: 33 s the first time, 8 s after);
    `make install` runs it. numba caches the compiled code beside this file."""
    import os
    from collections import Counter

    from .aligner import align_features
    from .langs.base import Features

    rng = np.random.default_rng(0)

    def document(n: int) -> list:
        # long enough for the banded search; numbers, names and clause splits for every kernel
        return [Features(length=float(rng.integers(10, 80)),
                         hard=Counter({f"n:{k}": 1}) if k % 5 == 0 else Counter(),
                         soft=Counter({f"w:{k % 50}": 1}),
                         split_points=(4,), split_fractions=(0.5,), split_sentence=(k % 2 == 0,))
                for k in range(n)]

    previous = os.environ.get("ALIGNTM_DP")
    os.environ["ALIGNTM_DP"] = "compiled"
    try:
        align_features(document(600), document(620))
    finally:
        if previous is None:
            del os.environ["ALIGNTM_DP"]
        else:
            os.environ["ALIGNTM_DP"] = previous


if __name__ == "__main__":
    warm()
