"""'What happened and why': the event log as a few plain sentences per period."""

from __future__ import annotations

import model
from dashboard import narration


def run(seed: int, months: int):
    alliance = model.build_model(seed=seed)
    alliance.run_for(months)
    timeseries = alliance.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    timeseries.insert(0, "step", range(len(timeseries)))
    return alliance, timeseries


def test_each_period_has_fewer_sentences_than_events_and_covers_its_months():
    alliance, _ = run(2, 80)
    periods = narration.narrate(alliance.events.records, alliance.steps, newest_first=False)
    assert periods[0].title == "Month 0" and periods[-1].last == 80
    for period in periods:
        events = [r for r in alliance.events.records if period.first <= r["step"] <= period.last]
        assert 1 <= len(period.sentences) <= max(len(events), 1)
        assert len(period.sentences) <= 12  # a few sentences, not the log


def test_counts_in_sentences_match_the_log():
    alliance, _ = run(2, 48)
    records = [r for r in alliance.events.records if 1 <= r["step"] <= 12]
    sentences = narration.sentences_for(records)
    left = sum(r["kind"] == "leave" for r in records)
    pilots = sum(r["kind"] == "pilot" for r in records)
    if left:
        assert any(s.startswith(f"{left} member") and "left" in s for s in sentences)
    if pilots:
        assert any(s.startswith(f"{pilots} pilot") for s in sentences)
    monitoring = sum(r["kind"] == "monitoring" for r in records)
    assert sum("Process monitoring" in s for s in sentences) == (1 if monitoring else 0)  # counted, not listed


def test_reasons_for_leaving_are_said_in_words():
    records = [{"step": 3, "kind": "leave", "text": "Ministry of water left: roles unclear."},
               {"step": 4, "kind": "leave", "text": "Donor left: felt excluded."},
               {"step": 5, "kind": "conflict", "text": "Conflict in the national platform over irrigation water (trust 0.30)."},
               {"step": 7, "kind": "resolved", "text": "The facilitator resolved a conflict in the national platform after 2 months."}]
    sentences = narration.sentences_for(records)
    assert "2 members left: 1 because roles were unclear, 1 because they felt excluded." in sentences
    assert "1 conflict broke out (national platform), mostly over irrigation water." in sentences
    assert "The facilitator resolved 1 conflict after 2 months." in sentences


def test_after_the_project_leaves_the_change_since_is_told():
    alliance, timeseries = run(2, 70)
    exit_month = alliance.p["project_exit_month"]
    text = narration.after_exit(timeseries, exit_month)
    members_then, members_now = int(timeseries["members"].iloc[exit_month]), int(timeseries["members"].iloc[-1])
    assert text.startswith(f"Since the project left in month {exit_month}")
    assert f"members {members_then} → {members_now}" in text
    assert narration.after_exit(timeseries.iloc[: exit_month + 1], exit_month) is None  # not yet left


def test_actions_of_played_roles_are_told_and_repeats_counted():
    from dashboard import narration

    records = [{"step": 2, "kind": "decision", "text": "Donor (played) stayed away from the meeting."},
               {"step": 3, "kind": "decision", "text": "Donor (played) stayed away from the meeting."},
               {"step": 3, "kind": "decision", "text": "Ministry of water (played) invited the District NGO, who joined."}]
    (period,) = narration.narrate(records, 3)
    assert "Donor (played) stayed away from the meeting (2 times)." in period.sentences
    assert "Ministry of water (played) invited the District NGO, who joined." in period.sentences
