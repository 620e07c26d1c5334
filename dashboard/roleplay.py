"""The role-play pages (issue 18, part 3): "Workshop" for the trainer, "Play" for trainees (see
:mod:`dashboard.workshop` for the server side).

The trainer starts a workshop from a teaching preset or an alliance table and gets a join code and the
address trainees open; holds the clock (open a round with a timer, close it, next round), acts as the
facilitator (the facilitation levers of the played alliance), sees who has decided, shows the played alliance
with each role's actions in the narration, and debriefs: the played alliance beside the model's own play of
the same roles from the same seed and beside a well-facilitated run, with the month they first differed, the
players' actions up to then and, round by round, which actions made the months differ (counterfactual replays,
:meth:`~dashboard.workshop.Workshop.explain_round`); CSV and PNG downloads.

Trainees open /play on a phone (360 px wide) or a laptop, type the code and their name, get a stakeholder and
its role card, and decide each round what the model otherwise decides for that stakeholder. A browser that
reloads comes back to its role. Pages follow the workshop by polling its ``version`` (a Solara page is one
kernel; a workshop is shared by many).
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import solara

from model import decisions as played
from model import registry
from model.alliance_table import load_alliance_table
from model.population import WATER_USES

from . import controls, drawing, narration, presets, state
from . import workshop as ws

POLL_S = 0.4
ALLIANCES_DIR = presets.REPO_ROOT / "configs" / "alliances"
LEAVE_TO_MODEL = "Let the model decide"
ROLEPLAY_CSS = """
.roleplay { font-size: 16px; max-width: 100%; }
.roleplay .join-code { font-size: 40px; font-weight: 700; letter-spacing: 4px; }
.roleplay .role-card { max-width: 560px; }
.roleplay .v-select, .roleplay .v-text-field { max-width: 520px; }
.roleplay .who-decided div { padding: 2px 0; }
"""


def who_am_i() -> str:
    """This browser (its Solara session id, the same across reloads); 'local' outside a server."""
    return state.browser_session() or "local"


def use_workshop_version(workshop) -> int:
    """Re-render when the workshop changes (and each second while a round's timer runs)."""
    version, set_version = solara.use_state(-1)

    def poll(cancel=None):
        seen = None
        while cancel is None or not cancel.is_set():
            if workshop is None:
                return
            now = (workshop.version, int(time.monotonic()) if workshop.is_open else 0)
            if now != seen:
                seen = now
                set_version(hash(now))
            if cancel is None:
                return
            cancel.wait(POLL_S)

    solara.use_thread(poll, dependencies=[workshop])
    return version


def lan_address(path: str = "/play") -> str:
    """The address trainees open: the machine's LAN name when the trainer started it for the room
    (``make workshop HOST=0.0.0.0``), else this machine only. No request leaves the machine to find it."""
    host = os.environ.get("MUS_WORKSHOP_HOST", "127.0.0.1")
    port = os.environ.get("MUS_WORKSHOP_PORT", "8765")
    if host in ("0.0.0.0", "::"):
        try:
            host = socket.gethostbyname(socket.gethostname())
        except OSError:
            host = socket.gethostname()
    return f"http://{host}:{port}{path}"


def starting_points() -> dict[str, tuple[dict, int]]:
    """What a workshop can start from: the defaults, every teaching preset, every shipped alliance table."""
    found: dict[str, tuple[dict, int]] = {"Defaults": ({}, 1)}
    for preset in presets.discover_presets():
        if preset.scenario is not None:
            found[f"Preset: {preset.scenario.name}"] = (dict(preset.scenario.params), int(preset.scenario.seed))
    if ALLIANCES_DIR.is_dir():
        for path in sorted(ALLIANCES_DIR.iterdir()):
            if path.suffix.lower() in (".csv", ".xlsx") and not path.name.lower().endswith(".ties.csv"):
                found[f"Alliance table: {path.name}"] = (path, 1)
    return found


@solara.component
def StartWorkshop(on_started):
    points = solara.use_memo(starting_points, [])
    labels = list(points)
    chosen = solara.use_reactive(labels[0])
    months = solara.use_reactive(ws.MONTHS_PER_ROUND)
    seconds = solara.use_reactive(ws.ROUND_SECONDS)
    problem = solara.use_reactive(None)

    def start():
        params, seed = points[chosen.value]
        if isinstance(params, Path):
            loaded, problems = load_alliance_table(params)
            if problems:
                problem.set(f"{params.name}: {problems[0]}")
                return
            params = loaded
        try:
            workshop = ws.start_workshop(who_am_i(), chosen.value, params, seed, months_per_round=int(months.value),
                                         round_seconds=int(seconds.value))
        except (ValueError, TypeError) as err:
            problem.set(str(err).splitlines()[0])
            return
        problem.set(None)
        on_started(workshop)

    with solara.Column(classes=["roleplay", "start-workshop"], style={"max-width": "700px"}):
        solara.Markdown("## Start a role-play workshop\nTrainees play stakeholders from their own phones or "
                        "laptops; the model plays everyone else. You hold the clock.")
        solara.Select(label="Start from", values=labels, value=chosen)
        solara.SliderInt("Months per round", value=months, min=1, max=12, thumb_label="always")
        solara.SliderInt("Seconds to decide (round timer)", value=seconds, min=15, max=600, step=15,
                         thumb_label="always")
        solara.Button("Start workshop", icon_name="mdi-account-group", color="primary", on_click=start,
                      classes=["start-workshop-button"])
        if problem.value:
            solara.Error(problem.value)


def narration_html_of(alliance, periods: int = 4) -> str:
    import html

    parts = []
    for period in narration.narrate(alliance.events.records, int(alliance.steps))[:periods]:
        items = "".join(f"<li>{html.escape(s)}</li>" for s in period.sentences)
        parts.append(f"<div class='narration-title'><b>{html.escape(period.title)}</b></div><ul>{items}</ul>")
    return "".join(parts) or "Nothing yet."


@solara.component
def TrainerView(workshop: ws.Workshop, me: str, on_ended):
    use_workshop_version(workshop)
    number = workshop.round + 1
    left = workshop.seconds_left()

    problem = solara.use_reactive(None)

    def act(action):
        try:
            action()
        except ws.WorkshopError as err:
            problem.set(str(err))
    with solara.Column(classes=["roleplay", "trainer-view"], gap="10px"):
        with solara.Card("Join", classes=["join-card"]):
            solara.Text(workshop.code, classes=["join-code"])
            solara.Text(f"Trainees open {lan_address()} and type this code. Started from {workshop.label}; "
                        f"{workshop.months_per_round} months a round.", style={"display": "block"})
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, classes=["round-controls"]):
            if workshop.is_open:
                solara.Text(f"Round {number} is open · {left:.0f} s left", classes=["round-status"],
                            style={"font-weight": "600"})
                solara.Button("Close round now", icon_name="mdi-timer-off", color="primary",
                              on_click=lambda: act(lambda: workshop.close_round(me)), classes=["close-round-button"])
            else:
                solara.Text(f"Month {workshop.month()} · {workshop.round} round(s) played", classes=["round-status"],
                            style={"font-weight": "600"})
                solara.Button(f"Open round {number}", icon_name="mdi-timer", color="primary",
                              on_click=lambda: act(lambda: workshop.open_round(me)), classes=["open-round-button"])
            solara.Button("End workshop", text=True, on_click=lambda: (act(lambda: workshop.end(me)), on_ended()))
        if problem.value:
            solara.Error(problem.value)
        with solara.Columns([1, 1]):
            with solara.Card("Who has decided", classes=["who-decided"]):
                rows = workshop.who_decided()
                if not rows:
                    solara.Text("No trainee has joined yet.")
                for role, player, decided in rows:
                    solara.Text(f"{role} — {player}: {decided}", style={"display": "block"})
                solara.Text(f"{len(workshop.roles) - len(rows)} other role(s) and everyone else: the model plays.",
                            style={"display": "block", "color": "#555"})
            with solara.Card("You are the facilitator", classes=["facilitator-levers"]):
                for name in ws.FACILITATION:
                    parameter = registry.REGISTRY[name]
                    value = workshop.played.p[name]
                    solara.SliderFloat(controls.control_label(parameter), value=float(value),
                                       min=parameter.low, max=parameter.high, step=controls.slider_step(parameter),
                                       on_value=lambda v, n=name: act(lambda: workshop.set_lever(me, n, v)))
        PlayedAlliance(workshop, workshop.round, workshop.month())  # round and month: redrawn when they move
        if workshop.round:
            Debrief(workshop, workshop.round, workshop.month(), len(workshop.causes()))


