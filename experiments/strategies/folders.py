"""Where the strategy commands put their results folders by default."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .strategy import slug

RESULTS = Path("results")
MAX_NAME = 80


def default_folder(command: str, names: list[str]) -> Path:
    """``results/<command>/<names joined>``, shortened with a hash when long."""
    name = "_vs_".join(slug(n) for n in names)
    if len(name) > MAX_NAME:
        name = name[:MAX_NAME - 9] + "-" + hashlib.sha1(name.encode()).hexdigest()[:8]
    return RESULTS / command / name
