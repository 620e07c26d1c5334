"""A batch's uniform draws made in one compiled call (model/streams.py, model/replicates.py): each replicate gets
exactly the numbers its own generator gives when called from NumPy, in the same order, and its generator moves
on exactly as far, so draws made from Python afterwards (poisson, binomial) are the ones a run alone makes."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

from model.alliance import Alliances

SEEDS = (3, 11, 12, 40)
SIZES = ({}, {"n_districts": 2, "n_outside_communities": 10}, {"n_pilot_communities": 9}, {})


@pytest.fixture(scope="module")
def alone():
    return [Alliances(p, np.random.default_rng(s)) for p, s in zip(SIZES, SEEDS)]


@pytest.fixture
def batch(alone):
    """A batch of replicates of different sizes, and a twin of each replicate's generator (drawn from NumPy)."""
    b = Alliances.together(copy.deepcopy(alone))
    return b, [copy.deepcopy(g) for g in b.rngs]


def test_each_replicate_draws_its_own_numbers_and_none_is_skipped(batch):
    b, twins = batch
    counts = np.array([5, 0, 17, 1])  # a replicate with no draw draws nothing
    got = b.uniform(counts)
    starts = np.r_[0, np.cumsum(counts)]
    for r, g in enumerate(twins):
        np.testing.assert_array_equal(got[starts[r]:starts[r + 1]], g.random(counts[r]))
    # afterwards each generator is where its twin is: a NumPy draw (here Poisson, as run_action_research makes)
    # gives the same number
    assert [g.poisson(3.0) for g in b.rngs] == [g.poisson(3.0) for g in twins]
    np.testing.assert_array_equal(b.uniform(np.array([2, 2, 2, 2])), np.concatenate([g.random(2) for g in twins]))


def test_rows_are_each_replicates_block_drawn_row_by_row(batch):
    b, twins = batch
    got = b.uniform_rows(3)
    s = b.s_start
    for r, g in enumerate(twins):
        np.testing.assert_array_equal(got[:, s[r]:s[r + 1]], g.random((3, s[r + 1] - s[r])))


def test_platform_draws_of_inactive_replicates_are_undefined_and_cost_them_no_draw(batch):
    b, twins = batch
    active = np.array([True, False, True, False])
    got = b.uniform_platforms(active)
    p = b.p_start
    for r, g in enumerate(twins):
        if active[r]:
            np.testing.assert_array_equal(got[p[r]:p[r + 1]], g.random(p[r + 1] - p[r]))
        else:
            assert np.isnan(got[p[r]:p[r + 1]]).all()
    assert [g.random() for g in b.rngs] == [g.random() for g in twins]  # the inactive ones did not move


def test_a_copy_draws_from_its_own_generators_and_leaves_the_originals_alone(batch):
    b, twins = batch
    b.uniform(np.array([1, 1, 1, 1]))  # the batch has read its generators' addresses
    for twin in (copy.deepcopy(b), pickle.loads(pickle.dumps(b))):
        got = twin.uniform(np.array([4, 4, 4, 4]))
        expected = copy.deepcopy(b.rngs)
        np.testing.assert_array_equal(got, np.concatenate([g.random(4) for g in expected]))
        assert twin.rngs[0] is not b.rngs[0]
    # the original batch's generators did not move while its copies drew
    np.testing.assert_array_equal(b.uniform(np.array([1, 1, 1, 1])), [g.random(2)[1] for g in twins])


def test_generators_replaced_in_a_batch_are_the_ones_drawn_from(batch):
    b, _ = batch
    b.uniform(np.array([1, 1, 1, 1]))
    b.rngs = [np.random.default_rng(100 + r) for r in range(4)]
    got = b.uniform(np.array([3, 3, 3, 3]))
    np.testing.assert_array_equal(got, np.concatenate([np.random.default_rng(100 + r).random(3) for r in range(4)]))
    b.rngs[2] = np.random.default_rng(7)  # one generator replaced in place: its numbers, not the old one's
    np.testing.assert_array_equal(b.uniform(np.array([0, 0, 2, 0])), np.random.default_rng(7).random(2))


def test_pcg64_arithmetic_run_in_the_loop_gives_numpys_numbers_and_state():
    """PCG64's step is run by the loop itself (model/streams.py: pcg64_next_double): every number and the
    generator's 128-bit state afterwards must be NumPy's, over enough numbers (100,000 per generator) that every
    rotation of the output (its top 6 bits: 64 of them) occurs many times, and for generators spawned from
    seeds, from entropy, advanced and jumped."""
    from model.streams import Streams, draw_blocks

    sources = [np.random.default_rng(0), np.random.default_rng(2**63 + 5), np.random.default_rng(),
               np.random.Generator(np.random.PCG64(9).advance(2**100)), np.random.Generator(np.random.PCG64(4).jumped())]
    twins = copy.deepcopy(sources)
    s = Streams(sources)
    assert (s.fn == 0).all()  # all five are drawn by the loop's own arithmetic
    starts = np.arange(len(sources) + 1) * 100_000
    out = np.empty(starts[-1])
    draw_blocks(s.fn, s.states, starts, np.ones(len(sources), dtype=bool), out)
    for r, twin in enumerate(twins):
        np.testing.assert_array_equal(out[starts[r]:starts[r + 1]], twin.random(100_000))
        assert sources[r].bit_generator.state == twin.bit_generator.state


def test_other_bit_generators_in_a_batch_are_called_through_their_own_function(batch):
    """A replicate whose generator is not PCG64 (here Philox and MT19937) draws through its bit generator's own
    ``next_double``, beside PCG64 replicates drawn by the loop."""
    b, _ = batch
    b.rngs[1] = np.random.Generator(np.random.Philox(3))
    b.rngs[3] = np.random.Generator(np.random.MT19937(8))
    twins = copy.deepcopy(b.rngs)
    assert [int(f) == 0 for f in b.streams.fn] == [True, False, True, False]
    got = b.uniform_rows(2)
    s = b.s_start
    for r, g in enumerate(twins):
        np.testing.assert_array_equal(got[:, s[r]:s[r + 1]], g.random((2, s[r + 1] - s[r])))
    assert [g.random() for g in b.rngs] == [g.random() for g in twins]


@pytest.mark.parametrize("means", [(0.0, 0.3, 9.999999, 10.0), (25.5, 3.0, 1e-12, 0.0)])
def test_poisson_draws_are_numpys_for_every_mean_and_leave_each_generator_where_numpy_leaves_it(batch, means):
    """Pilots started and dissemination events held in a month: one Poisson draw per replicate. Means below 10
    are drawn in the compiled loop (NumPy's multiplication method), a mean of 0 draws nothing, 10 and more go to
    NumPy itself; 200 months of each must match a twin drawn by NumPy, number for number."""
    b, twins = batch
    mean = np.array(means)
    for _ in range(200):
        np.testing.assert_array_equal(b.poisson(mean), [g.poisson(m) for g, m in zip(twins, means)])
    assert [g.bit_generator.state for g in b.rngs] == [g.bit_generator.state for g in twins]


def test_an_invalid_poisson_mean_is_refused_as_numpy_refuses_it(batch):
    b, _ = batch
    with pytest.raises(ValueError, match="lam"):
        b.poisson(np.array([1.0, -0.5, 1.0, 1.0]))
