"""The MUS Learning Alliance dashboard: `solara run dashboard/app.py` (or `make dashboard`).

Pages: Live alliance (watch and steer one alliance), Teaching presets (read-aloud scenarios), Compare (two
scenarios over many replicates) and Study explorer (figures and tables of studies under results/).
"""

import solara
import solara.lab

from dashboard.compare import ComparePage
from dashboard.live import LivePage
from dashboard.presets import PresetsPage
from dashboard.studies import StudyPage


@solara.component
def Layout(children=[]):
    """The app bar with one labelled tab per page (AppLayout's own tabs would show the paths)."""
    with solara.AppLayout(title="MUS Learning Alliance", navigation=True) as main:
        with solara.AppBar():
            with solara.lab.Tabs(background_color="primary", dark=True, align="center"):
                for route in routes:
                    solara.lab.Tab(route.label, path_or_route=route)
        for child in children:
            solara.display(child)
    return main


routes = [
    solara.Route(path="/", component=LivePage, label="Live alliance", layout=Layout),
    solara.Route(path="presets", component=PresetsPage, label="Teaching presets"),
    solara.Route(path="compare", component=ComparePage, label="Compare"),
    solara.Route(path="studies", component=StudyPage, label="Study explorer"),
]
