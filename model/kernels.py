"""Compiled loops for every mechanism's arithmetic (Numba), each the exact arithmetic of the NumPy rule it
replaces, element by element, in the same order: outputs are bit-identical to the rule written with NumPy
arrays (``tests/model/test_kernels*.py`` check each against that form). The first part holds the loops shared
across mechanisms and the record's; then a section per process (spread, membership, funding, pilots, vision),
each named after the module whose mechanisms call it.

Why compiled: a month is a few hundred NumPy calls, and each call costs a microsecond or two whatever its
length (a single run's arrays hold a few hundred elements) and writes its whole result before the next reads
it; a loop here costs one call and reads each element once. What stays in NumPy: random draws (each
replicate's own generator, in the order it draws alone; a batch's uniform and Poisson draws are one compiled
call on each generator's state, model/streams.py) and the transcendental functions (NumPy's
``exp``/``expm1``/``pow`` may use other implementations than the compiled ones and differ in the last bit).
Helpers called once per element take numbers, never arrays (an array argument costs a reference count per call).
"""

from __future__ import annotations

import numpy as np
from numba import njit, types
from numba.extending import overload

from . import rules
from .states import LEVEL, MEMBERSHIP, STAGE

UNAWARE, KNOWLEDGE, PERSUASION, DECISION = int(STAGE.UNAWARE), int(STAGE.KNOWLEDGE), int(STAGE.PERSUASION), int(STAGE.DECISION)
IMPLEMENTATION, CONFIRMATION = int(STAGE.IMPLEMENTATION), int(STAGE.CONFIRMATION)
NATIONAL = int(LEVEL.NATIONAL)
# rules of model/rules.py the loops call, compiled from their one declaration there
reinforce = njit(cache=True, nogil=True)(rules.reinforce)
bass_hazard = njit(cache=True, nogil=True)(rules.bass_hazard)


@njit(cache=True, nogil=True)
def weigh_mus(stage, awareness, view, rep, threshold):
    """Rogers' knowledge and persuasion (model/adoption.py: Adoption.adopt), in place: the unaware who reach the
    awareness threshold know of MUS; those who know are persuaded while their view is favourable (>= 0.5) and
    fall back to knowing only while it is not."""
    for i in range(len(stage)):
        stage[i] = weighed(stage[i], awareness[i], view[i], threshold[rep[i]])


@njit(cache=True, nogil=True)
def weighed(s, awareness, view, threshold):
    """One stakeholder's stage after weighing MUS (:func:`weigh_mus`)."""
    if s == UNAWARE and awareness >= threshold:
        s = KNOWLEDGE
    if s == KNOWLEDGE or s == PERSUASION:
        s = PERSUASION if view >= 0.5 else KNOWLEDGE
    return s


@njit(cache=True, nogil=True)
def peer_share(decided, rep, is_community, n_communities, peer_from, peer_to, inverse_peer_degree, no_peers,
               locality, org_index, org_kind, kind, inverse_kind_count):
    """Share of each stakeholder's peers who decided (model/adoption.py: Adoption.peer_share): communities
    (1 - locality) x the alliance's share of communities that decided + locality x the share of their tied
    neighbours (the alliance's share where they have none); organisations the share of their own type."""
    global_share, hits, org_decided = peers_who_decided(decided, rep, is_community, n_communities, peer_from, peer_to,
                                                        org_index, org_kind, inverse_kind_count.shape[1])
    n = len(decided)
    out = np.empty(n)
    for i in range(n):
        r, k = rep[i], kind[i]
        out[i] = share_of_peers(is_community[i], hits[i], inverse_peer_degree[i], no_peers[i], global_share[r],
                                locality[r], org_decided[r, k], inverse_kind_count[r, k])
    return out


@njit(cache=True, nogil=True)
def peers_who_decided(decided, rep, is_community, n_communities, peer_from, peer_to, org_index, org_kind, kinds):
    """The tallies behind :func:`peer_share`: each alliance's share of communities that decided, each
    community's tied neighbours that decided, and the organisations of each type that decided (per alliance)."""
    R = len(n_communities)
    decided_communities = np.zeros(R, np.int64)
    for i in range(len(decided)):
        if decided[i] and is_community[i]:
            decided_communities[rep[i]] += 1
    global_share = np.zeros(R)
    for r in range(R):
        if n_communities[r] > 0:
            global_share[r] = decided_communities[r] / n_communities[r]
    hits = np.zeros(len(decided), np.int64)
    for k in range(len(peer_to)):
        hits[peer_from[k]] += decided[peer_to[k]]
    org_decided = np.zeros((R, kinds))
    for j in range(len(org_index)):
        o = org_index[j]
        org_decided[rep[o], org_kind[j]] += 1.0 if decided[o] else 0.0
    return global_share, hits, org_decided


@njit(cache=True, nogil=True)
def share_of_peers(is_community, hits, inverse_peer_degree, no_peers, global_share, locality, kind_decided,
                   inverse_kind_count):
    """One stakeholder's peer share (:func:`peer_share`), from its tallies (:func:`peers_who_decided`)."""
    if is_community:
        local = hits * inverse_peer_degree + (1.0 if no_peers else 0.0) * global_share
        return (1 - locality) * global_share + locality * local
    return kind_decided * inverse_kind_count


@njit(cache=True, nogil=True)
def external_influence(bass_p, push, intermediary_strength, reach, rep, org_index, institutional, members,
                       policy_reach):
    """The Bass innovation term p of each stakeholder (model/adoption.py: Adoption.innovation):
    ``bass_p`` + dissemination push + the alliance's pull, which is ``intermediary_strength`` x reach for
    communities and, for organisations where the alliance's institutional pull is not nil, that pull (x
    ``policy_reach`` for those outside)."""
    n = len(push)
    out = np.empty(n)
    for i in range(n):
        r = rep[i]
        out[i] = innovation_of(bass_p[r], push[i], intermediary_strength[r] * reach[i])
    for o in org_index:
        r = rep[o]
        if institutional[r] != 0:
            out[o] = innovation_of(bass_p[r], push[o], institutional_pull_on(institutional[r], members[o], policy_reach[r]))
    return out


@njit(cache=True, nogil=True)
def innovation_of(bass_p, push, pull):
    """One stakeholder's innovation term (:func:`external_influence`)."""
    return bass_p + push + pull


@njit(cache=True, nogil=True)
def institutional_pull_on(institutional, member, policy_reach):
    """The alliance's institutional pull on one organisation (:func:`external_influence`)."""
    return institutional * (1.0 if member else policy_reach)


@njit(cache=True, nogil=True)
def decide(stage, can_adopt, u, chance, stage_gating, barrier, design_fit_weight, fit, rep):
    """Rogers' decision (model/adoption.py: Adoption.adopt), in place: a stakeholder before the decision that
    can adopt decides when its draw ``u`` falls below chance x readiness x barrier x worth, readiness
    1 - ``stage_gating`` for those not persuaded, worth 1 - ``design_fit_weight`` x (1 - fit). Returns the
    mask of those who decided."""
    n = len(stage)
    deciding = np.zeros(n, np.bool_)
    for i in range(n):
        r = rep[i]
        if decides(stage[i], can_adopt[i], u[i], chance[i], stage_gating[r], barrier[r], design_fit_weight[r], fit[i]):
            deciding[i] = True
            stage[i] = DECISION
    return deciding


@njit(cache=True, nogil=True)
def decides(stage, can_adopt, u, chance, stage_gating, barrier, design_fit_weight, fit):
    """Whether one stakeholder decides (:func:`decide`)."""
    if stage < DECISION and can_adopt:
        readiness = 1 - stage_gating * (1.0 if stage < PERSUASION else 0.0)
        worth = 1 - design_fit_weight * (1 - fit)
        return u < chance * readiness * barrier * worth
    return False


@njit(cache=True, nogil=True)
def tailor_designs(communities, interests, platform_design, design_platform, tailoring, rep):
    """Each community's design (model/vision.py: Vision.fit_designs): its design platform's water-use mix moved
    ``tailoring`` of its alliance of the way towards the community's own interests. Rows follow
    ``communities``."""
    m, uses = len(communities), interests.shape[1]
    out = np.empty((m, uses))
    for j in range(m):
        i = communities[j]
        p = design_platform[i]
        t = tailoring[rep[i]]
        for u in range(uses):
            a = platform_design[p, u]
            out[j, u] = a + t * (interests[i, u] - a)
    return out


@njit(cache=True, nogil=True)
def fit_to(fit, communities, interests, design):
    """``fit`` of ``communities``, in place: 1 - 2 x the total-variation distance between a community's
    interests and its design (a row of ``design``), at least 0 (model/vision.py: Vision.fit_designs; the
    absolute differences added from the first water use to the last, as NumPy adds a row of four)."""
    for j in range(len(communities)):
        i = communities[j]
        gap = abs(interests[i, 0] - design[j, 0])
        for u in range(1, interests.shape[1]):
            gap += abs(interests[i, u] - design[j, u])
        left = 1 - 2 * (0.5 * gap)
        fit[i] = left if left > 0.0 else 0.0


@njit(cache=True, nogil=True)
def trust_in_members(who, cold_trust, rep, tie_start, tie, other, members, trust):
    """Highest trust each of ``who`` has in a tie to a current member, ``cold_trust`` of its alliance where it
    has none (model/membership.py: MembershipProcess.trust_in_members); stakeholder i's ties are
    ``tie[tie_start[i]:tie_start[i + 1]]``, in tie order, with ``other`` at their other ends."""
    out = np.empty(len(who))
    for j in range(len(who)):
        i = who[j]
        best = cold_trust[rep[i]]
        for k in range(tie_start[i], tie_start[i + 1]):
            if members[other[k]] and trust[tie[k]] > best:
                best = trust[tie[k]]
        out[j] = best
    return out


@njit(cache=True, nogil=True)
def reach_event(awareness, push, u, target, rep, org, is_community, district, members, policy_reach,
                horizontal_reach, event_awareness, event_push):
    """One dissemination event of each alliance, in place (model/spread.py: Spread.disseminate): ``target``
    per alliance is a district (its non-member communities), -1 (its non-member organisations) or -2 (no
    event); each of the audience with its draw ``u`` below the reach (``policy_reach`` or
    ``horizontal_reach``) closes ``event_awareness`` of its awareness gap and has its push renewed to at least
    ``event_push``."""
    for i in range(len(awareness)):
        r = rep[i]
        t = target[r]
        if t == -2 or members[i]:
            continue
        if t == -1:
            if not org[i] or not u[i] < policy_reach[r]:
                continue
        elif not (is_community[i] and district[i] == t) or not u[i] < horizontal_reach[r]:
            continue
        awareness[i] += event_awareness[r] * (1 - awareness[i])
        if push[i] < event_push[r]:
            push[i] = event_push[r]


@njit(cache=True, nogil=True)
def come_to_meetings(u, commitment, busy, fatigue, marginalised, empowered, rep, members, seated, planned, home):
    """Who comes to their platform's planned meeting (model/meetings.py: Meetings.hold_meetings): a seated
    member whose draw ``u`` falls below its chance commitment x (1 - busy) x fatigue of its alliance,
    marginalised members x (1 + ``empowered``)/2. Returns (comes, could come, chance)."""
    n = len(u)
    come, eligible, chance = np.zeros(n, np.bool_), np.zeros(n, np.bool_), np.empty(n)
    for i in range(n):
        r = rep[i]
        c = commitment[i] * (1 - busy[i]) * fatigue[r]
        if marginalised[i]:
            c = c * (1 + empowered[r]) / 2
        chance[i] = c
        if members[i] and seated[i] and planned[home[i]]:
            eligible[i] = True
            come[i] = u[i] < c
    return come, eligible, chance


@njit(cache=True, nogil=True)
def learn_at_meetings(awareness, commitment, come, meets, home, u, chance, members, has_second_seat, second_home,
                      meeting_awareness, useful, rep):
    """Those who came to a meeting that took place, and bridge members whose second platform met and who came
    (draw ``u`` below their chance), close ``meeting_awareness`` of their awareness gap and ``useful`` of their
    commitment gap, in place (model/meetings.py: Meetings.hold_meetings). Returns (attend, attend_bridge)."""
    n = len(come)
    attend, bridge = np.zeros(n, np.bool_), np.zeros(n, np.bool_)
    for i in range(n):
        attend[i] = come[i] and meets[home[i]]
        bridge[i] = members[i] and has_second_seat[i] and meets[second_home[i]] and u[i] < chance[i]
        if attend[i] or bridge[i]:
            r = rep[i]
            awareness[i] += meeting_awareness[r] * (1 - awareness[i])
            commitment[i] += useful[r] * (1 - commitment[i])
    return attend, bridge


