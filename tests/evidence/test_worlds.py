"""Plausible worlds (`--worlds FILE`): the documented draw, precedence of explicit settings, common random
numbers across strategies, bit-identical results on any worker count, and refusals of bad files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.worlds import load_worlds, write_worlds

from .conftest import write

SMALL = """
[scenario]
name = "small country"
[run]
steps = 30
replicates = 6
seed = 4
[parameters]
n_districts = 1
n_national_orgs = 3
n_district_orgs = 2
n_pilot_communities = 10
n_outside_communities = 20
project_exit_month = 18
"""


@pytest.fixture
def small(tmp_path):
    return write(tmp_path / "small.toml", SMALL)


@pytest.fixture
def meeting_worlds(tmp_path):
    """Two worlds that differ only in how often platforms meet: 1 and 12 meetings a year."""
    path = tmp_path / "worlds.parquet"
    write_worlds(path, pd.DataFrame({"world": [7, 9], "weight": [1.0, 1.0], "meetings_per_year": [1.0, 12.0]}))
    return path


def test_draw_follows_the_weights_and_depends_only_on_the_seed(tmp_path):
    path = tmp_path / "w.parquet"
    write_worlds(path, pd.DataFrame({"weight": [1.0, 3.0, 0.0, 6.0], "bass_q": [0.01, 0.02, 0.03, 0.04]}))
    worlds = load_worlds(path)
    draws = np.array([worlds.index(s) for s in range(4000)])
    assert [worlds.index(s) for s in range(50)] == [load_worlds(path).index(s) for s in range(50)]
    share = np.bincount(draws, minlength=4) / len(draws)
    # Binomial sd of a share p over 4000 draws is at most 0.008; 4 sd = 0.032.
    assert np.allclose(share, [0.1, 0.3, 0.0, 0.6], atol=0.032)
    assert share[2] == 0.0  # weight 0: never drawn


def test_run_plays_each_replicate_in_its_world(mus, small, meeting_worlds, tmp_path):
    rc, out, err = mus("run", small, "--worlds", meeting_worlds, "--out", tmp_path / "r", "--quiet",
                       "--replicates", "12")
    assert rc == 0, err
    summary = pd.read_parquet(tmp_path / "r" / "summary.parquet")
    worlds = load_worlds(meeting_worlds)
    assert list(summary["world"]) == [worlds.world_id(s) for s in summary["seed"]]
    assert set(summary["world"]) == {7, 9}
    # Every world-9 run (12 meetings a year) called more meetings (held or fallen through) than every world-7 run.
    called = summary["meetings"] + summary["meetings_missed"]
    assert called[summary["world"] == 9].min() > called[summary["world"] == 7].max()
    assert "parameter uncertainty" in out


def test_a_replicate_reruns_alone_from_its_seed(mus, small, meeting_worlds, tmp_path):
    mus("run", small, "--worlds", meeting_worlds, "--out", tmp_path / "all", "--quiet")
    summary = pd.read_parquet(tmp_path / "all" / "summary.parquet")
    row = summary.iloc[3]
    rc, _, err = mus("run", small, "--worlds", meeting_worlds, "--seed", int(row["seed"]), "--replicates", "1",
                     "--out", tmp_path / "one", "--quiet")
    assert rc == 0, err
    again = pd.read_parquet(tmp_path / "one" / "summary.parquet").iloc[0]
    assert again.drop("replicate").equals(row.drop("replicate"))


def test_explicit_settings_win_over_the_world(mus, small, meeting_worlds, tmp_path):
    """--set names meetings_per_year, the only world parameter: the worlds then change nothing at all."""
    mus("run", small, "--set", "meetings_per_year=4", "--out", tmp_path / "plain", "--quiet")
    rc, out, _ = mus("run", small, "--set", "meetings_per_year=4", "--worlds", meeting_worlds, "--out",
                     tmp_path / "worlds", "--quiet")
    assert rc == 0 and "sets meetings_per_year itself" in out
    plain = pd.read_parquet(tmp_path / "plain" / "summary.parquet")
    in_worlds = pd.read_parquet(tmp_path / "worlds" / "summary.parquet").drop(columns="world")
    pd.testing.assert_frame_equal(plain, in_worlds)


@pytest.mark.slow  # process pools of 1 and 2 workers; that a world depends on the seed alone is a fast test above
def test_compare_pairs_worlds_and_seeds_and_is_identical_on_any_worker_count(mus, small, tmp_path):
    path = tmp_path / "w.parquet"
    rng = np.random.default_rng(2)
    write_worlds(path, pd.DataFrame({"weight": rng.random(15), "bass_q": rng.uniform(0.005, 0.1, 15),
                                     "mutual_trust": rng.uniform(0.1, 0.9, 15)}))
    common = ["compare", "business-as-usual", "pilot-heavy", "--base", small, "--replicates", "8", "--worlds", path,
              "--target", "uptake_final >= 0.1", "--quiet"]
    rc1, _, err1 = mus(*common, "--workers", "1", "--out", tmp_path / "one")
    rc2, _, err2 = mus(*common, "--workers", "2", "--out", tmp_path / "two")
    assert rc1 == 0 and rc2 == 0, err1 + err2
    one = pd.read_parquet(tmp_path / "one" / "runs.parquet")
    pd.testing.assert_frame_equal(one, pd.read_parquet(tmp_path / "two" / "runs.parquet"))
    per_replicate = one.groupby("replicate")[["world", "seed"]].nunique()
    assert (per_replicate == 1).all().all()  # same world and seed for every strategy in a replicate
    assert one["world"].nunique() > 3
    report = (tmp_path / "one" / "report.md").read_text()
    lead = report.split("\n## ")[1]
    assert lead.startswith("Robust choice across plausible worlds") and "parameter uncertainty" in report


def test_sweep_runs_in_worlds_and_refuses_a_changed_worlds_file(mus, small, meeting_worlds, tmp_path):
    spec = write(tmp_path / "s.toml", f"""
        method = "grid"
        base = "{small.name}"
        replicates = 3
        steps = 24
        outputs = ["meetings", "meetings_missed"]
        [factors]
        pilots_per_year = {{ values = [1.0, 6.0] }}
    """)
    rc, _, err = mus("sweep", spec, "--worlds", meeting_worlds, "--out", tmp_path / "study", "--workers", "1",
                     "--no-progress")
    assert rc == 0, err
    results = pd.read_parquet(tmp_path / "study" / "results.parquet")
    worlds = load_worlds(meeting_worlds)
    frequent = np.array([worlds.values[worlds.index(s)]["meetings_per_year"] == 12.0 for s in results["seed"]])
    assert 0 < frequent.sum() < len(results)
    called = results["meetings"] + results["meetings_missed"]  # held or fallen through
    assert called[frequent].min() > called[~frequent].max()
    write_worlds(meeting_worlds, pd.DataFrame({"world": [7, 9], "meetings_per_year": [2.0, 12.0]}))
    rc, _, err = mus("sweep", spec, "--worlds", meeting_worlds, "--out", tmp_path / "study", "--workers", "1",
                     "--no-progress")
    assert rc == 2 and "differs" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("table, message", [
    (pd.DataFrame({"bass_qq": [0.1]}), "unknown parameter"),
    (pd.DataFrame({"n_districts": [2]}), "country's size"),
    (pd.DataFrame({"bass_q": [5.0]}), "out of range"),
    (pd.DataFrame({"weight": [-1.0], "bass_q": [0.1]}), "column weight"),
    (pd.DataFrame({"world": [1, 1], "bass_q": [0.1, 0.2]}), "column world"),
    (pd.DataFrame({"bass_q": pd.Series([], dtype=float)}), "holds no worlds"),
])
def test_bad_worlds_files_one_line_exit_2(mus, small, tmp_path, table, message):
    path = tmp_path / "bad.parquet"
    table.to_parquet(path)
    rc, _, err = mus("run", small, "--worlds", path, "--out", tmp_path / "r", "--quiet")
    assert rc == 2 and message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "r").exists()


def test_missing_or_corrupt_worlds_file(mus, small, tmp_path):
    rc, _, err = mus("compare", "light-touch", "--base", small, "--worlds", tmp_path / "none.parquet", "--quiet")
    assert rc == 2 and "no such file" in err
    (tmp_path / "junk.parquet").write_text("not parquet")
    rc, _, err = mus("allocate", "--budget", "500", "--base", small, "--worlds", tmp_path / "junk.parquet", "--quiet")
    assert rc == 2 and "not a readable Parquet table" in err


@pytest.mark.slow  # allocate's search: ~320 runs
def test_allocate_plays_its_splits_in_common_worlds(mus, small, meeting_worlds, tmp_path):
    rc, out, err = mus("allocate", "--budget", "400", "--base", small, "--replicates", "4", "--worlds",
                       meeting_worlds, "--out", tmp_path / "a", "--quiet", "--workers", "1")
    assert rc == 0, err
    runs = pd.read_parquet(tmp_path / "a" / "runs.parquet")
    assert (runs.groupby("replicate")["world"].nunique() == 1).all()
    assert "parameter uncertainty" in out and "parameter uncertainty" in (tmp_path / "a" / "report.md").read_text()


def test_a_worlds_file_with_a_flipped_byte_inside_a_value_is_refused(mus, small, tmp_path):
    """Pages carry checksums: a bit flipped inside a value (which Parquet without checksums reads silently as
    another number, 0.0234567891 -> 0.0234567891002) is refused in one line."""
    import struct

    values = [0.0123456789, 0.0234567891, 0.0345678912]  # distinct bytes, so the value is found in the page
    path = tmp_path / "w.parquet"
    write_worlds(path, pd.DataFrame({"world": [1, 2, 3], "weight": [1.0, 1.0, 1.0], "bass_q": values}))
    data = bytearray(path.read_bytes())
    at = data.find(struct.pack("<d", values[1]))
    assert at > 0
    data[at + 2] ^= 0x01
    path.write_bytes(bytes(data))
    rc, _, err = mus("run", small, "--worlds", path, "--out", tmp_path / "r", "--quiet")
    assert rc == 2 and len(err.strip().splitlines()) == 1
    assert "checksum does not match" in err and str(path) in err
    assert not (tmp_path / "r").exists()


def test_a_results_table_with_a_flipped_byte_is_refused(tmp_path):
    import struct

    from experiments.io import UserError, read_table, write_table

    table = pd.DataFrame({"x": [0.0123456789, 0.0234567891]})
    write_table(table, tmp_path / "t", csv=False)
    path = tmp_path / "t.parquet"
    data = bytearray(path.read_bytes())
    data[data.find(struct.pack("<d", 0.0234567891)) + 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(UserError, match="checksum does not match"):
        read_table(path)


def unmet_calibration(mus, folder, small) -> object:
    """The issue's reproducer: a calibration whose pattern (members at exit above 10,000) no run can meet."""
    spec = write(folder / "unmet.toml", """
        base = "small.toml"
        replicates = 1
        seed = 2
        [abc]
        population = 4
        rejection_candidates = 6
        generations = 0
        [parameters]
        bass_q = {}
        [patterns.huge]
        statistic = "members_at_exit"
        above = 10000
        tolerance = 100
        source = "a pattern nothing meets"
    """)
    rc, out, err = mus("calibrate", spec, "--out", folder / "cal", "--workers", "1", "--no-progress")
    assert rc == 0, err
    return folder / "cal"


