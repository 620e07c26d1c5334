"""Sensitivity studies: Sobol, Morris, one-at-a-time (OFAT) and grid sweeps with replicates.

A study is described by a TOML spec (``configs/sweeps/*.toml``, read by :mod:`.spec`), turned into a design
and a table of runs with their seeds (:mod:`.design`), executed on a local process pool or a Dask cluster
(:mod:`.execute`), saved run by run into a resumable study folder (:mod:`.store`), and analysed with SALib
into tables and figures (:mod:`.analysis`, :mod:`.figures`). :mod:`.engine` ties these together and
:mod:`.cli` offers them as ``mus-alliance sweep`` and ``mus-alliance analyze``.

The engine runs any plain Python function of named parameters (:mod:`.targets`), not only the model;
:mod:`.functions` holds reference functions with known indices (Ishigami) that the tests drive it with.
"""

from .spec import Factor, Spec, load_spec  # noqa: F401