@njit(cache=True, nogil=True)
def record_pilots(hosts, success, platforms, tie_order, tie_start, live_ties, trust, seat_order, seat_start, members,
                  commitment, stage, implementing_since, view, last_win, capacity, gain, mutual_trust, rep, month):
    """What finished pilots do, one after another in the given order, in place (model/pilots.py:
    Pilots.record_pilots): pilot j runs on the platforms in column j of ``platforms`` (-1: none; a platform
    named twice acts once). A success makes the host implement MUS (its view at least 0.8), reinforces the
    trust of the platforms' live ties and the commitment of the members seated on them towards 1 at rate
    ``gain`` and marks the platforms' latest win; a failure teaches the host (capacity +0.05, at most 1) and
    moves that trust towards 0 at rate 0.5 x gain x (1 - ``mutual_trust``). The platforms' ties and seats are
    read through their indexes: ``tie_order[tie_start[p]:tie_start[p + 1]]``, and the same for seats."""
    for j in range(len(hosts)):
        h, r, won = hosts[j], rep[hosts[j]], success[j]
        rate = gain[r] if won else 0.5 * gain[r] * (1 - mutual_trust[r])
        target = 1.0 if won else 0.0
        for k in range(platforms.shape[0]):
            p = platforms[k, j]
            if p < 0 or (k > 0 and p == platforms[0, j]) or (k > 1 and p == platforms[1, j]):
                continue
            for e in tie_order[tie_start[p]:tie_start[p + 1]]:
                if live_ties[e]:
                    trust[e] = trust[e] + rate * (target - trust[e])
            if won:
                for i in seat_order[seat_start[p]:seat_start[p + 1]]:
                    if members[i]:
                        commitment[i] = commitment[i] + gain[r] * (1.0 - commitment[i])
                last_win[p] = month
        if won:
            if stage[h] < IMPLEMENTATION:
                stage[h] = IMPLEMENTATION
            implementing_since[h] = month
            if view[h] < 0.8:
                view[h] = 0.8
        else:
            c = capacity[h] + 0.05
            capacity[h] = c if c < 1.0 else 1.0


@njit(cache=True, nogil=True)
def member_ties(who, tie_start, other, members):
    """Number of ties each of ``who`` has to current members (model/membership.py: MembershipProcess.member_ties);
    stakeholder i's ties end at ``other[tie_start[i]:tie_start[i + 1]]``."""
    out = np.empty(len(who))
    for j in range(len(who)):
        i = who[j]
        count = 0
        for k in range(tie_start[i], tie_start[i + 1]):
            if members[other[k]]:
                count += 1
        out[j] = count
    return out


@njit(cache=True, nogil=True)
def tally_month(replicates, rep, report_group, stage, members, level, marginalised, awareness, view, fit, in_set,
                org_index, power, rep_p, platform_size, joint_action, platform_level, attendance, open_conflicts):
    """The monthly reporters' numbers (model/reporters.py: tally), per alliance, every sum added in element order
    (stakeholders, then platforms), every share a ratio of exact counts.

    Stakeholders: the share of each set of reporting groups (``in_set``: group x set) at the implementation stage
    or beyond and at the decision stage or beyond (NaN, undefined, where a set is empty); members by level and in
    all; mean awareness over all stakeholders; the share of members who are marginalised (NaN without members);
    the marginalised groups' mean agenda fit (NaN without them); the standard deviation of members' views (NaN
    below 2 members); the power-weighted share of organisations implementing MUS (0 when they have no power).
    Platforms: mean joint action over platforms with members, mean attendance at the latest meeting of the
    platforms of each level that have met (a column per level, model.states.LEVEL; NaN where none), open
    conflicts."""
    R, S = replicates, in_set.shape[1]
    by_stage = np.zeros((R, 5, 6), np.int64)
    members_by_level = np.zeros((R, 3), np.int64)
    count = np.zeros(R, np.int64)
    awareness_sum, fit_sum, view_sum = np.zeros(R), np.zeros(R), np.zeros(R)
    marginalised_members, marginalised_count = np.zeros(R, np.int64), np.zeros(R, np.int64)
    for i in range(len(rep)):
        r = rep[i]
        by_stage[r, report_group[i], stage[i]] += 1
        count[r] += 1
        awareness_sum[r] += awareness[i]
        if marginalised[i]:
            fit_sum[r] += fit[i]
            marginalised_count[r] += 1
        if members[i]:
            members_by_level[r, level[i]] += 1
            view_sum[r] += view[i]
            if marginalised[i]:
                marginalised_members[r] += 1
    implementing, decided = np.full((R, S), np.nan), np.full((R, S), np.nan)
    n_members = np.zeros(R, np.int64)
    mean_awareness, share_marginalised = np.empty(R), np.full(R, np.nan)
    fit_marginalised, view_mean = np.full(R, np.nan), np.full(R, np.nan)
    for r in range(R):
        for s in range(S):
            total, at_implementation, at_decision = 0, 0, 0
            for g in range(5):
                if in_set[g, s]:
                    for k in range(6):
                        total += by_stage[r, g, k]
                        if k >= IMPLEMENTATION:
                            at_implementation += by_stage[r, g, k]
                        if k >= DECISION:
                            at_decision += by_stage[r, g, k]
            if total > 0:
                implementing[r, s] = at_implementation / total
                decided[r, s] = at_decision / total
        n_members[r] = members_by_level[r, 0] + members_by_level[r, 1] + members_by_level[r, 2]
        mean_awareness[r] = awareness_sum[r] / count[r]  # every alliance has stakeholders
        if n_members[r] > 0:
            share_marginalised[r] = marginalised_members[r] / n_members[r]
            view_mean[r] = view_sum[r] / n_members[r]
        if marginalised_count[r] > 0:
            fit_marginalised[r] = fit_sum[r] / marginalised_count[r]
    view_squares = np.zeros(R)
    for i in range(len(rep)):
        if members[i]:
            d = view[i] - view_mean[rep[i]]
            view_squares[rep[i]] += d * d
    view_spread = np.full(R, np.nan)
    for r in range(R):
        if n_members[r] >= 2:
            view_spread[r] = np.sqrt(view_squares[r] / n_members[r])
    power_total, power_implementing = np.zeros(R), np.zeros(R)
    for j in range(len(org_index)):
        o = org_index[j]
        power_total[rep[o]] += power[o]
        if stage[o] >= IMPLEMENTATION:
            power_implementing[rep[o]] += power[o]
    policy_adoption = np.zeros(R)
    for r in range(R):
        if power_total[r] > 0:
            policy_adoption[r] = power_implementing[r] / power_total[r]
    action_sum, with_members = np.zeros(R), np.zeros(R, np.int64)
    attendance_sum, met = np.zeros((R, 3)), np.zeros((R, 3), np.int64)
    conflicts = np.zeros(R, np.int64)
    for p in range(len(rep_p)):
        r = rep_p[p]
        if platform_size[p] > 0:
            action_sum[r] += joint_action[p]
            with_members[r] += 1
        if attendance[p] == attendance[p]:  # NaN: a platform that has not met
            attendance_sum[r, platform_level[p]] += attendance[p]
            met[r, platform_level[p]] += 1
        conflicts[r] += open_conflicts[p]
    mean_action, mean_attendance = np.full(R, np.nan), np.full((R, 3), np.nan)
    for r in range(R):
        if with_members[r] > 0:
            mean_action[r] = action_sum[r] / with_members[r]
        for v in range(3):
            if met[r, v] > 0:
                mean_attendance[r, v] = attendance_sum[r, v] / met[r, v]
    return (implementing, decided, members_by_level, n_members, mean_awareness, share_marginalised, fit_marginalised,
            view_spread, policy_adoption, mean_action, mean_attendance, conflicts)


@njit(cache=True, nogil=True)
def seat_members(membership, member, seated, platform, n_platforms):
    """Who is a member (model/alliance.py: Alliances.members), who of them holds a primary seat (``seated``), each
    seated member's platform in stakeholder order and the number of members seated on each platform."""
    n = len(membership)
    members, seated_members = np.zeros(n, np.bool_), np.zeros(n, np.bool_)
    platform_size = np.zeros(n_platforms, np.int64)
    seats = 0
    for i in range(n):
        if membership[i] == member:
            members[i] = True
            if seated[i]:
                seated_members[i] = True
                platform_size[platform[i]] += 1
                seats += 1
    seated_platform = np.empty(seats, platform.dtype)
    k = 0
    for i in range(n):
        if seated_members[i]:
            seated_platform[k] = platform[i]
            k += 1
    return members, seated_members, seated_platform, platform_size


@njit(cache=True, nogil=True)
def live_ties_of(members, src, dst, edge_platform):
    """Whether each tie is live (model/alliance.py: Alliances.live_ties): both ends members who share a platform."""
    live = np.zeros(len(src), np.bool_)
    for e in range(len(src)):
        if edge_platform[e] >= 0 and members[src[e]]:
            live[e] = members[dst[e]]
    return live


@njit(cache=True, nogil=True)
def admit(who, rep, joins, joined, month, commitment, role_clarity, commitment_floor, clarity_floor):
    """``who`` joined this month (model/alliance.py: Alliances.admit), in place: each alliance's joins counted,
    and each newcomer's commitment and role clarity raised to at least its alliance's floor."""
    for k in range(len(who)):
        i = who[k]
        r = rep[i]
        joins[r] += 1.0
        joined[i] = month
        commitment[i] = larger(commitment[i], commitment_floor[r])
        role_clarity[i] = larger(role_clarity[i], clarity_floor[r])


@njit(cache=True, nogil=True)
def mean_on_live_ties(n_groups, live_ties, group, trust, fallback):
    """Mean trust on the live ties of each group (a platform: model/trust.py, Trust.platform_trust; an alliance:
    model/reporters.py, mean_trust), added in tie order; ``fallback`` where a group has none."""
    total, count = np.zeros(n_groups), np.zeros(n_groups, np.int64)
    for e in range(len(trust)):
        if live_ties[e]:
            total[group[e]] += trust[e]
            count[group[e]] += 1
    out = fallback.copy()
    for g in range(n_groups):
        if count[g] > 0:
            out[g] = total[g] / count[g]
    return out


@njit(cache=True, nogil=True)
def spread_of(x, seat_platform, count):
    """Standard deviation of ``x`` (one value per seat) over the seats of each platform: sqrt(max(0, mean of
    squares - square of the mean)) (tension: model/conflict.py, Conflict.escalation_chance; shared vision:
    model/vision.py, Vision.assess_joint_action)."""
    P = len(count)
    total, squares = np.zeros(P), np.zeros(P)
    for s in range(len(x)):
        total[seat_platform[s]] += x[s]
        squares[seat_platform[s]] += x[s] * x[s]
    out = np.empty(P)
    for p in range(P):
        mean = total[p] / count[p]
        v = squares[p] / count[p] - mean * mean
        out[p] = np.sqrt(v if v > 0.0 else 0.0)
    return out


