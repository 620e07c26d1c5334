"""The drawing of the Learning Alliance that a trainer talks through.

National organisations sit on top, each district's organisations and pilot communities in its own column.
- **Platforms** are outlined boxes (the national platform across the top; per district its district platform
  and its community platform), named, and turn red with a "conflict" badge while a conflict is open there.
- **Stakeholders**: the fill is the adoption stage (Rogers), the ring is membership (member, not yet invited,
  left); marginalised groups are diamonds; size grows with power; organisations that champion MUS carry a
  green ▲, those that block it a red ▼.
- **Trust** on ties between members of the same platform is shown in three classes (low, some, high).
- **This month's events** are highlighted on the stakeholders and platforms they name.
- **Outside communities** are summarised per district (how many, share using MUS) instead of drawn one by one.

Positions depend only on each stakeholder's level, district and whether it is outside the alliance, so the
layout is computed once per population and stays put across steps and resets. No random draw is made here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch, Rectangle

import model

from .charts import blit_png

Level, Stage, Membership, Stance = model.Level, model.Stage, model.Membership, model.Stance

STAGE_COLOURS = {
    Stage.UNAWARE: "#e0e0e0",
    Stage.KNOWLEDGE: "#9ecae1",
    Stage.PERSUASION: "#3182bd",
    Stage.DECISION: "#fd8d3c",
    Stage.IMPLEMENTATION: "#31a354",
    Stage.CONFIRMATION: "#00441b",
}
STAGE_WORDS = {Stage.UNAWARE: "unaware", Stage.KNOWLEDGE: "heard of MUS", Stage.PERSUASION: "persuaded",
               Stage.DECISION: "decided", Stage.IMPLEMENTATION: "implementing", Stage.CONFIRMATION: "confirmed"}
RING_COLOURS = {Membership.OUTSIDE: "#bdbdbd", Membership.NOT_INVITED: "#bdbdbd", Membership.MEMBER: "#08306b",
                Membership.DROPPED: "#e31a1c"}
RING_WIDTHS = {Membership.OUTSIDE: 0.6, Membership.NOT_INVITED: 0.6, Membership.MEMBER: 2.0, Membership.DROPPED: 2.0}
RING_WORDS = {Membership.MEMBER: "member", Membership.NOT_INVITED: "not a member", Membership.DROPPED: "left"}
# Trust on a tie, in three classes a room can read: (upper bound, colour, line width, name)
TRUST_CLASSES = ((1 / 3, "#e31a1c", 0.7, "low trust"), (2 / 3, "#9e9e9e", 0.9, "some trust"),
                 (1.01, "#1b7837", 1.8, "high trust"))
CONFLICT_COLOUR = "#d7301f"
HIGHLIGHT_COLOUR = "#ffd600"

# Vertical bands (bottom, top) of each row of the drawing.
BANDS = {
    "national": (3.1, 3.6),
    "district": (2.1, 2.75),
    "pilot": (0.95, 1.8),
    "outside": (0.1, 0.6),
}
BAND_LABELS = {"national": "National", "district": "District", "pilot": "Pilot\ncommunities",
               "outside": "Outside\ncommunities"}
COLUMN_GAP = 0.12
DPI = 100
WIDTH_PX = 840  # the width drawn when the page has not said how wide the drawing is shown
WIDTH_RANGE = (420, 1800)  # px
# Every text is sized in screen pixels at the size the drawing is shown (it is drawn at that size, never scaled):
# legible at the back of a room on a 1024x768 projector. SMALLEST_FONT_PX is the smallest of them.
FONT_PX = 16  # level and district names, the title's month
SMALL_FONT_PX = 14  # platform names, legend, outside summaries, event labels, conflict badges
TITLE_FONT_PX = 18
SMALLEST_FONT_PX = min(FONT_PX, SMALL_FONT_PX, TITLE_FONT_PX)
EVENT_LABELS = 6  # at most this many stakeholders named by this month's events get a label


def points(px: float) -> float:
    """Font size in points that is ``px`` pixels tall in a figure drawn at :data:`DPI`."""
    return px * 72.0 / DPI


FONT = points(FONT_PX)


@dataclass(frozen=True)
class Snapshot:
    """What the drawing needs from the model at one month (arrays ordered by Stakeholder.index)."""

    step: int
    level: np.ndarray
    district: np.ndarray
    outside: np.ndarray
    power: np.ndarray
    marginalised: np.ndarray
    stage: np.ndarray
    membership: np.ndarray
    view: np.ndarray
    is_org: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    trust: np.ndarray
    tie_platform: np.ndarray  # the platform both ends of a tie sit on, or -1
    open_conflicts: np.ndarray  # per platform
    platform_names: tuple[str, ...]
    names: tuple[str, ...]
    events: tuple[dict, ...]  # this month's events

    @property
    def structure(self) -> tuple:
        """Key of the population's shape: equal keys give equal layouts."""
        return (self.level.tobytes(), self.district.tobytes(), self.outside.tobytes())

    @property
    def n_districts(self) -> int:
        return max(1, int(self.district.max(initial=-1)) + 1)

    @property
    def stance(self) -> np.ndarray:
        return np.asarray(model.states.stance_of(self.view))


