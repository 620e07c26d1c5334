"""How the server answers a URL that matches no page: a friendly not-found page with status 404.

Solara's page endpoint (``solara.server.starlette.root``, served at ``/``, ``/{fullpath}`` and, after the
static mounts, ``/{fullpath:path}``) asks Solara's router whether the path can be a page. When the first path
part names no page (``/nope``, ``/presets%00``, ``/../etc``), the router finds nothing and the endpoint raises
Starlette's 404, which Starlette answers with the plain text "Page not found by Solara router". Solara has no
catch-all route (its router matches path parts literally; see ``solara/routing.py``), so the app cannot render a
page for such a path. :func:`install` therefore wraps that endpoint: a 404 from it becomes
:func:`not_found_html`, a small self-contained page (no script, no request to any host) with the same words
and links as the in-app ``NotFound`` page. Paths that start with a page's own part (``/studies/x``) still reach
the app, whose ``routed`` pages show ``NotFound`` inside the tabs.

:func:`install` runs when ``dashboard/app.py`` is executed by the server (``solara run``, production mode, as
``make dashboard`` does); it changes nothing when no Solara server is loaded and is safe to call twice.
"""

from __future__ import annotations

import html
import sys
from collections.abc import Iterable

NOT_FOUND_TITLE = "MUS Learning Alliance · Page not found"


def not_found_html(path: str, pages: Iterable[tuple[str, str]]) -> str:
    """The not-found page for ``path``; ``pages`` are (URL, label) pairs of the app's pages."""
    shown = path if len(path) <= 80 else path[:77] + "..."
    links = "\n".join(f'    <li><a href="{html.escape(url, quote=True)}">{html.escape(label)}</a></li>'
                      for url, label in pages)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{html.escape(NOT_FOUND_TITLE)}</title>
  <style>
    body {{ font-family: Roboto, Arial, sans-serif; margin: 0; color: #222; }}
    header {{ background: #1976d2; color: #fff; padding: 14px 24px; font-size: 20px; }}
    main {{ max-width: 700px; padding: 24px; font-size: 18px; }}
    a {{ color: #1976d2; font-weight: 500; }}
    li {{ margin: 8px 0; }}
  </style>
</head>
<body class="not-found">
  <header>MUS Learning Alliance</header>
  <main>
  <h2>Page not found</h2>
  <p>There is no page at {html.escape(shown)}. Pick a page:</p>
  <ul>
{links}
  </ul>
  </main>
</body>
</html>
"""


def typed_path(scope) -> str:
    """The path as the user typed it (still percent-encoded, so ``%00`` shows as ``%00``), printable only."""
    raw = scope.get("raw_path")
    path = raw.decode("ascii", errors="replace") if isinstance(raw, bytes) else str(scope.get("path", ""))
    return "".join(c if c.isprintable() else "?" for c in path.split("?", 1)[0])


def hide_solara_banner() -> bool:
    """No "This website runs on Solara" badge over the page (it covered the narration on a projector);
    ``SOLARA_THEME_SHOW_BANNER=false`` says the same to a server started by other means."""
    settings = sys.modules.get("solara.server.settings")
    if settings is None:
        return False
    settings.theme.show_banner = False
    return True


def install(pages: Iterable[tuple[str, str]]) -> bool:
    """Answer Solara's "no such page" 404 with :func:`not_found_html`; True when the server's routes changed."""
    server = sys.modules.get("solara.server.starlette")
    if server is None or not hasattr(server, "app"):
        return False
    from starlette.exceptions import HTTPException
    from starlette.requests import Request
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    pages = list(pages)
    solara_root = server.root

    async def page_or_not_found(request: Request, fullpath: str = ""):
        try:
            return await solara_root(request)
        except HTTPException as error:
            if error.status_code != 404:
                raise
            return HTMLResponse(not_found_html(typed_path(request.scope), pages), status_code=404)

    page_or_not_found.dashboard_not_found = True
    routes = server.app.router.routes
    changed = False
    for index, route in enumerate(routes):
        if isinstance(route, Route) and route.endpoint is solara_root:
            routes[index] = Route(route.path, endpoint=page_or_not_found, methods=route.methods, name=route.name)
            changed = True
    return changed