@njit(cache=True, nogil=True)
def tension_at(n_platforms, who, seat_platform, interests, power, view):
    """Tension at each platform's meeting (model/conflict.py: Conflict.escalation_chance):
    1 - (1 - divergence)(1 - power gap/2)(1 - disagreement), divergence the mean distance of the interests
    present from their centre, power gap and disagreement the spreads of power and views, each x 2, at most
    1."""
    uses = interests.shape[1]
    count = np.zeros(n_platforms)
    centre = np.zeros((n_platforms, uses))
    for s in range(len(who)):
        p = seat_platform[s]
        count[p] += 1.0
        for u in range(uses):
            centre[p, u] += interests[who[s], u]
    safe = np.empty(n_platforms)
    for p in range(n_platforms):
        safe[p] = count[p] if count[p] > 1.0 else 1.0
        for u in range(uses):
            centre[p, u] = centre[p, u] / safe[p]
    distance = np.zeros(n_platforms)
    seat_power, seat_view = np.empty(len(who)), np.empty(len(who))
    for s in range(len(who)):
        p, i = seat_platform[s], who[s]
        d = interests[i, 0] - centre[p, 0]
        squares = d * d
        for u in range(1, uses):
            d = interests[i, u] - centre[p, u]
            squares += d * d
        distance[p] += np.sqrt(squares)
        seat_power[s], seat_view[s] = power[i], view[i]
    power_spread = spread_of(seat_power, seat_platform, safe)
    view_spread = spread_of(seat_view, seat_platform, safe)
    out = np.empty(n_platforms)
    for p in range(n_platforms):
        divergence = min(1.0, 2 * distance[p] / safe[p])
        power_gap = min(1.0, 2 * power_spread[p])
        disagreement = min(1.0, 2 * view_spread[p])
        out[p] = 1 - (1 - divergence) * (1 - power_gap / 2) * (1 - disagreement)
    return out


@njit(cache=True, nogil=True)
def implement(stage, implementing_since, capacity, marginalised, u, equity_support, speed, env, rep, month):
    """Decisions become implementations, in place (model/adoption.py: Adoption.implement): a stakeholder at
    the decision stage whose draw ``u`` falls below ``speed`` x (1 + capacity)/2 x (1 + E)/2 implements MUS,
    capacity made up, for marginalised communities, by ``equity_support`` of its gap."""
    for i in range(len(stage)):
        r = rep[i]
        if implements(stage[i], capacity[i], marginalised[i], u[i], equity_support[r], speed[r], env[r]):
            stage[i] = IMPLEMENTATION
            implementing_since[i] = month


@njit(cache=True, nogil=True)
def implements(stage, capacity, marginalised, u, equity_support, speed, env):
    """Whether one stakeholder steps from decision to implementation (:func:`implement`)."""
    if stage == DECISION:
        c = capacity + equity_support * (1 - capacity) * (1.0 if marginalised else 0.0)
        return u < speed * (1 + c) / 2 * (1 + env) / 2
    return False


@njit(cache=True, nogil=True)
def confirm_or_discontinue(stage, implementing_since, is_community, u, months, env, hazard, rep, month):
    """Confirmation and discontinuation, in place (model/adoption.py: Adoption.confirm_or_discontinue): after
    ``months`` of implementation a stakeholder confirms when its draw falls below E / months; a community
    implementing or confirmed gives MUS up when the same draw is at least 1 - ``hazard`` (halved once
    confirmed, this month included)."""
    for i in range(len(stage)):
        s = stage[i]
        if s >= IMPLEMENTATION:
            r = rep[i]
            after = confirmed_or_stopped(s, implementing_since[i], is_community[i], u[i], months[r], env[r], hazard[r],
                                         month)
            stage[i] = after
            if after == PERSUASION:
                implementing_since[i] = -1


@njit(cache=True, nogil=True)
def confirmed_or_stopped(s, since, is_community, u, months, env, hazard, month):
    """The stage of one implementing stakeholder after confirmation or discontinuation
    (:func:`confirm_or_discontinue`)."""
    confirm = s == IMPLEMENTATION and month - since >= months and u < env / months
    if is_community and u >= 1 - hazard * (0.5 if (s == CONFIRMATION or confirm) else 1.0):
        return PERSUASION
    return CONFIRMATION if confirm else s


@njit(cache=True, nogil=True)
def reach_through(link_from, link_to, link_tie, members, intermediary_kind, view, trust, commitment, joint_action,
                  home, awareness, meeting_awareness, rep):
    """Trusted intermediaries' reach (model/spread.py: Spread.reach_through_intermediaries): for each
    listener, the strongest trust x commitment x joint action of its platform over its links to change agents
    (members of an intermediary kind with a favourable view); each listener reached closes reach x
    ``meeting_awareness`` of its awareness gap, in place. Returns the reach."""
    reach = np.zeros(len(awareness))
    for k in range(len(link_to)):
        to = link_to[k]
        if members[to] and intermediary_kind[to] and view[to] >= 0.5:
            strength = trust[link_tie[k]] * (commitment[to] * joint_action[home[to]])
            if strength > reach[link_from[k]]:
                reach[link_from[k]] = strength
    for i in range(len(awareness)):
        if reach[i] > 0:
            awareness[i] += reach[i] * meeting_awareness[rep[i]] * (1 - awareness[i])
    return reach


@njit(cache=True, nogil=True)
def strain_under_conflict(trust, commitment, live_ties, edge_platform, hurting, rate, rep_t, seated_members, home,
                          rep_s):
    """An unresolved conflict's monthly toll, in place (model/conflict.py: Conflict.manage_conflicts): the live
    ties of a platform with an open conflict move towards 0 at its alliance's ``rate``, and the members seated
    on it lose that half rate of their commitment."""
    for e in range(len(trust)):
        if live_ties[e] and hurting[edge_platform[e]]:
            trust[e] = trust[e] + rate[rep_t[e]] * (0.0 - trust[e])
    for i in range(len(commitment)):
        if seated_members[i] and hurting[home[i]]:
            commitment[i] *= 1 - 0.5 * rate[rep_s[i]]


@njit(cache=True, nogil=True)
def left_from(platforms, membership, dropped, seated, home, not_initiator):
    """Those who left a platform flagged in ``platforms`` (their primary seat), the initiator aside, in index
    order (model/membership.py: MembershipProcess.reinvite_dropped)."""
    out = np.empty(len(membership), np.int64)
    k = 0
    for i in range(len(membership)):
        if membership[i] == dropped and seated[i] and platforms[home[i]] and not_initiator[i]:
            out[k] = i
            k += 1
    return out[:k]


# ---- spread: sharing between levels, the evidence level (model/spread.py) -------------------------------------------
@njit(cache=True, nogil=True)
def carry_between_levels(awareness, view, openness, carriers, platform, bridge_platform, seated_members, home, rep_s,
                         rep_p, vertical_sharing, replicates):
    """Bridge members carry news between levels, in place (model/spread.py: Spread.share_between_levels): each
    platform links to the platforms its ``carriers`` bridge it with; each seated member of an alliance with a
    carrier moves ``vertical_sharing`` x min(1, links/2) of the way towards the linked platforms' member means
    (each platform's mean, 0 where it has no members, added over its links in carrier order: those it is the
    primary platform of, then those it is the second seat of, and divided by its links), awareness only upwards,
    views by ``openness``."""
    P = len(rep_p)
    links = np.zeros(P, np.int64)
    sharing = np.zeros(replicates, np.bool_)
    for i in range(len(carriers)):
        if carriers[i]:
            links[platform[i]] += 1
            links[bridge_platform[i]] += 1
            sharing[rep_s[i]] = True
    # columns: awareness, view
    total, count = np.zeros((P, 2)), np.zeros(P, np.int64)
    for i in range(len(carriers)):
        if seated_members[i]:
            total[platform[i], 0] += awareness[i]
            total[platform[i], 1] += view[i]
            count[platform[i]] += 1
    mean = np.zeros((P, 2))
    for p in range(P):
        if count[p] > 0:
            mean[p, 0], mean[p, 1] = total[p, 0] / count[p], total[p, 1] / count[p]
    from_primary, from_second = np.zeros((P, 2)), np.zeros((P, 2))
    for i in range(len(carriers)):
        if carriers[i]:
            for k in range(2):
                from_primary[platform[i], k] += mean[bridge_platform[i], k]
                from_second[bridge_platform[i], k] += mean[platform[i], k]
    target, on_platform = np.zeros((P, 2)), np.empty(P)
    for p in range(P):
        on_platform[p] = vertical_sharing[rep_p[p]] * min(1.0, links[p] / 2)
        if links[p] > 0:
            for k in range(2):
                target[p, k] = (from_primary[p, k] + from_second[p, k]) / links[p]
    for i in range(len(carriers)):
        p = home[i]
        strength = on_platform[p] if seated_members[i] and sharing[rep_s[i]] else 0.0
        gap = target[p, 0] - awareness[i]
        if gap < 0.0:
            gap = 0.0
        awareness[i] += strength * gap
        gap = target[p, 1] - view[i]
        view[i] += strength * (gap * openness[i])


@njit(cache=True, nogil=True)
def evidence_level(evidence, evidence_scale, pilot_communities, credibility):
    """How convincing each alliance's documented evidence is (model/spread.py: Spread.evidence_level):
    E / (E + ``evidence_scale`` x pilot-district communities (at least 1) / credibility)."""
    out = np.empty(len(evidence))
    for r in range(len(evidence)):
        scale = evidence_scale[r] * max(1, pilot_communities[r]) / credibility[r]
        out[r] = evidence[r] / (evidence[r] + scale)
    return out


@njit(cache=True, nogil=True)
def fade_push(push, push_memory, rep):
    """The dissemination push keeps ``push_memory`` of itself a month, in place (model/spread.py:
    Spread.disseminate)."""
    for i in range(len(push)):
        push[i] *= push_memory[rep[i]]


# ---- membership: who is found, invited, joins, leaves and comes back (model/membership.py) ------------------
@njit(cache=True, nogil=True)
def analysis_due(month, every):
    """Whether each alliance's stakeholder analysis is due this month (model/membership.py:
    MembershipProcess.analyse_stakeholders): in the first month, and every ``every`` months after it where
    ``every`` > 0."""
    due = np.zeros(len(every), np.bool_)
    for r in range(len(every)):
        due[r] = month == 1 or (every[r] > 0 and (month - 1) % max(every[r], 1) == 0)
    return due


@njit(cache=True, nogil=True)
def find_stakeholders(identified, u, chance, membership, outside, view, org, rep, replicates):
    """One round of the stakeholder analysis, in place (model/membership.py:
    MembershipProcess.analyse_stakeholders): each stakeholder not yet identified and not outside is found when
    its draw ``u`` falls below its ``chance``. Returns, per alliance, the stakeholders found, the blocking
    organisations (view < 1/3) among them and the blocking organisations still unseen."""
    found, blockers, missed = (np.zeros(replicates, np.int64), np.zeros(replicates, np.int64),
                               np.zeros(replicates, np.int64))
    for i in range(len(identified)):
        r = rep[i]
        blocker = view[i] < 1 / 3 and org[i]
        if not identified[i] and membership[i] != outside and u[i] < chance[i]:
            identified[i] = True
            found[r] += 1
            if blocker:
                blockers[r] += 1
        if blocker and not identified[i]:
            missed[r] += 1
    return found, blockers, missed


@njit(cache=True, nogil=True)
def maximum(a, b):
    """``np.maximum`` of two numbers: the larger, NaN if either is NaN (the first of equals)."""
    return a if a >= b or a != a else b


@njit(cache=True, nogil=True)
def at_most_one(x):
    """``np.minimum(1.0, x)``: x capped at 1, NaN staying NaN."""
    return 1.0 if 1.0 <= x else x


@njit(cache=True, nogil=True)
def mobilisation_pool(identified, membership, not_invited, next_invite, month, rep, mobilisation_rate, drive,
                      ownership):
    """Whom mobilisation can invite this month (model/membership.py: MembershipProcess.mobilise): the identified
    stakeholders not invited (or declined) whose ``next_invite`` month has come, in index order, their number
    per alliance, and each alliance's chance of inviting each of them, ``mobilisation_rate`` x the larger of
    the initiator's drive and the members' ownership, at most 1."""
    R = len(mobilisation_rate)
    pool, count = np.empty(len(identified), np.int64), np.zeros(R, np.int64)
    k = 0
    for i in range(len(identified)):
        if identified[i] and membership[i] == not_invited and next_invite[i] <= month:
            pool[k] = i
            k += 1
            count[rep[i]] += 1
    chance = np.empty(R)
    for r in range(R):
        chance[r] = at_most_one(mobilisation_rate[r] * maximum(drive[r], ownership[r]))
    return pool[:k], count, chance


@njit(cache=True, nogil=True)
def sorts_before(a, b):
    """NumPy's sort order of two floats: a comes before b (NaN last, equal to NaN)."""
    return a < b or (b != b and a == a)


