"""The server side of role-play workshops (dashboard/workshop.py): roles kept across reconnects, only the
trainer moves the clock, a missing decision falls back to the model's rule, workshops are isolated, the
debrief compares with the model's own play from the same seed, the CSV holds no formula."""

from __future__ import annotations

import csv
import io
import time

import pytest

import model
from dashboard import workshop as ws
from dashboard.labels import parameter_label
from model import decisions as d
from model import registry


@pytest.fixture
def workshop():
    made = ws.start_workshop("trainer-1", "Defaults", {}, seed=3, months_per_round=3, round_seconds=60)
    yield made
    made.ended = True
    ws.WORKSHOPS.pop(made.code, None)


def test_a_trainee_who_comes_back_keeps_the_role_and_thirty_get_thirty_roles(workshop):
    first = workshop.join("browser-a", "Amina")
    again = workshop.join("browser-a", "")  # a reload: same browser, no name typed
    assert again is first and again.role == first.role and again.reconnects == 1
    roles = {workshop.join(f"browser-{k}", f"Trainee {k}").role for k in range(29)}
    assert len(roles | {first.role}) == 30 == len(workshop.roles)
    with pytest.raises(ws.WorkshopError, match="every role is taken"):
        workshop.join("browser-late", "Late")
    with pytest.raises(ws.WorkshopError, match="type your name"):
        ws.start_workshop("trainer-x", "x").join("someone", "  ")


def test_only_the_trainers_screen_moves_the_clock(workshop):
    workshop.join("browser-a", "Amina")
    for act in (lambda s: workshop.open_round(s), lambda s: workshop.close_round(s),
                lambda s: workshop.set_lever(s, "mediation", 1.0), lambda s: workshop.end(s)):
        with pytest.raises(ws.WorkshopError, match="only the trainer"):
            act("browser-a")
    assert workshop.round == 0 and not workshop.is_open and workshop.month() == 0
    workshop.open_round("trainer-1")
    workshop.close_round("trainer-1")
    assert workshop.round == 1 and workshop.month() == 3


def test_a_round_that_times_out_closes_and_the_undecided_fall_back_to_the_model(workshop):
    decider = workshop.join("browser-a", "Amina")
    workshop.join("browser-b", "Bongani")
    workshop.open_round("trainer-1", seconds=600)
    workshop.decide("browser-a", d.Decision(attend=False, contribute=0.0))
    workshop._time_up(2)  # the timer of another round (a stale one) closes nothing
    assert workshop.is_open
    workshop._time_up(1)  # what the round's timer calls when its time is up
    assert workshop.round == 1 and not workshop.is_open
    rows = {row["player"]: row for row in workshop.history}
    assert rows["Bongani"]["fell back to the model"] is True and rows["Amina"]["fell back to the model"] is False
    assert rows["Amina"]["attend"] is False
    with pytest.raises(ws.WorkshopError, match="round is closed"):
        workshop.decide("browser-a", d.Decision(attend=True))
    assert decider.role in workshop.played.decisions.by_stakeholder


def test_the_round_timer_closes_the_round_by_itself(workshop):
    workshop.join("browser-a", "Amina")
    workshop.open_round("trainer-1", seconds=0.2)
    deadline = time.monotonic() + 60  # generous: only a stalled machine takes long; no timing is asserted
    while workshop.is_open and time.monotonic() < deadline:
        time.sleep(0.05)
    with workshop.lock:  # read as the page does: after the closing round's months are played (they hold the lock)
        assert workshop.round == 1 and workshop.history[0]["fell back to the model"] is True


