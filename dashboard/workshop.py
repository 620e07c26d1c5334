"""Role-play workshops (issue 18, part 3): trainees play stakeholders from their own devices, the model plays
the rest (companion modelling: Barreteau et al. 2003; NetLogo HubNet's teacher-held clock).

One :class:`Workshop` per workshop lives on the server (in :data:`WORKSHOPS`, by join code), guarded by its
own lock; every browser page reads it and polls its ``version``. The trainer's browser (its Solara session id)
created it and is the only one that can move the clock (open a round, close it, set the facilitation levers,
end it); trainees reach it only with its join code. A trainee's role is kept by their browser's session id,
so a trainee who drops out and comes back (a reload, a phone that slept) keeps the role.

Each round (``months_per_round`` months, a quarter by default) the trainees decide for their stakeholders
through the model's one decision interface (:mod:`model.decisions`); whoever has not decided when the round
closes (by the trainer or by the round's timer) falls back to the model's rule. The same months are played
by two twins from the same seed: the model's own play of every role (``autopilot``) and a well-facilitated
run (``facilitated``: the facilitation levers at the top of their plausible ranges), for the debrief.

The debrief says why the played alliance differs from the model's own play, round by round
(:meth:`Workshop.explain_round`): after a round closes, a thread of the workshop plays that round again from
where the alliance stood (same state, same random numbers) with one action at a time (a role's decisions, one
kind of decision made by several roles, the trainer's change of the facilitation levers) replaced by the model's
rule, and reports the share of the round's change each reversal undoes, in the Play page's words
(:data:`CHOICES`) and the registry's labels. Round closing never waits for it.

Workshops are isolated from each other and from the Live page's alliances: each owns its models. Nothing
leaves the machine.
"""

from __future__ import annotations

import copy
import csv
import io
import secrets
import threading
import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

import model
from model import decisions as played
from model import registry
from model.population import WATER_USES
from model.states import MEMBERSHIP, Stance

from . import controls, drawing, stepper
from .labels import output_label, parameter_label

MONTHS_PER_ROUND = 3  # a quarter
ROUND_SECONDS = 90
MAX_ROLES = 30
CODE_DIGITS = 6
FACILITATION = controls.MID_RUN  # the levers the trainer holds as facilitator
STANCE_WORDS = {Stance.BLOCKER: "blocks MUS", Stance.NEUTRAL: "undecided about MUS", Stance.CHAMPION: "champions MUS"}
CATEGORIES = ("ministry", "district office", "NGO", "community group", "marginalised group", "other organisation")
# What a trainee can choose (the Play page's words, by decision field): the same words name the decisions in
# the debrief.
CHOICES = {
    "attend": {"Come to the meeting": True, "Stay away": False},
    "contribute": {"Pay nothing": 0.0, "Pay half my share": 0.5, "Pay my share": 1.0, "Pay double": 2.0},
    "pilot": {"Back the pilot": "back", "Oppose the pilot": "oppose"},
    "conflict": {"Raise a conflict": "raise", "Accept mediation": "accept", "Refuse mediation": "refuse"},
    "carry_news": {"Carry news to the other level": True, "Keep it to myself": False},
    "leave": {"Stay in the alliance": False, "Leave the alliance": True},
}
KINDS = {"attend": "meeting", "contribute": "contribution", "pilot": "pilot", "invite": "invitation",
         "conflict": "conflict", "carry_news": "news", "leave": "stay-or-leave"}  # decision fields, in words
CAUSE_SHOWN = 0.10  # a decision is named as a cause when reverting it undoes at least this share of a round's change
CAUSES_SHOWN = 3


class WorkshopError(ValueError):
    """A request the workshop refuses; the message is one line for the page."""


def well_facilitated() -> dict[str, Any]:
    """The facilitation levers at the top of their plausible ranges (the registry's), for the debrief's third run."""
    out = {}
    for name in FACILITATION:
        parameter = registry.REGISTRY[name]
        out[name] = parameter.check(parameter.plausible_high if parameter.plausible_high is not None else parameter.high)
    return out


