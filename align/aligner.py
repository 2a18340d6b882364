"""Sentence alignment from per-sentence features: a length model plus anchors, in a banded DP.

The aligner knows nothing of files or languages: it takes two lists of `Features` and returns
`Bead`s. See params.py for every constant and dp.py for the search itself.
"""
from __future__ import annotations

import contextvars
import itertools
import math
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from copy import copy
from dataclasses import dataclass, field

import numpy as np

from . import dp, gcpause
from . import params as P
from .langs.base import Features
from .translation_model import as_pair_scores


@dataclass
class Bead:
    """SRC and TGT sentence indices paired (either may be empty), with the posterior
    probability of this bead (confidence) and the anchors that support or contradict it."""
    src: tuple[int, ...]
    tgt: tuple[int, ...]
    confidence: float = 1.0
    matched: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    @property
    def type(self) -> str:
        return f"{len(self.src)}-{len(self.tgt)}"


@dataclass
class LengthModel:
    """Gale-Church: target length / ratio ~ source length, variance per source character."""
    ratio: float
    variance: float

    def cost(self, ls: np.ndarray, lt: np.ndarray) -> np.ndarray:
        scaled = lt / self.ratio
        mean = np.maximum(1.0, (ls + scaled) / 2)
        delta2 = (scaled - ls) ** 2 / (self.variance * mean)
        return (P.LENGTH_DOF + 1) / 2 * np.log1p(delta2 / P.LENGTH_DOF)


class _Side:
    """One side of the search as arrays: sentence lengths, page furniture, split points, and
    the hard and soft anchor keys of each sentence as (sentence, key id) pairs, sentences
    ascending, each key once per sentence (ids shared by both sides: see from_features). A side
    of merged blocks (blocks()) is made from these arrays, never from Features objects."""

    def __init__(self, length: np.ndarray, furniture: np.ndarray, hard, soft, splits=None):
        self.n = len(length)
        self.length = length
        self.cum_length = np.concatenate(([0.0], np.cumsum(length)))
        self.furniture = furniture
        self.skip = np.where(furniture, P.SKIP_FURNITURE, P.SKIP)
        self.hard, self.soft = hard, soft
        self._distinct: dict[int, np.ndarray] = {}
        self._matchable: np.ndarray | None = None
        if splits is None:
            splits = (np.full((self.n, 1), np.nan), np.zeros((self.n, 1)), np.zeros(self.n, dtype=np.int64))
        self.splits, self.split_bonus, self.split_count = splits

    @classmethod
    def from_features(cls, feats: list[Features], vocabulary: dict) -> "_Side":
        """FEATS as arrays; VOCABULARY numbers the keys (shared with the other side's call)."""
        n = len(feats)
        length = np.fromiter((f.length for f in feats), dtype=float, count=n)
        furniture = np.fromiter((f.furniture for f in feats), dtype=bool, count=n)
        count = np.fromiter((len(f.split_fractions) for f in feats), dtype=np.int64, count=n)
        width = max(1, int(count.max(initial=0)))
        splits, bonus = np.full((n, width), np.nan), np.zeros((n, width))
        for i in np.flatnonzero(count):   # most sentences have no split point
            f = feats[i]
            k = len(f.split_fractions)
            splits[i, :k] = f.split_fractions
            sentence = f.split_sentence or (False,) * k
            bonus[i, :k] = [P.SENTENCE_SPLIT_BONUS if s else P.SPLIT_BONUS for s in sentence]
        return cls(length, furniture, _key_table(feats, "hard", vocabulary), _key_table(feats, "soft", vocabulary),
                   (splits, bonus, count))

    def blocks(self, size: int) -> "_Side":
        """Blocks of SIZE sentences as one sentence each, for the coarse pass: lengths summed, a
        block is furniture if all its sentences are, and it holds each key of its sentences once."""
        starts = np.arange(0, self.n, size)
        furniture = np.logical_and.reduceat(self.furniture, starts) if self.n else self.furniture
        return _Side(np.add.reduceat(self.length, starts) if self.n else self.length, furniture,
                     _merged_keys(self.hard, size), _merged_keys(self.soft, size))

    def without_keys(self, drop: np.ndarray) -> None:
        """Forget the keys whose ids DROP (a boolean array over ids) marks."""
        self._matchable = None
        for kind in ("hard", "soft"):
            sent, key = getattr(self, kind)
            keep = ~drop[key]
            setattr(self, kind, (sent[keep], key[keep]))
        self._distinct.clear()

    def matchable_in(self, other: "_Side") -> np.ndarray:
        """Per sentence: its distinct keys that OTHER holds somewhere (made once per side)."""
        if self._matchable is None:
            self._matchable = _matchable(self, other)
        return self._matchable

    def distinct_hard(self, span: int) -> np.ndarray:
        """Distinct hard anchors in the SPAN sentences before each position."""
        if span not in self._distinct:
            self._distinct[span] = _distinct_keys(self.hard, self.n, span)
        return self._distinct[span]


