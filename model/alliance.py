"""The Learning Alliance model: one step is one month of a country programme.

Each method called in :meth:`LearningAlliance.step` is one element of the Learning Alliance method (MUS
Group Tool 24; Smits et al. 2007) and its docstring states the rule and where the rule comes from.
State the mechanisms read lives in numpy arrays indexed by stakeholder (``self.view[i]``) or by tie
(``self.trust[e]``); :class:`~model.agents.Stakeholder` agents expose it per stakeholder.
"""

from __future__ import annotations

import mesa
import numpy as np

from . import reporters, rules
from .agents import Stakeholder
from .events import EventKind, EventLog
from .population import GOVERNMENT_KINDS, KIND_INDEX, KINDS, WATER_USES, build_population
from .registry import resolve
from .states import LEVEL, MEMBERSHIP, STAGE

MEMBER = MEMBERSHIP.MEMBER
DIALOGUE_ROUNDS = 2          # bounded-confidence encounter rounds per meeting
MEETING_AWARENESS = 0.3      # share of the remaining gap in awareness closed by attending a meeting
COMMITMENT_FATIGUE = 0.01    # monthly loss of commitment without reasons to stay (Ramanath & Gilbert 2004)
MEETING_COMMITMENT = 0.2     # commitment gained from a useful meeting, at full guidance
CONFLICT_STALL_MONTHS = 3    # an open conflict older than this counts as a stall for monitoring
PUSH_MEMORY = 0.5            # monthly retention of the adoption push a dissemination event gave
CONFIRMATION_MONTHS = 12     # months of implementation before a community can confirm (Rogers 2003)
OWNERSHIP_MONTHS = 36       # months of membership before a member fully owns the process (pattern P2)
EVENT_AWARENESS = 0.5        # share of the awareness gap a dissemination event closes for those it reaches
EVENT_PUSH = 0.1             # monthly adoption hazard an event adds at full evidence (Bass p is ~0.002)
PILOTS_GUIDED = 6            # pilots a facilitation team can guide at once before guidance thins out
MEETINGS_TOLERATED = 6       # meetings a year members attend without fatigue (WASHTech: officials too busy)


