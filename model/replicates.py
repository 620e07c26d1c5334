"""Replicates stepped together: the layout every mechanism works on, and the few tools it needs.

A batch holds R alliances (replicates: each its own parameters, population and seed) in one set of arrays:
stakeholders, ties and platforms of replicate r sit in the slices ``s_start[r]:s_start[r + 1]`` (and
``t_start``, ``p_start``), every index array holds indices into these combined arrays, ``rep_s``, ``rep_t``
and ``rep_p`` say whose each element is, and every per-alliance value (the enabling environment, support,
a counter, a parameter) is an array with one element per replicate. A single run is a batch of one, so
there is one code path.

Each replicate's outputs are bit-identical to running it alone, whatever R and its neighbours, because

- every random draw is made from the replicate's own generator, in the order and the number it would be
  made alone (:meth:`Replicates.uniform`, :meth:`Replicates.uniform_rows`, :meth:`Replicates.poisson`: for a
  batch one compiled call on each generator's state, model/streams.py; and per-replicate calls where a draw's
  kind or size depends on the state);
- element-wise arithmetic does not depend on the array it sits in;
- every sum, mean or maximum over a replicate's elements is a ``np.bincount`` / ``np.maximum.at`` over the
  combined arrays, which adds each group's elements one by one in index order (never NumPy's pairwise
  ``sum``, whose rounding depends on the array's length);
- sorts put the replicate first and use exact keys.

The model's rules are written once, in this layout; ``tests/model/test_batches.py`` checks the promise.
"""

from __future__ import annotations

import numpy as np

from .streams import Streams, draw_blocks, draw_rows, poisson_each
from .states import STATE, Per, Points


