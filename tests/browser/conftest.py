"""Real-browser test harness: a `solara run` server on a free port, Debian Chromium through Playwright.

Fixtures
- ``dashboard_server``: the dashboard (dashboard/app.py) served by ``solara run`` for the whole session;
  a :class:`browser_harness.SolaraServer` with ``url`` and ``log_text()``.
- ``browser_type_launch_args``: pytest-playwright's launch options, pointed at /usr/bin/chromium.
- ``watched_page``: pytest-playwright's ``page`` that fails the test on any uncaught page error.
Helpers (browser_harness.py): ``save_screenshot`` (into test-artifacts/), ``cdn_misses`` (front-end files
the offline asset cache did not have).

Do not call a fixture ``solara_server``: pytest-ipywidgets (installed with Solara) defines one.
"""

from __future__ import annotations

import pytest

from .browser_harness import (
    ARTIFACTS_DIR, CHROMIUM, CHROMIUM_ARGS, DASHBOARD_APP, require_prerequisites, start_solara, stop_solara,
)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}


@pytest.fixture(scope="session")
def dashboard_server():
    require_prerequisites()
    server = start_solara(DASHBOARD_APP, "dashboard-server")
    yield server
    stop_solara(server)


@pytest.fixture
def watched_page(page):
    """The Playwright page; the test fails if the page throws an uncaught error."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_default_timeout(30_000)
    yield page
    if errors:
        pytest.fail("page errors:\n" + "\n".join(errors), pytrace=False)


@pytest.fixture(autouse=True)
def artifacts_dir():
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    return ARTIFACTS_DIR
