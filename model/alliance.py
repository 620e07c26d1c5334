"""The Learning Alliance model: one step is one month of a country programme.

:meth:`Alliances.step` is the schedule. Each method it calls is one element of the Learning Alliance
method (MUS Group Tool 24; Smits et al. 2007) and lives with the other mechanisms of its process in a module
of its own (``funding``, ``membership``, ``meetings``, ``vision``, ``trust``, ``conflict``, ``pilots``,
``monitoring``, ``spread``, ``environment``, ``adoption``); its docstring states the rule and where the rule
comes from. The state the mechanisms read and write is declared once, in :data:`model.states.STATE`:
arrays indexed by stakeholder (``self.view[i]``), tie (``self.trust[e]``) or platform.

:class:`Alliances` steps one or several alliances together (replicates, each with its own parameters and
seed: model/replicates.py); :class:`LearningAlliance` is the Mesa model of one alliance, a batch of one, which
the dashboard, ``run`` and users' own code see.
"""

from __future__ import annotations

import mesa
import numpy as np

from . import kernels, reporters
from .adoption import Adoption
from .agents import Stakeholder
from .conflict import Conflict
from .environment import Environment
from .events import EventKind, EventLog
from .funding import Funding
from .meetings import Meetings
from .membership import MembershipProcess
from .monitoring import Monitoring
from .outputs import COUNTERS
from .pilots import Pilots
from .population import GOVERNMENT_KINDS, INITIATORS, INTERMEDIARY_KINDS, KIND_INDEX, KINDS, build_population, of_kinds
from .registry import resolve
from .replicates import Replicates, merge
from .spread import Spread
from .states import LEVEL, MEMBERSHIP, STAGE, STATE, Per
from .trust import Trust
from .vision import Vision

MEMBER = MEMBERSHIP.MEMBER
PROFILE_FIELDS = ("drive", "community_reach", "budget_line", "evidence_credibility", "documents")


class Params(dict):
    """One alliance's parameters (registry.resolve). Changing one mid-run (the dashboard's what-if levers, a
    trainer's facilitation) takes effect at the next mechanism that reads it."""

    owner = None

    def __setitem__(self, key, value) -> None:
        super().__setitem__(key, value)
        self.changed()

    def update(self, *args, **kwargs) -> None:
        super().update(*args, **kwargs)
        self.changed()

    def changed(self) -> None:
        if self.owner is not None:
            self.owner.q_ = None  # the alliances rebuild their parameter arrays when next read


