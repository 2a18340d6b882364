"""Word translation probabilities learned from the documents themselves (IBM Model 1), to score
every pair of sentences in the second pass.

The learned lexicon (align/lexicon.py) keeps, per word, its one likeliest partner, and gives a
sentence a few of them as anchors: evidence for a pair when a key is on both sides, none against
it. Where two neighbouring sentences are about the same thing (a dropped sentence beside its
neighbour), that is not enough. IBM Model 1 (Brown et al. 1993), trained by EM on the same sure
pairs as the lexicon (Moore 2002 does this for sentence alignment), gives every word of a sentence
a probability of being a translation of some word of the other; against how often the word occurs
at all, this is a log-likelihood ratio per word, positive where the other sentence explains it,
negative where nothing does.

score(i, j) = sum over the words w of target sentence j that some source sentence explains of
              log(SMOOTH + (1 - SMOOTH) * p(w | source sentence i) / p(w | the document)),
with p(w | sentence) the mean of t(w | s) over its words s and an empty word, and p(w | the
document) its mean over the document's sentences: a word of the document's topic, which many of
its sentences explain, tells none of them apart (against the word's frequency in the training
pairs instead, neighbours on the same topic looked like translations). The same from target to
source. Each score is divided by the words of an average sentence of the scored side, so that its
weight does not depend on how many "words" a script is cut into. Words are what `Language.words`
gives (character n-grams in scripts without spaces); only words seen twice in training count.
Scores are computed for the sentence pairs the aligner reads, those of its band (PairScores).
"""
from __future__ import annotations

import hashlib
import itertools
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from . import params as P

ITERATIONS = 5
# t(w | s) below this is dropped after training (the model travels to batch workers)
MIN_PROBABILITY = 0.01
# EM runs over every (source word, target word) of every training pair: at most this many, from
# pairs spread evenly over those given. Scripts cut into n-grams have many words a sentence: 841
# ja-th pairs make 4.4 million.
MAX_COMBINATIONS = 20_000_000
# Training takes about 31 bytes a word pair at its peak; the two directions are trained at once
# (in two threads) up to this many word pairs, one after the other above it. kyoto-dev's batch
# (16 million) gained no time at once, and its peak rose 0.77 -> 1.12 GB.
PARALLEL_COMBINATIONS = 8_000_000
# a target word held by more than 1/COMMON of a document's sentences is not scored
COMMON = 2
# leaving_out takes the pairs' expected counts back this many times: EM's rounds had built on
# each pair's own shares, so one E step under the final model understates what the pair taught.
# Mean |score - score of a model trained without the pairs| over 8 documents of a batch, at 1 /
# 1.5 / 2 / 3: ja-th 0.165 0.142 0.153 0.193, zh-en 0.228 0.182 0.186 0.235, ko-en 0.206 0.165
# 0.168 0.219, kyoto-dev 0.090 0.064 0.067 0.097 (nothing taken back: 0.30-0.55).
TAKE_BACK = 1.5


