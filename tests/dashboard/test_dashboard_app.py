"""The app module `solara run dashboard/app.py` serves: four labelled pages, each reachable by its path."""

from __future__ import annotations

import ipyvuetify as v
import pytest
import solara
from solara.autorouting import RenderPage

from dashboard import app

PAGES = {"/": "Live alliance", "/presets": "Teaching presets", "/compare": "Compare", "/studies": "Study explorer"}


def page_text(rc) -> str:
    """Plain texts and Markdown sources of every widget on the page."""
    texts = [str(w.children) for w in rc.find(v.Html).widgets]
    texts += [str(getattr(w, "md", "")) for w in rc.find().widgets]
    return " ".join(texts)


def test_routes_are_the_four_pages_with_their_labels():
    assert [r.label for r in app.routes] == list(PAGES.values())
    assert [("/" if r.path == "/" else f"/{r.path}") for r in app.routes] == list(PAGES)


@pytest.mark.parametrize("path, heading", [
    ("/", "Set-up"), ("/presets", "Teaching presets"), ("/compare", "Compare two scenarios"),
    ("/studies", "Study explorer"),
])
def test_each_path_renders_its_page_inside_the_labelled_tabs(path, heading):
    routing = solara.RoutingProvider(children=[RenderPage()], routes=app.routes, pathname=path)
    _, rc = solara.render(routing, handle_error=False)
    try:
        tabs = [w.children[0] for w in rc.find(v.Tab).widgets]
        assert tabs == list(PAGES.values())
        assert heading in page_text(rc)
    finally:
        rc.close()
