"""Fill Solara's offline asset cache from the npm registry.

Solara's server fetches its front-end files (Vue app, RequireJS, Font Awesome, KaTeX, Vega...) from a
public CDN while it runs; without internet every such request fails after several seconds and the page
never renders. Solara first looks in ``SOLARA_ASSETS_PROXY_CACHE_DIR``; the CDN paths are npm package
files, so ``npm pack`` of each package, unpacked as ``CACHE/<name>@<version>/``, is a complete offline copy.

Usage::

    python -m dashboard.assets .cache/solara-assets

The tool is idempotent (a finished cache is left alone) and atomic: every package is unpacked in a
scratch folder and renamed into place, and ``CACHE/.complete`` is written only once all packages are in.
A cache without ``.complete`` (an interrupted run) is completed; a package without its stamp is rebuilt.
On failure it prints one line and exits with code 2.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

# (npm spec, folder the CDN path names). Solara 1.64.1 asks for the pinned versions (solara.Markdown
# loads KaTeX and Mermaid on every page that shows Markdown); its Vega-Lite component asks jsDelivr for the
# major versions vega@5, vega-lite@5 and vega-embed@6, which the folder name keeps while npm resolves them
# to the newest matching release. Solara components the dashboard does not use (ECharts, SqlCode,
# MarkdownEditor) ask for further packages that are left out.
PACKAGES: tuple[tuple[str, str], ...] = (
    ("@widgetti/solara-vuetify-app@10.1.1", "@widgetti/solara-vuetify-app@10.1.1"),
    ("requirejs@2.3.6", "requirejs@2.3.6"),
    ("font-awesome@4.5.0", "font-awesome@4.5.0"),
    ("@widgetti/vue-grid-layout@2.3.13-alpha.2", "@widgetti/vue-grid-layout@2.3.13-alpha.2"),
    ("katex@0.16.9", "katex@0.16.9"),
    ("mermaid@10.8.0", "mermaid@10.8.0"),
    ("vega@5", "vega@5"),
    ("vega-lite@5", "vega-lite@5"),
    ("vega-embed@6", "vega-embed@6"),
)

COMPLETE = ".complete"
STAMPS = ".stamps"
NPM_TIMEOUT_S = 300


class AssetError(RuntimeError):
    """A package could not be fetched or unpacked; the message is one line."""


def stamp_path(cache: Path, folder: str) -> Path:
    return cache / STAMPS / (folder.replace("/", "__") + ".json")


def is_complete(cache: Path) -> bool:
    """True when ``.complete`` exists and lists exactly the packages this tool provides."""
    marker = cache / COMPLETE
    if not marker.is_file():
        return False
    try:
        listed = json.loads(marker.read_text())["packages"]
    except (ValueError, KeyError, TypeError):
        return False
    return sorted(listed) == sorted(folder for _, folder in PACKAGES) and all(
        (cache / folder).is_dir() for _, folder in PACKAGES
    )


def is_package_ready(cache: Path, folder: str) -> bool:
    return stamp_path(cache, folder).is_file() and (cache / folder).is_dir()


def pack_package(spec: str, scratch: Path) -> Path:
    """Download the npm tarball of ``spec`` into ``scratch`` and return its path."""
    npm = shutil.which("npm")
    if npm is None:
        raise AssetError("npm is not installed (apt-get install npm, or install Node.js)")
    try:
        done = subprocess.run(
            [npm, "pack", spec, "--json", "--pack-destination", str(scratch)],
            capture_output=True, text=True, timeout=NPM_TIMEOUT_S, cwd=scratch,
        )
    except subprocess.TimeoutExpired:
        raise AssetError(f"npm pack {spec} timed out after {NPM_TIMEOUT_S} s") from None
    if done.returncode != 0:
        raise AssetError(f"npm pack {spec} failed: {npm_failure_reason(done)}")
    tarballs = sorted(scratch.glob("*.tgz"))
    if len(tarballs) != 1:
        raise AssetError(f"npm pack {spec} left {len(tarballs)} tarballs instead of one")
    return tarballs[0]


def npm_failure_reason(done: subprocess.CompletedProcess) -> str:
    """The one-line summary npm gives in its JSON error, else its first error line."""
    try:
        error = json.loads(done.stdout)["error"]
        return f"{error.get('code', '')} {error['summary']}".strip()
    except (ValueError, KeyError, TypeError):
        pass
    for line in done.stderr.splitlines():
        if line.startswith("npm error") and "complete log" not in line:
            return line.removeprefix("npm error").strip()
    return f"exit code {done.returncode}"


def resolved_version(tarball: Path) -> str:
    with tarfile.open(tarball) as tar:
        member = tar.extractfile("package/package.json")
        if member is None:
            raise AssetError(f"{tarball.name} has no package/package.json")
        return json.load(member).get("version", "?")


def unpack_package(tarball: Path, target: Path, scratch: Path) -> None:
    """Unpack the tarball's ``package/`` folder and rename it to ``target`` in one step."""
    staging = scratch / "unpacked"
    with tarfile.open(tarball) as tar:
        tar.extractall(staging, filter="data")
    package_root = staging / "package"
    if not package_root.is_dir():
        raise AssetError(f"{tarball.name} has no package/ folder")
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Stage next to the target so the final rename never crosses a file system.
    beside = target.parent / f".{target.name}.partial"
    if beside.exists():
        shutil.rmtree(beside)
    shutil.move(str(package_root), beside)
    beside.rename(target)


def fetch_package(cache: Path, spec: str, folder: str) -> str:
    """Put one package in the cache; return the version npm resolved."""
    with tempfile.TemporaryDirectory(prefix="solara-assets-") as tmp:
        scratch = Path(tmp)
        tarball = pack_package(spec, scratch)
        version = resolved_version(tarball)
        stamp = stamp_path(cache, folder)
        stamp.unlink(missing_ok=True)
        unpack_package(tarball, cache / folder, scratch)
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(json.dumps({"spec": spec, "version": version}))
    return version


def write_complete(cache: Path) -> None:
    versions = {folder: json.loads(stamp_path(cache, folder).read_text())["version"] for _, folder in PACKAGES}
    tmp = cache / f"{COMPLETE}.tmp"
    tmp.write_text(json.dumps({"packages": versions}, indent=1))
    tmp.replace(cache / COMPLETE)


def build_cache(cache: Path, out=None) -> None:
    """Fetch every missing package, then mark the cache complete."""
    out = sys.stdout if out is None else out
    if is_complete(cache):
        (cache / COMPLETE).touch()  # newer than this file, so `make assets` stays quiet
        print(f"solara assets: {cache} is complete", file=out)
        return
    cache.mkdir(parents=True, exist_ok=True)
    (cache / COMPLETE).unlink(missing_ok=True)
    total = len(PACKAGES)
    for number, (spec, folder) in enumerate(PACKAGES, start=1):
        if is_package_ready(cache, folder):
            print(f"[{number}/{total}] {folder}: already cached", file=out, flush=True)
            continue
        version = fetch_package(cache, spec, folder)
        size_mb = folder_size(cache / folder) / 1e6
        print(f"[{number}/{total}] {folder}: npm {version}, {size_mb:.1f} MB", file=out, flush=True)
    write_complete(cache)
    print(f"solara assets: {cache} complete ({total} packages)", file=out)


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0].startswith("-"):
        print("usage: python -m dashboard.assets CACHE_DIR", file=sys.stderr)
        return 2
    try:
        build_cache(Path(args[0]))
    except (AssetError, OSError, tarfile.TarError) as err:
        print(f"solara assets: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
