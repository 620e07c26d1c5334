"""Hypothesis profiles for the property tests.

``fast`` (the default, part of ``make test-fast``): few examples, derandomized, so the same examples run on
every machine and a clean clone stays green unless the code changed. ``thorough`` (``HYPOTHESIS_PROFILE=
thorough``): many random examples, for hunting; a counterexample it finds becomes an ``@example`` or a plain
test. The ``slow``-marked property tests set their own larger example counts on top of the profile.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "fast", max_examples=8, derandomize=True, deadline=None, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "thorough", max_examples=300, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))
