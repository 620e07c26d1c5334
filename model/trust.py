"""Trust between members: built slowly in face-to-face dialogue, broken fast (domain notes 3.6; Ansell &
Gash 2008; Slovic 1993)."""

from __future__ import annotations

import numpy as np

from . import kernels


class Trust:
    def build_trust(self) -> None:
        """Two members who meet at the platform they share reinforce their tie's trust T towards 1 at rate
        min(1, ``trust_gain`` x (0.5 + mediation x support x (1 - T)) x (0.5 + mutual_trust)) (linear
        reinforcement; Ansell & Gash 2008: face-to-face dialogue builds trust; the core value mutual trust lets
        it grow). Dialogue alone builds at half speed; a mediator's part works on the distrust there is,
        (1 - T): at full mediation it triples the pace between strangers or former opponents (T near 0: 1.5
        against 0.5) and adds nothing
        where trust is already full, so mediation pays most where distrust is deepest (Ansell & Gash 2008:
        where there is a prehistory of antagonism, trust-building by a facilitator is the first task)."""
        q = self.q
        kernels.build_trust_at(self.trust, self.shared_ties, self.shared_seat, self.src, self.dst, self.attend,
                               self.attend_bridge, q["trust_gain"], q["mediation"], self.support, q["mutual_trust"],
                               self.rep_t)

    def breaking_rate(self) -> np.ndarray:
        """Rate at which trust falls towards 0 under an unresolved conflict, per alliance: min(1, ``trust_loss`` x
        (1.5 - mutual_trust)) (Slovic 1993: trust breaks faster than it builds)."""
        return np.minimum(1.0, self.q["trust_loss"] * (1.5 - self.q["mutual_trust"]))

    def platform_trust(self) -> np.ndarray:
        """Mean trust on the ties between current members, per platform (initial trust where none)."""
        return kernels.trust_on_platforms(self.live_ties, self.edge_platform, self.trust, self.q["initial_trust"],
                                          self.rep_p)
