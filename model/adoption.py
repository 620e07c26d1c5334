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
        q, rs, stage = self.q, self.rep_s, self.stage
        decided = stage >= STAGE.DECISION
        stage[(stage == STAGE.UNAWARE) & (self.awareness >= q["awareness_threshold"][rs])] = STAGE.KNOWLEDGE
        weighing = (stage == STAGE.KNOWLEDGE) | (stage == STAGE.PERSUASION)
        favourable = self.view >= 0.5
        stage[weighing & favourable] = STAGE.PERSUASION
        stage[weighing & ~favourable] = STAGE.KNOWLEDGE
        u = self.uniform_rows(3)
        readiness = 1 - q["stage_gating"][rs] * (stage < STAGE.PERSUASION)
        barrier = (1 - q["adoption_barrier"] * (1 - self.env))[rs]
        worth = 1 - q["design_fit_weight"][rs] * (1 - self.fit)
        external = q["bass_p"][rs] + self.push + self.alliance_pull()
        chance = rules.bass_probability(external, q["bass_q"][rs], self.peer_share(decided))
        deciding = (stage < STAGE.DECISION) & self.can_adopt & (u[0] < chance * readiness * barrier * worth)
        stage[deciding] = STAGE.DECISION
        self.announce_policy_adoption(deciding)
        self.implement(u[1])
        self.confirm_or_discontinue(u[2])

    def alliance_pull(self) -> np.ndarray:
        """Monthly adoption hazard the alliance adds beyond events: trusted intermediaries for communities,
        institutional pull for organisations (see :meth:`adopt`)."""
        q, rs = self.q, self.rep_s
        pull = q["intermediary_strength"][rs] * self.reach  # reach is 0 for all but communities
        o = self.org_index
        institutional = (q["institutional_rate"] * self.institutional_pull())[rs[o]]
        pull[o] = np.where(institutional != 0, institutional * np.where(self.members[o], 1.0, q["policy_reach"][rs[o]]),
                           pull[o])
        return pull

    def implement(self, u: np.ndarray) -> None:
        """Decisions become implementations with monthly chance ``implementation_speed`` x (1 + capacity)/2
        x (1 + E)/2, where for marginalised communities the core value equity makes up equity x support of
        the capacity gap."""
        waiting = (self.stage == STAGE.DECISION).nonzero()[0]
        if not len(waiting):
            return
        capacity = self.capacity[waiting]
        q, rep = self.q, self.rep_s[waiting]
        capacity = capacity + (q["equity"] * self.support)[rep] * (1 - capacity) * self.marginalised[waiting]
        chance = q["implementation_speed"][rep] * (1 + capacity) / 2 * (1 + self.env[rep]) / 2
        going = waiting[u[waiting] < chance]
        self.stage[going] = STAGE.IMPLEMENTATION
        self.implementing_since[going] = self.month

    def peer_share(self, decided: np.ndarray) -> np.ndarray:
        """Share of each stakeholder's peers who decided for MUS (see :meth:`adopt`)."""
        rs, R, K = self.rep_s, self.replicates, len(KINDS)
        n = self.n_communities
        global_share = np.divide(self.total(rs[decided & self.is_community]), n, out=np.zeros(R), where=n > 0)[rs]
        hits = np.bincount(self.peer_from[decided[self.peer_to]], minlength=self.n)  # peers who decided
        loc = self.q["peer_locality"][rs]
        local = hits * self.inverse_peer_degree + self.no_peers * global_share
        o = self.org_index
        org_decided = np.bincount(rs[o] * K + self.org_kind, weights=decided[o], minlength=R * K).reshape(R, K)
        same_kind = org_decided * self.inverse_kind_count
        of_kind = same_kind.ravel()[rs * K + self.kind]  # each stakeholder's own kind in its own alliance
        return np.where(self.is_community, (1 - loc) * global_share + loc * local, of_kind)

    def announce_policy_adoption(self, deciding: np.ndarray) -> None:
        for i in self.national_orgs[deciding[self.national_orgs]]:
            self.log(self.rep_s[i], EventKind.ADOPTION, f"{self.names[i]} decided to take MUS into its mandate.")

    def confirm_or_discontinue(self, u: np.ndarray) -> None:
        """After ``confirmation_months`` of implementation a stakeholder confirms with monthly chance E / that
        many months; implementing communities give MUS up with chance ``discontinuation_rate`` x (1 - E)
        (halved once confirmed); organisations, once implementing, keep MUS in their mandate."""
        using = (self.stage >= STAGE.IMPLEMENTATION).nonzero()[0]
        if not len(using):
            return
        rep = self.rep_s[using]
        months = self.q["confirmation_months"][rep]
        env = self.env[rep]
        stage, uu = self.stage[using], u[using]
        # one draw serves both: u < env/months confirms, u >= 1 - hazard stops; the two exclude each other
        confirm = ((stage == STAGE.IMPLEMENTATION) & (self.month - self.implementing_since[using] >= months)
                   & (uu < env / months))
        self.stage[using[confirm]] = STAGE.CONFIRMATION
        confirmed = stage == STAGE.CONFIRMATION
        hazard = (self.q["discontinuation_rate"] * (1 - self.env))[rep] * np.where(confirmed | confirm, 0.5, 1.0)
        stop = using[self.is_community[using] & (uu >= 1 - hazard)]
        self.stage[stop] = STAGE.PERSUASION
        self.implementing_since[stop] = -1