@njit(cache=True, nogil=True)
def asked_first(x, y, alliance, asked_before, later, u):
    """Whether position x comes strictly before position y in invitation order: by alliance, the never asked
    before those who declined earlier, by ``later`` (minus the order's key), then by draw."""
    if alliance[x] != alliance[y]:
        return alliance[x] < alliance[y]
    if asked_before[x] != asked_before[y]:
        return asked_before[y]
    if sorts_before(later[x], later[y]):
        return True
    if sorts_before(later[y], later[x]):
        return False
    return sorts_before(u[x], u[y])


@njit(cache=True, nogil=True)
def invitation_order(candidates, key, u, next_invite, rep):
    """Positions of ``candidates`` in invitation order (model/membership.py: MembershipProcess.invitation_order):
    alliance by alliance, those never asked (``next_invite`` 0) before those who declined earlier, larger
    ``key`` first, ties by the draw ``u``, equals in their given order: the order of
    ``np.lexsort((u, -key, next_invite > 0, alliance))``, by a stable sort (insertion sort of runs of 16, then
    merges)."""
    n = len(candidates)
    alliance, asked_before, later = np.empty(n, np.int64), np.empty(n, np.bool_), np.empty(n)
    for j in range(n):
        alliance[j] = rep[candidates[j]]
        asked_before[j] = next_invite[candidates[j]] > 0
        later[j] = -key[j]
    order, spare = np.arange(n), np.empty(n, np.int64)
    run = 16
    for lo in range(0, n, run):
        for k in range(lo + 1, min(lo + run, n)):
            x = order[k]
            j = k
            while j > lo and asked_first(x, order[j - 1], alliance, asked_before, later, u):
                order[j] = order[j - 1]
                j -= 1
            order[j] = x
    width = run
    while width < n:
        for lo in range(0, n, 2 * width):
            mid, hi = min(lo + width, n), min(lo + 2 * width, n)
            a, b = lo, mid
            for k in range(lo, hi):
                if b < hi and (a >= mid or asked_first(order[b], order[a], alliance, asked_before, later, u)):
                    spare[k] = order[b]
                    b += 1
                else:
                    spare[k] = order[a]
                    a += 1
        order, spare = spare, order
        width *= 2
    return order


@njit(cache=True, nogil=True)
def first_invited(candidates, order, rep, n_invite):
    """The first ``n_invite`` of each alliance's candidates in invitation order (model/membership.py:
    MembershipProcess.mobilise; ``order`` lists each alliance's candidates together), and their number per
    alliance."""
    invited, count = np.empty(len(order), np.int64), np.zeros(len(n_invite), np.int64)
    k = 0
    for j in order:
        i = candidates[j]
        r = rep[i]
        if count[r] < n_invite[r]:
            invited[k] = i
            k += 1
            count[r] += 1
    return invited[:k], count


@njit(cache=True, nogil=True)
def join_chance(invited, trust_in_inviter, n_platforms, seated_members, platform, role_clarity, breadth, view, power,
                marginalised, inclusiveness, is_community, community_reach, rep):
    """Chance that each invited stakeholder accepts (model/membership.py: MembershipProcess.join_chance):
    expected benefit (0.5 breadth + 0.5 x the larger of view and power) x (1 + trust in the inviter)/2 x
    (1 + its platform's mean role clarity over the members seated on it, 0 where none)/2, x
    0.2 + 0.8 ``inclusiveness`` for marginalised groups, x ``community_reach`` for communities, at most 1."""
    clarity_sum, seats = np.zeros(n_platforms), np.zeros(n_platforms, np.int64)
    for i in range(len(platform)):
        if seated_members[i]:
            clarity_sum[platform[i]] += role_clarity[i]
            seats[platform[i]] += 1
    out = np.empty(len(invited))
    for j in range(len(invited)):
        i, r = invited[j], rep[invited[j]]
        p = platform[i] if platform[i] >= 0 else platform[i] + n_platforms  # as NumPy reads index -1
        clarity = clarity_sum[p] / seats[p] if seats[p] > 0 else 0.0
        benefit = 0.5 * breadth[i] + 0.5 * maximum(view[i], power[i])
        include = 0.2 + 0.8 * inclusiveness[r] if marginalised[i] else 1.0
        reach = community_reach[r] if is_community[i] else 1.0
        out[j] = at_most_one(benefit * (1 + trust_in_inviter[j]) / 2 * (1 + clarity) / 2 * include * reach)
    return out


@njit(cache=True, nogil=True)
def answer_invitations(invited, u, chance, next_invite, month, reinvite_delay, rep, is_community, replicates):
    """The invited answer (model/membership.py: MembershipProcess.mobilise): each accepts when its draw ``u``
    falls below its ``chance``; one who declines is not asked again for ``reinvite_delay`` months
    (``next_invite``, in place). Returns those who join, those of them who are not communities, and the
    communities joining per alliance."""
    joining, named = np.empty(len(invited), np.int64), np.empty(len(invited), np.int64)
    communities = np.zeros(replicates, np.int64)
    k = m = 0
    for j in range(len(invited)):
        i, r = invited[j], rep[invited[j]]
        if u[j] < chance[j]:
            joining[k] = i
            k += 1
            if is_community[i]:
                communities[r] += 1
            else:
                named[m] = i
                m += 1
        else:
            next_invite[i] = month + reinvite_delay[r]
    return joining[:k], named[:m], communities


@njit(cache=True, nogil=True)
def choose_leavers(commitment, fatigue, role_clarity, open_conflicts, home, seated, level, last_win, month, win_memory,
                   local_burden, dropout_rate, exclusion, rep, u, members, not_initiator):
    """Dropping out (model/membership.py: MembershipProcess.drop_out): every stakeholder's commitment fades by
    ``fatigue`` (in place) and a member other than the initiator leaves when its draw ``u`` falls below its
    chance of leaving (:func:`leaving_chance`). Returns who leaves."""
    leaving = np.zeros(len(u), np.bool_)
    for i in range(len(u)):
        r = rep[i]
        commitment[i] *= 1 - fatigue[r]
        if members[i] and not_initiator[i]:
            hazard = leaving_chance(dropout_rate[r], commitment[i], role_clarity[i],
                                    in_open_conflict(open_conflicts[home[i]], seated[i]), exclusion[i],
                                    burden_of(level[i], month - last_win[home[i]], win_memory[r], local_burden[r]))
            leaving[i] = u[i] < hazard
    return leaving


@njit(cache=True, nogil=True)
def strongest_reasons(gone, role_clarity, commitment, exclusion, open_conflicts, home, seated, level, last_win, month,
                      win_memory, local_burden, rep):
    """Why each of ``gone`` left (model/membership.py: MembershipProcess.drop_out): the index of the strongest of
    1 - role clarity, 1 - commitment, conflict (:func:`in_open_conflict`), exclusion and burden/2
    (:func:`burden_of`), the first of equals (a NaN first, as ``np.argmax``)."""
    out = np.empty(len(gone), np.int64)
    weight = np.empty(5)
    for j in range(len(gone)):
        i = gone[j]
        weight[0], weight[1] = 1 - role_clarity[i], 1 - commitment[i]
        weight[2] = in_open_conflict(open_conflicts[home[i]], seated[i]) * 1.0
        weight[3] = exclusion[i]
        weight[4] = burden_of(level[i], month - last_win[home[i]], win_memory[rep[i]], local_burden[rep[i]]) / 2
        best = 0
        for k in range(5):
            if weight[k] != weight[k]:
                best = k
                break
            if weight[k] > weight[best]:
                best = k
        out[j] = best
    return out


@njit(cache=True, nogil=True)
def rejoin_pool(membership, dropped, not_initiator, month, last_win, home, win_memory, rejoin_rate, rep, replicates):
    """Those who left and may come back of their own accord (model/membership.py: MembershipProcess.rejoin),
    the initiator aside, in index order, their number per alliance, and each one's chance: ``rejoin_rate``,
    doubled when its platform had a small win within ``win_memory`` months."""
    pool, count, chance = np.empty(len(membership), np.int64), np.zeros(replicates, np.int64), np.empty(len(membership))
    k = 0
    for i in range(len(membership)):
        if membership[i] == dropped and not_initiator[i]:
            r = rep[i]
            pool[k] = i
            chance[k] = rejoin_rate[r] * (1 + (month - last_win[home[i]] <= win_memory[r]))
            k += 1
            count[r] += 1
    return pool[:k], count, chance[:k]


# ---- funding: resources, ownership and the enabling environment (model/funding.py, model/environment.py)
@njit(cache=True, nogil=True)
def smaller(a, b):
    """``np.minimum`` of two numbers (NaN if either is)."""
    return a if a <= b or a != a else b


@njit(cache=True, nogil=True)
def larger(a, b):
    """``np.maximum`` of two numbers (NaN if either is)."""
    return a if a >= b or a != a else b


@njit(cache=True, nogil=True)
def share_of(flagged, total):
    """Each alliance's flagged weight over its total weight, 0 where there is no weight (a power-weighted share:
    embedding, policy adoption, convinced power, obstruction)."""
    out = np.zeros(len(total))
    for r in range(len(total)):
        if total[r] > 0:
            out[r] = flagged[r] / total[r]
    return out


@njit(cache=True, nogil=True)
def ownership_of(members, rep, month, joined, ownership_months, commitment, role_clarity, replicates):
    """Ownership (model/funding.py: Funding.fund): per alliance, the mean over members of commitment x role
    clarity x min(1, months of membership / ``ownership_months``); 0 without members."""
    n = np.zeros(replicates, np.int64)
    owned = np.zeros(replicates)
    for i in range(len(members)):
        if members[i]:
            r = rep[i]
            maturity = smaller(1.0, (month - joined[i]) / ownership_months[r])
            n[r] += 1
            owned[r] += commitment[i] * role_clarity[i] * maturity
    out = np.zeros(replicates)
    for r in range(replicates):
        if n[r] > 0:
            out[r] = owned[r] / n[r]
    return out


@njit(cache=True, nogil=True)
def planned_costs(platform_size, rep_p, members, rep_s, cost_facilitator_month, meetings_per_year, cost_meeting,
                  pilots_per_year, cost_pilot, dissemination_events_per_year, cost_dissemination_event):
    """A month of activities at full intensity (model/funding.py: Funding.planned_cost), per alliance: the
    facilitator, ``meetings_per_year`` / 12 on each platform with more than one member, ``pilots_per_year`` / 12
    and ``dissemination_events_per_year`` / 12, at their unit costs; 0 for an alliance without members."""
    R = len(cost_facilitator_month)
    platforms = np.zeros(R, np.int64)
    for p in range(len(platform_size)):
        if platform_size[p] > 1:
            platforms[rep_p[p]] += 1
    any_member = np.zeros(R, np.bool_)
    for i in range(len(members)):
        if members[i]:
            any_member[rep_s[i]] = True
    out = np.zeros(R)
    for r in range(R):
        if any_member[r]:
            out[r] = (cost_facilitator_month[r] + meetings_per_year[r] / 12 * platforms[r] * cost_meeting[r]
                      + pilots_per_year[r] / 12 * cost_pilot[r]
                      + dissemination_events_per_year[r] / 12 * cost_dissemination_event[r])
    return out


