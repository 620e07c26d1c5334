"""Limiting cases of the whole model reproduce classic numbers (domain notes, section 3)."""

import numpy as np
import pytest

import model
from model import rules

# Everything but peer adoption switched off: no pilots, no dissemination, no enabling-environment barrier,
# no persuasion gating, immediate implementation, everyone's peers are all communities (fully mixed).
PURE_BASS = dict(
    n_pilot_communities=1, n_outside_communities=999, bass_p=0.03, bass_q=0.38, peer_locality=0.0,
    stage_gating=0.0, adoption_barrier=0.0, implementation_speed=1.0, discontinuation_rate=0.0,
    pilots_per_year=0.0, dissemination_events_per_year=0.0,
)


def test_adoption_follows_the_discrete_bass_map():
    # Domain notes 3.1: with dt = 1 the ABM matches F <- F + (1-F)(1-exp(-(p+qF))) within 0.003 (mean of
    # 200 replicates, replicate SD 0.02-0.03). With 100 replicates the standard error is <= 0.003, so the
    # issue's tolerance of 0.01 is > 3 SE.
    runs = [model.run_model(PURE_BASS, seed=s, steps=15).timeseries["adopted"].to_numpy() for s in range(100)]
    mean = np.mean(runs, axis=0)
    expected = rules.bass_discrete_map(0.03, 0.38, 15)
    for t in (5, 6, 10, 15):
        assert mean[t] == pytest.approx(expected[t], abs=0.01), (t, mean[t], expected[t])
    # and it lags the continuous closed form by several points at t = 5, as the notes report (7-9 points)
    assert rules.bass_closed_form(0.03, 0.38, 5) - mean[5] > 0.05


def test_uptake_equals_adoption_when_implementation_is_immediate():
    ts = model.run_model(PURE_BASS, seed=7, steps=10).timeseries
    assert np.allclose(ts["uptake"], ts["adopted"])
