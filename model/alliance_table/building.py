"""Building: a checked table assembled in the model's order (:func:`load_table`), and the
:class:`AllianceTable` that builds a run's population from it with the run's ``rng`` (:class:`Given` holds
what the table fixes)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..population import WATER_USES, Population, build_population, tie_trust
from ..registry import REGISTRY, TABLE, ConfigError
from ..states import Level, Membership, Stance
from .checking import Checker, check_seats, check_ties, header, parse_rows, parse_ties
from .format import (COLUMNS, FORMAT_VERSION, LEVEL_NAME, LEVELS, NOTICE, PROJECT, STANCE_BANDS, TIE_COLUMNS,
                     Row, Source, TableError, Tie)
from .reading import read_sheets


@dataclass(eq=False)
class AllianceTable:
    """A checked stakeholder-analysis table. It rides in a run's parameters under ``registry.TABLE``; the
    model's :func:`~model.population.build_population` calls :meth:`population` with the run's ``rng``."""

    source: Source
    rows: list[Row]            # in the model's order: national, district organisations, pilot, outside communities, project office
    ties: list[Tie] | None
    districts: list[str]
    columns: tuple[str, ...]   # columns the table has
    fixed: dict[str, str]      # parameter -> why the table fixes it
    values: dict[str, Any]     # parameter values the table implies (they enter the run's parameters)
    names: list[str]           # every stakeholder's name, count rows expanded, in the model's order
    expanded_from: np.ndarray  # for each stakeholder, its row's index in ``rows``
    _given: dict = field(default_factory=dict, repr=False)

    def __str__(self) -> str:  # what manifests and study fingerprints record: the content, not the names
        return f"alliance table {self.source.path.name} (sha256 {self.source.sha256})"

    def __repr__(self) -> str:
        return f"<{self}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AllianceTable) and self.source.sha256 == other.source.sha256

    def __hash__(self) -> int:
        return hash(self.source.sha256)

    # ---- what a scenario takes from the table
    def params(self) -> dict[str, Any]:
        """The run parameters the table sets: itself, and the values it implies (country size, initiator)."""
        return {TABLE: self, **self.values}

    @property
    def platform_names(self) -> list[str]:
        return (["National platform"] + [f"{d} platform" for d in self.districts]
                + [f"{d} community platform" for d in self.districts])

    def provenance(self) -> dict[str, Any]:
        """For a results folder's manifest: which values came from the table."""
        return {
            "file": str(self.source.path), "sha256": self.source.sha256, "ties_file": str(self.source.ties_path or ""),
            "format_version": FORMAT_VERSION, "stakeholders": len(self.names), "rows": len(self.rows),
            "ties": None if self.ties is None else len(self.ties), "districts": len(self.districts),
            "values_from_table": {col: f"{sum(col in r.given for r in self.rows)} of {len(self.rows)} rows"
                                  for col in COLUMNS if any(col in r.given for r in self.rows)},
            "columns_left_to_the_model": [c for c in COLUMNS if not any(c in r.given for r in self.rows)],
            "open_values": "a blank cell or a missing column is drawn as for the synthetic country, from the "
                           "run's parameters (registry defaults unless the scenario sets them)",
            "parameters_set_by_table": self.values,
            "parameters_fixed_by_table": self.fixed,
            "notice": NOTICE,
        }

    def refuse_fixed(self, names, where: str = "", prefix: str = "") -> None:
        """Raise ConfigError naming every parameter in ``names`` that the table fixes (``prefix`` goes before
        each name, e.g. "factors.")."""
        bad = [n for n in names if n in self.fixed]
        if bad:
            raise ConfigError(f"{where}{', '.join(prefix + n for n in bad)}: fixed by the alliance table "
                              f"{self.source.path.name} (" + "; ".join(f"{n}: {self.fixed[n]}" for n in bad)
                              + "); remove " + ("it" if len(bad) == 1 else "them") + " or change the table")

    # ---- the population
    def population(self, p: dict, rng: np.random.Generator) -> Population:
        for key, value in self.values.items():
            if p[key] != value:
                raise ConfigError(f"{key}: the alliance table {self.source.path.name} sets it to {value!r}, got {p[key]!r}")
        if p["initiator"] != "project":
            level = LEVELS[p["initiator_level"]]
            if not any(r.level == level and (r.platform or "").lower() != "none" for r in self.rows):
                raise ConfigError(f"initiator_level: the alliance table {self.source.path.name} has no stakeholder "
                                  f"at {p['initiator_level']} level to start the alliance (initiator {p['initiator']})")
        key = p["initiator"] == "project"  # whether the model adds a project office the table does not list
        if key not in self._given:  # what the table fixes does not depend on the seed: built once per process
            self._given[key] = Given(self, p)
        return build_population(p, rng, self._given[key])