class Replicates:
    """The batch's bookkeeping, mixed into the alliance model (see the module's docstring)."""

    # ------------------------------------------------------------------------------------ random draws
    def uniform(self, counts: np.ndarray) -> np.ndarray:
        """Uniform draws for elements sorted by replicate, ``counts[r]`` of them from replicate r's generator
        (a replicate with none draws nothing)."""
        if self.replicates == 1:
            return self.rngs[0].random(int(counts[0]))
        starts = np.zeros(self.replicates + 1, dtype=np.int64)
        np.cumsum(counts, out=starts[1:])
        out = np.empty(starts[-1])
        self.draw_blocks(starts, out)
        return out

    def uniform_rows(self, rows: int) -> np.ndarray:
        """``rows`` x n uniform draws: replicate r draws a (rows, n_r) block, as a run of it alone does."""
        if self.replicates == 1:
            return self.rngs[0].random((rows, self.n))
        out = np.empty((rows, self.n))
        s = self.streams
        draw_rows(s.fn, s.states, self.s_start, out)
        return out

    def uniform_platforms(self, active: np.ndarray | None = None) -> np.ndarray:
        """One draw per platform of each replicate that is ``active`` (all by default); NaN elsewhere."""
        if self.replicates == 1 and (active is None or active[0]):
            return self.rngs[0].random(self.n_platforms)
        out = np.full(self.n_platforms, np.nan)
        self.draw_blocks(self.p_start, out, active)
        return out

    def poisson(self, mean: np.ndarray) -> np.ndarray:
        """One Poisson draw per replicate, ``mean[r]`` from replicate r's generator: what ``rngs[r].poisson(mean[r])``
        gives (for a batch one compiled call, model/streams.py, and NumPy for means of 10 or more)."""
        if self.replicates == 1:
            return np.array([self.rngs[0].poisson(mean[0])])
        out = np.empty(self.replicates, dtype=np.int64)
        s = self.streams
        poisson_each(s.fn, s.states, np.asarray(mean, dtype=float), out)
        for r in np.flatnonzero(out < 0).tolist():
            out[r] = self.rngs[r].poisson(mean[r])
        return out

    def draw_blocks(self, starts: np.ndarray, out: np.ndarray, active: np.ndarray | None = None) -> None:
        """Replicate r (each, or where ``active``) draws ``out[starts[r]:starts[r + 1]]`` from its generator, all
        in one compiled call (model/streams.py)."""
        s = self.streams
        draw_blocks(s.fn, s.states, starts, np.ones(self.replicates, dtype=bool) if active is None else active, out)

    @property
    def streams(self) -> Streams:
        """The replicates' generators as the compiled draws reach them (model/streams.py), read again when a
        generator was replaced (and in a copy of the batch)."""
        s = self.__dict__.get("_streams")
        if s is None or s.rngs != tuple(self.rngs):  # the same generators, one by one (identity: no __eq__)
            s = self._streams = Streams(self.rngs)
        return s

    # ------------------------------------------------------------------------------- reductions
    def total(self, rep: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """Sum of ``weights`` over each replicate's elements, added in index order; without weights, how many of
        the elements (given by their replicates) belong to each replicate."""
        return np.bincount(rep, weights=weights, minlength=self.replicates)

    def mean_of(self, rep: np.ndarray, x: np.ndarray) -> np.ndarray:
        """Per replicate, the mean of ``x`` (NaN where a replicate has no elements)."""
        n = self.total(rep)
        return np.divide(self.total(rep, x), n, out=np.full(self.replicates, np.nan), where=n > 0)

    # ------------------------------------------------------------------------------------- events
    @property
    def rng(self) -> np.random.Generator:
        """The random number generator of a single run (a batch of one)."""
        return self.rngs[0]

    @property
    def events(self):
        """The event log of a single run (a batch of one)."""
        return self.logs[0]

    def log(self, r: int, kind, text: str) -> None:
        """Write to replicate r's event log, in this month."""
        self.logs[r].log(self.month, kind, text)


def merge(parts: list) -> object:
    """One batch from alliances set up alone (batches of one), in the given order: every declared state array
    concatenated along its first axis, index arrays shifted by their replicate's offsets (-1, 'none', stays)."""
    first = parts[0]
    batch = object.__new__(type(first))
    sizes = {Points.STAKEHOLDER: [len(m.kind) for m in parts], Points.PLATFORM: [len(m.platform_level) for m in parts],
             Points.TIE: [len(m.src) for m in parts]}
    starts = {k: np.r_[0, np.cumsum(v)] for k, v in sizes.items()}
    for var in STATE:
        if var.per is Per.BATCH:
            continue
        values = [getattr(m, var.name) for m in parts]
        if isinstance(values[0], dict):
            merged = {k: np.concatenate([v[k] for v in values]) for k in values[0]}
        elif isinstance(values[0], list):
            merged = [x for v in values for x in v]
        else:
            merged = np.concatenate(values)
        if var.points_to is not None:  # each replicate's indices shifted by its offset, all at once
            shift = np.repeat(starts[var.points_to][:-1], [len(v) for v in values])
            merged = np.where(merged >= 0, merged + shift.reshape((-1,) + (1,) * (merged.ndim - 1)), merged)
        batch.__dict__[var.name] = merged
    batch.replicates = len(parts)
    batch.rngs = [g for m in parts for g in m.rngs]
    batch.ps = [p for m in parts for p in m.ps]
    batch.s_start, batch.p_start, batch.t_start = (starts[Points.STAKEHOLDER], starts[Points.PLATFORM],
                                                   starts[Points.TIE])
    batch.rep_s = np.repeat(np.arange(len(parts)), sizes[Points.STAKEHOLDER])
    batch.rep_p = np.repeat(np.arange(len(parts)), sizes[Points.PLATFORM])
    batch.rep_t = np.repeat(np.arange(len(parts)), sizes[Points.TIE])
    batch.n, batch.n_platforms, batch.kind_names = len(batch.kind), len(batch.platform_level), first.kind_names
    batch.month = first.month
    batch.rows = [[np.concatenate([m.rows[t][k] for m in parts]) for k in range(len(first.rows[t]))]
                  for t in range(len(first.rows))]
    batch.decisions = None
    batch.adopt_params()
    batch.forget_members()
    return batch
