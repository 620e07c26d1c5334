"""`make mutate`: break central behaviours on purpose and check that the tests catch each break (issue 12).

Each :class:`Mutant` is one deliberate break of the product code: a file, an exact piece of its text and what
replaces it, plus the tests that should catch it (fast tests where possible). The script copies the
repository's files (tracked and untracked, not ignored) to a temporary folder, applies one mutant at a time,
runs its tests there with this venv's Python (the copy's code is imported, checked), restores the file, and
prints a table: break, caught?, by which tests. A mutant whose text is no longer in the code is reported as
STALE (the code moved on: update the mutant), never silently skipped.

    .venv/bin/python -m tests.mutation.mutate            # every mutant
    .venv/bin/python -m tests.mutation.mutate -k equity  # mutants whose name contains "equity"
    .venv/bin/python -m tests.mutation.mutate --list

Not part of `make test` (it runs the chosen tests once per mutant: minutes).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Mutant:
    name: str           # the break, in plain words
    file: str           # path in the repository
    old: str            # exact text (must occur exactly once)
    new: str
    tests: tuple[str, ...]  # pytest node ids or files that should catch it
    table: bool = False     # one of the breaks in issue 12's table
    also: tuple[tuple[str, str], ...] = ()  # further (old, new) replacements in the same file

    @property
    def edits(self) -> tuple[tuple[str, str], ...]:
        return ((self.old, self.new), *self.also)


M = Mutant
R, MT = "tests/model/test_reporters.py", "tests/model/test_mechanism_units.py"
PROPS, CONF = "tests/properties/test_run_invariants.py", "tests/properties/test_config_files.py"
SCENARIO_FILES = f"{CONF}::test_any_scenario_file_loads_or_is_refused_in_one_line"
BAD_CONFIG = "tests/cli/test_run_cli.py::test_bad_config_is_refused_in_one_line_and_nothing_written"

MUTANTS: tuple[Mutant, ...] = (
    # --- issue 12's table ----------------------------------------------------------------------------
    M("uptake counts communities that decided instead of implementing", "model/reporters.py",
      'return _share(tally(model), "implementing", [1, 2, 3, 4])',
      'return _share(tally(model), "decided", [1, 2, 3, 4])',
      (f"{R}::test_uptake_counts_implementing_and_confirmed_communities_not_decided_ones",), table=True),
    M("fund ignores the government budget (support after exit ignores embedding)", "model/funding.py",
      'budget = self.p["government_budget"] * self.p["n_districts"] * self.embedded',
      'budget = 0.0 * self.p["government_budget"] * self.p["n_districts"] * self.embedded',
      ("tests/model/test_pathways.py::test_after_exit_only_members_and_government_pay",
       f"{MT}::test_government_pays_in_proportion_to_embedding"), table=True),
    M("support after exit ignores government embedding (government pays its full budget whatever it adopted)",
      "model/funding.py",
      'budget = self.p["government_budget"] * self.p["n_districts"] * self.embedded',
      'budget = self.p["government_budget"] * self.p["n_districts"] * 1.0',
      (f"{MT}::test_government_pays_in_proportion_to_embedding",), table=True),
    M("local-peer and same-kind peer influence removed (all peers global)", "model/adoption.py",
      "return np.where(self.is_community, (1 - loc) * global_share + loc * local, same_kind[self.kind])",
      "return np.where(self.is_community, global_share, global_share)",
      (f"{MT}::test_communities_listen_to_their_neighbours",
       f"{MT}::test_organisations_follow_others_of_their_kind"), table=True),
    M("adoption barrier removed", "model/adoption.py",
      'barrier = 1 - p["adoption_barrier"] * (1 - self.env)', "barrier = 1.0",
      (f"{MT}::test_a_poor_environment_holds_communities_back",), table=True),
    M("power weights in dialogue removed", "model/vision.py",
      "weight, openness = self.voice(), self.openness()", "weight, openness = np.ones(self.n), self.openness()",
      (f"{MT}::test_the_powerful_pull_the_dialogue_without_brokering",), table=True),
    M("a resumed model study loses its base scenario's parameters", "experiments/sweep/engine.py",
      "task = functools.partial(run_chunk, spec.target, spec.base_params, spec.steps, spec.outputs)",
      "task = functools.partial(run_chunk, spec.target, {}, spec.steps, spec.outputs)",
      ("tests/sweep/test_model_study.py::test_a_resumed_tiny_model_study_equals_the_uninterrupted_one_and_direct_runs_on_its_base",
       "tests/sweep/test_model_study.py::test_a_resumed_model_study_keeps_its_base_scenarios_parameters"), table=True),
    M("the runs timed in the study's own process (before and after a resume) ignore the base scenario",
      "experiments/sweep/engine.py",
      "rows.append(run_one(evaluate, run_id, {**spec.base_params, **values}, seed, spec.steps, spec.outputs))",
      "rows.append(run_one(evaluate, run_id, values, seed, spec.steps, spec.outputs))",
      ("tests/sweep/test_model_study.py::test_a_resumed_tiny_model_study_equals_the_uninterrupted_one_and_direct_runs_on_its_base",)),
    M("[scenario] key and table checks skipped", "model/scenario.py",
      "    for key in data:\n        if key not in SECTIONS:",
      "    for key in ():\n        if key not in SECTIONS:",
      (SCENARIO_FILES, f"{MT}::test_scenario_sections_must_be_tables", f"{BAD_CONFIG}[unknown section]"),
      table=True, also=(("    for key in meta:\n", "    for key in ():\n"),)),
    M("scenario file: section-is-a-table check skipped", "model/scenario.py",
      "        if not isinstance(data[key], dict):\n            raise", "        if False:\n            raise",
      (f"{MT}::test_scenario_sections_must_be_tables", SCENARIO_FILES)),
    M("scenario file: [scenario] name/description checks skipped", "model/scenario.py",
      "    for key in meta:\n", "    for key in ():\n",
      (f"{MT}::test_scenario_section_takes_only_name_and_description_text",)),
    M("equity reporter divides by all communities", "model/reporters.py",
      'return _share(t, "implementing", [2, 4]) - _share(t, "implementing", [1, 3])',
      'return sum(t["implementing"][g] for g in (2, 4)) / sum(t["total"][1:]) - _share(t, "implementing", [1, 3])',
      (f"{R}::test_equity_gap_is_marginalised_uptake_minus_the_others_uptake",), table=True),
    # --- each mechanism's main effect --------------------------------------------------------------
    M("trusted intermediaries add no adoption pull", "model/adoption.py",
      'self.p["intermediary_strength"] * self.reach', '0.0 * self.reach',
      (f"{MT}::test_trusted_intermediaries_pull_communities",)),
    M("intermediaries reach whoever, trusted or not", "model/spread.py",
      "strength = self.trust[self.link_tie] * pull[self.link_to]", "strength = 1.0 * pull[self.link_to]",
      ("tests/model/test_pathways.py::test_trusted_committed_intermediaries_reach_communities",)),
    M("joint action no longer matters for pilot success", "model/pilots.py",
      "* (1 - wj + wj * quality)", "* 1.0",
      ("tests/model/test_pathways.py::test_joint_action_quality_raises_pilot_success_chance",)),
    M("agenda fit no longer matters for adoption", "model/adoption.py",
      'worth = 1 - p["design_fit_weight"] * (1 - self.fit)', "worth = 1.0",
      (f"{MT}::test_designs_that_do_not_fit_are_worth_less",)),
    M("agenda fit ignores the community's water uses", "model/vision.py",
      "self.fit[c] = np.maximum(0.0, 1 - 2 * distance)", "self.fit[c] = 1.0",
      (f"{MT}::test_fit_falls_with_the_distance_between_uses_and_design",)),
    M("institutional pull removed", "model/environment.py",
      "return coherence * convinced * self.evidence_level()", "return 0.0",
      (f"{MT}::test_institutional_pull_needs_coherence_convinced_power_and_evidence",)),
    M("quorum ignored", "model/meetings.py",
      '(present >= p["quorum"] * seats) & ', "",
      (f"{MT}::test_a_meeting_below_quorum_falls_through",)),
    M("decliners re-invited at once (reinvite delay ignored)", "model/membership.py",
      'self.next_invite[invited[~accepts]] = self.month + self.p["reinvite_delay"]',
      "self.next_invite[invited[~accepts]] = self.month",
      (f"{MT}::test_decliners_wait_the_reinvite_delay",
       "tests/model/test_pathways.py::test_declined_stakeholders_wait_so_every_order_reaches_the_blockers")),
    M("blockers not entrenched", "model/vision.py",
      'return 1 - self.entrenchment * (1 - self.p["mediation"] * self.support)', "return np.ones(self.n)",
      ("tests/model/test_pathways.py::test_entrenched_blockers_move_less_in_dialogue_unless_mediated",)),
    M("mediation does not loosen entrenchment", "model/vision.py",
      'return 1 - self.entrenchment * (1 - self.p["mediation"] * self.support)', "return 1 - self.entrenchment",
      (f"{MT}::test_mediation_loosens_entrenchment",)),
    M("mediation does not widen the confidence bound", "model/vision.py",
      'p["vision_confidence"] + p["facilitation_widening"] * p["mediation"] * self.support',
      'p["vision_confidence"]',
      (f"{MT}::test_mediation_widens_the_confidence_bound",)),
    M("trust not built at meetings", "model/trust.py",
      "self.trust[met] = rules.reinforce(self.trust[met], rate, 1.0)", "pass",
      (f"{MT}::test_meeting_builds_trust_faster_with_mutual_trust",)),
    M("mutual trust does not speed trust building", "model/trust.py",
      '* (0.5 + self.p["mutual_trust"]))', "* 1.0)",
      (f"{MT}::test_meeting_builds_trust_faster_with_mutual_trust",)),
    M("a small win gives no trust", "model/pilots.py",
      "self.trust[ties] = rules.reinforce(self.trust[ties], gain, 1.0)", "pass",
      (f"{MT}::test_a_small_win_raises_trust_and_commitment_on_the_pilot_platforms",)),
    M("unresolved conflicts do not break trust", "model/conflict.py",
      "self.trust[ties] = rules.reinforce(self.trust[ties], rate, 0.0)", "pass",
      (f"{MT}::test_an_open_conflict_breaks_trust",)),
    M("documented successes do not count as evidence", "model/pilots.py",
      'self.counts["evidence"] += int((success & documented).sum())', "pass",
      ("tests/model/test_mechanisms.py::test_documentation_turns_pilots_into_evidence_for_the_environment",
       f"{MT}::test_only_documented_successes_are_evidence")),
    M("members' contributions not counted after exit", "model/funding.py",
      "by_members = min(contributions, planned)", "by_members = 0.0",
      (f"{MT}::test_members_contributions_pay_after_exit",)),
    # --- each reporter ------------------------------------------------------------------------------
    M("adopted counts only implementers", "model/reporters.py",
      'return _share(tally(model), "decided", [1, 2, 3, 4])',
      'return _share(tally(model), "implementing", [1, 2, 3, 4])',
      (f"{R}::test_uptake_counts_implementing_and_confirmed_communities_not_decided_ones",)),
    M("uptake_pilot reads the outside group", "model/reporters.py",
      'return _share(tally(model), "implementing", [1, 2])', 'return _share(tally(model), "implementing", [1, 3])',
      (f"{R}::test_uptake_counts_implementing_and_confirmed_communities_not_decided_ones",)),
    M("policy adoption not power-weighted", "model/reporters.py",
      "model.stage[model.org_index] >= STAGE.IMPLEMENTATION, model.power[model.org_index])",
      "model.stage[model.org_index] >= STAGE.IMPLEMENTATION, np.ones(len(model.org_index)))",
      (f"{R}::test_policy_adoption_is_power_weighted_over_organisations",)),
    M("opposition: blockers inside obstruct like those outside", "model/environment.py",
      'weight = np.where(self.members[o], self.p["inside_obstruction"], 1.0)', "weight = np.ones(int(o.sum()))",
      (f"{R}::test_opposition_weights_blockers_by_power_and_discounts_those_inside",)),
    M("members by level: district counted as community", "model/reporters.py",
      "return _members_at(model, LEVEL.DISTRICT)", "return _members_at(model, LEVEL.COMMUNITY)",
      (f"{R}::test_members_by_level_add_up_to_members", f"{PROPS}::test_any_valid_parameters_give_outputs_in_range")),
    M("mean trust over all ties, members or not", "model/reporters.py",
      "t = model.trust[model.live_ties]", "t = model.trust",
      (f"{R}::test_mean_trust_is_over_ties_between_members_sharing_a_platform",)),
    M("share_marginalised divides by all stakeholders", "model/reporters.py",
      "return np.count_nonzero(model.marginalised & m) / n if n else NAN",
      "return np.count_nonzero(model.marginalised & m) / model.n if n else NAN",
      (f"{R}::test_share_marginalised_counts_marginalised_members_and_is_undefined_without_members",)),
    M("censored milestone reported as the horizon", "model/reporters.py",
      "return float(hit[0]) if len(hit) else NAN", "return float(hit[0]) if len(hit) else float(len(series))",
      (f"{R}::test_summary_censors_milestones_never_reached",)),
    M("uptake after exit 0 instead of undefined when the project never leaves", "model/reporters.py",
      'out["uptake_at_exit"] if leaves else NAN', 'out["uptake_at_exit"] if leaves else 0.0',
      (f"{R}::test_summary_uptake_after_exit_is_undefined_when_the_project_never_leaves",)),
    M("a share over an empty group reads 0 instead of undefined (equity gap, uptake outside)", "model/reporters.py",
      'return sum([counted[g] for g in groups]) / n if n else NAN',
      'return sum([counted[g] for g in groups]) / n if n else 0.0',
      (f"{R}::test_equity_gap_is_undefined_when_a_group_is_empty",)),
    M("the cached views of membership go stale when membership changes", "model/alliance.py",
      "        self.membership[who] = state\n        self._members = None\n",
      "        self.membership[who] = state\n",
      ("tests/model/test_state.py::test_cached_membership_views_follow_every_change_of_membership",)),
    # --- seeding, pairing, bad input ---------------------------------------------------------------
    M("run_model ignores its seed", "model/run.py",
      "model = build_model(params, seed)", "model = build_model(params, 0)",
      ("tests/model/test_reproducibility.py",)),
    M("the model draws from numpy's global generator", "model/adoption.py",
      "u = self.rng.random((3, self.n))", "u = np.random.random((3, self.n))",
      ("tests/model/test_reproducibility.py", f"{PROPS}::test_same_seed_same_run_for_any_valid_parameters")),
    M("replicates of `run` share one seed", "experiments/runner.py",
      "seeds = [scenario.seed + r for r in range(scenario.replicates)]",
      "seeds = [scenario.seed for r in range(scenario.replicates)]",
      ("tests/cli/test_run_cli.py::test_run_writes_tables_figure_events_and_manifest",)),
    M("compare: strategies run on different seeds (pairing broken)", "experiments/strategies/runs.py",
      "items = [(c * len(seeds) + r, params(contender, seed), seed, steps)",
      "items = [(c * len(seeds) + r, params(contender, seed), seed + c, steps)",
      ("tests/strategies/test_pairing.py::test_identical_strategies_give_identical_runs",)),
    M("registry range check skipped", "model/registry.py",
      "if not (self.low <= value <= self.high):", "if False:",
      ("tests/model/test_registry.py",)),
    M("a ConfigError escapes the CLI as a traceback", "experiments/cli.py",
      "except (ConfigError, UserError) as exc:", "except UserError as exc:",
      (SCENARIO_FILES, f"{BAD_CONFIG}[unknown parameter]")),
    M("strategy files: unknown sections accepted", "experiments/strategies/strategy.py",
      "        if key not in SECTIONS:\n            raise ConfigError(unknown_section(key, SECTIONS, \"settings\"))",
      "        if False:\n            raise ConfigError(unknown_section(key, SECTIONS, \"settings\"))",
      ("tests/properties/test_config_files.py::test_any_strategy_file_loads_or_is_refused_in_one_line",
       "tests/strategies/test_bad_input.py::test_bad_strategy_file_is_refused[unknown section]")),
    M("sweep specs: unknown keys accepted", "experiments/sweep/spec.py",
      '    check_keys(raw, SPEC_KEYS, "")\n', "",
      ("tests/properties/test_config_files.py::test_any_sweep_spec_loads_or_is_refused_in_one_line",
       "tests/sweep/test_spec.py")),
)


def copy_repo(dest: Path) -> None:
    """The repository's files as they are now (tracked and untracked, not ignored)."""
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO, check=True,
                           capture_output=True).stdout.decode().split("\0")
    for f in filter(None, files):
        src = REPO / f
        if src.is_file():
            (dest / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / f)


