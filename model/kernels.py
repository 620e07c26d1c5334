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

from .states import STAGE

UNAWARE, KNOWLEDGE, PERSUASION, DECISION = int(STAGE.UNAWARE), int(STAGE.KNOWLEDGE), int(STAGE.PERSUASION), int(STAGE.DECISION)


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
    """The Bass innovation term p of each stakeholder (model/adoption.py: Adoption.adopt and alliance_pull):
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
    absolute differences added from the first water use to the last, as ``rules.row_sums``)."""
    for j in range(len(communities)):
        i = communities[j]
        gap = abs(interests[i, 0] - design[j, 0])
        for u in range(1, interests.shape[1]):
            gap += abs(interests[i, u] - design[j, u])
        left = 1 - 2 * (0.5 * gap)
        fit[i] = left if left > 0.0 else 0.0
