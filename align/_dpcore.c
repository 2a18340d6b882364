/* The aligner's hot loops in C: the three passes of dp.py and the anchor parts of the cost
 * (aligner.py), cell by cell. dp_compiled.py loads this library with ctypes, allocates every
 * output with numpy and documents each function; the GIL is released while one runs.
 *
 * Every array operation of the numpy path is done here in the same order with the same
 * arithmetic (running sums, then minimum / logaddexp of the running values; float32 cost
 * cells read as doubles; in the cost, float32 where numpy computes in float32), so the cost
 * tensor, the tables and the probabilities are numpy's to the last bit (tests/test_dp_compiled.py). Built with -ffp-contract=off: a fused multiply-add would round
 * differently from numpy.
 *
 * It is a Python extension module only so that setuptools builds it and `import` finds it; it
 * defines no Python functions.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef int64_t i64;

#define INF HUGE_VAL
#define LOGE2 0.693147180559945309417232121458176568   /* numpy's NPY_LOGE2 */

/* numpy's npy_logaddexp, step for step */
static double logaddexp(double x, double y)
{
    if (x == y)
        return x + LOGE2;
    double tmp = x - y;
    if (tmp > 0)
        return x + log1p(exp(-tmp));
    if (tmp <= 0)
        return y + log1p(exp(tmp));
    return tmp;
}

/* A cost cell: the tensor is float32 when the aligner made it, float64 in some tests. */
static inline double cell(const void *cost, int f32, i64 at)
{
    return f32 ? (double)((const float *)cost)[at] : ((const double *)cost)[at];
}

static inline i64 max64(i64 a, i64 b) { return a > b ? a : b; }
static inline i64 min64(i64 a, i64 b) { return a < b ? a : b; }

/* The columns k0 .. k1-1 of row I that a bead of type (A, B) ending there reaches from row I-A,
 * whose column k + OFF it starts from. Returns 0 where the bead cannot end in row I. */
static inline int ending_at(const i64 *lo, i64 i, i64 a, i64 b, i64 W, i64 *off, i64 *k0, i64 *k1)
{
    if (a > i)
        return 0;
    *off = lo[i] - b - lo[i - a];
    *k0 = max64(0, -*off);
    *k1 = min64(W, W - *off);
    return 1;
}

/* X[k] for row I: over the bead types ending at (i, lo[i]+k), in order, the cheapest (VITERBI,
 * with the type in ARG) or the log-summed weight of reaching their start in TABLE plus the bead.
 * Inlined with VITERBI a constant, each pass gets its own loop. */
static inline void from_earlier_rows(const void *cost, int f32, const i64 *lo, const i64 *type_a, const i64 *type_b,
                                     i64 n_types, i64 n_rows, i64 W, const double *table, i64 i, int viterbi,
                                     double *X, int8_t *arg)
{
    for (i64 k = 0; k < W; k++) {
        X[k] = viterbi ? INF : -INF;
        if (viterbi)
            arg[k] = -2;
    }
    if (i == 0 && lo[0] == 0)
        X[0] = 0.0;
    for (i64 t = 0; t < n_types; t++) {
        i64 off, k0, k1;
        if (!ending_at(lo, i, type_a[t], type_b[t], W, &off, &k0, &k1))
            continue;
        const double *prev = table + (i - type_a[t]) * W + off;
        i64 base = (t * n_rows + i) * W;
        for (i64 k = k0; k < k1; k++) {
            if (viterbi) {
                double cand = prev[k] + cell(cost, f32, base + k);
                if (cand < X[k]) {
                    X[k] = cand;
                    arg[k] = (int8_t)t;
                }
            } else {
                X[k] = logaddexp(X[k], prev[k] - cell(cost, f32, base + k));
            }
        }
    }
}

