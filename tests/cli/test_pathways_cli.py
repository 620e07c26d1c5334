"""`mus-alliance pathways`: the seed's central claims as paired contrasts on the command line."""

import pandas as pd

from experiments.pathways import CONTEXT, LEVERS, context, contrasts, levers
from model import registry


def test_contexts_and_levers_are_the_ends_of_the_registrys_plausible_ranges():
    hostile, favourable = context(True), context(False)
    for name, sign in CONTEXT.items():
        p = registry.REGISTRY[name]
        assert {hostile[name], favourable[name]} == {p.plausible_low, p.plausible_high}
        assert hostile[name] == (p.plausible_high if sign > 0 else p.plausible_low)
    assert levers(True) == {n: registry.REGISTRY[n].plausible_high for n in LEVERS}
    # every mobilisation order and initiator has its contrast against the reference
    names = {c.name for c in contrasts()}
    assert {f"order_{o}" for o in registry.MOBILISATION_ORDERS if o != "core_group"} <= names
    assert {f"initiator_{i}" for i in registry.INITIATORS if i != "project"} <= names


def test_pathways_writes_paired_differences_of_the_chosen_contrasts(mus, tmp_path):
    out = tmp_path / "pw"
    rc, stdout, err = mus("pathways", "--only", "empowerment", "--seeds", "3", "--steps", "24", "--workers", "1",
                          "--out", str(out))
    assert rc == 0, err
    table, runs = pd.read_csv(out / "contrasts.csv"), pd.read_csv(out / "runs.csv")
    assert set(table["contrast"]) == {"empowerment"} and len(runs) == 2 * 3  # two scenarios x three seeds
    row = table[table.output == "members_final"].iloc[0]
    a = runs[runs.scenario == 0].sort_values("seed")["members_final"].to_numpy()
    b = runs[runs.scenario == 1].sort_values("seed")["members_final"].to_numpy()
    assert row["difference"] == (a - b).mean() and row["pairs"] == 3  # paired by seed, a minus b
    exit_ = table[table.output == "uptake_after_exit"].iloc[0]
    assert exit_["pairs"] == 0 and pd.isna(exit_["difference"])  # undefined before the exit: no pairs, no number
    assert "empowerment 1 vs 0" in stdout


def test_pathways_refuses_an_unknown_contrast_in_one_line(mus, tmp_path):
    rc, stdout, err = mus("pathways", "--only", "facilitaton", "--out", str(tmp_path / "x"))
    assert rc == 2 and "facilitaton" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x").exists()
