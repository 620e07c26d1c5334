"""Funders compare strategies: costs, paired replicates and a decision report (issue 5).

- :mod:`.strategy`: strategy files (``configs/strategies/*.toml``): the scenario settings a strategy
  changes and its spending plan in resource units, which drives the model's activity rates;
- :mod:`.costs`: the one cost table (``configs/costs.toml``);
- :mod:`.runs`: every strategy played on the same seeds (common random numbers), on the sweep engine's
  executor;
- :mod:`.accounts` and :mod:`.stats`: costs from the units the model counted, medians and 90% intervals,
  paired differences, chances of doing better, cost per additional adopting community;
- :mod:`.compare` (``mus-alliance compare``) and :mod:`.allocate` (``mus-alliance allocate``), with their
  report (:mod:`.document`, :mod:`.figures`, :mod:`.formatting`) and :mod:`.cli`.

Other parts (the dashboard) list the shipped files with :func:`strategy_files`, load one with
:func:`load_strategy` (against the base scenario) and run ``strategy.params``.
"""

from .costs import CostTable, load_costs  # noqa: F401
from .strategy import Plan, Strategy, load_strategy, strategy_files, strategy_path  # noqa: F401