def category_of(alliance, i: int) -> str:
    kind = alliance.kind_names[int(alliance.kind[i])]
    if alliance.is_community[i]:
        return "marginalised group" if alliance.marginalised[i] else "community group"
    if kind.startswith("ministry"):
        return "ministry"
    if kind.startswith("district") and "office" in kind:
        return "district office"
    if "ngo" in kind:
        return "NGO"
    return "other organisation"


def pick_roles(alliance, count: int = MAX_ROLES) -> list[int]:
    """Stakeholders offered as roles: ministries, district offices, NGOs, community groups and marginalised
    groups in turn (the most powerful of each first), never the project office, never outside communities."""
    candidates: dict[str, list[int]] = {c: [] for c in CATEGORIES}
    inside = alliance.membership != MEMBERSHIP.OUTSIDE
    for i in np.flatnonzero(inside & alliance.can_adopt):
        candidates[category_of(alliance, int(i))].append(int(i))
    for members in candidates.values():
        members.sort(key=lambda i: (-alliance.power[i], i))
    roles: list[int] = []
    while len(roles) < count and any(candidates.values()):
        for category in CATEGORIES:
            if candidates[category] and len(roles) < count:
                roles.append(candidates[category].pop(0))
    return roles


@dataclass(frozen=True)
class RoleCard:
    """What a trainee sees of their stakeholder."""

    index: int
    name: str
    category: str
    interests: dict[str, float]  # share of its interest in each water use
    power: float
    stance: str
    trusts: tuple[str, ...]  # whom it trusts most (its ties)
    can_spend: float  # k$ a month it can contribute at full commitment
    platform: str
    member: bool
    two_seats: bool  # it sits on two platforms: it can carry news between levels
    invitable: tuple[tuple[int, str], ...]  # stakeholders it has a tie to who are not members


def unique_name(alliance, i: int) -> str:
    """A stakeholder's name, with its number when another stakeholder has the same name (generated countries
    have several "District NGO of district 1")."""
    name = alliance.names[i]
    return name if alliance.names.count(name) == 1 else f"{name} (no. {i})"


def role_card(alliance, i: int) -> RoleCard:
    interests = np.asarray(alliance.interests[i], dtype=float)
    total = float(interests.sum()) or 1.0
    ties = np.flatnonzero((alliance.src == i) | (alliance.dst == i))
    others = np.where(alliance.src[ties] == i, alliance.dst[ties], alliance.src[ties])
    order = np.argsort(-alliance.trust[ties], kind="stable")
    trusted = tuple(alliance.names[int(others[k])] for k in order[:3])
    invitable = tuple((int(j), alliance.names[int(j)]) for j in sorted(set(int(o) for o in others))
                      if alliance.membership[j] in (MEMBERSHIP.NOT_INVITED, MEMBERSHIP.DROPPED))[:12]
    platform = int(alliance.platform[i])
    return RoleCard(
        index=i, name=unique_name(alliance, i), category=category_of(alliance, i),
        interests={use: float(interests[k]) / total for k, use in enumerate(WATER_USES)},
        power=float(alliance.power[i]), stance=STANCE_WORDS[Stance(int(model.states.stance_of(alliance.view[i])))],
        trusts=trusted, can_spend=float(alliance.p["contribution_rate"] * alliance.capacity[i]),
        platform=alliance.platform_names[platform] if platform >= 0 else "no platform",
        member=bool(alliance.members[i]), two_seats=bool(alliance.has_second_seat[i]), invitable=invitable)


@dataclass
class Player:
    session: str
    name: str
    role: int  # stakeholder index
    joined: float = field(default_factory=time.monotonic)
    reconnects: int = 0