class Given:
    """What the table fixes, as the arrays :func:`~model.population.build_population` draws, with masks."""

    def __init__(self, table: AllianceTable, p: dict):
        self.table = table
        rows = table.rows
        at = table.expanded_from
        n_rows = len(at)
        project_row = bool(rows) and rows[-1].kind == PROJECT
        extra = 1 if (p["initiator"] == "project" and not project_row) else 0  # the model adds a project office
        n = n_rows + extra
        self.n, self.extra = n, extra
        index = {d: i for i, d in enumerate(table.districts)}
        orgs = [r for r in rows if not r.community and r.kind != PROJECT]
        nat = [r for r in orgs if r.level == Level.NATIONAL]
        dis = [r for r in orgs if r.level == Level.DISTRICT]
        self.organisations = ([r.kind for r in nat], [r.kind for r in dis],
                              np.array([index[r.district] for r in dis], dtype=np.int32))
        self.columns: dict[str, tuple[np.ndarray, np.ndarray]] = {}

        def column(name, dtype, value_of, length=n, positions=None):
            values = np.zeros(length, dtype=dtype) if dtype is not object else np.empty(length, dtype=object)
            mask = np.zeros(length, dtype=bool)
            for pos, i in enumerate(positions if positions is not None else range(n_rows)):
                v = value_of(rows[at[i]], i)
                if v is not None:
                    values[pos], mask[pos] = v, True
            if mask.any():
                self.columns[name] = (values, mask)

        comm = [i for i in range(n_rows) if rows[at[i]].community]
        column("share_marginalised", float, lambda r, i: r.values.get("share_marginalised"), len(comm), comm)
        column("marginalised", bool, lambda r, i: r.values.get("marginalised"))
        column("kind", np.int16, lambda r, i: r.kind)
        column("level", np.int8, lambda r, i: None if r.level is None else int(r.level))
        column("district", np.int32, lambda r, i: None if r.district is None else index[r.district])
        plat = {name.lower(): k for k, name in enumerate(table.platform_names)}
        column("platform", np.int32, lambda r, i: seat(r.platform, r, plat, index))
        column("in_network", bool, lambda r, i: r.values.get("existing_network"))
        column("bridge_platform", np.int32, lambda r, i: seat(r.second_seat, r, plat, index))
        for col in ("power", "capacity", "view", "awareness"):
            column(col, float, lambda r, i, col=col: r.values.get(col))
        column("member", bool, lambda r, i: True if r.values.get("member_at_start") else None)
        values = np.zeros((n, len(WATER_USES)))
        mask = np.zeros(n, dtype=bool)
        for i in range(n_rows):
            got = rows[at[i]].values.get("interests")
            if got is not None:
                values[i], mask[i] = got, True
        if mask.any():
            self.columns["interests"] = (values, mask)
        where = {name: i for i, name in enumerate(table.names)}
        ties = table.ties or []
        self.tie_pairs = np.array([sorted((where[tie.a], where[tie.b])) for tie in ties], dtype=np.int64).reshape(-1, 2)
        self.tie_trust = np.array([np.nan if tie.trust is None else tie.trust for tie in ties], dtype=float)

    def fix(self, name: str, drawn: np.ndarray, rng: np.random.Generator | None = None) -> np.ndarray:
        """``drawn`` where the table is silent, the table's value where it speaks. Views (given ``rng``) also
        take a draw within the band of a stance given without a view, and for the champions of a count row."""
        out = drawn
        if name in self.columns:
            values, mask = self.columns[name]
            out = drawn.copy()
            out[mask] = values[mask].astype(drawn.dtype)
        if name == "view" and rng is not None:
            out = self.draw_stances(out.copy(), rng)
        return out

    def draw_stances(self, view: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Draws only for a stance without a view and for community champions of a count row (none of which
        the default country's template has, so it reads back with the default country's draws)."""
        rows, at = self.table.rows, self.table.expanded_from
        for i in range(len(at)):  # a stance without a view: a view within the stance's band
            r = rows[at[i]]
            if r.stance is not None and r.values.get("view") is None:
                view[i] = rng.uniform(*STANCE_BANDS[r.stance])
        for k, r in enumerate(rows):  # community champions of a count row
            share = r.values.get("share_champions")
            if share:
                members = np.flatnonzero(at == k)
                champions = members[rng.random(len(members)) < share]
                view[champions] = rng.uniform(*STANCE_BANDS[Stance.CHAMPION], len(champions))
        return view

    def finish(self, pop: Population, p: dict, rng: np.random.Generator) -> Population:
        """The values fixed after the draws, which nothing in the build depends on: power, capacity,
        interests, members at the start, second seats, ties and names. Draws only for ties without trust."""
        t = self.table
        for name in ("power", "capacity", "interests", "bridge_platform"):
            setattr(pop, name, self.fix(name, getattr(pop, name)))
        if "member" in self.columns:
            pop.membership = np.where(self.columns["member"][1], np.int8(Membership.MEMBER), pop.membership).astype(np.int8)
        if t.ties is not None:
            pop.src, pop.dst, pop.trust = self.ties(pop, p, rng)
        pop.names = list(t.names) + pop.names[len(t.names):]
        pop.platform_names = t.platform_names
        return pop

    def ties(self, pop: Population, p: dict, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The table's ties replace the drawn ties between stakeholders listed one by one."""
        t = self.table
        listed = np.zeros(self.n, dtype=bool)
        listed[: len(t.expanded_from)] = [t.rows[k].count is None for k in t.expanded_from]
        keep = ~(listed[pop.src] & listed[pop.dst])
        pairs, trust = self.tie_pairs, self.tie_trust.copy()
        open_ = np.isnan(trust)
        if open_.any():
            trust[open_] = tie_trust(p, rng, pairs[open_, 0], pairs[open_, 1], pop.in_network)
        src = np.r_[pop.src[keep], pairs[:, 0]]
        dst = np.r_[pop.dst[keep], pairs[:, 1]]
        both = np.r_[pop.trust[keep], trust]
        # listed ties come last and win over a drawn tie between the same two; order as the model sorts ties
        order = np.lexsort((np.arange(len(src)), dst, src))
        src, dst, both = src[order], dst[order], both[order]
        last = np.r_[(src[1:] != src[:-1]) | (dst[1:] != dst[:-1]), True]
        return src[last].astype(np.int64), dst[last].astype(np.int64), both[last]


def seat(value: str | None, row: Row, plat: dict[str, int], index: dict[str, int]) -> int | None:
    """Platform index of a platform cell (checked when the table was read); None if blank."""
    if value is None:
        return None
    key = value.strip().lower()
    if key == "none":
        return -1
    d = index.get(row.district) if row.district is not None else None
    if key == "national":
        return 0
    if key == "district":
        return 1 + d
    if key == "community":
        return 1 + len(index) + d
    return plat[key]



def load_table(path: str | Path) -> AllianceTable:
    """Read and check an alliance table (CSV or XLSX); raise :class:`TableError` listing every problem."""
    path = Path(path)
    raw, raw_ties, ties_path, version, problems = read_sheets(path)
    if problems:
        raise TableError(problems)
    check = Checker(path)
    if version is not None and version > FORMAT_VERSION:
        check.add(None, None, f"format {version} is newer than this program reads (format {FORMAT_VERSION}); update mus-alliance")
    columns, data = header(raw, COLUMNS, ("name", "type"), check, path, "stakeholders")
    rows = parse_rows(columns, data, check) if columns else []
    ties = None
    if raw_ties is not None:
        ties_file = ties_path or path
        tie_columns, tie_data = header(raw_ties, TIE_COLUMNS, ("from", "to"), check, ties_file, "ties",
                                       may_be_empty=True)
        ties = parse_ties(tie_columns, tie_data, check, ties_file) if {"from", "to"} <= set(tie_columns) else []
    table = assemble(path, rows, ties, tuple(columns), check, ties_path) if not check.problems else None
    if check.problems:
        raise TableError(check.problems)
    return table


def assemble(path: Path, rows: list[Row], ties: list[Tie] | None, columns: tuple[str, ...], check: Checker,
             ties_path: Path | None) -> AllianceTable | None:
    districts: list[str] = []
    for r in rows:
        if r.district is not None and r.district not in districts:
            districts.append(r.district)
    platform_names = (["National platform"] + [f"{d} platform" for d in districts]
                      + [f"{d} community platform" for d in districts])
    plat = {name.lower(): k for k, name in enumerate(platform_names)}
    for r in rows:
        check_seats(r, plat, len(districts), check)
    projects = [r for r in rows if r.kind == PROJECT]
    for r in projects[1:]:
        check.add(r.line, "type", f"a second project office (first on row {projects[0].line}); the model has one")
    # the model's order: national organisations, district organisations, pilot communities, outside ones, project
    orgs = [r for r in rows if not r.community and r.kind != PROJECT]
    pilots = [r for r in rows if r.community and (r.platform or "").lower() != "none"]
    outside = [r for r in rows if r.community and (r.platform or "").lower() == "none"]
    ordered = ([r for r in orgs if r.level == Level.NATIONAL] + [r for r in orgs if r.level == Level.DISTRICT]
               + pilots + outside + projects[:1])
    names, expanded_from, first = [], [], {}
    for k, r in enumerate(ordered):
        many = [f"{r.name} {j + 1}" for j in range(r.count)] if r.count else [r.name]
        for name in many:
            if name in first:
                check.add(r.line, "name", f"{name!r} is already the name on row {first[name]}; names must be unique")
            else:
                first[name] = r.line
            names.append(name)
            expanded_from.append(k)
    if ties is not None:
        check_ties(ties, first, check, ties_path or path)
    n_pilot = sum(r.count or 1 for r in pilots)
    n_out = sum(r.count or 1 for r in outside)
    values: dict[str, Any] = {"n_districts": len(districts), "n_pilot_communities": n_pilot,
                              "n_outside_communities": n_out}
    if projects:
        values["initiator"] = "project"
        if projects[0].level is not None:
            values["initiator_level"] = LEVEL_NAME[projects[0].level]
    for key, value in values.items():
        spec = REGISTRY[key]
        if spec.kind != "choice" and not spec.low <= value <= spec.high:
            what = {"n_districts": "districts", "n_pilot_communities": "communities on a community platform",
                    "n_outside_communities": "communities outside the alliance (platform none)"}[key]
            check.add(None, None, f"the table has {value} {what}; the model takes {spec.range_text} ({key})")
    if check.problems:
        return None
    fixed = fixed_parameters(ordered, ties, values, len(orgs), n_pilot + n_out)
    digest = hashlib.sha256(path.read_bytes() + (ties_path.read_bytes() if ties_path else b"")).hexdigest()
    return AllianceTable(Source(path.resolve(), digest, ties_path.resolve() if ties_path else None), ordered, ties, districts, columns, fixed, values, names,
                         np.array(expanded_from, dtype=np.int64))



def fixed_parameters(rows: list[Row], ties: list[Tie] | None, values: dict[str, Any], n_orgs: int,
                     n_comm: int) -> dict[str, str]:
    """Population parameters that have no effect left once the table is read, and why: a sensitivity study
    may not vary them and a scenario or --set may not set them."""
    fixed = {key: "the table lists the stakeholders" for key in
             ("n_districts", "n_national_orgs", "n_district_orgs", "n_pilot_communities", "n_outside_communities")}
    if "initiator" in values:
        fixed["initiator"] = "the table has a project office"
    if "initiator_level" in values:
        fixed["initiator_level"] = "the table gives the project office's level"
    comm = [r for r in rows if r.community]
    orgs = [r for r in rows if not r.community and r.kind != PROJECT]
    everyone = rows
    if comm and all(r.values.get("marginalised") is not None if r.count is None else r.values.get("share_marginalised") is not None for r in comm):
        fixed["share_marginalised"] = "every community's marginalised (or share_marginalised) is given"
    if orgs and all(r.values.get("view") is not None or r.stance is not None for r in orgs):
        fixed["share_blockers"] = fixed["share_champions"] = "every organisation's stance or view is given"
    if all(r.values.get("power") is not None for r in everyone) and "initiator" in values:
        fixed["power_inequality"] = "every stakeholder's power is given"
    if all(r.values.get("interests") is not None for r in everyone) and "initiator" in values:
        fixed["interest_divergence"] = "every stakeholder's interests are given"
    if all(r.second_seat is not None or (r.platform or "").lower() == "none" for r in everyone) and "initiator" in values:
        fixed["bridge_share"] = "every stakeholder's second seat (or none) is given"
    if all(r.values.get("existing_network") is not None or (r.platform or "").lower() == "none" for r in everyone) \
            and "initiator" in values:
        fixed["existing_network_share"] = "every stakeholder's existing_network is given"
    if ties is not None and all(r.count is None for r in comm):
        fixed["community_ties"] = "the ties table lists every tie between communities"
    return fixed


# ----------------------------------------------------------------------------------- the dashboard's call
def load_alliance_table(path: str | Path) -> tuple[dict[str, Any] | None, list[str]]:
    """For the dashboard: ``(params, [])`` to merge into a run's parameter overrides, or ``(None, problems)``
    with one line per problem to show in the page. ``params[registry.TABLE].fixed`` names the parameters
    the table fixes (their controls should be disabled) and ``.names`` every stakeholder's name, in the
    model's order (the drawing's labels: ``model.names`` holds the same)."""
    try:
        return load_table(path).params(), []
    except ConfigError as exc:
        return None, str(exc).splitlines()

