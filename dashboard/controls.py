"""Controls for every model parameter, generated from the registry and grouped by Learning Alliance step.

Numbers get sliders (integer or float), choices get selects. Nothing about a parameter is written here: its
label, range, unit and meaning all come from :data:`model.registry.PARAMETERS`.
"""

from __future__ import annotations

import math
from typing import Any

import solara

from model import registry

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
SLIDER_POSITIONS = 200
# Put a slider's label above its track, so long parameter names do not squeeze the track.
CONTROL_CSS = """
.parameter-control .v-input__slider .v-input__slot { flex-wrap: wrap; }
.parameter-control .v-input__slider .v-input__slot > .v-label { width: 100%; margin-bottom: -6px; font-size: 0.85em; }
.parameter-control .v-input { margin-top: 0; }
"""  # a float slider has about this many positions over its range


def step_title(step: registry.SeedStep) -> str:
    return STEP_TITLES.get(str(step), str(step).replace("_", " ").capitalize())


def parameters_by_step() -> dict[registry.SeedStep, list[registry.Parameter]]:
    """The registry's parameters grouped by seed step, in the registry's order."""
    groups: dict[registry.SeedStep, list[registry.Parameter]] = {}
    for parameter in registry.PARAMETERS:
        groups.setdefault(parameter.step, []).append(parameter)
    return groups


def control_label(parameter: registry.Parameter) -> str:
    unit = "" if parameter.unit in ("-", "category") else f" ({parameter.unit})"
    return f"{parameter.name}{unit}"


def is_multiple(value: float, step: float) -> bool:
    ratio = value / step
    return abs(ratio - round(ratio)) < 1e-6


def slider_step(parameter: registry.Parameter) -> float:
    """A round step (1, 5 or 2 x 10^k) giving ~SLIDER_POSITIONS positions that hits the default and bounds."""
    if parameter.kind == "int":
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
def ParameterInput(parameter: registry.Parameter, value: solara.Reactive):
    """The bare slider or select of ``parameter``."""
    label = control_label(parameter)
    if parameter.kind == "choice":
        solara.Select(label=label, values=list(parameter.choices), value=value)
    elif parameter.kind == "int":
        solara.SliderInt(label=label, value=value, min=int(parameter.low), max=int(parameter.high), step=1,
                         thumb_label=False)
    else:
        solara.SliderFloat(label=label, value=value, min=parameter.low, max=parameter.high,
                           step=slider_step(parameter), thumb_label=False)


@solara.component
def ParameterControl(parameter: registry.Parameter, value: solara.Reactive):
    """A parameter's input with its current value and, on hover, its meaning and range."""
    with solara.Tooltip(f"{parameter.meaning} Range {parameter.range_text}; default {parameter.default}."):
        with solara.Row(gap="6px", style={"align-items": "flex-end"}, classes=["parameter-control"]):
            with solara.Div(style={"flex-grow": "1"}):
                ParameterInput(parameter, value)
            if parameter.kind != "choice":
                solara.Text(f"{value.value:g}", style={"min-width": "3.5em", "font-size": "0.8em"})


def new_parameter_values(values: dict[str, Any] | None = None) -> dict[str, solara.Reactive]:
    """One reactive value per registry parameter, at its default or at ``values``."""
    start = registry.defaults() | dict(values or {})
    return {name: solara.reactive(start[name]) for name in registry.REGISTRY}


def read_values(values: dict[str, solara.Reactive]) -> dict[str, Any]:
    return {name: reactive.value for name, reactive in values.items()}


def changed_names(values: dict[str, solara.Reactive]) -> list[str]:
    defaults = registry.defaults()
    return [name for name, reactive in values.items() if reactive.value != defaults[name]]


@solara.component
def ParameterGroup(step: registry.SeedStep, parameters: list[registry.Parameter], values: dict[str, solara.Reactive]):
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
            for parameter in parameters:
                ParameterControl(parameter, values[parameter.name])


@solara.component
def ParameterGroups(values: dict[str, solara.Reactive]):
    """Every parameter, one collapsible group per Learning Alliance step."""
    solara.Style(CONTROL_CSS)
    with solara.Column(gap="0px"):
        for step, parameters in parameters_by_step().items():
            ParameterGroup(step, parameters, values)
