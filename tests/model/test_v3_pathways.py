"""The seed's central claims through model v3's pathways (issue 16), each on paired seeds.

Each test runs two scenarios on its own seed stream (``seeds_for``; common random numbers) and asserts the
mean paired difference is more than 3 standard errors from 0 (``paired.assert_positive``: a null or
wrong-direction effect passes with chance < 0.2%). Power is stated per test: the SD of the paired differences
seen on the test's own seeds and the smallest effect it detects with 80% chance (``paired.detectable``).
The contexts and levers are those of ``mus-alliance pathways`` (experiments/pathways.py), read from the
registry's plausible ranges.
"""

from __future__ import annotations

import numpy as np
import pytest

from experiments.pathways import context, levers

from .paired import assert_positive, seeds_for, summaries

pytestmark = pytest.mark.slow

N = 30


def paired(a: dict, b: dict, output: str, name: str, steps: int = 120):
    seeds = seeds_for(name, N)
    return summaries(a, steps, seeds)[output].to_numpy() - summaries(b, steps, seeds)[output].to_numpy()


def facilitation(hostile: bool, output: str, name: str):
    c = context(hostile)
    return paired({**c, **levers(True)}, {**c, **levers(False)}, output, name)


def test_facilitation_cuts_obstruction_most_where_blockers_are_many():
    # Good process (every facilitation quality and core value high vs low) lowers blockers' obstruction by
    # more in the hostile context than in the favourable one: mediation's share-of-the-gap rules act on the
    # blockers there are. Seen on seeds 0-29 of `mus-alliance pathways`: 0.49 (SD 0.10) vs 0.06 (SD 0.04);
    # power: SD of the difference of differences ~0.11 -> detects >= 0.08.
    name = "facilitation_cuts_obstruction_most_where_blockers_are_many"
    hostile = -facilitation(True, "opposition_final", name)
    favourable = -facilitation(False, "opposition_final", name)
    assert_positive(hostile - favourable, "obstruction removed by good process, hostile minus favourable")


def test_good_process_turns_a_hostile_context_into_a_working_alliance():
    # In the hostile context good process keeps members, trust and joint action (seen on seeds 0-29 of
    # `mus-alliance pathways`: members +39, SD 8.2; trust +0.52, SD 0.09; joint action +0.57, SD 0.10).
    # Power: detects >= 5.7 members, 0.07 trust, 0.07 joint action (the bars asked, 10 and 0.2, are lower
    # than the effects seen by 4-30 SD).
    # Trust and joint action are undefined (NaN) where a poorly run alliance has no member ties or members
    # left: those pairs are left out, and at least 20 of the 30 must remain.
    name = "good_process_turns_a_hostile_context_into_a_working_alliance"
    assert_positive(facilitation(True, "members_final", name), "members kept in a hostile context", min_effect=10)
    for output in ("mean_trust_final", "joint_action_final"):
        d = facilitation(True, output, name)
        d = d[np.isfinite(d)]
        assert len(d) >= 20, f"{output}: only {len(d)} defined pairs"
        assert_positive(d, f"{output} in a hostile context", min_effect=0.2)


@pytest.mark.parametrize("brokered", [False, True])
def test_power_steers_pilots_away_from_marginalised_communities_unless_brokered(brokered):
    # Power distortion 1 vs 0: without brokering (mediation = empowerment = 0) pilots go to the powerful, so
    # the marginalised share of pilots falls (seen on seeds 0-29: -9.9 points, SD 7.3 -> detects >= 5.1);
    # with full brokering (both 1, at the support paid for) the fall is smaller (-2.8, SD 2.6), not nil:
    # power still weighs in dialogue where support < 1. The test asserts the unbrokered fall exceeds the
    # brokered one by 3 SE.
    name = "power_steers_pilots_away_from_marginalised_communities"
    b = {"mediation": float(brokered), "empowerment": float(brokered)}
    d = paired({**b, "power_distortion": 0.0}, {**b, "power_distortion": 1.0}, "pilot_share_marginalised", name)
    if not brokered:
        assert_positive(d, "marginalised share of pilots, no distortion minus full distortion, unbrokered")
    else:
        unbrokered = paired({"mediation": 0.0, "empowerment": 0.0, "power_distortion": 0.0},
                            {"mediation": 0.0, "empowerment": 0.0, "power_distortion": 1.0},
                            "pilot_share_marginalised", name)
        assert_positive(unbrokered - d, "power's effect on who gets pilots, unbrokered minus brokered")


def test_top_down_builds_the_enabling_environment_faster_than_bottom_up_at_equal_founding_size():
    # Both orders start from the same core group size; top-down brings powerful national organisations in
    # first, who shape the agenda and whose adoption raises the environment (seen on seeds 0-29: +0.13,
    # SD 0.094 -> detects >= 0.066).
    name = "top_down_builds_the_enabling_environment_faster_than_bottom_up"
    d = paired({"mobilisation_order": "top_down"}, {"mobilisation_order": "bottom_up"}, "enabling_env_final", name)
    assert_positive(d, "enabling environment, top-down minus bottom-up")


def test_a_government_initiator_pays_for_the_alliance_after_exit():
    # A government initiator's budget line pays for activities after the project leaves; an external
    # project's office leaves with it. Seen on this test's seeds: +347 k$ paid by government, SD 226 ->
    # detects >= 160 k$. (Meetings in the second year after exit: +1.5, SD 4.2, z 2.0: not claimed.)
    name = "a_government_initiator_pays_for_the_alliance_after_exit"
    d = paired({"initiator": "government"}, {"initiator": "project"}, "cost_government", name)
    assert_positive(d, "cost paid by government, government minus project initiator")


def test_a_knowledge_institute_documents_more_pilots():
    # Seen on seeds 0-29 of `mus-alliance pathways`: +14.9 pilots documented, SD 9.0 -> detects >= 6.3.
    name = "a_knowledge_institute_documents_more_pilots"
    d = paired({"initiator": "knowledge_institute"}, {"initiator": "project"}, "pilots_documented", name)
    assert_positive(d, "pilots documented, knowledge institute minus project initiator")