@njit(cache=True, nogil=True)
def pay_for_activities(planned, members, can_adopt, rep, capacity, commitment, role_clarity, shares, government, stage,
                       power, membership, member, initiator, budget_line, initiator_type_drive, ownership, month,
                       contribution_rate, transparency, government_budget, n_districts, project_exit_month,
                       initiator_drive):
    """Who pays for the planned activities (model/funding.py: Funding.fund), per alliance. Members pay their
    agreed contributions (``contribution_rate`` x (0.5 + 0.5 ``transparency``) x the sum of capacity x
    commitment x role clarity x the share each pays, over members who can adopt), at most the plan; government
    pays ``government_budget`` x ``n_districts`` x the larger of its embedding (the power-weighted share of
    government bodies implementing MUS) and a member government initiator's budget line, at most what is left;
    the project pays the rest until its exit month. Returns the embedding, the support (the share of the plan
    that happens: 1 while the project pays, what members and government pay for after), the share of the
    month's spending each purse paid (project, members, government; with nothing planned, the project until
    it leaves and members' own time after) and the initiator's drive, ``initiator_drive`` x its type's drive
    x (1 - ownership) while it is a member."""
    R = len(planned)
    power_total = np.zeros(R)
    power_implementing = np.zeros(R)
    agreed = np.zeros(R)
    for i in range(len(members)):
        r = rep[i]
        if government[i]:
            power_total[r] += power[i]
            power_implementing[r] += power[i] * (1.0 if stage[i] >= IMPLEMENTATION else 0.0)
        if members[i] and can_adopt[i]:  # the project office pays as the project
            agreed[r] += capacity[i] * commitment[i] * role_clarity[i] * shares[i]
    embedded = share_of(power_implementing, power_total)
    support = np.empty(R)
    payers = np.empty((R, 3))
    drive = np.zeros(R)
    for r in range(R):
        contributions = contribution_rate[r] * (0.5 + 0.5 * transparency[r]) * agreed[r]
        initiator_active = membership[initiator[r]] == member
        line = budget_line[r] if initiator_active and government[initiator[r]] else 0.0
        budget = government_budget[r] * n_districts[r] * larger(embedded[r], line)
        funded = month <= project_exit_month[r]
        by_members = smaller(contributions, planned[r])
        by_government = smaller(budget, planned[r] - by_members)
        paying = planned[r] > 0
        support[r] = 1.0
        if not funded and paying:
            support[r] = (by_members + by_government) / planned[r]
        spent = planned[r] * support[r]
        # when nothing is paid for, what still happens (a meeting called before the exit) is members' own time
        by_project = larger(0.0, spent - by_members - by_government)  # never below 0 by rounding
        if not paying:  # nothing planned (no members): the project pays until it leaves, members' own time after
            payers[r, 0], payers[r, 1], payers[r, 2] = (1.0, 0.0, 0.0) if funded else (0.0, 1.0, 0.0)
        elif spent > 0:
            payers[r, 0], payers[r, 1], payers[r, 2] = by_project / spent, by_members / spent, by_government / spent
        else:
            payers[r, 0], payers[r, 1], payers[r, 2] = 0.0, 1.0, 0.0
        if initiator_active:
            drive[r] = initiator_drive[r] * initiator_type_drive[r] * (1 - ownership[r])
    return embedded, support, payers, drive


@njit(cache=True, nogil=True)
def account(members, rep, support, payers, member_months, facilitator_months, meetings, pilots_run,
            dissemination_events, cost, cost_project, cost_members, cost_government, cost_facilitator_month,
            cost_meeting, cost_pilot, cost_dissemination_event):
    """This month's resources (model/funding.py: Funding.account_costs), in place: member-months, facilitator
    months at the support level (none without members), and the cumulative cost of facilitator months,
    meetings, pilots and events at their unit costs, the month's increase split between the purses by their
    ``payers`` shares. Returns the new cumulative cost."""
    R = len(support)
    n_members = np.zeros(R, np.int64)
    for i in range(len(members)):
        if members[i]:
            n_members[rep[i]] += 1
    total = np.empty(R)
    for r in range(R):
        member_months[r] += n_members[r]
        facilitator_months[r] += support[r] if n_members[r] > 0 else 0.0
        total[r] = (facilitator_months[r] * cost_facilitator_month[r] + meetings[r] * cost_meeting[r]
                    + pilots_run[r] * cost_pilot[r] + dissemination_events[r] * cost_dissemination_event[r])
        spent = total[r] - cost[r]
        cost_project[r] += spent * payers[r, 0]
        cost_members[r] += spent * payers[r, 1]
        cost_government[r] += spent * payers[r, 2]
    return total


@njit(cache=True, nogil=True)
def obstruction(org_index, rep, members, view, power, inside_obstruction, mediation, support):
    """Power-weighted obstruction by blockers (view < 1/3) among the organisations (model/environment.py:
    Environment.opposition), per alliance: a member's power counts ``inside_obstruction`` x (1 - mediation x
    support / 2), an outsider's in full."""
    R = len(support)
    total = np.zeros(R)
    blocking = np.zeros(R)
    for o in org_index:
        r = rep[o]
        weight = inside_obstruction[r] * (1 - 0.5 * mediation[r] * support[r]) if members[o] else 1.0
        w = power[o] * weight
        total[r] += w
        blocking[r] += w * (1.0 if view[o] < 1 / 3 else 0.0)
    return share_of(blocking, total)


@njit(cache=True, nogil=True)
def enable(env, org_index, rep, stage, power, evidence, support, env_gain, env_drag, obstruction):
    """The enabling environment's month (model/environment.py: Environment.update_environment), per alliance:
    E += ``env_gain`` x (adoption + evidence x support) / 2 x (1 - E) - ``env_drag`` x obstruction x E, within
    [0, 1], adoption the power-weighted share of organisations implementing MUS. Returns the new E."""
    R = len(env)
    total = np.zeros(R)
    implementing = np.zeros(R)
    for o in org_index:
        r = rep[o]
        total[r] += power[o]
        implementing[r] += power[o] * (1.0 if stage[o] >= IMPLEMENTATION else 0.0)
    adoption = share_of(implementing, total)
    out = np.empty(R)
    for r in range(R):
        carried = evidence[r] * support[r]
        gain = env_gain[r] * (adoption[r] + carried) / 2 * (1 - env[r])
        out[r] = smaller(1.0, larger(0.0, env[r] + gain - env_drag[r] * obstruction[r] * env[r]))
    return out


@njit(cache=True, nogil=True)
def pull_to_mandates(org_index, rep, members, view, power, evidence):
    """Institutional pull (model/environment.py: Environment.institutional_pull), per alliance with at least two
    member organisations (0 otherwise): coherence x convinced power x evidence, coherence 1 - 2 x the standard
    deviation of member organisations' views (at least 0), convinced power the power-weighted share of
    organisations that are members with a favourable view (>= 0.5)."""
    R = len(evidence)
    n = np.zeros(R, np.int64)
    views = np.zeros(R)
    total = np.zeros(R)
    convinced_power = np.zeros(R)
    for o in org_index:
        r = rep[o]
        total[r] += power[o]
        convinced_power[r] += power[o] * (1.0 if members[o] and view[o] >= 0.5 else 0.0)
        if members[o]:
            n[r] += 1
            views[r] += view[o]
    convinced = share_of(convinced_power, total)
    squares = np.zeros(R)
    for o in org_index:
        if members[o]:
            r = rep[o]
            d = view[o] - views[r] / n[r]
            squares[r] += d * d
    out = np.zeros(R)
    for r in range(R):
        if n[r] >= 2:
            coherence = larger(0.0, 1 - 2 * np.sqrt(squares[r] / n[r]))
            out[r] = coherence * convinced[r] * evidence[r]
    return out


# ---- pilots: action research (pilots started, judged and recorded), process monitoring, conflicts -------------

MEMBER = int(MEMBERSHIP.MEMBER)


def of_alliance(x, r):
    """Alliance r's value of ``x``: ``x[r]`` when there is one value per alliance (an array), ``x`` itself when
    one value holds for all (a number: support set by hand)."""
    return x[r] if np.ndim(x) else x


@overload(of_alliance)
def _of_alliance(x, r):
    if isinstance(x, types.Array):
        return lambda x, r: x[r]
    return lambda x, r: x


@njit(cache=True, nogil=True)
def pilot_candidates(is_community, members, stage, pilot_host, n_new, rep):
    """Communities that can host a new pilot (model/pilots.py: Pilots.run_action_research): member communities
    not yet implementing MUS and hosting no pilot under way, in index order. Returns (hosts, bounds, starting):
    alliance r's candidates are ``hosts[bounds[r]:bounds[r + 1]]``, and it starts ``n_new[r]`` pilots, at most
    one per candidate."""
    n, R = len(stage), len(n_new)
    hosting = np.zeros(n, np.bool_)
    for h in pilot_host:
        hosting[h] = True
    hosts = np.empty(n, np.int64)
    bounds = np.zeros(R + 1, np.int64)
    m = 0
    for i in range(n):
        if is_community[i] and members[i] and not hosting[i] and stage[i] < IMPLEMENTATION:
            hosts[m] = i
            m += 1
            bounds[rep[i] + 1] += 1
    starting = np.empty(R, np.int64)
    for r in range(R):
        starting[r] = n_new[r] if n_new[r] < bounds[r + 1] else bounds[r + 1]
        bounds[r + 1] += bounds[r]
    return hosts[:m], bounds, starting


@njit(cache=True, nogil=True)
def host_weight(hosts, marginalised, capacity, equity, voice, rep):
    """Each candidate host's relative chance to get a pilot (model/pilots.py: Pilots.host_weight):
    ((1 - equity) x capacity + equity x need) x voice + 1e-9, need = (1 if marginalised else 0.3) x
    (1 - capacity); ``voice`` is the hosts' own, in their order."""
    out = np.empty(len(hosts))
    for j in range(len(hosts)):
        i = hosts[j]
        e = equity[rep[i]]
        need = (1.0 if marginalised[i] else 0.3) * (1 - capacity[i])
        out[j] = ((1 - e) * capacity[i] + e * need) * voice[j] + 1e-9
    return out


@njit(cache=True, nogil=True)
def enrol_pilots(pilot_host, pilot_end, chosen, month, duration, marginalised, rep, replicates):
    """The pilots under way once ``chosen`` start (model/pilots.py: Pilots.run_action_research): those under way
    and then the new ones, each ending ``duration`` of its alliance after ``month``, put in alliance order
    keeping that order within an alliance (a stable sort by alliance). Returns (hosts, ends, marginalised
    hosts among the new ones per alliance)."""
    m = len(pilot_host) + len(chosen)
    host, end = np.empty(m, np.int64), np.empty(m, np.int64)
    for j in range(len(pilot_host)):
        host[j], end[j] = pilot_host[j], pilot_end[j]
    for j in range(len(chosen)):
        c = chosen[j]
        host[len(pilot_host) + j], end[len(pilot_host) + j] = c, month + duration[rep[c]]
    place = np.zeros(replicates + 1, np.int64)
    for j in range(m):
        place[rep[host[j]] + 1] += 1
    for r in range(replicates):
        place[r + 1] += place[r]
    sorted_host, sorted_end = np.empty(m, np.int64), np.empty(m, np.int64)
    for j in range(m):
        r = rep[host[j]]
        sorted_host[place[r]], sorted_end[place[r]] = host[j], end[j]
        place[r] += 1
    new_marginalised = np.zeros(replicates, np.int64)
    for c in chosen:
        if marginalised[c]:
            new_marginalised[rep[c]] += 1
    return sorted_host, sorted_end, new_marginalised


@njit(cache=True, nogil=True)
def finishing_pilots(pilot_host, pilot_end, done, rep, replicates):
    """The pilots flagged ``done`` and those still under way, each in their order (model/pilots.py:
    Pilots.finish_pilots). Returns (finished hosts, hosts and ends of those under way, start, draws): alliance
    r's finished pilots are ``start[r]:start[r + 1]``, and it draws twice as many (success, documentation)."""
    m = len(pilot_host)
    finished = 0
    for j in range(m):
        finished += done[j]
    hosts = np.empty(finished, np.int64)
    kept_host, kept_end = np.empty(m - finished, np.int64), np.empty(m - finished, np.int64)
    start = np.zeros(replicates + 1, np.int64)
    a = b = 0
    for j in range(m):
        if done[j]:
            hosts[a] = pilot_host[j]
            start[rep[pilot_host[j]] + 1] += 1
            a += 1
        else:
            kept_host[b], kept_end[b] = pilot_host[j], pilot_end[j]
            b += 1
    draws = np.empty(replicates, np.int64)
    for r in range(replicates):
        draws[r] = 2 * start[r + 1]
        start[r + 1] += start[r]
    return hosts, kept_host, kept_end, start, draws


