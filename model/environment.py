"""The enabling environment and institutional change: policy, mandates and finance for MUS (van Koppen et
al. 2014; pattern P8: higher-scale institutional change is rare)."""

from __future__ import annotations

import numpy as np

from . import kernels


class Environment:
    def opposition(self) -> np.ndarray:
        """Power-weighted obstruction by organisations that block MUS (view < 1/3). A blocker inside the
        alliance obstructs ``inside_obstruction`` x (1 - mediation x support / 2) as much as one left outside:
        inside, its objections go into the dialogue, and a mediator turns up to half of what is left of them
        into negotiation; outside, into single-use mandates and earmarked finance (Hermans et al. 2017:
        influential actors outside the platform). Mediation's return here is proportional to the blockers
        brought inside: nil in an alliance without them."""
        q = self.q
        return kernels.obstruction(self.org_index, self.rep_s, self.members, self.view, self.power,
                                   q["inside_obstruction"], q["mediation"], self.support)

    def update_environment(self) -> None:
        """Enabling environment E: raised by adoption of powerful national and district organisations and by
        documented evidence the alliance carries to policy makers (evidence x support: after the project
        leaves only as far as the alliance goes on), held down by obstruction (:meth:`opposition`):
        E += env_gain x (adoption + evidence x support)/2 x (1 - E) - env_drag x obstruction x E."""
        q, evidence = self.q, self.evidence_level()
        self.env = kernels.enable(self.env, self.org_index, self.rep_s, self.stage, self.power, evidence,
                                  self.support, q["env_gain"], q["env_drag"], self.opposition())

    def institutional_pull(self) -> np.ndarray:
        """How hard the alliance pushes organisations to take MUS into their mandates: coherence x convinced
        power x evidence. Coherence is 1 - 2 x the standard deviation of views among national and district
        members (a divided alliance does not convince); convinced power is the power-weighted share of all
        organisations that are members with a favourable view (>= 0.5): powerful stakeholders inside and
        convinced; evidence is :meth:`evidence_level` (policy needs documented local results)."""
        return kernels.pull_to_mandates(self.org_index, self.rep_s, self.members, self.view, self.power,
                                        self.evidence_level())
