"""The one declaration of every model parameter.

Each :class:`Parameter` says its name, type, default, range (or allowed choices), unit, the step of the
Learning Alliance method (MUS Group Tool 24) it belongs to, and what it means in the alliance. The config
loader, ``mus-alliance params``, the sweep engine's SALib problem, the dashboard's controls and the ODD
parameter table are all generated from :data:`PARAMETERS`; no range is written anywhere else.
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
    COSTS = "costs"


class ConfigError(ValueError):
    """A configuration value the model refuses; the message is one line naming the field."""


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str  # "int", "float" or "choice"
    default: Any
    step: SeedStep
    meaning: str
    unit: str = "-"
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = field(default_factory=tuple)
    structural: bool = False  # changes the population's size; not varied by default in sensitivity studies

    @property
    def range_text(self) -> str:
        if self.kind == "choice":
            return " | ".join(self.choices)
        return f"[{_fmt(self.low)}, {_fmt(self.high)}]"

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


def _f(name, default, low, high, step, meaning, unit="-", **kw) -> Parameter:
    return Parameter(name, "float", float(default), step, meaning, unit, float(low), float(high), **kw)


def _i(name, default, low, high, step, meaning, unit="-", **kw) -> Parameter:
    return Parameter(name, "int", int(default), step, meaning, unit, int(low), int(high), **kw)


def _c(name, default, choices, step, meaning) -> Parameter:
    return Parameter(name, "choice", default, step, meaning, "category", choices=tuple(choices))


S = SeedStep

INITIATORS = ("project", "knowledge_institute", "government", "ngo")
LEVEL_NAMES = ("community", "district", "national")
MOBILISATION_ORDERS = (
    "core_group", "existing_network", "top_down", "bottom_up", "champions_first", "blockers_early", "random",
)

PARAMETERS: tuple[Parameter, ...] = (
    # --- Levels and platforms --------------------------------------------------------------------------
    _i("n_districts", 3, 1, 50, S.LEVELS, "Districts with a district platform and a community platform.",
       "districts", structural=True),
    _i("n_national_orgs", 8, 2, 100, S.LEVELS, "Organisations at national level that could join the "
       "national platform (ministries, donor, research institute, NGOs, private providers).", "orgs",
       structural=True),
    _i("n_district_orgs", 4, 1, 50, S.LEVELS, "Organisations per district (district water and agriculture "
       "offices, NGOs, private providers).", "orgs per district", structural=True),
    _i("n_pilot_communities", 60, 1, 5000, S.LEVELS, "Communities in the pilot districts that can join a "
       "community platform and host pilots.", "communities", structural=True),
    _i("n_outside_communities", 300, 0, 50000, S.LEVELS, "Communities outside the alliance that MUS can "
       "spread to.", "communities", structural=True),
    _f("bridge_share", 0.3, 0, 1, S.LEVELS, "Share of district organisations and pilot communities that also "
       "sit on the platform one level up and carry information between levels."),
    _i("community_ties", 4, 0, 30, S.LEVELS, "Mean number of ties of a community to neighbouring "
       "communities in its district (the paths of horizontal spread).", "ties", structural=True),
    # --- Stakeholders ------------------------------------------------------------------------------------
    _f("share_marginalised", 0.3, 0, 1, S.STAKEHOLDERS, "Share of community groups that are marginalised "
       "(low power and capacity, e.g. women's groups, landless farmers)."),
    _f("share_blockers", 0.3, 0, 1, S.STAKEHOLDERS, "Share of national and district organisations whose "
       "initial stance blocks MUS (single-use mandates, earmarked finance)."),
    _f("share_champions", 0.2, 0, 1, S.STAKEHOLDERS, "Share of national and district organisations that "
       "champion MUS from the start."),
    _f("interest_divergence", 0.5, 0, 1, S.STAKEHOLDERS, "How far stakeholders' interests spread over the "
       "water uses (domestic, irrigation, livestock, enterprise): 0 = all want the same mix."),
    _f("power_inequality", 0.5, 0, 1, S.STAKEHOLDERS, "Spread of power between stakeholders: 0 = equal, "
       "1 = national organisations dwarf community groups."),
    _f("initial_trust", 0.4, 0, 1, S.STAKEHOLDERS, "Mean trust on a tie before the alliance starts."),
    _f("trust_gain", 0.1, 0, 1, S.STAKEHOLDERS, "Learning rate of trust when two members meet and work "
       "together (trust builds slowly).", "per meeting"),
    _f("trust_loss", 0.2, 0, 1, S.STAKEHOLDERS, "Learning rate of trust towards 0 under an unresolved "
       "conflict or a failed pilot (trust breaks fast).", "per month"),
    # --- Initiation --------------------------------------------------------------------------------------
    _c("initiator", "project", INITIATORS, S.INITIATION, "Who triggers the alliance: an external project, a "
       "knowledge institute, government or an NGO."),
    _c("initiator_level", "national", LEVEL_NAMES, S.INITIATION, "Level at which the initiator starts the "
       "first platform."),
    _f("initiator_drive", 0.8, 0, 1, S.INITIATION, "The initiator's push (convening, inviting) at the "
       "start; it fades as members take ownership."),
    _i("project_exit_month", 54, 0, 1200, S.INITIATION, "Month in which the external project leaves and "
       "what it paid for (facilitator, meetings, pilots) stops.", "month"),
    _i("core_group_size", 4, 1, 50, S.INITIATION, "Organisations in the initiating core group.", "orgs"),
    # --- Stakeholder analysis ----------------------------------------------------------------------------
    _f("analysis_accuracy", 0.8, 0, 1, S.STAKEHOLDER_ANALYSIS, "Chance that the stakeholder analysis "
       "identifies a stakeholder crucial to MUS; missed ones are not invited."),
    _f("analysis_blocker_coverage", 0.8, 0, 1, S.STAKEHOLDER_ANALYSIS, "Chance that the analysis identifies "
       "a stakeholder currently limiting MUS (a blocker)."),
    _i("analysis_interval", 12, 0, 240, S.STAKEHOLDER_ANALYSIS, "Months between repeated stakeholder "
       "analyses (0 = done once at the start).", "months"),
    # --- Mobilisation ------------------------------------------------------------------------------------
    _c("mobilisation_order", "core_group", MOBILISATION_ORDERS, S.MOBILISATION, "Order in which identified "
       "stakeholders are invited."),
    _f("mobilisation_rate", 0.15, 0, 1, S.MOBILISATION, "Share of identified non-members invited each "
       "month at full drive.", "per month"),
    _f("existing_network_share", 0.3, 0, 1, S.MOBILISATION, "Share of stakeholders already linked in an "
       "existing network the alliance can build on (order existing_network)."),
    _f("dropout_rate", 0.02, 0, 0.5, S.MOBILISATION, "Monthly chance that an uncommitted member with "
       "unclear roles leaves.", "per month"),
    _f("rejoin_rate", 0.02, 0, 0.5, S.MOBILISATION, "Monthly chance that a member who left re-joins when "
       "the alliance shows results.", "per month"),
    # --- Shared objectives, vision and core values -------------------------------------------------------
    _f("vision_confidence", 0.2, 0, 1, S.CORE_VALUES, "Bounded-confidence width: members only move towards "
       "views on MUS closer than this (Deffuant et al. 2000)."),
    _f("convergence_rate", 0.3, 0, 0.5, S.CORE_VALUES, "How far two members' views move towards each other "
       "when they talk (mu of Deffuant et al.).", "per encounter"),
    _f("power_distortion", 0.5, 0, 1, S.CORE_VALUES, "How much the more powerful member pulls the shared "
       "view towards its own (0 = equal voice)."),
    _f("transparency", 0.5, 0, 1, S.CORE_VALUES, "Core value: agreements on roles, resources and "
       "contributions are open; acts on role clarity."),
    _f("mutual_trust", 0.5, 0, 1, S.CORE_VALUES, "Core value: members give each other the benefit of the "
       "doubt; acts on trust building and breaking."),
    _f("inclusiveness", 0.5, 0, 1, S.CORE_VALUES, "Core value: marginalised groups are invited and kept; "
       "acts on mobilisation and dropout of marginalised groups."),
    _f("equity", 0.5, 0, 1, S.CORE_VALUES, "Core value: benefits go to those who need them; acts on which "
       "communities get pilots and support."),
    _f("agreement_rate", 0.3, 0, 1, S.CORE_VALUES, "Progress towards clear agreements on roles per "
       "meeting attended.", "per meeting"),
    # --- Facilitation ------------------------------------------------------------------------------------
    _f("guidance", 0.5, 0, 1, S.FACILITATION, "Facilitation quality: methodological guidance (weaving "
       "activities into a robust method); acts on pilots and agreements."),
    _f("mediation", 0.5, 0, 1, S.FACILITATION, "Facilitation quality: mediating communication; widens the "
       "confidence bound and makes meetings build trust."),
    _f("empowerment", 0.5, 0, 1, S.FACILITATION, "Facilitation quality: empowering marginalised groups; "
       "cuts power distortion and raises their attendance."),
    _f("conflict_management", 0.5, 0, 1, S.FACILITATION, "Facilitation quality: chance per month that an "
       "open conflict is resolved.", "per month"),
    _f("meetings_per_year", 4, 0, 24, S.FACILITATION, "Planned meetings of each platform per year "
       "(facilitation intensity; each costs money).", "per year"),
    _f("facilitation_widening", 0.3, 0, 1, S.FACILITATION, "How much full mediation widens the confidence "
       "bound of the vision process."),
    _f("conflict_propensity", 0.6, 0, 1, S.FACILITATION, "Chance that a meeting of maximally divergent, "
       "distrustful, unequal members ends in an open conflict.", "per meeting"),
    # --- Action research ---------------------------------------------------------------------------------
    _f("pilots_per_year", 12, 0, 100, S.ACTION_RESEARCH, "Action-research pilots the alliance starts per "
       "year while funded.", "per year"),
    _i("pilot_duration", 6, 1, 48, S.ACTION_RESEARCH, "Months from start of a pilot to its result.",
       "months"),
    _f("pilot_base_success", 0.8, 0, 1, S.ACTION_RESEARCH, "Success chance of a pilot with full capacity, "
       "guidance and enabling environment."),
    _f("small_win_gain", 0.1, 0, 1, S.ACTION_RESEARCH, "Trust and commitment gained by platform members "
       "from a successful pilot (Ansell & Gash 2008 'small wins')."),
    # --- Process monitoring and documentation ------------------------------------------------------------
    _f("monitoring", 0.5, 0, 1, S.MONITORING, "Process monitoring: chance per month that a stall (falling "
       "attendance, unresolved conflict) is detected and corrected.", "per month"),
    _f("documentation", 0.5, 0, 1, S.MONITORING, "Share of pilot results documented well enough to be "
       "used as evidence elsewhere."),
    _f("stall_attendance", 0.4, 0, 1, S.MONITORING, "Attendance below which monitoring sees a stall."),
    # --- Dissemination and sharing -----------------------------------------------------------------------
    _f("dissemination_events_per_year", 4, 0, 52, S.DISSEMINATION, "Dissemination events (exchange "
       "visits, policy briefs, workshops) per year while funded.", "per year"),
    _f("vertical_sharing", 0.3, 0, 1, S.DISSEMINATION, "Within the alliance: how much of a platform's "
       "awareness and views bridge members carry to the linked platform.", "per month"),
    _f("horizontal_reach", 0.3, 0, 1, S.DISSEMINATION, "Outside the alliance, community to community: "
       "share of a district's communities an exchange event reaches (horizontal scaling)."),
    _f("policy_reach", 0.3, 0, 1, S.DISSEMINATION, "Outside the alliance, to policy makers: share of the "
       "national and district organisations a policy event reaches (vertical scaling)."),
    # --- Enabling environment ----------------------------------------------------------------------------
    _f("env_initial", 0.2, 0, 1, S.ENABLING_ENVIRONMENT, "Enabling environment (policy, mandates, finance "
       "for MUS) at the start."),
    _f("env_gain", 0.02, 0, 1, S.ENABLING_ENVIRONMENT, "Monthly rise of the enabling environment at full "
       "adoption by powerful organisations and full evidence.", "per month"),
    _f("env_drag", 0.05, 0, 1, S.ENABLING_ENVIRONMENT, "Monthly erosion of the enabling environment by "
       "powerful blockers.", "per month"),
    _f("adoption_barrier", 0.7, 0, 1, S.ENABLING_ENVIRONMENT, "How much a poor enabling environment holds "
       "communities back from deciding for MUS."),
    _f("evidence_scale", 5, 1, 500, S.ENABLING_ENVIRONMENT, "Documented pilots that make the evidence "
       "base half convincing.", "pilots"),
    # --- Adoption (innovation-decision process) ----------------------------------------------------------
    _f("bass_p", 0.002, 0, 1, S.ADOPTION, "External influence: monthly adoption hazard without peers or the "
       "alliance (Bass p).", "per month"),
    _f("bass_q", 0.03, 0, 2, S.ADOPTION, "Peer influence: monthly adoption hazard per share of peers "
       "implementing (Bass q).", "per month"),
    _f("peer_locality", 0.7, 0, 1, S.ADOPTION, "Weight of tied neighbours (against all communities) in who "
       "counts as a peer."),
    _f("stage_gating", 0.8, 0, 1, S.ADOPTION, "How much a stakeholder must be persuaded (Rogers' stages) "
       "before deciding; 0 = anyone can decide."),
    _f("implementation_speed", 0.3, 0, 1, S.ADOPTION, "Monthly chance that a decision becomes an "
       "implementation, at full capacity.", "per month"),
    _f("discontinuation_rate", 0.01, 0, 0.5, S.ADOPTION, "Monthly chance that an implementing community "
       "without an enabling environment gives MUS up.", "per month"),
    # --- Costs -------------------------------------------------------------------------------------------
    _f("cost_facilitator_month", 3.0, 0, 1000, S.COSTS, "Cost of one facilitator-month.", "k$"),
    _f("cost_meeting", 1.0, 0, 1000, S.COSTS, "Cost of one platform meeting (venue, travel).", "k$"),
    _f("cost_pilot", 15.0, 0, 10000, S.COSTS, "Cost of one action-research pilot.", "k$"),
    _f("cost_dissemination_event", 2.0, 0, 1000, S.COSTS, "Cost of one dissemination event.", "k$"),
)

REGISTRY: dict[str, Parameter] = {p.name: p for p in PARAMETERS}


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


def numeric(include_structural: bool = False) -> list[Parameter]:
    """Parameters a sensitivity study can vary continuously."""
    return [p for p in PARAMETERS if p.kind != "choice" and (include_structural or not p.structural)]


def as_rows() -> list[dict[str, Any]]:
    """The registry as plain rows (for `mus-alliance params --json`, tables and the ODD)."""
    return [
        {
            "name": p.name, "step": str(p.step), "type": p.kind, "default": p.default,
            "low": p.low, "high": p.high, "choices": list(p.choices), "range": p.range_text,
            "unit": p.unit, "structural": p.structural, "meaning": p.meaning,
        }
        for p in PARAMETERS
    ]
