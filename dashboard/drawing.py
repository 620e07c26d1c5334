"""The three-layer drawing of the Learning Alliance.

National organisations sit on top, district organisations in the middle (one column per district), the
communities at the bottom: pilot communities (that can join a community platform) above the faded
communities outside the alliance. Stakeholders are coloured by adoption stage or by membership, sized by
power, marginalised groups are ringed, and ties are shaded by trust.

Positions depend only on each stakeholder's level, district and whether it is outside the alliance, so the
layout is computed once per population and stays put across steps and resets. No random draw is made here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

import model

from .charts import canvas_to_png

Level, Stage, Membership = model.Level, model.Stage, model.Membership

STAGE_COLOURS = {
    Stage.UNAWARE: "#cfcfcf",
    Stage.KNOWLEDGE: "#9ecae1",
    Stage.PERSUASION: "#3182bd",
    Stage.DECISION: "#fd8d3c",
    Stage.IMPLEMENTATION: "#31a354",
    Stage.CONFIRMATION: "#00441b",
}
MEMBERSHIP_COLOURS = {
    Membership.OUTSIDE: "#d9d9d9",
    Membership.NOT_INVITED: "#969696",
    Membership.MEMBER: "#2171b5",
    Membership.DROPPED: "#cb181d",
}
COLOUR_SCHEMES = {"stage": (Stage, STAGE_COLOURS), "membership": (Membership, MEMBERSHIP_COLOURS)}

# Vertical bands (bottom, top) of each row of the drawing.
BANDS = {
    "national": (3.05, 3.55),
    "district": (2.05, 2.6),
    "pilot": (1.0, 1.7),
    "outside": (-0.05, 0.8),
}
BAND_LABELS = {"national": "National", "district": "District", "pilot": "Pilot\ncommunities",
               "outside": "Outside\ncommunities"}
COLUMN_GAP = 0.12
OUTSIDE_ALPHA = 0.35
TIE_RGB = (0.13, 0.25, 0.45)
FIGSIZE = (8.0, 4.6)
DPI = 90


@dataclass(frozen=True)
class Snapshot:
    """What the drawing needs from the model at one step (arrays ordered by Stakeholder.index)."""

    step: int
    level: np.ndarray
    district: np.ndarray
    outside: np.ndarray
    power: np.ndarray
    marginalised: np.ndarray
    stage: np.ndarray
    membership: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    trust: np.ndarray

    @property
    def structure(self) -> tuple:
        """Key of the population's shape: equal keys give equal layouts."""
        return (self.level.tobytes(), self.district.tobytes(), self.outside.tobytes())


def read_snapshot(alliance) -> Snapshot:
    """Read the public state of every stakeholder and tie."""
    agents = sorted(alliance.agents, key=lambda a: a.index)
    src, dst, trust = alliance.ties()
    membership = np.array([int(a.membership) for a in agents], dtype=np.int8)
    return Snapshot(
        step=int(alliance.steps),
        level=np.array([int(a.level) for a in agents], dtype=np.int8),
        district=np.array([a.district for a in agents], dtype=np.int32),
        outside=membership == Membership.OUTSIDE,
        power=np.array([a.power for a in agents], dtype=float),
        marginalised=np.array([a.marginalised for a in agents], dtype=bool),
        stage=np.array([int(a.stage) for a in agents], dtype=np.int8),
        membership=membership,
        src=np.asarray(src, dtype=np.int64),
        dst=np.asarray(dst, dtype=np.int64),
        trust=np.asarray(trust, dtype=float),
    )


def band_of(level: np.ndarray, outside: np.ndarray) -> np.ndarray:
    return np.where(level == Level.NATIONAL, "national",
                    np.where(level == Level.DISTRICT, "district", np.where(outside, "outside", "pilot")))


