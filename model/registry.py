"""The one declaration of every model parameter.

Each :class:`Parameter` says its name, type, default, the range the code accepts (``low``/``high`` or
``choices``), the range that is *plausible* for a real country programme with the evidence or judgement
behind it (``plausible_low``/``plausible_high``/``plausible_source``), its unit, the step of the Learning
Alliance method (MUS Group Tool 24) it belongs to, a plain label for people and what it means in the
alliance. ``fixed`` marks structural assumptions of the model (thresholds, windows, starting values): they
are visible in ``mus-alliance params`` and the ODD table and usable in sweeps, but hidden from the
dashboard. The config loader, ``params``, the sweep engine (which defaults to the plausible range), the
dashboard's controls and the ODD parameter table are all generated from :data:`PARAMETERS`; no range or
label is written anywhere else.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class SeedStep(StrEnum):
    """Steps and elements of the Learning Alliance method (Tool 24), in the order a user meets them."""

    LEVELS = "levels"
    STAKEHOLDERS = "stakeholders"
    INITIATION = "initiation"
    STAKEHOLDER_ANALYSIS = "stakeholder_analysis"
    MOBILISATION = "mobilisation"
    CORE_VALUES = "core_values"
    FACILITATION = "facilitation"
    ACTION_RESEARCH = "action_research"
    MONITORING = "monitoring"
    DISSEMINATION = "dissemination"
    ENABLING_ENVIRONMENT = "enabling_environment"
    ADOPTION = "adoption"
    RESOURCES = "resources"
    COSTS = "costs"


class ConfigError(ValueError):
    """A configuration value the model refuses; the message is one line naming the field."""


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str  # "int", "float" or "choice"
    default: Any
    step: SeedStep
    label: str     # plain words for people (dashboard, reports); ``name`` is for machines
    meaning: str
    unit: str = "-"
    low: float | None = None    # allowed range: what the code accepts
    high: float | None = None
    plausible_low: float | None = None    # plausible range for a real programme (sweeps, calibration priors)
    plausible_high: float | None = None
    plausible_source: str = ""
    choices: tuple[str, ...] = field(default_factory=tuple)
    structural: bool = False  # changes the population's size; not varied by default in sensitivity studies
    fixed: bool = False       # a structural assumption: hidden from the dashboard, not varied by default

    @property
    def range_text(self) -> str:
        if self.kind == "choice":
            return " | ".join(self.choices)
        return f"[{_fmt(self.low)}, {_fmt(self.high)}]"

    @property
    def plausible_text(self) -> str:
        if self.kind == "choice":
            return self.range_text
        return f"[{_fmt(self.plausible_low)}, {_fmt(self.plausible_high)}]"

    def check(self, value: Any) -> Any:
        """Return ``value`` converted to this parameter's type, or raise ConfigError naming the field."""
        if self.kind == "choice":
            if not isinstance(value, str) or value not in self.choices:
                raise ConfigError(
                    f"{self.name}: {value!r} is not allowed; allowed values: {', '.join(self.choices)}"
                )
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(
                f"{self.name}: expected {'an integer' if self.kind == 'int' else 'a number'}, "
                f"got {type(value).__name__} {value!r}"
            )
        given = value
        if self.kind == "int":
            if isinstance(value, float):
                if not value.is_integer():
                    raise ConfigError(f"{self.name}: expected an integer, got {value!r}")
                value = int(value)
        else:
            value = float(value)
        if not (self.low <= value <= self.high):
            raise ConfigError(f"{self.name}: {given!r} is out of range {self.range_text} ({self.unit})")
        return value


def _fmt(x: float | None) -> str:
    return "" if x is None else (f"{x:g}")


def _num(kind, cast, name, default, low, high, step, label, meaning, unit="-", plausible=None, source="",
         **kw) -> Parameter:
    lo, hi = plausible
    return Parameter(name, kind, cast(default), step, label, meaning, unit, cast(low), cast(high), cast(lo),
                     cast(hi), source, **kw)


def _f(*args, **kw) -> Parameter:
    return _num("float", float, *args, **kw)


def _i(*args, **kw) -> Parameter:
    return _num("int", int, *args, **kw)


def _c(name, default, choices, step, label, meaning) -> Parameter:
    return Parameter(name, "choice", default, step, label, meaning, "category", choices=tuple(choices))


