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

Workshops are isolated from each other and from the Live page's alliances: each owns its models. Nothing
leaves the machine.
"""

from __future__ import annotations

import csv
import io
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

import model
from model import decisions as played
from model import registry
from model.population import WATER_USES
from model.states import MEMBERSHIP, Stance

from . import controls, drawing, stepper

MONTHS_PER_ROUND = 3  # a quarter
ROUND_SECONDS = 90
MAX_ROLES = 30
CODE_DIGITS = 6
FACILITATION = controls.MID_RUN  # the levers the trainer holds as facilitator
STANCE_WORDS = {Stance.BLOCKER: "blocks MUS", Stance.NEUTRAL: "undecided about MUS", Stance.CHAMPION: "champions MUS"}
CATEGORIES = ("ministry", "district office", "NGO", "community group", "marginalised group", "other organisation")


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
        for _ in range(self.months_per_round):
            for alliance in (self.played, self.autopilot, self.facilitated):
                alliance.step()
        last = self.month()
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
