"""The innovation-decision process (Rogers 2003) of every community and organisation."""

from __future__ import annotations

import numpy as np

from . import rules
from .events import EventKind
from .population import KINDS
from .states import STAGE


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
        p, stage = self.p, self.stage
        decided = stage >= STAGE.DECISION
        stage[(stage == STAGE.UNAWARE) & (self.awareness >= p["awareness_threshold"])] = STAGE.KNOWLEDGE
        weighing = (stage == STAGE.KNOWLEDGE) | (stage == STAGE.PERSUASION)
        favourable = self.view >= 0.5
        stage[weighing & favourable] = STAGE.PERSUASION
        stage[weighing & ~favourable] = STAGE.KNOWLEDGE
        u = self.rng.random((3, self.n))
        readiness = 1 - p["stage_gating"] * (stage < STAGE.PERSUASION)
        barrier = 1 - p["adoption_barrier"] * (1 - self.env)
        worth = 1 - p["design_fit_weight"] * (1 - self.fit)
        external = p["bass_p"] + self.push + self.alliance_pull()
        chance = rules.bass_probability(external, p["bass_q"], self.peer_share(decided))
        deciding = (stage < STAGE.DECISION) & self.can_adopt & (u[0] < chance * readiness * barrier * worth)
        stage[deciding] = STAGE.DECISION
        self.announce_policy_adoption(deciding)
        self.implement(u[1])
        self.confirm_or_discontinue(u[2])

    def alliance_pull(self) -> np.ndarray:
        """Monthly adoption hazard the alliance adds beyond events: trusted intermediaries for communities,
        institutional pull for organisations (see :meth:`adopt`)."""
        pull = self.p["intermediary_strength"] * self.reach  # reach is 0 for all but communities
        o = self.org_index
        institutional = self.p["institutional_rate"] * self.institutional_pull()
        if institutional:
            pull[o] = institutional * np.where(self.members[o], 1.0, self.p["policy_reach"])
        return pull

    def implement(self, u: np.ndarray) -> None:
        """Decisions become implementations with monthly chance ``implementation_speed`` x (1 + capacity)/2
        x (1 + E)/2, where for marginalised communities the core value equity makes up equity x support of
        the capacity gap."""
        waiting = (self.stage == STAGE.DECISION).nonzero()[0]
        if not len(waiting):
            return
        capacity = self.capacity[waiting]
        capacity = capacity + self.p["equity"] * self.support * (1 - capacity) * self.marginalised[waiting]
        chance = self.p["implementation_speed"] * (1 + capacity) / 2 * (1 + self.env) / 2
        going = waiting[u[waiting] < chance]
        self.stage[going] = STAGE.IMPLEMENTATION
        self.implementing_since[going] = self.month

    def peer_share(self, decided: np.ndarray) -> np.ndarray:
        """Share of each stakeholder's peers who decided for MUS (see :meth:`adopt`)."""
        global_share = np.count_nonzero(decided & self.is_community) / self.n_communities if self.n_communities else 0.0
        hits = np.bincount(self.peer_from, weights=decided[self.peer_to], minlength=self.n)
        loc = self.p["peer_locality"]
        local = hits * self.inverse_peer_degree + self.no_peers * global_share
        org_decided = np.bincount(self.org_kind, weights=decided[self.org_index], minlength=len(KINDS))
        same_kind = org_decided * self.inverse_kind_count
        return np.where(self.is_community, (1 - loc) * global_share + loc * local, same_kind[self.kind])

    def announce_policy_adoption(self, deciding: np.ndarray) -> None:
        for i in self.national_orgs[deciding[self.national_orgs]]:
            self.events.log(self.month, EventKind.ADOPTION, f"{self.names[i]} decided to take MUS into its mandate.")

    def confirm_or_discontinue(self, u: np.ndarray) -> None:
        """After ``confirmation_months`` of implementation a stakeholder confirms with monthly chance E / that
        many months; implementing communities give MUS up with chance ``discontinuation_rate`` x (1 - E)
        (halved once confirmed); organisations, once implementing, keep MUS in their mandate."""
        using = (self.stage >= STAGE.IMPLEMENTATION).nonzero()[0]
        if not len(using):
            return
        months = self.p["confirmation_months"]
        stage, uu = self.stage[using], u[using]
        # one draw serves both: u < env/months confirms, u >= 1 - hazard stops; the two exclude each other
        confirm = ((stage == STAGE.IMPLEMENTATION) & (self.month - self.implementing_since[using] >= months)
                   & (uu < self.env / months))
        self.stage[using[confirm]] = STAGE.CONFIRMATION
        confirmed = stage == STAGE.CONFIRMATION
        hazard = self.p["discontinuation_rate"] * (1 - self.env) * np.where(confirmed | confirm, 0.5, 1.0)
        stop = using[self.is_community[using] & (uu >= 1 - hazard)]
        self.stage[stop] = STAGE.PERSUASION
        self.implementing_since[stop] = -1