class LearningAlliance(mesa.Model):
    """A Learning Alliance of linked national, district and community platforms that scales up MUS.

    ``params`` holds only what differs from the registry's defaults; every value is checked there.
    ``rng`` seeds every random draw of the run (``self.rng``).
    """

    def __init__(self, params: dict | None = None, rng: int | None = None):
        super().__init__(rng=rng)
        self.p = resolve(params)
        self.events = EventLog()
        self.set_up_population()
        self.set_up_dynamics()
        self.initiate()
        self.datacollector = reporters.Recorder(model_reporters=reporters.MODEL_REPORTERS)
        self.datacollector.collect(self)

    # ------------------------------------------------------------------------------------------ set-up
    def set_up_population(self) -> None:
        pop = build_population(self.p, self.rng)
        for name, value in vars(pop).items():
            setattr(self, name, value)
        self.n = len(self.kind)
        self.kind_names = [k.name for k in KINDS]
        self.n_platforms = len(self.platform_level)
        self.edge_platform = self.shared_platform_of_ties()
        peers = self.is_community[self.src] & self.is_community[self.dst]
        # both directions of every community-community tie, so one bincount counts each one's peers
        self.peer_from = np.r_[self.src[peers], self.dst[peers]]
        self.peer_to = np.r_[self.dst[peers], self.src[peers]]
        self.peer_degree = np.bincount(self.peer_from, minlength=self.n)
        self.inverse_peer_degree = np.divide(1.0, self.peer_degree, out=np.zeros(self.n), where=self.peer_degree > 0)
        self.no_peers = self.peer_degree == 0
        self.n_communities = int(self.is_community.sum())
        self.government = np.isin(self.kind, [KIND_INDEX[k] for k in GOVERNMENT_KINDS])
        self.org = ~self.is_community & (self.kind != KIND_INDEX["project_office"])
        self.can_adopt = self.kind != KIND_INDEX["project_office"]
        self.not_initiator = np.arange(self.n) != self.initiator
        self.national_orgs = np.flatnonzero(self.org & (self.level == LEVEL.NATIONAL))
        self.exclusion = np.where(self.marginalised, 1 - self.p["inclusiveness"], 0.0)  # felt by marginalised groups
        self.org_index = np.flatnonzero(self.org)
        self.org_kind = self.kind[self.org_index]
        kind_count = np.bincount(self.org_kind, minlength=len(KINDS))
        self.inverse_kind_count = np.divide(1.0, kind_count, out=np.zeros(len(KINDS)), where=kind_count > 0)
        outside = self.membership == MEMBERSHIP.OUTSIDE
        # groups of the reporters' tally: 0 organisations, 1/2 pilot-district communities (not/marginalised),
        # 3/4 outside communities (not/marginalised)
        self.report_group = np.where(self.is_community, 1 + 2 * outside + self.marginalised, 0)
        Stakeholder.create_agents(self, self.n, list(range(self.n)))

    def set_up_dynamics(self) -> None:
        n, P = self.n, self.n_platforms
        self._members = None
        self.identified = np.zeros(n, dtype=bool)
        self.commitment = np.zeros(n)
        self.joined = np.zeros(n, dtype=np.int64)  # month a member last joined
        self.role_clarity = np.zeros(n)
        self.stage = np.where(self.awareness >= 0.3, STAGE.KNOWLEDGE, STAGE.UNAWARE).astype(np.int8)
        self.implementing_since = np.full(n, -1)
        self.push = np.zeros(n)
        self.attend = np.zeros(n, dtype=bool)
        self.attend_bridge = np.zeros(n, dtype=bool)
        self.seat_who = self.seat_platform = np.empty(0, dtype=np.int64)
        self.meets = np.zeros(P, dtype=bool)
        self.extra_meeting = np.zeros(P, dtype=bool)
        self.open_conflicts = np.zeros(P, dtype=np.int64)
        self.conflict_since = np.full(P, -1)
        self.attendance = np.full(P, np.nan)
        self.last_win = np.full(P, -10**6)
        self.pilot_host = np.empty(0, dtype=np.int64)
        self.pilot_end = np.empty(0, dtype=np.int64)
        self.env = self.p["env_initial"]
        self.support = 1.0
        self.ownership = 0.0
        self.drive = self.p["initiator_drive"]
        self.counts = dict.fromkeys(reporters.COUNTERS, 0.0)
        self.milestones_logged: set[float] = set()

    def shared_platform_of_ties(self) -> np.ndarray:
        """For each tie, the platform both ends sit on (primary seats first), or -1."""
        p, b, s, d = self.platform, self.bridge_platform, self.src, self.dst
        out = np.full(len(s), -1, dtype=np.int32)
        for x, y in ((b[s], b[d]), (b[s], p[d]), (p[s], b[d]), (p[s], p[d])):  # later pairs take precedence
            out = np.where((x >= 0) & (x == y), x, out)
        return out

    def initiate(self) -> None:
        """Step 1, initiation (Tool 24): the initiator and a core group around it start the first platform;
        with the order ``existing_network`` the alliance is built on a network whose members start together.

        The core group is the initiator plus the organisations it trusts most among its ties.
        """
        i = self.initiator
        ties = np.flatnonzero((self.src == i) | (self.dst == i))
        others = np.where(self.src[ties] == i, self.dst[ties], self.src[ties])
        keep = self.org[others]
        core = list(np.r_[i, others[keep][np.argsort(-self.trust[ties][keep])][: self.p["core_group_size"] - 1]])
        if self.p["mobilisation_order"] == "existing_network":
            core += list(np.flatnonzero(self.in_network))
        core = np.unique(core)
        self.identified[core] = True
        self.admit(core, commitment=0.6, clarity=0.3)
        self.events.log(0, EventKind.INITIATION,
                        f"{self.names[i]} initiated the alliance at {self.p['initiator_level']} level with "
                        f"{len(core) - 1} founding members.")

    # ------------------------------------------------------------------------------------------- step
    def step(self) -> None:
        self.fund()
        self.analyse_stakeholders()
        self.mobilise()
        self.hold_meetings()
        self.converge_views()
        self.agree_roles()
        self.build_trust()
        self.arise_conflicts()
        self.manage_conflicts()
        self.run_action_research()
        self.monitor_process()
        self.disseminate()
        self.update_environment()
        self.adopt()
        self.drop_out()
        self.rejoin()
        self.account_costs()
        self.datacollector.collect(self)
        self.note_milestones()

    @property
    def month(self) -> int:
        return self.steps

    @property
    def members(self) -> np.ndarray:
        """Mask of current members (cached until membership changes through :meth:`set_membership`)."""
        if self._members is None:
            self._members = self.membership == MEMBER
            self._member_ties = (self.edge_platform >= 0) & self._members[self.src] & self._members[self.dst]
        return self._members

    @property
    def live_ties(self) -> np.ndarray:
        """Mask of ties between two current members who share a platform."""
        self.members
        return self._member_ties

    def set_membership(self, who, state: int) -> None:
        """The only way membership changes, so the cached masks stay true."""
        self.membership[who] = state
        self._members = None

    # ------------------------------------------------------------------------------------- mechanisms
    def fund(self) -> None:
        """Initiation and exit: while the external project is in, it pays facilitator, meetings, pilots and
        events (support = 1). After ``project_exit_month`` what it paid for stops; the alliance goes on only
        as far as members own it (mean commitment x role clarity x min(1, months of membership / 36): owning
        the process takes years, pattern P2) or government has embedded MUS in its
        mandates (power-weighted adoption by government bodies) - pattern P12 (RiPPLE; van Koppen 2014).
        The initiator's drive fades as ownership grows (Tool 24, step 1)."""
        members = self.members
        maturity = np.minimum(1.0, (self.month - self.joined[members]) / OWNERSHIP_MONTHS)
        self.ownership = float(np.mean(self.commitment[members] * self.role_clarity[members] * maturity)) if members.any() else 0.0
        if self.month == self.p["project_exit_month"] + 1:
            self.leave_project()
        embedded = reporters.weighted_share(self.stage[self.government] >= STAGE.IMPLEMENTATION,
                                            self.power[self.government])
        self.support = 1.0 if self.month <= self.p["project_exit_month"] else max(self.ownership, embedded)
        initiator_active = self.membership[self.initiator] == MEMBER
        self.drive = self.p["initiator_drive"] * (1 - self.ownership) if initiator_active else 0.0

    def leave_project(self) -> None:
        self.events.log(self.month, EventKind.EXIT,
                        f"The external project left in month {self.month - 1}: facilitator, meetings and pilots it "
                        f"paid for stop (ownership {self.ownership:.2f}).")
        if self.p["initiator"] == "project":  # the project office goes with the project
            self.set_membership(self.initiator, MEMBERSHIP.DROPPED)

    def analyse_stakeholders(self) -> None:
        """Step 2, stakeholder analysis: finds stakeholders crucial to MUS with chance ``analysis_accuracy``
        and those limiting it (blockers, view < 1/3) with ``analysis_blocker_coverage``; missed ones are not
        invited. Repeated every ``analysis_interval`` months, since 'stakeholder analysis often continues
        throughout a learning process' (Tool 24)."""
        every = self.p["analysis_interval"]
        if not (self.month == 1 or (every and (self.month - 1) % every == 0)):
            return
        unseen = ~self.identified & (self.membership != MEMBERSHIP.OUTSIDE)
        blocker = self.view < 1 / 3
        chance = np.where(blocker, self.p["analysis_blocker_coverage"], self.p["analysis_accuracy"])
        found = unseen & (self.rng.random(self.n) < chance)
        self.identified |= found
        if not found.any():
            return
        missed_blockers = int((~self.identified & blocker & self.org).sum())
        self.events.log(self.month, EventKind.ANALYSIS,
                        f"Stakeholder analysis identified {int(found.sum())} more stakeholders "
                        f"({int((found & blocker).sum())} blocking MUS); {missed_blockers} blocking organisations "
                        f"remain unseen.")

    def mobilise(self) -> None:
        """Step 3, mobilisation: each month a share ``mobilisation_rate`` x effort of the identified
        non-members is invited, in the order ``mobilisation_order``; effort is the initiator's drive or the
        members' ownership, whichever is larger. An invitee joins with chance
        expected benefit x (1 + trust in the inviter)/2 x (1 + role clarity of the platform)/2
        (Tool 24: joining late is fine 'so long as roles and expectations are clear'; Team Assembly,
        Guimera et al. 2005, for growth through ties). Marginalised invitees are held back unless the
        alliance values inclusiveness."""
        candidates = np.flatnonzero(self.identified & (self.membership == MEMBERSHIP.NOT_INVITED))
        effort = max(self.drive, self.ownership)
        n_invite = self.rng.binomial(len(candidates), min(1.0, self.p["mobilisation_rate"] * effort)) if len(candidates) else 0
        if not n_invite:
            return
        invited = candidates[self.invitation_order(candidates)[:n_invite]]
        p_join = self.join_chance(invited)
        joining = invited[self.rng.random(len(invited)) < p_join]
        self.admit(joining, commitment=0.5, clarity=0.0)
        for i in joining[~self.is_community[joining]]:
            self.events.log(self.month, EventKind.JOIN, f"{self.names[i]} joined the "
                            f"{self.platform_names[self.platform[i]]}.")
        n_comm = int(self.is_community[joining].sum())
        if n_comm:
            self.events.log(self.month, EventKind.JOIN, f"{n_comm} communities joined community platforms.")

    def join_chance(self, invited: np.ndarray) -> np.ndarray:
        """Chance that each invited stakeholder accepts (see :meth:`mobilise`)."""
        trust_in_inviter = self.trust_in_members(invited)
        clarity = self.platform_role_clarity()[self.platform[invited]]
        benefit = 0.5 * self.interest_breadth(invited) + 0.5 * np.maximum(self.view[invited], self.power[invited])
        include = np.where(self.marginalised[invited], 0.2 + 0.8 * self.p["inclusiveness"], 1.0)
        return benefit * (1 + trust_in_inviter) / 2 * (1 + clarity) / 2 * include

    def invitation_order(self, candidates: np.ndarray) -> np.ndarray:
        """Positions of ``candidates`` in invitation order for the chosen mobilisation order."""
        order = self.p["mobilisation_order"]
        level, view = self.level[candidates], self.view[candidates]
        key = {
            "core_group": lambda: self.member_ties(candidates),
            "existing_network": lambda: self.member_ties(candidates),
            "top_down": lambda: level.astype(float),
            "bottom_up": lambda: -level.astype(float),
            "champions_first": lambda: view,
            "blockers_early": lambda: (1 - view) * self.power[candidates],
            "random": lambda: np.zeros(len(candidates)),
        }[order]()
        return np.lexsort((self.rng.random(len(candidates)), -key))

    def member_ties(self, who: np.ndarray) -> np.ndarray:
        """Number of ties each of ``who`` has to current members (how a core group grows through ties)."""
        m = self.members
        counts = np.bincount(self.src[m[self.dst]], minlength=self.n) + np.bincount(self.dst[m[self.src]], minlength=self.n)
        return counts[who].astype(float)

    def trust_in_members(self, who: np.ndarray) -> np.ndarray:
        """Highest trust each stakeholder has in a tie to a current member (the inviter); stakeholders with
        no tie to a member are invited cold and trust at half of ``initial_trust``."""
        m = self.members
        best = np.full(self.n, self.p["initial_trust"] * 0.5)
        np.maximum.at(best, self.src[m[self.dst]], self.trust[m[self.dst]])
        np.maximum.at(best, self.dst[m[self.src]], self.trust[m[self.src]])
        return best[who]

    def interest_breadth(self, who: np.ndarray) -> np.ndarray:
        """How many water uses a stakeholder cares about (1 - Simpson concentration, scaled to [0, 1]):
        MUS serves several uses, so broad interests expect more benefit from it."""
        w = self.interests[who]
        return (1 - (w ** 2).sum(axis=1) / (w.sum(axis=1) ** 2)) / 0.75

    def platform_role_clarity(self) -> np.ndarray:
        m = self.members & (self.platform >= 0)
        total = np.bincount(self.platform[m], weights=self.role_clarity[m], minlength=self.n_platforms)
        count = np.bincount(self.platform[m], minlength=self.n_platforms)
        return np.divide(total, count, out=np.zeros(self.n_platforms), where=count > 0)

    def admit(self, who: np.ndarray, commitment: float, clarity: float) -> None:
        who = np.asarray(who, dtype=np.int64)
        self.set_membership(who, MEMBER)
        self.joined[who] = self.steps
        self.commitment[who] = np.maximum(self.commitment[who], commitment)
        self.role_clarity[who] = np.maximum(self.role_clarity[who], clarity)

    def hold_meetings(self) -> None:
        """Facilitation intensity: each platform with members meets in a month with chance
        ``meetings_per_year``/12 x support (plus any extra meeting monitoring called). A member attends
        with chance commitment x (1 - busyness of its senior staff) x min(1, 6 / meetings_per_year)
        (members tolerate about a meeting every two months), marginalised members x
        (1 + empowerment)/2 (patterns P3 and P6: quarterly targets often missed, officials rarely come).
        Attending teaches about MUS (awareness) and, with good guidance, raises commitment."""
        members = self.members
        seats = np.bincount(self.platform[members & (self.platform >= 0)], minlength=self.n_platforms)
        chance = min(1.0, self.p["meetings_per_year"] / 12) * self.support
        self.meets = (seats > 1) & ((self.rng.random(self.n_platforms) < chance) | self.extra_meeting)
        self.extra_meeting[:] = False
        fatigue = min(1.0, MEETINGS_TOLERATED / max(self.p["meetings_per_year"], 1e-9))
        base = self.commitment * (1 - self.busy) * fatigue
        base = np.where(self.marginalised, base * (1 + self.p["empowerment"] * self.support) / 2, base)
        u = self.rng.random((2, self.n))
        self.attend = members & (self.platform >= 0) & self.meets[self.platform] & (u[0] < base)
        self.attend_bridge = members & (self.bridge_platform >= 0) & self.meets[self.bridge_platform] & (u[1] < base)
        a, b = np.flatnonzero(self.attend), np.flatnonzero(self.attend_bridge)
        self.seat_who, self.seat_platform = np.r_[a, b], np.r_[self.platform[a], self.bridge_platform[b]]
        present = np.bincount(self.platform[self.attend], minlength=self.n_platforms)
        self.attendance = np.where(self.meets, present / np.maximum(seats, 1), self.attendance)
        self.counts["meetings"] += int(self.meets.sum())
        any_seat = self.attend | self.attend_bridge
        self.awareness[any_seat] += MEETING_AWARENESS * (1 - self.awareness[any_seat])
        useful = MEETING_COMMITMENT * (0.5 + 0.5 * self.p["guidance"] * self.support)
        self.commitment[any_seat] += useful * (1 - self.commitment[any_seat])

    def converge_views(self) -> None:
        """Step 4, shared objectives and vision: at meetings, members talk in random pairs and move towards
        each other's view on MUS if the views differ by less than the confidence bound (Deffuant et al.
        2000). Mediation widens the bound (facilitation 'mediating communication'); power distorts the
        move towards the more powerful member unless the facilitator empowers the weaker (Faysse 2006;
        pattern P9)."""
        who, plat = self.seat_who, self.seat_platform
        if len(who) < 2:
            return
        eps = min(1.0, self.p["vision_confidence"] + self.p["facilitation_widening"] * self.p["mediation"] * self.support)
        distortion = 2 * self.p["power_distortion"] * (1 - self.p["empowerment"] * self.support)
        weight = self.power ** distortion
        # pairings for all rounds drawn at once (round r pairs seats within group plat + r x platforms)
        rounds = np.repeat(np.arange(DIALOGUE_ROUNDS), len(who))
        i, j = rules.pair_within_groups(np.tile(plat, DIALOGUE_ROUNDS) + rounds * self.n_platforms, self.rng)
        seats = np.tile(who, DIALOGUE_ROUNDS)
        for r in range(DIALOGUE_ROUNDS):
            now = rounds[i] == r
            rules.deffuant_update(self.view, seats[i[now]], seats[j[now]], eps, self.p["convergence_rate"], weight)

    def agree_roles(self) -> None:
        """Step 4, agreements on activities, responsibilities, resources and contributions ('the rules of
        the game', Tool 24): each meeting attended closes ``agreement_rate`` of the gap to full role clarity,
        scaled by the core value transparency (open agreements on who gives and gets what)."""
        who = self.attend | self.attend_bridge
        rate = self.p["agreement_rate"] * (0.25 + 0.75 * self.p["transparency"])
        self.role_clarity[who] += rate * (1 - self.role_clarity[who])

    def build_trust(self) -> None:
        """Trust builds slowly: two members who meet at the same platform reinforce their tie's trust
        towards 1 at rate ``trust_gain`` x (1 + mediation)/2 x (0.5 + mutual_trust) (linear reinforcement,
        domain notes 3.6; Ansell & Gash 2008: face-to-face dialogue builds trust)."""
        s, d = self.src, self.dst
        p1, p2, a1, a2 = self.platform, self.bridge_platform, self.attend, self.attend_bridge
        met = ((a1[s] & a1[d] & (p1[s] == p1[d])) | (a1[s] & a2[d] & (p1[s] == p2[d]))
               | (a2[s] & a1[d] & (p2[s] == p1[d])) | (a2[s] & a2[d] & (p2[s] == p2[d])))
        if not met.any():
            return
        rate = (self.p["trust_gain"] * (1 + self.p["mediation"] * self.support) / 2
                * (0.5 + self.p["mutual_trust"]))
        self.trust[met] = rules.reinforce(self.trust[met], rate, 1.0)

    def arise_conflicts(self) -> None:
        """Conflicts arise at meetings from diverging interests, low trust and power gaps (Tool 24: 'lack of
        mutual confidence, or even conflicts'; Faysse 2006; NBDC): chance per meeting =
        ``conflict_propensity`` x divergence x (1 - mean trust on the platform's member ties) x (1 + power gap)/2
        x (1.5 - mutual_trust): where members agreed to give each other the benefit of the doubt,
        disagreements escalate less often (Tool 24: core values 'help to overcome' conflicts)."""
        who, plat = self.seat_who, self.seat_platform
        if len(who) < 2:
            return
        P = self.n_platforms
        count = np.bincount(plat, minlength=P).astype(float)
        safe = np.maximum(count, 1)
        interests = self.interests[who]
        cells = (plat[:, None] * 4 + np.arange(4)).ravel()
        centre = np.bincount(cells, weights=interests.ravel(), minlength=P * 4).reshape(P, 4) / safe[:, None]
        spread = np.sqrt(((interests - centre[plat]) ** 2).sum(axis=1))
        divergence = np.minimum(1.0, 2 * np.bincount(plat, weights=spread, minlength=P) / safe)
        pw = self.power[who]
        power_gap = np.sqrt(np.maximum(0, np.bincount(plat, weights=pw ** 2, minlength=P) / safe
                                       - (np.bincount(plat, weights=pw, minlength=P) / safe) ** 2)) * 2
        trust = self.platform_trust()
        chance = (self.p["conflict_propensity"] * divergence * (1 - trust) * (1 + np.minimum(power_gap, 1)) / 2
                  * (1.5 - self.p["mutual_trust"]))
        new = (count >= 2) & (self.rng.random(P) < chance)
        for k in np.flatnonzero(new):
            members_here = who[plat == k]
            use = WATER_USES[int(np.argmax(self.interests[members_here].var(axis=0)))]
            self.events.log(self.month, EventKind.CONFLICT,
                            f"Conflict in the {self.platform_names[k]} over {use} water (trust {trust[k]:.2f}).")
        self.conflict_since = np.where(new & (self.open_conflicts == 0), self.month, self.conflict_since)
        self.open_conflicts += new
        self.counts["conflicts_arisen"] += int(new.sum())

    def platform_trust(self) -> np.ndarray:
        """Mean trust on the ties between current members, per platform (initial trust where none)."""
        live = self.live_ties
        P = self.n_platforms
        total = np.bincount(self.edge_platform[live], weights=self.trust[live], minlength=P)
        count = np.bincount(self.edge_platform[live], minlength=P)
        return np.divide(total, count, out=np.full(P, self.p["initial_trust"]), where=count > 0)

    def manage_conflicts(self) -> None:
        """Facilitation 'managing conflict': each open conflict is resolved in a month with chance
        ``conflict_management`` x support. Unresolved conflicts break trust fast - every member tie in the
        platform moves towards 0 at rate ``trust_loss`` x (1.5 - mutual_trust) (Slovic 1993 asymmetry) -
        and wear members' commitment down."""
        open_ = self.open_conflicts > 0
        if not open_.any():
            return
        resolved = self.rng.binomial(self.open_conflicts, min(1.0, self.p["conflict_management"] * self.support))
        for k in np.flatnonzero(resolved):
            self.events.log(self.month, EventKind.RESOLVED, f"The facilitator resolved a conflict in the "
                            f"{self.platform_names[k]} after {self.month - self.conflict_since[k]} months.")
        self.open_conflicts -= resolved
        self.counts["conflicts_resolved"] += int(resolved.sum())
        self.conflict_since = np.where(self.open_conflicts == 0, -1, self.conflict_since)
        hurting = self.open_conflicts > 0
        ties = self.live_ties & hurting[self.edge_platform]
        rate = self.p["trust_loss"] * (1.5 - self.p["mutual_trust"])
        self.trust[ties] = rules.reinforce(self.trust[ties], rate, 0.0)
        affected = self.members & (self.platform >= 0) & hurting[np.maximum(self.platform, 0)]
        self.commitment[affected] *= 1 - 0.5 * rate

    def run_action_research(self) -> None:
        """Action research: funded pilots start at ``pilots_per_year`` x support in member communities chosen
        by capacity or, with the core value equity, by need. After ``pilot_duration`` months a pilot succeeds
        with chance ``pilot_base_success`` x (0.6 + 0.4 capacity) x (0.6 + 0.4 guidance') x (0.8 + 0.2 enabling env),
        guidance' = guidance x support x min(1, 6 / pilots under way): a team guides about six at once.
        A success is a small win: the host implements MUS and the members of its platforms gain trust and
        commitment (Ansell & Gash 2008; pattern P10). A failure teaches (capacity +0.05) but costs trust.
        Results are documented with chance ``documentation`` and then count as transferable evidence."""
        self.finish_pilots()
        n_new = self.rng.poisson(self.p["pilots_per_year"] / 12 * self.support)
        hosting = np.zeros(self.n, dtype=bool)
        hosting[self.pilot_host] = True
        hosts = np.flatnonzero(self.is_community & self.members & ~hosting & (self.stage < STAGE.IMPLEMENTATION))
        n_new = min(n_new, len(hosts))
        if not n_new:
            return
        need = np.where(self.marginalised[hosts], 1.0, 0.3) * (1 - self.capacity[hosts])
        weight = (1 - self.p["equity"]) * self.capacity[hosts] + self.p["equity"] * need + 1e-9
        chosen = self.rng.choice(hosts, n_new, replace=False, p=weight / weight.sum())
        self.pilot_host = np.r_[self.pilot_host, chosen]
        self.pilot_end = np.r_[self.pilot_end, np.full(n_new, self.month + self.p["pilot_duration"])]
        self.counts["pilots_run"] += n_new

    def finish_pilots(self) -> None:
        done = self.pilot_end <= self.month
        if not done.any():
            return
        hosts = self.pilot_host[done]
        self.pilot_host, self.pilot_end = self.pilot_host[~done], self.pilot_end[~done]
        # a facilitation team guides only so many pilots at once: guidance thins out beyond that
        guidance = self.p["guidance"] * self.support * min(1.0, PILOTS_GUIDED / max(1, len(hosts) + len(self.pilot_host)))
        chance = (self.p["pilot_base_success"] * (0.6 + 0.4 * self.capacity[hosts])
                  * (0.6 + 0.4 * guidance) * (0.8 + 0.2 * self.env))
        success = self.rng.random(len(hosts)) < chance
        documented = self.rng.random(len(hosts)) < self.p["documentation"]
        self.counts["pilots_succeeded"] += int(success.sum())
        self.counts["pilots_documented"] += int(documented.sum())
        self.counts["evidence"] += int((success & documented).sum())
        for host, ok, doc in zip(hosts, success, documented):
            self.record_pilot(int(host), bool(ok), bool(doc))

    def record_pilot(self, host: int, success: bool, documented: bool) -> None:
        platforms = [p for p in (self.platform[host], self.bridge_platform[host]) if p >= 0]
        ties = np.isin(self.edge_platform, platforms) & self.live_ties
        in_platforms = self.members & np.isin(self.platform, platforms)
        gain = self.p["small_win_gain"]
        if success:
            self.stage[host] = max(self.stage[host], STAGE.IMPLEMENTATION)
            self.implementing_since[host] = self.month
            self.view[host] = max(self.view[host], 0.8)
            self.trust[ties] = rules.reinforce(self.trust[ties], gain, 1.0)
            self.commitment[in_platforms] = rules.reinforce(self.commitment[in_platforms], gain, 1.0)
            self.last_win[platforms] = self.month
        else:
            self.capacity[host] = min(1.0, self.capacity[host] + 0.05)
            self.trust[ties] = rules.reinforce(self.trust[ties], 0.5 * gain, 0.0)
        verdict = "succeeded: a small win" if success else "failed: lessons learnt, some trust lost"
        doc = "documented" if documented else "not documented"
        self.events.log(self.month, EventKind.PILOT, f"Pilot at the {self.names[host]} {verdict} ({doc}).")

    def monitor_process(self) -> None:
        """Process monitoring and documentation: a stall - attendance under ``stall_attendance`` at the
        last meeting, or a conflict open for more than three months - is detected with chance
        ``monitoring`` x support and corrected: an extra meeting is called and those who left are
        re-invited (Tool 24: monitoring shows 'when potentially corrective action is needed')."""
        stale = (self.open_conflicts > 0) & (self.month - self.conflict_since > CONFLICT_STALL_MONTHS)
        thin = self.attendance < self.p["stall_attendance"]
        stalled = (stale | thin) & ~self.extra_meeting
        detected = stalled & (self.rng.random(self.n_platforms) < self.p["monitoring"] * self.support)
        for k in np.flatnonzero(detected):
            why = "an unresolved conflict" if stale[k] else f"falling attendance ({self.attendance[k]:.0%})"
            self.events.log(self.month, EventKind.MONITORING, f"Process monitoring flagged {why} in the "
                            f"{self.platform_names[k]}: extra meeting called, members who left re-invited.")
        self.extra_meeting |= detected
        self.attendance = np.where(detected, np.nan, self.attendance)
        if detected.any():
            self.reinvite_dropped(detected)

    def reinvite_dropped(self, platforms: np.ndarray) -> None:
        """Corrective action: those who left a stalled platform are invited back and decide as any
        invitee does (:meth:`join_chance`)."""
        left = np.flatnonzero((self.membership == MEMBERSHIP.DROPPED) & (self.platform >= 0)
                              & platforms[np.maximum(self.platform, 0)] & self.not_initiator)
        self.welcome_back(left[self.rng.random(len(left)) < self.join_chance(left)], "when invited back")

    def evidence_level(self) -> float:
        """How convincing the documented local evidence is: E / (E + ``evidence_scale``)."""
        e = self.counts["evidence"]
        return e / (e + self.p["evidence_scale"])

    def disseminate(self) -> None:
        """Dissemination and sharing. Within the alliance, bridge members who attend carry awareness and
        views between the platforms they sit on (``vertical_sharing``, :meth:`share_between_levels`).
        Outside it, funded events (``dissemination_events_per_year``) address either the non-member
        communities of one district (horizontal scaling) or the non-member organisations (policy makers,
        vertical scaling) and reach each with chance ``horizontal_reach`` or ``policy_reach``. Those reached
        gain half their awareness gap and a renewed adoption push of 0.1 x (0.2 + 0.8 evidence) a month,
        which halves every month after; repeated events renew the push rather than stack it (diminishing
        returns). Events do not change views: persuading a blocker takes dialogue inside the alliance
        (IRC Learning Alliances: breaking barriers to horizontal and vertical sharing)."""
        self.push *= PUSH_MEMORY
        self.share_between_levels()
        n_events = self.rng.poisson(self.p["dissemination_events_per_year"] / 12 * self.support)
        self.counts["dissemination_events"] += n_events
        evidence = self.evidence_level()
        for _ in range(n_events):
            if self.rng.random() < 0.5:
                d = self.rng.integers(self.p["n_districts"])
                audience = self.is_community & (self.district == d) & ~self.members
                reach = self.p["horizontal_reach"]
            else:
                audience = self.org & ~self.members
                reach = self.p["policy_reach"]
            reached = audience & (self.rng.random(self.n) < reach)
            self.awareness[reached] += EVENT_AWARENESS * (1 - self.awareness[reached])
            self.push[reached] = np.maximum(self.push[reached], EVENT_PUSH * (0.2 + 0.8 * evidence))
        if n_events:
            self.events.log(self.month, EventKind.DISSEMINATION,
                            f"{n_events} dissemination event(s) shared the alliance's evidence "
                            f"({self.counts['evidence']:.0f} documented successes).")

    def share_between_levels(self) -> None:
        """Bridge members who attend carry their platforms' awareness and views on MUS to the linked
        platform: each member moves ``vertical_sharing`` x min(1, bridges/2) of the way towards the mean of
        the platforms linked to its own (awareness only upwards)."""
        carriers = self.attend_bridge | (self.attend & (self.bridge_platform >= 0))
        if not carriers.any():
            return
        P = self.n_platforms
        m = self.members & (self.platform >= 0)
        count = np.maximum(np.bincount(self.platform[m], minlength=P), 1)
        c = np.flatnonzero(carriers)
        a, b = self.platform[c], self.bridge_platform[c]
        links = np.bincount(a, minlength=P) + np.bincount(b, minlength=P)
        strength = (self.p["vertical_sharing"] * np.minimum(1.0, links / 2))[np.maximum(self.platform, 0)]
        strength = np.where(m, strength, 0.0)
        for state, only_up in ((self.awareness, True), (self.view, False)):
            mean = np.bincount(self.platform[m], weights=state[m], minlength=P) / count
            linked = np.bincount(a, weights=mean[b], minlength=P) + np.bincount(b, weights=mean[a], minlength=P)
            target = np.divide(linked, links, out=np.zeros(P), where=links > 0)[np.maximum(self.platform, 0)]
            gap = target - state
            state += strength * (np.maximum(gap, 0.0) if only_up else gap)

    def update_environment(self) -> None:
        """Enabling environment E (policy, mandates, finance for MUS): raised by adoption of powerful
        national and district organisations and by documented evidence the alliance carries to policy
        makers (evidence x support: after the project leaves only as far as the alliance goes on), held
        down by powerful blockers (van Koppen et al. 2014: single-use mandates and earmarked finance):
        E += env_gain x (adoption + evidence x support)/2 x (1 - E) - env_drag x opposition x E."""
        nd = self.org
        w = self.power[nd]
        adoption = reporters.weighted_share(self.stage[nd] >= STAGE.IMPLEMENTATION, w)
        opposition = reporters.weighted_share(self.view[nd] < 1 / 3, w)
        carried = self.evidence_level() * self.support  # evidence moves policy only while the alliance carries it
        gain = self.p["env_gain"] * (adoption + carried) / 2 * (1 - self.env)
        self.env = float(np.clip(self.env + gain - self.p["env_drag"] * opposition * self.env, 0.0, 1.0))

    def adopt(self) -> None:
        """The innovation-decision process (Rogers 2003) for every community and organisation.
        Knowledge: awareness >= 0.3. Persuasion: a favourable view (>= 0.5). Decision: a Bass (1969) hazard
        1 - exp(-(p + q F)) with p = ``bass_p`` + dissemination push and F the share of peers who decided
        (for communities their tied neighbours, weight ``peer_locality``, and all communities; for
        organisations others of the same type, pattern P11), scaled by readiness
        1 - ``stage_gating`` x [not persuaded] and by 1 - ``adoption_barrier`` x (1 - E).
        Implementation follows at ``implementation_speed`` x (1 + capacity)/2 x (1 + E)/2 per month, where
        for marginalised communities the core value equity makes up equity x support of the capacity gap;
        confirmation after a year; without an enabling environment implementers may discontinue."""
        stage = self.stage
        decided = stage >= STAGE.DECISION
        stage[(stage == STAGE.UNAWARE) & (self.awareness >= 0.3)] = STAGE.KNOWLEDGE
        weighing = (stage == STAGE.KNOWLEDGE) | (stage == STAGE.PERSUASION)
        favourable = self.view >= 0.5
        stage[weighing & favourable] = STAGE.PERSUASION
        stage[weighing & ~favourable] = STAGE.KNOWLEDGE
        u = self.rng.random((3, self.n))
        readiness = 1 - self.p["stage_gating"] * (stage < STAGE.PERSUASION)
        barrier = 1 - self.p["adoption_barrier"] * (1 - self.env)
        chance = rules.bass_probability(self.p["bass_p"] + self.push, self.p["bass_q"], self.peer_share(decided))
        deciding = (stage < STAGE.DECISION) & self.can_adopt & (u[0] < chance * readiness * barrier)
        stage[deciding] = STAGE.DECISION
        self.announce_policy_adoption(deciding)
        self.implement(u[1])
        self.confirm_or_discontinue(u[2])

    def implement(self, u: np.ndarray) -> None:
        """Decisions become implementations (works only on the few stakeholders at the decision stage)."""
        waiting = np.flatnonzero(self.stage == STAGE.DECISION)
        if not len(waiting):
            return
        speed = self.p["implementation_speed"]
        capacity = self.capacity[waiting]
        # equity: the alliance's support makes up the capacity marginalised communities lack
        capacity = capacity + self.p["equity"] * self.support * (1 - capacity) * self.marginalised[waiting]
        chance = speed if speed >= 1 else speed * (1 + capacity) / 2 * (1 + self.env) / 2
        going = waiting[u[waiting] < chance]
        self.stage[going] = STAGE.IMPLEMENTATION
        self.implementing_since[going] = self.month

    def peer_share(self, decided: np.ndarray) -> np.ndarray:
        """Share of each stakeholder's peers who decided for MUS (see :meth:`adopt`)."""
        global_share = decided[self.is_community].mean() if self.n_communities else 0.0
        hits = np.bincount(self.peer_from, weights=decided[self.peer_to], minlength=self.n)
        loc = self.p["peer_locality"]
        local = hits * self.inverse_peer_degree + self.no_peers * global_share
        org_decided = np.bincount(self.org_kind, weights=decided[self.org_index], minlength=len(KINDS))
        same_kind = org_decided * self.inverse_kind_count
        return np.where(self.is_community, (1 - loc) * global_share + loc * local, same_kind[self.kind])

    def announce_policy_adoption(self, deciding: np.ndarray) -> None:
        for i in self.national_orgs[deciding[self.national_orgs]]:
            self.events.log(self.month, EventKind.ADOPTION, f"{self.names[i]} decided to take MUS into its mandate.")

    def confirm_or_discontinue(self, u: np.ndarray) -> None:
        using = np.flatnonzero(self.stage >= STAGE.IMPLEMENTATION)
        if not len(using):
            return
        stage, uu = self.stage[using], u[using]
        # one draw serves both: u < env/12 confirms, u >= 1 - hazard stops; the two exclude each other in a month
        confirm = ((stage == STAGE.IMPLEMENTATION) & (self.month - self.implementing_since[using] >= CONFIRMATION_MONTHS)
                   & (uu < self.env / CONFIRMATION_MONTHS))
        self.stage[using[confirm]] = STAGE.CONFIRMATION
        confirmed = stage == STAGE.CONFIRMATION
        hazard = self.p["discontinuation_rate"] * (1 - self.env) * np.where(confirmed | confirm, 0.5, 1.0)
        stop = using[self.is_community[using] & (uu >= 1 - hazard)]
        self.stage[stop] = STAGE.PERSUASION
        self.implementing_since[stop] = -1

    def drop_out(self) -> None:
        """Dropping out (Tool 24: members may leave early; Sartas et al. 2018, pattern P5: local actors
        leave in the first years): each member leaves with monthly chance
        ``dropout_rate`` x (1 - commitment x role clarity) x (1 + open conflict in its platform)
        x (2 - inclusiveness for marginalised groups). Months without reasons to stay cost commitment."""
        self.commitment *= 1 - COMMITMENT_FATIGUE
        m = self.members & self.not_initiator
        conflict = (self.open_conflicts[np.maximum(self.platform, 0)] > 0) & (self.platform >= 0)
        hazard = self.p["dropout_rate"] * (1 - self.commitment * self.role_clarity) * (1 + conflict) * (1 + self.exclusion)
        leaving = m & (self.rng.random(self.n) < hazard)
        if not leaving.any():
            return
        self.set_membership(leaving, MEMBERSHIP.DROPPED)
        self.counts["dropouts"] += int(leaving.sum())
        reasons = np.stack([1 - self.role_clarity, 1 - self.commitment, conflict * 1.0, self.exclusion])
        labels = ("roles unclear", "saw no benefit", "unresolved conflict", "felt excluded")
        for i in np.flatnonzero(leaving):
            self.events.log(self.month, EventKind.LEAVE, f"{self.names[i]} left: {labels[int(np.argmax(reasons[:, i]))]}.")

    def rejoin(self) -> None:
        """Re-joining: a member who left comes back of its own accord with monthly chance ``rejoin_rate``,
        doubled when its platform had a small win in the last year (monitoring also invites members back,
        see :meth:`reinvite_dropped`)."""
        dropped = np.flatnonzero(self.membership == MEMBERSHIP.DROPPED)
        dropped = dropped[dropped != self.initiator]
        if not len(dropped):
            return
        boost = 1 + (self.month - self.last_win[np.maximum(self.platform[dropped], 0)] <= 12)
        self.welcome_back(dropped[self.rng.random(len(dropped)) < self.p["rejoin_rate"] * boost], "")

    def welcome_back(self, back: np.ndarray, how: str) -> None:
        """Members who left come back (with some commitment, their role clarity kept); organisations' returns
        go in the event log."""
        if not len(back):
            return
        self.admit(back, commitment=0.4, clarity=0.0)
        self.counts["rejoins"] += len(back)
        for i in back[self.org[back]]:
            self.events.log(self.month, EventKind.REJOIN, f"{self.names[i]} re-joined the alliance{' ' + how if how else ''}.")

    def account_costs(self) -> None:
        """Resources used this month, in units (facilitator-months, meetings, pilots, events) and in cost
        at the unit costs of the ``cost_*`` parameters. The facilitator works at the support level."""
        c = self.counts
        n_members = int(self.members.sum())
        c["member_months"] += n_members
        if n_members:
            c["facilitator_months"] += self.support
        c["cost"] = (c["facilitator_months"] * self.p["cost_facilitator_month"] + c["meetings"] * self.p["cost_meeting"]
                     + c["pilots_run"] * self.p["cost_pilot"]
                     + c["dissemination_events"] * self.p["cost_dissemination_event"])

    def note_milestones(self) -> None:
        uptake = self.datacollector.model_vars["uptake"][-1]
        for level in (0.25, 0.5):
            if uptake >= level and level not in self.milestones_logged:
                self.milestones_logged.add(level)
                self.events.log(self.month, EventKind.MILESTONE, f"{level:.0%} of communities now use MUS.")

    # ----------------------------------------------------------------------------------- for viewers
    def ties(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(source index, target index, trust) of every tie; indices are ``Stakeholder.index``."""
        return self.src, self.dst, self.trust