def place_in_box(count: int, x0: float, x1: float, y0: float, y1: float, min_rows: int = 1) -> np.ndarray:
    """Spread ``count`` points over a box on a staggered grid (deterministic).

    ``min_rows`` > 1 keeps a few organisations off one straight line, where their ties would overlap.
    """
    if count == 0:
        return np.zeros((0, 2))
    width, height = x1 - x0, y1 - y0
    columns = max(1, min(count, round(math.sqrt(count * width / max(height, 1e-9) * 1.6))))
    columns = max(1, min(columns, math.ceil(count / min(min_rows, count))))
    rows = math.ceil(count / columns)
    k = np.arange(count)
    row, column = k // columns, k % columns
    stagger = np.where(row % 2 == 1, 0.5, 0.0) if rows > 1 and columns > 1 else 0.0
    x = x0 + (column + 0.5 + stagger * (column < columns - 1)) * width / columns
    y = y1 - (row + 0.5) * height / rows if rows > 1 else np.full(count, (y0 + y1) / 2)
    return np.column_stack([x, y])


def place_stakeholders(level: np.ndarray, district: np.ndarray, outside: np.ndarray) -> np.ndarray:
    """(n, 2) positions: one column per district, one band per level, national across the top."""
    n_columns = max(1, int(district.max(initial=-1)) + 1)
    bands = band_of(level, outside)
    positions = np.zeros((len(level), 2))
    for band, (y0, y1) in BANDS.items():
        in_band = bands == band
        if band == "national":
            members = np.flatnonzero(in_band)
            positions[members] = place_in_box(len(members), 0, n_columns - COLUMN_GAP, y0, y1, min_rows=2)
            continue
        for column in range(n_columns):
            # A district-level stakeholder without a district (e.g. a project office) joins column 0.
            members = np.flatnonzero(in_band & (np.maximum(district, 0) == column))
            positions[members] = place_in_box(len(members), column, column + 1 - COLUMN_GAP, y0, y1,
                                              min_rows=2 if band == "district" else 1)
    return positions


@lru_cache(maxsize=8)
def cached_layout(structure: tuple) -> np.ndarray:
    level, district, outside = (np.frombuffer(structure[0], np.int8), np.frombuffer(structure[1], np.int32),
                                np.frombuffer(structure[2], bool))
    positions = place_stakeholders(level, district, outside)
    positions.setflags(write=False)
    return positions


def layout_for(snapshot: Snapshot) -> np.ndarray:
    return cached_layout(snapshot.structure)


def node_colours(snapshot: Snapshot, colour_by: str) -> np.ndarray:
    states, palette = COLOUR_SCHEMES[colour_by]
    values = snapshot.stage if colour_by == "stage" else snapshot.membership
    table = np.array([to_rgba(palette[s]) for s in states])
    colours = table[values]
    colours[snapshot.outside, 3] = OUTSIDE_ALPHA
    return colours


def node_sizes(snapshot: Snapshot) -> np.ndarray:
    return 6.0 + 70.0 * np.clip(snapshot.power, 0.0, 1.0)


def ring_colours(snapshot: Snapshot) -> np.ndarray:
    """Black rings around marginalised groups (faded outside the alliance), none around the others."""
    alpha = np.where(snapshot.marginalised, np.where(snapshot.outside, OUTSIDE_ALPHA, 1.0), 0.0)
    return np.column_stack([np.zeros((len(alpha), 3)), alpha])


def tie_colours(snapshot: Snapshot) -> np.ndarray:
    trust = np.clip(snapshot.trust, 0.0, 1.0)
    colours = np.empty((len(trust), 4))
    colours[:, :3] = TIE_RGB
    colours[:, 3] = 0.04 + 0.5 * trust
    touches_outside = snapshot.outside[snapshot.src] | snapshot.outside[snapshot.dst]
    colours[touches_outside, 3] *= 0.5
    return colours


