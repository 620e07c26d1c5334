"""The states a stakeholder can be in (Enums, as in Mesa's virus_on_network example)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum
from types import SimpleNamespace

import numpy as np


class Level(IntEnum):
    """Institutional level of a stakeholder and of a platform (IRC Learning Alliance approach)."""

    COMMUNITY = 0
    DISTRICT = 1
    NATIONAL = 2


class Stage(IntEnum):
    """Rogers' (2003) innovation-decision stages, preceded by not having heard of MUS at all."""

    UNAWARE = 0
    KNOWLEDGE = 1
    PERSUASION = 2
    DECISION = 3
    IMPLEMENTATION = 4
    CONFIRMATION = 5


class Membership(IntEnum):
    """Where a stakeholder stands towards the alliance."""

    OUTSIDE = 0       # a community outside the pilot districts' platforms: reachable only by dissemination
    NOT_INVITED = 1   # could join, but has not (yet) been identified, invited, or has declined
    MEMBER = 2
    DROPPED = 3       # left; may re-join


class Stance(IntEnum):
    """Stance on MUS, read from the view x in [0, 1]: below 1/3 blocks, above 2/3 champions."""

    BLOCKER = 0
    NEUTRAL = 1
    CHAMPION = 2


def stance_of(view):
    """Stance codes (Stance values) of views; works on scalars and arrays."""
    return np.digitize(view, (1 / 3, 2 / 3))


def _plain(enum) -> SimpleNamespace:
    return SimpleNamespace(**{m.name: int(m) for m in enum})


# Plain-int mirrors of the Enums for comparisons on state arrays inside a step: numpy compares an array
# with a Python int about twice as fast as with an IntEnum member (0.5 vs 0.9 us at the default size).
LEVEL, STAGE, MEMBERSHIP = _plain(Level), _plain(Stage), _plain(Membership)


# ------------------------------------------------------------------------------------------------ state
class Per(StrEnum):
    """What a state variable is indexed by."""

    STAKEHOLDER = "stakeholder"   # array of length n (index = Stakeholder.index)
    TIE = "tie"                   # array of length e (ties src[e] - dst[e])
    PLATFORM = "platform"         # array of length P (0 national, 1..D district, D+1..2D community platforms)
    PILOT = "pilot"               # array with one element per pilot under way
    SEAT = "seat"                 # array with one element per seat taken at this month's meetings
    ALLIANCE = "alliance"         # one value per alliance (an array with one element per replicate of a batch)
    BATCH = "batch"               # one value for all replicates stepped together


class Points(StrEnum):
    """What the values of an index array point to; a batch adds each replicate's offset to them (-1 stays)."""

    STAKEHOLDER = "stakeholder"
    PLATFORM = "platform"
    TIE = "tie"


@dataclass(frozen=True)
class StateVar:
    name: str
    per: Per
    meaning: str
    written_by: str = "set-up only"   # the mechanisms (methods) that change it during a run
    points_to: Points | None = None   # for index arrays: what their values index


P_, S_, T_, L_, A_, B_ = Per.PLATFORM, Per.STAKEHOLDER, Per.TIE, Per.PILOT, Per.ALLIANCE, Per.BATCH
TO_S, TO_P, TO_T = Points.STAKEHOLDER, Points.PLATFORM, Points.TIE

