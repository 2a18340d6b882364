"""The DP against brute force: every monotone path of beads enumerated on small grids."""
import math

import numpy as np
import pytest

from align import dp

TYPES = [(1, 1), (1, 0), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1)]


def _paths(n, m):
    """All bead sequences from (0, 0) to (n, m); 0-1 is the type index -1."""
    if n == 0 and m == 0:
        yield []
        return
    for t, (a, b) in [(-1, (0, 1))] + list(enumerate(TYPES)):
        if a <= n and b <= m:
            for rest in _paths(n - a, m - b):
                yield rest + [(t, n, m)]


def _random_costs(n, m, rng):
    cost = rng.uniform(0.0, 5.0, size=(len(TYPES), n + 1, m + 1))
    skip = rng.uniform(0.0, 5.0, size=(n + 1, m + 1))
    return cost, skip


def _path_cost(path, cost, skip):
    return sum(skip[i, j] if t == -1 else cost[t, i, j] for t, i, j in path)


@pytest.mark.parametrize("n,m,seed", [(1, 1, 0), (2, 3, 1), (3, 2, 2), (4, 4, 3), (5, 3, 4), (0, 3, 5), (3, 0, 6)])
def test_viterbi_finds_the_cheapest_path_and_forward_backward_sum_all_paths(n, m, seed):
    rng = np.random.default_rng(seed)
    cost, skip = _random_costs(n, m, rng)
    lo = np.zeros(n + 1, dtype=int)
    paths = list(_paths(n, m))
    costs = [_path_cost(p, cost, skip) for p in paths]

    path, total = dp.viterbi(cost, skip, lo, TYPES, m)
    assert total == pytest.approx(min(costs))
    assert _path_cost(path, cost, skip) == pytest.approx(min(costs))

    log_z = math.log(sum(math.exp(-c) for c in costs))
    F = dp.forward(cost, skip, lo, TYPES, m)
    B = dp.backward(cost, skip, lo, TYPES, m)
    assert F[n, m] == pytest.approx(log_z)
    assert B[0, 0] == pytest.approx(log_z)


def test_posterior_of_a_bead_is_the_share_of_paths_through_it():
    rng = np.random.default_rng(7)
    n, m = 3, 4
    cost, skip = _random_costs(n, m, rng)
    lo = np.zeros(n + 1, dtype=int)
    paths = list(_paths(n, m))
    weights = [math.exp(-_path_cost(p, cost, skip)) for p in paths]
    F = dp.forward(cost, skip, lo, TYPES, m)
    B = dp.backward(cost, skip, lo, TYPES, m)
    t, (a, b) = 0, TYPES[0]  # the 1-1 bead ending at (2, 2)
    i, j = 2, 2
    through = sum(w for p, w in zip(paths, weights) if (t, i, j) in p)
    posterior = math.exp(F[i - a, j - b] - cost[t, i, j] + B[i, j] - F[n, m])
    assert posterior == pytest.approx(through / sum(weights))


def test_banded_search_equals_full_search_when_the_band_holds_the_path():
    rng = np.random.default_rng(3)
    n, m = 12, 12
    full_cost, full_skip = _random_costs(n, m, rng)
    # make the diagonal cheap so that the best path stays near it
    for i in range(1, n + 1):
        full_cost[0, i, i] = 0.01
    lo_full = np.zeros(n + 1, dtype=int)
    best, total = dp.viterbi(full_cost, full_skip, lo_full, TYPES, m)
    W = 5
    lo = np.clip(np.arange(n + 1) - 2, 0, m + 1 - W)
    cost = np.stack([np.stack([full_cost[t, i, lo[i]:lo[i] + W] for i in range(n + 1)]) for t in range(len(TYPES))])
    skip = np.stack([full_skip[i, lo[i]:lo[i] + W] for i in range(n + 1)])
    banded, banded_total = dp.viterbi(cost, skip, lo, TYPES, m)
    assert banded == best
    assert banded_total == pytest.approx(total)


def test_no_path_through_a_band_that_misses_the_end():
    cost = np.zeros((len(TYPES), 3, 2))
    skip = np.zeros((3, 2))
    with pytest.raises(ValueError):
        dp.viterbi(cost, skip, np.zeros(3, dtype=int), TYPES, n_tgt=5)
