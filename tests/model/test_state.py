"""The model's state is declared once (model.states.STATE) and every output once (model.outputs)."""

import mesa
import numpy as np

import model
from model import outputs, reporters
from model.states import STATE

# what a Mesa model and our set-up hold that is not the alliance's state
NOT_STATE = set(vars(mesa.Model())) | {"p", "events", "datacollector", "_members", "_member_ties", "_tally"}


def test_a_model_holds_exactly_the_declared_state():
    m = model.build_model(seed=2)
    m.run_for(3)
    declared = {v.name for v in STATE}
    held = set(vars(m)) - NOT_STATE
    assert held == declared, (f"undeclared: {sorted(held - declared)}", f"declared, missing: {sorted(declared - held)}")


def test_every_state_variable_says_what_it_means_and_who_writes_it():
    assert len({v.name for v in STATE}) == len(STATE)
    for v in STATE:
        assert v.meaning and v.written_by, v.name
        for writer in v.written_by.split(", "):
            assert writer == "set-up only" or writer == "most mechanisms" or hasattr(model.LearningAlliance, writer), (v.name, writer)


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
