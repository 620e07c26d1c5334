"""The app module `solara run dashboard/app.py` serves: four labelled pages, each reachable by its path."""

from __future__ import annotations

import ipyvuetify as v
import pytest
import solara
from solara.autorouting import RenderPage

from dashboard import app

PAGES = {"/": "Live alliance", "/presets": "Teaching presets", "/compare": "Compare", "/studies": "Study explorer",
         "/workshop": "Workshop", "/play": "Play"}


def page_text(rc) -> str:
    """Plain texts and Markdown sources of every widget on the page."""
    texts = [str(w.children) for w in rc.find(v.Html).widgets]
    texts += [str(getattr(w, "md", "")) for w in rc.find().widgets]
    return " ".join(texts)


def test_routes_are_the_four_pages_with_their_labels():
    assert [r.label for r in app.routes] == list(PAGES.values())
    assert [("/" if r.path == "/" else f"/{r.path}") for r in app.routes] == list(PAGES)


@pytest.mark.parametrize("path, heading", [
    ("/", "Workshop levers"), ("/presets", "Teaching presets"), ("/compare", "Compare two scenarios"),
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


@pytest.mark.parametrize("path", ["/studies/anything", "/presets/x", "/compare/x", "/studies/a/b/c", "/presets/../etc"])
def test_extra_path_parts_show_the_not_found_page_not_a_traceback(path):
    routing = solara.RoutingProvider(children=[RenderPage()], routes=app.routes, pathname=path)
    _, rc = solara.render(routing, handle_error=False)  # handle_error=False: any exception fails the test
    try:
        text = page_text(rc)
        assert "Page not found" in text and "There is no page at" in text
        assert "Traceback" not in text and str(app.__file__) not in text
    finally:
        rc.close()


def test_the_server_not_found_page_links_every_page_and_escapes_the_typed_path():
    from dashboard import serving

    page = serving.not_found_html("/<script>alert(1)</script>", app.page_links())
    assert "<script>" not in page and "&lt;script&gt;" in page  # a typed path cannot inject markup
    for url, label in zip(PAGES, PAGES.values()):
        assert f'<a href="{url}">{label}</a>' in page
    assert "http" not in page  # self-contained: nothing to fetch from any host