def test_the_model_s_own_play_is_the_model_from_the_same_seed_and_decisions_make_the_played_one_differ(workshop):
    players = [workshop.join(f"browser-{k}", f"T{k}") for k in range(8)]
    for round_ in range(4):
        workshop.open_round("trainer-1")
        for player in players:
            workshop.decide(player.session, d.Decision(attend=False, contribute=0.0, leave=round_ == 1))
        workshop.close_round("trainer-1")
    plain = model.build_model(seed=3)
    for _ in range(12):
        plain.step()
    assert ws.series(workshop.autopilot).drop(columns="step").equals(
        plain.datacollector.get_model_vars_dataframe().reset_index(drop=True))
    month, why = workshop.divergence()
    assert month is not None and 1 <= month <= 12 and why  # the played alliance differed, and the actions say why
    assert any("(played)" in r["text"] for r in workshop.played.events.records)
    assert len(workshop.outcomes) == 4 and workshop.outcomes[-1]["month"] == 12


def test_workshops_are_isolated_from_each_other_and_from_the_live_page(workshop):
    from dashboard import state

    state.restart_session()
    other = ws.start_workshop("trainer-2", "Defaults", {}, seed=3)
    try:
        assert other.code != workshop.code
        a = workshop.join("browser-a", "Amina")
        with pytest.raises(ws.WorkshopError, match="join the workshop first"):
            other.decide("browser-a", d.Decision(attend=False))
        workshop.open_round("trainer-1")
        workshop.decide("browser-a", d.Decision(attend=False, leave=True))
        workshop.close_round("trainer-1")
        other.open_round("trainer-2")
        other.close_round("trainer-2")
        assert a.role in workshop.played.decisions.by_stakeholder
        assert other.played.decisions.by_stakeholder == {} and other.players == {}
        assert ws.series(other.played).equals(ws.series(other.autopilot))  # no player there: the model's own play
        from dashboard import state

        assert state.session.peek() is None  # the Live page's alliance is not made or touched by a workshop
        assert ws.by_code(other.code) is other and ws.played_by("browser-a") is workshop
        with pytest.raises(ws.WorkshopError, match="no workshop"):
            ws.by_code("000000x")
    finally:
        other.ended = True
        ws.WORKSHOPS.pop(other.code, None)


def test_the_csv_export_holds_no_formula_and_the_pictures_are_png(workshop):
    workshop.join("browser-a", "=HYPERLINK(\"x\")")
    workshop.join("browser-b", "-2+3")
    workshop.open_round("trainer-1")
    workshop.close_round("trainer-1")
    rows = list(csv.reader(io.StringIO(workshop.csv_bytes().decode())))
    cells = [cell for row in rows for cell in row]
    assert "'=HYPERLINK(\"x\")" in cells and "'-2+3" in cells
    assert not any(cell[:1] in "=+-@" for cell in cells if cell)
    assert workshop.debrief_png()[:4] == b"\x89PNG"
    assert set(workshop.pictures()) == {"played", "model's own play", "well facilitated"}


def test_the_pages_start_a_workshop_and_a_trainee_joins_and_decides(render_page, monkeypatch):
    """The Workshop page (trainer) and the Play page (trainee) without a browser: start, join, decide."""
    import ipyvuetify as v

    from dashboard import roleplay

    monkeypatch.setattr(roleplay, "who_am_i", lambda: "trainer-page")
    trainer = render_page(roleplay.WorkshopPage())
    trainer.button("start-workshop-button").click()
    started = ws.led_by("trainer-page")
    try:
        assert started is not None
        trainer.wait_until(lambda: trainer.rc.find(v.Html, class_="join-code").widgets, what="the join code")
        assert trainer.text("join-code") == started.code
        trainer.button("open-round-button").click()
        assert started.is_open
        monkeypatch.setattr(roleplay, "who_am_i", lambda: "phone-1")
        trainee = render_page(roleplay.PlayPage())
        trainee.rc.find(v.TextField, label="Workshop code").widget.v_model = started.code
        trainee.rc.find(v.TextField, label="Your name").widget.v_model = "Amina"
        trainee.button("join-button").click()
        trainee.wait_until(lambda: trainee.rc.find(v.Btn, class_="submit-decision").widgets, what="the decision form")
        trainee.select("Meetings this round").v_model = "Stay away"
        trainee.button("submit-decision").click()
        role = started.player_of("phone-1").role
        assert started.pending[role].attend is False and started.pending[role].contribute is None
    finally:
        started.ended = True
        ws.WORKSHOPS.pop(started.code, None)