class _Direction:
    """t(target word | source word) for one direction, sparse: codes s * n_tgt + t, sorted."""

    def __init__(self, src_vocab, tgt_vocab, codes: np.ndarray, prob: np.ndarray,
                 total: np.ndarray | None = None, src_count: np.ndarray | None = None,
                 tgt_count: np.ndarray | None = None, sizes: tuple[int, int] | None = None):
        self.src_vocab, self.tgt_vocab = src_vocab, tgt_vocab
        self.codes, self.prob = codes, prob
        # the source words (the empty word last) and target words the ids number
        self.empty, self.n_t = sizes or (len(src_vocab), len(tgt_vocab))
        # for leaving_out: each source word's expected count in the last E step, and the pairs
        # each word was seen in
        self.total, self.src_count, self.tgt_count = total, src_count, tgt_count

    @classmethod
    def train(cls, pairs: list[tuple[frozenset, frozenset]]) -> "_Direction":
        src_vocab, src_count, src_ids, src_n = _vocabulary([ws for ws, _ in pairs])
        tgt_vocab, tgt_count, tgt_ids, tgt_n = _vocabulary([wt for _, wt in pairs])
        empty = len(src_vocab)                # the empty word: explains what no word does
        n_t = len(tgt_vocab)
        # every (source word, target word) of each pair with a known target word, the source
        # side with the empty word; made with index arithmetic over all pairs at once
        has = tgt_n > 0
        if not has.any():
            return cls(src_vocab, tgt_vocab, np.zeros(0, np.int64), np.zeros(0, np.float32),
                       np.zeros(empty + 1), src_count, tgt_count)
        lb = tgt_n[has]
        B = tgt_ids[np.repeat(has, tgt_n)]
        la = src_n[has] + 1
        A = np.empty(int(la.sum()), dtype=np.int64)
        last = np.cumsum(la) - 1              # each pair's empty word, after its words
        words = np.ones(len(A), dtype=bool)
        words[last] = False
        A[words] = src_ids[np.repeat(has, src_n)]
        A[last] = empty
        code, g = _combinations(la, lb, A, B, n_t)
        first = np.flatnonzero(np.concatenate(([True], code[1:] != code[:-1]))).astype(np.int32)
        codes = code[first]
        del code
        runs = np.diff(np.append(first, len(g))).astype(np.int32)
        source_of = (codes // n_t).astype(np.int32)
        # float32: the tables are about as long as the combinations (most word pairs occur once),
        # and EM's five rounds lose nothing in it
        prob = np.full(len(codes), 1.0 / max(1, n_t), dtype=np.float32)
        total = _em(runs, g, source_of, len(B), empty + 1, prob)
        keep = prob >= MIN_PROBABILITY
        return cls(src_vocab, tgt_vocab, codes[keep], prob[keep], total, src_count, tgt_count)

    def leaving_out(self, pairs: list[tuple[frozenset, frozenset]]) -> "_Direction":
        """This direction as if trained without PAIRS (training pairs of the document to be
        scored, those beside a place its first alignment was unsure of): their expected counts under the model (one E step) taken out of each source
        word's, and the words they leave seen fewer than twice unknown. The document's own
        pairs had vouched for themselves: a wrong pair the first pass was sure of taught the
        model its words, and the second pass then preferred it (lexicon.Lexicon.leaving_out)."""
        if self.total is None or not pairs:
            return self
        n_t, empty = self.n_t, self.empty
        seen_s, seen_t = Counter(), Counter()
        codes, shares = [], []
        for ws, wt in pairs:
            known_s = [w for w in ws if w in self.src_vocab]
            known_t = [w for w in wt if w in self.tgt_vocab]
            seen_s.update(known_s)
            seen_t.update(known_t)
            a = sorted(self.src_vocab[w] for w in known_s)   # summed in this order: not the set's
            b = [self.tgt_vocab[w] for w in known_t]
            if not b:
                continue
            q = (np.array(a + [empty], dtype=np.int64)[:, None] * n_t + np.array(b, dtype=np.int64)[None, :])
            at = np.minimum(np.searchsorted(self.codes, q), max(0, len(self.codes) - 1))
            t = np.where(self.codes[at] == q, self.prob[at], 0.0) if len(self.codes) else np.zeros(q.shape)
            column = t.sum(axis=0)
            codes.append(q[:, column > 0].ravel())
            shares.append((t[:, column > 0] / column[column > 0]).ravel())   # E step: posteriors
        codes = np.concatenate(codes) if codes else np.zeros(0, np.int64)
        shares = np.concatenate(shares) if shares else np.zeros(0)
        # each touched source word's count, less the pairs' shares
        code, at = np.unique(codes, return_inverse=True)
        lost = TAKE_BACK * np.bincount(at, shares, minlength=len(code))
        sources = code // n_t       # sorted, as CODE is: its distinct values without np.unique (numpy.ma)
        sources = sources[np.concatenate(([True], sources[1:] != sources[:-1]))] if len(sources) else sources
        lost_total = np.bincount(code // n_t, lost, minlength=empty + 1)[sources]
        remaining = self.total[sources] - lost_total
        prob = self.prob.copy()
        lo = np.searchsorted(self.codes, sources * n_t)
        hi = np.searchsorted(self.codes, (sources + 1) * n_t)
        entries = _ragged(lo, hi - lo)
        owner = np.repeat(np.arange(len(sources)), hi - lo)
        count = prob[entries].astype(np.float64) * self.total[sources][owner]
        found = np.searchsorted(code, self.codes[entries])
        found = np.minimum(found, max(0, len(code) - 1))
        hit = code[found] == self.codes[entries] if len(code) else np.zeros(len(entries), bool)
        count[hit] -= lost[found[hit]]
        denominator = remaining[owner]
        new = np.where((denominator > 1e-9) & (count > 1e-9), count / np.maximum(denominator, 1e-9), 0.0)
        prob[entries] = new.astype(np.float32)
        gone_s = {w for w, n in seen_s.items() if self.src_count[self.src_vocab[w]] - n < 2}
        gone_t = {w for w, n in seen_t.items() if self.tgt_count[self.tgt_vocab[w]] - n < 2}
        return _Direction(_without(self.src_vocab, gone_s), _without(self.tgt_vocab, gone_t),
                          self.codes, prob, None, None, None, (empty, n_t))

    def scores(self, src_words: list[set], tgt_words: list[set]) -> "PairScores":
        """The log-likelihood ratio of each target sentence j's words given each source sentence
        i (module docstring), computed for the pairs the aligner asks for (PairScores.at): a
        source sentence explains a few hundred target words (t(w | s) >= MIN_PROBABILITY), and
        only those of the target document count; a word source sentence i leaves unexplained
        costs log(SMOOTH), and one that no source sentence explains costs nothing."""
        n_t, empty = self.n_t, self.empty
        N, M = len(src_words), len(tgt_words)
        # the target words of each target sentence, (word, sentence) sorted by word
        occ_t, occ_j = _occurrences(tgt_words, self.tgt_vocab)
        if not len(occ_t) or not N:
            return _Matrix(np.zeros((N, M), dtype=np.float32))
        average = max(1.0, len(occ_t) / M)
        # words most sentences hold (the, of; の, に) are explained by every sentence alike and
        # score about nothing, but would be most of the work: left out
        held = np.bincount(occ_t)
        rare = held[occ_t] * COMMON <= M
        occ_t, occ_j = occ_t[rare], occ_j[rare]
        column = np.full(n_t, -1, dtype=np.int64)     # the target document's words: columns
        words = occ_t[np.concatenate(([True], occ_t[1:] != occ_t[:-1]))] if len(occ_t) else occ_t
        column[words] = np.arange(len(words))
        # each source sentence's words and the empty word, and their entries t(w | s)
        src_t, src_i = _occurrences(src_words, self.src_vocab)
        src_i = np.concatenate([src_i, np.arange(N)])
        src_s = np.concatenate([src_t, np.full(N, empty)])
        n_words = np.bincount(src_i, minlength=N).astype(np.float64)
        first = np.searchsorted(self.codes, src_s * n_t)
        count = np.searchsorted(self.codes, (src_s + 1) * n_t) - first
        entry = _ragged(first, count)
        e_i = np.repeat(src_i, count)
        e_c = column[self.codes[entry] % n_t]
        e_p = self.prob[entry]
        keep = (e_c >= 0) & (e_p > 0)      # 0: left out (leaving_out)
        e_i, e_c, e_p = e_i[keep], e_c[keep], e_p[keep] / n_words[e_i[keep]]
        # p(w | sentence i), summed over its words, for the (i, w) it is not zero
        u_i, u_c, explained = _keyed_sums(e_i, e_c, e_p, N, len(words))
        typical = np.bincount(u_c, explained, minlength=len(words)) / N      # its mean over the document
        smooth = P.LEXICAL_SMOOTH
        gain = np.log1p((1 - smooth) / smooth * explained / typical[u_c])
        # each target sentence's words, as columns, sentence by sentence
        order = np.argsort(occ_j, kind="stable")
        # a word no source sentence explains tells none of them apart: it counts for no pair. It
        # had cost log(SMOOTH) in every pair and nothing when its sentence was left unaligned, so
        # a loosely translated long sentence was left out (bsd-dev 190329_J01_18). Strict F1:
        # kyoto-dev 0.9922 -> 0.9937, bsd-dev 0.9993 -> 1.0000, wmt21 0.9683 -> 0.9691, my-en
        # 0.9936 -> 0.9952; ja-th 0.9924 -> 0.9903, th-en 0.9941 -> 0.9930, ja-vi 0.9941 ->
        # 0.9930, es-en 1.0000 -> 0.9989, kyoto-dev-noisy 0.9792 -> 0.9790; the others unchanged
        explained_somewhere = typical > 0
        n_scored = np.bincount(occ_j, explained_somewhere[column[occ_t]].astype(np.float64), minlength=M)
        return _Lazy(N, len(words), u_i, u_c, gain, column[occ_t[order]], np.bincount(occ_j, minlength=M),
                     np.log(smooth), average, n_scored)


def _without(vocab: dict, gone: set) -> dict:
    """VOCAB less the words GONE, the others keeping their ids: a dict of its own (a view that
    checked GONE on every lookup took 50 ms of a 1k pair's scores)."""
    return {w: k for w, k in vocab.items() if w not in gone} if gone else vocab


class PairScores:
    """Scores of the sentence pairs of two documents, [source sentence, target sentence]."""
    shape: tuple[int, int]

    def at(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """float32 scores of the pairs (i[k], j[k])."""
        raise NotImplementedError

    def dense(self) -> np.ndarray:
        """Every pair's score (small documents, tests)."""
        N, M = self.shape
        i, j = np.divmod(np.arange(N * M), M)
        return self.at(i, j).reshape(N, M)

    def restricted(self, src_ids: list[int], tgt_ids: list[int]) -> "PairScores":
        """The scores of the pairs of the sentences SRC_IDS x TGT_IDS, renumbered from 0."""
        return _Restricted(self, np.asarray(src_ids, dtype=np.int64), np.asarray(tgt_ids, dtype=np.int64))

    def transposed(self) -> "PairScores":
        return _Transposed(self)


def as_pair_scores(scores) -> PairScores:
    """PairScores from PairScores or a matrix [source sentence, target sentence]."""
    return scores if isinstance(scores, PairScores) else _Matrix(np.asarray(scores, dtype=np.float32))


class _Lazy(PairScores):
    """A direction's scores kept as the log1p terms of the (source sentence i, word column c)
    where sentence i explains the word (U_I sorted, U_C, GAIN), and each target sentence's word
    columns: a pair's score is computed when asked for. The aligner asks for the pairs in its
    band, a few dozen a sentence: the whole N x M matrix had cost a 2.8k pair 3 s and 0.7 GB."""

    ROWS = 128   # source sentences whose terms are laid out densely at a time, to be read

    def __init__(self, n_src: int, n_columns: int, u_i: np.ndarray, u_c: np.ndarray, gain: np.ndarray,
                 columns: np.ndarray, n_words: np.ndarray, log_smooth: float, average: float,
                 n_scored: np.ndarray | None = None):
        self.n_columns, self.u_i, self.u_c, self.gain = n_columns, u_i, u_c, gain
        self.columns, self.n_words = columns, n_words
        self.start = np.cumsum(n_words) - n_words
        self.log_smooth, self.average = log_smooth, average
        self.n_scored = n_words if n_scored is None else n_scored
        self.shape = (n_src, len(n_words))
        self._row_start = None   # where each source sentence's terms start (made when first asked)

    def at(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        i, j = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
        from . import dp
        compiled = dp._compiled()
        if compiled is not None:    # the same sums in C, without numpy's temporaries (a 1k pair: 100 -> 10 ms)
            if self._row_start is None:
                self._row_start = np.searchsorted(self.u_i, np.arange(self.shape[0] + 1))
            score = compiled.pair_gains(i, j, self._row_start, self.u_c, self.gain, self.start, self.n_words,
                                        self.columns, self.n_columns)
        else:
            score = self._gains(i, j)
        score += self.log_smooth * self.n_scored[j]
        # per word of an average sentence: scripts cut into n-grams give a sentence many more
        # "words" than English does, and the weight of the score must not depend on that
        return (score / self.average).astype(np.float32)

    def _gains(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """pair_gains of dp_compiled with numpy: source sentences' gains laid out ROWS at a time."""
        order = np.argsort(i, kind="stable")
        i_sorted = i[order]
        score = np.zeros(len(i))
        # one block, cleared entry by entry after use, not a new one zeroed each time
        block = np.zeros((self.ROWS, self.n_columns))
        for r0 in range(0, self.shape[0], self.ROWS):
            q0, q1 = np.searchsorted(i_sorted, [r0, r0 + self.ROWS])
            if q0 == q1:
                continue
            e0, e1 = np.searchsorted(self.u_i, [r0, r0 + self.ROWS])
            rows, cols = self.u_i[e0:e1] - r0, self.u_c[e0:e1]
            block[rows, cols] = self.gain[e0:e1]
            q = order[q0:q1]
            n = self.n_words[j[q]]
            values = block[np.repeat(i[q] - r0, n), self.columns[_ragged(self.start[j[q]], n)]]
            score[q] = np.bincount(np.repeat(np.arange(len(q)), n), values, minlength=len(q))
            block[rows, cols] = 0.0
        return score


class _Matrix(PairScores):
    def __init__(self, matrix: np.ndarray):
        self.matrix, self.shape = matrix, matrix.shape

    def at(self, i, j):
        return self.matrix[i, j]


class _Transposed(PairScores):
    def __init__(self, inner: PairScores):
        self.inner, self.shape = inner, inner.shape[::-1]

    def at(self, i, j):
        return self.inner.at(j, i)


class _Restricted(PairScores):
    def __init__(self, inner: PairScores, src_ids: np.ndarray, tgt_ids: np.ndarray):
        self.inner, self.src_ids, self.tgt_ids = inner, src_ids, tgt_ids
        self.shape = (len(src_ids), len(tgt_ids))

    def at(self, i, j):
        return self.inner.at(self.src_ids[i], self.tgt_ids[j])


def _em(runs: np.ndarray, g: np.ndarray, source_of: np.ndarray, n_groups: int, n_sources: int,
        prob: np.ndarray) -> np.ndarray:
    """ITERATIONS rounds of EM over word pairs sorted by code (_combinations): RUNS pairs per
    code, G each pair's target-word group, SOURCE_OF each code's source word; PROB (float32, per
    code) updated in place. Returns each source word's expected count in the last round. Every
    sum in doubles in pair order (bincount), every quotient in float32, so that the C core
    (dp_compiled.em, 5x faster: a 1k pair's direction 0.15 -> 0.03 s) gives the same model."""
    from . import dp
    compiled = dp._compiled()
    if compiled is not None:
        return compiled.em(runs, g, source_of, n_groups, n_sources, ITERATIONS, prob)
    run_of = np.repeat(np.arange(len(runs), dtype=np.int64), runs)
    total = np.zeros(n_sources)
    for _ in range(ITERATIONS):
        p = np.repeat(prob, runs)
        p /= np.bincount(g, p, minlength=n_groups).astype(np.float32)[g]  # E: each source word's share
        prob[:] = np.bincount(run_of, p, minlength=len(runs)).astype(np.float32)
        del p
        total = np.bincount(source_of, prob, minlength=n_sources)
        prob /= total.astype(np.float32)[source_of]  # M
    return total


def _combinations(la: np.ndarray, lb: np.ndarray, A: np.ndarray, B: np.ndarray, n_t: int):
    """Every (source word, target word) of every pair, as code s * n_t + t and the index of its
    target word in B (g: the group EM normalises over), sorted by code so that EM reads a code's
    entries as a run: its gathers and sums go through memory in order, and the random accesses
    left are into arrays of B's size, far smaller (EM 1.8x faster than in pair order). LA, LB:
    the words of each pair's sides in A and B. Made in about 20 bytes a combination, with index
    arithmetic over all pairs at once and code and g sorted as one key (or in C, with a radix
    sort: a 1k pair's 540,000 in 28 -> 16-24 ms)."""
    from . import dp
    compiled = dp._compiled()
    if compiled is not None and len(A) and len(B) and (int(A.max()) * n_t + int(B.max()) + 1) * len(B) < 2 ** 63:
        return compiled.combinations(la, lb, A, B, n_t)
    size = la * lb
    n = int(size.sum())
    r = np.arange(n, dtype=np.int32)
    r -= np.repeat((np.cumsum(size) - size).astype(np.int32), size)     # rank inside its pair
    per_b = np.repeat(lb.astype(np.int32), size)
    g = r % per_b
    g += np.repeat((np.cumsum(lb) - lb).astype(np.int32), size)          # the pair's target word
    source = r // per_b
    del r, per_b
    source += np.repeat((np.cumsum(la) - la).astype(np.int32), size)
    code = A[source]
    del source
    code *= n_t
    code += B[g]
    n_b = len(B)
    if int(code.max()) * n_b + n_b < 2 ** 63:
        code *= n_b          # one key: sorted in place, with no index array beside it
        code += g
        del g
        code.sort()
        code, g = np.divmod(code, n_b)
        return code, g.astype(np.int32)
    order = np.argsort(code, kind="stable")   # vocabularies too large for one key
    return code[order], g[order]


def _keyed_sums(i: np.ndarray, c: np.ndarray, p: np.ndarray, n_rows: int, n_cols: int):
    """The distinct (I, C) in order, and P summed over the entries of each (in entry order). In C
    where it was built, with a counting sort (a 1k pair's direction, 351,000 entries: 21 -> 10 ms)."""
    from . import dp
    compiled = dp._compiled()
    if compiled is not None:
        return compiled.keyed_sums(i, c, p, n_rows, n_cols)
    key, at = np.unique(i * n_cols + c, return_inverse=True)
    return key // n_cols, key % n_cols, np.bincount(at, p, minlength=len(key))


def _vocabulary(sides: list[frozenset]) -> tuple[dict, np.ndarray, np.ndarray, np.ndarray]:
    """The words of two SIDES or more, numbered in sorted order (the vocabulary), how many sides
    hold each, and _known(SIDES, the vocabulary). Counted at C speed (dict.fromkeys, map,
    numpy): with Counter updates and a list per side, a 1k pair's 1,000 pairs took 31 ms a
    direction, 22 so."""
    flat = list(itertools.chain.from_iterable(sides))
    index = dict(zip(dict.fromkeys(flat), itertools.count()))   # each word's first place
    held = np.bincount(np.fromiter(map(index.__getitem__, flat), dtype=np.int64, count=len(flat)),
                       minlength=len(index))
    vocab = {w: k for k, w in enumerate(sorted(itertools.compress(index, (held >= 2).tolist())))}
    count = held[np.fromiter(map(index.__getitem__, vocab), dtype=np.int64, count=len(vocab))]
    return (vocab, count, *_known(sides, vocab))


def _known(sides: list[frozenset], ids: dict) -> tuple[np.ndarray, np.ndarray]:
    """The ids of the words of SIDES that IDS numbers (in each set's order), side after side, and
    how many each side has."""
    counts = np.fromiter(map(len, sides), dtype=np.int64, count=len(sides))
    flat = np.fromiter(map(ids.get, itertools.chain.from_iterable(sides), itertools.repeat(-1)),
                       dtype=np.int64, count=int(counts.sum()))
    owner = np.repeat(np.arange(len(sides)), counts)
    known = flat >= 0
    return flat[known], np.bincount(owner[known], minlength=len(sides))


def _occurrences(sentences: list[set], vocab: dict) -> tuple[np.ndarray, np.ndarray]:
    """(word id, sentence) of each known word of SENTENCES, sorted by word id."""
    # looked up all at once at C speed (map), unknown words as -1 (a loop took 25 ms a 1k document)
    counts = np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences))
    flat = list(itertools.chain.from_iterable(sentences))
    words = np.fromiter(map(vocab.get, flat, itertools.repeat(-1)), dtype=np.int64, count=len(flat))
    owner = np.repeat(np.arange(len(sentences), dtype=np.int64), counts)
    known = words >= 0
    words, owner = words[known], owner[known]
    order = np.argsort(words, kind="stable")
    return words[order], owner[order]


def _pair_key(pair: tuple[frozenset, frozenset]) -> bytes:
    """A digest of a pair's words that is the same in every process (hash() of a string is not:
    batch workers may be spawned)."""
    text = "\x00".join(sorted(pair[0])) + "\x01" + "\x00".join(sorted(pair[1]))
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()


def _ragged(first: np.ndarray, count: np.ndarray) -> np.ndarray:
    """first[0], first[0]+1, ..., first[0]+count[0]-1, first[1], ...: the indices of runs."""
    total = int(count.sum())
    starts = np.cumsum(count) - count
    return np.repeat(first - starts, count) + np.arange(total)


def _thinned(pairs: list[tuple[frozenset, frozenset]]):
    """PAIRS thinned evenly to at most MAX_COMBINATIONS word pairs: (the pairs, _pair_key of each
    when thinned, else None, their word pairs)."""
    total = sum(len(a) * len(b) for a, b in pairs)
    if total <= MAX_COMBINATIONS:
        return pairs, None, total
    step = total / MAX_COMBINATIONS
    pairs = [pairs[int(k * step)] for k in range(int(len(pairs) / step))]
    return pairs, {_pair_key(p) for p in pairs}, sum(len(a) * len(b) for a, b in pairs)


def direction_scores(pairs, left_out, src_words: list[set], tgt_words: list[set], backward: bool = False) -> PairScores:
    """One of the two of TranslationModel.learn(PAIRS).leaving_out(LEFT_OUT).scores(SRC_WORDS,
    TGT_WORDS): target given source, or (BACKWARD) source given target, [i, j] either way. The
    directions are learned independently: two processes may take one each."""
    pairs, trained, _ = _thinned(pairs)
    if trained is not None:
        left_out = [p for p in left_out if _pair_key(p) in trained]
    if backward:
        model = _Direction.train([(b, a) for a, b in pairs]).leaving_out([(b, a) for a, b in left_out])
        return model.scores(tgt_words, src_words).transposed()
    return _Direction.train(pairs).leaving_out(left_out).scores(src_words, tgt_words)


class TranslationModel:
    """IBM Model 1 in both directions, learned from sentence pairs given as word sets."""

    def __init__(self, forward: _Direction, backward: _Direction, trained: set | None = None):
        self.forward, self.backward = forward, backward
        self.trained = trained   # _pair_key of the pairs trained on, when thinned; None: all given

    @classmethod
    def learn(cls, pairs: list[tuple[frozenset, frozenset]]) -> "TranslationModel":
        pairs, trained, total = _thinned(pairs)
        backward_pairs = [(b, a) for a, b in pairs]
        if total > PARALLEL_COMBINATIONS:
            return cls(_Direction.train(pairs), _Direction.train(backward_pairs), trained)
        # the two directions in two threads: numpy releases the GIL in its sorts and sums
        # (ja-th, 4.4 million word pairs: 2.0 s -> 1.3 s)
        with ThreadPoolExecutor(2) as pool:
            backward = pool.submit(_Direction.train, backward_pairs)
            forward = _Direction.train(pairs)
            return cls(forward, backward.result(), trained)

    def leaving_out(self, pairs: list[tuple[frozenset, frozenset]]) -> "TranslationModel":
        """The model as if learned without PAIRS (_Direction.leaving_out), those of them it
        was trained on (all, unless the training pairs were thinned)."""
        if self.trained is not None:
            pairs = [p for p in pairs if _pair_key(p) in self.trained]
        return TranslationModel(self.forward.leaving_out(pairs), self.backward.leaving_out([(b, a) for a, b in pairs]))

    def scores(self, src_words: list[set], tgt_words: list[set]) -> tuple[PairScores, PairScores] | None:
        """(target given source, source given target), each [i, j] over the sentences of two
        documents; None for documents longer than P.LEXICAL_MAX_SENTENCES."""
        if max(len(src_words), len(tgt_words)) > P.LEXICAL_MAX_SENTENCES:
            return None
        return self.forward.scores(src_words, tgt_words), self.backward.scores(tgt_words, src_words).transposed()
