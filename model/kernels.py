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
from numba import njit, types
from numba.extending import overload

from .states import LEVEL, MEMBERSHIP, STAGE

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
    (1 - capacity)."""
    out = np.empty(len(hosts))
    for j in range(len(hosts)):
        i = hosts[j]
        e = equity[rep[i]]
        need = (1.0 if marginalised[i] else 0.3) * (1 - capacity[i])
        out[j] = ((1 - e) * capacity[i] + e * need) * voice[i] + 1e-9
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
