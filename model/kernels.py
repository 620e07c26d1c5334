"""Compiled loops for the mechanisms' heaviest arithmetic (Numba), each the exact arithmetic of the NumPy rule it
replaces, element by element, in the same order: outputs are bit-identical to the rule written with NumPy
arrays (``tests/model/test_kernels.py`` checks each against that form).

Why compiled: a month of a batch is a few hundred NumPy calls on arrays of 10,000-50,000 elements, and each
call writes its whole result before the next reads it; a loop here reads each element once and keeps the
intermediate values in registers. What stays in NumPy: random draws (each replicate's own generator, in the
order it draws alone) and the transcendental functions (NumPy's ``exp``/``expm1`` may use other
implementations than the compiled ones and differ in the last bit).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .states import LEVEL, STAGE

UNAWARE, KNOWLEDGE, PERSUASION, DECISION = int(STAGE.UNAWARE), int(STAGE.KNOWLEDGE), int(STAGE.PERSUASION), int(STAGE.DECISION)
IMPLEMENTATION, CONFIRMATION = int(STAGE.IMPLEMENTATION), int(STAGE.CONFIRMATION)
NATIONAL = int(LEVEL.NATIONAL)


@njit(cache=True, nogil=True)
def weigh_mus(stage, awareness, view, rep, threshold):
    """Rogers' knowledge and persuasion (model/adoption.py: Adoption.adopt), in place: the unaware who reach the
    awareness threshold know of MUS; those who know are persuaded while their view is favourable (>= 0.5) and
    fall back to knowing only while it is not."""
    for i in range(len(stage)):
        s = stage[i]
        if s == UNAWARE and awareness[i] >= threshold[rep[i]]:
            s = KNOWLEDGE
        if s == KNOWLEDGE or s == PERSUASION:
            s = PERSUASION if view[i] >= 0.5 else KNOWLEDGE
        stage[i] = s


@njit(cache=True, nogil=True)
def peer_share(decided, rep, is_community, n_communities, peer_from, peer_to, inverse_peer_degree, no_peers,
               locality, org_index, org_kind, kind, inverse_kind_count):
    """Share of each stakeholder's peers who decided (model/adoption.py: Adoption.peer_share): communities
    (1 - locality) x the alliance's share of communities that decided + locality x the share of their tied
    neighbours (the alliance's share where they have none); organisations the share of their own type."""
    n, R, K = len(decided), len(n_communities), inverse_kind_count.shape[1]
    decided_communities = np.zeros(R, np.int64)
    for i in range(n):
        if decided[i] and is_community[i]:
            decided_communities[rep[i]] += 1
    global_share = np.zeros(R)
    for r in range(R):
        if n_communities[r] > 0:
            global_share[r] = decided_communities[r] / n_communities[r]
    hits = np.zeros(n, np.int64)
    for k in range(len(peer_to)):
        if decided[peer_to[k]]:
            hits[peer_from[k]] += 1
    org_decided = np.zeros((R, K))
    for j in range(len(org_index)):
        o = org_index[j]
        org_decided[rep[o], org_kind[j]] += 1.0 if decided[o] else 0.0
    out = np.empty(n)
    for i in range(n):
        r = rep[i]
        if is_community[i]:
            local = hits[i] * inverse_peer_degree[i] + (1.0 if no_peers[i] else 0.0) * global_share[r]
            out[i] = (1 - locality[r]) * global_share[r] + locality[r] * local
        else:
            out[i] = org_decided[r, kind[i]] * inverse_kind_count[r, kind[i]]
    return out


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
        out[i] = bass_p[r] + push[i] + intermediary_strength[r] * reach[i]
    for o in org_index:
        r = rep[o]
        if institutional[r] != 0:
            out[o] = bass_p[r] + push[o] + institutional[r] * (1.0 if members[o] else policy_reach[r])
    return out


@njit(cache=True, nogil=True)
def decide(stage, can_adopt, u, chance, stage_gating, barrier, design_fit_weight, fit, rep):
    """Rogers' decision (model/adoption.py: Adoption.adopt), in place: a stakeholder before the decision that
    can adopt decides when its draw ``u`` falls below chance x readiness x barrier x worth, readiness
    1 - ``stage_gating`` for those not persuaded, worth 1 - ``design_fit_weight`` x (1 - fit). Returns the
    mask of those who decided."""
    n = len(stage)
    deciding = np.zeros(n, np.bool_)
    for i in range(n):
        if stage[i] < DECISION and can_adopt[i]:
            r = rep[i]
            readiness = 1 - stage_gating[r] * (1.0 if stage[i] < PERSUASION else 0.0)
            worth = 1 - design_fit_weight[r] * (1 - fit[i])
            if u[i] < chance[i] * readiness * barrier[r] * worth:
                deciding[i] = True
                stage[i] = DECISION
    return deciding


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
def tire_and_weigh_leaving(commitment, fatigue, role_clarity, open_conflicts, home, seated, level, last_win, month,
                           win_memory, local_burden, dropout_rate, exclusion, rep):
    """Commitment fades by ``fatigue`` (in place); then each stakeholder's monthly chance of leaving
    (model/membership.py: MembershipProcess.drop_out): ``dropout_rate`` x (1 - commitment x role clarity) x
    (1 + open conflict on its platform) x (1 + exclusion) x (1 + burden), burden ``local_burden`` for local
    stakeholders whose platform had no small win within ``win_memory`` months. Returns (chance, conflict,
    burden)."""
    n = len(commitment)
    hazard, conflict, burden = np.empty(n), np.zeros(n, np.bool_), np.zeros(n)
    for i in range(n):
        r = rep[i]
        commitment[i] *= 1 - fatigue[r]
        p = home[i]
        conflict[i] = open_conflicts[p] > 0 and seated[i]
        if level[i] != NATIONAL and month - last_win[p] > win_memory[r]:
            burden[i] = local_burden[r] * 1.0
        else:
            burden[i] = local_burden[r] * 0.0
        hazard[i] = (dropout_rate[r] * (1 - commitment[i] * role_clarity[i]) * (1.0 + conflict[i])
                     * (1 + exclusion[i]) * (1 + burden[i]))
    return hazard, conflict, burden


@njit(cache=True, nogil=True)
def trust_in_members(who, cold_trust, rep, src, dst, member_src, member_dst, trust):
    """Highest trust each of ``who`` has in a tie to a current member, ``cold_trust`` of its alliance where it
    has none (model/membership.py: MembershipProcess.trust_in_members)."""
    n = len(rep)
    asked = np.zeros(n, np.bool_)
    best = np.empty(n)
    for i in who:
        asked[i] = True
        best[i] = cold_trust[rep[i]]
    for e in range(len(src)):
        if asked[src[e]] and member_dst[e] and trust[e] > best[src[e]]:
            best[src[e]] = trust[e]
        if asked[dst[e]] and member_src[e] and trust[e] > best[dst[e]]:
            best[dst[e]] = trust[e]
    out = np.empty(len(who))
    for j in range(len(who)):
        out[j] = best[who[j]]
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
def member_ties(who, n, src, dst, member_src, member_dst):
    """Number of ties each of ``who`` has to current members (model/membership.py: MembershipProcess.member_ties)."""
    counts = np.zeros(n, np.int64)
    for e in range(len(src)):
        if member_dst[e]:
            counts[src[e]] += 1
        if member_src[e]:
            counts[dst[e]] += 1
    out = np.empty(len(who))
    for j in range(len(who)):
        out[j] = counts[who[j]]
    return out


@njit(cache=True, nogil=True)
def tally_stakeholders(replicates, rep, report_group, stage, members, level, marginalised, awareness, view, fit):
    """The counts and sums the monthly reporters read (model/reporters.py: tally), per alliance, each added in
    stakeholder order: stakeholders by reporting group and stage (alliance x group rows, stage columns),
    members by level, the sum of awareness, marginalised members, the sum of marginalised groups' fit and
    their number, the sum of squared deviations of members' views from their mean, and members."""
    by_stage = np.zeros((replicates * 5, 6), np.int64)
    members_by_level = np.zeros((replicates, 3), np.int64)
    awareness_sum, fit_sum, view_sum = np.zeros(replicates), np.zeros(replicates), np.zeros(replicates)
    marginalised_members, marginalised_count = np.zeros(replicates, np.int64), np.zeros(replicates, np.int64)
    for i in range(len(rep)):
        r = rep[i]
        by_stage[r * 5 + report_group[i], stage[i]] += 1
        awareness_sum[r] += awareness[i]
        if marginalised[i]:
            fit_sum[r] += fit[i]
            marginalised_count[r] += 1
        if members[i]:
            members_by_level[r, level[i]] += 1
            view_sum[r] += view[i]
            if marginalised[i]:
                marginalised_members[r] += 1
    n_members = np.zeros(replicates, np.int64)
    view_mean = np.full(replicates, np.nan)
    for r in range(replicates):
        n_members[r] = members_by_level[r, 0] + members_by_level[r, 1] + members_by_level[r, 2]
        if n_members[r] > 0:
            view_mean[r] = view_sum[r] / n_members[r]
    view_squares = np.zeros(replicates)
    for i in range(len(rep)):
        if members[i]:
            d = view[i] - view_mean[rep[i]]
            view_squares[rep[i]] += d * d
    return by_stage, members_by_level, awareness_sum, marginalised_members, fit_sum, marginalised_count, view_squares, n_members


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
        if stage[i] == DECISION:
            r = rep[i]
            c = capacity[i] + equity_support[r] * (1 - capacity[i]) * (1.0 if marginalised[i] else 0.0)
            if u[i] < speed[r] * (1 + c) / 2 * (1 + env[r]) / 2:
                stage[i] = IMPLEMENTATION
                implementing_since[i] = month


@njit(cache=True, nogil=True)
def confirm_or_discontinue(stage, implementing_since, is_community, u, months, env, hazard, rep, month):
    """Confirmation and discontinuation, in place (model/adoption.py: Adoption.confirm_or_discontinue): after
    ``months`` of implementation a stakeholder confirms when its draw falls below E / months; a community
    implementing or confirmed gives MUS up when the same draw is at least 1 - ``hazard`` (halved once
    confirmed, this month included)."""
    for i in range(len(stage)):
        s = stage[i]
        if s < IMPLEMENTATION:
            continue
        r = rep[i]
        confirm = s == IMPLEMENTATION and month - implementing_since[i] >= months[r] and u[i] < env[r] / months[r]
        if confirm:
            stage[i] = CONFIRMATION
        if is_community[i] and u[i] >= 1 - hazard[r] * (0.5 if (s == CONFIRMATION or confirm) else 1.0):
            stage[i] = PERSUASION
            implementing_since[i] = -1


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
    mediation x support x (1 - T)) x (0.5 + ``mutual_trust``)) (linear reinforcement, model/rules.py:
    reinforce)."""
    for k in range(len(shared_ties)):
        e = shared_ties[k]
        s, d = src[e], dst[e]
        if ((attend[s] and shared_seat[k, 0]) or (attend_bridge[s] and shared_seat[k, 1])) and (
                (attend[d] and shared_seat[k, 2]) or (attend_bridge[d] and shared_seat[k, 3])):
            r, t = rep_t[e], trust[e]
            mediated = mediation[r] * support[r]
            rate = trust_gain[r] * (0.5 + mediated * (1 - t)) * (0.5 + mutual_trust[r])
            rate = 1.0 if rate > 1.0 else rate
            trust[e] = t + rate * (1.0 - t)


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