def safe_cell(value):
    """A CSV cell that a spreadsheet never reads as a formula: text starting with = + - @ gets a quote first."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def series(alliance) -> pd.DataFrame:
    table = alliance.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    table.insert(0, "step", range(len(table)))
    return table


def describe(decision: played.Decision, alliance) -> str:
    """A played decision in the Play page's words ("Stay away, Pay double, Back the pilot for irrigation water")."""
    words = []
    for name in ("attend", "contribute", "pilot", "invite", "conflict", "carry_news", "leave"):
        value = getattr(decision, name)
        if value is None:
            continue
        if name == "invite":
            words.append(f"Invite the {alliance.names[int(value)]}")
            continue
        label = next((k for k, v in CHOICES[name].items() if v == value), str(value))
        if name == "pilot" and decision.pilot_use:
            label += f" {'for' if value == 'back' else 'against'} {decision.pilot_use} water"
        words.append(label)
    return ", ".join(words)


def without(decision: played.Decision, name: str) -> played.Decision:
    """The decision with ``name`` left to the model's rule (a pilot's water use goes with the pilot)."""
    return replace(decision, **{name: None}, **({"pilot_use": None} if name == "pilot" else {}))


def output_columns(table: pd.DataFrame) -> list[str]:
    return [c for c in table.columns if c != "step"]


def series_row(alliance) -> pd.Series:
    """The alliance's outputs at its current month (as in :func:`series`)."""
    return series(alliance).iloc[-1]


def same_outputs(a, b) -> bool:
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return bool(((x == y) | (np.isnan(x) & np.isnan(y))).all())


def most_moved(a: pd.Series, b: pd.Series, count: int = 2) -> tuple[str, ...]:
    """The ``count`` outputs furthest apart (as in :func:`difference`), in words: "Members 12 vs 15"."""
    rows = []
    for name in a.index:
        x, y = float(a[name]), float(b[name])
        if np.isnan(x) and np.isnan(y) or x == y:
            continue
        gap = 1.0 if np.isnan(x) or np.isnan(y) else abs(x - y) / (abs(x) + abs(y))
        rows.append((gap, name, x, y))
    rows.sort(key=lambda r: (-r[0], r[1]))
    return tuple(f"{output_label(name)} {x:.4g} played vs {y:.4g}" for _, name, x, y in rows[:count])


def difference(a: pd.Series, b: pd.Series) -> float:
    """How far two alliances' outputs at one month are apart: the mean over outputs of |a - b| / (|a| + |b|)
    (0 where both are 0; 1 where only one is undefined), so every output counts alike whatever its unit;
    0 = identical, 1 = every output as far apart as can be."""
    x, y = a.to_numpy(dtype=float), b.to_numpy(dtype=float)
    size = np.abs(x) + np.abs(y)
    with np.errstate(invalid="ignore", divide="ignore"):
        parts = np.where(size > 0, np.abs(x - y) / np.where(size > 0, size, 1.0), 0.0)
    parts = np.where(np.isnan(x) & np.isnan(y), 0.0, np.where(np.isnan(x) | np.isnan(y), 1.0, parts))
    return float(parts.mean()) if len(parts) else 0.0


@dataclass(frozen=True)
class RoundRecord:
    """What the played alliance did in one round, kept to replay it: the months, the decisions, the facilitation
    levers it stepped with, and the played and model's own outputs of those months."""

    number: int
    first: int
    last: int
    decided: dict[int, played.Decision]
    players: dict[int, str]  # role -> the trainee's name
    levers: dict[str, float]
    levers_before: dict[str, float]  # the levers of the round before (the model's own levers before round 1)
    played_rows: pd.DataFrame  # months first..last (rows by month)
    autopilot_rows: pd.DataFrame


@dataclass(frozen=True)
class Cause:
    """One action of a round and the share of that round's change that reverting it undoes."""

    words: str
    share: float


