"""Speed of the model against Mesa's own virus_on_network example, measured in the same run.

For each size we build both models (construction is not timed), warm up, then time full steps (mechanisms
plus data collection) and report microseconds per agent-step and the ratio ours / virus_on_network.
virus_on_network is built with ``layout=None`` for its Network: the default spring layout only places
nodes for drawing, costs 8-80 s at these sizes, and is never used by its step.
"""

from __future__ import annotations

import contextlib
import statistics
import time

from mesa.discrete_space import Network
from mesa.examples.basic.virus_on_network.model import VirusOnNetwork

import model

DEFAULT = {}
TEN_X = dict(n_districts=30, n_national_orgs=80, n_pilot_communities=600, n_outside_communities=3000)
STEPS = 60
REPEATS = 5


@contextlib.contextmanager
def no_layout():
    defaults = Network.__init__.__defaults__
    Network.__init__.__defaults__ = defaults[:-1] + (None,)
    try:
        yield
    finally:
        Network.__init__.__defaults__ = defaults


def time_steps(make, steps: int = STEPS, repeats: int = REPEATS) -> tuple[float, int]:
    """Median over ``repeats`` fresh models of the seconds per step, and the model's agent count."""
    per_step = []
    n = 0
    for r in range(repeats):
        m = make(r)
        n = len(m.agents)
        for _ in range(3):
            m.step()
        t0 = time.perf_counter()
        for _ in range(steps):
            m.step()
        per_step.append((time.perf_counter() - t0) / steps)
    return statistics.median(per_step), n


def compare(params: dict, label: str) -> dict:
    ours, n = time_steps(lambda r: model.build_model(params, seed=r))
    with no_layout():
        virus, n_v = time_steps(lambda r: VirusOnNetwork(num_nodes=n, rng=r))
    us_ours = ours / n * 1e6
    us_virus = virus / n_v * 1e6
    row = dict(size=label, agents=n, us_per_agent_step=us_ours, virus_us_per_agent_step=us_virus,
               ratio=us_ours / us_virus, ms_per_step=ours * 1e3)
    print(f"{label:<10} {n:>7,d} agents  mus-alliance {us_ours:6.2f} us/agent-step ({ours * 1e3:6.2f} ms/step)   "
          f"virus_on_network {us_virus:6.2f} us/agent-step   ratio {row['ratio']:.2f}")
    return row


def main() -> list[dict]:
    print("Model speed: microseconds per agent-step, median of 5 models x 60 steps (full step incl. data collection)")
    rows = [compare(DEFAULT, "default"), compare(TEN_X, "10x")]
    print("Goals: ratio <= 2 at the default size, <= 1 at 10x.")
    return rows


if __name__ == "__main__":
    main()
