"""The dashboard's session state: the live alliance, its parameters and the loaded teaching preset.

Solara scopes module-level reactive values to each browser session (virtual kernel), so two trainers on
the same server each get their own alliance. Tests call :func:`restart_session` to start from scratch.
"""

from __future__ import annotations

import threading
from typing import Any

import solara

import model
from model import registry

from . import controls

parameter_values: dict[str, solara.Reactive] = controls.new_parameter_values()
seed = solara.reactive(0)
alliance = solara.reactive(None)  # the live model.LearningAlliance, built on first view or on Reset
tick = solara.reactive(0)  # bumped after every step, so views of the (mutated in place) model re-render
playing = solara.reactive(False)
colour_by = solara.reactive("stage")
reset_error = solara.reactive(None)  # one-line message when the parameters are refused
preset = solara.reactive(None)  # the model.Scenario loaded from the teaching presets, if any

# Stepping and resetting must not interleave (Play runs in a worker thread).
model_lock = threading.RLock()


def current_overrides() -> dict[str, Any]:
    """Parameter values that differ from the registry's defaults."""
    defaults = registry.defaults()
    return {name: value for name, value in controls.read_values(parameter_values).items() if value != defaults[name]}


def reset_alliance() -> None:
    """Build a new alliance from the controls and the seed (refused values leave the old one)."""
    playing.set(False)
    try:
        params = registry.resolve(current_overrides())
        built = model.build_model(params=params, seed=int(seed.value))
    except (model.ConfigError, ValueError) as err:  # ValueError: a seed numpy refuses (e.g. negative)
        reset_error.set(str(err).splitlines()[0] if str(err) else type(err).__name__)
        return
    with model_lock:
        reset_error.set(None)
        alliance.set(built)
        tick.set(tick.value + 1)


def ensure_alliance() -> None:
    if alliance.value is None:
        reset_alliance()


def step_alliance(months: int = 1) -> None:
    with model_lock:
        live = alliance.value
        if live is None:
            return
        for _ in range(months):
            live.step()
        tick.set(tick.value + 1)


def start_playing() -> None:
    playing.set(True)


def pause_playing() -> None:
    playing.set(False)


def set_parameters(values: dict[str, Any]) -> None:
    """Put every control at ``values`` (missing names at their defaults)."""
    start = registry.defaults() | values
    for name, reactive in parameter_values.items():
        reactive.set(start[name])


def restore_defaults() -> None:
    set_parameters({})
    preset.set(None)


def load_preset(scenario) -> None:
    """Put a teaching preset's parameters and seed in the controls and start a fresh alliance with them."""
    set_parameters(registry.resolve(scenario.params))
    seed.set(int(scenario.seed))
    preset.set(scenario)
    reset_alliance()


def restart_session() -> None:
    """Everything back to the start (used by tests)."""
    playing.set(False)
    set_parameters({})
    seed.set(0)
    alliance.set(None)
    tick.set(0)
    colour_by.set("stage")
    reset_error.set(None)
    preset.set(None)