@dataclass(frozen=True)
class RoundCauses:
    """Why a round's months differ from the model's own play (see :meth:`Workshop.explain_round`)."""

    number: int
    first: int
    last: int
    diverged: tuple[int, ...]  # months of the round at which the played alliance differs from the model's own play
    changed: float  # :func:`difference` at the round's last month: played vs this round played by the model's rule
    causes: tuple[Cause, ...]  # every action of the round, the largest share first
    largest: tuple[str, ...]  # the outputs the round's actions moved most, in words ("Members 12 vs 15")
    reproduced: bool  # the replay with every action kept gave the played alliance exactly (a check)

    def sentence(self) -> str:
        """The round's cause in plain words for the trainer."""
        months = f"months {self.first}-{self.last}" if self.last > self.first else f"month {self.first}"
        head = f"Round {self.number} ({months}): "
        if not self.diverged:
            return head + "the same as the model's own play."
        where = ("in every month" if len(self.diverged) == self.last - self.first + 1 else
                 "in month" + ("s " if len(self.diverged) > 1 else " ") + ", ".join(map(str, self.diverged)))
        head += f"differs from the model's own play {where}. "
        if self.changed == 0:
            return head + ("This round's actions changed nothing by its end: the difference was carried over "
                           "from earlier rounds.")
        named = [c for c in self.causes if c.share >= CAUSE_SHOWN][:CAUSES_SHOWN]
        moved = f" (most: {'; '.join(self.largest)})" if self.largest else ""
        if not named:
            top = self.causes[0] if self.causes else None
            return head + (f"What this round's actions changed{moved} comes from several of them together: "
                           "reverting any one alone undoes less than "
                           f"{CAUSE_SHOWN:.0%}" + (f" (the most: {top.words}, {top.share:.0%})." if top else "."))
        parts = [f"{c.words} ({c.share:.0%})" for c in named]
        caveat = "" if self.reproduced else (" (the replay did not give the played months exactly: take these "
                                             "shares as rough)")
        return head + (f"Of what this round's actions changed by month {self.last}{moved}, reverting one "
                       "alone undoes: " + "; ".join(parts) + "." + caveat)


