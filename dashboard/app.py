"""The MUS Learning Alliance dashboard: `solara run dashboard/app.py --production` (or `make dashboard`).

Pages: Live alliance (watch, steer and branch one alliance), Teaching presets (read-aloud scenarios), Compare
(two scenarios over many replicates), Study explorer (figures and tables of studies under results/), and the
role-play pages Workshop (the trainer) and Play (trainees; dashboard/roleplay.py).

A page is added by appending one :class:`Page` to :data:`PAGES`. Every page is served through
:func:`routed`, so a URL with extra parts (``/studies/x``, ``/presets/x/y``) shows the friendly not-found page
instead of passing the parts to the page as arguments. A path whose first part names no page (``/nope``) never
reaches the app: :mod:`dashboard.serving` answers it with the same not-found words and links, status 404.
"""

from __future__ import annotations

from dataclasses import dataclass

import solara
import solara.lab

import model
from dashboard import serving, state
from dashboard.compare import ComparePage
from dashboard.live import LivePage
from dashboard.presets import PresetsPage
from dashboard.roleplay import PlayPage, WorkshopPage
from dashboard.studies import StudyPage


# The model's compiled loops are loaded (on a new checkout: compiled, about half a minute) when the dashboard
# starts, not at the first Play of the first page: three simulated years of a run alone reach them all.
model.run_model(steps=36)


@dataclass(frozen=True)
class Page:
    path: str  # "/" or one path part
    label: str
    component: object


PAGES = [
    Page("/", "Live alliance", LivePage),
    Page("presets", "Teaching presets", PresetsPage),
    Page("compare", "Compare", ComparePage),
    Page("studies", "Study explorer", StudyPage),
    Page("workshop", "Workshop", WorkshopPage),
    Page("play", "Play", PlayPage),
]


@solara.component
def NotFound(path: str = ""):
    solara.Title("MUS Learning Alliance · Page not found")
    router = solara.use_router()
    path = getattr(router, "path", None) or path
    with solara.Column(style={"max-width": "700px"}, classes=["not-found"]):
        solara.Markdown("## Page not found")
        solara.Text(f"There is no page at {path or 'this address'}. Pick a page from the tabs above:",
                    style={"display": "block"})
        for url, label in page_links():
            with solara.Link(url):
                solara.Button(label, text=True, color="primary")


def routed(page: Page):
    """The page's component, or the not-found page when the URL has parts after the page's own."""

    @solara.component
    def Routed(*extra):
        if extra:
            base = "" if page.path == "/" else f"/{page.path}"
            return NotFound(f"{base}/{'/'.join(str(part) for part in extra)}")
        return page.component()

    Routed.__name__ = f"Routed{page.component.__name__}"
    return Routed


@solara.component
def Layout(children=[]):
    """The app bar with one labelled tab per page; the sidebar starts closed in the presenter layout."""
    with solara.AppLayout(title="MUS Learning Alliance", navigation=True,
                          sidebar_open=not state.presenter.value) as main:
        with solara.AppBar():
            with solara.lab.Tabs(background_color="primary", dark=True, align="center"):
                for route in routes:
                    solara.lab.Tab(route.label, path_or_route=route)
        for child in children:
            solara.display(child)
    return main


routes = [
    solara.Route(path=page.path, component=routed(page), label=page.label, layout=Layout if page.path == "/" else None)
    for page in PAGES
]


def page_links() -> list[tuple[str, str]]:
    """(URL, label) of every page, for the not-found pages."""
    return [("/" if page.path == "/" else f"/{page.path}", page.label) for page in PAGES]


serving.install(page_links())  # only changes anything inside a running Solara server
serving.hide_solara_banner()