/* D and BACK (n_rows x W) of the cheapest path: dp._viterbi_tables. */
int viterbi_tables(const void *cost, int f32, const double *skip_t, const i64 *lo, const i64 *type_a,
                   const i64 *type_b, i64 n_types, i64 n_rows, i64 W, i64 n_tgt, double *D, int8_t *back)
{
    double *X = malloc(W * sizeof(double));
    int8_t *arg = malloc(W);
    if (!X || !arg) {
        free(X);
        free(arg);
        return -1;
    }
    for (i64 i = 0; i < n_rows; i++) {
        from_earlier_rows(cost, f32, lo, type_a, type_b, n_types, n_rows, W, D, i, 1, X, arg);
        /* D = S + minimum.accumulate(X - S), S the running sum of the 0-1 costs (c[0] = 0) */
        double total = 0.0, run = INF;
        i64 pos = 0;
        double *row = D + i * W;
        int8_t *brow = back + i * W;
        for (i64 k = 0; k < W; k++) {
            total = k == 0 ? 0.0 : total + skip_t[i * W + k];
            double z = X[k] - total;
            run = k == 0 ? z : (z < run ? z : run);
            row[k] = total + run;
            if (z <= run)
                pos = k;
            brow[k] = pos == k ? arg[k] : -1;
            if (lo[i] + k > n_tgt)
                row[k] = INF;
        }
    }
    free(X);
    free(arg);
    return 0;
}

/* F[i, k]: log of the summed weight of the paths from (0, 0) to (i, lo[i]+k): dp.forward. */
int forward(const void *cost, int f32, const double *skip_t, const i64 *lo, const i64 *type_a,
            const i64 *type_b, i64 n_types, i64 n_rows, i64 W, i64 n_tgt, double *F)
{
    double *X = malloc(W * sizeof(double));
    if (!X)
        return -1;
    for (i64 i = 0; i < n_rows; i++) {
        from_earlier_rows(cost, f32, lo, type_a, type_b, n_types, n_rows, W, F, i, 0, X, NULL);
        /* F = logaddexp.accumulate(X + S) - S */
        double total = 0.0, acc = 0.0;
        double *row = F + i * W;
        for (i64 k = 0; k < W; k++) {
            total = k == 0 ? 0.0 : total + skip_t[i * W + k];
            double value = X[k] + total;
            acc = k == 0 ? value : logaddexp(acc, value);
            row[k] = acc - total;
            if (lo[i] + k > n_tgt)
                row[k] = -INF;
        }
    }
    free(X);
    return 0;
}

/* B[i, k]: log of the summed weight of the paths from (i, lo[i]+k) to the end: dp.backward. */
int backward(const void *cost, int f32, const double *skip_t, const i64 *lo, const i64 *type_a,
             const i64 *type_b, i64 n_types, i64 n_rows, i64 W, i64 n_tgt, double *B)
{
    double *Y = malloc(W * sizeof(double)), *S = malloc(W * sizeof(double));
    if (!Y || !S) {
        free(Y);
        free(S);
        return -1;
    }
    for (i64 i = n_rows - 1; i >= 0; i--) {
        for (i64 k = 0; k < W; k++)
            Y[k] = -INF;
        if (i == n_rows - 1) {
            i64 k_end = n_tgt - lo[i];
            if (0 <= k_end && k_end < W)
                Y[k_end] = 0.0;
        }
        for (i64 t = 0; t < n_types; t++) {
            i64 a = type_a[t], b = type_b[t], r = i + a;
            if (r >= n_rows)
                continue;
            i64 off = lo[i] + b - lo[r];
            i64 k0 = max64(0, -off), k1 = min64(W, W - off);
            const double *next = B + r * W + off;
            i64 base = (t * n_rows + r) * W + off;
            for (i64 k = k0; k < k1; k++)
                Y[k] = logaddexp(Y[k], next[k] - cell(cost, f32, base + k));
        }
        /* S[k] = c[k] + ... + c[W-2] (c[k] = skip_t[i, k+1]), summed from the end as
         * cumsum(c[::-1])[::-1] does; B = revacc(logaddexp)(Y + S) - S */
        S[W - 1] = 0.0;
        double total = 0.0;
        for (i64 k = W - 2; k >= 0; k--) {
            total = k == W - 2 ? skip_t[i * W + k + 1] : total + skip_t[i * W + k + 1];
            S[k] = total;
        }
        double acc = 0.0;
        double *row = B + i * W;
        for (i64 k = W - 1; k >= 0; k--) {
            double value = Y[k] + S[k];
            acc = k == W - 1 ? value : logaddexp(acc, value);
            row[k] = acc - S[k];
            if (lo[i] + k > n_tgt)
                row[k] = -INF;
        }
    }
    free(Y);
    free(S);
    return 0;
}

