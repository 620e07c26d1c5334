"""The model's state is declared once (model.states.STATE) and every output once (model.outputs)."""

import numpy as np

import model
from model import outputs, reporters
from model.alliance import Alliances
from model.states import STATE

# what the alliances hold that is not their state: caches, the parameters as arrays, the recorded outputs
NOT_STATE = {"q_", "rows", "decisions", "_members", "_seated_members", "_seated_platform", "_platform_size",
             "_member_ties", "_tally", "_ties_on", "_seated_on", "_ties_of"}


def test_a_model_holds_exactly_the_declared_state():
    m = model.build_model(seed=2)
    m.run_for(30)  # pilots have finished (their platform indexes are built)
    assert m.counts["pilots_run"] > 0 and "_ties_on" in vars(m.alliances)
    declared = {v.name for v in STATE}
    held = set(vars(m.alliances)) - NOT_STATE
    assert held == declared, (f"undeclared: {sorted(held - declared)}", f"declared, missing: {sorted(declared - held)}")


def test_every_state_variable_says_what_it_means_and_who_writes_it():
    assert len({v.name for v in STATE}) == len(STATE)
    for v in STATE:
        assert v.meaning and v.written_by, v.name
        for writer in v.written_by.split(", "):
            assert writer == "set-up only" or writer == "most mechanisms" or hasattr(Alliances, writer), (v.name, writer)


def test_reporters_and_summary_are_the_output_registry():
    assert tuple(reporters.MODEL_REPORTERS) == outputs.SERIES_NAMES
    r = model.run_model(seed=1, steps=30)
    assert list(r.summary) == list(outputs.SUMMARY_NAMES)
    assert list(r.timeseries.columns[1:]) == list(outputs.SERIES_NAMES)
    for name in outputs.OUTPUTS:
        o = outputs.output(name)
        assert o.label and o.unit and o.how, name


def test_outputs_stay_in_their_ranges_and_undefined_is_nan():
    r = model.run_model(dict(share_marginalised=0.0), seed=5, steps=30)  # no marginalised group: gap undefined
    assert np.isnan(r.summary["equity_gap_final"]) and np.isnan(r.summary["uptake_marginalised_final"])
    assert np.isnan(r.summary["months_to_50"]) and r.summary["reached_50"] == 0  # censored, not 31
    assert np.isnan(r.summary["uptake_after_exit"])  # the project (month 54) has not left by month 30
    for name in outputs.SERIES_NAMES:
        o, x = outputs.output(name), r.timeseries[name].dropna().to_numpy()
        if o.kind in ("share", "index"):
            assert ((x >= 0) & (x <= 1)).all(), name
        elif o.kind == "gap":
            assert ((x >= -1) & (x <= 1)).all(), name
        elif o.kind in ("count", "money"):
            assert (x >= 0).all(), name


def test_cached_membership_views_follow_every_change_of_membership():
    """The model caches views of the membership (members, seated members, members per platform, live ties) for
    speed; every mechanism that admits or drops stakeholders must leave them true to ``membership``."""
    m = model.build_model({"dropout_rate": 0.3, "rejoin_rate": 0.3, "mobilisation_rate": 0.5}, seed=3)
    for _ in range(24):
        for stage in ("mobilise", "drop_out", "rejoin", "monitor_process"):
            getattr(m, stage)()
            members = m.membership == model.Membership.MEMBER
            seated = members & (m.platform >= 0)
            assert (m.members == members).all(), stage
            assert (m.seated_members == seated).all(), stage
            assert (m.platform_size == np.bincount(m.platform[seated], minlength=m.n_platforms)).all(), stage
            live = (m.edge_platform >= 0) & members[m.src] & members[m.dst]
            assert (m.live_ties == live).all(), stage
        m.step()
