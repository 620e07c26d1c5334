"""The enabling environment and institutional change: policy, mandates and finance for MUS (van Koppen et
al. 2014; pattern P8: higher-scale institutional change is rare)."""

from __future__ import annotations

import numpy as np

from .states import STAGE


class Environment:
    def opposition(self) -> np.ndarray:
        """Power-weighted obstruction by organisations that block MUS (view < 1/3). A blocker inside the
        alliance obstructs ``inside_obstruction`` x (1 - mediation x support / 2) as much as one left outside:
        inside, its objections go into the dialogue, and a mediator turns up to half of what is left of them
        into negotiation; outside, into single-use mandates and earmarked finance (Hermans et al. 2017:
        influential actors outside the platform). Mediation's return here is proportional to the blockers
        brought inside: nil in an alliance without them."""
        o = self.org_index
        rep = self.rep_s[o]
        inside = self.q["inside_obstruction"] * (1 - 0.5 * self.q["mediation"] * self.support)
        weight = np.where(self.members[o], inside[rep], 1.0)
        return self.weighted_share(rep, self.view[o] < 1 / 3, self.power[o] * weight)

    def update_environment(self) -> None:
        """Enabling environment E: raised by adoption of powerful national and district organisations and by
        documented evidence the alliance carries to policy makers (evidence x support: after the project
        leaves only as far as the alliance goes on), held down by obstruction (:meth:`opposition`):
        E += env_gain x (adoption + evidence x support)/2 x (1 - E) - env_drag x obstruction x E."""
        o = self.org_index
        adoption = self.weighted_share(self.rep_s[o], self.stage[o] >= STAGE.IMPLEMENTATION, self.power[o])
        carried = self.evidence_level() * self.support
        gain = self.q["env_gain"] * (adoption + carried) / 2 * (1 - self.env)
        self.env = np.minimum(1.0, np.maximum(0.0, self.env + gain - self.q["env_drag"] * self.opposition() * self.env))

    def institutional_pull(self) -> np.ndarray:
        """How hard the alliance pushes organisations to take MUS into their mandates: coherence x convinced
        power x evidence. Coherence is 1 - 2 x the standard deviation of views among national and district
        members (a divided alliance does not convince); convinced power is the power-weighted share of all
        organisations that are members with a favourable view (>= 0.5): powerful stakeholders inside and
        convinced; evidence is :meth:`evidence_level` (policy needs documented local results)."""
        o = self.org_index
        rep_o, view_o, inside = self.rep_s[o], self.view[o], self.members[o]  # organisations, then members among them
        rep = rep_o[inside]
        coherence = np.maximum(0.0, 1 - 2 * self.std_of(rep, view_o[inside]))
        convinced = self.weighted_share(rep_o, inside & (view_o >= 0.5), self.power[o])
        return np.where(self.total(rep) >= 2, coherence * convinced * self.evidence_level(), 0.0)