# --existing: the suite's fast tier without the files written for issue 12 (what caught a break before them)
NEW_FILES = ("tests/model/test_reporters.py", "tests/model/test_mechanism_units.py", "tests/properties")
EXISTING = ("tests/model", "tests/cli", "tests/strategies", "tests/sweep",
            *(f"--ignore={f}" for f in NEW_FILES), "-m", "not slow and not browser")


def run_tests(copy: Path, tests: tuple[str, ...], timeout: float) -> tuple[str, list[str], float]:
    """('caught' | 'survived' | 'error: ...', failing test ids, seconds)."""
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg"}
    marks = () if "-m" in tests else ("-m", "not browser")
    cmd = [sys.executable, "-m", "pytest", *tests, "-q", "-rf", "-p", "no:cacheprovider", "-p", "no:solara",
           "-p", "no:playwright", "-x", *marks]
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=copy, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "error: timeout", [], time.perf_counter() - start
    seconds = time.perf_counter() - start
    failed = re.findall(r"^FAILED (.+?)(?: - .*)?$", proc.stdout, flags=re.M)
    if proc.returncode == 0:
        return "survived", [], seconds
    if proc.returncode == 1:
        return "caught", [f.split("::", 1)[-1] if "::" in f else f for f in failed], seconds
    tail = (proc.stdout + proc.stderr).strip().splitlines()[-1:] or ["?"]
    return f"error: pytest exit {proc.returncode}: {tail[0][:80]}", failed, seconds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-k", dest="pattern", default="", help="only mutants whose name contains this text")
    ap.add_argument("--list", action="store_true", help="list the mutants and their tests")
    ap.add_argument("--timeout", type=float, default=900, help="seconds per mutant")
    ap.add_argument("--existing", action="store_true",
                    help="run every mutant against the fast tier without the issue-12 test files instead of its own "
                         "tests (shows which breaks the suite missed before them)")
    ap.add_argument("--table", action="store_true", help="only the breaks of issue 12's table")
    args = ap.parse_args(argv)
    chosen = [m for m in MUTANTS if args.pattern.lower() in m.name.lower() and (m.table or not args.table)]
    tests_of = (lambda m: EXISTING) if args.existing else (lambda m: m.tests)
    if args.list:
        for i, m in enumerate(chosen, 1):
            print(f"{i:2d}. {m.name}  [{m.file}]\n      " + "\n      ".join(m.tests))
        return 0
    with tempfile.TemporaryDirectory(prefix="mus-mutate-") as tmp:
        copy = Path(tmp) / "repo"
        copy_repo(copy)
        where = subprocess.run([sys.executable, "-c", "import model; print(model.__file__)"], cwd=copy,
                               env={**os.environ, "PYTHONPATH": str(copy)}, capture_output=True, text=True).stdout
        assert where.startswith(str(copy)), f"the copy's code is not the one imported: {where}"
        # the tests must pass on the unbroken code, or "caught" would mean nothing
        baseline = sorted({t for m in chosen for t in tests_of(m)}) if not args.existing else list(EXISTING)
        status, failed, seconds = run_tests(copy, tuple(baseline), args.timeout * 2)
        print(f"unbroken code: {status} ({seconds:.0f} s)", file=sys.stderr, flush=True)
        if status != "survived":
            print(f"the tests fail on the unbroken code ({status}: {', '.join(failed)}); fix them first",
                  file=sys.stderr)
            return 2
        rows, start = [], time.perf_counter()
        for i, m in enumerate(chosen, 1):
            path = copy / m.file
            original = path.read_text()
            counts = [original.count(old) for old, _ in m.edits]
            if counts != [1] * len(counts):
                rows.append((m, f"STALE ({'/'.join(map(str, counts))} matches)", [], 0.0))
            else:
                mutated = original
                for old, new in m.edits:
                    mutated = mutated.replace(old, new)
                path.write_text(mutated)
                try:
                    rows.append((m, *run_tests(copy, tests_of(m), args.timeout)))
                finally:
                    path.write_text(original)
            done = time.perf_counter() - start
            eta = done / i * (len(chosen) - i)
            print(f"[{i}/{len(chosen)}] {rows[-1][1]:<9} {m.name}  ({rows[-1][3]:.0f} s; ETA {eta / 60:.1f} min)",
                  file=sys.stderr, flush=True)
    print_table(rows)
    caught = sum(r[1] == "caught" for r in rows)
    table_missed = [r[0].name for r in rows if r[0].table and r[1] != "caught"]
    print(f"\ncaught {caught} of {len(rows)} ({100 * caught / max(1, len(rows)):.0f}%); "
          f"issue 12's table: {'all caught' if not table_missed else 'NOT caught: ' + '; '.join(table_missed)}")
    return 0 if caught == len(rows) else 1


def print_table(rows) -> None:
    print("\n| # | break | file | caught? | by |\n|---|---|---|---|---|")
    for i, (m, status, failed, seconds) in enumerate(rows, 1):
        by = ", ".join(failed) if failed else ("-" if status != "caught" else "(collection)")
        mark = "yes" if status == "caught" else status
        print(f"| {i} | {m.name}{' (issue table)' if m.table else ''} | `{m.file}` | {mark} | {by} |")


if __name__ == "__main__":
    sys.exit(main())