S = SeedStep
J = "modelling judgement"

INITIATORS = ("project", "knowledge_institute", "government", "ngo")
LEVEL_NAMES = ("community", "district", "national")
MOBILISATION_ORDERS = (
    "core_group", "existing_network", "top_down", "bottom_up", "champions_first", "blockers_early", "random",
)

LEVER = "a lever the user sets: real alliances range from absent to full (Tool 24)"

PARAMETERS: tuple[Parameter, ...] = (
    # --- Levels and platforms --------------------------------------------------------------------------
    _i("n_districts", 3, 1, 50, S.LEVELS, "Districts",
       "Districts with a district platform and a community platform.", "districts", (2, 8),
       "EMPOWERS: 3 pilot areas; PN28: 30 sites in 8 countries", structural=True),
    _i("n_national_orgs", 8, 2, 100, S.LEVELS, "National organisations",
       "Organisations at national level that could join the national platform (ministries, donor, research "
       "institute, NGOs, private providers).", "orgs", (5, 20), "PN28: ~19 organisations per country (P4)",
       structural=True),
    _i("n_district_orgs", 4, 1, 50, S.LEVELS, "Organisations per district",
       "Organisations per district (district water and agriculture offices, NGOs, private providers).",
       "orgs per district", (2, 8), J, structural=True),
    _i("n_pilot_communities", 60, 1, 5000, S.LEVELS, "Pilot-district communities",
       "Communities in the pilot districts that can join a community platform and host pilots.", "communities",
       (20, 200), "PN28: 30 sites in 8 countries; " + J, structural=True),
    _i("n_outside_communities", 300, 0, 50000, S.LEVELS, "Communities outside the alliance",
       "Communities outside the alliance that MUS can spread to.", "communities", (100, 2000), J,
       structural=True),
    _f("bridge_share", 0.3, 0, 1, S.LEVELS, "Members bridging levels",
       "Share of district organisations and pilot communities that also sit on the platform one level up and "
       "carry information between levels.", "-", (0.1, 0.5), "Hermans et al. 2017: links between levels weak"),
    _i("community_ties", 4, 0, 30, S.LEVELS, "Ties between neighbouring communities",
       "Mean number of ties of a community to neighbouring communities in its district (the paths of "
       "horizontal spread).", "ties", (2, 8), J, structural=True),
    # --- Stakeholders ------------------------------------------------------------------------------------
    _f("share_marginalised", 0.3, 0, 1, S.STAKEHOLDERS, "Marginalised groups",
       "Share of community groups that are marginalised (low power and capacity, e.g. women's groups, landless "
       "farmers; their water uses are homestead ones the powerful overlook).", "-", (0.1, 0.5), J),
    _f("share_blockers", 0.3, 0, 1, S.STAKEHOLDERS, "Blocking organisations",
       "Share of national and district organisations whose initial stance blocks MUS (single-use mandates, "
       "earmarked finance).", "-", (0.1, 0.5), "van Koppen et al. 2014: single-use mandates common"),
    _f("share_champions", 0.2, 0, 1, S.STAKEHOLDERS, "Champion organisations",
       "Share of national and district organisations that champion MUS from the start.", "-", (0.05, 0.4), J),
    _f("interest_divergence", 0.5, 0, 1, S.STAKEHOLDERS, "Diverging interests",
       "How far stakeholders' interests spread over the water uses (domestic, irrigation, livestock, "
       "enterprise): 0 = all want the same mix.", "-", (0.2, 0.8), J),
    _f("power_inequality", 0.5, 0, 1, S.STAKEHOLDERS, "Power inequality",
       "Spread of power between stakeholders: 0 = equal, 1 = national organisations dwarf community groups.",
       "-", (0.2, 0.8), "Faysse 2006: power asymmetry in MSPs"),
    _f("blocker_entrenchment", 0.7, 0, 1, S.STAKEHOLDERS, "Blockers' entrenchment",
       "How much less a blocker's view moves in dialogue than others' (its stance rests on mandates and "
       "finance); mediation loosens it.", "-", (0.4, 0.9), "van Koppen et al. 2014; " + J),
    _f("initial_trust", 0.4, 0, 1, S.STAKEHOLDERS, "Trust at the start",
       "Mean trust on a tie before the alliance starts.", "-", (0.2, 0.6),
       "Ansell & Gash 2008: prior history of conflict or cooperation"),
    _f("trust_gain", 0.1, 0, 1, S.STAKEHOLDERS, "Trust built per meeting",
       "Learning rate of trust when two members meet and work together (trust builds slowly).", "per meeting",
       (0.02, 0.2), "Slovic 1993; " + J),
    _f("trust_loss", 0.2, 0, 1, S.STAKEHOLDERS, "Trust lost in conflict",
       "Learning rate of trust towards 0 under an unresolved conflict (trust breaks fast).",
       "per month", (0.1, 0.4), "Slovic 1993: asymmetry principle"),
    # --- Initiation --------------------------------------------------------------------------------------
    _c("initiator", "project", INITIATORS, S.INITIATION, "Initiator",
       "Who triggers the alliance: an external project, a knowledge institute, government or an NGO."),
    _c("initiator_level", "national", LEVEL_NAMES, S.INITIATION, "Level where it starts",
       "Level at which the initiator starts the first platform."),
    _f("initiator_drive", 0.8, 0, 1, S.INITIATION, "Initiator's drive",
       "The initiator's push (convening, inviting) at the start; it fades as members take ownership.", "-",
       (0.5, 1.0), J),
    _i("project_exit_month", 54, 0, 1200, S.INITIATION, "Project length",
       "Month in which the external project leaves; from then on meetings, pilots and events go on only as far "
       "as members' contributions and government budgets pay for them.",
       "month", (36, 60), "P2: programmes of 3-5 years (WASHTech, EMPOWERS, SWITCH, RiPPLE)"),
    _i("core_group_size", 4, 1, 50, S.INITIATION, "Core group size",
       "Organisations in the initiating core group.", "orgs", (3, 8), "WASHTech core groups; " + J),
    _f("founding_commitment", 0.6, 0, 1, S.INITIATION, "Founders' commitment",
       "Commitment of the founding core group at month 0.", "-", (0.4, 0.8), J, fixed=True),
    _f("founding_clarity", 0.3, 0, 1, S.INITIATION, "Founders' role clarity",
       "Role clarity of the founding core group at month 0.", "-", (0.1, 0.5), J, fixed=True),
    # --- Stakeholder analysis ----------------------------------------------------------------------------
    _f("analysis_accuracy", 0.8, 0, 1, S.STAKEHOLDER_ANALYSIS, "Analysis finds key actors",
       "Chance that the stakeholder analysis identifies a stakeholder crucial to MUS; missed ones are not "
       "invited.", "-", (0.5, 0.95), J),
    _f("analysis_blocker_coverage", 0.8, 0, 1, S.STAKEHOLDER_ANALYSIS, "Analysis finds blockers",
       "Chance that the analysis identifies a stakeholder currently limiting MUS (a blocker).", "-",
       (0.4, 0.95), "Tool 24: identify those who limit MUS; " + J),
    _i("analysis_interval", 12, 0, 240, S.STAKEHOLDER_ANALYSIS, "Months between analyses",
       "Months between repeated stakeholder analyses (0 = done once at the start).", "months", (6, 24),
       "Tool 24: analysis continues throughout the process"),
    # --- Mobilisation ------------------------------------------------------------------------------------
    _c("mobilisation_order", "core_group", MOBILISATION_ORDERS, S.MOBILISATION, "Mobilisation order",
       "Order in which identified stakeholders are invited."),
    _f("mobilisation_rate", 0.15, 0, 1, S.MOBILISATION, "Invitations per month",
       "Share of identified non-members invited each month at full drive.", "per month", (0.05, 0.3), J),
    _f("existing_network_share", 0.3, 0, 1, S.MOBILISATION, "Existing network",
       "Share of stakeholders already linked in an existing network the alliance can build on (order "
       "existing_network).", "-", (0.1, 0.5), J),
    _f("dropout_rate", 0.02, 0, 0.5, S.MOBILISATION, "Drop-out rate",
       "Monthly chance that an uncommitted member with unclear roles leaves.", "per month", (0.005, 0.05),
       "IRC 2022: high staff turnover; Ramanath & Gilbert 2004"),
    _f("rejoin_rate", 0.02, 0, 0.5, S.MOBILISATION, "Re-joining rate",
       "Monthly chance that a member who left re-joins (doubled for win_memory months after a small win on its "
       "platform).", "per month",
       (0.005, 0.05), J),
    _f("local_burden", 1.0, 0, 10, S.MOBILISATION, "Burden on local members",
       "Extra drop-out hazard of community and district members (travel, time away from work) while their "
       "platform has shown no small win in the past year, relative to the base rate.", "x base rate",
       (0.5, 3.0), "Sartas et al. 2018: local actors left in years 1-2 (P5)"),
    _i("reinvite_delay", 6, 0, 120, S.MOBILISATION, "Wait before re-inviting",
       "Months before a stakeholder who declined an invitation is invited again.", "months", (6, 24), J,
       fixed=True),
    _f("joining_commitment", 0.5, 0, 1, S.MOBILISATION, "Newcomers' commitment",
       "Commitment of a stakeholder when it joins.", "-", (0.3, 0.7), J, fixed=True),
    _f("rejoining_commitment", 0.4, 0, 1, S.MOBILISATION, "Returners' commitment",
       "Commitment of a member who re-joins.", "-", (0.2, 0.6), J, fixed=True),
    _f("commitment_fatigue", 0.01, 0, 0.5, S.MOBILISATION, "Commitment fatigue",
       "Monthly fading of every stakeholder's commitment (meetings and small wins renew it).", "per month",
       (0.005, 0.03),
       "Ramanath & Gilbert 2004", fixed=True),
    # --- Shared objectives, vision and core values -------------------------------------------------------
    _f("vision_confidence", 0.2, 0, 1, S.CORE_VALUES, "Openness to other views",
       "Bounded-confidence width: members only move towards views on MUS closer than this.", "-", (0.1, 0.4),
       "Deffuant et al. 2000"),
    _f("convergence_rate", 0.3, 0, 0.5, S.CORE_VALUES, "Speed of converging views",
       "How far two members' views move towards each other when they talk (mu of Deffuant et al.).",
       "per encounter", (0.1, 0.5), "Deffuant et al. 2000"),
    _f("power_distortion", 0.5, 0, 1, S.CORE_VALUES, "Power distorting dialogue",
       "How much the more powerful members pull the shared view and the platform's agenda towards their own "
       "(0 = equal voice).", "-", (0.2, 0.8), "Faysse 2006; NBDC (Cullen et al. 2013)"),
    _f("transparency", 0.5, 0, 1, S.CORE_VALUES, "Transparency",
       "Core value: agreements on roles, resources and contributions are open; acts on role clarity and on "
       "members' contributions.", "-", (0, 1), LEVER),
    _f("mutual_trust", 0.5, 0, 1, S.CORE_VALUES, "Mutual trust",
       "Core value: members give each other the benefit of the doubt; acts on trust building and breaking "
       "and on how often disagreements escalate.", "-", (0, 1), LEVER),
    _f("inclusiveness", 0.5, 0, 1, S.CORE_VALUES, "Inclusiveness",
       "Core value: marginalised groups are invited and kept; acts on mobilisation and drop-out of "
       "marginalised groups.", "-", (0, 1), LEVER),
    _f("equity", 0.5, 0, 1, S.CORE_VALUES, "Equity",
       "Core value: benefits go to those who need them; acts on which communities get pilots and on the "
       "support marginalised communities get to implement.", "-", (0, 1), LEVER),
    _f("agreement_rate", 0.3, 0, 1, S.CORE_VALUES, "Progress on agreements",
       "Progress towards clear agreements on roles per meeting attended.", "per meeting", (0.1, 0.5), J),
    _f("agenda_plasticity", 0.2, 0, 1, S.CORE_VALUES, "How far a meeting moves the agenda",
       "Share of the way a meeting moves its platform's agenda (the water uses it designs for) towards the "
       "weighted interests of those present: the first members in the room set it.", "per meeting",
       (0.05, 0.5), J, fixed=True),
    # --- Facilitation ------------------------------------------------------------------------------------
    _f("guidance", 0.5, 0, 1, S.FACILITATION, "Guidance",
       "Facilitation quality: methodological guidance (weaving activities into a robust method); acts on "
       "pilots, on how useful meetings are and on agreements.", "-", (0, 1), LEVER),
    _f("mediation", 0.5, 0, 1, S.FACILITATION, "Mediation",
       "Facilitation quality: mediating communication; widens the confidence bound, loosens blockers' "
       "entrenchment and makes meetings build trust.", "-", (0, 1), LEVER),
    _f("empowerment", 0.5, 0, 1, S.FACILITATION, "Empowering the marginalised",
       "Facilitation quality: empowering marginalised groups (brokering); cuts power distortion in dialogue "
       "and in the agenda and raises their attendance.", "-", (0, 1), LEVER),
    _f("conflict_management", 0.5, 0, 1, S.FACILITATION, "Conflict management",
       "Facilitation quality: chance per month that an open conflict is resolved.", "per month", (0, 1), LEVER),
    _f("meetings_per_year", 4, 0, 24, S.FACILITATION, "Meetings per year",
       "Planned meetings of each platform per year (facilitation intensity; each costs money).", "per year",
       (2, 12), "P3: quarterly targets (WASHTech), 4-5 a year (IRC 2022)"),
    _f("facilitation_widening", 0.3, 0, 1, S.FACILITATION, "Mediation widens openness",
       "How much full mediation widens the confidence bound of the vision process.", "-", (0.1, 0.5), J),
    _f("conflict_propensity", 0.6, 0, 1, S.FACILITATION, "Proneness to conflict",
       "Chance that a meeting of maximally tense (diverging interests, views or power), distrustful members "
       "ends in an open conflict.", "per meeting", (0.3, 0.9), "Faysse 2006; NBDC; " + J),
    _i("dialogue_rounds", 2, 1, 10, S.FACILITATION, "Dialogue rounds per meeting",
       "Bounded-confidence encounter rounds per meeting.", "rounds", (1, 4), J, fixed=True),
    _f("meeting_awareness", 0.3, 0, 1, S.FACILITATION, "Learning per meeting",
       "Share of the remaining gap in awareness of MUS closed by attending a meeting (and, x reach, by a month "
       "with a trusted intermediary).", "per meeting",
       (0.1, 0.5), J, fixed=True),
    _f("meeting_commitment", 0.2, 0, 1, S.FACILITATION, "Commitment per useful meeting",
       "Commitment gained from a meeting at full guidance (half of it without).", "per meeting", (0.1, 0.3), J,
       fixed=True),
    _f("meetings_tolerated", 6, 1, 24, S.FACILITATION, "Meetings members tolerate",
       "Meetings a year members attend without fatigue.", "per year", (4, 12),
       "WASHTech: officials too busy to attend (P6)", fixed=True),
    _f("quorum", 0.2, 0, 1, S.FACILITATION, "Quorum",
       "Share of a platform's members who must come for a planned meeting to take place; below it the "
       "meeting falls through (a missed target).", "-", (0.1, 0.4), "P3: targets often missed; " + J,
       fixed=True),
    # --- Action research ---------------------------------------------------------------------------------
    _f("pilots_per_year", 12, 0, 100, S.ACTION_RESEARCH, "Pilots per year",
       "Action-research pilots the alliance plans per year (all of them while the project pays; afterwards as "
       "far as members and government pay).", "per year", (2, 24),
       "PN28: 30 sites in 5 years over 8 countries; " + J),
    _i("pilot_duration", 6, 1, 48, S.ACTION_RESEARCH, "Pilot duration",
       "Months from start of a pilot to its result.", "months", (3, 18), J),
    _f("pilot_base_success", 0.8, 0, 1, S.ACTION_RESEARCH, "Best-case pilot success",
       "Success chance of a pilot with full capacity, guidance, joint action, fit and enabling environment.",
       "-", (0.5, 0.95), J),
    _f("small_win_gain", 0.1, 0, 1, S.ACTION_RESEARCH, "Trust from a small win",
       "Trust and commitment gained by platform members from a successful pilot.", "-", (0.02, 0.2),
       "Ansell & Gash 2008: small wins (P10)"),
    _i("win_memory", 12, 1, 120, S.ACTION_RESEARCH, "Months a small win is remembered",
       "Months a platform's latest small win keeps local members from leaving for want of results and doubles "
       "re-joining.", "months", (6, 24), J, fixed=True),
    _f("joint_action_weight", 0.5, 0, 1, S.ACTION_RESEARCH, "Weight of joint action",
       "How much a pilot's success depends on its platforms' joint action quality (shared vision x role "
       "clarity x trust among members) rather than on the host alone.", "-", (0.2, 0.8),
       "Ansell & Gash 2008: shared understanding -> intermediate outcomes; Pamuk et al. 2014: social capital"),
    _f("design_fit_weight", 0.5, 0, 1, S.ACTION_RESEARCH, "Weight of design fit",
       "How much a community's benefit from MUS (pilot success, willingness to adopt) depends on how well the "
       "alliance's agenda fits its water uses.", "-", (0.2, 0.8),
       "van Koppen et al. 2009: MUS designed from users' multiple needs; Faysse 2006"),
    _f("pilots_guided_per_district", 2, 0.5, 20, S.ACTION_RESEARCH, "Pilots guided at once",
       "Pilots per district a facilitation team can guide at once before guidance thins out.",
       "pilots per district", (1, 4), J, fixed=True),
    # --- Process monitoring and documentation ------------------------------------------------------------
    _f("monitoring", 0.5, 0, 1, S.MONITORING, "Process monitoring",
       "Chance per month that a stall (falling attendance, unresolved conflict) is detected and corrected.",
       "per month", (0, 1), LEVER),
    _f("documentation", 0.5, 0, 1, S.MONITORING, "Documentation",
       "Share of pilot results documented well enough to be used as evidence elsewhere.", "-", (0, 1), LEVER),
    _f("stall_attendance", 0.4, 0, 1, S.MONITORING, "Attendance that signals a stall",
       "Attendance below which monitoring sees a stall.", "-", (0.2, 0.6), J),
    _i("conflict_stall_months", 3, 1, 60, S.MONITORING, "Months before a conflict is a stall",
       "An open conflict older than this counts as a stall for monitoring.", "months", (2, 6), J, fixed=True),
    # --- Dissemination and sharing -----------------------------------------------------------------------
    _f("dissemination_events_per_year", 4, 0, 52, S.DISSEMINATION, "Dissemination events per year",
       "Dissemination events (exchange visits, policy briefs, workshops) planned per year (paid as pilots are).",
       "per year",
       (1, 12), J),
    _f("vertical_sharing", 0.3, 0, 1, S.DISSEMINATION, "Sharing between levels",
       "Within the alliance: how much of a platform's awareness and views bridge members carry to the linked "
       "platform.", "per month", (0.1, 0.5), "IRC: breaking barriers to vertical sharing; " + J),
    _f("horizontal_reach", 0.3, 0, 1, S.DISSEMINATION, "Reach of exchange visits",
       "Outside the alliance, community to community: share of a district's communities an exchange event "
       "reaches (horizontal scaling).", "-", (0.1, 0.5), J),
    _f("policy_reach", 0.3, 0, 1, S.DISSEMINATION, "Reach of policy events",
       "Outside the alliance, to policy makers: share of the national and district organisations a policy "
       "event reaches (vertical scaling), and how much of the alliance's institutional pull reaches "
       "organisations outside it.", "-", (0.1, 0.5), J),
    _f("intermediary_strength", 0.03, 0, 1, S.DISSEMINATION, "Pull of trusted intermediaries",
       "Monthly adoption hazard a community gets from a fully trusted tie to a fully committed, convinced "
       "member of a platform with full joint action (district office, NGO, water committee acting as change "
       "agent).", "per month", (0.01, 0.06),
       "NED model (Moglia et al. 2018): recommending agents; " + J),
    _f("event_awareness", 0.5, 0, 1, S.DISSEMINATION, "Learning per event",
       "Share of the awareness gap a dissemination event closes for those it reaches.", "-", (0.2, 0.8), J,
       fixed=True),
    _f("event_push", 0.1, 0, 1, S.DISSEMINATION, "Push of an event",
       "Monthly adoption hazard an event adds at full evidence (Bass p is ~0.002).", "per month", (0.02, 0.2),
       J, fixed=True),
    _f("push_memory", 0.5, 0, 1, S.DISSEMINATION, "Memory of an event",
       "Monthly retention of the adoption push an event gave.", "per month", (0.3, 0.8), J, fixed=True),
    # --- Enabling environment and institutions -----------------------------------------------------------
    _f("env_initial", 0.2, 0, 1, S.ENABLING_ENVIRONMENT, "Enabling environment at the start",
       "Enabling environment (policy, mandates, finance for MUS) at the start.", "-", (0.05, 0.4),
       "van Koppen et al. 2014: single-use sectors"),
    _f("env_gain", 0.02, 0, 1, S.ENABLING_ENVIRONMENT, "Rise of the environment",
       "Monthly rise of the enabling environment at full adoption by powerful organisations and full "
       "evidence.", "per month", (0.005, 0.05), J),
    _f("env_drag", 0.05, 0, 1, S.ENABLING_ENVIRONMENT, "Erosion by blockers",
       "Monthly erosion of the enabling environment by powerful blockers.", "per month", (0.01, 0.1), J),
    _f("inside_obstruction", 0.5, 0, 1, S.ENABLING_ENVIRONMENT, "Obstruction from inside",
       "How much a blocker inside the alliance still obstructs, relative to one left outside (inside, its "
       "objections go through dialogue).", "-", (0.2, 0.8),
       "Hermans et al. 2017: influential actors outside the MSP; Tool 24; " + J),
    _f("institutional_rate", 0.01, 0, 1, S.ENABLING_ENVIRONMENT, "Institutional uptake",
       "Monthly chance that a persuaded organisation takes MUS into its mandate at full coherence of the "
       "alliance, all power inside convinced and full evidence.", "per month", (0.003, 0.03),
       "P8: higher-scale institutional change rare (Schut et al. 2017); " + J),
    _f("adoption_barrier", 0.7, 0, 1, S.ENABLING_ENVIRONMENT, "Barrier of a poor environment",
       "How much a poor enabling environment holds communities back from deciding for MUS.", "-", (0.4, 0.9),
       "van Koppen et al. 2014"),
    _f("evidence_scale", 0.08, 0.001, 1, S.ENABLING_ENVIRONMENT, "Evidence needed",
       "Documented successful pilots, as a share of the pilot-district communities, that make the evidence "
       "base half convincing (a share, so a bigger country needs more pilots).", "share of communities",
       (0.03, 0.3), J),
    # --- Adoption (innovation-decision process) ----------------------------------------------------------
    _f("bass_p", 0.002, 0, 1, S.ADOPTION, "Spontaneous adoption",
       "External influence: monthly adoption hazard without peers or the alliance (Bass p).", "per month",
       (0.0005, 0.005), "Sultan et al. 1990: p ~0.03 a year (0.0025 a month); slower for agricultural practice"),
    _f("bass_q", 0.03, 0, 2, S.ADOPTION, "Peer influence",
       "Peer influence: monthly adoption hazard per share of peers who decided for MUS (Bass q).", "per month",
       (0.01, 0.06), "Sultan et al. 1990: q ~0.38 a year"),
    _f("peer_locality", 0.7, 0, 1, S.ADOPTION, "Weight of neighbours",
       "Weight of tied neighbours (against all communities) in who counts as a peer.", "-", (0.4, 0.9), J),
    _f("stage_gating", 0.8, 0, 1, S.ADOPTION, "Need to be persuaded",
       "How much a stakeholder must be persuaded (Rogers' stages) before deciding; 0 = anyone can decide.", "-",
       (0.5, 1.0), "Rogers 2003"),
    _f("implementation_speed", 0.3, 0, 1, S.ADOPTION, "Speed of implementing",
       "Monthly chance that a decision becomes an implementation, at full capacity.", "per month", (0.1, 0.5), J),
    _f("discontinuation_rate", 0.01, 0, 0.5, S.ADOPTION, "Giving MUS up",
       "Monthly chance that an implementing community without an enabling environment gives MUS up.",
       "per month", (0.002, 0.03), J),
    _f("awareness_threshold", 0.3, 0, 1, S.ADOPTION, "Awareness that counts as knowing",
       "Awareness from which a stakeholder knows MUS (Rogers' knowledge stage).", "-", (0.1, 0.5),
       "Rogers 2003; " + J, fixed=True),
    _i("confirmation_months", 12, 1, 120, S.ADOPTION, "Months before confirming",
       "Months of implementation before a community can confirm MUS.", "months", (6, 24), "Rogers 2003",
       fixed=True),
    # --- Resources and ownership -------------------------------------------------------------------------
    _f("contribution_rate", 0.5, 0, 100, S.RESOURCES, "Members' contributions",
       "What a member contributes per month (money and in kind) at full capacity, commitment and agreed "
       "roles; pays for activities, and after the project leaves only contributions and government budgets "
       "do.", "k$ per member-month", (0.1, 1.0),
       "Tool 24 step 4: resources and contributions; G-FRAS: members' own time; " + J),
    _f("government_budget", 3.0, 0, 1000, S.RESOURCES, "Government budget for MUS",
       "Monthly budget per district that government gives the alliance's activities where MUS is fully "
       "embedded in the mandates of government bodies.", "k$ per district-month", (0.5, 10),
       "P12: embedding in government mandates and finance (van Koppen et al. 2014); " + J),
    _i("ownership_months", 36, 1, 240, S.RESOURCES, "Months to own the process",
       "Months of membership before a member fully owns the process.", "months", (12, 60),
       "P2: institutionalisation rarely within 3 years", fixed=True),
    # --- Costs -------------------------------------------------------------------------------------------
    _f("cost_facilitator_month", 3.0, 0, 1000, S.COSTS, "Cost of a facilitator-month",
       "Cost of one facilitator-month.", "k$", (1, 10), "G-FRAS: facilitator the main cost item; " + J),
    _f("cost_meeting", 1.0, 0, 1000, S.COSTS, "Cost of a meeting",
       "Cost of one platform meeting (venue, travel).", "k$", (0.2, 5), "G-FRAS; " + J),
    _f("cost_pilot", 15.0, 0, 10000, S.COSTS, "Cost of a pilot",
       "Cost of one action-research pilot.", "k$", (5, 50), J),
    _f("cost_dissemination_event", 2.0, 0, 1000, S.COSTS, "Cost of a dissemination event",
       "Cost of one dissemination event.", "k$", (0.5, 10), J),
)

