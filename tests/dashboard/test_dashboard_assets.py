"""The offline asset cache tool: atomic, idempotent, resumable, one clear line on failure."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from dashboard import assets


def make_tarball(folder: Path, name: str, version: str) -> Path:
    """An npm-style tarball (everything under package/) as `npm pack` leaves it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name.replace('/', '-')}-{version}.tgz"
    with tarfile.open(path, "w:gz") as tar:
        for member, data in {
            "package/package.json": json.dumps({"name": name, "version": version}).encode(),
            "package/dist/main.js": f"// {name} {version}".encode(),
        }.items():
            info = tarfile.TarInfo(member)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


@pytest.fixture
def fake_npm(monkeypatch, tmp_path):
    """Replace `npm pack` by local tarballs; records what was packed, can fail on a chosen spec."""
    calls: list[str] = []
    failing: set[str] = set()

    def pack(spec: str, scratch: Path) -> Path:
        calls.append(spec)
        if spec in failing:
            raise assets.AssetError(f"npm pack {spec} failed: E404 Not Found")
        name, _, version = spec.rpartition("@")
        return make_tarball(scratch, name, version + ".0.0" if version.isdigit() else version)

    monkeypatch.setattr(assets, "pack_package", pack)
    return calls, failing


def test_build_fills_every_package_and_marks_complete_last(fake_npm, tmp_path, capsys):
    calls, _ = fake_npm
    cache = tmp_path / "cache"
    assert assets.main([str(cache)]) == 0
    assert calls == [spec for spec, _ in assets.PACKAGES]
    for _, folder in assets.PACKAGES:
        assert (cache / folder / "dist" / "main.js").is_file(), folder
        assert (cache / folder / "package.json").is_file()
    listed = json.loads((cache / ".complete").read_text())["packages"]
    assert set(listed) == {folder for _, folder in assets.PACKAGES}
    assert listed["vega@5"] == "5.0.0"  # the resolved version is recorded, the folder keeps the range
    lines = capsys.readouterr().out.splitlines()
    assert sum(line.startswith("[") for line in lines) == len(assets.PACKAGES)  # one progress line each


def test_second_run_fetches_nothing(fake_npm, tmp_path):
    calls, _ = fake_npm
    cache = tmp_path / "cache"
    assert assets.main([str(cache)]) == 0
    calls.clear()
    assert assets.main([str(cache)]) == 0
    assert calls == []


def test_interrupted_run_leaves_no_complete_marker_and_resumes(fake_npm, tmp_path, capsys):
    calls, failing = fake_npm
    cache = tmp_path / "cache"
    broken = assets.PACKAGES[3][0]
    failing.add(broken)
    assert assets.main([str(cache)]) == 2
    assert not (cache / ".complete").exists()
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and broken in err[0] and "E404" in err[0]
    # a package folder that lost its stamp (half-built) is rebuilt; finished ones are kept
    (cache / assets.STAMPS / (assets.PACKAGES[0][1].replace("/", "__") + ".json")).unlink()
    failing.clear()
    calls.clear()
    assert assets.main([str(cache)]) == 0
    assert calls == [assets.PACKAGES[0][0]] + [spec for spec, _ in assets.PACKAGES[3:]]
    assert assets.is_complete(cache)


def test_complete_marker_for_another_package_list_is_rebuilt(fake_npm, tmp_path):
    calls, _ = fake_npm
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / ".complete").write_text(json.dumps({"packages": {"old@1": "1"}}))
    assert not assets.is_complete(cache)
    assert assets.main([str(cache)]) == 0
    assert len(calls) == len(assets.PACKAGES)


def test_missing_npm_is_one_line_and_exit_2(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(assets.shutil, "which", lambda name: None)
    assert assets.main([str(tmp_path / "cache")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "npm is not installed" in err[0]


def test_usage_error_is_exit_2(capsys):
    assert assets.main([]) == 2
    assert "usage" in capsys.readouterr().err


def test_unpack_refuses_paths_outside_the_package(tmp_path):
    tarball = tmp_path / "evil.tgz"
    with tarfile.open(tarball, "w:gz") as tar:
        data = b"x"
        info = tarfile.TarInfo("../../escaped.txt")
        info.size = 1
        tar.addfile(info, io.BytesIO(data))
    with pytest.raises((tarfile.TarError, assets.AssetError)):
        assets.unpack_package(tarball, tmp_path / "cache" / "evil@1", tmp_path / "scratch")
    assert not (tmp_path / "escaped.txt").exists()
