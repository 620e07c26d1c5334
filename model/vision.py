"""Step 4 of Tool 24: shared objectives, vision and the rules of the game - and whose water uses the
alliance ends up designing for."""

from __future__ import annotations

import numpy as np

from . import decisions, kernels, rules
from .states import LEVEL

USES = 4  # water uses: domestic, irrigation, livestock, enterprise


class Vision:
    def voice(self) -> np.ndarray:
        """Weight of each stakeholder's voice: power ^ (2 ``power_distortion`` x (1 - empowerment x
        support)); 1 for all when nobody's power distorts the dialogue or the facilitator brokers fully
        (Faysse 2006; NBDC innovation brokering; pattern P9)."""
        q = self.q
        distortion = 2 * q["power_distortion"] * (1 - q["empowerment"] * self.support)
        return self.power ** distortion[self.rep_s]

    def openness(self) -> np.ndarray:
        """How far each stakeholder's view can move: 1 - entrenchment x (1 - mediation x support) (blockers'
        mandates hold their view; mediation loosens them)."""
        return 1 - self.entrenchment * (1 - self.q["mediation"] * self.support)[self.rep_s]

    def set_agenda(self) -> None:
        """Whose water uses the platform designs for. At each meeting, the platform's agenda (a mix of the
        four water uses) moves ``agenda_plasticity`` x (1 - role clarity of its members) of the way towards
        the voice-weighted mean interests of those present; a platform's first meeting sets it. As members
        agree objectives and roles the agenda settles (Tool 24: shared objectives are agreed early and then
        guide the work), so those in the room in the first years shape it and later members shift it little:
        this is how the mobilisation *order* reaches the designs, and how power without brokering steers them
        to the powerful members' uses (P9)."""
        who, plat = self.seat_who, self.seat_platform
        if not len(who):
            return
        P = self.n_platforms
        met_at_all = self.any_of(self.rep_s[who])  # alliances that met this month
        w = self.voice()[who]
        total = np.bincount(plat, weights=w, minlength=P)
        cells = (plat[:, None] * USES + np.arange(USES)).ravel()
        mix = np.bincount(cells, weights=(self.interests[who] * w[:, None]).ravel(),
                          minlength=P * USES).reshape(P, USES)
        met = total > 0
        mix[met] /= total[met, None]
        first = met & np.isnan(self.agenda[:, 0])
        self.agenda[first] = mix[first]
        moving = met & ~first
        settle = 1 - self.platform_mean(self.role_clarity)[moving]
        plasticity = self.q["agenda_plasticity"][self.rep_p[moving]]
        self.agenda[moving] += (plasticity * settle)[:, None] * (mix[moving] - self.agenda[moving])
        self.fit_designs(met_at_all)  # designs follow the agenda

    def converge_views(self) -> None:
        """Shared vision: at meetings, members talk in random pairs (``dialogue_rounds`` rounds) and move
        towards each other's view on MUS if the views differ by less than the confidence bound (Deffuant et
        al. 2000). Mediation widens the bound (facilitation 'mediating communication') and loosens a
        blocker's entrenchment: each moves by its openness 1 - entrenchment x (1 - mediation x support).
        Power distorts the move towards the more powerful member unless the facilitator empowers the weaker
        (:meth:`voice`; Faysse 2006; P9)."""
        who, plat = self.seat_who, self.seat_platform
        if len(who) < 2:
            return
        q, rs = self.q, self.rep_s
        eps = np.minimum(1.0, q["vision_confidence"] + q["facilitation_widening"] * q["mediation"] * self.support)
        # pairings for all rounds drawn at once (round r pairs seats within group plat + r x platforms), each
        # alliance's draws as a run of it alone makes them: its seats round by round, if it has two or more
        seats_of = self.total(rs[who])
        rounds_n = np.where(seats_of >= 2, q["dialogue_rounds"], 0)
        length = seats_of * rounds_n  # each alliance's block: its seats, round after round
        if not length.any():
            return
        start = np.cumsum(seats_of) - seats_of  # each alliance's first seat
        block = np.repeat(np.arange(self.replicates), length)
        at = np.arange(len(block)) - (np.cumsum(length) - length)[block]  # place in its alliance's block
        rounds, seat = np.divmod(at, seats_of[block])
        seat += start[block]
        u = self.uniform(length)
        i, j = rules.pair_within_groups(plat[seat] + rounds * self.n_platforms, u)
        seats = who[seat]
        weight, openness = self.voice(), self.openness()
        mu = q["convergence_rate"]
        for r in range(int(rounds_n.max())):
            now = rounds[i] == r
            a, b = seats[i[now]], seats[j[now]]
            rules.deffuant_update(self.view, a, b, eps[rs[a]], mu[rs[a]], weight, openness)

    def agree_roles(self) -> None:
        """Agreements on activities, responsibilities, resources and contributions ('the rules of the game',
        Tool 24): each meeting attended closes ``agreement_rate`` x (0.25 + 0.75 transparency) x (0.5 + 0.5
        guidance x support) of the gap to full role clarity: open agreements and a facilitator who weaves
        them into a method."""
        who = self.attend | self.attend_bridge
        q = self.q
        rate = (q["agreement_rate"] * (0.25 + 0.75 * q["transparency"]) * (0.5 + 0.5 * q["guidance"] * self.support))
        self.role_clarity[who] += rate[self.rep_s[who]] * (1 - self.role_clarity[who])

    def assess_joint_action(self) -> None:
        """Joint action quality of each platform: (shared vision x role clarity x trust)^(1/3), with shared
        vision 1 - 2 x the standard deviation of members' views, role clarity and trust the means over its
        members and their ties (the intermediate outcomes of Ansell & Gash's 2008 cycle: dialogue -> trust
        -> commitment -> shared understanding). A geometric mean: any one of the three missing spoils it."""
        m, where, P = self.seated_members, self.seated_platform, self.n_platforms
        count = np.maximum(self.platform_size, 1)
        spread = kernels.spread_of(self.view[m], where, count)
        vision = np.minimum(1.0, np.maximum(0.0, 1 - 2 * spread))
        clarity = np.bincount(where, weights=self.role_clarity[m], minlength=P) / count  # 0 where no members
        self.joint_action = np.cbrt(vision * clarity * self.platform_trust())

    def design_for(self) -> np.ndarray:
        """The water-use mix each platform's pilots and schemes are designed for (rows): its own agenda once it
        has met, else the agenda of the platform one level up (a community platform's district platform, a
        district platform's national one), else an even mix."""
        design = np.where(np.isnan(self.agenda[:, :1]), 1 / USES, self.agenda)
        unmet = np.isnan(self.agenda[:, 0])
        for level in (LEVEL.DISTRICT, LEVEL.COMMUNITY):  # each level falls back on the one above, set just before
            fall = unmet & (self.platform_level == level)
            design[fall] = design[self.parent_platform[fall]]
        return design

    def fit_designs(self, alliances: np.ndarray | None = None) -> None:
        """How well the designs fit each community's water uses: 1 - 2 x the total-variation distance between
        its interests and its design, at least 0 (van Koppen et al. 2009: MUS starts from users' multiple
        needs). A community's design is its own community platform's (:meth:`design_for`; outside communities
        take their district's community platform's), tailored by brokering: the facilitator mediates between
        the platform's agenda and each community's own uses and closes ``tailoring`` =
        mediation x support / 2 of the gap (Faysse 2006; NBDC innovation brokering). The return of mediation
        is thus proportional to the gap there is: large where interests diverge or the powerful captured the
        agenda, nil where the agenda already fits. Organisations do not host designs (fit 1). Refitted in the
        ``alliances`` given (those whose platforms met this month; all by default)."""
        c = np.flatnonzero(self.is_community if alliances is None else self.is_community & alliances[self.rep_s])
        tailoring = 0.5 * self.q["mediation"] * self.support
        design = kernels.tailor_designs(c, self.interests, self.design_for(), self.design_platform, tailoring,
                                        self.rep_s)
        design = decisions.pilot_designs(self, c, design)  # played stakeholders' say (ODD 7.12)
        kernels.fit_to(self.fit, c, self.interests, design)  # the loops of the rule above
