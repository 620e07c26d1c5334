"""Speed of the model against Mesa's own virus_on_network example, measured in the same run.

For each size we build both models (construction is not timed), warm up, then time full steps (mechanisms
plus data collection) and report microseconds per agent-step and the ratio ours / virus_on_network.
Times are CPU time of this process (``time.process_time``), with the two models measured alternately, so
that other work on the machine disturbs both alike.
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


def time_steps(m, steps: int = STEPS) -> float:
    """CPU seconds per full step of model ``m`` after a short warm-up."""
    for _ in range(3):
        m.step()
    t0 = time.process_time()
    for _ in range(steps):
        m.step()
    return (time.process_time() - t0) / steps


def compare(params: dict, label: str) -> dict:
    ours, virus = [], []
    for r in range(REPEATS):
        m = model.build_model(params, seed=r)
        n = len(m.agents)
        ours.append(time_steps(m))
        with no_layout():
            v = VirusOnNetwork(num_nodes=n, rng=r)
        virus.append(time_steps(v))
    us_ours = statistics.median(ours) / n * 1e6
    us_virus = statistics.median(virus) / n * 1e6
    row = dict(size=label, agents=n, us_per_agent_step=us_ours, virus_us_per_agent_step=us_virus,
               ratio=us_ours / us_virus, ms_per_step=statistics.median(ours) * 1e3)
    print(f"{label:<10} {n:>7,d} agents  mus-alliance {us_ours:6.2f} us/agent-step ({row['ms_per_step']:6.2f} ms/step)   "
          f"virus_on_network {us_virus:6.2f} us/agent-step   ratio {row['ratio']:.2f}")
    return row


def main() -> list[dict]:
    print("Model speed: microseconds per agent-step, median of 5 models x 60 steps (full step incl. data collection)")
    rows = [compare(DEFAULT, "default"), compare(TEN_X, "10x")]
    print("Goals: ratio <= 2 at the default size, < 0.5 at 10x.")
    return rows


if __name__ == "__main__":
    main()
