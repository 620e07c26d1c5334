"""Limiting cases of the whole model reproduce classic numbers (domain notes, section 3)."""

import numpy as np
import pytest

import model
from model import rules

from .paired import seeds_for

# Everything but peer adoption switched off: no pilots, no dissemination, no enabling-environment barrier,
# no persuasion gating, no trusted intermediaries, no design fit, everyone's peers are all communities (fully mixed).
PURE_BASS = dict(
    n_pilot_communities=1, n_outside_communities=999, bass_p=0.03, bass_q=0.38, peer_locality=0.0,
    stage_gating=0.0, adoption_barrier=0.0, implementation_speed=1.0, discontinuation_rate=0.0,
    pilots_per_year=0.0, dissemination_events_per_year=0.0, intermediary_strength=0.0, design_fit_weight=0.0,
)


@pytest.mark.slow
def test_adoption_follows_the_discrete_bass_map():
    # Domain notes 3.1: with dt = 1 the ABM matches F <- F + (1-F)(1-exp(-(p+qF))) within 0.003 (mean of
    # 200 replicates, replicate SD 0.02-0.03). With 100 replicates the standard error is <= 0.003, so the
    # issue's tolerance of 0.01 is > 3 SE.
    # Power: on this test's stream (seeds_for, 100 seeds) the mean departs from the map by <= 0.0027 at the
    # four months checked, SE <= 0.0031; a true departure >= ~0.013 (0.01 + 0.84 SE) fails the test with 80% chance.
    seeds = seeds_for("adoption_follows_the_discrete_bass_map", 100)
    runs = [model.run_model(PURE_BASS, seed=s, steps=15).timeseries["adopted"].to_numpy() for s in seeds]
    mean = np.mean(runs, axis=0)
    expected = rules.bass_discrete_map(0.03, 0.38, 15)
    for t in (5, 6, 10, 15):
        assert mean[t] == pytest.approx(expected[t], abs=0.01), (t, mean[t], expected[t])
    # and it lags the continuous closed form by several points at t = 5, as the notes report (7-9 points)
    assert rules.bass_closed_form(0.03, 0.38, 5) - mean[5] > 0.05


def test_implementation_is_certain_at_full_speed_capacity_and_environment():
    # the limit of the implementation rule (no special case in the product): speed x (1+cap)/2 x (1+E)/2 = 1
    m = model.build_model(dict(implementation_speed=1.0, env_initial=1.0), seed=3)
    waiting = np.flatnonzero(m.is_community)[:50]
    m.stage[waiting] = model.Stage.DECISION
    m.capacity[waiting] = 1.0
    m.marginalised[waiting] = False
    m.implement(np.full(m.n, 0.999999))
    assert (m.stage[waiting] == model.Stage.IMPLEMENTATION).all()
    # and one step short of the limit, a draw just under 1 no longer implements
    m.stage[waiting] = model.Stage.DECISION
    m.capacity[waiting] = 0.9
    m.implement(np.full(m.n, 0.99))
    assert (m.stage[waiting] == model.Stage.DECISION).all()