@solara.component
def PlayedAlliance(workshop: ws.Workshop, round_: int = 0, month: int = 0):
    key = (round_, month)
    png = solara.use_memo(lambda: drawing.render_alliance(drawing.read_snapshot(workshop.played), None, 760)[0], key)
    with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
        with solara.Div(style={"flex": "1 1 560px"}):
            solara.Image(png, classes=["played-drawing"])
        with solara.Card("What happened and why", classes=["narration"], style={"flex": "0 1 400px"}):
            solara.HTML(unsafe_innerHTML=narration_html_of(workshop.played), attributes={"class": "narration-text"})


@solara.component
def Debrief(workshop: ws.Workshop, round_: int = 0, month_now: int = 0, explained: int = 0):
    key = (round_, month_now)
    pictures = solara.use_memo(lambda: workshop.pictures(480), key)
    month, why = workshop.divergence()
    with solara.Card("Debrief", classes=["debrief"]):
        text = ("The played alliance has not yet differed from the model's own play." if month is None else
                f"The played alliance first differed from the model's own play in month {month}.")
        solara.Text(text, classes=["debrief-divergence"], style={"display": "block", "font-weight": "600"})
        for line in why:
            solara.Text(line, style={"display": "block"})
        rounds = workshop.causes()
        if month is not None:
            solara.Text("Why, round by round: each round is played again from where the alliance stood, same random "
                        "numbers, with one action at a time replaced by the model's rule; the share is how much of "
                        "the round's change that undoes (shares need not add up: actions act together).",
                        style={"display": "block", "margin-top": "8px", "font-weight": "500"})
            for explained_round in rounds:
                if explained_round.diverged:
                    solara.Text(explained_round.sentence(), classes=["debrief-cause"], style={"display": "block"})
            if len(rounds) < round_:
                solara.Text(f"Working out why round {len(rounds) + 1} differs…", classes=["debrief-working"],
                            style={"display": "block", "color": "#555"})
        with solara.Row(style={"flex-wrap": "wrap"}):
            for label, png in pictures.items():
                with solara.Column(style={"flex": "1 1 300px"}):
                    solara.Text(label.capitalize(), style={"font-weight": "600"})
                    solara.Image(png, classes=[f"debrief-{label.split()[0].replace(chr(39), '')}"])
        if workshop.outcomes:
            import pandas as pd

            table = pd.DataFrame(workshop.outcomes)
            for column in [c for c in table.columns if c.startswith("uptake")]:
                table[column] = table[column].map(lambda x: f"{x:.1%}")
            solara.DataFrame(table, items_per_page=10)
        with solara.Row():
            solara.FileDownload(workshop.csv_bytes, filename=f"workshop-{workshop.code}.csv",
                                label="Decisions and outcomes (CSV)", mime_type="text/csv")
            solara.FileDownload(workshop.debrief_png, filename=f"workshop-{workshop.code}.png",
                                label="Pictures (PNG)", mime_type="image/png")


