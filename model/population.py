"""Who is in the country programme at month 0: stakeholders, their ties and the platforms they can sit on.

Typed organisations and groups follow the MUS learning alliances (PN28: ministries, district agencies,
NGOs, research institutes, private providers, donors, water committees, farmers' and women's groups;
domain notes 1.1). Their base power, capacity, busyness of senior staff and blocking tendency are the
modelling judgements in :data:`KINDS` (documented in docs/ODD.md, section 5).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np

from . import registry
from .registry import TABLE
from .states import Level, Membership

WATER_USES = ("domestic", "irrigation", "livestock", "enterprise")


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    level: Level
    power: float
    capacity: float
    busy: float            # how rarely senior staff attend (WASHTech, IRC 2022: pattern P6)
    blocker_weight: float  # relative chance of a blocking stance (single-use mandates; van Koppen 2014)
    interests: tuple[float, float, float, float]


N, D, C = Level.NATIONAL, Level.DISTRICT, Level.COMMUNITY
KINDS: tuple[Kind, ...] = (
    Kind("ministry_water", "Ministry of water", N, 0.9, 0.6, 0.6, 3.0, (0.8, 0.1, 0.05, 0.05)),
    Kind("ministry_agriculture", "Ministry of agriculture", N, 0.9, 0.6, 0.6, 3.0, (0.05, 0.8, 0.1, 0.05)),
    Kind("research_institute", "Research institute", N, 0.5, 0.8, 0.1, 0.5, (0.25, 0.25, 0.25, 0.25)),
    Kind("donor", "Donor", N, 0.8, 0.7, 0.4, 0.5, (0.4, 0.3, 0.15, 0.15)),
    Kind("national_ngo", "National NGO", N, 0.5, 0.7, 0.1, 0.5, (0.4, 0.2, 0.2, 0.2)),
    Kind("private_provider", "Private provider", N, 0.4, 0.6, 0.1, 1.0, (0.3, 0.3, 0.1, 0.3)),
    Kind("district_water_office", "District water office", D, 0.6, 0.5, 0.3, 2.0, (0.8, 0.1, 0.05, 0.05)),
    Kind("district_agriculture_office", "District agriculture office", D, 0.6, 0.5, 0.3, 2.0,
         (0.05, 0.75, 0.15, 0.05)),
    Kind("district_ngo", "District NGO", D, 0.4, 0.6, 0.1, 0.5, (0.4, 0.2, 0.2, 0.2)),
    Kind("local_private_provider", "Local private provider", D, 0.3, 0.5, 0.1, 1.0, (0.3, 0.3, 0.1, 0.3)),
    Kind("water_committee", "Water committee", C, 0.25, 0.5, 0.0, 0.0, (0.6, 0.15, 0.15, 0.1)),
    Kind("farmers_group", "Farmers' group", C, 0.2, 0.45, 0.0, 0.0, (0.15, 0.6, 0.2, 0.05)),
    Kind("womens_group", "Women's group", C, 0.15, 0.4, 0.0, 0.0, (0.4, 0.2, 0.1, 0.3)),
    Kind("project_office", "Project office", N, 0.7, 0.9, 0.0, 0.0, (0.25, 0.25, 0.25, 0.25)),
)
KIND_INDEX = {k.name: i for i, k in enumerate(KINDS)}
NATIONAL_KINDS = ("ministry_water", "ministry_agriculture", "research_institute", "donor", "national_ngo",
                  "private_provider")
DISTRICT_KINDS = ("district_water_office", "district_agriculture_office", "district_ngo",
                  "local_private_provider")
# Kinds that act as change agents for communities when they are committed, convinced members (district staff,
# NGOs, water committees; the NED model's recommending agents, Moglia et al. 2018).
INTERMEDIARY_KINDS = ("district_water_office", "district_agriculture_office", "district_ngo", "national_ngo",
                      "water_committee", "project_office")
# Marginalised groups' water uses lean to homestead ones (domestic, livestock, small enterprise) that
# single-use irrigation and supply schemes overlook (van Koppen et al. 2009, Climbing the water ladder).
MARGINALISED_USES = (0.35, 0.05, 0.3, 0.3)
GOVERNMENT_KINDS = ("ministry_water", "ministry_agriculture", "district_water_office",
                    "district_agriculture_office")


def of_kinds(names) -> np.ndarray:
    """Whether each kind (by index) is one of ``names``: ``of_kinds(names)[kind]`` marks the stakeholders of
    those kinds."""
    out = np.zeros(len(KINDS), dtype=bool)
    out[[KIND_INDEX[k] for k in names]] = True
    return out


@dataclass(frozen=True)
class Initiator:
    """What the organisation that starts the alliance brings and lacks (Tool 24: initiation 'often by projects
    or knowledge institutes'). Modelling judgements from the cases (docs/ODD.md, section 5), not calibrated:
    the relative sizes follow what each kind of initiator is known for."""

    name: str
    drive: float                 # x initiator_drive: how hard it pushes mobilisation
    community_reach: float       # x a community's chance to accept its alliance's invitation
    budget_line: float           # share of government_budget it commits while a member (government bodies only)
    evidence_credibility: float  # x how convincing documented evidence is to policy makers
    documents: float             # added chance that a pilot's result is documented while it is a member


INITIATORS: dict[str, Initiator] = {
    # money and drive, and an exit cliff: the project office leaves with the project (P12)
    "project": Initiator("project", 1.0, 1.0, 0.0, 1.0, 0.0),
    # process documentation and credible evidence (IRC, SWITCH: research partners documented the learning)
    "knowledge_institute": Initiator("knowledge_institute", 0.8, 1.0, 0.0, 1.5, 0.25),
    # a budget line and ownership from the start, but communities come in slower to a government-led
    # platform (van Koppen et al. 2014: embedding in mandates and finance; WASHTech, Hermans et al. 2017)
    "government": Initiator("government", 0.8, 0.7, 0.5, 1.0, 0.0),
    # community trust and reach (Hermans et al. 2017: NGOs over-represented and close to communities)
    "ngo": Initiator("ngo", 0.9, 1.3, 0.0, 1.0, 0.0),
}
assert tuple(INITIATORS) == registry.INITIATORS, "population.INITIATORS must profile exactly registry.INITIATORS"

# Which existing stakeholder starts the alliance, by initiator type and level ("project" adds a project office).
INITIATOR_KINDS = {
    "knowledge_institute": {N: "research_institute", D: "district_ngo", C: "water_committee"},
    "government": {N: "ministry_water", D: "district_water_office", C: "water_committee"},
    "ngo": {N: "national_ngo", D: "district_ngo", C: "water_committee"},
}


@dataclass
class Population:
    """Arrays describing every stakeholder (index i) and every tie (index e) at month 0."""

    kind: np.ndarray
    level: np.ndarray
    district: np.ndarray
    is_community: np.ndarray
    marginalised: np.ndarray
    power: np.ndarray
    capacity: np.ndarray
    busy: np.ndarray
    interests: np.ndarray
    entrenchment: np.ndarray      # how little a view moves in dialogue (blockers: blocker_entrenchment)
    view: np.ndarray
    awareness: np.ndarray
    membership: np.ndarray
    in_network: np.ndarray
    platform: np.ndarray          # primary platform, -1 for outside communities
    bridge_platform: np.ndarray   # second platform one level up, -1 if none
    src: np.ndarray
    dst: np.ndarray
    trust: np.ndarray
    names: list[str]
    initiator: int
    platform_level: np.ndarray
    platform_district: np.ndarray
    platform_names: list[str]


def platform_ids(n_districts: int) -> tuple[np.ndarray, list[str]]:
    """Platform 0 is national; 1..D are district platforms; D+1..2D the community platforms of each district."""
    levels = np.repeat(np.array([Level.NATIONAL, Level.DISTRICT, Level.COMMUNITY], dtype=np.int8),
                       [1, n_districts, n_districts])
    return levels, list(platform_names(n_districts))


@cache
def platform_names(n_districts: int) -> tuple[str, ...]:
    """The platforms' plain names (see :func:`platform_ids`), written once per number of districts."""
    return (("National platform",) + tuple(f"District {d + 1} platform" for d in range(n_districts))
            + tuple(f"District {d + 1} community platform" for d in range(n_districts)))


def build_population(p: dict, rng: np.random.Generator, given=None) -> Population:
    """The country at month 0. With an alliance table (``p[registry.TABLE]``, see model/alliance_table.py)
    ``given`` says who exists and fixes every value the table states; each value it leaves open is drawn
    here as for the synthetic country, with the same draws (same table and seed, same population)."""
    if given is None and p.get(TABLE) is not None:
        return p[TABLE].population(p, rng)
    fix = given.fix if given is not None else _as_drawn
    nd = p["n_districts"]
    nat, dis, dis_district = given.organisations if given is not None else organisations(p)
    n_pilot, n_out = p["n_pilot_communities"], p["n_outside_communities"]
    n_comm = n_pilot + n_out
    project = p["initiator"] == "project"
    kind = np.array(nat + dis + [0] * n_comm + ([KIND_INDEX["project_office"]] if project else []), dtype=np.int16)
    n = len(kind)
    n_org = len(nat) + len(dis)
    comm = np.zeros(n, dtype=bool)
    comm[n_org:n_org + n_comm] = True

    district = np.full(n, -1, dtype=np.int32)
    district[len(nat):n_org] = dis_district
    district[n_org:n_org + n_comm] = np.arange(n_comm) % nd

    marginalised = np.zeros(n, dtype=bool)
    marginalised[n_org:n_org + n_comm] = rng.random(n_comm) < fix("share_marginalised", np.full(n_comm, p["share_marginalised"]))
    marginalised = fix("marginalised", marginalised)
    u = rng.random(n_comm)
    m = marginalised[n_org:n_org + n_comm]
    kind[n_org:n_org + n_comm] = np.where(
        m, np.where(u < 0.6, KIND_INDEX["womens_group"], KIND_INDEX["farmers_group"]),
        np.where(u < 0.6, KIND_INDEX["water_committee"], KIND_INDEX["farmers_group"]))
    kind = fix("kind", kind)

    table = np.array([[k.level, k.power, k.capacity, k.busy, k.blocker_weight] for k in KINDS])
    level = table[kind, 0].astype(np.int8)
    if project:  # the project office sits where the project starts the alliance
        level[-1] = {"community": C, "district": D, "national": N}[p["initiator_level"]]
        district[-1] = -1 if level[-1] == N else 0
    level, district = fix("level", level), fix("district", district)
    ineq = p["power_inequality"]
    power = (1 - ineq) * 0.5 + ineq * table[kind, 1] + rng.normal(0, 0.05, n)
    power = np.clip(np.where(marginalised, power * 0.5, power), 0.01, 1.0)
    capacity = np.clip(table[kind, 2] + rng.normal(0, 0.1, n), 0.05, 1.0)
    capacity = np.where(marginalised, capacity * 0.7, capacity)
    busy = table[kind, 3]

    base = np.array([k.interests for k in KINDS])[kind]
    base = np.where(marginalised[:, None], 0.5 * base + 0.5 * np.array(MARGINALISED_USES), base)
    div = p["interest_divergence"]
    interests = (1 - div) * 0.25 + div * (0.6 * base + 0.4 * rng.dirichlet(np.ones(4), n))

    view, awareness = initial_views(p, rng, kind, table[:, 4], comm, n_org, n_pilot)
    view, awareness = fix("view", view, rng), fix("awareness", awareness)
    entrenchment = np.where((view < 1 / 3) & ~comm, p["blocker_entrenchment"], 0.0)  # blocking organisations
    membership = np.full(n, Membership.NOT_INVITED, dtype=np.int8)
    membership[n_org + n_pilot:n_org + n_comm] = Membership.OUTSIDE

    plat_level, plat_names = platform_ids(nd)
    platform = np.where(level == Level.NATIONAL, 0, np.where(level == Level.DISTRICT, 1 + district, 1 + nd + district))
    platform = fix("platform", np.where(membership == Membership.OUTSIDE, -1, platform).astype(np.int32))
    bridges = (rng.random(n) < p["bridge_share"]) & (platform > 0)
    bridge_platform = np.where(bridges, np.where(level == Level.DISTRICT, 0, 1 + district), -1).astype(np.int32)

    in_network = fix("in_network", (rng.random(n) < p["existing_network_share"]) & (membership != Membership.OUTSIDE))
    src, dst = build_ties(p, rng, level, district, comm, in_network, n_org, project)
    trust = tie_trust(p, rng, src, dst, in_network)

    initiator = choose_initiator(p, rng, kind, level, membership, view)
    names = name_stakeholders(kind, district, n_org)
    plat_district = np.concatenate(([-1], np.arange(nd), np.arange(nd))).astype(np.int32)
    pop = Population(kind, level, district, comm, marginalised, power, capacity, busy, interests, entrenchment,
                     view, awareness, membership, in_network, platform, bridge_platform, src, dst, trust, names,
                     initiator, plat_level, plat_district, plat_names)
    return given.finish(pop, p, rng) if given is not None else pop


def _as_drawn(_name: str, values: np.ndarray, _rng=None) -> np.ndarray:
    return values


def organisations(p: dict) -> tuple[list[int], list[int], np.ndarray]:
    """The synthetic country's organisations: national kinds in turn, then each district's, and the
    district of each district organisation."""
    nat = [KIND_INDEX[NATIONAL_KINDS[i % len(NATIONAL_KINDS)]] for i in range(p["n_national_orgs"])]
    dis = [KIND_INDEX[DISTRICT_KINDS[i % len(DISTRICT_KINDS)]] for i in range(p["n_district_orgs"])] * p["n_districts"]
    return nat, dis, np.repeat(np.arange(p["n_districts"]), p["n_district_orgs"])


def tie_trust(p, rng, src, dst, in_network) -> np.ndarray:
    """Trust on ties before the alliance starts: around ``initial_trust``, higher inside an existing network."""
    trust = np.clip(rng.normal(p["initial_trust"], 0.1, len(src)), 0.0, 1.0)
    return np.where(in_network[src] & in_network[dst], np.minimum(1.0, trust + 0.2), trust)


def initial_views(p, rng, kind, blocker_weight, comm, n_org, n_pilot):
    """Views on MUS: blockers (chosen in proportion to their kind's blocking tendency), champions, neutrals
    among organisations; communities lean towards MUS, which serves their several water uses."""
    n = len(kind)
    view = rng.uniform(0.35, 0.65, n)
    orgs = np.flatnonzero(~comm & (kind != KIND_INDEX["project_office"]))
    n_block = int(round(p["share_blockers"] * len(orgs)))
    weights = blocker_weight[kind[orgs]]
    blockers = np.empty(0, dtype=int)
    if n_block and weights.sum() > 0:
        n_block = min(n_block, int((weights > 0).sum()))
        blockers = rng.choice(orgs, n_block, replace=False, p=weights / weights.sum())
    open_ = np.ones(n, dtype=bool)
    open_[blockers] = False
    rest = orgs[open_[orgs]]  # the organisations not chosen to block, in index order (as np.setdiff1d gives them)
    n_champ = min(len(rest), int(round(p["share_champions"] * len(orgs))))
    champions = rng.choice(rest, n_champ, replace=False) if n_champ else np.empty(0, dtype=int)
    view[blockers] = rng.uniform(0.02, 0.3, len(blockers))
    view[champions] = rng.uniform(0.7, 0.98, len(champions))
    view[comm] = rng.uniform(0.3, 0.75, comm.sum())
    view[kind == KIND_INDEX["project_office"]] = 0.95
    awareness = np.where(comm, 0.0, 0.4)
    awareness[champions] = 0.8
    awareness[n_org:n_org + n_pilot] = rng.uniform(0, 0.3, n_pilot)
    awareness[n_org + n_pilot:n_org + comm.sum()] = rng.uniform(0, 0.2, comm.sum() - n_pilot)
    awareness[kind == KIND_INDEX["project_office"]] = 1.0
    return view, awareness


def build_ties(p, rng, level, district, comm, in_network, n_org, project):
    """Who knows whom: dense ties inside national and district circles, each district organisation to two
    national ones, each pilot community to its district organisations, and a small world of communities
    (ring of neighbours inside a district, 10% of ties rewired anywhere) along which MUS spreads."""
    n = len(level)
    org = np.arange(n) < n_org
    nat = np.flatnonzero((level == Level.NATIONAL) & org)
    pairs = pairs_within(nat, np.zeros(len(nat), dtype=np.int64))
    edges = [pairs[rng.random(len(pairs)) < 0.6]]
    dist_orgs = np.flatnonzero((level == Level.DISTRICT) & ~comm & (district >= 0) & org)
    edges.append(pairs_within(dist_orgs, district[dist_orgs]))
    if len(dist_orgs) and len(nat):
        up = rng.choice(nat, (len(dist_orgs), 2))
        edges.append(np.stack((np.repeat(dist_orgs, 2), up.ravel()), axis=1))
    communities = np.flatnonzero(comm)
    pilots = communities[: p["n_pilot_communities"]]
    org_district, pilot_district = district[dist_orgs], district[pilots]
    for d in np.unique(pilot_district):  # district by district, each drawing its pilots' organisations
        orgs = dist_orgs[org_district == d]
        if len(orgs):
            these = pilots[pilot_district == d]
            edges.append(np.stack((these, rng.choice(orgs, len(these))), axis=1))
    k = p["community_ties"] // 2
    if k and len(communities) > 1:
        order = communities[np.lexsort((rng.random(len(communities)), district[communities]))]
        d_sorted = district[order]
        for shift in range(1, k + 1):
            b, same = rotated(order, shift), d_sorted == rotated(d_sorted, shift)
            rewire = rng.random(len(order)) < 0.1
            edges.append(np.stack((order, np.where(rewire | ~same, rng.choice(communities, len(order)), b)), axis=1))
    if project:  # the project knows every organisation and its own district's communities
        pilot = comm & (np.arange(n) < n_org + p["n_pilot_communities"])
        known = np.flatnonzero(((~comm & org) | (pilot & (district == district[-1]))))
        edges.append(np.stack((np.full(len(known), n - 1), known), axis=1))
    net = np.flatnonzero(in_network)
    if len(net) > 2:
        edges.append(np.stack((net, rng.choice(net, len(net))), axis=1))
    e = np.concatenate(edges).astype(np.int64)
    low, high = np.minimum(e[:, 0], e[:, 1]), np.maximum(e[:, 0], e[:, 1])
    pair = np.sort((low * n + high)[low != high])
    pair = pair[np.concatenate(([True], pair[1:] != pair[:-1]))]  # each tie once, by (lower, higher) end
    return pair // n, pair % n


def rotated(x: np.ndarray, shift: int) -> np.ndarray:
    """``x`` moved ``shift`` places to the left, wrapping round: ``np.roll(x, -shift)`` without its overhead."""
    s = shift % len(x)
    return np.concatenate((x[s:], x[:s]))


def pairs_within(members: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Every pair (a, b) of ``members`` in the same ``group``, a listed before b, each pair once: within a
    group in the order ``np.triu_indices`` gives (a's row by a's row), groups in ascending order."""
    order = np.argsort(group, kind="stable")
    m, g = members[order], group[order]
    position = np.arange(len(m))
    after = np.searchsorted(g, g, side="right") - 1 - position  # partners after each member, in its group
    first = np.cumsum(after) - after  # where each member's pairs start
    left = np.repeat(position, after)
    right = np.arange(len(left)) + np.repeat(position + 1 - first, after)
    return np.stack((m[left], m[right]), axis=1)


def choose_initiator(p, rng, kind, level, membership, view) -> int:
    """Index of the initiating stakeholder: the project office, or an existing organisation of the
    initiator's type at the initiator's level, one that does not block MUS (view >= 1/3) where there is one:
    nobody starts an alliance for what it opposes unless all of its type do. Any stakeholder of that level
    (non-blocking first) if none of the type exists."""
    if p["initiator"] == "project":
        return len(kind) - 1
    lvl = {"community": C, "district": D, "national": N}[p["initiator_level"]]
    want = KIND_INDEX[INITIATOR_KINDS[p["initiator"]][lvl]]
    inside, open_ = membership != Membership.OUTSIDE, view >= 1 / 3
    of_type, at_level = (kind == want) & inside, (level == lvl) & inside
    for mask in (of_type & open_, of_type, at_level & open_, at_level):
        eligible = np.flatnonzero(mask)
        if len(eligible):
            return int(rng.choice(eligible))
    raise ValueError(f"no stakeholder at {p['initiator_level']} level can initiate the alliance")


def name_stakeholders(kind, district, n_org) -> list[str]:
    """Each stakeholder's plain name: its kind's label, and for a community its number (counted from the first
    community, ``n_org``) and district, for a district organisation its district."""
    in_community = [k.level == Level.COMMUNITY for k in KINDS]
    return [stakeholder_name(k, i - n_org + 1 if in_community[k] else 0, d)  # plain ints: NumPy's format slowly
            for i, (k, d) in enumerate(zip(kind.tolist(), district.tolist()))]


@lru_cache(maxsize=1 << 16)
def stakeholder_name(kind: int, community: int, district: int) -> str:
    """The name of a stakeholder of ``kind`` in ``district`` (-1: none), ``community`` its number if it is a
    community (0 if not); remembered, since every run of a study names the same stakeholders again."""
    label = KINDS[kind].label
    if community:
        return f"{label} of community {community} (district {district + 1})"
    return f"{label} of district {district + 1}" if district >= 0 else label
