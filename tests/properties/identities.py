"""Accounting identities every month of any run must keep, whatever the mechanisms' rules (issue 20, part 1).

:func:`run_checking` steps a model month by month and checks, after each month:

- **Who pays.** The share of planned activities paid for (``support``) is in [0, 1]; the purses' shares of
  the plan (``support`` x each payer's share of what was spent) are each in [0, ``support``] and add up to
  it; the month's cost split by purse adds up to the month's cost.
- **The project's exit.** Through ``project_exit_month`` the project funds the whole plan (``support`` = 1,
  outputs.py: "1 while the project funds them"); from the month after, it pays nothing (its share and its
  cost increment are 0).
- **Stakeholders are conserved.** Members + never joined (outside communities and those not (yet) invited)
  + left = stakeholders; the outside communities stay the ``n_outside_communities`` the country has; and
  the flows add up: members = admissions - departures - the project office gone with the project, left =
  departures - returns + the project office gone.
- **Adopters never exceed communities.** Implementing communities <= communities that decided <=
  communities, counted from the state and from the reporters; uptake is the community-weighted mean of
  uptake in the pilot districts and outside.
- **Cumulative counters never fall.**

The rules themselves (who contributes how much, when members leave) are being rewritten (issue 16); these
identities must hold for any of them.
"""

from __future__ import annotations

import math

import numpy as np

import model
from model.outputs import COUNTERS
from model.states import MEMBERSHIP, STAGE

PURSES = ("cost_project", "cost_members", "cost_government")
TOL = 1e-9  # floating-point slack of sums of a few hundred k$ (relative)


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=TOL, abs_tol=1e-9)


def reported(m, name: str) -> float:
    """This month's value of a monthly output, as the Recorder collected it."""
    return m.datacollector.model_vars[name][-1]


def check_month(m, before: dict[str, float]) -> None:
    """Every identity of the module docstring for the month just stepped (``before``: last month's counters)."""
    month, exit_month = m.month, m.p["project_exit_month"]
    where = f"month {month} (exit {exit_month})"
    # --- who pays
    support, payers = float(m.support), tuple(float(x) for x in m.payers)
    assert 0.0 <= support <= 1.0, f"{where}: support {support} outside [0, 1]"
    assert reported(m, "support") == support, f"{where}: the support output is not the support paid for"
    of_plan = [support * share for share in payers]
    assert all(-TOL <= s <= support + TOL for s in of_plan), f"{where}: a purse's share of the plan {of_plan}"
    assert close(sum(of_plan), support), f"{where}: purses pay {sum(of_plan)} of the plan, support is {support}"
    step = {k: m.counts[k] - before[k] for k in (*PURSES, "cost")}
    assert all(step[k] >= -TOL * max(1.0, m.counts["cost"]) for k in PURSES), f"{where}: a purse paid < 0: {step}"
    assert close(sum(step[k] for k in PURSES), step["cost"]), f"{where}: purses {step} do not add up to the cost"
    # --- the project's exit
    if month <= exit_month:
        assert support == 1.0, f"{where}: the project still funds the plan, yet support is {support}"
    else:
        # (rounding: what the others pay is subtracted from what was spent, leaving ~1e-16 at most)
        assert payers[0] <= 1e-12 and step["cost_project"] <= TOL * max(1.0, m.counts["cost"]), \
            f"{where}: the project left but paid {payers[0]:.3g} of the month ({step['cost_project']:.3g} k$)"
    # --- stakeholders conserved
    ms = m.membership
    members = int((ms == MEMBERSHIP.MEMBER).sum())
    never = int(((ms == MEMBERSHIP.OUTSIDE) | (ms == MEMBERSHIP.NOT_INVITED)).sum())
    left = int((ms == MEMBERSHIP.DROPPED).sum())
    assert members + never + left == m.n, f"{where}: {members} + {never} + {left} != {m.n} stakeholders"
    assert reported(m, "members") == members, f"{where}: members output {reported(m, 'members')} != {members}"
    assert int((ms == MEMBERSHIP.OUTSIDE).sum()) == m.p["n_outside_communities"], f"{where}: outside communities changed"
    project_gone = int(m.p["initiator"] == "project" and month > exit_month)
    c = m.counts
    assert members == c["joins"] - c["dropouts"] - project_gone, \
        f"{where}: {members} members, {c['joins']} admissions, {c['dropouts']} departures, project gone {project_gone}"
    assert left == c["dropouts"] - c["rejoins"] + project_gone, \
        f"{where}: {left} left, {c['dropouts']} departures, {c['rejoins']} returns, project gone {project_gone}"
    # --- adopters never exceed communities
    comm = m.is_community
    n_comm = int(comm.sum())
    implementing = int((comm & (m.stage >= STAGE.IMPLEMENTATION)).sum())
    decided = int((comm & (m.stage >= STAGE.DECISION)).sum())
    assert implementing <= decided <= n_comm, f"{where}: {implementing} implementing, {decided} decided, {n_comm}"
    assert close(reported(m, "uptake") * n_comm, implementing), f"{where}: uptake is not implementing / communities"
    assert close(reported(m, "adopted") * n_comm, decided), f"{where}: adopted is not decided / communities"
    n_out = m.p["n_outside_communities"]
    n_in = n_comm - n_out
    pilot, outside = reported(m, "uptake_pilot"), reported(m, "uptake_outside")
    weighted = ((pilot * n_in if n_in else 0.0) + (outside * n_out if n_out else 0.0)) / n_comm
    assert close(weighted, reported(m, "uptake")), f"{where}: uptake {reported(m, 'uptake')} != weighted {weighted}"
    # --- cumulative counters never fall
    fell = {k: (before[k], c[k]) for k in COUNTERS if c[k] < before[k] - TOL * max(1.0, abs(before[k]))}
    assert not fell, f"{where}: cumulative counters fell: {fell}"


def run_checking(params: dict, seed: int, steps: int, prepare=None) -> model.LearningAlliance:
    """Run ``steps`` months, checking every identity after each month; return the model. ``prepare(m)``, if
    given, sets the state by hand at month 0 (e.g. government bodies already implementing MUS)."""
    m = model.build_model(params, seed=seed)
    if prepare is not None:
        prepare(m)
    assert m.support == 1.0 and np.isclose(sum(m.payers), 1.0)
    for _ in range(steps):
        before = dict(m.counts)
        m.step()
        check_month(m, before)
    return m