def test_a_trainee_can_take_a_free_role_but_not_one_already_taken(workshop):
    wanted = workshop.roles[5]
    assert workshop.join("browser-a", "Amina", wanted).role == wanted
    with pytest.raises(ws.WorkshopError, match="taken"):
        workshop.join("browser-b", "Bongani", wanted)
    assert wanted not in workshop.free_roles() and len(workshop.free_roles()) == len(workshop.roles) - 1


def a_member_role(workshop) -> int:
    return next(r for r in workshop.roles if workshop.played.members[r])


def test_the_debriefs_why_names_the_one_decision_that_made_a_round_differ_and_replays_the_played_run_exactly(workshop):
    role = a_member_role(workshop)
    workshop.join("browser-a", "Amina", role)
    workshop.join("browser-b", "Bongani")  # decides nothing: the model plays the role
    workshop.open_round("trainer-1")
    workshop.decide("browser-a", d.Decision(leave=True))
    workshop.close_round("trainer-1")
    workshop.open_round("trainer-1")  # a round without any decision: its months differ only by what came before
    workshop.close_round("trainer-1")
    assert workshop.wait_explained(60)
    first, second = workshop.causes()
    assert first.reproduced and second.reproduced  # the replays give the played alliance exactly
    assert first.diverged and first.changed > 0
    # the only action of the round: reverting it gives the model's own play of the round exactly (100 %)
    assert [(c.share, c.words.split(":")[0]) for c in first.causes] == [
        (1.0, f"{ws.unique_name(workshop.played, role)} (played by Amina)")]
    assert "Leave the alliance" in first.causes[0].words and "(100%)" in first.sentence()
    assert second.diverged == (4, 5, 6) and second.changed == 0 and second.causes == ()
    assert "carried over from earlier rounds" in second.sentence()
    exported = workshop.csv_bytes().decode()
    assert "Leave the alliance" in exported and "share of the round's change undone" in exported


def test_a_kind_of_decision_made_by_several_roles_is_weighed_together_and_the_facilitators_change_too(workshop):
    roles = [r for r in workshop.roles if workshop.played.members[r]][:2]
    for k, role in enumerate(roles):
        workshop.join(f"browser-{k}", f"T{k}", role)
    workshop.open_round("trainer-1")
    for k in range(2):
        workshop.decide(f"browser-{k}", d.Decision(leave=True))
    workshop.close_round("trainer-1")
    workshop.open_round("trainer-1")  # round 2: no trainee decides, the trainer raises mediation
    workshop.set_lever("trainer-1", "mediation", 1.0)
    workshop.close_round("trainer-1")
    assert workshop.wait_explained(60)
    first, second = workshop.causes()
    assert first.reproduced and second.reproduced
    # round 1: both roles' stay-or-leave decisions together are all the round's actions: reverting them gives
    # the model's own play of the round exactly (100 %); each role alone undoes a share in [0, 1]
    group, *alone = first.causes
    assert group.words.startswith("the stay-or-leave decisions of 2 roles") and group.share == 1.0
    assert len(alone) == 2 and all(0.0 <= c.share <= 1.0 for c in alone)
    assert all("Leave the alliance" in c.words and "played by T" in c.words for c in alone)
    # round 2: the facilitator's change is its only action (measured from where round 1 left the alliance)
    assert second.changed > 0
    mediation = parameter_label(registry.REGISTRY["mediation"])
    assert [(c.words, c.share) for c in second.causes] == [(f"you as facilitator: {mediation} 0.5 to 1", 1.0)]