@solara.component
def WorkshopPage():
    solara.Title("MUS Learning Alliance · Workshop")
    solara.Style(ROLEPLAY_CSS)
    me = who_am_i()
    current, set_current = solara.use_state(ws.led_by(me))
    if current is None or current.ended:
        StartWorkshop(on_started=set_current)
        return
    TrainerView(current, me, on_ended=lambda: set_current(None))


# ------------------------------------------------------------------------------------------- trainees
ATTEND, CONTRIBUTE, PILOT = ws.CHOICES["attend"], ws.CHOICES["contribute"], ws.CHOICES["pilot"]
CONFLICT, NEWS, LEAVE = ws.CHOICES["conflict"], ws.CHOICES["carry_news"], ws.CHOICES["leave"]
NOBODY = "Nobody"
ANY_ROLE = "Give me a role"


def choice(label: str, options: dict, value: solara.Reactive, css: str):
    solara.Select(label=label, values=[LEAVE_TO_MODEL, *options], value=value, classes=[css])


@solara.component
def JoinForm(on_joined):
    code = solara.use_reactive("")
    name = solara.use_reactive("")
    wanted = solara.use_reactive(ANY_ROLE)
    problem = solara.use_reactive(None)
    try:
        found = ws.by_code(code.value) if code.value.strip() else None
    except ws.WorkshopError:
        found = None
    free = {found.role_name(r): r for r in found.free_roles()} if found is not None else {}

    def join():
        try:
            workshop = ws.by_code(code.value)
            workshop.join(who_am_i(), name.value, free.get(wanted.value))
        except ws.WorkshopError as err:
            problem.set(str(err))
            return
        problem.set(None)
        on_joined(workshop)

    with solara.Column(classes=["roleplay", "join-form"], style={"max-width": "520px"}):
        solara.Markdown("## Join a workshop\nType the code the trainer shows and your name.")
        solara.InputText("Workshop code", value=code, continuous_update=True, classes=["code-input"])
        solara.InputText("Your name", value=name, continuous_update=True, classes=["name-input"])
        if free:
            solara.Select(label="Your role", values=[ANY_ROLE, *free], value=wanted, classes=["role-choice"])
        # enabled once the server has both (a click never races the typing on a busy machine)
        solara.Button("Join", color="primary", on_click=join, classes=["join-button"],
                      disabled=not (code.value.strip() and name.value.strip()))
        if problem.value:
            solara.Error(problem.value, classes=["join-problem"])