@njit(cache=True, nogil=True)
def success_chance(hosts, pilot_host, rep, base, capacity, guidance, support, guided_per_district, n_districts, env,
                   joint_action, platform, district_platform, joint_action_weight, fit, design_fit_weight):
    """Chance each finished pilot succeeds (model/pilots.py: Pilots.success_chance): base x (0.6 + 0.4
    capacity) x (0.6 + 0.4 guidance') x (0.8 + 0.2 enabling env) x (1 - w_j + w_j x joint action) x (1 - w_f
    + w_f x fit), guidance' = ``guidance`` x ``support`` x min(1, ``guided_per_district`` x
    districts / pilots under way, at least 1), joint action the mean of the host's community and district
    platforms'."""
    R = len(base)
    under_way = np.zeros(R, np.int64)
    for h in pilot_host:
        under_way[rep[h]] += 1
    guided = np.empty(R)
    for r in range(R):
        share = guided_per_district[r] * n_districts[r] / (under_way[r] if under_way[r] > 1 else 1)
        guided[r] = guidance[r] * of_alliance(support, r) * (share if share < 1.0 else 1.0)
    out = np.empty(len(hosts))
    for j in range(len(hosts)):
        i = hosts[j]
        r = rep[i]
        quality = 0.5 * (joint_action[platform[i]] + joint_action[district_platform[i]])
        wj, wf = joint_action_weight[r], design_fit_weight[r]
        out[j] = (base[r] * (0.6 + 0.4 * capacity[i]) * (0.6 + 0.4 * guided[r])
                  * (0.8 + 0.2 * env[r]) * (1 - wj + wj * quality) * (1 - wf + wf * fit[i]))
    return out


@njit(cache=True, nogil=True)
def documentation_chance(membership, initiator, documentation, documents):
    """Chance a finished pilot's result is documented, per alliance (model/pilots.py:
    Pilots.documentation_chance): ``documentation`` + the initiator type's ``documents`` while the initiator is
    a member, at most 1."""
    out = np.empty(len(documentation))
    for r in range(len(documentation)):
        c = documentation[r] + documents[r] * (1.0 if membership[initiator[r]] == MEMBER else 0.0)
        out[r] = c if c < 1.0 else 1.0
    return out


@njit(cache=True, nogil=True)
def judge_pilots(u, chance, documenting, start):
    """Which finished pilots succeed and which are documented (model/pilots.py: Pilots.finish_pilots): alliance
    r's block of draws ``u[2 start[r]:2 start[r + 1]]`` holds first one draw per pilot for success (below its
    chance) and then one per pilot for documentation (below ``documenting`` of r), as the alliance draws
    alone. Returns (success, documented, and per alliance successes, documented pilots, documented
    successes)."""
    R = len(documenting)
    m = start[R]
    success, documented = np.empty(m, np.bool_), np.empty(m, np.bool_)
    succeeded, written, evidence = np.zeros(R, np.int64), np.zeros(R, np.int64), np.zeros(R, np.int64)
    for r in range(R):
        k = start[r + 1] - start[r]
        for j in range(start[r], start[r + 1]):
            success[j] = u[start[r] + j] < chance[j]
            documented[j] = u[start[r] + j + k] < documenting[r]
            succeeded[r] += success[j]
            written[r] += documented[j]
            evidence[r] += success[j] and documented[j]
    return success, documented, succeeded, written, evidence


@njit(cache=True, nogil=True)
def pilot_platform_table(hosts, platform, district_platform, bridge_platform):
    """(3, hosts) platforms of each host's pilot: its community platform, its district's platform and its second
    seat, -1 where none (model/pilots.py: Pilots.pilot_platform_table)."""
    out = np.empty((3, len(hosts)), platform.dtype)
    for j in range(len(hosts)):
        h = hosts[j]
        out[0, j], out[1, j], out[2, j] = platform[h], district_platform[h], bridge_platform[h]
    return out


@njit(cache=True, nogil=True)
def record_pilots_at(hosts, success, platform, district_platform, bridge_platform, tie_order, tie_start, live_ties,
                     trust, seat_order, seat_start, members, commitment, stage, implementing_since, view, last_win,
                     capacity, gain, mutual_trust, rep, month):
    """What finished pilots do (:func:`record_pilots`), each on its platforms (:func:`pilot_platform_table`)."""
    record_pilots(hosts, success, pilot_platform_table(hosts, platform, district_platform, bridge_platform),
                  tie_order, tie_start, live_ties, trust, seat_order, seat_start, members, commitment, stage,
                  implementing_since, view, last_win, capacity, gain, mutual_trust, rep, month)


@njit(cache=True, nogil=True)
def stalls(open_conflicts, conflict_since, month, conflict_stall_months, attendance, stall_attendance,
           extra_meeting, u, monitoring, support, rep):
    """Stalls detected by process monitoring (model/monitoring.py: Monitoring.monitor_process): a platform with
    a conflict open for more than ``conflict_stall_months`` (stale) or attendance under ``stall_attendance``
    at its last planned meeting, and no extra meeting called yet, is flagged when its draw ``u`` falls below
    ``monitoring`` x ``support`` of its alliance; an extra meeting is called there (in place). Returns
    (detected, stale)."""
    P = len(open_conflicts)
    detected, stale = np.zeros(P, np.bool_), np.zeros(P, np.bool_)
    for p in range(P):
        r = rep[p]
        stale[p] = open_conflicts[p] > 0 and month - conflict_since[p] > conflict_stall_months[r]
        thin = attendance[p] < stall_attendance[r]
        if (stale[p] or thin) and not extra_meeting[p] and u[p] < monitoring[r] * of_alliance(support, r):
            detected[p] = True
            extra_meeting[p] = True
    return detected, stale


@njit(cache=True, nogil=True)
def seats_taken(seat_who, seat_platform, rep, n_platforms, replicates):
    """Seats taken at this month's meetings per platform, and whether each alliance has two or more
    (model/conflict.py: Conflict.arise_conflicts)."""
    count = np.zeros(n_platforms, np.int64)
    per_alliance = np.zeros(replicates, np.int64)
    for s in range(len(seat_who)):
        count[seat_platform[s]] += 1
        per_alliance[rep[seat_who[s]]] += 1
    return count, per_alliance >= 2


@njit(cache=True, nogil=True)
def escalation_chance(n_platforms, who, seat_platform, interests, power, view, platform_trust, propensity,
                      mutual_trust, mediation, support, rep):
    """Chance this month's meeting of each platform starts a conflict (model/conflict.py:
    Conflict.escalation_chance): ``propensity`` x tension (:func:`tension_at`) x (1 - platform trust) x
    (1.5 - ``mutual_trust``) x (1 - ``mediation`` x ``support`` / 2)."""
    tension = tension_at(n_platforms, who, seat_platform, interests, power, view)
    out = np.empty(n_platforms)
    for p in range(n_platforms):
        r = rep[p]
        out[p] = (propensity[r] * tension[p] * (1 - platform_trust[p]) * (1.5 - mutual_trust[r])
                  * (1 - 0.5 * mediation[r] * of_alliance(support, r)))
    return out


@njit(cache=True, nogil=True)
def conflicts_raised(count, u, chance):
    """Platforms whose meeting starts a conflict (model/conflict.py: Conflict.arise_conflicts): two or more
    seats and a draw ``u`` below the chance (NaN: no draw, no conflict)."""
    new = np.zeros(len(count), np.bool_)
    for p in range(len(count)):
        new[p] = count[p] >= 2 and u[p] < chance[p]
    return new


@njit(cache=True, nogil=True)
def open_conflicts_at(new, open_conflicts, conflict_since, month, rep, replicates):
    """New conflicts open, in place (model/conflict.py: Conflict.arise_conflicts): each flagged platform has one
    more, dated ``month`` where none was open. Returns the new conflicts per alliance."""
    arisen = np.zeros(replicates, np.int64)
    for p in range(len(new)):
        if new[p]:
            if open_conflicts[p] == 0:
                conflict_since[p] = month
            open_conflicts[p] += 1
            arisen[rep[p]] += 1
    return arisen


@njit(cache=True, nogil=True)
def settle_conflicts(open_conflicts, resolved, conflict_since, rep_p, replicates, trust, commitment, live_ties,
                     edge_platform, rate, rep_t, seated_members, home, rep_s):
    """This month's end of conflict management, in place (model/conflict.py: Conflict.manage_conflicts): the
    ``resolved`` conflicts close (a platform with none left open is dated -1), then the conflicts still open
    take their toll (:func:`strain_under_conflict`). Returns the resolved conflicts per alliance (added as
    floats in platform order)."""
    closed = np.zeros(replicates)
    hurting = np.zeros(len(open_conflicts), np.bool_)
    for p in range(len(open_conflicts)):
        open_conflicts[p] -= resolved[p]
        closed[rep_p[p]] += resolved[p]
        if open_conflicts[p] == 0:
            conflict_since[p] = -1
        hurting[p] = open_conflicts[p] > 0
    strain_under_conflict(trust, commitment, live_ties, edge_platform, hurting, rate, rep_t, seated_members, home,
                          rep_s)
    return closed


# ---- vision: meetings, agenda, dialogue, roles, trust and joint action (model/meetings.py, vision.py, trust.py) ----
DISTRICT, COMMUNITY = int(LEVEL.DISTRICT), int(LEVEL.COMMUNITY)


@njit(cache=True, nogil=True)
def call_meetings(u_platforms, u, seats, extra_meeting, meetings_per_year, meetings_tolerated, empowerment, support,
                  rep_p, commitment, busy, marginalised, rep, members, seated, home):
    """Which platforms plan a meeting and who comes (model/meetings.py: Meetings.hold_meetings): a platform with
    two or more members plans one when its draw falls below min(1, ``meetings_per_year``/12) x support or an
    extra meeting was called (the calls cleared, in place); members come as :func:`come_to_meetings` has it,
    fatigue min(1, ``meetings_tolerated`` / max(meetings_per_year, 1e-9)), empowered ``empowerment`` x
    support. Returns (planned, comes, could come, chance)."""
    R = len(support)
    chance, fatigue, empowered = np.empty(R), np.empty(R), np.empty(R)
    for r in range(R):
        per_month = meetings_per_year[r] / 12
        chance[r] = (per_month if per_month < 1.0 else 1.0) * support[r]
        per_year = meetings_per_year[r] if meetings_per_year[r] > 1e-9 else 1e-9
        tolerated = meetings_tolerated[r] / per_year
        fatigue[r] = tolerated if tolerated < 1.0 else 1.0
        empowered[r] = empowerment[r] * support[r]
    planned = np.zeros(len(seats), np.bool_)
    for p in range(len(seats)):
        planned[p] = seats[p] > 1 and (u_platforms[p] < chance[rep_p[p]] or extra_meeting[p])
        extra_meeting[p] = False
    come, could, coming = come_to_meetings(u, commitment, busy, fatigue, marginalised, empowered, rep, members, seated,
                                           planned, home)
    return planned, come, could, coming


@njit(cache=True, nogil=True)
def meet(come, planned, seats, platform, attendance, quorum, rep_p, awareness, commitment, home, u, chance, members,
         has_second_seat, second_home, bridge_platform, meeting_awareness, meeting_commitment, guidance, support, rep,
         meetings, meetings_missed):
    """The planned meetings that take place and what attending does (model/meetings.py: Meetings.hold_meetings):
    attendance is the share of a planned meeting's members who came; a meeting takes place when at least
    ``quorum`` x its members and at least two came; attending learns as :func:`learn_at_meetings` has it, useful
    ``meeting_commitment`` x (0.5 + 0.5 ``guidance`` x support). The seats taken, each alliance's as a run of it
    alone lists them: its attendants at their primary platform, then its bridges at their second one, each in
    index order. The meetings held and those that fell through are added to each alliance's ``meetings`` and
    ``meetings_missed``, in place. Returns (attendance, meets, attend, attend_bridge, seat_who, seat_platform)."""
    P, R, n = len(seats), len(support), len(come)
    present = np.zeros(P, np.int64)
    for i in range(n):
        if come[i]:
            present[platform[i]] += 1
    attendance = attendance.copy()
    meets = np.zeros(P, np.bool_)
    held, missed = np.zeros(R, np.int64), np.zeros(R, np.int64)
    for p in range(P):
        if planned[p]:
            attendance[p] = present[p] / max(seats[p], 1)
            meets[p] = (present[p] >= quorum[rep_p[p]] * seats[p]) and present[p] >= 2
            if meets[p]:
                held[rep_p[p]] += 1
            else:
                missed[rep_p[p]] += 1
    useful = np.empty(R)
    for r in range(R):
        meetings[r] += held[r]
        meetings_missed[r] += missed[r]
        useful[r] = meeting_commitment[r] * (0.5 + 0.5 * guidance[r] * support[r])
    attend, bridge = learn_at_meetings(awareness, commitment, come, meets, home, u, chance, members, has_second_seat,
                                       second_home, meeting_awareness, useful, rep)
    seats_of = np.zeros(R, np.int64)
    for i in range(n):
        if attend[i]:
            seats_of[rep[i]] += 1
        if bridge[i]:
            seats_of[rep[i]] += 1
    at = np.zeros(R, np.int64)
    for r in range(1, R):
        at[r] = at[r - 1] + seats_of[r - 1]
    total = at[R - 1] + seats_of[R - 1] if R else 0
    seat_who, seat_platform = np.empty(total, np.int64), np.empty(total, platform.dtype)
    for i in range(n):
        if attend[i]:
            seat_who[at[rep[i]]], seat_platform[at[rep[i]]] = i, platform[i]
            at[rep[i]] += 1
    for i in range(n):
        if bridge[i]:
            seat_who[at[rep[i]]], seat_platform[at[rep[i]]] = i, bridge_platform[i]
            at[rep[i]] += 1
    return attendance, meets, attend, bridge, seat_who, seat_platform


