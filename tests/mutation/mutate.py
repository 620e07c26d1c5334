"""`make mutate`: break central behaviours on purpose and check that the tests catch each break (issue 12).

Each :class:`Mutant` is one deliberate break of the product code: a file, an exact piece of its text and what
replaces it, plus the tests aimed at it (fast tests where possible). The script copies the repository's files
(tracked and untracked, not ignored) to a temporary folder, applies one mutant at a time, runs its tests there
with this venv's Python (the copy's code is imported, checked), restores the file, and prints a table: break,
the tests aimed at it, caught?, by which tests. A break counts as caught only when a test aimed at it fails
(issue 20): one that only a test run alongside (``others``) catches, or the suite at large (``--existing``),
is "caught elsewhere", NOT caught. A mutant whose text is no longer in the code is reported as STALE (the
code moved on: update the mutant), never silently skipped. The last lines give the count and the share caught
by an aimed test.

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
    tests: tuple[str, ...]  # the tests aimed at it: pytest node ids or files (any test in them counts)
    table: bool = False     # one of the breaks in issue 12's table
    also: tuple[tuple[str, str], ...] = ()  # further (old, new) replacements in the same file
    others: tuple[str, ...] = ()  # tests run after the aimed ones whose failure alone does NOT count as caught

    @property
    def edits(self) -> tuple[tuple[str, str], ...]:
        return ((self.old, self.new), *self.also)


M = Mutant
R, MT = "tests/model/test_reporters.py", "tests/model/test_mechanism_units.py"
PROPS, CONF = "tests/properties/test_run_invariants.py", "tests/properties/test_config_files.py"
SCENARIO_FILES = f"{CONF}::test_any_scenario_file_loads_or_is_refused_in_one_line"
BAD_CONFIG = "tests/cli/test_run_cli.py::test_bad_config_is_refused_in_one_line_and_nothing_written"
IDS = "tests/properties/test_identities.py"
SP, ME, RU = "tests/model/test_exact_spread.py", "tests/model/test_exact_meetings.py", "tests/model/test_exact_rules.py"
TR = "tests/evidence/test_tool_rules.py"
BR = "tests/model/test_brokering_rules.py"

MUTANTS: tuple[Mutant, ...] = (
    # --- issue 12's table ----------------------------------------------------------------------------
    M("uptake counts communities that decided instead of implementing", "model/reporters.py",
      'return _share(tally(a), "implementing", "communities")',
      'return _share(tally(a), "decided", "communities")',
      (f"{R}::test_uptake_counts_implementing_and_confirmed_communities_not_decided_ones",), table=True),
    M("fund ignores the government budget (support after exit ignores embedding)", "model/funding.py",
      'budget = q["government_budget"] * q["n_districts"] * np.maximum(self.embedded, line)',
      'budget = 0.0 * q["government_budget"] * q["n_districts"] * np.maximum(self.embedded, line)',
      ("tests/model/test_pathways.py::test_after_exit_only_members_and_government_pay",
       f"{MT}::test_government_pays_in_proportion_to_embedding"), table=True),
    M("support after exit ignores government embedding (government pays its full budget whatever it adopted)",
      "model/funding.py",
      'budget = q["government_budget"] * q["n_districts"] * np.maximum(self.embedded, line)',
      'budget = q["government_budget"] * q["n_districts"] * 1.0',
      (f"{MT}::test_government_pays_in_proportion_to_embedding",), table=True),
    M("local-peer and same-kind peer influence removed (all peers global)", "model/kernels.py",
      'out[i] = (1 - locality[r]) * global_share[r] + locality[r] * local\n        else:\n            out[i] = org_decided[r, kind[i]] * inverse_kind_count[r, kind[i]]',
      'out[i] = global_share[r]\n        else:\n            out[i] = global_share[r]',
      (f"{MT}::test_communities_listen_to_their_neighbours",
       f"{MT}::test_organisations_follow_others_of_their_kind"), table=True),
    M("adoption barrier removed", "model/adoption.py",
      '1 - q["adoption_barrier"] * (1 - self.env)',
      'np.ones(self.replicates)',
      (f"{MT}::test_a_poor_environment_holds_communities_back",), table=True),
    M("power weights in dialogue removed", "model/vision.py",
      "weight, openness = self.voice(), self.openness()", "weight, openness = np.ones(self.n), self.openness()",
      (f"{MT}::test_the_powerful_pull_the_dialogue_without_brokering",), table=True),
    M("a resumed model study loses its base scenario's parameters", "experiments/sweep/engine.py",
      "task = functools.partial(run_chunk, spec.target, spec.base_params, spec.steps, spec.outputs, batch_size)",
      "task = functools.partial(run_chunk, spec.target, {}, spec.steps, spec.outputs, batch_size)",
      ("tests/sweep/test_model_study.py::test_a_resumed_tiny_model_study_equals_the_uninterrupted_one_and_direct_runs_on_its_base",
       "tests/sweep/test_model_study.py::test_a_resumed_model_study_keeps_its_base_scenarios_parameters"), table=True),
    M("the first batch, run in the study's own process (before and after a resume), ignores the base scenario",
      "experiments/sweep/engine.py",
      "rows += run_chunk(spec.target, spec.base_params, spec.steps, spec.outputs, batch_size, items[1:])",
      "rows += run_chunk(spec.target, {}, spec.steps, spec.outputs, batch_size, items[1:])",
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
      'return _share(t, "implementing", "marginalised") - _share(t, "implementing", "others")',
      'return (a.total(a.rep_s[(a.report_group % 2 == 0) & (a.report_group > 0) & (a.stage >= '
      'STAGE.IMPLEMENTATION)]) / a.total(a.rep_s[a.report_group > 0]) - _share(t, "implementing", "others"))',
      (f"{R}::test_equity_gap_is_marginalised_uptake_minus_the_others_uptake",), table=True),
    # --- each mechanism's main effect --------------------------------------------------------------
    M("trusted intermediaries add no adoption pull", "model/kernels.py",
      'out[i] = bass_p[r] + push[i] + intermediary_strength[r] * reach[i]',
      'out[i] = bass_p[r] + push[i] + 0.0 * reach[i]',
      (f"{MT}::test_trusted_intermediaries_pull_communities",)),
    M("intermediaries reach whoever, trusted or not", "model/kernels.py",
      'strength = trust[link_tie[k]] * (commitment[to] * joint_action[home[to]])',
      'strength = 1.0 * (commitment[to] * joint_action[home[to]])',
      ("tests/model/test_pathways.py::test_trusted_committed_intermediaries_reach_communities",)),
    M("joint action no longer matters for pilot success", "model/pilots.py",
      "* (1 - wj + wj * quality)", "* 1.0",
      ("tests/model/test_pathways.py::test_joint_action_quality_raises_pilot_success_chance",)),
    M("agenda fit no longer matters for adoption", "model/kernels.py",
      'worth = 1 - design_fit_weight[r] * (1 - fit[i])',
      'worth = 1.0',
      (f"{MT}::test_designs_that_do_not_fit_are_worth_less",)),
    M("agenda fit ignores the community's water uses", "model/kernels.py",
      'fit[i] = left if left > 0.0 else 0.0',
      'fit[i] = 1.0',
      (f"{MT}::test_fit_falls_with_the_distance_between_uses_and_design",)),
    M("institutional pull removed", "model/environment.py",
      'return np.where(self.total(rep) >= 2, coherence * convinced * self.evidence_level(), 0.0)',
      'return np.zeros(self.replicates)',
      (f"{MT}::test_institutional_pull_needs_coherence_convinced_power_and_evidence",)),
    M("quorum ignored", "model/meetings.py",
      '(present >= q["quorum"][self.rep_p] * seats) & ',
      '',
      (f"{MT}::test_a_meeting_below_quorum_falls_through",)),
    M("decliners re-invited at once (reinvite delay ignored)", "model/membership.py",
      'self.next_invite[declined] = self.month + q["reinvite_delay"][rs[declined]]',
      'self.next_invite[declined] = self.month',
      (f"{MT}::test_decliners_wait_the_reinvite_delay",
       "tests/model/test_pathways.py::test_declined_stakeholders_wait_so_every_order_reaches_the_blockers")),
    M("blockers not entrenched", "model/vision.py",
      'return 1 - self.entrenchment * (1 - self.q["mediation"] * self.support)[self.rep_s]',
      'return np.ones(self.n)',
      ("tests/model/test_pathways.py::test_entrenched_blockers_move_less_in_dialogue_unless_mediated",)),
    M("mediation does not loosen entrenchment", "model/vision.py",
      'return 1 - self.entrenchment * (1 - self.q["mediation"] * self.support)[self.rep_s]',
      'return 1 - self.entrenchment',
      (f"{MT}::test_mediation_loosens_entrenchment",)),
    M("mediation does not widen the confidence bound", "model/vision.py",
      'q["vision_confidence"] + q["facilitation_widening"] * q["mediation"] * self.support',
      'q["vision_confidence"]',
      (f"{MT}::test_mediation_widens_the_confidence_bound",)),
    M("trust not built at meetings", "model/trust.py",
      "self.trust[met] = rules.reinforce(trust, rate, 1.0)", "pass",
      (f"{MT}::test_meeting_builds_trust_faster_with_mutual_trust",)),
    M("mutual trust does not speed trust building", "model/trust.py",
      '* (0.5 + q["mutual_trust"][rep]))',
      '* 1.0)',
      (f"{MT}::test_meeting_builds_trust_faster_with_mutual_trust",)),
    M("a small win gives no trust", "model/kernels.py",
      'trust[e] = trust[e] + rate * (target - trust[e])',
      'trust[e] = trust[e] + rate * (target - trust[e]) * (not won)',
      (f"{MT}::test_a_small_win_raises_trust_and_commitment_on_the_pilot_platforms",
       f"{MT}::test_pilots_finishing_in_one_month_act_one_after_another_on_shared_platforms")),
    M("unresolved conflicts do not break trust", "model/kernels.py",
      "trust[e] = trust[e] + rate[rep_t[e]] * (0.0 - trust[e])",
      "trust[e] = trust[e]",
      (f"{MT}::test_an_open_conflict_breaks_trust",)),
    M("documented successes do not count as evidence", "model/pilots.py",
      'self.counts["evidence"] += self.total(rep[success & documented])',
      'pass',
      ("tests/model/test_mechanisms.py::test_documentation_turns_pilots_into_evidence_for_the_environment",
       f"{MT}::test_only_documented_successes_are_evidence")),
    M("members' contributions not counted after exit", "model/funding.py",
      'by_members = np.minimum(contributions, planned)',
      'by_members = 0.0 * planned',
      (f"{MT}::test_members_contributions_pay_after_exit",)),
    # --- each reporter ------------------------------------------------------------------------------
    M("adopted counts only implementers", "model/reporters.py",
      'return _share(tally(a), "decided", "communities")',
      'return _share(tally(a), "implementing", "communities")',
      (f"{R}::test_uptake_counts_implementing_and_confirmed_communities_not_decided_ones",)),
    M("uptake_pilot reads the outside group", "model/reporters.py",
      'return _share(tally(a), "implementing", "pilot")',
      'return _share(tally(a), "implementing", "others")',
      (f"{R}::test_uptake_counts_implementing_and_confirmed_communities_not_decided_ones",)),
    M("policy adoption not power-weighted", "model/reporters.py",
      'a.weighted_share(a.rep_s[o], a.stage[o] >= STAGE.IMPLEMENTATION, a.power[o])',
      'a.weighted_share(a.rep_s[o], a.stage[o] >= STAGE.IMPLEMENTATION, np.ones(len(o)))',
      (f"{R}::test_policy_adoption_is_power_weighted_over_organisations",)),
    M("opposition: blockers inside obstruct like those outside", "model/environment.py",
      'weight = np.where(self.members[o], inside[rep], 1.0)',
      'weight = np.ones(len(o))',
      (f"{R}::test_opposition_weights_blockers_by_power_and_discounts_those_inside",)),
    M("members by level: district counted as community", "model/reporters.py",
      'return tally(a)["members_by_level"][:, LEVEL.DISTRICT]',
      'return tally(a)["members_by_level"][:, LEVEL.COMMUNITY]',
      (f"{R}::test_members_by_level_add_up_to_members", f"{PROPS}::test_any_valid_parameters_give_outputs_in_range")),
    M("mean trust over all ties, members or not", "model/reporters.py",
      'kernels.mean_on_live_ties(a.replicates, a.live_ties, a.rep_t,',
      'kernels.mean_on_live_ties(a.replicates, np.ones_like(a.live_ties), a.rep_t,',
      (f"{R}::test_mean_trust_is_over_ties_between_members_sharing_a_platform",)),
    M("share_marginalised divides by all stakeholders", "model/reporters.py",
      'marginalised_members / n_members, NAN)',
      'marginalised_members / np.diff(a.s_start), NAN)',
      (f"{R}::test_share_marginalised_counts_marginalised_members_and_is_undefined_without_members",)),
    M("censored milestone reported as the horizon", "model/reporters.py",
      "return float(hit[0]) if len(hit) else NAN", "return float(hit[0]) if len(hit) else float(len(series))",
      (f"{R}::test_summary_censors_milestones_never_reached",)),
    M("uptake after exit 0 instead of undefined when the project never leaves", "model/reporters.py",
      'out["uptake_at_exit"] if leaves else NAN', 'out["uptake_at_exit"] if leaves else 0.0',
      (f"{R}::test_summary_uptake_after_exit_is_undefined_when_the_project_never_leaves",)),
    M("a share over an empty group reads 0 instead of undefined (equity gap, uptake outside)", "model/reporters.py",
      'counts[:, 1:] / total[:, None], NAN)',
      'counts[:, 1:] / total[:, None], 0.0)',
      (f"{R}::test_equity_gap_is_undefined_when_a_group_is_empty",)),
    M("the cached views of membership go stale when membership changes", "model/alliance.py",
      "        self.membership[who] = state\n        self._members = None\n",
      "        self.membership[who] = state\n",
      ("tests/model/test_state.py::test_cached_membership_views_follow_every_change_of_membership",)),
    # --- seeding, pairing, bad input ---------------------------------------------------------------
    M("run_model ignores its seed", "model/run.py",
      'return run_batch([(params, seed)], steps=steps)[0]',
      'return run_batch([(params, 0)], steps=steps)[0]',
      ("tests/model/test_reproducibility.py",)),
    M("the model draws from numpy's global generator", "model/adoption.py",
      'u = self.uniform_rows(3)',
      'u = np.random.random((3, self.n))',
      ("tests/model/test_reproducibility.py", f"{PROPS}::test_same_seed_same_run_for_any_valid_parameters")),
    M("replicates of `run` share one seed", "experiments/runner.py",
      "seeds = [scenario.seed + r for r in range(scenario.replicates)]",
      "seeds = [scenario.seed for r in range(scenario.replicates)]",
      ("tests/cli/test_run_cli.py::test_run_writes_tables_figure_events_and_manifest",)),
    M("compare: strategies run on different seeds (pairing broken)", "experiments/strategies/runs.py",
      "items = [(c * len(seeds) + r, params(contender, seed), seed, steps)",
      "items = [(c * len(seeds) + r, params(contender, seed), seed + c, steps)",
      ("tests/strategies/test_pairing.py::test_identical_strategies_give_identical_runs",)),
    M("run_batch steps the whole batch together, whatever its size (no cap on stakeholders)", "model/run.py",
      "if group and sum(a.n for a, _ in group) + alliance.n > STEPPED_TOGETHER:",
      "if False:",
      ("tests/model/test_batches.py::test_a_large_batch_steps_in_groups_of_at_most_the_cap_of_stakeholders_each_run_as_alone",)),
    M("the probe of a model study takes PROBE_RUNS runs whatever the study's size", "experiments/sweep/engine.py",
      "pending.head(min(PROBE_RUNS, batch_size, share) if spec.is_model else PROBE_RUNS)",
      "pending.head(min(PROBE_RUNS, batch_size) if spec.is_model else PROBE_RUNS)",
      ("tests/sweep/test_batches.py::test_a_small_study_runs_here_only_this_process_share_and_the_rest_on_both_workers",)),
    M("shared vision ignores how far members' views spread", "model/vision.py",
      "spread = kernels.spread_of(self.view[m], where, count)", "spread = np.zeros(P)",
      ("tests/model/test_kernels.py::test_joint_action_is_the_array_rule_to_the_bit",)),
    M("tension ignores the power gap", "model/kernels.py",
      "out[p] = 1 - (1 - divergence) * (1 - power_gap / 2) * (1 - disagreement)",
      "out[p] = 1 - (1 - divergence) * (1 - disagreement)",
      ("tests/model/test_kernels.py::test_tension_is_the_array_rule_to_the_bit",)),
    M("a platform's trust averages every tie on it, members' or not", "model/kernels.py",
      "        if live_ties[e]:\n            total[group[e]] += trust[e]",
      "        if True:\n            total[group[e]] += trust[e]",
      ("tests/model/test_kernels.py::test_platform_trust_is_the_array_rule_to_the_bit",)),
    M("confirmed communities give MUS up as often as those only implementing", "model/kernels.py",
      "hazard[r] * (0.5 if (s == CONFIRMATION or confirm) else 1.0)", "hazard[r] * 1.0",
      ("tests/model/test_kernels.py::test_implementation_confirmation_and_discontinuation_are_the_array_rule_to_the_bit",)),
    M("equity does not make up marginalised communities' capacity to implement", "model/kernels.py",
      "c = capacity[i] + equity_support[r] * (1 - capacity[i]) * (1.0 if marginalised[i] else 0.0)",
      "c = capacity[i]",
      ("tests/model/test_kernels.py::test_implementation_confirmation_and_discontinuation_are_the_array_rule_to_the_bit",)),
    M("an open conflict does not wear members' commitment down", "model/kernels.py",
      "commitment[i] *= 1 - 0.5 * rate[rep_s[i]]", "commitment[i] *= 1.0",
      ("tests/model/test_kernels.py::test_the_toll_of_open_conflicts_is_the_array_rule_to_the_bit",)),
    M("monitoring re-invites those who left any platform, not only the stalled one", "model/kernels.py",
      "if membership[i] == dropped and seated[i] and platforms[home[i]] and not_initiator[i]:",
      "if membership[i] == dropped and seated[i] and not_initiator[i]:",
      ("tests/model/test_kernels.py::test_those_who_left_flagged_platforms_are_the_array_rule",)),
    M("a weighted sample draws again with the positions already taken still weighted", "model/rules.py",
      "p[found[:n]] = 0", "p[found[:n]] = p[found[:n]]",
      ("tests/model/test_exact_rules.py::test_weighted_sample_returns_and_draws_exactly_what_numpys_choice_does",)),
    M("a pilot acts twice on a platform it sits on twice (district platform and second seat)", "model/kernels.py",
      "if p < 0 or (k > 0 and p == platforms[0, j]) or (k > 1 and p == platforms[1, j]):", "if p < 0:",
      (f"{MT}::test_a_pilot_acts_once_on_a_platform_it_sits_on_twice",)),
    M("a small study's runs all go to one worker (batch not cut to the workers)", "experiments/batching.py",
      "return max(1, min(int(size), -(-int(runs) // max(1, int(workers)))))",
      "return max(1, int(size))",
      ("tests/sweep/test_batches.py::test_a_study_smaller_than_a_batch_per_worker_is_cut_so_that_every_worker_gets_one",
       "tests/sweep/test_batches.py::test_the_model_tasks_of_a_small_study_go_to_both_workers")),
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
    # --- issue 20: accounting identities (tests/properties/test_identities.py) ---------------------------------
    M("the project stops paying one month before its exit month", "model/funding.py",
      'funded = self.month <= q["project_exit_month"]',
      'funded = self.month < q["project_exit_month"]',
      (f"{IDS}::test_identities_hold_every_month_for_plausible_parameters",)),
    M("the project still pays the month after its exit month", "model/funding.py",
      'funded = self.month <= q["project_exit_month"]',
      'funded = self.month <= q["project_exit_month"] + 1',
      (f"{IDS}::test_identities_hold_every_month_for_plausible_parameters",)),
    M("government pays its whole budget on top of members' contributions (support can exceed 1)", "model/funding.py",
      'by_government = np.minimum(budget, planned - by_members)',
      'by_government = budget',
      (f"{IDS}::test_government_pays_after_the_exit_when_embedded",)),
    M("a month's cost split by purse does not add up to the month's cost", "model/funding.py",
      'c[purse] += spent * self.payers[:, k]',
      'c[purse] += spent * self.payers[:, k] * 0.9',
      (f"{IDS}::test_identities_hold_every_month_for_plausible_parameters",)),
    M("departures of organisations only are counted (members != admissions - departures)", "model/membership.py",
      'self.counts["dropouts"] += self.total(rs[leaving])',
      'self.counts["dropouts"] += self.total(rs[leaving & self.org])',
      (f"{IDS}::test_identities_hold_every_month_for_plausible_parameters",)),
    # --- issue 20: spread (tests/model/test_exact_spread.py) -------------------------------------------------
    M("evidence level scaled by all communities, not the pilot districts'", "model/spread.py",
      'np.maximum(1, q["n_pilot_communities"]) /',
      'np.maximum(1, self.n_communities) /',
      (f"{SP}::test_evidence_level_is_successes_over_successes_plus_scale_times_pilot_communities",)),
    M("evidence level ignores evidence_scale", "model/spread.py",
      'scale = q["evidence_scale"] * np.maximum(1,',
      'scale = 0.08 * np.maximum(1,',
      (f"{SP}::test_evidence_level_is_successes_over_successes_plus_scale_times_pilot_communities",)),
    M("an event's push never fades (push_memory ignored)", "model/spread.py",
      'self.push *= q["push_memory"][rs]',
      'self.push *= 1.0',
      (f"{SP}::test_events_a_month_are_poisson_of_events_per_year_over_12_times_support",)),
    M("dissemination events not scaled by the share paid for", "model/spread.py",
      'rate = q["dissemination_events_per_year"] / 12 * self.support',
      'rate = q["dissemination_events_per_year"] / 12',
      (f"{SP}::test_events_a_month_are_poisson_of_events_per_year_over_12_times_support",)),
    M("dissemination events a month: per year not divided by 12", "model/spread.py",
      'rate = q["dissemination_events_per_year"] / 12 * self.support',
      'rate = q["dissemination_events_per_year"] * self.support',
      (f"{SP}::test_events_a_month_are_poisson_of_events_per_year_over_12_times_support",)),
    M("dissemination events not counted", "model/spread.py",
      'self.counts["dissemination_events"] += n_events', "pass",
      (f"{SP}::test_a_horizontal_event_reaches_non_member_communities_of_the_drawn_district",)),
    M("an event's coin at exactly 0.5 goes horizontal", "model/spread.py",
      'if g.random() < 0.5 else -1',
      'if g.random() <= 0.5 else -1',
      (f"{SP}::test_a_policy_event_reaches_non_member_organisations",)),
    M("a horizontal event also reaches members", "model/kernels.py",
      'if t == -2 or members[i]:',
      'if t == -2 or (members[i] and t == -1):',
      (f"{SP}::test_a_horizontal_event_reaches_non_member_communities_of_the_drawn_district",)),
    M("a horizontal event reaches every district's communities", "model/kernels.py",
      'elif not (is_community[i] and district[i] == t) or',
      'elif not is_community[i] or',
      (f"{SP}::test_a_horizontal_event_reaches_non_member_communities_of_the_drawn_district",)),
    M("a horizontal event's district drawn among all but the last", "model/spread.py",
      'target[r] = g.integers(q["n_districts"][r])',
      'target[r] = g.integers(max(1, q["n_districts"][r] - 1))',
      (f"{SP}::test_a_horizontal_event_reaches_non_member_communities_of_the_drawn_district",)),
    M("a horizontal event reaches with policy_reach", "model/kernels.py",
      'not u[i] < horizontal_reach[r]',
      'not u[i] < policy_reach[r]',
      (f"{SP}::test_a_horizontal_event_reaches_non_member_communities_of_the_drawn_district",)),
    M("a policy event also reaches member organisations", "model/kernels.py",
      'if t == -2 or members[i]:',
      'if t == -2 or (members[i] and t != -1):',
      (f"{SP}::test_a_policy_event_reaches_non_member_organisations",)),
    M("a policy event reaches with horizontal_reach", "model/kernels.py",
      'if not org[i] or not u[i] < policy_reach[r]:',
      'if not org[i] or not u[i] < horizontal_reach[r]:',
      (f"{SP}::test_a_policy_event_reaches_non_member_organisations",)),
    M("an event reaches at a draw equal to its reach", "model/kernels.py",
      'not u[i] < horizontal_reach[r]',
      'not u[i] <= horizontal_reach[r]',
      (f"{SP}::test_a_horizontal_event_reaches_non_member_communities_of_the_drawn_district",), also=(('not u[i] < policy_reach[r]', 'not u[i] <= policy_reach[r]'),)),
    M("an event adds event_awareness instead of closing that share of the gap", "model/kernels.py",
      'awareness[i] += event_awareness[r] * (1 - awareness[i])',
      'awareness[i] += event_awareness[r]',
      (f"{SP}::test_a_horizontal_event_reaches_non_member_communities_of_the_drawn_district",)),
    M("events' pushes stack instead of renewing", "model/kernels.py",
      'if push[i] < event_push[r]:\n            push[i] = event_push[r]',
      'if True:\n            push[i] = push[i] + event_push[r]',
      (f"{SP}::test_a_stronger_push_left_from_earlier_events_is_kept_not_stacked",)),
    M("an event's push ignores the evidence", "model/spread.py",
      'push = q["event_push"] * (0.2 + 0.8 * evidence)',
      'push = q["event_push"] * 1.0',
      (f"{SP}::test_a_policy_event_reaches_non_member_organisations",)),
    M("an event's push without its floor (0.2) when evidence is thin", "model/spread.py",
      'push = q["event_push"] * (0.2 + 0.8 * evidence)',
      'push = q["event_push"] * (0.8 * evidence)',
      (f"{SP}::test_a_stronger_push_left_from_earlier_events_is_kept_not_stacked",)),
    M("sharing between levels: one bridge carries as much as two", "model/spread.py",
      "np.minimum(1.0, links / 2)", "np.minimum(1.0, links)",
      (f"{SP}::test_bridge_members_carry_awareness_up_and_views_between_the_linked_platforms",)),
    M("sharing between levels ignores vertical_sharing", "model/spread.py",
      '(self.q["vertical_sharing"][self.rep_p] * np.minimum',
      '(0.5 * np.minimum',
      (f"{SP}::test_bridge_members_carry_awareness_up_and_views_between_the_linked_platforms",)),
    M("members without a second seat carry between levels", "model/spread.py",
      "carriers = self.attend_bridge | (self.attend & self.has_second_seat)", "carriers = self.attend_bridge | self.attend",
      (f"{SP}::test_only_members_with_a_second_seat_carry_between_levels",)),
    M("a bridge present only at its second seat carries nothing", "model/spread.py",
      "carriers = self.attend_bridge | (self.attend & self.has_second_seat)", "carriers = self.attend & self.has_second_seat",
      (f"{SP}::test_bridge_members_carry_awareness_up_and_views_between_the_linked_platforms",)),
    M("hearsay lowers awareness too (not only upwards)", "model/spread.py",
      "(np.maximum(gap, 0.0) if only_up else gap * openness)", "(gap if only_up else gap * openness)",
      (f"{SP}::test_bridge_members_carry_awareness_up_and_views_between_the_linked_platforms",)),
    M("hearsay moves entrenched views as easily as open ones", "model/spread.py",
      "(np.maximum(gap, 0.0) if only_up else gap * openness)", "(np.maximum(gap, 0.0) if only_up else gap)",
      (f"{SP}::test_bridge_members_carry_awareness_up_and_views_between_the_linked_platforms",)),
    M("hearsay reaches those who left the alliance", "model/spread.py",
      "strength = np.where(m, strength, 0.0)", "strength = np.where(self.seated, strength, 0.0)",
      (f"{SP}::test_bridge_members_carry_awareness_up_and_views_between_the_linked_platforms",)),
    M("a platform hears its own mean instead of the linked platform's", "model/spread.py",
      "np.bincount(a, weights=mean[b], minlength=P) + np.bincount(b, weights=mean[a], minlength=P)",
      "np.bincount(a, weights=mean[a], minlength=P) + np.bincount(b, weights=mean[b], minlength=P)",
      (f"{SP}::test_bridge_members_carry_awareness_up_and_views_between_the_linked_platforms",)),
    M("linked means summed over bridges, not averaged", "model/spread.py",
      "target = np.divide(linked, links, out=np.zeros(P), where=links > 0)[self.home]", "target = linked[self.home]",
      (f"{SP}::test_bridge_members_carry_awareness_up_and_views_between_the_linked_platforms",)),
    M("a change agent needs a view above 0.5 (0.5 itself not favourable)", "model/kernels.py",
      'view[to] >= 0.5',
      'view[to] > 0.5',
      (f"{SP}::test_reach_reads_the_agents_platform_and_the_ties_trust",)),
    M("non-members act as change agents", "model/kernels.py",
      'if members[to] and intermediary_kind[to] and view[to] >= 0.5:',
      'if intermediary_kind[to] and view[to] >= 0.5:',
      (f"{SP}::test_reach_is_the_strongest_trust_times_pull_over_a_communitys_ties",)),
    M("any kind acts as a change agent", "model/kernels.py",
      'if members[to] and intermediary_kind[to] and view[to] >= 0.5:',
      'if members[to] and view[to] >= 0.5:',
      (f"{SP}::test_reach_is_the_strongest_trust_times_pull_over_a_communitys_ties",)),
    M("an agent's pull ignores its platform's joint action", "model/kernels.py",
      '(commitment[to] * joint_action[home[to]])',
      '(commitment[to] * 1.0)',
      (f"{SP}::test_reach_reads_the_agents_platform_and_the_ties_trust",)),
    M("a community hears its own pull instead of its tie's", "model/kernels.py",
      '(commitment[to] * joint_action[home[to]])',
      '(commitment[link_from[k]] * joint_action[home[link_from[k]]])',
      (f"{SP}::test_reach_is_the_strongest_trust_times_pull_over_a_communitys_ties",)),
    M("reach adds up over ties instead of the strongest", "model/kernels.py",
      'if strength > reach[link_from[k]]:\n                reach[link_from[k]] = strength',
      'if True:\n                reach[link_from[k]] += strength',
      (f"{SP}::test_reach_is_the_strongest_trust_times_pull_over_a_communitys_ties",)),
    M("reach teaches as a full meeting whatever its strength", "model/kernels.py",
      'awareness[i] += reach[i] * meeting_awareness[rep[i]] * (1 - awareness[i])',
      'awareness[i] += meeting_awareness[rep[i]] * (1 - awareness[i])',
      (f"{SP}::test_reach_is_the_strongest_trust_times_pull_over_a_communitys_ties",)),
    # --- issue 20: meetings and monitoring (tests/model/test_exact_meetings.py) -------------------------------
    M("meetings planned whatever the share paid for", "model/meetings.py",
      'chance = np.minimum(1.0, q["meetings_per_year"] / 12) * self.support',
      'chance = np.minimum(1.0, q["meetings_per_year"] / 12)',
      (f"{ME}::test_a_platform_plans_a_meeting_with_chance_meetings_per_year_over_12_times_support",)),
    M("meeting chance per month: per year over 6", "model/meetings.py",
      'chance = np.minimum(1.0, q["meetings_per_year"] / 12) * self.support',
      'chance = np.minimum(1.0, q["meetings_per_year"] / 6) * self.support',
      (f"{ME}::test_a_platform_plans_a_meeting_with_chance_meetings_per_year_over_12_times_support",)),
    M("a meeting planned at a draw equal to the chance", "model/meetings.py",
      '(self.uniform_platforms() < chance[self.rep_p])',
      '(self.uniform_platforms() <= chance[self.rep_p])',
      (f"{ME}::test_a_platform_plans_a_meeting_with_chance_meetings_per_year_over_12_times_support",)),
    M("extra meetings never cleared", "model/meetings.py",
      "self.extra_meeting[:] = False", "pass",
      (f"{ME}::test_an_extra_meeting_is_planned_whatever_the_draw_and_then_cleared",)),
    M("a one-member platform plans meetings", "model/meetings.py",
      "planned = (seats > 1) & ", "planned = (seats > 0) & ",
      (f"{ME}::test_a_platform_with_one_member_plans_no_meeting",)),
    M("no meeting fatigue", "model/meetings.py",
      'fatigue = np.minimum(1.0, q["meetings_tolerated"] / np.maximum(q["meetings_per_year"], 1e-9))',
      'fatigue = np.ones(self.replicates)',
      (f"{ME}::test_the_chance_to_come_is_commitment_times_availability_times_fatigue",
       f"{ME}::test_who_comes_and_which_meetings_take_place")),
    M("busy senior staff come as often as others", "model/kernels.py",
      'c = commitment[i] * (1 - busy[i]) * fatigue[r]',
      'c = commitment[i] * fatigue[r]',
      (f"{ME}::test_the_chance_to_come_is_commitment_times_availability_times_fatigue",
       f"{ME}::test_who_comes_and_which_meetings_take_place")),
    M("commitment does not bring members to meetings", "model/kernels.py",
      'c = commitment[i] * (1 - busy[i]) * fatigue[r]',
      'c = (1 - busy[i]) * fatigue[r]',
      (f"{ME}::test_the_chance_to_come_is_commitment_times_availability_times_fatigue",
       f"{ME}::test_who_comes_and_which_meetings_take_place")),
    M("marginalised members not held back", "model/kernels.py",
      'c = c * (1 + empowered[r]) / 2',
      'c = c * (1 + empowered[r])',
      (f"{ME}::test_the_chance_to_come_is_commitment_times_availability_times_fatigue",
       f"{ME}::test_who_comes_and_which_meetings_take_place")),
    M("empowerment of the marginalised works unpaid", "model/meetings.py",
      'q["empowerment"] * self.support, rs, members',
      'q["empowerment"] * 1.0, rs, members',
      (f"{ME}::test_the_chance_to_come_is_commitment_times_availability_times_fatigue",
       f"{ME}::test_who_comes_and_which_meetings_take_place")),
    M("attendance as a share of all stakeholders", "model/meetings.py",
      "present / np.maximum(seats, 1)", "present / self.n",
      (f"{ME}::test_who_comes_and_which_meetings_take_place",)),
    M("a meeting needs more than the quorum", "model/meetings.py",
      '(present >= q["quorum"][self.rep_p] * seats)',
      '(present > q["quorum"][self.rep_p] * seats)',
      (f"{ME}::test_a_meeting_needs_the_quorum_and_two_members",)),
    M("one member alone makes a meeting", "model/meetings.py",
      'self.meets = planned & (present >= q["quorum"][self.rep_p] * seats) & (present >= 2)',
      'self.meets = planned & (present >= q["quorum"][self.rep_p] * seats) & (present >= 1)',
      (f"{ME}::test_a_meeting_needs_the_quorum_and_two_members",)),
    M("meetings that fall through not counted", "model/meetings.py",
      'self.counts["meetings_missed"] += self.total(self.rep_p[planned & ~self.meets])',
      'pass',
      (f"{ME}::test_who_comes_and_which_meetings_take_place",)),
    M("planned meetings counted as held", "model/meetings.py",
      'self.counts["meetings"] += self.total(self.rep_p[self.meets])',
      'self.counts["meetings"] += self.total(self.rep_p[planned])',
      (f"{ME}::test_who_comes_and_which_meetings_take_place",)),
    M("those who came to a meeting that fell through count as attending", "model/kernels.py",
      'attend[i] = come[i] and meets[home[i]]',
      'attend[i] = come[i]',
      (f"{ME}::test_who_comes_and_which_meetings_take_place",)),
    M("a bridge sits at its own platform's meeting instead of its second seat's", "model/kernels.py",
      'and meets[second_home[i]]',
      'and meets[home[i]]',
      (f"{ME}::test_a_bridge_member_attends_its_second_seat_by_its_own_draw",)),
    M("a bridge's second seat uses its first draw", "model/meetings.py",
      'self.home, u[1], coming,',
      'self.home, u[0], coming,',
      (f"{ME}::test_a_bridge_member_attends_its_second_seat_by_its_own_draw",)),
    M("a meeting adds meeting_awareness instead of closing that share of the gap", "model/kernels.py",
      'awareness[i] += meeting_awareness[r] * (1 - awareness[i])',
      'awareness[i] += meeting_awareness[r] * (1 - awareness[i]) ** 2',
      (f"{ME}::test_attending_teaches_and_commits_by_guidance",)),
    M("guidance makes meetings useful unpaid", "model/meetings.py",
      '(0.5 + 0.5 * q["guidance"] * self.support)',
      '(0.5 + 0.5 * q["guidance"])',
      (f"{ME}::test_attending_teaches_and_commits_by_guidance",)),
    M("guidance does not make meetings more useful", "model/meetings.py",
      '(0.5 + 0.5 * q["guidance"] * self.support)',
      '(0.5 + 0.5 * self.support)',
      (f"{ME}::test_attending_teaches_and_commits_by_guidance",)),
    M("commitment from a meeting not bounded by 1", "model/kernels.py",
      'commitment[i] += useful[r] * (1 - commitment[i])',
      'commitment[i] += useful[r]',
      (f"{ME}::test_attending_teaches_and_commits_by_guidance",)),
    M("a conflict is a stall at exactly conflict_stall_months", "model/monitoring.py",
      'self.month - self.conflict_since > q["conflict_stall_months"][rep]',
      'self.month - self.conflict_since >= q["conflict_stall_months"][rep]',
      (f"{ME}::test_a_conflict_is_a_stall_once_open_longer_than_conflict_stall_months",)),
    M("a resolved old conflict still counts as a stall", "model/monitoring.py",
      "stale = (self.open_conflicts > 0) & ", "stale = (self.open_conflicts >= 0) & ",
      (f"{ME}::test_a_conflict_is_a_stall_once_open_longer_than_conflict_stall_months",)),
    M("attendance at the stall level counts as thin", "model/monitoring.py",
      'thin = self.attendance < q["stall_attendance"][rep]',
      'thin = self.attendance <= q["stall_attendance"][rep]',
      (f"{ME}::test_a_stall_is_detected_with_chance_monitoring_times_support",)),
    M("monitoring works unpaid", "model/monitoring.py",
      '(q["monitoring"] * self.support)[rep]',
      'q["monitoring"][rep]',
      (f"{ME}::test_a_stall_is_detected_with_chance_monitoring_times_support",)),
    M("a stall detected at a draw equal to the chance", "model/monitoring.py",
      '(self.uniform_platforms() < (q["monitoring"]',
      '(self.uniform_platforms() <= (q["monitoring"]',
      (f"{ME}::test_a_stall_is_detected_with_chance_monitoring_times_support",)),
    M("a platform with an extra meeting called is flagged again", "model/monitoring.py",
      "stalled = (stale | thin) & ~self.extra_meeting", "stalled = stale | thin",
      (f"{ME}::test_a_platform_with_an_extra_meeting_already_called_is_not_flagged_again",)),
    M("a flagged platform's attendance not reset", "model/monitoring.py",
      "self.attendance = np.where(detected, np.nan, self.attendance)", "pass",
      (f"{ME}::test_a_stall_is_detected_with_chance_monitoring_times_support",)),
    M("those who left a flagged platform not re-invited", "model/monitoring.py",
      "        if detected.any():\n            self.reinvite_dropped(detected)", "        if False:\n            pass",
      (f"{ME}::test_a_stall_is_detected_with_chance_monitoring_times_support",)),
    M("the monitoring event names the wrong stall", "model/monitoring.py",
      '"an unresolved conflict" if stale[k] else', '"an unresolved conflict" if thin[k] else',
      (f"{ME}::test_a_stall_is_detected_with_chance_monitoring_times_support",)),
    # --- issue 20: rules, events, states, outputs, summary (tests/model/test_exact_rules.py) -------------------
    M("Bass hazard used as a probability (no 1 - exp)", "model/rules.py",
      "return -np.expm1(-(np.asarray(p) + q * np.asarray(peer_share)))", "return np.asarray(p) + q * np.asarray(peer_share)",
      (f"{RU}::test_bass_probability_is_one_minus_exp_of_minus_the_hazard",)),
    M("Bass peer influence ignores the peer share", "model/rules.py",
      "q * np.asarray(peer_share)", "q * np.ones_like(np.asarray(peer_share))",
      (f"{RU}::test_bass_probability_is_one_minus_exp_of_minus_the_hazard",)),
    M("reinforcement adds rate x outcome (no pull back)", "model/rules.py",
      "return value + rate * (outcome - value)", "return value + rate * outcome",
      (f"{RU}::test_reinforce_moves_rate_of_the_way_to_the_outcome",)),
    M("trust after n successes counts n - 1", "model/rules.py",
      "return 1 - (1 - t0) * (1 - rate) ** n", "return 1 - (1 - t0) * (1 - rate) ** max(n - 1, 0)",
      (f"{RU}::test_trust_after_successes_is_n_reinforcements",)),
    M("standard deviation of the sample, not the population", "model/rules.py",
      "return math.sqrt((d * d).sum() / len(x))", "return math.sqrt((d * d).sum() / max(1, len(x) - 1))",
      (f"{RU}::test_standard_deviation_is_the_population_sd",)),
    M("bounded confidence includes views exactly eps apart", "model/rules.py",
      "close = np.abs(diff) < eps", "close = np.abs(diff) <= eps",
      (f"{RU}::test_deffuant_eps_is_a_strict_bound",)),
    M("the heavier one moves more in a weighted encounter", "model/rules.py",
      "share_j = wj / (wi + wj)", "share_j = wi / (wi + wj)",
      (f"{RU}::test_deffuant_weights_move_each_by_2_mu_times_the_others_share",)),
    M("weighted encounters move at half speed (no factor 2)", "model/rules.py",
      "step_i, step_j = 2 * mu * share_j, 2 * mu * (1 - share_j)", "step_i, step_j = mu * share_j, mu * (1 - share_j)",
      (f"{RU}::test_deffuant_weights_move_each_by_2_mu_times_the_others_share",)),
    M("each moves by the other's openness", "model/rules.py",
      "step_i, step_j = step_i * openness[i], step_j * openness[j]",
      "step_i, step_j = step_i * openness[j], step_j * openness[i]",
      (f"{RU}::test_deffuant_openness_scales_each_ones_own_move",)),
    M("Hegselmann-Krause leaves out views exactly eps above", "model/rules.py",
      'hi = np.searchsorted(xs, xs + eps, side="right")', 'hi = np.searchsorted(xs, xs + eps, side="left")',
      (f"{RU}::test_hegselmann_krause_takes_the_mean_of_views_within_eps",)),
    M("Hegselmann-Krause results not put back in each one's place", "model/rules.py",
      "out[order] = (csum[hi] - csum[lo]) / (hi - lo)", "out[:] = (csum[hi] - csum[lo]) / (hi - lo)",
      (f"{RU}::test_hegselmann_krause_takes_the_mean_of_views_within_eps",)),
    M("clusters split at a gap of exactly gap", "model/rules.py",
      "breaks = np.flatnonzero(np.diff(xs) > gap)", "breaks = np.flatnonzero(np.diff(xs) >= gap)",
      (f"{RU}::test_clusters_split_where_sorted_views_are_more_than_gap_apart",)),
    M("clusters of exactly min_share dropped", "model/rules.py",
      "(sizes >= min_share * len(xs))", "(sizes > min_share * len(xs))",
      (f"{RU}::test_clusters_split_where_sorted_views_are_more_than_gap_apart",)),
    M("pairs overlap (the odd one out paired twice)", "model/rules.py",
      "first = (same_as_next & (rank % 2 == 0)).nonzero()[0]", "first = same_as_next.nonzero()[0]",
      (f"{RU}::test_pairs_within_groups_leave_the_odd_one_out",)),
    M("event log newest-first is oldest first", "model/events.py",
      "out = self.records[::-1]", "out = self.records[:]",
      (f"{RU}::test_event_log_keeps_order_kind_and_step",)),
    M("event log keeps numpy steps", "model/events.py",
      '{"step": int(step),', '{"step": step,',
      (f"{RU}::test_event_log_keeps_order_kind_and_step",)),
    M("stance bands closed on the right (1/3 blocks)", "model/states.py",
      "return np.digitize(view, (1 / 3, 2 / 3))", "return np.digitize(view, (1 / 3, 2 / 3), right=True)",
      (f"{RU}::test_stance_bands_are_blocker_below_a_third_champion_from_two_thirds",)),
    M("summary: uptake at exit read a month late", "model/reporters.py",
      'uptake[min(exit_month, horizon)]', 'uptake[min(exit_month + 1, horizon)]',
      (f"{RU}::test_summary_reads_the_exit_month_and_the_second_year_after_it",)),
    M("summary: second year after exit counted from the exit", "model/reporters.py",
      "meetings[exit_month + 24] - meetings[exit_month + 12]", "meetings[exit_month + 24] - meetings[exit_month]",
      (f"{RU}::test_summary_reads_the_exit_month_and_the_second_year_after_it",)),
    M("summary: second year after exit undefined when the horizon is exactly exit + 24", "model/reporters.py",
      "if exit_month + 24 <= horizon else NAN)", "if exit_month + 24 < horizon else NAN)",
      (f"{RU}::test_the_second_year_after_exit_is_defined_from_exit_plus_24_months",)),
    M("summary: members lost in years 1-2 reads the last month's departures", "model/reporters.py",
      'ratio(float(col("dropouts")[24]), float(col("joins")[24]))',
      'ratio(float(col("dropouts")[-1]), float(col("joins")[24]))',
      (f"{RU}::test_members_lost_in_years_1_2_reads_month_24",)),
    M("summary: members lost in years 1-2 undefined at exactly 24 months", "model/reporters.py",
      "if horizon >= 24 else NAN)", "if horizon > 24 else NAN)",
      (f"{RU}::test_members_lost_in_years_1_2_reads_month_24",)),
    M("summary: departures per member-month, not per member-year", "model/reporters.py",
      'ratio(12 * float(col("dropouts")[-1]), float(col("member_months")[-1]))',
      'ratio(float(col("dropouts")[-1]), float(col("member_months")[-1]))',
      (f"{RU}::test_rates_per_member_year_and_per_meeting",)),
    M("summary: conflicts per meeting over meetings missed", "model/reporters.py",
      'ratio(float(col("conflicts_arisen")[-1]), float(meetings[-1]))',
      'ratio(float(col("conflicts_arisen")[-1]), float(col("meetings_missed")[-1]))',
      (f"{RU}::test_rates_per_member_year_and_per_meeting",)),
    M("summary: peak members is the final count", "model/reporters.py",
      'out["members_peak"] = float(col("members").max())', 'out["members_peak"] = float(col("members")[-1])',
      (f"{RU}::test_rates_per_member_year_and_per_meeting",)),
    M("a milestone needs more than its level", "model/reporters.py",
      "hit = np.flatnonzero(np.asarray(series) >= level)", "hit = np.flatnonzero(np.asarray(series) > level)",
      (f"{RU}::test_ratio_and_milestone_edges",)),
    M("a ratio over a negative denominator is defined", "model/reporters.py",
      "return a / b if b > 0 else NAN", "return a / b if b != 0 else NAN",
      (f"{RU}::test_ratio_and_milestone_edges",)),
    M("adopted counts the persuaded", "model/reporters.py",
      'counts = at_least[:, [0, STAGE.IMPLEMENTATION, STAGE.DECISION]]',
      'counts = at_least[:, [0, STAGE.IMPLEMENTATION, STAGE.PERSUASION]]',
      (f"{R}::test_uptake_counts_implementing_and_confirmed_communities_not_decided_ones",
       f"{IDS}::test_identities_hold_every_month_for_plausible_parameters")),
    M("attendance at community meetings reads the district platforms", "model/reporters.py",
      'return _attendance_at(a, LEVEL.COMMUNITY)',
      'return _attendance_at(a, LEVEL.DISTRICT)',
      (f"{R}::test_attendance_is_undefined_before_any_meeting_and_averages_platforms_of_a_level",)),
    M("joint action averaged over platforms without members too", "model/reporters.py",
      'has = a.platform_size > 0',
      'has = a.platform_size >= 0',
      (f"{R}::test_joint_action_averages_platforms_with_members_and_is_undefined_without",)),
    M("awareness divided by the members instead of all stakeholders", "model/reporters.py",
      '"awareness": awareness_sum / np.diff(a.s_start)',
      '"awareness": awareness_sum / np.maximum(n_members, 1)',
      (f"{R}::test_awareness_is_the_mean_over_all_stakeholders",)),
    M("an outcome where less is better read as more is better", "model/outputs.py",
      '{"higher": 1, "lower": -1, "neither": 0}', '{"higher": 1, "lower": 1, "neither": 0}',
      (f"{TR}::test_differences_use_the_first_strategy_as_reference_and_each_outcomes_direction",
       "tests/evidence/test_robust.py::test_regret_respects_an_outcome_where_less_is_better")),
    M("every output marked per run", "model/outputs.py",
      '"monthly": True, "per_run": o.name in per_run,', '"monthly": True, "per_run": True,',
      (f"{RU}::test_every_per_run_output_is_declared_once_with_its_monthly_source",)),
    # --- issue 20: the tools' rules (tests/evidence/test_tool_rules.py) ----------------------------------------
    M("calibration accepts candidates up to twice epsilon", "experiments/calibrate/abc.py",
      'if r["distance"] <= eps]', 'if r["distance"] <= 2 * eps]',
      (f"{TR}::test_every_accepted_candidate_is_within_its_generations_epsilon",)),
    M("calibration epsilon does not shrink (previous maximum, not its quantile)", "experiments/calibrate/abc.py",
      'eps = float(np.quantile(prev.population["distance"], abc["quantile"]))',
      'eps = float(prev.population["distance"].max())',
      (f"{TR}::test_epsilon_shrinks_from_generation_to_generation",)),
    M("calibration's rejection round keeps the farthest candidates", "experiments/calibrate/abc.py",
      'pop = finite.sort_values(["distance", "candidate"], kind="stable").head(N).copy()',
      'pop = finite.sort_values(["distance", "candidate"], kind="stable").tail(N).copy()',
      (f"{TR}::test_the_rejection_round_keeps_the_nearest_candidates",)),
    M("calibration's first epsilon is the nearest accepted distance", "experiments/calibrate/abc.py",
      'generations.append(Generation(0, float(pop["distance"].max())', 'generations.append(Generation(0, float(pop["distance"].min())',
      (f"{TR}::test_every_accepted_candidate_is_within_its_generations_epsilon",)),
    M("an SMC generation keeps the last candidates within epsilon", "experiments/calibrate/abc.py",
      "keep = accepted[:N]", "keep = accepted[-N:]",
      (f"{TR}::test_an_smc_generation_keeps_the_first_candidates_within_epsilon",)),
    M("SMC weights not normalised", "experiments/calibrate/abc.py",
      "return weights / weights.sum()", "return weights",
      (f"{TR}::test_every_accepted_candidate_is_within_its_generations_epsilon",)),
    M("an undefined statistic fits perfectly", "experiments/calibrate/simulate.py",
      "    if value is None or math.isnan(value):\n        return math.inf",
      "    if value is None or math.isnan(value):\n        return 0.0",
      ("tests/evidence/test_calibrate.py::test_empty_posterior_one_line_exit_2",)),
    M("discovery counts undefined runs as not meeting the condition", "experiments/discover.py",
      "defined = ~np.isnan(value)", "defined = np.ones(len(value), dtype=bool)",
      (f"{TR}::test_discovery_counts_undefined_runs_and_leaves_them_out",)),
    M("discovery does not say how many runs it left out", "experiments/discover.py",
      '(f"; {d.undefined} runs left out (undefined)" if d.undefined else "")', '""',
      (f"{TR}::test_discovery_counts_undefined_runs_and_leaves_them_out",)),
    M("discovery: a condition undefined everywhere reported as met nowhere", "experiments/discover.py",
      "    if len(y) == 0:\n", "    if False:\n",
      (f"{TR}::test_a_condition_undefined_everywhere_is_refused",)),
    M("discovery: factors of the left-out runs shifted onto the others", "experiments/discover.py",
      "x = runs.x[defined].reset_index(drop=True)", "x = runs.x[: int(defined.sum())].reset_index(drop=True)",
      (f"{TR}::test_discovery_counts_undefined_runs_and_leaves_them_out",)),
    M("robust: regret p90 is the maximum", "experiments/strategies/robust.py",
      "float(np.nanquantile(regret[:, j], REGRET_QUANTILE))", "float(np.nanmax(regret[:, j]))",
      (f"{TR}::test_regret_p90_share_best_and_all_targets_by_hand",)),
    M("robust: a tie for best counts for nobody", "experiments/strategies/robust.py",
      'row["share best"] = float(np.mean(regret[:, j] <= 1e-12))', 'row["share best"] = float(np.mean(regret[:, j] < -1e-12))',
      (f"{TR}::test_regret_p90_share_best_and_all_targets_by_hand",)),
    M("robust: meeting any target counts as meeting all", "experiments/strategies/robust.py",
      "met_all &= met", "met_all |= met",
      (f"{TR}::test_regret_p90_share_best_and_all_targets_by_hand",)),
    M("robust: an undefined target counts as met", "experiments/strategies/robust.py",
      "met = value == 1.0", "met = value != 0.0",
      (f"{TR}::test_an_undefined_outcome_gives_no_regret_in_that_future_and_counts_as_not_meeting",)),
    M("robust: mean regret undefined as soon as one future is", "experiments/strategies/robust.py",
      'row["mean regret"] = float(np.nanmean(regret[:, j]))', 'row["mean regret"] = float(np.mean(regret[:, j]))',
      (f"{TR}::test_an_undefined_outcome_gives_no_regret_in_that_future_and_counts_as_not_meeting",)),
    M("compare: 95% interval instead of 90%", "experiments/strategies/stats.py",
      "np.quantile(x, [LOW, 0.5, HIGH])", "np.quantile(x, [0.025, 0.5, 0.975])",
      (f"{TR}::test_interval_is_median_and_5th_and_95th_percentiles",)),
    M("compare: replicates paired by row order, not by replicate", "experiments/strategies/stats.py",
      "return (table[label] - table[reference]).to_numpy(dtype=float)",
      "return (runs[runs['label'] == label][column].to_numpy(dtype=float) - runs[runs['label'] == reference][column].to_numpy(dtype=float))",
      (f"{TR}::test_paired_differences_match_replicates_not_row_order",)),
    M("compare: ties count as not better", "experiments/strategies/stats.py",
      "0.5 * (signed == 0).sum()", "0.0 * (signed == 0).sum()",
      (f"{TR}::test_chance_of_doing_better_counts_ties_half",)),
    M("compare: chance of doing better ignores the outcome's direction", "experiments/strategies/stats.py",
      "signed = better * d", "signed = d",
      (f"{TR}::test_chance_of_doing_better_counts_ties_half",)),
    M("compare: chance of doing better defined with undefined replicates", "experiments/strategies/stats.py",
      "    if np.isnan(d).any():\n        return math.nan", "    if False:\n        return math.nan",
      (f"{TR}::test_chance_of_doing_better_is_undefined_when_a_difference_is",)),
    M("compare: mean difference is the median", "experiments/strategies/stats.py",
      "return float(d.mean()), float(np.quantile(means, LOW))", "return float(np.median(d)), float(np.quantile(means, LOW))",
      (f"{TR}::test_differences_use_the_first_strategy_as_reference_and_each_outcomes_direction",)),
    M("compare: bootstrap interval of the mean is the spread of replicates", "experiments/strategies/stats.py",
      "means = d[bootstrap_indices(len(d))].mean(axis=1)", "means = d",
      (f"{TR}::test_mean_and_its_bootstrap_interval",)),
    M("compare: the last strategy is the reference", "experiments/strategies/stats.py",
      "reference = labels[0]", "reference = labels[-1]",
      (f"{TR}::test_differences_use_the_first_strategy_as_reference_and_each_outcomes_direction",)),
    M("compare: a strategy's mean is its median", "experiments/strategies/stats.py",
      '"mean": float(group[col].mean())', '"mean": float(group[col].median())',
      (f"{TR}::test_describe_gives_each_strategys_median_interval_and_mean",)),
    # --- model v3 (issue 16): facilitation on the tension there is, power and brokering, orders, initiators --
    M("mediation does not defuse escalations", "model/conflict.py",
      '* (1.5 - q["mutual_trust"][rep]) * (1 - 0.5 * q["mediation"] * self.support)[rep])',
      '* (1.5 - q["mutual_trust"][rep]) * 1.0)',
      (f"{BR}::test_mediation_removes_a_share_of_the_escalation_chance",)),
    M("defusing escalations ignores whether the mediator is paid (support)", "model/conflict.py",
      '* (1.5 - q["mutual_trust"][rep]) * (1 - 0.5 * q["mediation"] * self.support)[rep])',
      '* (1.5 - q["mutual_trust"][rep]) * (1 - 0.5 * q["mediation"])[rep])',
      (f"{BR}::test_mediation_removes_a_share_of_the_escalation_chance",)),
    M("mediation builds trust regardless of the distrust there is", "model/trust.py",
      '(0.5 + mediated * (1 - trust))',
      '(0.5 + mediated)',
      (f"{BR}::test_trust_builds_at_half_speed_plus_mediation_times_distrust",)),
    M("dialogue alone builds trust at full instead of half speed", "model/trust.py",
      '(0.5 + mediated * (1 - trust))',
      '(1.0 + mediated * (1 - trust))',
      (f"{BR}::test_trust_builds_at_half_speed_plus_mediation_times_distrust",)),
    M("mediation does not soften inside blockers' obstruction", "model/environment.py",
      'inside = self.q["inside_obstruction"] * (1 - 0.5 * self.q["mediation"] * self.support)',
      'inside = self.q["inside_obstruction"]',
      (f"{R}::test_opposition_weights_blockers_by_power_and_discounts_those_inside",)),
    M("no tailoring of designs by brokering", "model/vision.py",
      'tailoring = 0.5 * self.q["mediation"] * self.support',
      'tailoring = 0.0 * self.support',
      (f"{MT}::test_fit_falls_with_the_distance_between_uses_and_design",)),
    M("brokering closes the whole gap instead of half", "model/vision.py",
      'tailoring = 0.5 * self.q["mediation"] * self.support',
      'tailoring = self.q["mediation"] * self.support',
      (f"{MT}::test_fit_falls_with_the_distance_between_uses_and_design",)),
    M("communities' designs follow the district platform, not their own", "model/vision.py",
      'self.design_for(), self.design_platform, tailoring,',
      'self.design_for(), self.district_platform, tailoring,',
      (f"{BR}::test_designs_follow_each_communitys_own_platform_then_the_level_up",)),
    M("a community platform without an agenda falls back to the national one, not its district's", "model/vision.py",
      'design[fall] = design[self.parent_platform[fall]]',
      'design[fall] = design[self.parent_platform[self.parent_platform[fall]] if level == LEVEL.COMMUNITY else '
      'self.parent_platform[fall]]',
      (f"{BR}::test_designs_follow_each_communitys_own_platform_then_the_level_up",)),
    M("the agenda never settles as roles are agreed", "model/vision.py",
      'settle = 1 - self.platform_mean(self.role_clarity)[moving]', 'settle = np.ones(int(moving.sum()))',
      (f"{BR}::test_agenda_moves_by_plasticity_times_what_is_not_yet_agreed",)),
    M("pilots ignore voice (power never steers resources)", "model/pilots.py",
      '+ equity * need) * self.voice()[hosts] + 1e-9',
      '+ equity * need) + 1e-9',
      (f"{BR}::test_pilot_hosts_are_weighted_by_voice",)),
    M("the stakeholder analysis finds marginalised groups whatever inclusiveness", "model/membership.py",
      'np.where(self.marginalised, 0.5 + 0.5 * q["inclusiveness"][rs], 1.0)',
      '1.0',
      (f"{BR}::test_analysis_finds_marginalised_groups_as_far_as_it_values_inclusiveness",)),
    M("a community with a low view counts as a blocking organisation in the analysis", "model/membership.py",
      'return np.where((self.view < 1 / 3) & self.org, q["analysis_blocker_coverage"][rs], accuracy)',
      'return np.where(self.view < 1 / 3, q["analysis_blocker_coverage"][rs], accuracy)',
      (f"{BR}::test_analysis_finds_marginalised_groups_as_far_as_it_values_inclusiveness",)),
    M("the existing network founds the alliance whole (order is founding size again)", "model/alliance.py",
      'core += list(np.flatnonzero(self.membership == MEMBER))',
      'core += list(np.flatnonzero(self.membership == MEMBER)) + (list(np.flatnonzero(self.in_network)) '
      'if self.p["mobilisation_order"] == "existing_network" else [])',
      (f"{BR}::test_every_order_founds_the_alliance_with_the_same_number_of_members",)),
    M("the existing network is not invited first", "model/membership.py",
      'return self.member_ties(candidates) + n_alone * self.in_network[candidates]',
      'return self.member_ties(candidates)',
      (f"{BR}::test_existing_network_founds_with_network_members_and_invites_the_network_first",)),
    M("a government initiator's budget line adds to embedding instead of the larger paying", "model/funding.py",
      'np.maximum(self.embedded, line)',
      '(self.embedded + line)',
      (f"{BR}::test_a_government_initiator_pays_its_budget_line_after_exit_while_a_member",)),
    M("any initiator commits a government budget line", "model/funding.py",
      'np.where(initiator_active & self.government[self.initiator], self.profile["budget_line"], 0.0)',
      'np.where(initiator_active, self.profile["budget_line"], 0.0)',
      (f"{BR}::test_only_a_government_body_commits_a_budget_line",)),
    M("the initiator's drive ignores its type", "model/funding.py",
      'q["initiator_drive"] * self.profile["drive"] * (1 - self.ownership)',
      'q["initiator_drive"] * (1 - self.ownership)',
      (f"{BR}::test_drive_is_the_initiator_types_share_of_initiator_drive",)),
    M("evidence convinces the same whoever initiated", "model/spread.py",
      ' / self.profile["evidence_credibility"]',
      '',
      (f"{BR}::test_evidence_convinces_by_the_initiator_types_credibility",)),
    M("communities accept invitations the same whoever initiated", "model/membership.py",
      'reach = np.where(self.is_community[invited], self.profile["community_reach"][rep], 1.0)',
      'reach = 1.0',
      (f"{BR}::test_communities_accept_invitations_by_the_initiator_types_community_reach",)),
    M("the join chance is not capped at 1", "model/membership.py",
      'return np.minimum(1.0, benefit * (1 + trust_in_inviter) / 2 * (1 + clarity) / 2 * include * reach)',
      'return benefit * (1 + trust_in_inviter) / 2 * (1 + clarity) / 2 * include * reach',
      (f"{BR}::test_join_chance_is_capped_at_one",)),
    M("the initiator's documentation goes on after it leaves", "model/pilots.py",
      'self.profile["documents"] * member',
      'self.profile["documents"]',
      (f"{BR}::test_the_initiator_type_adds_documentation_while_it_is_a_member",)),
    M("every pilot counted as in a marginalised community", "model/pilots.py",
      'self.counts["pilots_marginalised"] += self.total(self.rep_s[chosen[self.marginalised[chosen]]])',
      'self.counts["pilots_marginalised"] += self.total(self.rep_s[chosen])',
      (f"{BR}::test_pilots_in_marginalised_communities_are_counted_as_they_start",)),
    M("the pilot-district equity gap counts outside communities too", "model/reporters.py",
      'return _share(t, "implementing", "pilot_marginalised") - _share(t, "implementing", "pilot_others")',
      'return _share(t, "implementing", "marginalised") - _share(t, "implementing", "others")',
      (f"{R}::test_equity_gap_in_the_pilot_districts_compares_their_marginalised_communities_with_their_others",)),
    M("a blocker may initiate the alliance", "model/population.py",
      'for mask in (of_type & open_, of_type,', 'for mask in (of_type, of_type,',
      (f"{BR}::test_nobody_initiates_an_alliance_for_what_it_blocks",)),
    M("designs are a perfect fit before any agenda", "model/alliance.py",
      'self.fit_designs()  # before any platform has an agenda', 'pass  # before any platform has an agenda',
      (f"{BR}::test_before_any_agenda_designs_are_an_even_mix",)),
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


def aimed_at(test_id: str, aimed: tuple[str, ...]) -> bool:
    """A failing test id is one of the aimed tests: the same node (any parametrisation of it) or inside an aimed
    file or folder."""
    for a in aimed:
        if a.startswith("-"):
            continue
        if test_id == a or test_id.startswith((a + "[", a + "::", a.rstrip("/") + "/")):
            return True
    return False


def run_tests(copy: Path, tests: tuple[str, ...], timeout: float,
              aimed: tuple[str, ...] | None = None) -> tuple[str, list[str], float]:
    """('caught' | 'caught elsewhere' | 'survived' | 'error: ...', failing test ids, seconds). ``tests`` run in
    order and stop at the first failure; it counts as caught only when it is one of ``aimed`` (default: all of
    ``tests``), so the aimed tests go first."""
    aimed = tests if aimed is None else aimed
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg"}
    marks = () if "-m" in tests else ("-m", "not browser")
    cmd = [sys.executable, "-m", "pytest", *tests, "-q", "-rfE", "-p", "no:cacheprovider", "-p", "no:solara",
           "-p", "no:playwright", "-x", *marks]
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=copy, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "error: timeout", [], time.perf_counter() - start
    seconds = time.perf_counter() - start
    # a test that fails, or whose fixture fails (ERROR), caught the break
    failed = re.findall(r"^(?:FAILED|ERROR) (.+?)(?: - .*)?$", proc.stdout, flags=re.M)
    if proc.returncode == 0:
        return "survived", [], seconds
    if proc.returncode == 1:
        status = "caught" if any(aimed_at(f, aimed) for f in failed) else "caught elsewhere"
        return status, failed, seconds
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
    tests_of = (lambda m: EXISTING) if args.existing else (lambda m: (*m.tests, *m.others))
    if args.list:
        for i, m in enumerate(chosen, 1):
            print(f"{i:3d}. {m.name}  [{m.file}]\n      " + "\n      ".join(m.tests))
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
                    rows.append((m, *run_tests(copy, tests_of(m), args.timeout, m.tests)))
                finally:
                    path.write_text(original)
            done = time.perf_counter() - start
            eta = done / i * (len(chosen) - i)
            print(f"[{i}/{len(chosen)}] {rows[-1][1]:<9} {m.name}  ({rows[-1][3]:.0f} s; ETA {eta / 60:.1f} min)",
                  file=sys.stderr, flush=True)
    print_table(rows)
    caught = sum(r[1] == "caught" for r in rows)
    elsewhere = sum(r[1] == "caught elsewhere" for r in rows)
    survived = sum(r[1] == "survived" for r in rows)
    stale = sum(r[1].startswith("STALE") for r in rows)
    table_missed = [r[0].name for r in rows if r[0].table and r[1] != "caught"]
    print(f"\ncaught by an aimed test: {caught} of {len(rows)} ({100 * caught / max(1, len(rows)):.0f}%); "
          f"caught only by another test (counted as NOT caught): {elsewhere}; survived: {survived}; stale: {stale}; "
          f"errors: {len(rows) - caught - elsewhere - survived - stale}")
    print(f"issue 12's table: {'all caught' if not table_missed else 'NOT caught: ' + '; '.join(table_missed)}")
    return 0 if caught == len(rows) else 1


def short(test_id: str) -> str:
    return test_id.split("::", 1)[-1] if "::" in test_id else test_id


def print_table(rows) -> None:
    print("\n| # | break | file | aimed test | caught by it? | failed |\n|---|---|---|---|---|---|")
    for i, (m, status, failed, seconds) in enumerate(rows, 1):
        by = ", ".join(short(f) for f in failed) if failed else ("(collection)" if status.startswith("caught") else "-")
        mark = {"caught": "yes", "caught elsewhere": "NO (caught elsewhere only)", "survived": "NO"}.get(status, status)
        aimed = ", ".join(short(t) for t in m.tests)
        print(f"| {i} | {m.name}{' (issue table)' if m.table else ''} | `{m.file}` | {aimed} | {mark} | {by} |")


if __name__ == "__main__":
    sys.exit(main())