class AllianceDrawing:
    """A matplotlib figure whose artists are built once per layout and updated at every step."""

    def __init__(self, positions: np.ndarray, n_columns: int):
        self.positions = positions
        self.figure = Figure(figsize=FIGSIZE, dpi=DPI, layout=None)
        self.figure.subplots_adjust(left=0.11, right=0.995, top=0.93, bottom=0.1)
        ax = self.figure.add_subplot()
        self.axes = ax
        ax.set_xlim(-0.05, n_columns + 0.05 - COLUMN_GAP)
        ax.set_ylim(-0.1, 3.65)
        ax.set_xticks([c + (1 - COLUMN_GAP) / 2 for c in range(n_columns)] if n_columns <= 20 else [])
        ax.set_xticklabels([f"District {c + 1}" for c in range(n_columns)] if n_columns <= 20 else [],
                           fontsize=7)
        ax.set_yticks([(y0 + y1) / 2 for y0, y1 in BANDS.values()])
        ax.set_yticklabels(BAND_LABELS.values(), fontsize=8)
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        for column in range(1, n_columns):
            ax.axvline(column - COLUMN_GAP / 2, color="#eeeeee", lw=0.8, zorder=0)
        self.ties = LineCollection([], linewidths=0.5, zorder=1, animated=True)
        ax.add_collection(self.ties)
        self.nodes = ax.scatter(positions[:, 0], positions[:, 1], s=10, zorder=2, animated=True)
        self.title = ax.set_title("", fontsize=10, loc="left", animated=True)
        self.legend_scheme: str | None = None
        self.canvas = FigureCanvasAgg(self.figure)
        self.background = None  # the figure without its animated artists, drawn once per legend

    def update(self, snapshot: Snapshot, colour_by: str) -> None:
        pos = self.positions
        self.ties.set_segments(np.stack([pos[snapshot.src], pos[snapshot.dst]], axis=1))
        self.ties.set_color(tie_colours(snapshot))
        self.nodes.set_facecolor(node_colours(snapshot, colour_by))
        self.nodes.set_sizes(node_sizes(snapshot))
        self.nodes.set_edgecolor(ring_colours(snapshot))
        self.nodes.set_linewidths(np.where(snapshot.marginalised, 0.9, 0.0))
        members = int((snapshot.membership == Membership.MEMBER).sum())
        self.title.set_text(f"Month {snapshot.step}  ·  {members} members  ·  colour: {colour_by}")
        if self.legend_scheme != colour_by:
            self.draw_legend(colour_by)

    def draw_legend(self, colour_by: str) -> None:
        states, palette = COLOUR_SCHEMES[colour_by]
        handles = [Line2D([], [], marker="o", ls="", color=palette[s], label=s.name.lower().replace("_", " "))
                   for s in states]
        handles.append(Line2D([], [], marker="o", ls="", markerfacecolor="white", markeredgecolor="black",
                              label="marginalised"))
        self.axes.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.04), ncol=len(handles),
                         fontsize=7, frameon=False, handletextpad=0.2, columnspacing=0.9)
        self.legend_scheme = colour_by
        self.background = None

    def to_png(self) -> bytes:
        """Blit: restore the static background, draw ties, stakeholders and title, encode."""
        if self.background is None:
            self.canvas.draw()
            self.background = self.canvas.copy_from_bbox(self.figure.bbox)
        else:
            self.canvas.restore_region(self.background)
        for artist in (self.ties, self.nodes, self.title):
            self.axes.draw_artist(artist)
        return canvas_to_png(self.canvas)


def new_drawing(snapshot: Snapshot) -> AllianceDrawing:
    n_columns = max(1, int(snapshot.district.max(initial=-1)) + 1)
    return AllianceDrawing(layout_for(snapshot), n_columns)


def render_alliance(
    snapshot: Snapshot, colour_by: str, drawing: AllianceDrawing | None = None
) -> tuple[bytes, AllianceDrawing]:
    """PNG bytes of the alliance; reuses ``drawing`` when it was built for the same layout."""
    if drawing is None or drawing.positions is not layout_for(snapshot):
        drawing = new_drawing(snapshot)
    drawing.update(snapshot, colour_by)
    return drawing.to_png(), drawing