def read_snapshot(alliance) -> Snapshot:
    """Copy the public state of every stakeholder, tie and platform (call under the model lock)."""
    agents = sorted(alliance.agents, key=lambda a: a.index)
    src, dst, trust = alliance.ties()
    membership = np.array([int(a.membership) for a in agents], dtype=np.int8)
    n_platforms = len(getattr(alliance, "platform_names", ()))
    month = int(alliance.steps)
    return Snapshot(
        step=month,
        level=np.array([int(a.level) for a in agents], dtype=np.int8),
        district=np.array([a.district for a in agents], dtype=np.int32),
        outside=membership == Membership.OUTSIDE,
        power=np.array([a.power for a in agents], dtype=float),
        marginalised=np.array([a.marginalised for a in agents], dtype=bool),
        stage=np.array([int(a.stage) for a in agents], dtype=np.int8),
        membership=membership,
        view=np.array([a.view for a in agents], dtype=float),
        is_org=np.array([not a.is_community for a in agents], dtype=bool),
        src=np.array(src, dtype=np.int64),
        dst=np.array(dst, dtype=np.int64),
        trust=np.array(trust, dtype=float),
        tie_platform=np.array(getattr(alliance, "edge_platform", np.full(len(src), -1)), dtype=np.int64),
        open_conflicts=np.array(getattr(alliance, "open_conflicts", np.zeros(n_platforms)), dtype=np.int64),
        platform_names=tuple(getattr(alliance, "platform_names", ())),
        names=tuple(a.name for a in agents),
        events=tuple(r for r in alliance.events.records if r["step"] == month),
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


INSET = 0.06  # stakeholders sit this far inside their platform's box


def place_stakeholders(level: np.ndarray, district: np.ndarray, outside: np.ndarray) -> np.ndarray:
    """(n, 2) positions: one column per district, one band per level, national across the top.

    Outside communities get the position of their district's summary (they are not drawn one by one)."""
    n_columns = max(1, int(district.max(initial=-1)) + 1)
    bands = band_of(level, outside)
    positions = np.zeros((len(level), 2))
    for band, (y0, y1) in BANDS.items():
        in_band = bands == band
        y0, y1 = y0 + INSET, y1 - INSET - (0.12 if band != "outside" else 0)  # room for the platform's name
        if band == "national":
            members = np.flatnonzero(in_band)
            positions[members] = place_in_box(len(members), INSET, n_columns - COLUMN_GAP - INSET, y0, y1, min_rows=2)
            continue
        for column in range(n_columns):
            # A district-level stakeholder without a district (e.g. a project office) joins column 0.
            members = np.flatnonzero(in_band & (np.maximum(district, 0) == column))
            if band == "outside":
                positions[members] = ((column + column + 1 - COLUMN_GAP) / 2, (y0 + y1) / 2)
                continue
            positions[members] = place_in_box(len(members), column + INSET, column + 1 - COLUMN_GAP - INSET, y0, y1,
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


def platform_boxes(n_columns: int) -> list[tuple[float, float, float, float]]:
    """(x0, y0, x1, y1) of every platform in the model's order: national, district 1..D, community 1..D."""
    boxes = [(0.0, *BANDS["national"][:1], n_columns - COLUMN_GAP, BANDS["national"][1])]
    for band in ("district", "pilot"):
        y0, y1 = BANDS[band]
        boxes += [(float(c), y0, c + 1 - COLUMN_GAP, y1) for c in range(n_columns)]
    return [(x0, y0, x1, y1) for x0, y0, x1, y1 in boxes]


def fill_colours(snapshot: Snapshot) -> np.ndarray:
    table = np.array([_rgba(STAGE_COLOURS[s]) for s in Stage])
    return table[snapshot.stage]


def ring_colours(snapshot: Snapshot) -> np.ndarray:
    table = np.array([_rgba(RING_COLOURS[m]) for m in Membership])
    return table[snapshot.membership]


def ring_widths(snapshot: Snapshot) -> np.ndarray:
    table = np.array([RING_WIDTHS[m] for m in Membership])
    return table[snapshot.membership]


def node_sizes(snapshot: Snapshot) -> np.ndarray:
    return np.where(snapshot.is_org, 40.0, 14.0) + 110.0 * np.clip(snapshot.power, 0.0, 1.0)


def trust_class(trust: np.ndarray) -> np.ndarray:
    """0 low, 1 some, 2 high trust."""
    return np.digitize(np.clip(trust, 0, 1), [c[0] for c in TRUST_CLASSES[:-1]])


def member_ties(snapshot: Snapshot) -> np.ndarray:
    """Mask of ties between two current members of the same platform (the ties whose trust the room sees)."""
    member = snapshot.membership == Membership.MEMBER
    return (snapshot.tie_platform >= 0) & member[snapshot.src] & member[snapshot.dst]


def named_in_events(snapshot: Snapshot) -> tuple[dict[int, str], dict[int, str]]:
    """Stakeholders and platforms named by this month's events: index -> the event's kind."""
    people: dict[int, str] = {}
    platforms: dict[int, str] = {}
    if not snapshot.events:
        return people, platforms
    text_kinds = [(r["text"], r["kind"]) for r in snapshot.events]
    # longest names first, so "district 1" does not also claim "district 12"
    for k in sorted(range(len(snapshot.platform_names)), key=lambda k: -len(snapshot.platform_names[k])):
        for text, kind in text_kinds:
            if snapshot.platform_names[k] and snapshot.platform_names[k] in text:
                platforms.setdefault(k, kind)
    candidates = np.flatnonzero(~snapshot.outside)
    for i in sorted(candidates, key=lambda i: -len(snapshot.names[i])):
        name = snapshot.names[i]
        for text, kind in text_kinds:
            if re.search(rf"{re.escape(name)}(?!\d)", text):
                people.setdefault(int(i), kind)
                break
    return people, platforms


def outside_summary(snapshot: Snapshot) -> list[tuple[int, int, float]]:
    """Per district: (district, outside communities, share of them implementing MUS)."""
    rows = []
    for d in range(snapshot.n_districts):
        these = snapshot.outside & (snapshot.district == d)
        n = int(these.sum())
        share = float((snapshot.stage[these] >= Stage.IMPLEMENTATION).mean()) if n else 0.0
        rows.append((d, n, share))
    return rows


def _rgba(colour: str) -> tuple[float, ...]:
    from matplotlib.colors import to_rgba

    return to_rgba(colour)


def text_width(text, renderer) -> float:
    """Width in pixels of a matplotlib text as drawn."""
    return text.get_window_extent(renderer).width if text.get_text() else 0.0


def text_width_of(probe, words: str, renderer) -> float:
    probe.set_text(words)
    return text_width(probe, renderer)


def fit_text(text, candidates, room_px: float, renderer) -> str:
    """Put the first of ``candidates`` that is at most ``room_px`` wide into ``text`` (the last one otherwise)."""
    for candidate in candidates:
        text.set_text(candidate)
        if text_width(text, renderer) <= room_px:
            return candidate
    return text.get_text()


def overlaps(a, b, pad: float = 1.0) -> bool:
    return not (a.x1 + pad <= b.x0 or b.x1 + pad <= a.x0 or a.y1 + pad <= b.y0 or b.y1 + pad <= a.y0)


class AllianceDrawing:
    """A matplotlib figure drawn at the width the page shows it (``width_px``), its static parts (boxes, names,
    legend) drawn once per layout and its dynamic parts redrawn (blitted) every month.

    Every text is sized in screen pixels (at least :data:`SMALLEST_FONT_PX`) and fitted to its room: a name
    too wide for its column is shortened, an event label that would cover another text is left out (the
    narration tells it), so no text overlaps another or runs out of the picture at any width."""

    def __init__(self, snapshot: Snapshot, width_px: int = WIDTH_PX):
        self.positions = layout_for(snapshot)
        self.platform_names = snapshot.platform_names
        self.width_px = width = int(min(max(width_px, WIDTH_RANGE[0]), WIDTH_RANGE[1]))
        n_columns = snapshot.n_districts
        self.n_columns = n_columns
        self.figure = Figure(figsize=(width / DPI, 5.0), dpi=DPI, layout=None)
        self.canvas = FigureCanvasAgg(self.figure)
        renderer = self.renderer = self.canvas.get_renderer()
        ax = self.axes = self.figure.add_subplot()
        ax.set_xlim(-0.03, n_columns + 0.03 - COLUMN_GAP)
        ax.set_ylim(0.0, 3.7)
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_yticks([(y0 + y1) / 2 for y0, y1 in BANDS.values()])
        ax.set_yticklabels(BAND_LABELS.values(), fontsize=FONT)
        left_px = 12 + max(text_width(t, renderer) for t in ax.get_yticklabels())
        legend = self.draw_legend(width)
        legend_px = legend.get_window_extent(renderer).height
        axes_px = min(340.0, max(250.0, 0.4 * width))  # the whole drawing fits under the buttons on a 768 px high screen
        top_px, ticks_px, gap_px = TITLE_FONT_PX + 16, FONT_PX + 14, 8
        height = top_px + axes_px + ticks_px + legend_px + gap_px
        self.figure.set_size_inches(width / DPI, height / DPI)
        self.figure.subplots_adjust(left=left_px / width, right=1 - 6 / width, top=1 - top_px / height,
                                    bottom=(ticks_px + legend_px + gap_px) / height)
        legend.set_bbox_to_anchor((0.5, 2 / height), transform=self.figure.transFigure)
        axes_width_px = (1 - 6 / width - left_px / width) * width
        self.column_px = column_px = axes_width_px / (n_columns + 0.06 - COLUMN_GAP) * (1 - COLUMN_GAP)
        districts = district_names(snapshot)
        if n_columns <= 12:
            ax.set_xticks([c + (1 - COLUMN_GAP) / 2 for c in range(n_columns)])
            probe = ax.text(0, 0, "", fontsize=FONT)
            room = column_px + COLUMN_GAP * column_px / (1 - COLUMN_GAP) - 6  # a column and its gap

            def fits(names: list[str]) -> bool:
                return all(text_width_of(probe, name, renderer) <= room for name in names)

            options = [districts, [d.split()[0] if d.split() else d for d in districts],
                       [d.replace("District ", "") for d in districts], [str(k + 1) for k in range(n_columns)]]
            shown = next((names for names in options if fits(names)), options[-1])
            probe.remove()
            ax.set_xticklabels(shown, fontsize=FONT)
        else:
            ax.set_xticks([])
        self.boxes, self.badges, self.names = [], [], []
        badge_probe = ax.text(0, 0, "conflict ×9", fontsize=points(SMALL_FONT_PX), fontweight="bold")
        badge_px = text_width(badge_probe, renderer) + 10
        badge_probe.remove()
        for k, (x0, y0, x1, y1) in enumerate(platform_boxes(n_columns)):
            box = FancyBboxPatch((x0, y0), x1 - x0, y1 - y0, boxstyle="round,pad=0,rounding_size=0.04",
                                 fill=True, facecolor="#fafafa", edgecolor="#90a4ae", lw=1.2, zorder=0)
            ax.add_patch(box)
            name = snapshot.platform_names[k] if k < len(snapshot.platform_names) else ""
            label = ax.text(x0 + 0.02, y1 - 0.02, "", fontsize=points(SMALL_FONT_PX), va="top", ha="left",
                            color="#455a64", zorder=1)
            room = (column_px if k else column_px * n_columns) - badge_px - 8
            short = _short_platform_name(name, districts)
            fit_text(label, [short, short.split()[0] if short.split() else short, ""], room, renderer)
            self.names.append(label)
            outline = FancyBboxPatch((x0, y0), x1 - x0, y1 - y0, boxstyle="round,pad=0,rounding_size=0.04",
                                     fill=False, edgecolor=CONFLICT_COLOUR, lw=3, zorder=1, animated=True)
            ax.add_patch(outline)
            self.boxes.append(outline)
            self.badges.append(ax.text(x1 - 0.02, y1 - 0.02, "", fontsize=points(SMALL_FONT_PX), va="top", ha="right",
                                       color="white", fontweight="bold", zorder=6, animated=True,
                                       bbox=dict(boxstyle="round,pad=0.2", fc=CONFLICT_COLOUR, ec="none")))
        y0, y1 = BANDS["outside"]
        self.outside_bars, self.outside_texts = [], []
        for c in range(n_columns):
            ax.add_patch(Rectangle((c, y0 + 0.05), 1 - COLUMN_GAP, 0.14, facecolor="#eeeeee", edgecolor="#bdbdbd",
                                   lw=0.8, zorder=0))
            bar = Rectangle((c, y0 + 0.05), 0, 0.14, facecolor=STAGE_COLOURS[Stage.IMPLEMENTATION], zorder=1,
                            animated=True)
            ax.add_patch(bar)
            self.outside_bars.append(bar)
            self.outside_texts.append(ax.text(c, y0 + 0.26, "", fontsize=points(SMALL_FONT_PX), ha="left",
                                              va="bottom", zorder=2, animated=True))
        self.ties = LineCollection([], zorder=2, animated=True)
        ax.add_collection(self.ties)
        inside = ~snapshot.outside
        self.round_idx = np.flatnonzero(inside & ~snapshot.marginalised)
        self.diamond_idx = np.flatnonzero(inside & snapshot.marginalised)
        self.halo = ax.scatter([np.nan], [np.nan], s=[1.0], c=HIGHLIGHT_COLOUR, alpha=0.8, zorder=3, animated=True, lw=0)
        self.round = ax.scatter(self.positions[self.round_idx, 0], self.positions[self.round_idx, 1], marker="o",
                                zorder=4, animated=True)
        self.diamond = ax.scatter(self.positions[self.diamond_idx, 0], self.positions[self.diamond_idx, 1],
                                  marker="D", zorder=4, animated=True)
        self.champions = ax.scatter([np.nan], [np.nan], marker="^", s=70, zorder=5, animated=True,
                                    edgecolors="white", linewidths=0.6)
        self.blockers = ax.scatter([np.nan], [np.nan], marker="v", s=70, zorder=5, animated=True,
                                   edgecolors="white", linewidths=0.6)
        self.labels = [ax.text(0, 0, "", fontsize=points(SMALL_FONT_PX), zorder=7, animated=True, ha="center",
                               va="bottom", bbox=dict(boxstyle="round,pad=0.15", fc=HIGHLIGHT_COLOUR, ec="none",
                                                      alpha=0.9))
                       for _ in range(EVENT_LABELS)]
        self.title = ax.set_title("", fontsize=points(TITLE_FONT_PX), loc="left", animated=True)
        self.dynamic = [self.ties, *self.boxes, *self.outside_bars, *self.outside_texts, self.halo, self.round,
                        self.diamond, self.champions, self.blockers, *self.badges, *self.labels, self.title]
        self._static_boxes = None
        self.canvas.draw()  # the static parts, once: tick labels get their places, the background is kept
        self.background = self.canvas.copy_from_bbox(self.figure.bbox)

    def draw_legend(self, width: int):
        """The key below the drawing, in as many columns as fit the width."""
        stage = [Line2D([], [], marker="o", ls="", markersize=10, markerfacecolor=STAGE_COLOURS[s],
                        markeredgecolor="none", label=STAGE_WORDS[s]) for s in Stage]
        ring = [Line2D([], [], marker="o", ls="", markersize=10, markerfacecolor="white", markeredgecolor=RING_COLOURS[m],
                       markeredgewidth=RING_WIDTHS[m], label=RING_WORDS[m]) for m in RING_WORDS]
        other = [Line2D([], [], marker="D", ls="", markersize=8, markerfacecolor="white", markeredgecolor="#555555",
                        label="marginalised"),
                 Line2D([], [], marker="^", ls="", markersize=9, color="#1b7837", label="champion"),
                 Line2D([], [], marker="v", ls="", markersize=9, color="#b2182b", label="blocker")]
        trust = [Line2D([], [], color=c, lw=w * 1.5, label=name) for _, c, w, name in TRUST_CLASSES]
        handles = stage + ring + other + trust
        for columns in range(6, 0, -1):
            legend = self.figure.legend(handles=handles, loc="lower center", ncol=columns,
                                        fontsize=points(SMALL_FONT_PX), frameon=False, handletextpad=0.3,
                                        columnspacing=0.9, labelspacing=0.3, bbox_to_anchor=(0.5, 0.0))
            if legend.get_window_extent(self.renderer).width <= width - 8 or columns == 1:
                return legend
            legend.remove()
        return legend

    def static_text_boxes(self) -> list:
        """Screen boxes of the texts drawn once (names, ticks, legend): event labels must not cover them."""
        if self._static_boxes is None:
            r = self.renderer
            texts = [t for t in self.names if t.get_text()]
            texts += [t for t in (*self.axes.get_xticklabels(), *self.axes.get_yticklabels()) if t.get_text()]
            self._static_boxes = [t.get_window_extent(r) for t in texts]
            self._static_boxes.append(self.figure.legends[0].get_window_extent(r))
        return self._static_boxes

    def texts(self) -> list:
        """Every visible, non-empty text of the drawing (for the tests of size and overlap)."""
        found = [*self.names, *self.axes.get_xticklabels(), *self.axes.get_yticklabels(), self.title,
                 *self.badges, *self.outside_texts, *self.labels, *self.figure.legends[0].get_texts()]
        return [t for t in found if t.get_visible() and t.get_text()]

    def update(self, snapshot: Snapshot) -> None:
        pos = self.positions
        renderer = self.renderer
        ties = member_ties(snapshot)
        classes = trust_class(snapshot.trust[ties])
        self.ties.set_segments(np.stack([pos[snapshot.src[ties]], pos[snapshot.dst[ties]]], axis=1))
        self.ties.set_color([TRUST_CLASSES[c][1] for c in classes])
        self.ties.set_linewidths([TRUST_CLASSES[c][2] for c in classes])
        fill, ring, widths, sizes = fill_colours(snapshot), ring_colours(snapshot), ring_widths(snapshot), node_sizes(snapshot)
        for artist, idx in ((self.round, self.round_idx), (self.diamond, self.diamond_idx)):
            artist.set_facecolor(fill[idx])
            artist.set_edgecolor(ring[idx])
            artist.set_linewidths(widths[idx])
            artist.set_sizes(sizes[idx] * (0.8 if artist is self.diamond else 1.0))
        stance = snapshot.stance
        above = np.array([0.0, 0.07])
        for artist, which, colour in ((self.champions, Stance.CHAMPION, "#1b7837"),
                                      (self.blockers, Stance.BLOCKER, "#b2182b")):
            marked = np.flatnonzero(snapshot.is_org & (stance == which))
            artist.set_offsets(pos[marked] + above if len(marked) else np.zeros((0, 2)))
            artist.set_facecolor(colour)
            artist.set_sizes([70.0])
        for k, (box, badge) in enumerate(zip(self.boxes, self.badges)):
            n = int(snapshot.open_conflicts[k]) if k < len(snapshot.open_conflicts) else 0
            box.set_visible(n > 0)
            badge.set_text(f"conflict ×{n}" if n > 1 else ("conflict" if n else ""))
            badge.set_visible(n > 0)
        for (d, n, share), bar, text in zip(outside_summary(snapshot), self.outside_bars, self.outside_texts):
            bar.set_width((1 - COLUMN_GAP) * share)
            fit_text(text, [f"{n} · {share:.0%} use MUS", f"{share:.0%} use MUS", f"{share:.0%}"] if n else ["none"],
                     self.column_px - 2, renderer)
        people, platforms = named_in_events(snapshot)
        shown = [i for i in people if not snapshot.outside[i]]
        self.halo.set_offsets(pos[shown] if shown else np.zeros((0, 2)))
        self.halo.set_sizes(node_sizes(snapshot)[shown] * 3.5 + 120 if shown else [1.0])
        self.halo.set_facecolor(HIGHLIGHT_COLOUR)
        self.place_event_labels([(i, people[i]) for i in shown])
        for k in platforms:  # an event about a platform (a conflict, monitoring) lights its outline
            if k < len(self.boxes) and not self.boxes[k].get_visible():
                self.boxes[k].set_visible(True)
                self.boxes[k].set_edgecolor(HIGHLIGHT_COLOUR if platforms[k] != "conflict" else CONFLICT_COLOUR)
        for k, box in enumerate(self.boxes):
            if k not in platforms and box.get_visible():
                box.set_edgecolor(CONFLICT_COLOUR)
        members = int((snapshot.membership == Membership.MEMBER).sum())
        open_total = int(snapshot.open_conflicts.sum())
        conflicts = f"{open_total} open conflict{'s' if open_total != 1 else ''}"
        fit_text(self.title, [f"Month {snapshot.step}  ·  {members} members  ·  {conflicts}  ·  "
                              f"{len(snapshot.events)} events", f"Month {snapshot.step}  ·  {members} members  ·  "
                              f"{conflicts}", f"Month {snapshot.step}  ·  {members} members", f"Month {snapshot.step}"],
                 self.width_px * 0.98 - self.axes.get_window_extent(renderer).x0, renderer)

    def place_event_labels(self, named: list[tuple[int, str]]) -> None:
        """Label stakeholders named by this month's events above (or below) them, never over another text or
        outside the drawing; a label that fits nowhere is left out (the narration tells every event)."""
        renderer, pos = self.renderer, self.positions
        taken = list(self.static_text_boxes())
        taken += [t.get_window_extent(renderer) for t in (*self.badges, *self.outside_texts, self.title)
                  if t.get_visible() and t.get_text()]
        frame = self.figure.bbox
        for label in self.labels:
            label.set_visible(False)
        free = iter(self.labels)
        label = next(free)
        for i, kind in named:
            if label is None:
                break
            label.set_text(kind)
            label.set_visible(True)
            for dy, va in ((0.1, "bottom"), (-0.1, "top")):
                label.set_position((pos[i, 0], pos[i, 1] + dy))
                label.set_va(va)
                box = label.get_window_extent(renderer).expanded(1.1, 1.2)
                inside = box.x0 >= frame.x0 and box.x1 <= frame.x1 and box.y0 >= frame.y0 and box.y1 <= frame.y1
                if inside and not any(overlaps(box, other) for other in taken):
                    taken.append(box)
                    label = next(free, None)
                    break
            else:
                label.set_visible(False)

    def to_png(self) -> bytes:
        """Blit: restore the static background, draw the visible dynamic artists, encode."""
        return blit_png(self, [a for a in self.dynamic if a.get_visible()])


def district_names(snapshot: Snapshot) -> list[str]:
    """Each district column's name: from the model's district platforms ("Kalinda platform" -> "Kalinda" for an
    alliance table's districts; "District 1" for the generated country)."""
    names = []
    for c in range(snapshot.n_districts):
        platform = snapshot.platform_names[1 + c] if 1 + c < len(snapshot.platform_names) else ""
        names.append(platform[: -len(" platform")] if platform.endswith(" platform") else f"District {c + 1}")
    return names


def _short_platform_name(name: str, districts: list[str] | tuple[str, ...] = ()) -> str:
    """A platform's name without its district (the column says which district)."""
    name = name or ""
    for district in sorted(districts, key=len, reverse=True):
        if name.startswith(district + " "):
            name = name[len(district) + 1:]
            break
    else:
        name = re.sub(r"^[Dd]istrict \d+ ", "", name)
    return name[:1].upper() + name[1:]


def render_alliance(snapshot: Snapshot, current: AllianceDrawing | None = None,
                    width_px: int = WIDTH_PX) -> tuple[bytes, AllianceDrawing]:
    """PNG bytes of the alliance drawn ``width_px`` wide; reuses ``current`` when it was built for the same
    layout and width."""
    if current is None or current.positions is not layout_for(snapshot) or \
            len(current.boxes) != len(platform_boxes(snapshot.n_districts)) or \
            current.platform_names != snapshot.platform_names or \
            current.width_px != int(min(max(width_px, WIDTH_RANGE[0]), WIDTH_RANGE[1])):
        current = AllianceDrawing(snapshot, width_px)
    current.update(snapshot)
    return current.to_png(), current