def test_worlds_whose_calibration_misses_its_patterns_are_marked_and_refused(mus, small, tmp_path):
    import json

    cal = unmet_calibration(mus, tmp_path, small)
    summary = json.loads((cal / "summary.json").read_text())
    assert summary["meets_patterns"] is False and summary["unmet_patterns"] == ["huge"]
    assert summary["share_meeting"] == {"huge": 0.0, "all": 0.0}
    assert 1 <= summary["effective_sample_size"] <= 4 and len(summary["spec_sha256"]) == 64
    assert "do not meet the patterns (huge)" in (cal / "warnings.txt").read_text()
    worlds = load_worlds(cal / "worlds.parquet")
    assert worlds.meets_patterns is False and worlds.unmet == ["huge"]
    assert worlds.record["spec_sha256"] == summary["spec_sha256"]
    assert "do not meet their calibration's patterns (huge)" in worlds.note()
    # every command refuses them in one line naming the option that accepts them
    for args in (("run", small), ("compare", "light-touch", "--base", small),
                 ("allocate", "--budget", "500", "--base", small)):
        rc, _, err = mus(*args, "--worlds", cal / "worlds.parquet", "--out", tmp_path / "o", "--quiet")
        assert rc == 2 and len(err.strip().splitlines()) == 1, err
        assert "does not meet its patterns (huge)" in err and "--allow-unmet-worlds" in err
        assert not (tmp_path / "o").exists()
    # ... unless told; then the report says what they are
    rc, out, err = mus("run", small, "--worlds", cal / "worlds.parquet", "--allow-unmet-worlds", "--replicates", "2",
                       "--out", tmp_path / "o", "--quiet")
    assert rc == 0, err
    assert "do not meet their calibration's patterns (huge)" in out
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text())
    assert manifest["worlds"]["meets_patterns"] is False and manifest["worlds"]["unmet_patterns"] == ["huge"]
    # the dashboard shows the mark (and lets the user go on)
    from dashboard.compare import worlds_mark

    assert "do not meet" in worlds_mark(cal / "worlds.parquet")


