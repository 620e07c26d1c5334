"""Workshop benchmark (part of `make bench`; issue 18): how long the trainer waits when a round closes with 30
trainees, no browser.

A workshop (dashboard.workshop) with 30 simulated trainees: in each of 8 rounds every trainee sends a decision
from threads at once (attend or stay away, a contribution share, back or oppose pilots, stay or leave, every
third one inviting someone), then the trainer closes the round: the played alliance with those decisions, the
model's own play and the well-facilitated twin each step a quarter. Reported: the median and worst
round-closing latency, and the sending of 30 decisions (lock contention), each against the reference measured
in the same run: the same three alliances stepping the same quarter with no player (the model's own work).
Then the debrief's why (Workshop.explain_round, in a thread of its own after each close): how long a round's
counterfactual replays take (one per action: each role's decisions, each kind of decision made by several
roles, the facilitator's change; the round as the model plays it; the played round again), and the debrief
latency: from the last round's close until every round is explained. Between rounds the benchmark waits for
the explanation (trainees take a minute or more to decide), so round closing is measured as a trainer meets it.
Wall-clock times; medians over rounds.
"""

from __future__ import annotations

import statistics
import threading
import time

import model
from dashboard import workshop as ws
from model import decisions as d

TRAINEES = 30
ROUNDS = 8


def decision_for(k: int, round_: int, card: ws.RoleCard) -> d.Decision:
    invite = card.invitable[0][0] if card.invitable and k % 3 == 0 else None
    return d.Decision(attend=(k + round_) % 4 != 0, contribute=(0.0, 0.5, 1.0, 2.0)[k % 4],
                      pilot=("back", "oppose", None)[k % 3], leave=False if k % 5 else None, invite=invite)


def reference_quarter_seconds(params: dict, seed: int, rounds: int) -> list[float]:
    """Three alliances stepping a quarter together, no players: what closing a round costs the model alone."""
    alliances = [model.build_model(params=params, seed=seed),
                 model.build_model(params=params, seed=seed),
                 model.build_model(params={**params, **ws.well_facilitated()}, seed=seed)]
    out = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(ws.MONTHS_PER_ROUND):
            for alliance in alliances:
                alliance.step()
        out.append(time.perf_counter() - started)
    return out


def main() -> None:
    workshop = ws.Workshop("trainer", "Defaults", {}, seed=1, round_seconds=3600)
    sessions = [f"trainee-{k}" for k in range(TRAINEES)]
    for k, session in enumerate(sessions):
        workshop.join(session, f"Trainee {k}")
    cards = {s: workshop.card(workshop.player_of(s).role) for s in sessions}
    sending = []
    for round_ in range(ROUNDS):
        workshop.open_round("trainer")
        started = time.perf_counter()
        threads = [threading.Thread(target=workshop.decide, args=(s, decision_for(k, round_, cards[s])))
                   for k, s in enumerate(sessions)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        sending.append(time.perf_counter() - started)
        if round_ == ROUNDS - 1:
            last_closed = time.perf_counter()
        workshop.close_round("trainer")
        if round_ < ROUNDS - 1:
            workshop.wait_explained(300)  # the next round's decisions take longer than this
    workshop.wait_explained(300)
    debrief = time.perf_counter() - last_closed
    closing = workshop.close_seconds
    explaining = workshop.explain_seconds
    actions = statistics.median(len(c.causes) for c in workshop.causes())
    reference = reference_quarter_seconds({}, 1, ROUNDS)
    ref = statistics.median(reference)
    print(f"{TRAINEES} trainees, {ROUNDS} rounds of {ws.MONTHS_PER_ROUND} months "
          f"(every role decided; {sum(1 for r in workshop.played.events.records if r['kind'] == d.DECISION_KIND)} "
          f"played actions logged)")
    print(f"  round closing: median {statistics.median(closing) * 1000:.0f} ms, worst {max(closing) * 1000:.0f} ms"
          f"  = {statistics.median(closing) / ref:.2f}x the model's own quarter ({ref * 1000:.0f} ms, 3 alliances)")
    print(f"  30 decisions sent at once: median {statistics.median(sending) * 1000:.1f} ms"
          f"  = {statistics.median(sending) / ref:.3f}x that reference")
    print(f"  debrief's why, per round ({actions:.0f} actions replayed, median): median "
          f"{statistics.median(explaining) * 1000:.0f} ms, worst {max(explaining) * 1000:.0f} ms"
          f"  = {statistics.median(explaining) / ref:.1f}x the reference (in the background, not in round closing)")
    print(f"  debrief latency (last round closed -> every round explained): {debrief * 1000:.0f} ms"
          f"  = {debrief / ref:.1f}x the reference")


if __name__ == "__main__":
    main()
