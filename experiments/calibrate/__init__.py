"""Calibration to patterns (``mus-alliance calibrate SPEC``): ABC rejection then ABC-SMC on the sweep engine.

:mod:`.spec` reads the spec (free parameters, priors, patterns), :mod:`.simulate` runs a candidate and
computes its pattern statistics, :mod:`.abc` holds the algorithm and the resumable folder, :mod:`.report`
writes tables, figures, warnings and the plausible worlds, :mod:`.cli` is the command.
"""