REGISTRY: dict[str, Parameter] = {p.name: p for p in PARAMETERS}
# Not a parameter: a scenario's stakeholder-analysis table (model/alliance_table.py) rides with the parameters
# under this key, so every run, sweep and comparison of the scenario builds its population from the table.
TABLE = "population_table"


def defaults() -> dict[str, Any]:
    """Every parameter at its default value."""
    return {p.name: p.default for p in PARAMETERS}


def unknown_key_message(key: str, known: list[str] | tuple[str, ...] | None = None, what: str = "parameter") -> str:
    known = list(REGISTRY) if known is None else list(known)
    close = difflib.get_close_matches(key, known, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `mus-alliance params` lists them"
    return f"{key}: unknown {what}{hint}"


def resolve(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Defaults updated with ``overrides``, every value checked against the registry."""
    params = defaults()
    for key, value in (overrides or {}).items():
        if key == TABLE:
            params[key] = value
            continue
        if key not in REGISTRY:
            raise ConfigError(unknown_key_message(key))
        params[key] = REGISTRY[key].check(value)
    return params


def parse_value(name: str, text: str) -> Any:
    """Turn a command-line ``name=value`` text into a checked value for parameter ``name``."""
    if name not in REGISTRY:
        raise ConfigError(unknown_key_message(name))
    p = REGISTRY[name]
    if p.kind == "choice":
        return p.check(text)
    try:
        value: Any = int(text) if p.kind == "int" else float(text)
    except ValueError:
        raise ConfigError(f"{name}: expected {'an integer' if p.kind == 'int' else 'a number'}, got {text!r}") from None
    return p.check(value)


def numeric(include_structural: bool = False, include_fixed: bool = False) -> list[Parameter]:
    """Parameters a sensitivity study varies by default: numeric, not structural (country size) and not
    fixed (structural assumptions), unless asked."""
    return [p for p in PARAMETERS if p.kind != "choice" and (include_structural or not p.structural)
            and (include_fixed or not p.fixed)]


def levers() -> list[Parameter]:
    """Parameters a user sets in a scenario or on the dashboard: everything but the fixed assumptions."""
    return [p for p in PARAMETERS if not p.fixed]


def as_rows() -> list[dict[str, Any]]:
    """The registry as plain rows (for `mus-alliance params --json`, tables and the ODD)."""
    return [
        {
            "name": p.name, "label": p.label, "step": str(p.step), "type": p.kind, "default": p.default,
            "low": p.low, "high": p.high, "choices": list(p.choices), "range": p.range_text,
            "plausible_low": p.plausible_low, "plausible_high": p.plausible_high, "plausible": p.plausible_text,
            "plausible_source": p.plausible_source, "unit": p.unit, "structural": p.structural, "fixed": p.fixed,
            "meaning": p.meaning,
        }
        for p in PARAMETERS
    ]
