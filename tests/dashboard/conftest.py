"""Fast dashboard tests: pages rendered with ``solara.render`` (no server, no browser)."""

from __future__ import annotations

import time

import ipyvuetify as v
import ipywidgets
import pytest
import solara

from dashboard import state


class UI:
    """Finds and drives widgets of one rendered page."""

    def __init__(self, rc):
        self.rc = rc

    def button(self, css_class: str):
        return self.rc.find(v.Btn, class_=css_class).widget

    def button_labelled(self, label: str):
        return self.rc.find(v.Btn, children=[label]).widget

    def text(self, css_class: str) -> str:
        return self.rc.find(v.Html, class_=css_class).widget.children[0]

    def slider(self, label: str):
        return self.rc.find(v.Slider, label=label).widget

    def select(self, label: str):
        return self.rc.find(v.Select, label=label).widget

    def alerts(self, kind: str) -> list[str]:
        """Texts of the alerts of one type ("error", "warning", "info", "success") on the page."""
        return [" ".join(str(c) for c in w.children) for w in self.rc.find(v.Alert, type=kind).widgets]

    def images(self, css_class: str | None = None) -> list[bytes]:
        """PNG/SVG bytes of the page's images (those with ``css_class`` only, when given)."""
        widgets = self.rc.find(ipywidgets.Image).widgets
        return [bytes(w.value) for w in widgets if css_class is None or css_class in w._dom_classes]

    def image(self, css_class: str) -> bytes:
        (found,) = self.images(css_class)
        return found

    def wait_until(self, condition, timeout: float = 30.0, what: str = "condition") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.05)
        pytest.fail(f"timed out after {timeout} s waiting for {what}")


@pytest.fixture(autouse=True)
def fresh_session():
    state.restart_session()
    yield
    state.playing.set(False)
    state.restart_session()


@pytest.fixture
def render_page():
    """Render a page component inside an AppLayout (its Sidebar only mounts there); returns a UI."""
    contexts = []

    def render(page) -> UI:
        _, rc = solara.render(solara.AppLayout(children=[page]), handle_error=False)
        contexts.append(rc)
        return UI(rc)

    yield render
    state.playing.set(False)
    for rc in contexts:
        rc.close()
