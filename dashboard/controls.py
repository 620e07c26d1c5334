"""Controls for the model's parameters, generated from the registry.

A short set of **workshop levers** (the ones a trainer talks about) comes first; every other parameter is
under "all parameters", grouped by Learning Alliance step. Numbers get sliders, choices get selects; integer
parameters and counts per year (meetings, pilots, events) move in whole steps. Nothing about a parameter is
written here: its label, range, unit and meaning all come from :data:`model.registry.PARAMETERS`.
Levers in :data:`MID_RUN` act on a running alliance at once (the model reads them every month); the others
need a Reset, and the page says so.
"""

from __future__ import annotations

import math
from typing import Any

import solara

from model import registry

from . import labels

STEP_TITLES = {
    "levels": "Levels and platforms",
    "stakeholders": "Stakeholders",
    "initiation": "Initiation",
    "stakeholder_analysis": "Stakeholder analysis",
    "mobilisation": "Mobilisation",
    "core_values": "Shared vision and core values",
    "facilitation": "Facilitation",
    "action_research": "Action research",
    "monitoring": "Process monitoring and documentation",
    "dissemination": "Dissemination and sharing",
    "enabling_environment": "Enabling environment",
    "adoption": "Adoption",
    "costs": "Costs",
}
FACILITATION_QUALITIES = ("guidance", "mediation", "empowerment", "conflict_management")
CORE_VALUES = ("transparency", "mutual_trust", "inclusiveness", "equity")
WORKSHOP_LEVERS = (*FACILITATION_QUALITIES, *CORE_VALUES, "mobilisation_order", "meetings_per_year",
                   "project_exit_month", "pilots_per_year")
# Levers the model reads from ``model.p`` every month, so they can change while the alliance runs.
MID_RUN = (*FACILITATION_QUALITIES, "meetings_per_year")
SLIDER_POSITIONS = 200
# Put a slider's label above its track, so long parameter names do not squeeze the track.
CONTROL_CSS = """
.parameter-control .v-input__slider .v-input__slot { flex-wrap: wrap; }
.parameter-control .v-input__slider .v-input__slot > .v-label { width: 100%; margin-bottom: -6px; font-size: 14px; }
.parameter-control .v-input { margin-top: 0; }
"""  # a float slider has about this many positions over its range


def step_title(step: registry.SeedStep) -> str:
    return STEP_TITLES.get(str(step), str(step).replace("_", " ").capitalize())


def parameters_by_step() -> dict[registry.SeedStep, list[registry.Parameter]]:
    """The parameters a trainer may change, grouped by seed step, in the registry's order."""
    groups: dict[registry.SeedStep, list[registry.Parameter]] = {}
    for parameter in labels.dashboard_parameters():
        groups.setdefault(parameter.step, []).append(parameter)
    return groups


def control_label(parameter: registry.Parameter) -> str:
    """The plain label, with the unit unless the label already says it ("Meetings per year")."""
    label = labels.parameter_label(parameter)
    said = parameter.unit in ("-", "category") or label.lower().endswith(parameter.unit.lower())
    return label if said else f"{label} ({parameter.unit})"


def takes_whole_numbers(parameter: registry.Parameter) -> bool:
    """Integer parameters, and counts per year (a meeting or a pilot happens or not)."""
    return parameter.kind == "int" or (parameter.kind == "float" and parameter.unit == "per year")


def workshop_levers() -> list[registry.Parameter]:
    return [registry.REGISTRY[name] for name in WORKSHOP_LEVERS if name in registry.REGISTRY]


def is_multiple(value: float, step: float) -> bool:
    ratio = value / step
    return abs(ratio - round(ratio)) < 1e-6


def slider_step(parameter: registry.Parameter) -> float:
    """A round step (1, 5 or 2 x 10^k) giving ~SLIDER_POSITIONS positions that hits the default and bounds."""
    if takes_whole_numbers(parameter):
        return 1
    span = parameter.high - parameter.low
    base = 10.0 ** math.floor(math.log10(span / SLIDER_POSITIONS)) if span > 0 else 1.0
    for power in range(12):
        for factor in (1.0, 0.5, 0.2):
            step = base * factor / 10**power
            if all(is_multiple(v - parameter.low, step) for v in (parameter.default, parameter.high)):
                return step
    return base / 10**12