@njit(cache=True, nogil=True)
def hold_meetings_at(u_platforms, u, seats, extra_meeting, meetings_per_year, meetings_tolerated, empowerment, support,
                     rep_p, commitment, busy, marginalised, rep, members, seated, home, platform, attendance, quorum,
                     awareness, has_second_seat, second_home, bridge_platform, meeting_awareness, meeting_commitment,
                     guidance, meetings, meetings_missed):
    """A month's meetings when nobody's attendance is played (model/meetings.py: Meetings.hold_meetings):
    :func:`call_meetings` with the first row of draws ``u``, then :func:`meet` with the second. Returns what
    :func:`meet` returns."""
    planned, come, could, coming = call_meetings(u_platforms, u[0], seats, extra_meeting, meetings_per_year,
                                                 meetings_tolerated, empowerment, support, rep_p, commitment, busy,
                                                 marginalised, rep, members, seated, home)
    return meet(come, planned, seats, platform, attendance, quorum, rep_p, awareness, commitment, home, u[1], coming,
                members, has_second_seat, second_home, bridge_platform, meeting_awareness, meeting_commitment, guidance,
                support, rep, meetings, meetings_missed)

@njit(cache=True, nogil=True)
def power_distortion_of(power_distortion, empowerment, support):
    """The exponent of each alliance's voices (model/vision.py: Vision.voice): 2 ``power_distortion`` x
    (1 - ``empowerment`` x support)."""
    out = np.empty(len(support))
    for r in range(len(support)):
        out[r] = 2 * power_distortion[r] * (1 - empowerment[r] * support[r])
    return out


@njit(cache=True, nogil=True)
def openness_of(entrenchment, mediation, support):
    """How far a stakeholder's view can move: 1 - entrenchment x (1 - mediation x support)."""
    return 1 - entrenchment * (1 - mediation * support)


@njit(cache=True, nogil=True)
def openness(entrenchment, mediation, support, rep):
    """:func:`openness_of` of each stakeholder (model/vision.py: Vision.openness)."""
    out = np.empty(len(entrenchment))
    for i in range(len(entrenchment)):
        out[i] = openness_of(entrenchment[i], mediation[rep[i]], support[rep[i]])
    return out


@njit(cache=True, nogil=True)
def dialogue_rounds_of(who, rep, rounds, replicates):
    """Each alliance's seats at this month's meetings (``who``), its dialogue rounds (``rounds``, none with fewer
    than two seats) and its number of pairing draws, seats x rounds (model/vision.py: Vision.converge_views)."""
    seats_of = np.zeros(replicates, np.int64)
    for s in range(len(who)):
        seats_of[rep[who[s]]] += 1
    rounds_n, draws = np.zeros(replicates, np.int64), np.zeros(replicates, np.int64)
    for r in range(replicates):
        if seats_of[r] >= 2:
            rounds_n[r] = rounds[r]
        draws[r] = seats_of[r] * rounds_n[r]
    return seats_of, rounds_n, draws