class Workshop:
    """One workshop: the played alliance, its two twins, the roles, the players and the rounds (module doc)."""

    def __init__(self, trainer: str, label: str, params: dict | None = None, seed: int = 1,
                 months_per_round: int = MONTHS_PER_ROUND, round_seconds: int = ROUND_SECONDS,
                 code: str | None = None, roles: int = MAX_ROLES):
        self.lock = threading.RLock()
        self.trainer, self.label, self.seed = trainer, label, int(seed)
        self.params = dict(params or {})
        self.months_per_round, self.round_seconds = int(months_per_round), int(round_seconds)
        self.code = code or new_code()
        self.played = model.build_model(params=self.params, seed=self.seed)
        self.autopilot = model.build_model(params=self.params, seed=self.seed)
        self.facilitated = model.build_model(params={**self.params, **well_facilitated()}, seed=self.seed)
        self.played.decisions = played.Decisions()
        self.roles = pick_roles(self.played, roles)
        self.players: dict[str, Player] = {}
        self.round = 0  # rounds closed so far
        self.is_open = False
        self.deadline: float | None = None
        self.pending: dict[int, played.Decision] = {}
        self.history: list[dict] = []
        self.outcomes: list[dict] = []
        self.version = 0
        self.ended = False
        self._timer: threading.Timer | None = None
        self.close_seconds: list[float] = []  # how long each round took to close (the benchmark reads it)
        # the debrief's causes: each closed round is replayed in the background (explain_round)
        self.records: list[RoundRecord] = []
        self.explained: list[RoundCauses] = []
        self.explain_seconds: list[float] = []  # how long each round's replays took (the benchmark reads it)
        self._replayed = copy.deepcopy(self.played)  # the played alliance as the replays reached it
        self._explainer: threading.Thread | None = None
        self._all_explained = threading.Condition(self.lock)

    # ------------------------------------------------------------------------------------ reading
    def changed(self) -> None:
        self.version += 1

    def role_name(self, role: int) -> str:
        return unique_name(self.played, role)

    def player_of(self, session: str) -> Player | None:
        with self.lock:
            return self.players.get(session)

    def free_roles(self) -> list[int]:
        with self.lock:
            taken = {p.role for p in self.players.values()}
            return [r for r in self.roles if r not in taken]

    def card(self, role: int) -> RoleCard:
        with self.lock:
            return role_card(self.played, role)

    def who_decided(self) -> list[tuple[str, str, str]]:
        """(role, player, state) of every played role: 'decided', 'deciding…' or, round closed, the last round's."""
        with self.lock:
            rows = []
            for player in self.players.values():
                state = "decided" if player.role in self.pending else ("deciding…" if self.is_open else "waiting")
                rows.append((self.role_name(player.role), player.name, state))
            return rows

    def seconds_left(self) -> float | None:
        with self.lock:
            return None if not self.is_open or self.deadline is None else max(0.0, self.deadline - time.monotonic())

    def month(self) -> int:
        return int(self.played.steps)

    # -------------------------------------------------------------------------- trainees (any device)
    def join(self, session: str, name: str, role: int | None = None) -> Player:
        """A trainee joins (or, from the same browser, comes back to their role)."""
        name = " ".join(str(name or "").split())[:40]
        with self.lock:
            if self.ended:
                raise WorkshopError("this workshop has ended")
            known = self.players.get(session)
            if known is not None:
                known.reconnects += 1
                self.changed()
                return known
            if not name:
                raise WorkshopError("type your name to join")
            free = self.free_roles()
            if not free:
                raise WorkshopError("every role is taken; ask the trainer")
            if role is not None and role not in free:
                raise WorkshopError("that role is taken; pick another")
            player = Player(session, name, free[0] if role is None else int(role))
            self.players[session] = player
            self.changed()
            return player

    def decide(self, session: str, decision: played.Decision) -> None:
        with self.lock:
            player = self.players.get(session)
            if player is None:
                raise WorkshopError("join the workshop first")
            if not self.is_open:
                raise WorkshopError("the round is closed; wait for the trainer to open the next one")
            self.pending[player.role] = decision
            self.changed()

    # ------------------------------------------------------------------------------- the trainer only
    def check_trainer(self, session: str) -> None:
        if session != self.trainer:
            raise WorkshopError("only the trainer's screen can do this")

    def open_round(self, session: str, seconds: int | None = None) -> None:
        with self.lock:
            self.check_trainer(session)
            if self.ended or self.is_open:
                return
            self.is_open = True
            self.pending = {}
            seconds = self.round_seconds if seconds is None else int(seconds)
            self.deadline = time.monotonic() + seconds
            number = self.round + 1
            timer = threading.Timer(seconds, self._time_up, args=(number,))
            timer.daemon = True
            self._timer = timer
            timer.start()
            self.changed()

    def _time_up(self, number: int) -> None:
        with self.lock:
            if self.is_open and self.round + 1 == number:
                self._close()

    def close_round(self, session: str) -> None:
        with self.lock:
            self.check_trainer(session)
            if self.is_open:
                self._close()

    def set_lever(self, session: str, name: str, value) -> None:
        """The trainer as facilitator: a facilitation lever of the played alliance (from the next month)."""
        with self.lock:
            self.check_trainer(session)
            if name not in FACILITATION:
                raise WorkshopError(f"{name} is not a facilitation lever")
            self.played.p[name] = registry.REGISTRY[name].check(value)
            self.changed()

    def end(self, session: str) -> None:
        with self.lock:
            self.check_trainer(session)
            if self._timer is not None:
                self._timer.cancel()
            self.is_open = False
            self.ended = True
            self.changed()

    def _close(self) -> None:
        """(lock held) Play the round's months: the played roles' decisions, the model's rule for everything
        else and for every role nobody decided; the twins play the same months."""
        started = time.perf_counter()
        if self._timer is not None:
            self._timer.cancel()
        self.is_open = False
        self.deadline = None
        number = self.round + 1
        first = self.month() + 1
        decided = dict(self.pending)
        self.played.decisions = played.Decisions(decided)
        levers = {name: self.played.p[name] for name in FACILITATION}
        levers_before = self.records[-1].levers if self.records else {n: self.autopilot.p[n] for n in FACILITATION}
        for _ in range(self.months_per_round):
            for alliance in (self.played, self.autopilot, self.facilitated):
                alliance.step()
        last = self.month()
        self.records.append(RoundRecord(
            number, first, last, decided, {p.role: p.name for p in self.players.values()}, levers, levers_before,
            series(self.played).iloc[first:last + 1], series(self.autopilot).iloc[first:last + 1]))
        for player in self.players.values():
            decision = decided.get(player.role)
            row = {"round": number, "months": f"{first}-{last}", "role": self.role_name(player.role),
                   "player": player.name, "fell back to the model": decision is None}
            for name in ("attend", "contribute", "pilot", "pilot_use", "invite", "conflict", "carry_news", "leave"):
                value = getattr(decision, name) if decision is not None else None
                if name == "invite" and value is not None:
                    value = self.played.names[int(value)]
                row[name] = "" if value is None else value
            self.history.append(row)
        outcome = {"round": number, "month": last}
        for label, alliance in (("played", self.played), ("model's own play", self.autopilot),
                                ("well facilitated", self.facilitated)):
            now = series(alliance).iloc[-1]
            outcome[f"uptake ({label})"] = float(now["uptake"])
            outcome[f"members ({label})"] = int(now["members"])
        self.outcomes.append(outcome)
        self.round = number
        self.pending = {}
        self.close_seconds.append(time.perf_counter() - started)
        self.changed()
        self._explain_in_background()

    # ---------------------------------------------------------------------------------------- debrief
    def divergence(self) -> tuple[int | None, list[str]]:
        """The first month the played alliance differed from the model's own play, and the players' actions up to
        that month (the likely why)."""
        with self.lock:
            month = stepper.first_divergence(series(self.played), series(self.autopilot), 0)
            if month is None:
                return None, []
            why = [f"Month {r['step']}: {r['text']}" for r in self.played.events.records
                   if r["kind"] == played.DECISION_KIND and r["step"] <= month]
            return month, why[-6:]

    def causes(self) -> list[RoundCauses]:
        """The rounds explained so far (the debrief's why, round by round)."""
        with self.lock:
            return list(self.explained)

    def wait_explained(self, timeout: float = 60.0) -> bool:
        """Wait until every closed round is explained (tests, the benchmark)."""
        with self._all_explained:
            return self._all_explained.wait_for(lambda: len(self.explained) == len(self.records), timeout)

    def _explain_in_background(self) -> None:
        """(lock held) Explain the closed rounds in a thread of their own: round closing never waits for it."""
        if self._explainer is None or not self._explainer.is_alive():
            self._explainer = threading.Thread(target=self._explain_all, name=f"workshop-{self.code}-why",
                                               daemon=True)
            self._explainer.start()

    def _explain_all(self) -> None:
        while True:
            with self.lock:
                if len(self.explained) >= len(self.records) or self.ended:
                    self._explainer = None
                    self._all_explained.notify_all()
                    return
                record = self.records[len(self.explained)]
            started = time.perf_counter()
            explained = self.explain_round(record)
            with self.lock:
                self.explained.append(explained)
                self.explain_seconds.append(time.perf_counter() - started)
                self._all_explained.notify_all()
                self.changed()

    def explain_round(self, record: RoundRecord) -> RoundCauses:
        """Why a round's months differ from the model's own play: a counterfactual replay of each action.

        From the played alliance at the round's start (same state, same random generator), the round is played
        again (a) with every action of the round replaced by the model's rule (the model's own play of this
        round: no trainee's decision, the facilitation levers as they were before the round), and (b) once for
        each action (a role's decision, or the trainer's change of the facilitation levers) with that action
        alone replaced by the model's rule. The round's change is the :func:`difference` between the played
        alliance and (a) at the round's last month; an action's share is how much of it replaying without that
        action undoes, 1 - difference((b), (a)) / change, at least 0. Shares need not add up to 1: actions
        interact (two who stay away may empty a meeting neither would alone). Earlier rounds' actions are
        credited in their own rounds: a round's change is measured from where the alliance stood when it began,
        so a difference carried over from before is not put down to this round's actions.
        Called in the explaining thread, in round order (the replay of the played round is the next start)."""
        start = self._replayed
        months = record.last - record.first + 1
        actions: list[tuple[str, dict[int, played.Decision], dict[str, float]]] = []
        made = {role: decision for role, decision in sorted(record.decided.items()) if decision.made}
        for name in KINDS:  # one kind of decision, reverted for every role that made it (joint causes)
            roles = [role for role, decision in made.items() if getattr(decision, name) is not None]
            if len(roles) > 1:
                rest = {r: without(d, name) if r in roles else d for r, d in record.decided.items()}
                who = ", ".join(unique_name(start, r) for r in roles[:3]) + (" and others" if len(roles) > 3 else "")
                actions.append((f"the {KINDS[name]} decisions of {len(roles)} roles ({who})", rest, record.levers))
        for role, decision in made.items():  # one role's decisions
            player = record.players.get(role)
            who = unique_name(start, role) + (f" (played by {player})" if player else "")
            rest = {r: d for r, d in record.decided.items() if r != role}
            actions.append((f"{who}: {describe(decision, start)}", rest, record.levers))
        moved_levers = {n: (record.levers_before[n], v) for n, v in record.levers.items()
                        if v != record.levers_before[n]}
        if moved_levers:
            words = ", ".join(f"{parameter_label(registry.REGISTRY[n])} {a:g} to {b:g}"
                              for n, (a, b) in moved_levers.items())
            actions.append((f"you as facilitator: {words}", record.decided, record.levers_before))

        def replay(decided, levers) -> pd.Series:
            alliance = copy.deepcopy(start)
            alliance.p.update(levers)
            alliance.decisions = played.Decisions(dict(decided))
            for _ in range(months):
                alliance.step()
            return series_row(alliance)

        columns = output_columns(record.played_rows)
        played_end = record.played_rows.iloc[-1]
        causes, largest, changed = [], (), 0.0
        if actions:
            own_round = replay({}, record.levers_before)
            changed = difference(played_end[columns], own_round[columns])
            if changed > 0:
                for words, decided, levers in actions:
                    undone = 1 - difference(replay(decided, levers)[columns], own_round[columns]) / changed
                    causes.append(Cause(words, max(0.0, float(undone))))
                causes.sort(key=lambda c: -c.share)  # stable: kinds of decision before single roles at equal shares
                largest = most_moved(played_end[columns], own_round[columns])
        # the played round itself: the next round starts from it, and it must give the played alliance exactly
        start.p.update(record.levers)
        start.decisions = played.Decisions(dict(record.decided))
        for _ in range(months):
            start.step()
        reproduced = bool(series_row(start)[columns].equals(played_end[columns]))
        diverged = tuple(int(m) for m, a, b in zip(range(record.first, record.last + 1),
                                                   record.played_rows[columns].itertuples(index=False),
                                                   record.autopilot_rows[columns].itertuples(index=False))
                         if not same_outputs(a, b))
        return RoundCauses(record.number, record.first, record.last, diverged, changed, tuple(causes), largest,
                           reproduced)

    def csv_bytes(self) -> bytes:
        """The decisions (one row per role and round) and each round's outcomes, as CSV; no cell is a formula."""
        with self.lock:
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            columns = ["round", "months", "role", "player", "fell back to the model", "attend", "contribute",
                       "pilot", "pilot_use", "invite", "conflict", "carry_news", "leave"]
            writer.writerow(columns)
            for row in self.history:
                writer.writerow([safe_cell(row[c]) for c in columns])
            writer.writerow([])
            if self.outcomes:
                names = list(self.outcomes[0])
                writer.writerow(names)
                for row in self.outcomes:
                    writer.writerow([safe_cell(row[n]) for n in names])
            if self.explained:  # the debrief's why: every action of each round and the share it undoes
                writer.writerow([])
                writer.writerow(["round", "months", "differs in months", "action", "share of the round's change undone"])
                for explained in self.explained:
                    months = f"{explained.first}-{explained.last}"
                    differs = " ".join(map(str, explained.diverged))
                    for cause in explained.causes:
                        writer.writerow([explained.number, months, differs, safe_cell(cause.words),
                                         round(cause.share, 4)])
            return buffer.getvalue().encode()

    def pictures(self, width: int = 560) -> dict[str, bytes]:
        """PNG drawings of the three alliances at their current month."""
        with self.lock:
            return {label: drawing.render_alliance(drawing.read_snapshot(alliance), None, width)[0]
                    for label, alliance in (("played", self.played), ("model's own play", self.autopilot),
                                            ("well facilitated", self.facilitated))}

    def debrief_png(self) -> bytes:
        """The played alliance beside the model's own play (and the well-facilitated run) with their uptake."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from PIL import Image

        pictures = self.pictures()
        images = [Image.open(io.BytesIO(png)).convert("RGB") for png in pictures.values()]
        figure = Figure(figsize=(sum(i.width for i in images) / 100, 3.2), dpi=100)
        ax = figure.add_subplot()
        with self.lock:
            for label, alliance in (("played", self.played), ("model's own play", self.autopilot),
                                    ("well facilitated", self.facilitated)):
                table = series(alliance)
                ax.plot(table["step"], table["uptake"], lw=2, label=label)
        ax.set_xlabel("month", fontsize=12)
        ax.set_ylabel("uptake", fontsize=12)
        ax.legend(fontsize=12)
        canvas = FigureCanvasAgg(figure)
        canvas.draw()
        chart = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        width = sum(i.width for i in images)
        out = Image.new("RGB", (width, max(i.height for i in images) + chart.height), "white")
        x = 0
        for image in images:
            out.paste(image, (x, 0))
            x += image.width
        out.paste(chart.convert("RGB"), (0, max(i.height for i in images)))
        buffer = io.BytesIO()
        out.save(buffer, format="png")
        return buffer.getvalue()


# ------------------------------------------------------------------------------------------ the registry
WORKSHOPS: dict[str, Workshop] = {}
_registry_lock = threading.Lock()


def new_code() -> str:
    """A join code nobody can guess from the last one (not a model draw: the model's random numbers stay
    untouched)."""
    while True:
        code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
        if code not in WORKSHOPS:
            return code


def start_workshop(trainer: str, label: str, params: dict | None = None, seed: int = 1, **options) -> Workshop:
    """A new workshop led from the trainer's browser (a trainer's earlier workshop ends)."""
    with _registry_lock:
        for old in [w for w in WORKSHOPS.values() if w.trainer == trainer]:
            old.ended = True
            del WORKSHOPS[old.code]
        workshop = Workshop(trainer, label, params, seed, **options)
        while workshop.code in WORKSHOPS:
            workshop.code = new_code()
        WORKSHOPS[workshop.code] = workshop
        return workshop


def led_by(trainer: str) -> Workshop | None:
    with _registry_lock:
        return next((w for w in WORKSHOPS.values() if w.trainer == trainer and not w.ended), None)


def by_code(code: str) -> Workshop:
    code = "".join(str(code or "").split())
    with _registry_lock:
        found = WORKSHOPS.get(code)
    if found is None or found.ended:
        raise WorkshopError("no workshop with that code; check it with the trainer")
    return found


def played_by(session: str) -> Workshop | None:
    """The workshop this browser plays in (a trainee who reloads comes back to it)."""
    with _registry_lock:
        workshops = list(WORKSHOPS.values())
    return next((w for w in workshops if not w.ended and w.player_of(session) is not None), None)