class Alliances(Funding, MembershipProcess, Meetings, Vision, Trust, Conflict, Pilots, Monitoring,
                Spread, Environment, Adoption, Replicates):
    """Learning Alliances of linked national, district and community platforms that scale up MUS, stepped month
    by month together (model/replicates.py). ``Alliances(params, rng)`` is one alliance (a batch of one);
    :meth:`together` merges alliances set up that way into a batch. ``params`` holds only what differs from
    the registry's defaults; every value is checked there. ``rng`` (a seed or a NumPy Generator) makes every
    random draw of that alliance."""

    @staticmethod
    def together(parts: list[Alliances]) -> Alliances:
        """One batch of alliances set up alone (each a batch of one, at month 0), merged in the given order."""
        return parts[0] if len(parts) == 1 else merge(parts)

    def __init__(self, params: dict | None = None, rng=None, record: bool = True) -> None:
        self.rngs = [rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)]
        self.ps = [Params(resolve(params))]
        self.replicates = 1
        self.month = 0
        self.decisions = None
        self.adopt_params()
        self.logs = [EventLog()]
        self.set_up_population()
        self.set_up_dynamics()
        self.initiate()
        self.rows = []
        if record:  # month 0's outputs; a batch records them once for all its alliances (model/run.py)
            self.record()

    # ------------------------------------------------------------------------------------------ set-up
    def adopt_params(self) -> None:
        """Parameters as one array per name over the alliances (``self.q``), rebuilt when one changes."""
        for p in self.ps:
            p.owner = self
        self.q_ = None

    @property
    def q(self) -> dict[str, np.ndarray]:
        """Each parameter's value in every alliance (an array over the replicates)."""
        if self.q_ is None:
            names = [k for k, v in self.ps[0].items() if isinstance(v, (int, float, str))]
            self.q_ = {k: np.array([p[k] for p in self.ps]) for k in names}
        return self.q_

    @property
    def p(self) -> Params:
        """The parameters of a single run (a batch of one)."""
        return self.ps[0]

    def set_up_population(self) -> None:
        p = self.p
        pop = build_population(p, self.rngs[0])
        for var in STATE:  # the population's fields are declared state of the model
            if hasattr(pop, var.name):
                self.__dict__[var.name] = getattr(pop, var.name)
        self.initiator = np.array([pop.initiator])
        self.n = len(self.kind)
        self.kind_names = [k.name for k in KINDS]
        self.n_platforms = len(self.platform_level)
        self.s_start, self.p_start, self.t_start = np.array([0, self.n]), np.array([0, self.n_platforms]), np.array([0, len(self.src)])
        self.rep_s = np.zeros(self.n, dtype=np.int64)
        self.rep_p = np.zeros(self.n_platforms, dtype=np.int64)
        self.rep_t = np.zeros(len(self.src), dtype=np.int64)
        self.seated, self.has_second_seat = self.platform >= 0, self.bridge_platform >= 0
        self.home, self.second_home = np.maximum(self.platform, 0), np.maximum(self.bridge_platform, 0)
        self.edge_platform = self.shared_platform_of_ties()
        shared = np.flatnonzero(self.edge_platform >= 0)
        e = self.edge_platform[shared]
        # ties whose ends share a platform, and whether each end sits there on its primary or its second seat
        self.shared_ties = shared
        self.shared_seat = np.stack([self.platform[self.src[shared]] == e, self.bridge_platform[self.src[shared]] == e,
                                     self.platform[self.dst[shared]] == e, self.bridge_platform[self.dst[shared]] == e],
                                    axis=1)
        peers = self.is_community[self.src] & self.is_community[self.dst]
        # both directions of every community-community tie, so one bincount counts each one's peers
        self.peer_from = np.concatenate((self.src[peers], self.dst[peers]))
        self.peer_to = np.concatenate((self.dst[peers], self.src[peers]))
        peer_degree = np.bincount(self.peer_from, minlength=self.n)
        self.inverse_peer_degree = np.divide(1.0, peer_degree, out=np.zeros(self.n), where=peer_degree > 0)
        self.no_peers = peer_degree == 0
        # both directions of every tie with a community listening: whom a community can hear MUS from
        self.listening = np.concatenate((self.is_community[self.src], self.is_community[self.dst]))
        self.link_from = np.concatenate((self.src, self.dst))[self.listening]
        self.link_to = np.concatenate((self.dst, self.src))[self.listening]
        self.link_tie = np.tile(np.arange(len(self.src)), 2)[self.listening]
        self.breadth = self.interest_breadth(np.arange(self.n))
        self.intermediary_kind = of_kinds(INTERMEDIARY_KINDS)[self.kind]
        self.n_communities = np.array([int(self.is_community.sum())])
        self.community_district = np.where(self.is_community, self.district, -1)
        D = p["n_districts"]
        self.district_platform = np.where(self.district >= 0, 1 + self.district, -1)
        self.design_platform = np.where(self.is_community, 1 + D + self.community_district, -1)
        self.parent_platform = np.where(self.platform_level == LEVEL.COMMUNITY, self.platform_district + 1,
                                        np.where(self.platform_level == LEVEL.DISTRICT, 0, -1))
        self.government = of_kinds(GOVERNMENT_KINDS)[self.kind]
        self.org = ~self.is_community & (self.kind != KIND_INDEX["project_office"])
        self.can_adopt = self.kind != KIND_INDEX["project_office"]
        self.not_initiator = np.arange(self.n) != pop.initiator
        profile = INITIATORS[p["initiator"]]
        self.profile = {f: np.array([getattr(profile, f)]) for f in PROFILE_FIELDS}
        self.national_orgs = np.flatnonzero(self.org & (self.level == LEVEL.NATIONAL))
        self.exclusion = np.where(self.marginalised, 1 - p["inclusiveness"], 0.0)  # felt by marginalised groups
        self.org_index = np.flatnonzero(self.org)
        self.org_kind = self.kind[self.org_index]
        kind_count = np.bincount(self.org_kind, minlength=len(KINDS))
        self.inverse_kind_count = np.divide(1.0, kind_count, out=np.zeros(len(KINDS)), where=kind_count > 0)[None, :]
        outside = self.membership == MEMBERSHIP.OUTSIDE
        # groups of the reporters' tally: 0 organisations, 1/2 pilot-district communities (not/marginalised),
        # 3/4 outside communities (not/marginalised)
        self.report_group = np.where(self.is_community, 1 + 2 * outside + self.marginalised, 0)

    def set_up_dynamics(self) -> None:
        n, P, p = self.n, self.n_platforms, self.p
        self.forget_members()
        self.identified = np.zeros(n, dtype=bool)
        self.next_invite = np.zeros(n, dtype=np.int64)
        self.commitment = np.zeros(n)
        self.joined = np.zeros(n, dtype=np.int64)
        self.role_clarity = np.zeros(n)
        self.stage = np.where(self.awareness >= p["awareness_threshold"], STAGE.KNOWLEDGE,
                              STAGE.UNAWARE).astype(np.int8)
        self.implementing_since = np.full(n, -1)
        self.push = np.zeros(n)
        self.reach = np.zeros(n)
        self.fit = np.ones(n)
        self.attend = np.zeros(n, dtype=bool)
        self.attend_bridge = np.zeros(n, dtype=bool)
        self.seat_who = self.seat_platform = np.empty(0, dtype=np.int64)
        self.meets = np.zeros(P, dtype=bool)
        self.extra_meeting = np.zeros(P, dtype=bool)
        self.agenda = np.full((P, 4), np.nan)
        self.joint_action = np.zeros(P)
        self.open_conflicts = np.zeros(P, dtype=np.int64)
        self.conflict_since = np.full(P, -1)
        self.attendance = np.full(P, np.nan)
        self.last_win = np.full(P, -10**6)
        self.pilot_host = np.empty(0, dtype=np.int64)
        self.pilot_end = np.empty(0, dtype=np.int64)
        self.env = np.array([float(p["env_initial"])])
        self.support = np.ones(1)
        self.payers = np.array([[1.0, 0.0, 0.0]])
        self.ownership = np.zeros(1)
        self.embedded = np.zeros(1)
        self.drive = np.array([float(p["initiator_drive"])])
        self.counts = {k: np.zeros(1) for k in COUNTERS}
        self.milestones_logged: list[set[float]] = [set()]
        self.fit_designs()  # before any platform has an agenda, designs are an even mix

    def shared_platform_of_ties(self) -> np.ndarray:
        """For each tie, the platform both ends sit on (primary seats first), or -1."""
        p, b, s, d = self.platform, self.bridge_platform, self.src, self.dst
        out = np.full(len(s), -1, dtype=np.int32)
        for x, y in ((b[s], b[d]), (b[s], p[d]), (p[s], b[d]), (p[s], p[d])):  # later pairs take precedence
            out = np.where((x >= 0) & (x == y), x, out)
        return out

    def initiate(self) -> None:
        """Step 1, initiation (Tool 24): the initiator and a core group around it start the first platform.

        The core group is the initiator plus the ``core_group_size`` - 1 organisations it trusts most among its
        ties, plus any member at the start that an alliance table names (model/alliance_table.py). Every
        mobilisation order starts with a core group of the same size, so orders differ in *who* shapes the
        alliance, not in how big it starts: with ``existing_network`` the core group is taken from the
        existing network first and the rest of the network is invited first (:meth:`invitation_order`).
        """
        i = int(self.initiator[0])
        ties = np.flatnonzero((self.src == i) | (self.dst == i))
        others = np.where(self.src[ties] == i, self.dst[ties], self.src[ties])
        keep = self.org[others]
        rank = -self.trust[ties][keep]
        if self.p["mobilisation_order"] == "existing_network":  # network members before the others
            rank = rank - 2 * self.in_network[others[keep]]
        core = list(np.r_[i, others[keep][np.argsort(rank, kind="stable")][: self.p["core_group_size"] - 1]])
        core += list(np.flatnonzero(self.membership == MEMBER))  # members at the start an alliance table names
        core = np.unique(core)
        self.identified[core] = True
        self.admit(core, commitment=self.p["founding_commitment"], clarity=self.p["founding_clarity"])
        self.log(0, EventKind.INITIATION,
                 f"{self.names[i]} initiated the alliance at {self.p['initiator_level']} level with "
                 f"{len(core) - 1} founding members.")

    # ------------------------------------------------------------------------------------------- step
    def step(self) -> None:
        self.month += 1
        self.fund()
        self.analyse_stakeholders()
        self.mobilise()
        self.hold_meetings()
        self.set_agenda()              # and fit_designs: designs follow the agenda
        self.converge_views()
        self.agree_roles()
        self.build_trust()
        self.arise_conflicts()
        self.manage_conflicts()
        self.assess_joint_action()
        self.run_action_research()
        self.monitor_process()
        self.disseminate()
        self.reach_through_intermediaries()
        self.update_environment()
        self.adopt()
        self.drop_out()
        self.rejoin()
        self.account_costs()
        self.record()
        self.note_milestones()

    def record(self) -> None:
        """This month's outputs (model.outputs.SERIES), a row per alliance."""
        self.rows.append(reporters.collect(self))

    def forget_members(self) -> None:
        self._members = None
        self._member_ties = None

    @property
    def members(self) -> np.ndarray:
        """Mask of current members. This and the views below are cached until membership changes through
        :meth:`set_membership` (many mechanisms read them every month)."""
        if self._members is None:
            self._members, self._seated_members, self._seated_platform, self._platform_size = kernels.seat_members(
                self.membership, MEMBER, self.seated, self.platform, self.n_platforms)
            self._member_ties = None
        return self._members

    @property
    def seated_members(self) -> np.ndarray:
        """Mask of current members with a primary platform."""
        self.members
        return self._seated_members

    @property
    def seated_platform(self) -> np.ndarray:
        """Primary platform of each seated member (in stakeholder order: ``platform[seated_members]``)."""
        self.members
        return self._seated_platform

    @property
    def platform_size(self) -> np.ndarray:
        """Number of current members on each platform (primary seats)."""
        self.members
        return self._platform_size

    @property
    def live_ties(self) -> np.ndarray:
        """Mask of ties between two current members who share a platform (cached until membership changes)."""
        m = self.members  # a membership change forgets the cached views
        if self._member_ties is None:
            self._member_ties = kernels.live_ties_of(m, self.src, self.dst, self.edge_platform)
        return self._member_ties

    def set_membership(self, who, state: int) -> None:
        """The only way membership changes, so the cached views stay true."""
        self.membership[who] = state
        self._members = None

    def admit(self, who: np.ndarray, commitment, clarity) -> None:
        """``who`` become members, with at least ``commitment`` and ``clarity`` (each a number, or an array
        over the alliances)."""
        who = np.asarray(who, dtype=np.int64)
        self.set_membership(who, MEMBER)
        kernels.admit(who, self.rep_s, self.counts["joins"], self.joined, self.month, self.commitment,
                      self.role_clarity, self.each_alliance(commitment), self.each_alliance(clarity))

    def each_alliance(self, value) -> np.ndarray:
        """A number, or an array with one value per alliance, as an array with one value per alliance."""
        if isinstance(value, np.ndarray) and value.shape == (self.replicates,):
            return value.astype(float, copy=False)
        return np.full(self.replicates, value, dtype=float)

    def note_milestones(self) -> None:
        """Uptake milestones (25%, 50% of communities) go into the event log once, in the month they are reached."""
        uptake = self.rows[-1][reporters.COLUMN["uptake"]]
        for r in np.flatnonzero(uptake >= 0.25):  # the lower level: none reached, none to note
            for level in (0.25, 0.5):
                if uptake[r] >= level and level not in self.milestones_logged[r]:
                    self.milestones_logged[r].add(level)
                    self.log(r, EventKind.MILESTONE, f"{level:.0%} of communities now use MUS.")

    # ----------------------------------------------------------------------------------- for viewers
    def ties(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(source index, target index, trust) of every tie; indices are ``Stakeholder.index``."""
        return self.src, self.dst, self.trust


# per-alliance values a single run's viewers read as plain numbers
SINGLE_VALUES = {v.name for v in STATE if v.per is Per.ALLIANCE} - {"logs", "counts", "profile", "milestones_logged",
                                                                     "inverse_kind_count", "payers"}


class LearningAlliance(mesa.Model):
    """A Learning Alliance of linked national, district and community platforms that scales up MUS: the Mesa
    model of one alliance (a batch of one :class:`Alliances`, whose state and mechanisms it shows as its own).

    ``params`` holds only what differs from the registry's defaults; every value is checked there.
    ``rng`` seeds every random draw of the run (``self.rng``).
    """

    def __init__(self, params: dict | None = None, rng: int | None = None):
        super().__init__(rng=rng)
        self.__dict__["alliances"] = Alliances(params, self.rng)
        self.datacollector = reporters.Recorder(self)
        self.datacollector.collect(self)
        Stakeholder.create_agents(self, self.n, list(range(self.n)))

    def step(self) -> None:
        self.alliances.month = self.steps - 1  # Mesa counted this month already; the alliance counts it as it steps
        self.alliances.step()
        self.datacollector.collect(self)

    @property
    def month(self) -> int:
        return self.alliances.month

    @property
    def initiator_profile(self):
        """What the initiator's type brings and lacks (population.INITIATORS); setting one gives the alliance
        that profile."""
        a = self.alliances.profile
        return type(INITIATORS["project"])(**{f: a[f][0].item() for f in PROFILE_FIELDS})

    @initiator_profile.setter
    def initiator_profile(self, profile) -> None:
        self.alliances.profile = {f: np.array([getattr(profile, f)]) for f in PROFILE_FIELDS}

    @property
    def counts(self) -> dict:
        """The cumulative counters, as numbers one can read and set."""
        return SingleCounts(self.alliances.counts)

    @property
    def payers(self) -> tuple[float, float, float]:
        return tuple(float(x) for x in self.alliances.payers[0])

    @property
    def milestones_logged(self) -> set[float]:
        return self.alliances.milestones_logged[0]

    def __getattr__(self, name: str):
        if name.startswith("__") or name == "alliances":
            raise AttributeError(name)
        value = getattr(self.alliances, name)
        if name in SINGLE_VALUES:
            return value[0].item()
        return value

    def __setattr__(self, name: str, value) -> None:
        a = self.__dict__.get("alliances")
        if a is not None and name == "rng":  # a stand-in generator (tests) draws for the alliance too
            a.rngs[0] = value
        if a is not None and name == "steps":  # Mesa's month is the alliance's
            a.month = value
        if a is not None and (name in SINGLE_VALUES or name == "decisions" or name in a.__dict__
                              or callable(getattr(Alliances, name, None))):  # a mechanism replaced (tests)
            setattr(a, name, np.array([value]) if name in SINGLE_VALUES else value)
        else:
            super().__setattr__(name, value)


class SingleCounts(dict):
    """The counters of a single run: reading gives numbers, setting one sets the run's counter."""

    def __init__(self, counts: dict) -> None:
        super().__init__({k: float(v[0]) for k, v in counts.items()})
        self.counts = counts

    def __setitem__(self, key, value) -> None:
        super().__setitem__(key, value)
        self.counts[key][0] = value