@njit(cache=True, nogil=True)
def talk_in_pairs(view, who, seat_platform, u, seats_of, rounds_n, n_platforms, vision_confidence,
                  facilitation_widening, mediation, support, convergence_rate, weight, entrenchment, rep):
    """Shared vision's dialogue rounds, in place (model/vision.py: Vision.converge_views): in each round the seats
    of each platform are shuffled by their draws (an alliance's draws: its seats round after round) and paired in
    order, the odd one out sitting the round out. A pair whose views differ by less than the confidence bound
    min(1, ``vision_confidence`` + ``facilitation_widening`` x mediation x support) meet as Deffuant et al.
    (2000) have it (model/rules.py: deffuant_update): each moves towards the other by 2 ``convergence_rate`` x
    the other's share of the pair's ``weight`` (voice, one per seat) x its own :func:`openness_of`. A round's
    pairs, platform after platform, move at once from the views before the round (a stakeholder seated twice
    keeps its last move as the first member of a pair, then its last as the second), as the array rule does."""
    R, P, m = len(seats_of), n_platforms, len(who)
    eps = np.empty(R)
    first_seat, first_draw = np.zeros(R, np.int64), np.zeros(R, np.int64)
    for r in range(R):
        bound = vision_confidence[r] + facilitation_widening[r] * mediation[r] * support[r]
        eps[r] = bound if bound < 1.0 else 1.0
        if r > 0:
            first_seat[r] = first_seat[r - 1] + seats_of[r - 1]
            first_draw[r] = first_draw[r - 1] + seats_of[r - 1] * rounds_n[r - 1]
    at = np.zeros(P + 1, np.int64)  # the seats of each platform, in seat order
    for s in range(m):
        at[seat_platform[s] + 1] += 1
    for p in range(P):
        at[p + 1] += at[p]
    by_platform, filled = np.empty(m, np.int64), at[:-1].copy()
    for s in range(m):
        by_platform[filled[seat_platform[s]]] = s
        filled[seat_platform[s]] += 1
    order, key = np.empty(m, np.int64), np.empty(m)
    a, b = np.empty(m // 2, np.int64), np.empty(m // 2, np.int64)
    diff, step_a, step_b, moved = np.empty(m // 2), np.empty(m // 2), np.empty(m // 2), np.empty(m // 2)
    most = 0
    for r in range(R):
        most = max(most, rounds_n[r])
    for k in range(most):
        pairs = 0
        for p in range(P):
            lo, hi = at[p], at[p + 1]
            if hi - lo < 2:
                continue
            r = rep[who[by_platform[lo]]]
            if k >= rounds_n[r]:
                continue
            for t in range(lo, hi):  # shuffled by the draws: a stable insertion sort
                s = by_platform[t]
                x = u[first_draw[r] + k * seats_of[r] + s - first_seat[r]]
                j = t
                while j > lo and key[j - 1] > x:
                    order[j], key[j] = order[j - 1], key[j - 1]
                    j -= 1
                order[j], key[j] = s, x
            for t in range(lo, hi - 1, 2):
                a[pairs], b[pairs] = order[t], order[t + 1]
                pairs += 1
        for c in range(pairs):
            i, j = who[a[c]], who[b[c]]
            r = rep[i]
            mu = convergence_rate[r]
            diff[c] = view[j] - view[i]
            if abs(diff[c]) < eps[r]:
                share_b = weight[b[c]] / (weight[a[c]] + weight[b[c]])
                step_a[c] = 2 * mu * share_b * openness_of(entrenchment[i], mediation[r], support[r]) * diff[c]
                step_b[c] = 2 * mu * (1 - share_b) * openness_of(entrenchment[j], mediation[rep[j]], support[rep[j]]) * diff[c]
            else:
                step_a[c], step_b[c] = 0.0, 0.0
        for c in range(pairs):
            moved[c] = view[who[a[c]]] + step_a[c]
        for c in range(pairs):
            view[who[a[c]]] = moved[c]
        for c in range(pairs):
            moved[c] = view[who[b[c]]] - step_b[c]
        for c in range(pairs):
            view[who[b[c]]] = moved[c]


@njit(cache=True, nogil=True)
def steer_agendas(agenda, who, seat_platform, weight, interests, role_clarity, seated_members, platform, platform_size,
                  plasticity, rep_p, rep, replicates):
    """The agendas of the platforms that met, in place (model/vision.py: Vision.set_agenda): the voice-weighted
    (``weight``, one per seat) mean interests of those seated, added in seat order; a platform's first meeting
    sets its agenda to it, later ones move the agenda ``agenda_plasticity`` (``plasticity``) x (1 - the mean
    role clarity of its members, 0 where none) of the way towards it. Returns whether each alliance met."""
    P, uses = agenda.shape
    total, mix = np.zeros(P), np.zeros((P, uses))
    met_at_all = np.zeros(replicates, np.bool_)
    for s in range(len(who)):
        p, w = seat_platform[s], weight[s]
        total[p] += w
        for u in range(uses):
            mix[p, u] += interests[who[s], u] * w
        met_at_all[rep[who[s]]] = True
    clarity = np.zeros(P)
    for i in range(len(seated_members)):
        if seated_members[i]:
            clarity[platform[i]] += role_clarity[i]
    for p in range(P):
        if not total[p] > 0:
            continue
        if np.isnan(agenda[p, 0]):
            for u in range(uses):
                agenda[p, u] = mix[p, u] / total[p]
            continue
        settle = 1 - (clarity[p] / platform_size[p] if platform_size[p] > 0 else 0.0)
        pace = plasticity[rep_p[p]] * settle
        for u in range(uses):
            agenda[p, u] += pace * (mix[p, u] / total[p] - agenda[p, u])
    return met_at_all


@njit(cache=True, nogil=True)
def fall_back_designs(agenda, even, platform_level, parent_platform):
    """The water-use mix each platform designs for (model/vision.py: Vision.design_for): its agenda once it has
    met, else (district platforms, then community platforms) the design of the platform one level up, else an
    ``even`` mix."""
    P, uses = agenda.shape
    design = np.empty((P, uses))
    for p in range(P):
        for u in range(uses):
            design[p, u] = even if np.isnan(agenda[p, 0]) else agenda[p, u]
    fall = np.empty(P, np.int64)
    for level in (DISTRICT, COMMUNITY):  # each level falls back on the one above, set just before
        k = 0
        for p in range(P):
            if np.isnan(agenda[p, 0]) and platform_level[p] == level:
                fall[k] = p
                k += 1
        above = np.empty((k, uses))  # read before written, as the array rule does
        for j in range(k):
            above[j] = design[parent_platform[fall[j]]]
        for j in range(k):
            design[fall[j]] = above[j]
    return design


@njit(cache=True, nogil=True)
def tailor_in(alliances, is_community, interests, platform_design, design_platform, mediation, support, rep):
    """The communities of the ``alliances`` given and their designs as :func:`tailor_designs` has them, tailoring
    = mediation x support / 2 (model/vision.py: Vision.fit_designs). Returns (communities, designs)."""
    R = len(support)
    tailoring = np.empty(R)
    for r in range(R):
        tailoring[r] = 0.5 * mediation[r] * support[r]
    m = 0
    for i in range(len(rep)):
        if is_community[i] and alliances[rep[i]]:
            m += 1
    communities = np.empty(m, np.int64)
    m = 0
    for i in range(len(rep)):
        if is_community[i] and alliances[rep[i]]:
            communities[m] = i
            m += 1
    return communities, tailor_designs(communities, interests, platform_design, design_platform, tailoring, rep)


@njit(cache=True, nogil=True)
def agree_roles_at(role_clarity, attend, attend_bridge, agreement_rate, transparency, guidance, support, rep):
    """Role clarity of those who attended a meeting, in place (model/vision.py: Vision.agree_roles): it closes
    ``agreement_rate`` x (0.25 + 0.75 ``transparency``) x (0.5 + 0.5 ``guidance`` x support) of its gap to 1."""
    R = len(support)
    rate = np.empty(R)
    for r in range(R):
        rate[r] = agreement_rate[r] * (0.25 + 0.75 * transparency[r]) * (0.5 + 0.5 * guidance[r] * support[r])
    for i in range(len(role_clarity)):
        if attend[i] or attend_bridge[i]:
            role_clarity[i] += rate[rep[i]] * (1 - role_clarity[i])


@njit(cache=True, nogil=True)
def build_trust_at(trust, shared_ties, shared_seat, src, dst, attend, attend_bridge, trust_gain, mediation, support,
                   mutual_trust, rep_t):
    """Trust on the ties whose two ends met at the platform they share, in place (model/trust.py:
    Trust.build_trust): each end attended there, on its primary seat (``shared_seat`` columns 0 and 2) or its
    second one (columns 1 and 3); the tie's trust T moves towards 1 at rate min(1, ``trust_gain`` x (0.5 +
    mediation x support x (1 - T)) x (0.5 + ``mutual_trust``)) (:func:`model.rules.reinforce`)."""
    for k in range(len(shared_ties)):
        e = shared_ties[k]
        s, d = src[e], dst[e]
        if ((attend[s] and shared_seat[k, 0]) or (attend_bridge[s] and shared_seat[k, 1])) and (
                (attend[d] and shared_seat[k, 2]) or (attend_bridge[d] and shared_seat[k, 3])):
            r, t = rep_t[e], trust[e]
            mediated = mediation[r] * support[r]
            rate = trust_gain[r] * (0.5 + mediated * (1 - t)) * (0.5 + mutual_trust[r])
            rate = 1.0 if rate > 1.0 else rate
            trust[e] = reinforce(t, rate, 1.0)


@njit(cache=True, nogil=True)
def trust_on_platforms(live_ties, edge_platform, trust, initial_trust, rep_p):
    """Mean trust on the live ties of each platform, the initial trust of its alliance where it has none
    (model/trust.py: Trust.platform_trust; :func:`mean_on_live_ties`)."""
    fallback = np.empty(len(rep_p))
    for p in range(len(rep_p)):
        fallback[p] = float(initial_trust[rep_p[p]])
    return mean_on_live_ties(len(rep_p), live_ties, edge_platform, trust, fallback)


@njit(cache=True, nogil=True)
def joint_action_cubed(view, role_clarity, seated_members, platform, platform_size, platform_trust):
    """The cube of each platform's joint action quality (model/vision.py: Vision.assess_joint_action): shared
    vision x role clarity x trust, shared vision 1 - 2 x the spread of its members' views (:func:`spread_of`)
    within [0, 1], role clarity its members' mean (0 where none), trust ``platform_trust``."""
    P = len(platform_size)
    count = np.empty(P, np.int64)
    for p in range(P):
        count[p] = max(platform_size[p], 1)
    m = 0
    for i in range(len(seated_members)):
        if seated_members[i]:
            m += 1
    seat_view, seat_platform, clarity = np.empty(m), np.empty(m, np.int64), np.zeros(P)
    s = 0
    for i in range(len(seated_members)):
        if seated_members[i]:
            seat_view[s], seat_platform[s] = view[i], platform[i]
            clarity[platform[i]] += role_clarity[i]
            s += 1
    spread = spread_of(seat_view, seat_platform, count)
    out = np.empty(P)
    for p in range(P):
        vision = 1 - 2 * spread[p]
        vision = 0.0 if vision < 0.0 else vision
        vision = 1.0 if vision > 1.0 else vision
        out[p] = vision * (clarity[p] / count[p]) * platform_trust[p]
    return out


# ---- membership: the parts of the chance of leaving (model/membership.py) -------------------------------------------
@njit(cache=True, nogil=True)
def in_open_conflict(open_conflicts, seated):
    """Whether a stakeholder is seated on a platform with ``open_conflicts`` (model/membership.py:
    MembershipProcess.drop_out)."""
    return open_conflicts > 0 and seated


@njit(cache=True, nogil=True)
def burden_of(level, months_since_win, win_memory, local_burden):
    """The burden of attending on a stakeholder at ``level`` (model/membership.py: MembershipProcess.drop_out):
    ``local_burden`` for a local one whose platform's last small win is more than ``win_memory`` months ago,
    else none (``local_burden`` x 0)."""
    if level != NATIONAL and months_since_win > win_memory:
        return local_burden * 1.0
    return local_burden * 0.0


@njit(cache=True, nogil=True)
def leaving_chance(dropout_rate, commitment, role_clarity, conflict, exclusion, burden):
    """A member's monthly chance of leaving (model/membership.py: MembershipProcess.drop_out): ``dropout_rate`` x
    (1 - commitment x role clarity) x (1 + open conflict on its platform) x (1 + exclusion) x (1 + burden)."""
    return dropout_rate * (1 - commitment * role_clarity) * (1.0 + conflict) * (1 + exclusion) * (1 + burden)


@njit(cache=True, nogil=True)
def pairwise_sum(a, lo, n):
    """``a[lo:lo + n]`` added as NumPy's ``sum`` adds a contiguous float64 array: one by one below 8 elements,
    in eight interleaved running sums up to 128, and above that as two parts (the first a multiple of 8 long)
    each added alike."""
    if n < 8:
        s = -0.0
        for i in range(lo, lo + n):
            s += a[i]
        return s
    if n <= 128:
        r0, r1, r2, r3, r4, r5, r6, r7 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3], a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
        i = 8
        while i < n - n % 8:
            r0 += a[lo + i]
            r1 += a[lo + i + 1]
            r2 += a[lo + i + 2]
            r3 += a[lo + i + 3]
            r4 += a[lo + i + 4]
            r5 += a[lo + i + 5]
            r6 += a[lo + i + 6]
            r7 += a[lo + i + 7]
            i += 8
        s = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        for j in range(lo + i, lo + n):
            s += a[j]
        return s
    half = n // 2
    half -= half % 8
    return pairwise_sum(a, lo, half) + pairwise_sum(a, lo + half, n - half)


@njit(cache=True, nogil=True)
def pick_in_groups(weights, bounds, k, u, shares, picked, n_picked):
    """One round of weighted sampling without replacement in each group r (``weights[bounds[r]:bounds[r +
    1]]``, all > 0) still short of its ``k[r]`` positions (model/rules.py: weighted_samples), NumPy's
    ``Generator.choice`` step by step: the shares w / sum(w) (on the first round; the positions already
    picked then count 0), their cumulative sum divided by its last element, and for each of the group's
    draws ``u`` (the groups' draws one group after another, as many as it is short) the first position whose
    cumulative share exceeds the draw; a position drawn twice in a round counts once, in the order first
    drawn. Adds to ``picked`` (group r's ``k[r]`` positions after the earlier groups') and ``n_picked`` in
    place; returns how many each group is still short."""
    R = len(k)
    missing = np.zeros(R, np.int64)
    first = 0
    d = 0
    for r in range(R):
        lo, hi = bounds[r], bounds[r + 1]
        short = k[r] - n_picked[r]
        if short > 0:
            if n_picked[r] == 0:
                total = pairwise_sum(weights, lo, hi - lo)
                for i in range(lo, hi):
                    shares[i] = weights[i] / total
            else:
                for j in range(first, first + n_picked[r]):
                    shares[picked[j]] = 0.0
            cdf = np.empty(hi - lo)
            c = 0.0
            for i in range(lo, hi):
                c += shares[i]
                cdf[i - lo] = c
            last = cdf[hi - lo - 1]
            for i in range(hi - lo):
                cdf[i] = cdf[i] / last
            before = n_picked[r]
            for _ in range(short):
                position = lo + np.searchsorted(cdf, u[d], side="right")
                d += 1
                repeat = False
                for j in range(first + before, first + n_picked[r]):
                    repeat = repeat or picked[j] == position
                if not repeat:
                    picked[first + n_picked[r]] = position
                    n_picked[r] += 1
            missing[r] = k[r] - n_picked[r]
        first += k[r]
    return missing



@njit(cache=True, nogil=True)
def interest_variance(new, who, seat_platform, interests):
    """(platforms, uses) variance of each water use's interest among those seated at the meeting of each
    platform flagged ``new`` (0 elsewhere) (model/conflict.py: Conflict.arise_conflicts), as NumPy's
    ``var(axis=0)`` works it out: the mean (the seats added in seat order, / count), then the squared
    deviations added alike, / count."""
    P, uses = len(new), interests.shape[1]
    count = np.zeros(P)
    mean = np.zeros((P, uses))
    for s in range(len(who)):
        p = seat_platform[s]
        if new[p]:
            count[p] += 1.0
            for u in range(uses):
                mean[p, u] += interests[who[s], u]
    for p in range(P):
        if count[p] > 0:
            for u in range(uses):
                mean[p, u] = mean[p, u] / count[p]
    out = np.zeros((P, uses))
    for s in range(len(who)):
        p = seat_platform[s]
        if new[p]:
            for u in range(uses):
                d = interests[who[s], u] - mean[p, u]
                out[p, u] += d * d
    for p in range(P):
        if count[p] > 0:
            for u in range(uses):
                out[p, u] = out[p, u] / count[p]
    return out


# ---- spread: the adoption decision and the reach of events, one pass each (model/adoption.py, model/spread.py) ----


@njit(cache=True, nogil=True)
def adoption_hazard(stage, awareness, view, threshold, rep, is_community, n_communities, peer_from, peer_to,
                    inverse_peer_degree, no_peers, locality, org, org_index, org_kind, kind, inverse_kind_count,
                    bass_p, push, intermediary_strength, reach, institutional, members, policy_reach, bass_q):
    """Rogers' knowledge and persuasion (:func:`weigh_mus`), in place, and each stakeholder's Bass hazard
    (model/adoption.py: Adoption.adopt): :func:`model.rules.bass_hazard` of its innovation term
    (:func:`external_influence`, ``institutional`` the alliance's rate x pull) and its share of peers who had
    decided (:func:`peer_share`). Returns the hazards."""
    n = len(stage)
    decided = np.empty(n, np.bool_)
    for i in range(n):
        decided[i] = stage[i] >= DECISION
        stage[i] = weighed(stage[i], awareness[i], view[i], threshold[rep[i]])
    global_share, hits, org_decided = peers_who_decided(decided, rep, is_community, n_communities, peer_from, peer_to,
                                                        org_index, org_kind, inverse_kind_count.shape[1])
    hazard = np.empty(n)
    for i in range(n):
        r, k = rep[i], kind[i]
        f = share_of_peers(is_community[i], hits[i], inverse_peer_degree[i], no_peers[i], global_share[r], locality[r],
                           org_decided[r, k], inverse_kind_count[r, k])
        if institutional[r] != 0 and org[i]:
            p = innovation_of(bass_p[r], push[i], institutional_pull_on(institutional[r], members[i], policy_reach[r]))
        else:
            p = innovation_of(bass_p[r], push[i], intermediary_strength[r] * reach[i])
        hazard[i] = bass_hazard(p, bass_q[r], f)
    return hazard


@njit(cache=True, nogil=True)
def take_up(stage, implementing_since, u, start, chance, can_adopt, stage_gating, adoption_barrier, env,
            design_fit_weight, fit, capacity, marginalised, equity_support, speed, is_community, months, hazard, month,
            national_orgs):
    """Rogers' decision, implementation and confirmation (model/adoption.py: Adoption.adopt), in place: each
    stakeholder decides (:func:`decide`, each alliance's barrier 1 - ``adoption_barrier`` x (1 - E)), implements
    (:func:`implement`) and confirms or discontinues (:func:`confirm_or_discontinue`) by its three draws, which
    ``u`` holds as each alliance's (3, n_r) block, the blocks one after another (``start``: the alliances' first
    stakeholders). Returns the national organisations that decided."""
    R = len(start) - 1
    barrier = np.empty(R)
    for r in range(R):
        barrier[r] = 1 - adoption_barrier[r] * (1 - env[r])
    deciding = np.zeros(len(stage), np.bool_)
    for r in range(R):
        block, size = 3 * start[r], start[r + 1] - start[r]
        for i in range(start[r], start[r + 1]):
            j = block + i - start[r]
            if decides(stage[i], can_adopt[i], u[j], chance[i], stage_gating[r], barrier[r], design_fit_weight[r], fit[i]):
                deciding[i] = True
                stage[i] = DECISION
            if implements(stage[i], capacity[i], marginalised[i], u[j + size], equity_support[r], speed[r], env[r]):
                stage[i] = IMPLEMENTATION
                implementing_since[i] = month
            s = stage[i]
            if s >= IMPLEMENTATION:
                after = confirmed_or_stopped(s, implementing_since[i], is_community[i], u[j + 2 * size], months[r],
                                             env[r], hazard[r], month)
                stage[i] = after
                if after == PERSUASION:
                    implementing_since[i] = -1
    return national_orgs[deciding[national_orgs]]