@solara.component
def ParameterInput(parameter: registry.Parameter, value: solara.Reactive, on_change=None, prefix: str = "",
                   disabled: bool = False):
    """The bare slider or select of ``parameter`` (``on_change(value)`` after the user moves it)."""
    label = prefix + control_label(parameter)

    def changed(new):
        value.set(new)
        if on_change is not None:
            on_change(new)

    if parameter.kind == "choice":
        solara.Select(label=label, values=list(parameter.choices), value=value.value, on_value=changed,
                      disabled=disabled)
    elif parameter.kind == "int":
        solara.SliderInt(label=label, value=int(value.value), on_value=changed, min=int(parameter.low),
                         max=int(parameter.high), step=1, thumb_label=False, disabled=disabled)
    elif takes_whole_numbers(parameter):  # a float parameter offered in whole steps (stays a float)
        solara.SliderInt(label=label, value=int(round(value.value)), on_value=lambda n: changed(float(n)),
                         min=int(math.ceil(parameter.low)), max=int(parameter.high), step=1, thumb_label=False,
                         disabled=disabled)
    else:
        solara.SliderFloat(label=label, value=value.value, on_value=changed, min=parameter.low,
                           max=parameter.high, step=slider_step(parameter), thumb_label=False, disabled=disabled)


@solara.component
def ParameterControl(parameter: registry.Parameter, value: solara.Reactive, on_change=None, note: str = "",
                     prefix: str = "", fixed_by: str = ""):
    """A parameter's input with its current value, an optional note and, on hover, its meaning and range;
    ``fixed_by`` (why an alliance table fixes it) disables the input and says why."""
    with solara.Tooltip(f"{parameter.meaning} Range {parameter.range_text}; default {parameter.default}."):
        with solara.Row(gap="6px", style={"align-items": "flex-end"}, classes=["parameter-control"]):
            with solara.Div(style={"flex-grow": "1"}):
                ParameterInput(parameter, value, on_change, prefix, disabled=bool(fixed_by))
            if parameter.kind != "choice" and not fixed_by:
                solara.Text(f"{value.value:g}", style={"min-width": "3.5em", "font-size": "14px"})
    if fixed_by:
        solara.Text(f"{FIXED_BY_TABLE}: {fixed_by}", classes=["fixed-by-table-note"],
                    style={"display": "block", "font-size": "14px", "color": "#455a64", "margin-top": "-6px"})
    elif note:
        solara.Text(note, classes=["needs-reset-note"],
                    style={"display": "block", "font-size": "14px", "color": "#e65100", "margin-top": "-6px"})


def new_parameter_values(values: dict[str, Any] | None = None) -> dict[str, solara.Reactive]:  # noqa: D103
    """One reactive value per registry parameter, at its default or at ``values``."""
    start = registry.defaults() | dict(values or {})
    return {name: solara.reactive(start[name]) for name in registry.REGISTRY}


def read_values(values: dict[str, solara.Reactive]) -> dict[str, Any]:
    return {name: reactive.value for name, reactive in values.items()}


def changed_names(values: dict[str, solara.Reactive]) -> list[str]:
    defaults = registry.defaults()
    return [name for name, reactive in values.items() if reactive.value != defaults[name]]


@solara.component
def ParameterGroup(step: registry.SeedStep, parameters: list[registry.Parameter], values: dict[str, solara.Reactive],
                   pending: tuple[str, ...] = (), fixed: tuple[tuple[str, str], ...] = ()):
    """A collapsible group; its controls are only built while it is open (keeps every re-render cheap)."""
    is_open = solara.use_reactive(False)
    defaults = registry.defaults()
    changed = sum(values[p.name].value != defaults[p.name] for p in parameters)
    mark = f" · {changed} changed" if changed else ""
    solara.Button(f"{step_title(step)} ({len(parameters)}){mark}", text=True, block=True,
                  icon_name="mdi-chevron-down" if is_open.value else "mdi-chevron-right",
                  on_click=lambda: is_open.set(not is_open.value), classes=[f"group-{step}"],
                  style={"justify-content": "flex-start", "text-transform": "none"})
    if is_open.value:
        with solara.Column(gap="0px", style={"padding": "0 8px 8px 16px"}):
            why = dict(fixed)
            for parameter in parameters:
                ParameterControl(parameter, values[parameter.name],
                                 note=NEEDS_RESET if parameter.name in pending else "",
                                 fixed_by=why.get(parameter.name, ""))


NEEDS_RESET = "needs Reset to take effect"
FIXED_BY_TABLE = "fixed by the alliance table"


@solara.component
def ParameterGroups(values: dict[str, solara.Reactive], exclude: tuple[str, ...] = (), pending: tuple[str, ...] = (),
                    fixed: tuple[tuple[str, str], ...] = ()):
    """Every parameter but ``exclude``, one collapsible group per Learning Alliance step; ``fixed`` pairs
    (name, why) are parameters an alliance table fixes (shown disabled)."""
    solara.Style(CONTROL_CSS)
    with solara.Column(gap="0px"):
        for step, parameters in parameters_by_step().items():
            shown = [p for p in parameters if p.name not in exclude]
            if shown:
                names = {p.name for p in shown}
                ParameterGroup(step, shown, values, pending, tuple((n, w) for n, w in fixed if n in names))