def _key_table(feats: list[Features], kind: str, vocabulary: dict) -> tuple[np.ndarray, np.ndarray]:
    """(sentence, key id) of every KIND key of FEATS, sentence by sentence, keys in their order,
    ids from VOCABULARY (new keys added to it). Iterations at C speed (chain, map): 7 million
    keys in 100,000 sentences took 8 s key by key."""
    per_sentence = [getattr(f, kind) for f in feats]
    counts = np.fromiter(map(len, per_sentence), dtype=np.int64, count=len(feats))
    flat = list(itertools.chain.from_iterable(per_sentence))
    for k in dict.fromkeys(flat):
        vocabulary.setdefault(k, len(vocabulary))
    key = np.fromiter(map(vocabulary.__getitem__, flat), dtype=np.int64, count=len(flat))
    sent = np.repeat(np.arange(len(feats), dtype=np.int64), counts)
    return sent, key


def _merged_keys(table, size: int):
    """TABLE's (sentence, key) pairs as (block, key) pairs of blocks of SIZE sentences, each
    pair once, blocks ascending (keys by id within a block)."""
    sent, key = table
    if not len(key):
        return table
    width = int(key.max()) + 1
    code = np.sort((sent // size) * width + key)
    code = code[np.concatenate(([True], code[1:] != code[:-1]))]   # np.unique hashes: 6 s at 100k
    return code // width, code % width


def estimate_length_model(src: list[Features], tgt: list[Features], beads: list[Bead] | None = None) -> LengthModel:
    """Ratio and variance from the documents themselves: from the 1-1 beads of a first pass
    when given, else the ratio of total lengths and the prior variance."""
    if not beads:
        ls = sum(f.length for f in src if not f.furniture) or 1.0
        lt = sum(f.length for f in tgt if not f.furniture) or 1.0
        return LengthModel(ratio=lt / ls, variance=P.VARIANCE_PRIOR)
    pairs = [(src[b.src[0]].length, tgt[b.tgt[0]].length) for b in beads
             if len(b.src) == 1 and len(b.tgt) == 1 and src[b.src[0]].length > 0 and tgt[b.tgt[0]].length > 0]
    if len(pairs) < 3:
        return estimate_length_model(src, tgt)
    ls = np.array([p[0] for p in pairs])
    lt = np.array([p[1] for p in pairs])
    ratio = float(lt.sum() / ls.sum())
    scaled = lt / ratio
    resid = (scaled - ls) / np.sqrt(np.maximum(1.0, (ls + scaled) / 2))
    # robust spread (median absolute deviation), shrunk towards the prior for short documents
    mad = _median(np.abs(resid - _median(resid))) * 1.4826
    n = len(pairs)
    variance = (n * max(mad ** 2, 0.05) + P.VARIANCE_PSEUDO * P.VARIANCE_PRIOR) / (n + P.VARIANCE_PSEUDO)
    return LengthModel(ratio=ratio, variance=variance)


def _median(x: np.ndarray) -> float:
    """np.median of a non-empty 1-d array, the same value (np.median imports numpy.ma: 20 ms of
    every run)."""
    x = np.sort(x)
    n = len(x)
    return float(x[n // 2]) if n % 2 else float((x[n // 2 - 1] + x[n // 2]) / 2)


def _key_hits(S: _Side, T: _Side, lo: np.ndarray, W: int, kind: str):
    """Every (key, source sentence, target sentence) that share an anchor key near the band,
    with the key's weight (1 for hard anchors, idf for soft ones): (key ids numbered in order of
    first use, source sentences, target sentences, weights)."""
    reach = max(a for a, _ in P.BEAD_TYPES) + max(b for _, b in P.BEAD_TYPES)
    src_sent, src_key = getattr(S, kind)
    tgt_sent, tgt_key = getattr(T, kind)
    n_keys = int(max(src_key.max(initial=-1), tgt_key.max(initial=-1))) + 1
    order = np.argsort(tgt_key, kind="stable")          # by key, then target sentence
    keys_sorted = tgt_key[order]
    tgt_start = np.searchsorted(keys_sorted, np.arange(n_keys), side="left")
    tgt_end = np.searchsorted(keys_sorted, np.arange(n_keys), side="right")
    in_tgt = (tgt_end > tgt_start)[src_key]
    df_s = np.bincount(src_key[in_tgt], minlength=n_keys)
    args = (src_sent, src_key, tgt_sent[order], tgt_start, tgt_end, df_s, np.asarray(lo, dtype=np.int64), W,
            reach, S.n + T.n, kind == "hard")
    compiled = dp._compiled()
    return compiled.key_hits(*args) if compiled is not None else _key_hits_python(*args)


def _key_hits_python(src_sent, src_key, tgt_pos, tgt_start, tgt_end, df_s, lo, W, reach, total, hard):
    """dp_compiled.key_hits with numpy (when the C core was not built, or ALIGNTM_DP=python).
    Each key's target sentences are a sorted run of TGT_POS, so one searchsorted over (key,
    sentence) codes finds the run's part inside every source occurrence's window."""
    offset = reach + 2                       # windows start at -1 - reach: codes stay in their key
    base = int(lo.max()) + W + 2 * reach + 4
    n_keys = len(tgt_start)
    run_key = np.repeat(np.arange(n_keys, dtype=np.int64), tgt_end - tgt_start)
    codes = run_key * base + tgt_pos + offset
    first = lo[src_sent + 1] - 1 - reach
    last = lo[src_sent + 1] + W + reach
    p0 = np.searchsorted(codes, src_key * base + first + offset, side="left")
    p1 = np.searchsorted(codes, src_key * base + last + offset, side="right")
    counts = p1 - p0
    found = counts > 0
    keys, first_use = np.unique(src_key[found], return_index=True)
    local = np.empty(n_keys, dtype=np.int64)
    local[keys[np.argsort(first_use)]] = np.arange(len(keys))   # numbered in order of first use
    counts, p0 = counts[found], p0[found]
    within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    g = np.repeat(src_key[found], counts)
    if hard:
        weights = np.ones(len(g))
    else:
        weights = np.log(1 + total / (df_s[g] + (tgt_end - tgt_start)[g]))
    return local[g], np.repeat(src_sent[found], counts), tgt_pos[np.repeat(p0, counts) + within], weights


class _AnchorScores:
    """The anchor keys shared near one band, found once and used by both passes (only the
    length model changes between them). The matches of each bead type are made again when
    asked: kept, they took 16 arrays the size of the band (300 MB for 100,000 sentences)."""

    def __init__(self, S: _Side, T: _Side, lo, W):
        self.lo, self.W = lo, W
        self.n_rows, self.n_cols = S.n + 1, T.n + 1
        self.hard = _key_hits(S, T, lo, W, "hard")
        self.soft = _key_hits(S, T, lo, W, "soft")
        self._pairs_matched: np.ndarray | None = None

    def matches(self, a: int, b: int):
        return tuple(_bead_matches(hits, a, b, self.lo, self.W, self.n_rows, self.n_cols)
                     for hits in (self.hard, self.soft))

    def pairs_matched(self) -> np.ndarray:
        """Per band cell: whether the two sentences of the 1-1 bead ending there share a key
        (made once: every 1-n and n-1 bead type asks, aligner._unmatched)."""
        if self._pairs_matched is None:
            hm, sm = self.matches(1, 1)
            self._pairs_matched = (hm + sm) > 0
        return self._pairs_matched


def _bead_matches(hits, a: int, b: int, lo: np.ndarray, W: int, n_rows: int, n_cols: int) -> np.ndarray:
    """Per band cell (i, k): the summed weight of the keys found on both sides of the bead of
    type (a, b) ending at (i, lo[i]+k), each key counted once however many of the bead's
    sentences hold it (so that merging sentences earns nothing by itself)."""
    key_ids, ss, ts, weights = hits
    out = np.zeros((n_rows, W), dtype=np.float32)
    if not len(key_ids):
        return out
    codes, wts = [], []
    for da in range(a):
        for db in range(b):
            i, j = ss + 1 + da, ts + 1 + db
            inside = (i < n_rows) & (j < n_cols)   # a bead ending past a document's end is no bead
            codes.append((key_ids[inside] * n_rows + i[inside]) * n_cols + j[inside])
            wts.append(weights[inside])
    code, first = np.unique(np.concatenate(codes), return_index=True)
    w = np.concatenate(wts)[first]
    j = code % n_cols
    i = (code // n_cols) % n_rows
    k = j - lo[i]
    ok = (k >= 0) & (k < W)
    out += np.bincount(i[ok] * W + k[ok], w[ok], minlength=n_rows * W).reshape(n_rows, W).astype(np.float32)
    return out


def _distinct_keys(table, n: int, span: int) -> np.ndarray:
    """D[e] = number of distinct keys of TABLE in sentences e-span .. e-1 (0 where e < span)."""
    sent, key = table
    compiled = dp._compiled()
    if compiled is not None:
        return compiled.distinct_keys(sent, key, n, span, int(key.max(initial=0)) + 1)
    out = np.zeros(n + 1)
    starts = np.searchsorted(sent, np.arange(n + 1)).tolist()
    keys = key.tolist()
    for e in range(span, n + 1):
        out[e] = len(set(keys[starts[e - span]:starts[e]]))
    return out


def _cost_tensor(scores: _AnchorScores, S: _Side, T: _Side, lo: np.ndarray, W: int,
                 model: LengthModel, types: list[tuple[int, int]]):
    """COST[t, i, k] of the bead types[t] ending at (i, lo[i]+k) (float32: the band of a
    100,000-sentence pair is 9 x 100,000 x 49 cells) and SKIP_T[i, k] of the 0-1 bead there."""
    compiled = dp._compiled()
    if compiled is not None:
        return _compiled_cost_tensor(compiled, scores, S, T, lo, W, model, types)
    n_rows = S.n + 1
    I = np.arange(n_rows)[:, None] + np.zeros((1, W), dtype=int)
    J = lo[:, None] + np.arange(W)[None, :]
    valid_j = J <= T.n
    cost = np.full((len(types), n_rows, W), np.inf, dtype=np.float32)
    for t, (a, b) in enumerate(types):
        ok = valid_j & (I >= a) & (J >= b)
        if not ok.any():
            continue
        i, j = I[ok], J[ok]
        if b == 0:
            cost[t][ok] = _skip_sum(S, i, a) + P.PRIOR[(a, b)]
            continue
        ls = S.cum_length[i] - S.cum_length[i - a]
        lt = T.cum_length[j] - T.cum_length[j - b]
        c = model.cost(ls, lt) + P.PRIOR[(a, b)]
        hm, sm = scores.matches(a, b)
        hm, sm = hm[ok], sm[ok]
        n_hard = S.distinct_hard(a)[i] + T.distinct_hard(b)[j]
        missing = np.maximum(0.0, n_hard - 2 * hm)
        c += -P.HARD_MATCH * hm + P.HARD_MISS * missing - P.SOFT_MATCH * sm
        if min(a, b) == 1 and max(a, b) > 1:
            c -= _split_bonus(S, T, i, j, a, b)
            c += P.UNMATCHED * _unmatched(scores, S, T, lo, W, i, j, a, b)
        elif (a, b) == (1, 1):
            c += P.UNMATCHED_PAIR * _unmatched_pair(scores.pairs_matched()[ok], S, T, i, j)
        cost[t][ok] = c
    skip_t = np.zeros((n_rows, W))
    jj = J.clip(1, max(T.n, 1)) - 1
    skip_t[:] = np.where((J >= 1) & valid_j, T.skip[jj] if T.n else 0.0, 0.0)
    return cost, skip_t


def _compiled_cost_tensor(compiled, scores, S, T, lo, W, model, types):
    type_a, type_b = dp._type_arrays(types)

    def side(X, spans):
        dist = np.zeros((max(spans) + 1, X.n + 1))
        for span in set(spans) - {0}:
            dist[span] = X.distinct_hard(span)
        return X.length, X.cum_length, X.skip.astype(float), dist, X.splits, X.split_bonus, X.split_count

    return compiled.cost_tensor(type_a, type_b, np.array([P.PRIOR[t] for t in types]),
                                np.asarray(lo, dtype=np.int64), W, S.n, T.n,
                                *side(S, type_a), *side(T, type_b), *scores.hard, *scores.soft,
                                model.ratio, model.variance, P.LENGTH_DOF, P.HARD_MATCH, P.HARD_MISS,
                                P.SOFT_MATCH, P.SPLIT_TOLERANCE, S.matchable_in(T), T.matchable_in(S),
                                P.UNMATCHED, P.MATCHABLE, P.UNMATCHED_PAIR, P.MATCHABLE_PAIR)


def _skip_sum(side: _Side, i: np.ndarray, a: int) -> np.ndarray:
    total = np.zeros(i.shape)
    for d in range(1, a + 1):
        total += side.skip[i - d]
    return total


def _matchable(X: _Side, Y: _Side) -> np.ndarray:
    """Per sentence of X: how many of its distinct keys occur somewhere in Y."""
    other = np.concatenate((Y.hard[1], Y.soft[1]))   # not union1d: plain np.unique imports numpy.ma (20 ms)
    out = np.zeros(X.n)
    for sent, key in (X.hard, X.soft):
        out += np.bincount(sent[np.isin(key, other)], minlength=X.n)
    return out


def _unmatched(scores: _AnchorScores, S: _Side, T: _Side, lo, W: int, i, j, a: int, b: int) -> np.ndarray:
    """Per cell of a 1-n (n-1) bead: the sentences of its several side that share no key with its
    one sentence although they hold at least P.MATCHABLE keys the other document has. Such a
    sentence is likelier one the other side left out than part of a join."""
    matched = scores.pairs_matched()
    out = np.zeros(i.shape)
    for m in range(max(a, b)):
        if a == 1:                        # target sentence j-b+m with source sentence i-1
            row, sentence, counts = i, j - b + m, T.matchable_in(S)
            col = sentence + 1 - lo[row]
        else:                             # source sentence i-a+m with target sentence j-1
            row = i - a + m + 1
            col, sentence, counts = j - lo[row], i - a + m, S.matchable_in(T)
        inside = (col >= 0) & (col < W)   # a pair outside the band counts as matched
        hit = np.ones(i.shape, dtype=bool)
        hit[inside] = matched[row[inside], col[inside]]
        out += ~hit & (counts[sentence] >= P.MATCHABLE)
    return out


def _unmatched_pair(matched: np.ndarray, S: _Side, T: _Side, i, j) -> np.ndarray:
    """Per cell of a 1-1 bead: whether its two sentences share no key although each holds at
    least P.MATCHABLE_PAIR keys the other document has (MATCHED: whether they share one)."""
    return ~matched & (S.matchable_in(T)[i - 1] >= P.MATCHABLE_PAIR) & (T.matchable_in(S)[j - 1] >= P.MATCHABLE_PAIR)


def _split_bonus(S: _Side, T: _Side, i, j, a, b) -> np.ndarray:
    """A sentence paired with several whose split points cut it in the proportions of those
    sentences is likelier a true 1-n (n-1) bead: a bonus per boundary of the several that
    falls near a split point (a clause boundary, or stronger, a sentence end inside the line)."""
    if a == 1:
        side, rows = S, i - 1
        lengths = [T.length[j - b + m] for m in range(b)]
    else:
        side, rows = T, j - 1
        lengths = [S.length[i - a + m] for m in range(a)]
    out = np.zeros(rows.shape)
    # only the cells whose long sentence has split points, and per column of split points
    # only the sentences that have that many: most have none, a few paragraphs have dozens
    counts = side.split_count[rows]
    cells = np.flatnonzero(counts)
    if not len(cells):
        return out
    rows, counts = rows[cells], counts[cells]
    lengths = [length[cells] for length in lengths]
    total = np.maximum(sum(lengths), 1.0)
    share = np.zeros(total.shape)
    for length in lengths[:-1]:
        share = share + length / total  # where this boundary falls, as a share of the whole
        best = np.zeros(total.shape)
        for column in range(int(counts.max())):
            has = np.flatnonzero(counts > column)
            r = rows[has]
            closeness = np.clip(1 - np.abs(side.splits[r, column] - share[has]) / P.SPLIT_TOLERANCE, 0, 1)
            best[has] = np.maximum(best[has], closeness * side.split_bonus[r, column])
        out[cells] += best
    return out


def _without_common_keys(src: _Side, tgt: _Side) -> None:
    """Drop the keys held by more than half the blocks of either side: they tell no block from
    another, and at the top of a long document's block levels (400 blocks of 256 sentences,
    searched whole) they were 7 of the 8 million key pairs the cost is made from."""
    width = 1 + max(int(k.max(initial=-1)) for side in (src, tgt) for _, k in (side.hard, side.soft))
    common = np.zeros(width, dtype=bool)
    for side in (src, tgt):
        held = np.bincount(side.hard[1], minlength=width) + np.bincount(side.soft[1], minlength=width)
        common |= 8 * held > side.n
    if common.any():
        src.without_keys(common)
        tgt.without_keys(common)


def _band(S: _Side, T: _Side, model: LengthModel, full_cells: int | None = None):
    """Rows' first columns (lo) and width W of the band to search: the whole table up to
    FULL_CELLS cells, else around the path found on blocks (their own band from blocks of
    blocks beyond P.FULL_BLOCK_CELLS)."""
    N, M = S.n, T.n
    if (N + 1) * (M + 1) <= (P.FULL_CELLS if full_cells is None else full_cells):
        return np.zeros(N + 1, dtype=int), M + 1
    size = P.BLOCK
    coarse_src, coarse_tgt = S.blocks(size), T.blocks(size)
    _without_common_keys(coarse_src, coarse_tgt)
    lo, W = _band(coarse_src, coarse_tgt, model, P.FULL_BLOCK_CELLS)
    coarse = _viterbi_beads(coarse_src, coarse_tgt, model, lo, W)
    low = np.full(N + 1, M, dtype=int)
    high = np.zeros(N + 1, dtype=int)
    i0 = j0 = 0  # where the bead starts, in blocks
    for bead in coarse:
        i1, j1 = i0 + len(bead.src), j0 + len(bead.tgt)
        rows = slice(min(i0 * size, N), min(i1 * size, N) + 1)
        low[rows] = np.minimum(low[rows], min(j0 * size, M))
        high[rows] = np.maximum(high[rows], min(j1 * size, M))
        i0, j0 = i1, j1
    low[0], high[N] = 0, M
    lo = np.maximum(0, low - P.BAND_MARGIN)
    hi = np.minimum(M, high + P.BAND_MARGIN)
    W = int((hi - lo).max()) + 1
    return lo, W


def _search_space(S: _Side, T: _Side, model, lo=None, W=None, scores=None, lexical=None):
    if lo is None:
        lo, W = _band(S, T, model)
    scores = scores or _AnchorScores(S, T, lo, W)
    cost, skip_t = _cost_tensor(scores, S, T, lo, W, model, P.BEAD_TYPES)
    for t, flat, amount in lexical or ():   # _lexical_adjustment's, for this band
        cost[t].reshape(-1)[flat] -= amount
    return lo, W, cost, skip_t


def _lexical_adjustment(lo, W: int, forward, backward, types) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """What the translation model's scores (align/translation_model.py, PairScores) take off the
    cost of each bead in the band: P.LEXICAL_WEIGHT times, per target sentence, the best score
    given one of the bead's source sentences, and per source sentence the best given one of its
    target sentences. As (bead type, flat cells of its cost plane, amounts)."""
    n_rows, n_cols = forward.shape[0] + 1, forward.shape[1] + 1
    reach = max(max(a, b) for a, b in types)
    fwd, c0 = _band_scores(forward, lo, W, reach)
    bwd, _ = _band_scores(backward, lo, W, reach)
    I = np.repeat(np.arange(n_rows), W)
    J = (lo[:, None] + np.arange(W)[None, :]).ravel()
    out = []
    for t, (a, b) in enumerate(types):
        if not a or not b:
            continue
        ok = (I >= a) & (J >= b) & (J < n_cols)
        i, j = I[ok], J[ok]
        score = np.zeros(len(i), dtype=np.float32)
        for db in range(b):
            score += np.max([fwd[i - a + da, j - b + db - c0[i - a + da]] for da in range(a)], axis=0)
        for da in range(a):
            score += np.max([bwd[i - a + da, j - b + db - c0[i - a + da]] for db in range(b)], axis=0)
        out.append((t, np.flatnonzero(ok), P.LEXICAL_WEIGHT * score))
    return out


def _band_scores(scores, lo, W: int, reach: int) -> tuple[np.ndarray, np.ndarray]:
    """The scores a band reads, as a table: row i' holds those of source sentence i' with target
    sentences c0[i'] .. c0[i'] + width - 1, the columns that the beads ending in rows i' + 1 ..
    i' + REACH of the band (rows lo[i] .. lo[i] + W - 1) can read. Returns (table, c0)."""
    N, M = scores.shape
    ends = np.minimum(np.arange(N)[:, None] + np.arange(1, reach + 1)[None, :], N)   # rows that read i'
    c0 = np.maximum(0, lo[ends].min(axis=1) - reach)
    width = max(1, int((np.minimum(lo[ends].max(axis=1) + W, M) - c0).max()))
    i = np.repeat(np.arange(N), width)
    j = (c0[:, None] + np.arange(width)[None, :]).ravel()
    table = np.zeros(N * width, dtype=np.float32)
    inside = j < M
    table[inside] = scores.at(i[inside], j[inside])
    return table.reshape(N, width), c0


def _path_to_beads(path, types) -> list[Bead]:
    spans = [(0, 1) if t == -1 else types[t] for t, _, _ in path]
    return [Bead(tuple(range(i - a, i)), tuple(range(j - b, j))) for (a, b), (_, i, j) in zip(spans, path)]


def _viterbi_beads(S: _Side, T: _Side, model, lo=None, W=None, scores=None, lexical=None):
    lo, W, cost, skip_t = _search_space(S, T, model, lo, W, scores, lexical)
    path, _ = dp.viterbi(cost, skip_t, lo, P.BEAD_TYPES, T.n)
    return _path_to_beads(path, P.BEAD_TYPES)


def align_features(src: list[Features], tgt: list[Features], length_only: bool = False,
                   fixed=None, model: LengthModel | None = None, lexical=None) -> list[Bead]:
    """Align two documents given as per-sentence features; every sentence is in exactly one bead.

    LENGTH_ONLY ignores anchors and clause split points: a calibrated Gale-Church baseline.
    FIXED: beads a person has checked (`Bead`s or (source indices, target indices) pairs), in
    document order. They are kept as they are (confidence 1.0) and the aligner searches only the
    stretches between them, which no bead may cross; a fixed bead with one side empty says that
    sentence has no translation. MODEL: the length model to use (say, the whole document's when
    realigning a stretch of it); estimated from the documents when None. LEXICAL: the translation
    model's scores of the sentence pairs, (target given source, source given target), each
    PairScores (TranslationModel.scores) or a matrix [source sentence, target sentence]; or None.
    """
    if not src and not tgt:
        return []
    with gcpause.paused():
        return _align(src, tgt, length_only, fixed, model, lexical)



def _align(src, tgt, length_only, fixed, model, lexical=None) -> list[Bead]:
    if length_only:
        src, tgt = _lengths_only(src), _lengths_only(tgt)
        lexical = None
    elif P.DROP_ONE_SIDED_CONVENTIONS:
        src, tgt = _without_conventions(src, tgt)
    fixed = check_fixed(fixed or (), len(src), len(tgt))
    stretches = [_Stretch(src, tgt, s_ids, t_ids, lexical) for s_ids, t_ids in _stretches(fixed, len(src), len(tgt))]
    if model is None:
        # Pass 1 with the ratio of total lengths (or of the fixed beads), then the length model
        # re-estimated from its 1-1 beads and a second pass over the same band.
        first_model = estimate_length_model(src, tgt, [Bead(*b) for b in fixed] or None)
        first = [bead for s in stretches for bead in s.viterbi(first_model)]
        model = estimate_length_model(src, tgt, first + [Bead(*b) for b in fixed])
    beads = [Bead(*b) for b in fixed]
    for stretch in stretches:
        beads.extend(stretch.align(model))
    if fixed:
        beads = _in_document_order(beads)
    for bead in beads:
        _explain(bead, src, tgt)
    return beads


def check_fixed(fixed, n_src: int, n_tgt: int) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """FIXED as (source, target) index tuples, checked: each side a run of consecutive sentences
    that exist, no sentence in two beads, and the beads in the order of both documents."""
    out = []
    for k, bead in enumerate(fixed):
        s, t = (bead.src, bead.tgt) if isinstance(bead, Bead) else bead
        s, t = tuple(int(i) for i in s), tuple(int(j) for j in t)
        if not s and not t:
            raise ValueError(f"fixed bead {k}: no sentence on either side")
        for side, ids, n in (("source", s, n_src), ("target", t, n_tgt)):
            if ids and (ids[0] < 0 or ids[-1] >= n):
                raise ValueError(f"fixed bead {k}: {side} sentence out of range (the document has {n})")
            if ids and list(ids) != list(range(ids[0], ids[0] + len(ids))):
                raise ValueError(f"fixed bead {k}: {side} sentences {list(ids)} are not consecutive")
        out.append((s, t))
    for side in (0, 1):
        last = -1
        for k, bead in enumerate(out):
            if bead[side]:
                if bead[side][0] <= last:
                    raise ValueError(f"fixed bead {k}: {'source' if side == 0 else 'target'} sentence "
                                     f"{bead[side][0]} overlaps or comes before the previous fixed bead")
                last = bead[side][-1]
    return out


def _stretches(fixed, n_src: int, n_tgt: int):
    """(source ids, target ids) of each stretch between the two-sided fixed beads, without the
    sentences of one-sided fixed beads (those sentences are left unaligned)."""
    alone_s = {i for s, t in fixed if not t for i in s}
    alone_t = {j for s, t in fixed if not s for j in t}
    cuts = [(s[0], s[-1] + 1, t[0], t[-1] + 1) for s, t in fixed if s and t]
    out, i0, j0 = [], 0, 0
    for s0, s1, t0, t1 in cuts + [(n_src, n_src, n_tgt, n_tgt)]:
        s_ids = [i for i in range(i0, s0) if i not in alone_s]
        t_ids = [j for j in range(j0, t0) if j not in alone_t]
        if s_ids or t_ids:
            out.append((s_ids, t_ids))
        i0, j0 = s1, t1
    return out


def _in_document_order(beads: list[Bead]) -> list[Bead]:
    """Beads of stretches and fixed beads in reading order: by first source sentence, a bead
    without source sentences just before the first bead whose target sentences follow its own."""
    with_src = sorted((b for b in beads if b.src), key=lambda b: b.src[0])
    tgt_only = sorted((b for b in beads if not b.src), key=lambda b: b.tgt[0])
    out, k = [], 0
    for bead in with_src:
        while k < len(tgt_only) and bead.tgt and tgt_only[k].tgt[0] < bead.tgt[0]:
            out.append(tgt_only[k])
            k += 1
        out.append(bead)
    return out + tgt_only[k:]


class _Stretch:
    """Part of the documents the aligner searches on its own: the sentences SRC_IDS and TGT_IDS
    (consecutive but for those left out). Its band and anchor matches are made with the first
    length model it is given and reused by the second pass."""

    def __init__(self, src, tgt, src_ids: list[int], tgt_ids: list[int], lexical=None):
        self.src_ids, self.tgt_ids = src_ids, tgt_ids
        self.whole = src_ids == list(range(len(src))) and tgt_ids == list(range(len(tgt)))
        self.src = src if self.whole else [src[i] for i in src_ids]
        self.tgt = tgt if self.whole else [tgt[j] for j in tgt_ids]
        if lexical is not None:
            lexical = tuple(as_pair_scores(m) for m in lexical)
            if not self.whole:
                lexical = tuple(m.restricted(src_ids, tgt_ids) for m in lexical)
        self.lexical = lexical
        self._band = None

    def _space(self, model):
        """The sides as arrays, the band and its anchor matches, made on the first call."""
        if self._band is None:
            vocabulary: dict = {}
            S, T = _Side.from_features(self.src, vocabulary), _Side.from_features(self.tgt, vocabulary)
            lo, W = _band(S, T, model)
            lexical = _lexical_adjustment(lo, W, *self.lexical, P.BEAD_TYPES) if self.lexical else None
            self._band = S, T, lo, W, _AnchorScores(S, T, lo, W), lexical
        return self._band

    def _global(self, beads: list[Bead]) -> list[Bead]:
        if self.whole:
            return beads    # the stretch is the whole of both documents: indices are global already
        for b in beads:
            b.src = tuple(self.src_ids[i] for i in b.src)
            b.tgt = tuple(self.tgt_ids[j] for j in b.tgt)
        return beads

    def _one_sided(self) -> list[Bead] | None:
        if self.src and self.tgt:
            return None
        return [Bead((i,), ()) for i in self.src_ids] + [Bead((), (j,)) for j in self.tgt_ids]

    def viterbi(self, model) -> list[Bead]:
        alone = self._one_sided()
        if alone is not None:
            return alone
        S, T, lo, W, scores, lexical = self._space(model)
        return self._global(_viterbi_beads(S, T, model, lo, W, scores, lexical))

    def align(self, model) -> list[Bead]:
        """The best beads with their confidence (posterior probability)."""
        alone = self._one_sided()
        if alone is not None:
            return alone
        S, T, lo, W, scores, lexical = self._space(model)
        lo, W, cost, skip_t = _search_space(S, T, model, lo, W, scores, lexical)
        path, _ = dp.viterbi(cost, skip_t, lo, P.BEAD_TYPES, T.n)
        beads = _path_to_beads(path, P.BEAD_TYPES)
        _add_confidence(beads, path, cost, skip_t, lo, T.n)
        return self._global(beads)


def _without_conventions(src: list[Features], tgt: list[Features]):
    """Drop hard anchors that recur on one side and never occur on the other ("Lao PDR" for
    ラオス, surnames in capitals): a convention of the translation, not evidence against pairs.
    A key found once on one side only is kept: it may mark a sentence the other side lacks."""
    def counts(feats):
        c = Counter()
        for f in feats:
            c.update(f.hard.keys())
        return c
    cs, ct = counts(src), counts(tgt)
    drop = {k for k, n in cs.items() if n >= 2 and k not in ct} | {k for k, n in ct.items() if n >= 2 and k not in cs}
    if not drop:
        return src, tgt

    def strip(feats):
        out = []
        for f in feats:
            if drop.isdisjoint(f.hard):
                out.append(f)
            else:
                g = copy(f)
                g.hard = Counter({k: n for k, n in f.hard.items() if k not in drop})
                out.append(g)
        return out
    return strip(src), strip(tgt)


def _lengths_only(feats: list[Features]) -> list[Features]:
    return [Features(length=f.length, furniture=f.furniture) for f in feats]  # no anchors, no split points


def _add_confidence(beads, path, cost, skip_t, lo, n_tgt):
    """Posterior probability of each bead on the path (forward-backward over the band).
    COST and SKIP_T are divided by the temperature in place (no copy of the band)."""
    T = P.TEMPERATURE
    cost /= T
    skip_t /= T
    c, s = cost, skip_t
    if dp._compiled() is not None:
        # the compiled passes release the GIL: the backward one runs on a second core
        with ThreadPoolExecutor(max_workers=1) as pool:
            later = pool.submit(contextvars.copy_context().run, dp.backward, c, s, lo, P.BEAD_TYPES, n_tgt)
            F = dp.forward(c, s, lo, P.BEAD_TYPES, n_tgt)
            B = later.result()
    else:
        F = dp.forward(c, s, lo, P.BEAD_TYPES, n_tgt)
        B = dp.backward(c, s, lo, P.BEAD_TYPES, n_tgt)
    total = F[-1, n_tgt - lo[-1]]
    for bead, (t, i, j) in zip(beads, path):
        k = j - lo[i]
        if t == -1:
            start = F[i, k - 1]
            step = s[i, k]
        else:
            a, b = P.BEAD_TYPES[t]
            start = F[i - a, j - b - lo[i - a]]
            step = c[t, i, k]
        bead.confidence = float(min(1.0, max(0.0, math.exp(start - step + B[i, k] - total))))


def _explain(bead: Bead, src: list[Features], tgt: list[Features]) -> None:
    """The anchors that support (matched) or contradict (conflicts) a bead: keys on both sides,
    and hard keys whose counts differ (with Counters of positive counts, the keys of
    (hs & ht), (ss & st) and (hs - ht) + (ht - hs); set operations are several times faster)."""
    if not bead.src or not bead.tgt:
        return
    hs, ss = _summed(src, bead.src)
    ht, st = _summed(tgt, bead.tgt)
    matched = sorted(hs.keys() & ht.keys()) if hs and ht else []
    if ss and st:
        matched += sorted(ss.keys() & st.keys())
    bead.matched = matched
    bead.conflicts = sorted(k for k in hs.keys() | ht.keys() if hs.get(k, 0) != ht.get(k, 0)) if hs or ht else []


def _summed(feats: list[Features], indices) -> tuple[Counter, Counter]:
    """The hard and soft anchors of the sentences INDICES (a sentence's own, for one)."""
    if len(indices) == 1:
        f = feats[indices[0]]
        return f.hard, f.soft
    hard, soft = Counter(), Counter()
    for i in indices:
        hard.update(feats[i].hard)
        soft.update(feats[i].soft)
    return hard, soft