@solara.component
def RoleCardView(card: ws.RoleCard):
    with solara.Card(f"You are: {card.name}", subtitle=card.category, classes=["role-card"]):
        interests = ", ".join(f"{use} {share:.0%}" for use, share in sorted(card.interests.items(),
                                                                          key=lambda kv: -kv[1]))
        for line in (f"Your interests in water: {interests}.",
                     f"Power: {card.power:.0%} · you {card.stance}.",
                     f"You trust most: {', '.join(card.trusts) or 'nobody yet'}.",
                     f"You can spend about {card.can_spend:.2f} k$ a month for the alliance.",
                     f"Your platform: {card.platform} · {'a member' if card.member else 'not a member'}"
                     + (" · you sit on two platforms and can carry news between levels." if card.two_seats else ".")):
            solara.Text(line, style={"display": "block", "margin-bottom": "4px"})


@solara.component
def DecisionForm(workshop: ws.Workshop, me: str, card: ws.RoleCard):
    attend = solara.use_reactive(LEAVE_TO_MODEL)
    contribute = solara.use_reactive(LEAVE_TO_MODEL)
    pilot = solara.use_reactive(LEAVE_TO_MODEL)
    use = solara.use_reactive(WATER_USES[0])
    invite = solara.use_reactive(NOBODY)
    conflict = solara.use_reactive(LEAVE_TO_MODEL)
    news = solara.use_reactive(LEAVE_TO_MODEL)
    leave = solara.use_reactive(LEAVE_TO_MODEL)
    problem = solara.use_reactive(None)
    invitable = {f"{name} (#{index})": index for index, name in card.invitable}

    def pick(options, reactive):
        return options.get(reactive.value)

    def send():
        decision = played.Decision(
            attend=pick(ATTEND, attend), contribute=pick(CONTRIBUTE, contribute), pilot=pick(PILOT, pilot),
            pilot_use=use.value if pilot.value != LEAVE_TO_MODEL else None,
            invite=invitable.get(invite.value), conflict=pick(CONFLICT, conflict),
            carry_news=pick(NEWS, news) if card.two_seats else None, leave=pick(LEAVE, leave))
        try:
            workshop.decide(me, decision)
        except ws.WorkshopError as err:
            problem.set(str(err))
            return
        problem.set(None)

    with solara.Column(classes=["decision-form"], gap="2px"):
        choice("Meetings this round", ATTEND, attend, "decide-attend")
        choice("Your contribution", CONTRIBUTE, contribute, "decide-contribute")
        choice("Pilots on your platforms", PILOT, pilot, "decide-pilot")
        if pilot.value != LEAVE_TO_MODEL:
            backing = pick(PILOT, pilot) == "back"
            solara.Select(label=("…for which water use (its design leans towards it)" if backing else
                                 "…against which water use (its design leans away from it)"),
                          values=list(WATER_USES), value=use, classes=["decide-pilot-use"])
        solara.Select(label="Invite someone", values=[NOBODY, *invitable], value=invite, classes=["decide-invite"])
        choice("Conflict", CONFLICT, conflict, "decide-conflict")
        if card.two_seats:
            choice("News", NEWS, news, "decide-news")
        choice("Stay or leave", LEAVE, leave, "decide-leave")
        solara.Button("Send my decision", color="primary", on_click=send, classes=["submit-decision"])
        if problem.value:
            solara.Error(problem.value)