# The one declaration of the model's state: every array or value a mechanism reads or writes.
# A test checks that a model has exactly these state attributes.
STATE: tuple[StateVar, ...] = (
    # who is who (population, fixed)
    StateVar("kind", S_, "type of organisation or group (index into population.KINDS)"),
    StateVar("level", S_, "institutional level (Level)"),
    StateVar("district", S_, "district, -1 for national stakeholders"),
    StateVar("is_community", S_, "community group (pilot district or outside)"),
    StateVar("marginalised", S_, "marginalised community group"),
    StateVar("power", S_, "influence in dialogue, in the agenda and in the environment, [0, 1]"),
    StateVar("capacity", S_, "ability to implement MUS, [0, 1] (a failed pilot teaches)", "record_pilots"),
    StateVar("busy", S_, "how rarely senior staff attend, [0, 1]"),
    StateVar("interests", S_, "weights of the four water uses (rows on the simplex)"),
    StateVar("entrenchment", S_, "how little its view moves in dialogue (blockers: blocker_entrenchment)"),
    StateVar("in_network", S_, "already in a network the alliance can build on"),
    StateVar("platform", S_, "primary platform, -1 for outside communities", points_to=TO_P),
    StateVar("bridge_platform", S_, "second seat one level up, -1 if none", points_to=TO_P),
    StateVar("names", S_, "plain name"),
    StateVar("initiator", A_, "index of the initiating stakeholder", points_to=TO_S),
    StateVar("src", T_, "one end of each tie", points_to=TO_S),
    StateVar("dst", T_, "other end of each tie", points_to=TO_S),
    StateVar("platform_level", P_, "level of each platform"),
    StateVar("platform_district", P_, "district of each platform, -1 for the national platform"),
    StateVar("platform_names", P_, "plain name of each platform"),
    # derived at set-up (masks and indices the mechanisms reuse)
    StateVar("n", B_, "number of stakeholders (of all replicates)"),
    StateVar("n_platforms", B_, "number of platforms (of all replicates)"),
    StateVar("n_communities", A_, "number of communities"),
    StateVar("kind_names", B_, "machine names of the kinds"),
    StateVar("seated", S_, "has a primary platform (not an outside community)"),
    StateVar("has_second_seat", S_, "has a second seat one level up"),
    StateVar("home", S_, "primary platform, its alliance's national platform where none (an index; read with seated)", points_to=TO_P),
    StateVar("second_home", S_, "second seat's platform, the national platform where none (an index; read with has_second_seat)", points_to=TO_P),
    StateVar("edge_platform", T_, "platform both ends of a tie sit on, -1 if none", points_to=TO_P),
    StateVar("shared_ties", Per.TIE, "indices of the ties whose ends share a platform", points_to=TO_T),
    StateVar("shared_seat", Per.TIE, "for those ties (rows): src on primary, src on second seat, dst on primary, dst on second"),
    StateVar("peer_from", Per.TIE, "community-community ties, both directions: from", points_to=TO_S),
    StateVar("peer_to", Per.TIE, "community-community ties, both directions: to", points_to=TO_S),
    StateVar("inverse_peer_degree", S_, "1 / number of community peers (0 if none)"),
    StateVar("no_peers", S_, "community without community ties"),
    StateVar("listening", Per.TIE, "ties in both directions (src->dst, then dst->src): a community listens (set-up)"),
    StateVar("link_from", Per.TIE, "every tie, both directions: the listener", points_to=TO_S),
    StateVar("link_to", Per.TIE, "every tie, both directions: the possible intermediary", points_to=TO_S),
    StateVar("link_tie", Per.TIE, "every tie, both directions: the tie (index into trust)", points_to=TO_T),
    StateVar("breadth", S_, "breadth of its water-use interests, [0, 1] (interest_breadth)"),
    StateVar("intermediary_kind", S_, "kinds that act as change agents when committed members"),
    StateVar("government", S_, "government body (ministries, district offices)"),
    StateVar("org", S_, "organisation (not a community, not the project office)"),
    StateVar("can_adopt", S_, "can take up MUS (everyone but the project office)"),
    StateVar("not_initiator", S_, "everyone but the initiator"),
    StateVar("profile", A_, "what the initiator's type brings and lacks (population.INITIATORS): field -> value per alliance"),
    StateVar("national_orgs", Per.STAKEHOLDER, "indices of national organisations", points_to=TO_S),
    StateVar("exclusion", S_, "exclusion felt by marginalised groups: 1 - inclusiveness"),
    StateVar("org_index", Per.STAKEHOLDER, "indices of organisations", points_to=TO_S),
    StateVar("org_kind", Per.STAKEHOLDER, "kind of each organisation in org_index"),
    StateVar("inverse_kind_count", A_, "1 / organisations of each kind (a row per alliance)"),
    StateVar("report_group", S_, "reporters' group: 0 orgs, 1/2 pilot-district communities, 3/4 outside (not/marginalised)"),
    StateVar("community_district", S_, "district of each community, -1 for organisations"),
    StateVar("district_platform", S_, "its district's platform, -1 for national stakeholders", points_to=TO_P),
    StateVar("design_platform", S_, "community platform whose design a community gets (outside communities: "
             "their district's), -1 for organisations", points_to=TO_P),
    StateVar("parent_platform", P_, "platform one level up (community -> district -> national), -1 for the national",
             points_to=TO_P),
    # replicates stepped together (model.replicates): one layout, a single run being a batch of one
    StateVar("replicates", B_, "number of alliances stepped together"),
    StateVar("rngs", B_, "each alliance's own random number generator"),
    StateVar("ps", B_, "each alliance's parameters (registry.resolve)"),
    StateVar("rep_s", S_, "alliance (replicate) of each stakeholder"),
    StateVar("rep_p", P_, "alliance (replicate) of each platform"),
    StateVar("rep_t", T_, "alliance (replicate) of each tie"),
    StateVar("s_start", B_, "first stakeholder of each alliance, and the total"),
    StateVar("p_start", B_, "first platform of each alliance, and the total"),
    StateVar("t_start", B_, "first tie of each alliance, and the total"),
    StateVar("logs", A_, "each alliance's event log", "most mechanisms"),
    # the alliance's process (changes every month)
    StateVar("membership", S_, "outside, not invited, member, dropped (Membership)",
             "admit, drop_out, leave_project"),
    StateVar("identified", S_, "found by the stakeholder analysis", "analyse_stakeholders, initiate"),
    StateVar("next_invite", S_, "first month it can be invited (again, after declining)", "mobilise"),
    StateVar("joined", S_, "month it last joined", "admit"),
    StateVar("commitment", S_, "why a member stays, [0, 1]",
             "admit, hold_meetings, manage_conflicts, record_pilots, drop_out"),
    StateVar("role_clarity", S_, "how clear its role and contribution are, [0, 1]", "admit, agree_roles"),
    StateVar("view", S_, "view on MUS, [0, 1]: blocker < 1/3 < neutral < 2/3 < champion",
             "converge_views, share_between_levels, record_pilots"),
    StateVar("awareness", S_, "knowledge of MUS, [0, 1]",
             "hold_meetings, share_between_levels, disseminate, reach_through_intermediaries"),
    StateVar("trust", T_, "trust on a tie, [0, 1]", "build_trust, manage_conflicts, record_pilots"),
    StateVar("attend", S_, "attended its primary platform's meeting this month", "hold_meetings"),
    StateVar("attend_bridge", S_, "attended its second seat's meeting this month", "hold_meetings"),
    StateVar("seat_who", Per.SEAT, "who sits at this month's meetings", "hold_meetings", TO_S),
    StateVar("seat_platform", Per.SEAT, "where each seat is", "hold_meetings", TO_P),
    StateVar("meets", P_, "platform met this month", "hold_meetings"),
    StateVar("extra_meeting", P_, "extra meeting called by monitoring for next month", "monitor_process, hold_meetings"),
    StateVar("attendance", P_, "share of members present at the latest planned meeting (NaN before any)",
             "hold_meetings, monitor_process"),
    StateVar("agenda", P_, "water uses the platform designs for (rows on the simplex; NaN before it meets)",
             "set_agenda"),
    StateVar("joint_action", P_, "joint action quality: (shared vision x role clarity x trust)^(1/3)",
             "assess_joint_action"),
    StateVar("open_conflicts", P_, "open conflicts", "arise_conflicts, manage_conflicts"),
    StateVar("conflict_since", P_, "month the oldest open conflict arose, -1 if none",
             "arise_conflicts, manage_conflicts"),
    StateVar("last_win", P_, "month of the latest successful pilot", "record_pilots"),
    StateVar("pilot_host", L_, "host community of each pilot under way", "run_action_research, finish_pilots", TO_S),
    StateVar("pilot_end", L_, "month each pilot under way ends", "run_action_research, finish_pilots"),
    StateVar("fit", S_, "fit of the alliance's agenda to a community's water uses, [0, 1] (1 for organisations)",
             "set_agenda, fit_designs"),
    StateVar("reach", S_, "strongest trusted tie to a committed, convinced change agent, [0, 1]",
             "reach_through_intermediaries"),
    StateVar("push", S_, "adoption hazard left from dissemination events", "disseminate"),
    StateVar("stage", S_, "Rogers' innovation-decision stage (Stage)", "adopt, record_pilots"),
    StateVar("implementing_since", S_, "month it started implementing, -1 if not", "adopt, record_pilots"),
    StateVar("env", A_, "enabling environment, [0, 1]", "update_environment"),
    StateVar("ownership", A_, "members' ownership of the process, [0, 1]", "fund"),
    StateVar("embedded", A_, "power-weighted share of government bodies implementing MUS", "fund"),
    StateVar("support", A_, "share of the planned activities paid for this month, [0, 1]", "fund"),
    StateVar("payers", A_, "this month's shares of the cost paid by project, members, government", "fund"),
    StateVar("drive", A_, "the initiator's push", "fund"),
    StateVar("counts", A_, "cumulative counters (outputs.COUNTERS), each an array over the alliances", "most mechanisms"),
    StateVar("month", B_, "months stepped", "step"),
    StateVar("milestones_logged", A_, "uptake milestones already in the event log", "note_milestones"),
)