/* --- the anchor parts of the cost ----------------------------------------------------------- */

/* first index of the sorted X[0:n] with X[p] >= v (side="left") or X[p] > v (side="right") */
static i64 search_left(const i64 *x, i64 n, i64 v)
{
    i64 lo = 0, hi = n;
    while (lo < hi) {
        i64 mid = lo + (hi - lo) / 2;
        if (x[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static i64 search_right(const i64 *x, i64 n, i64 v)
{
    i64 lo = 0, hi = n;
    while (lo < hi) {
        i64 mid = lo + (hi - lo) / 2;
        if (x[mid] <= v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* aligner._key_hits: every (key, source sentence, target sentence) sharing a key near the band.
 * With KEY_IDS NULL, only counts them; else fills the four outputs (key ids numbered in order of
 * first use; LOCAL, n_keys long, is scratch). Returns the count. */
i64 key_hits(const i64 *src_sent, const i64 *src_key, i64 n_src_hits, const i64 *tgt_pos,
             const i64 *tgt_start, const i64 *tgt_end, const i64 *df_s, i64 n_keys, const i64 *lo,
             i64 W, i64 reach, i64 total, int hard, i64 *local, i64 *key_ids, i64 *ss, i64 *ts,
             double *weights)
{
    i64 m = 0, next_id = 0;
    if (key_ids)
        for (i64 g = 0; g < n_keys; g++)
            local[g] = -1;
    for (i64 h = 0; h < n_src_hits; h++) {
        i64 s = src_sent[h], g = src_key[h];
        const i64 *occurrences = tgt_pos + tgt_start[g];
        i64 n = tgt_end[g] - tgt_start[g];
        if (n == 0)
            continue;
        i64 first = lo[s + 1] - 1 - reach, last = lo[s + 1] + W + reach;
        i64 p0 = search_left(occurrences, n, first), p1 = search_right(occurrences, n, last);
        if (!key_ids) {
            m += p1 - p0;
            continue;
        }
        if (p1 == p0)
            continue;
        if (local[g] < 0)
            local[g] = next_id++;
        double weight = hard ? 1.0 : log(1 + (double)total / (double)(df_s[g] + n));
        for (i64 p = p0; p < p1; p++, m++) {
            key_ids[m] = local[g];
            ss[m] = s;
            ts[m] = occurrences[p];
            weights[m] = weight;
        }
    }
    return m;
}

/* aligner._distinct_keys: OUT[e] = distinct keys in sentences e-span .. e-1 (0 where e < span);
 * SENT (ascending) and KEY list each sentence's keys once; SEEN (n_keys) is zeroed scratch. */
void distinct_keys(const i64 *sent, const i64 *key, i64 n_hits, i64 n, i64 span, i64 *seen, double *out)
{
    i64 *starts = malloc((n + 1) * sizeof(i64));
    if (!starts)
        return;
    for (i64 e = 0, h = 0; e <= n; e++) {      /* starts = searchsorted(sent, arange(n + 1)) */
        while (h < n_hits && sent[h] < e)
            h++;
        starts[e] = h;
    }
    i64 distinct = 0;
    for (i64 e = 0; e <= n; e++)
        out[e] = 0.0;
    for (i64 e = 1; e <= n; e++) {
        for (i64 h = starts[e - 1]; h < starts[e]; h++)     /* sentence e-1 comes into the window */
            if (seen[key[h]]++ == 0)
                distinct++;
        if (e - span - 1 >= 0)                          /* sentence e-span-1 leaves it */
            for (i64 h = starts[e - span - 1]; h < starts[e - span]; h++)
                if (--seen[key[h]] == 0)
                    distinct--;
        if (e >= span)
            out[e] = (double)distinct;
    }
    free(starts);
}

/* One side of the cost: what aligner._Side holds, as arrays. */
typedef struct {
    const double *length;     /* n */
    const double *cum_length; /* n + 1 */
    const double *skip;       /* n */
    const double *dist;       /* (max span + 1) x (n + 1): distinct hard keys of the SPAN sentences before */
    const double *splits;     /* n x split_width: split points as fractions of the sentence */
    const double *bonus;      /* n x split_width */
    const i64 *split_count;   /* n */
    const double *matchable;  /* n: distinct keys the other side holds somewhere */
    i64 n, split_width;
} Side;

/* The anchor keys shared near the band (aligner._key_hits), grouped by key at the start. */
typedef struct {
    const i64 *ids, *ss, *ts;
    const double *weights;
    i64 n;
} Hits;

typedef struct {
    Side src, tgt;
    Hits hard, soft;
    const i64 *type_a, *type_b, *lo;
    const double *prior;
    i64 n_types, W;
    double ratio, variance, dof, hard_match, hard_miss, soft_match, tolerance;
    double unmatched, matchable, unmatched_pair, matchable_pair;
    int threads;
} CostInput;

/* (starts, order): the hits grouped by key id, stably (a counting sort) */
static int by_key(const Hits *hits, i64 **starts_out, i64 **order_out, i64 *n_keys_out)
{
    i64 n_keys = 0;
    for (i64 h = 0; h < hits->n; h++)
        n_keys = max64(n_keys, hits->ids[h] + 1);
    i64 *starts = calloc(n_keys + 1, sizeof(i64)), *order = malloc((hits->n + 1) * sizeof(i64));
    i64 *fill = malloc((n_keys + 1) * sizeof(i64));
    if (!starts || !order || !fill) {
        free(starts);
        free(order);
        free(fill);
        return -1;
    }
    for (i64 h = 0; h < hits->n; h++)
        starts[hits->ids[h] + 1]++;
    for (i64 g = 0; g < n_keys; g++)
        starts[g + 1] += starts[g];
    memcpy(fill, starts, n_keys * sizeof(i64));
    for (i64 h = 0; h < hits->n; h++)
        order[fill[hits->ids[h]]++] = h;
    free(fill);
    *starts_out = starts;
    *order_out = order;
    *n_keys_out = n_keys;
    return 0;
}

/* aligner._bead_matches into OUT (zeroed by the caller) with a STAMP array shared by every
 * call: TAG + key id marks the cells a key has counted in, so STAMP is never cleared. Summed in
 * doubles in key order, as numpy's bincount sums them (read as float32, as it casts them). */
static i64 add_matches(double *out, i64 *stamp, i64 tag, const Hits *hits, const i64 *starts, const i64 *order,
                       i64 n_keys, i64 a, i64 b, const i64 *lo, i64 W, i64 n_rows, i64 n_cols)
{
    for (i64 g = 0; g < n_keys; g++)
        for (i64 q = starts[g]; q < starts[g + 1]; q++) {
            i64 h = order[q];
            for (i64 da = 0; da < a; da++) {
                i64 i = hits->ss[h] + 1 + da;
                if (i >= n_rows)
                    break;
                for (i64 db = 0; db < b; db++) {
                    i64 j = hits->ts[h] + 1 + db;
                    if (j >= n_cols)
                        break;
                    i64 k = j - lo[i];
                    if (0 <= k && k < W && stamp[i * W + k] != tag + g) {
                        stamp[i * W + k] = tag + g;
                        out[i * W + k] += hits->weights[h];
                    }
                }
            }
        }
    return tag + n_keys;
}

/* aligner._split_bonus for one cell: LENGTHS[:n_parts] are the several sentences' lengths,
 * ROW the long sentence, whose split points are on side X. */
static double split_bonus(const Side *x, i64 row, const double *lengths, i64 n_parts, double tolerance)
{
    i64 c = x->split_count[row];
    if (c == 0)
        return 0.0;
    double total = 0.0;
    for (i64 m = 0; m < n_parts; m++)
        total += lengths[m];
    total = total > 1.0 ? total : 1.0;
    double share = 0.0, out = 0.0;
    for (i64 m = 0; m < n_parts - 1; m++) {
        share += lengths[m] / total;
        double best = 0.0;
        for (i64 col = 0; col < c; col++) {
            double closeness = 1.0 - fabs(x->splits[row * x->split_width + col] - share) / tolerance;
            closeness = closeness > 0.0 ? closeness : 0.0;
            closeness = closeness < 1.0 ? closeness : 1.0;
            double value = closeness * x->bonus[row * x->split_width + col];
            best = value > best ? value : best;
        }
        out += best;
    }
    return out;
}

/* The cost of the beads of one type, rows R0 .. R1 - 1, their anchor matches given. */
typedef struct {
    const CostInput *in;
    float *cost;            /* this type's plane, n_rows x W */
    const double *hm, *sm;
    const uint8_t *matched11;
    i64 a, b, r0, r1;
    double prior;
} TypeRows;

static void *type_cost(void *arg)
{
    const TypeRows *job = arg;
    const CostInput *in = job->in;
    const Side *S = &in->src, *T = &in->tgt;
    i64 a = job->a, b = job->b, W = in->W, n_tgt = T->n;
    int splitting = (a < b ? a : b) == 1 && (a > b ? a : b) > 1;
    double half_dof = (in->dof + 1.0) / 2.0;
    double lengths[16];
    for (i64 i = job->r0 > a ? job->r0 : a; i < job->r1; i++) {
        for (i64 k = 0; k < W; k++) {
            i64 j = in->lo[i] + k;
            if (j > n_tgt || j < b)
                continue;
            if (b == 0) {
                double total = 0.0;
                for (i64 d = 1; d <= a; d++)
                    total += S->skip[i - d];
                job->cost[i * W + k] = (float)(total + job->prior);
                continue;
            }
            double ls = S->cum_length[i] - S->cum_length[i - a];
            double lt = T->cum_length[j] - T->cum_length[j - b];
            double scaled = lt / in->ratio;
            double mean = (ls + scaled) / 2.0;
            mean = mean > 1.0 ? mean : 1.0;
            double diff = scaled - ls;
            double delta2 = diff * diff / (in->variance * mean);
            double c = half_dof * log1p(delta2 / in->dof) + job->prior;
            /* numpy's arithmetic: the matches are float32, and so are their products with the
             * weights (a Python float times a float32 array), the rest float64 */
            float h = (float)job->hm[i * W + k], soft = (float)job->sm[i * W + k];
            float twice = 2.0f * h;
            double missing = S->dist[a * (S->n + 1) + i] + T->dist[b * (T->n + 1) + j] - (double)twice;
            missing = missing > 0.0 ? missing : 0.0;
            float matched = (float)(-in->hard_match) * h, soft_matched = (float)in->soft_match * soft;
            c += ((double)matched + in->hard_miss * missing) - (double)soft_matched;
            if (splitting) {
                if (a == 1) {
                    for (i64 m = 0; m < b; m++)
                        lengths[m] = T->length[j - b + m];
                    c -= split_bonus(S, i - 1, lengths, b, in->tolerance);
                    double alone = 0.0;
                    for (i64 m = 0; m < b; m++) {  /* aligner._unmatched: pairs outside the band count as matched */
                        i64 col = j - b + m + 1 - in->lo[i];
                        if (0 <= col && col < W && !job->matched11[i * W + col] &&
                            T->matchable[j - b + m] >= in->matchable)
                            alone += 1.0;
                    }
                    c += in->unmatched * alone;
                } else {
                    for (i64 m = 0; m < a; m++)
                        lengths[m] = S->length[i - a + m];
                    c -= split_bonus(T, j - 1, lengths, a, in->tolerance);
                    double alone = 0.0;
                    for (i64 m = 0; m < a; m++) {
                        i64 row = i - a + m + 1;
                        i64 col = j - in->lo[row];
                        if (0 <= col && col < W && !job->matched11[row * W + col] &&
                            S->matchable[i - a + m] >= in->matchable)
                            alone += 1.0;
                    }
                    c += in->unmatched * alone;
                }
            } else if (a == 1 && b == 1) {  /* aligner._unmatched_pair */
                if (!job->matched11[i * W + k] && S->matchable[i - 1] >= in->matchable_pair &&
                    T->matchable[j - 1] >= in->matchable_pair)
                    c += in->unmatched_pair;
            }
            job->cost[i * W + k] = (float)c;
        }
    }
    return NULL;
}

/* aligner._cost_tensor cell by cell: COST[t, i, k] of the bead types[t] ending at (i, lo[i]+k)
 * (float32, n_types x n_rows x W, filled with inf by the caller: no such bead) and SKIP[i, k]
 * (n_rows x W, zeroed) of the 0-1 bead ending there. Rows of each type are shared among
 * IN->threads threads. Returns 0, or -1 when memory ran out. */
int cost_tensor(const CostInput *in, float *cost, double *skip)
{
    i64 n_rows = in->src.n + 1, n_cols = in->tgt.n + 1, W = in->W, cells = n_rows * W;
    for (i64 t = 0; t < in->n_types; t++)
        if (in->type_a[t] > 16 || in->type_b[t] > 16)
            return -2;
    for (i64 i = 0; i < n_rows; i++)
        for (i64 k = 0; k < W; k++) {
            i64 j = in->lo[i] + k;
            if (1 <= j && j <= in->tgt.n)
                skip[i * W + k] = in->tgt.skip[j - 1];
        }
    i64 *hard_starts = NULL, *hard_order = NULL, *soft_starts = NULL, *soft_order = NULL, n_hard = 0, n_soft = 0;
    i64 *stamp = malloc(cells * sizeof(i64));
    double *hm = calloc(cells, sizeof(double)), *sm = calloc(cells, sizeof(double));
    uint8_t *matched11 = malloc(cells);
    int status = -1;
    if (!stamp || !hm || !sm || !matched11 || by_key(&in->hard, &hard_starts, &hard_order, &n_hard) ||
        by_key(&in->soft, &soft_starts, &soft_order, &n_soft))
        goto done;
    for (i64 c = 0; c < cells; c++)
        stamp[c] = -1;
    i64 tag = 0;
    /* which pairs of sentences share a key (the 1-1 bead's matches), for the unmatched
     * sentences of 1-n and n-1 beads */
    tag = add_matches(hm, stamp, tag, &in->hard, hard_starts, hard_order, n_hard, 1, 1, in->lo, W, n_rows, n_cols);
    tag = add_matches(sm, stamp, tag, &in->soft, soft_starts, soft_order, n_soft, 1, 1, in->lo, W, n_rows, n_cols);
    for (i64 c = 0; c < cells; c++)
        matched11[c] = ((float)hm[c] + (float)sm[c]) > 0;
    int threads = in->threads > 1 ? (in->threads < 16 ? in->threads : 16) : 1;
    for (i64 t = 0; t < in->n_types; t++) {
        i64 a = in->type_a[t], b = in->type_b[t];
        if (b > 0) {
            memset(hm, 0, cells * sizeof(double));
            memset(sm, 0, cells * sizeof(double));
            tag = add_matches(hm, stamp, tag, &in->hard, hard_starts, hard_order, n_hard, a, b, in->lo, W, n_rows, n_cols);
            tag = add_matches(sm, stamp, tag, &in->soft, soft_starts, soft_order, n_soft, a, b, in->lo, W, n_rows, n_cols);
        }
        TypeRows jobs[16];
        pthread_t ids[16];
        int started[16] = {0};
        for (int p = 0; p < threads; p++) {
            jobs[p] = (TypeRows){in, cost + t * cells, hm, sm, matched11, a, b,
                                 n_rows * p / threads, n_rows * (p + 1) / threads, in->prior[t]};
            if (p > 0)
                started[p] = pthread_create(&ids[p], NULL, type_cost, &jobs[p]) == 0;
        }
        type_cost(&jobs[0]);
        for (int p = 1; p < threads; p++) {
            if (started[p])
                pthread_join(ids[p], NULL);
            else
                type_cost(&jobs[p]);     /* no thread to be had: this one does its rows */
        }
    }
    status = 0;
done:
    free(stamp);
    free(hm);
    free(sm);
    free(matched11);
    free(hard_starts);
    free(hard_order);
    free(soft_starts);
    free(soft_order);
    return status;
}

/* --- the translation model's pair scores (translation_model._Lazy.at) --------------------- */

/* SCORE[q] = the sum, over the word columns of target sentence J[q], of source sentence I[q]'s
 * gain for that column (0 where it has none), in the columns' order, as numpy's bincount sums
 * them. ORDER: the pairs sorted by source sentence; ROW_START (n_src + 1): where each source
 * sentence's (column, gain) entries start in U_C and GAIN; ROW (n_columns): zeroed scratch, in
 * which one source sentence's gains are laid out at a time. */
void pair_gains(i64 n_pairs, const i64 *pi, const i64 *pj, const i64 *order, const i64 *row_start,
                const i64 *u_c, const double *gain, const i64 *start, const i64 *n_words, const i64 *columns,
                double *row, double *score)
{
    i64 current = -1;
    for (i64 p = 0; p < n_pairs; p++) {
        i64 q = order[p], i = pi[q], j = pj[q];
        if (i != current) {
            if (current >= 0)
                for (i64 e = row_start[current]; e < row_start[current + 1]; e++)
                    row[u_c[e]] = 0.0;
            for (i64 e = row_start[i]; e < row_start[i + 1]; e++)
                row[u_c[e]] = gain[e];
            current = i;
        }
        double sum = 0.0;
        const i64 *cols = columns + start[j];
        for (i64 w = 0; w < n_words[j]; w++)
            sum += row[cols[w]];
        score[q] = sum;
    }
    if (current >= 0)
        for (i64 e = row_start[current]; e < row_start[current + 1]; e++)
            row[u_c[e]] = 0.0;
}

/* --- every word pair of the training pairs (translation_model._combinations) --------------- */

/* CODE[k] = A[s] * N_T + B[t] and G[k] = t for every source word s and target word t of every
 * pair (pair q: LA[q] source words in A, LB[q] target words in B, one after the other), sorted
 * by (code, g) as one key code * N_B + g (the caller checks that it fits in 63 bits): an LSD
 * radix sort, RADIX_BITS a pass, through SCRATCH (N). N_B = len(B). */
#ifndef RADIX_BITS
#define RADIX_BITS 8
#endif
#define RADIX (1 << RADIX_BITS)
void combinations(i64 n_pairs, const i64 *la, const i64 *lb, const i64 *A, const i64 *B, i64 n_t, i64 n_b,
                  i64 *code, int32_t *g, i64 *scratch)
{
    i64 n = 0, a0 = 0, b0 = 0, top = 0;
    for (i64 q = 0; q < n_pairs; q++) {
        for (i64 s = a0; s < a0 + la[q]; s++)
            for (i64 t = b0; t < b0 + lb[q]; t++) {
                i64 key = (A[s] * n_t + B[t]) * n_b + t;
                code[n++] = key;
                top = key > top ? key : top;
            }
        a0 += la[q];
        b0 += lb[q];
    }
    i64 *from = code, *to = scratch;
    for (int shift = 0; shift < 63 && (top >> shift) > 0; shift += RADIX_BITS) {
        i64 count[RADIX + 1] = {0};
        for (i64 k = 0; k < n; k++)
            count[((from[k] >> shift) & (RADIX - 1)) + 1]++;
        for (int d = 0; d < RADIX; d++)
            count[d + 1] += count[d];
        for (i64 k = 0; k < n; k++)
            to[count[(from[k] >> shift) & (RADIX - 1)]++] = from[k];
        i64 *swap = from;
        from = to;
        to = swap;
    }
    for (i64 k = 0; k < n; k++) {
        i64 key = from[k];
        code[k] = key / n_b;
        g[k] = (int32_t)(key % n_b);
    }
}

/* --- sums by (sentence, word) (translation_model._Direction.scores) -------------------------- */

/* The distinct (I[k], C[k]) of N entries in order (by i, then c) into U_I, U_C, and the sum of P
 * over each one's entries, in entry order, into SUM (numpy's unique and bincount): a stable
 * counting sort by c, then by i, through ORDER and TMP (N) and COUNT (max(N_ROWS, N_COLS) + 1).
 * Returns how many there are. */
/* OUT = the indices IN[0 .. N-1] (IN NULL: 0 .. N-1) stably sorted by KEY[index], each key
 * below N_KEYS; COUNT (N_KEYS + 1) is scratch. */
static void counting_sort(i64 n, const i64 *key, const i64 *in, i64 n_keys, i64 *count, i64 *out)
{
    memset(count, 0, (n_keys + 1) * sizeof(i64));
    for (i64 k = 0; k < n; k++)
        count[key[k] + 1]++;
    for (i64 v = 0; v < n_keys; v++)
        count[v + 1] += count[v];
    for (i64 m = 0; m < n; m++) {
        i64 k = in ? in[m] : m;
        out[count[key[k]]++] = k;
    }
}

i64 keyed_sums(i64 n, const i64 *I, const i64 *C, const double *P, i64 n_rows, i64 n_cols,
               i64 *u_i, i64 *u_c, double *sum, i64 *order, i64 *tmp, i64 *count)
{
    counting_sort(n, C, NULL, n_cols, count, tmp);
    counting_sort(n, I, tmp, n_rows, count, order);
    i64 out = -1;
    for (i64 m = 0; m < n; m++) {
        i64 k = order[m];
        if (out < 0 || I[k] != u_i[out] || C[k] != u_c[out]) {
            out++;
            u_i[out] = I[k];
            u_c[out] = C[k];
            sum[out] = 0.0;
        }
        sum[out] += P[k];
    }
    return out + 1;
}

/* --- the translation model's EM (translation_model._em) -------------------------------------- */

/* ITERATIONS rounds of IBM Model 1's EM over word pairs sorted by code: code c holds RUNS[c]
 * consecutive pairs, pair k has target-word group G[k] (the words EM normalises over) and code c
 * source word SOURCE_OF[c]. PROB (n_codes, float32) holds t(target | source) in and out, TOTAL
 * (n_sources) each source word's expected count of the last round; DENOM (n_groups) is scratch.
 * Sums in doubles in pair order, quotients in float32, as the numpy path computes them (its four
 * passes over the pairs in two here). */
void em(i64 n_codes, const int32_t *runs, const int32_t *g, const int32_t *source_of, i64 n_groups,
        i64 n_sources, int iterations, float *prob, double *total, double *denom)
{
    for (int it = 0; it < iterations; it++) {
        for (i64 q = 0; q < n_groups; q++)
            denom[q] = 0.0;
        i64 k = 0;
        for (i64 c = 0; c < n_codes; c++)           /* E: the sums each share is taken of */
            for (int32_t r = 0; r < runs[c]; r++)
                denom[g[k++]] += (double)prob[c];
        for (i64 s = 0; s < n_sources; s++)
            total[s] = 0.0;
        k = 0;
        for (i64 c = 0; c < n_codes; c++) {         /* each source word's shares of a code summed */
            double sum = 0.0;
            for (int32_t r = 0; r < runs[c]; r++)
                sum += (double)(prob[c] / (float)denom[g[k++]]);
            prob[c] = (float)sum;
            total[source_of[c]] += (double)prob[c];  /* M */
        }
        for (i64 c = 0; c < n_codes; c++)
            prob[c] = prob[c] / (float)total[source_of[c]];
    }
}

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_dpcore",
                                    "The aligner's hot loops in C, loaded with ctypes by align/dp_compiled.py.",
                                    -1, NULL};

PyMODINIT_FUNC PyInit__dpcore(void) { return PyModule_Create(&module); }