@solara.component
def PlayerView(workshop: ws.Workshop, me: str):
    use_workshop_version(workshop)
    player = workshop.player_of(me)
    if player is None:
        solara.Error("You are not in this workshop any more.")
        return
    card = workshop.card(player.role)
    left = workshop.seconds_left()
    with solara.Column(classes=["roleplay", "player-view"], gap="8px"):
        solara.Text(f"Hello {player.name} · workshop {workshop.code} · month {workshop.month()}",
                    style={"display": "block", "font-weight": "600"})
        RoleCardView(card)
        if workshop.ended:
            solara.Info("The workshop has ended. Thank you!")
        elif workshop.is_open:
            sent = player.role in workshop.pending
            solara.Text(f"Round {workshop.round + 1} is open · {left:.0f} s left"
                        + (" · your decision is in (you can still change it)" if sent else ""),
                        classes=["round-status", "decision-sent" if sent else "deciding"],
                        style={"display": "block", "font-weight": "600"})
            DecisionForm(workshop, me, card)
        else:
            solara.Text(f"Waiting for the trainer to open round {workshop.round + 1}.",
                        classes=["round-status", "waiting"], style={"display": "block"})
        mine = [r for r in workshop.played.events.records
                if r["kind"] == played.DECISION_KIND and r["text"].startswith(workshop.played.names[card.index] + " (played)")]
        if mine:
            with solara.Card("What you did", classes=["my-actions"]):
                for r in mine[-6:]:
                    solara.Text(f"Month {r['step']}: {r['text']}", style={"display": "block"})


@solara.component
def PlayPage():
    solara.Title("MUS Learning Alliance · Play")
    solara.Style(ROLEPLAY_CSS)
    me = who_am_i()
    joined, set_joined = solara.use_state(ws.played_by(me))
    if joined is None or joined.ended and joined.player_of(me) is None:
        JoinForm(on_joined=set_joined)
        return
    PlayerView(joined, me)
