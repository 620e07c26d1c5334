"""Page 2, "Teaching presets": scenario files a trainer picks, reads aloud and loads into the live alliance."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import solara

import model
from model import registry

from . import state
from .labels import parameter_label

REPO_ROOT = Path(__file__).resolve().parents[1]
TEACHING_DIR = REPO_ROOT / "configs" / "teaching"


@dataclass(frozen=True)
class Preset:
    """One file of the teaching folder: its scenario, or the one-line reason it cannot be used."""

    path: Path
    scenario: object | None = None
    error: str | None = None

    @property
    def label(self) -> str:
        return self.scenario.name if self.scenario is not None else f"{self.path.name} (cannot be loaded)"


def read_preset(path: Path) -> Preset:
    try:
        return Preset(path, scenario=model.load_scenario(path))
    except model.ConfigError as err:
        return Preset(path, error=str(err))


def discover_presets(folder: Path = TEACHING_DIR) -> list[Preset]:
    """Every *.toml in ``folder``, sorted by file name; broken files are kept with their error."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return [read_preset(path) for path in sorted(folder.glob("*.toml"))]


def flowing_text(text: str) -> str:
    """Paragraphs of ``text`` with the TOML file's hard line breaks removed (blank lines kept)."""
    paragraphs = [" ".join(line.strip() for line in block.splitlines()) for block in text.strip().split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)


def value_words(parameter, value) -> str:
    """A parameter's value in plain words: a choice with spaces for underscores, a number as it reads."""
    if parameter.kind == "choice":
        return str(value).replace("_", " ")
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def changes_table(scenario) -> list[dict]:
    """The registry parameters the preset changes (its alliance table, if any, is not a parameter: see
    :func:`alliance_table_line`)."""
    defaults = registry.defaults()
    return [
        {"parameter": name, "label": parameter_label(registry.REGISTRY[name]), "default": defaults[name],
         "preset": value, "default_words": value_words(registry.REGISTRY[name], defaults[name]),
         "preset_words": value_words(registry.REGISTRY[name], value), "meaning": registry.REGISTRY[name].meaning}
        for name, value in scenario.params.items() if name in registry.REGISTRY
    ]


def alliance_table_line(scenario) -> str | None:
    """What the preset's stakeholder table is, when it names one (``[population] table``)."""
    table = scenario.params.get(registry.TABLE)
    if table is None:
        return None
    return (f"Alliance table: {table.source.path.name} — {len(table.names)} stakeholders in "
            f"{len(table.districts)} district(s); loading the preset builds that alliance.")


def open_live_page(router) -> None:
    if getattr(router, "set_path", None) is not None:  # inside the app's routes (not in a bare render)
        router.push("/")


@solara.component
def PresetDetails(preset: Preset, on_load):
    if preset.error is not None:
        solara.Error(f"This preset cannot be used: {preset.error}", classes=["preset-error"])
        return
    scenario = preset.scenario
    with solara.Card(scenario.name, subtitle=f"{preset.path.name} · {scenario.steps} months · "
                                             f"{scenario.replicates} replicates · seed {scenario.seed}"):
        solara.Markdown("**Read aloud**")
        solara.Text(flowing_text(scenario.description) or "(no description)", classes=["preset-description"],
                    style={"font-size": "1.15em", "line-height": "1.5", "white-space": "pre-wrap", "display": "block"})
        table_line = alliance_table_line(scenario)
        if table_line:
            solara.Text(table_line, classes=["preset-table"], style={"display": "block", "font-weight": "500"})
        rows = changes_table(scenario)
        solara.Markdown(f"**What differs from the defaults** ({len(rows)} parameter(s))")
        for row in rows:
            solara.Text(f"{row['label']}: {row['default_words']} → {row['preset_words']} — {row['meaning']}",
                        style={"display": "block", "font-size": "15px"})
        solara.Button("Load into Live alliance", icon_name="mdi-upload", color="primary", on_click=on_load,
                      classes=["load-preset-button"], style={"margin-top": "12px"})


@solara.component
def PresetsPage(folder: Path = TEACHING_DIR):
    solara.Title("MUS Learning Alliance · Teaching presets")
    presets = solara.use_memo(lambda: discover_presets(folder), [str(folder)])
    labels = [p.label for p in presets]
    chosen, set_chosen = solara.use_state(labels[0] if labels else None)
    loaded, set_loaded = solara.use_state(None)
    router = solara.use_router()
    with solara.Column(style={"max-width": "900px"}):
        solara.Markdown("## Teaching presets\nPick a scenario, read its text to the group, then load it into "
                        "the live alliance and watch together.")
        if not presets:
            solara.Warning(f"No teaching presets (*.toml) in {folder}.")
            return
        solara.Select(label="Preset", values=labels, value=chosen, on_value=set_chosen)
        preset = presets[labels.index(chosen)] if chosen in labels else presets[0]

        def load():
            state.load_preset(preset.scenario)
            set_loaded(preset.scenario.name)
            open_live_page(router)

        PresetDetails(preset, on_load=load)
        if loaded:
            solara.Success(f"Loaded “{loaded}” into the Live alliance (seed {state.seed.value}).")
