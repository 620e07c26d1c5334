"""Helpers of the real-browser tests: start and stop `solara run`, screenshots, offline-cache misses.

The fixtures that use them are in conftest.py (test files import them from here).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
ASSETS_DIR = REPO_ROOT / ".cache" / "solara-assets"
ARTIFACTS_DIR = REPO_ROOT / "test-artifacts"
DASHBOARD_APP = REPO_ROOT / "dashboard" / "app.py"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
SERVER_START_TIMEOUT_S = 90
SOLARA = Path(sys.executable).with_name("solara")


@dataclass
class SolaraServer:
    url: str
    process: subprocess.Popen
    log_path: Path

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def pick_free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment() -> dict[str, str]:
    env = dict(os.environ)
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "false"
    env["SOLARA_THEME_SHOW_BANNER"] = "false"  # dashboard/app.py hides it too; the browser test checks it
    env["SOLARA_ASSETS_PROXY_CACHE_DIR"] = str(ASSETS_DIR)
    env["MPLBACKEND"] = "Agg"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH", "")]))
    return env


def require_prerequisites() -> None:
    if not SOLARA.is_file():
        pytest.fail(f"{SOLARA} not found: run `make install`", pytrace=False)
    if not (ASSETS_DIR / ".complete").is_file():
        pytest.fail(f"offline Solara assets missing in {ASSETS_DIR}: run `make assets`", pytrace=False)
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} not found: run `make chromium`", pytrace=False)


def is_answering(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def start_solara(app: Path, log_name: str) -> SolaraServer:
    """Start ``solara run app`` on a free port; return once it answers, or fail with its log."""
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    port = pick_free_port()
    url = f"http://127.0.0.1:{port}/"
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # one log per xdist worker, replaced every session
    log_path = ARTIFACTS_DIR / (f"{log_name}-{worker}.log" if worker else f"{log_name}.log")
    command = [
        str(SOLARA), "run", str(app), "--production", "--host", "127.0.0.1", "--port", str(port), "--no-open",
        "--log-level-uvicorn", "info",  # access log: lets tests see every /_solara/cdn/ request
    ]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=server_environment(), stdout=log, stderr=subprocess.STDOUT,
        )
    server = SolaraServer(url, process, log_path)
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"solara run exited with code {process.returncode}:\n{server.log_text()}", pytrace=False)
        if is_answering(url):
            return server
        time.sleep(0.5)
    stop_solara(server)
    pytest.fail(f"solara run did not answer within {SERVER_START_TIMEOUT_S} s:\n{server.log_text()}", pytrace=False)


def stop_solara(server: SolaraServer) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=5)


CDN_REQUEST = re.compile(r'"GET (/_solara/cdn/\S+) HTTP/[\d.]+" (\d{3})')


def cdn_misses(log_text: str) -> list[str]:
    """Front-end requests the offline cache could not answer (the server went to the CDN, or failed)."""
    misses = [f"{status} {path}" for path, status in CDN_REQUEST.findall(log_text) if status not in ("200", "304")]
    misses += [line.strip() for line in log_text.splitlines()
               if "Could not load URL" in line or "Writing cache file" in line]
    return misses


def save_screenshot(page, name: str) -> Path:
    """A full-page PNG in test-artifacts/, after page transitions (~0.3 s in Vuetify) have settled."""
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    page.wait_for_timeout(600)
    path = ARTIFACTS_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