def test_worlds_that_meet_their_patterns_carry_no_mark(mus, small, tmp_path, meeting_worlds):
    spec = write(tmp_path / "met.toml", """
        base = "small.toml"
        replicates = 2
        seed = 2
        [abc]
        population = 4
        rejection_candidates = 6
        generations = 0
        [parameters]
        bass_q = {}
        [patterns.some_members]
        statistic = "members_at_exit"
        above = 1
        tolerance = 1
        source = "every run has members"
    """)
    shipped = tmp_path / "configs" / "default.parquet"  # the one-command rebuild of a shipped worlds file
    rc, out, err = mus("calibrate", spec, "--out", tmp_path / "cal", "--workers", "1", "--no-progress",
                       "--export-worlds", shipped)
    assert rc == 0, err
    assert shipped.read_bytes() == (tmp_path / "cal" / "worlds.parquet").read_bytes() and str(shipped) in out
    worlds = load_worlds(tmp_path / "cal" / "worlds.parquet", allow_unmet=False)
    assert worlds.meets_patterns is True and worlds.mark() == "" and "do not meet" not in worlds.note()
    assert float(worlds.record["effective_sample_size"]) == pytest.approx(4.0)  # rejection: equal weights
    assert load_worlds(meeting_worlds).meets_patterns is None  # a hand-made file says nothing
