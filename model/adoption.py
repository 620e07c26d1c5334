"""The innovation-decision process (Rogers 2003) of every community and organisation."""

from __future__ import annotations

import numpy as np

from . import kernels, rules
from .events import EventKind


class Adoption:
    def adopt(self) -> None:
        """Knowledge: awareness >= ``awareness_threshold``. Persuasion: a favourable view (>= 0.5). Decision:
        a hazard 1 - exp(-(p + q F)) (Bass 1969) with
        p = ``bass_p`` + dissemination push + ``intermediary_strength`` x reach (communities: trusted
        intermediaries, :meth:`reach_through_intermediaries`) + ``institutional_rate`` x institutional pull
        (organisations that are members, or x ``policy_reach`` for those outside: :meth:`institutional_pull`),
        and F the share of peers who decided (for communities their tied neighbours, weight
        ``peer_locality``, and all communities; for organisations others of the same type, P11), scaled by
        readiness 1 - ``stage_gating`` x [not persuaded], by 1 - ``adoption_barrier`` x (1 - E) and, for
        communities, by 1 - ``design_fit_weight`` x (1 - fit): MUS designed for other people's water uses is
        worth less. Implementation and confirmation follow (:meth:`implement`, :meth:`confirm_or_discontinue`)."""
        q, rs = self.q, self.rep_s
        u = self.uniform(3 * np.diff(self.s_start))  # each alliance's (3, n_r) block of draws, one after another
        hazard = kernels.adoption_hazard(
            self.stage, self.awareness, self.view, q["awareness_threshold"], rs, self.is_community, self.n_communities,
            self.peer_from, self.peer_to, self.inverse_peer_degree, self.no_peers, q["peer_locality"], self.org, self.org_index,
            self.org_kind, self.kind, self.inverse_kind_count, q["bass_p"], self.push, q["intermediary_strength"],
            self.reach, q["institutional_rate"] * self.institutional_pull(), self.members, q["policy_reach"], q["bass_q"])
        self.announce_policy_adoption(kernels.take_up(
            self.stage, self.implementing_since, u, self.s_start, rules.chance_within_a_month(hazard), self.can_adopt,
            q["stage_gating"], q["adoption_barrier"], self.env, q["design_fit_weight"], self.fit, self.capacity,
            self.marginalised, self.equity_support(), q["implementation_speed"], self.is_community,
            q["confirmation_months"], self.discontinuation_hazard(), self.month, self.national_orgs))

    def innovation(self) -> np.ndarray:
        """The Bass innovation term p of each stakeholder: ``bass_p`` + dissemination push + the alliance's pull
        (see :meth:`adopt`; the loop: :func:`model.kernels.external_influence`)."""
        q = self.q
        return kernels.external_influence(q["bass_p"], self.push, q["intermediary_strength"], self.reach, self.rep_s,
                                          self.org_index, q["institutional_rate"] * self.institutional_pull(),
                                          self.members, q["policy_reach"])

    def implement(self, u: np.ndarray) -> None:
        """Decisions become implementations with monthly chance ``implementation_speed`` x (1 + capacity)/2
        x (1 + E)/2, where for marginalised communities the core value equity makes up equity x support of
        the capacity gap."""
        kernels.implement(self.stage, self.implementing_since, self.capacity, self.marginalised, u,
                          self.equity_support(), self.q["implementation_speed"], self.env, self.rep_s, self.month)

    def equity_support(self) -> np.ndarray:
        """The share of a marginalised community's capacity gap the core value equity makes up: equity x support."""
        return self.q["equity"] * self.support

    def peer_share(self, decided: np.ndarray) -> np.ndarray:
        """Share of each stakeholder's peers who decided for MUS (see :meth:`adopt`; the loop:
        :func:`model.kernels.peer_share`)."""
        return kernels.peer_share(decided, self.rep_s, self.is_community, self.n_communities, self.peer_from,
                                  self.peer_to, self.inverse_peer_degree, self.no_peers, self.q["peer_locality"],
                                  self.org_index, self.org_kind, self.kind, self.inverse_kind_count)

    def announce_policy_adoption(self, deciding: np.ndarray) -> None:
        for i in deciding:
            self.log(self.rep_s[i], EventKind.ADOPTION, f"{self.names[i]} decided to take MUS into its mandate.")

    def confirm_or_discontinue(self, u: np.ndarray) -> None:
        """After ``confirmation_months`` of implementation a stakeholder confirms with monthly chance E / that
        many months; implementing communities give MUS up with chance ``discontinuation_rate`` x (1 - E)
        (halved once confirmed); organisations, once implementing, keep MUS in their mandate."""
        kernels.confirm_or_discontinue(self.stage, self.implementing_since, self.is_community, u,
                                       self.q["confirmation_months"], self.env, self.discontinuation_hazard(),
                                       self.rep_s, self.month)

    def discontinuation_hazard(self) -> np.ndarray:
        """Implementing communities' monthly chance of giving MUS up: ``discontinuation_rate`` x (1 - E)."""
        return self.q["discontinuation_rate"] * (1 - self.env)
