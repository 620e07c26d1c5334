"""`mus-alliance compare STRATEGY...` and `mus-alliance allocate --budget B` (registered through
experiments.cli). Every input is checked before a run starts: a bad strategy file, cost table or option is
one line on stderr, exit code 2, and nothing is written."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import model

from ..io import UserError, check_out_folder
from ..batching import add_batch_size_option
from ..cli import positive_int
from ..sweep.execute import default_workers
from . import formatting as fmt
from .allocate import allocate, print_allocation, write_allocation
from .compare import compare, outcome_cell, robust_items, write_comparison
from .costs import load_costs
from ..worlds import load_worlds
from .folders import default_folder
from .robust import parse_targets, rank_outcome
from .stats import OUTCOME
from .strategy import CONFIGS, load_strategy, strategy_path, unique_labels

DEFAULT_BASE = CONFIGS / "baseline.toml"
DEFAULT_COSTS = CONFIGS / "costs.toml"


def add_parser(sub) -> None:
    cmp = sub.add_parser(
        "compare", help="compare funding strategies on the same simulated futures; write a decision report",
        description="Play each strategy (a TOML file, or the name of one in configs/strategies/) on the same "
                    "seeds and write a report (Markdown, HTML, figures) and tidy tables. The first strategy is "
                    "the reference the others are compared with.")
    cmp.add_argument("strategies", nargs="+", metavar="STRATEGY",
                     help="strategy file, or a name in configs/strategies/ (e.g. light-touch)")
    cmp.add_argument("--budget", type=budget_amount, help="the funder's budget, in the cost table's currency")
    cmp.add_argument("--target", action="append", default=[], metavar="CONDITION",
                     help='a target the funder sets, e.g. "uptake_final>=0.25" (repeatable); the report leads with '
                          'how often each strategy meets them')
    cmp.add_argument("--rank-by", default="uptake_final", metavar="OUTCOME",
                     help="outcome for regret and ranking flips (default uptake_final)")
    add_common(cmp, replicates=30)
    cmp.set_defaults(func=compare_command)

    alloc = sub.add_parser(
        "allocate", help="search how a budget is best split across facilitation, pilots and dissemination",
        description="Search splits of a fixed budget across facilitation (facilitator and meetings), pilots, "
                    "dissemination and project length for one outcome; report the best splits with their "
                    "uncertainty and which of them cannot be told apart from the best.")
    alloc.add_argument("--budget", type=budget_amount, required=True, help="the funder's budget (cost table currency)")
    alloc.add_argument("--outcome", default="uptake_final", help=f"outcome to improve: {', '.join(OUTCOME)} "
                                                                 f"(default uptake_final)")
    alloc.add_argument("--strategy", help="keep this strategy's settings and facilitators while splitting the budget")
    add_common(alloc, replicates=40)
    alloc.set_defaults(func=allocate_command)


def add_common(parser: argparse.ArgumentParser, replicates: int) -> None:
    parser.add_argument("--replicates", type=positive_int, default=replicates,
                        help=f"simulated futures per strategy (default {replicates})")
    parser.add_argument("--steps", type=positive_int, help="months to simulate (default: the base scenario's)")
    parser.add_argument("--seed", type=int, help="seed of the common futures (default: the base scenario's)")
    parser.add_argument("--base", type=Path, default=DEFAULT_BASE,
                        help="the country scenario (default configs/baseline.toml)")
    parser.add_argument("--costs", type=Path, default=DEFAULT_COSTS, help="cost table (default configs/costs.toml)")
    parser.add_argument("--out", type=Path, help="results folder")
    parser.add_argument("--worlds", type=Path, metavar="FILE",
                        help="play every replicate in a plausible world drawn from this ensemble (Parquet), the "
                             "same world for every strategy")
    parser.add_argument("--allow-unmet-worlds", action="store_true",
                        help="use worlds whose calibration did not meet its patterns (refused otherwise); the reports say so")
    parser.add_argument("--workers", type=positive_int, default=default_workers(),
                        help="worker processes (default: the CPUs available)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    add_batch_size_option(parser)


def budget_amount(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an amount, got {text!r}") from None
    if not value > 0 or math.isinf(value):
        raise argparse.ArgumentTypeError(f"must be a positive amount, got {text}")
    return value


def base_scenario(args) -> model.Scenario:
    base = model.load_scenario(args.base)
    base.steps = model.check_run_setting("steps", args.steps) if args.steps is not None else base.steps
    base.seed = model.check_run_setting("seed", args.seed) if args.seed is not None else base.seed
    return base


def compare_command(args) -> int:
    base = base_scenario(args)
    costs = load_costs(args.costs)
    strategies = unique_labels([load_strategy(strategy_path(t), base) for t in args.strategies])
    targets = parse_targets(args.target)
    rank_by = rank_outcome(args.rank_by)
    worlds = load_worlds(args.worlds, args.allow_unmet_worlds) if args.worlds is not None else None
    out = args.out or default_folder("compare", [s.path.stem if s.path else s.name for s in strategies])
    check_out_folder(out, "compare")
    comp = compare(strategies, costs, base, base.steps, args.replicates, base.seed, args.budget, args.workers,
                   progress=not args.quiet, worlds=worlds, targets=targets, rank_by=rank_by, batch_size=args.batch_size)
    write_comparison(comp, out)
    print_summary(comp, out)
    return 0


def print_summary(comp, out: Path) -> None:
    print(f"\n{len(comp.strategies)} strategies x {len(comp.seeds)} replicates x {comp.steps} months "
          f"in {comp.seconds:.1f} s; reference: {comp.reference}")
    for item in robust_items(comp):
        print("  - " + item.replace("**", "").replace("`", ""))
    for row in comp.cost_table.to_dict("records"):
        flag = "  OVER BUDGET" if row["over_budget"] else ""
        print(f"  {row['strategy']:<34} uptake {outcome_cell(comp, row['strategy'], 'uptake_final')}"
              f"   funder cost {fmt.value('money', row['funder_cost'], currency=comp.costs.currency)}{flag}")
    print(f"\nReport: {out / 'report.html'} (and report.md); tables: {out}/*.csv, *.parquet")


def allocate_command(args) -> int:
    if args.outcome not in OUTCOME:
        raise UserError(f"--outcome {args.outcome}: unknown outcome; choose one of {', '.join(OUTCOME)}")
    base = base_scenario(args)
    costs = load_costs(args.costs)
    template = load_strategy(strategy_path(args.strategy), base) if args.strategy else None
    out = args.out or default_folder("allocate", [f"{args.outcome}-budget-{args.budget:g}"])
    check_out_folder(out, "allocate")
    worlds = load_worlds(args.worlds, args.allow_unmet_worlds) if args.worlds is not None else None
    result = allocate(base, costs, args.budget, OUTCOME[args.outcome], args.replicates, base.steps, base.seed,
                      args.workers, template, progress=not args.quiet, worlds=worlds, batch_size=args.batch_size)
    write_allocation(result, out)
    print_allocation(result, out, file=sys.stdout)
    return 0
