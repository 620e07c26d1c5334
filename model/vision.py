"""Step 4 of Tool 24: shared objectives, vision and the rules of the game - and whose water uses the
alliance ends up designing for."""

from __future__ import annotations

import numpy as np

from . import decisions, kernels

USES = 4  # water uses: domestic, irrigation, livestock, enterprise


class Vision:
    def voice(self, who: np.ndarray | slice = slice(None)) -> np.ndarray:
        """Weight of each stakeholder's voice: power ^ (2 ``power_distortion`` x (1 - empowerment x
        support)); 1 for all when nobody's power distorts the dialogue or the facilitator brokers fully
        (Faysse 2006; NBDC innovation brokering; pattern P9)."""
        # of ``who`` only (all by default): the power is computed for those who need it
        distortion = kernels.power_distortion_of(self.q["power_distortion"], self.q["empowerment"], self.support)
        return self.power[who] ** distortion[self.rep_s[who]]  # the power in NumPy: its last bit, not the loops

    def openness(self) -> np.ndarray:
        """How far each stakeholder's view can move: 1 - entrenchment x (1 - mediation x support) (blockers'
        mandates hold their view; mediation loosens them)."""
        return kernels.openness(self.entrenchment, self.q["mediation"], self.support, self.rep_s)

    def set_agenda(self) -> None:
        """Whose water uses the platform designs for. At each meeting, the platform's agenda (a mix of the
        four water uses) moves ``agenda_plasticity`` x (1 - role clarity of its members) of the way towards
        the voice-weighted mean interests of those present; a platform's first meeting sets it. As members
        agree objectives and roles the agenda settles (Tool 24: shared objectives are agreed early and then
        guide the work), so those in the room in the first years shape it and later members shift it little:
        this is how the mobilisation *order* reaches the designs, and how power without brokering steers them
        to the powerful members' uses (P9)."""
        who = self.seat_who
        if not len(who):
            return
        met_at_all = kernels.steer_agendas(
            self.agenda, who, self.seat_platform, self.voice(who), self.interests, self.role_clarity,
            self.seated_members, self.platform, self.platform_size, self.q["agenda_plasticity"], self.rep_p, self.rep_s,
            self.replicates)
        self.fit_designs(met_at_all)  # designs follow the agenda

    def converge_views(self) -> None:
        """Shared vision: at meetings, members talk in random pairs (``dialogue_rounds`` rounds) and move
        towards each other's view on MUS if the views differ by less than the confidence bound (Deffuant et
        al. 2000). Mediation widens the bound (facilitation 'mediating communication') and loosens a
        blocker's entrenchment: each moves by its openness 1 - entrenchment x (1 - mediation x support).
        Power distorts the move towards the more powerful member unless the facilitator empowers the weaker
        (:meth:`voice`; Faysse 2006; P9)."""
        who = self.seat_who
        if len(who) < 2:
            return
        q = self.q
        seats_of, rounds_n, draws = kernels.dialogue_rounds_of(who, self.rep_s, q["dialogue_rounds"], self.replicates)
        if not draws.any():
            return
        u = self.uniform(draws)  # each alliance's pairings, round after round
        weight = self.voice(who)  # one per seat
        kernels.talk_in_pairs(self.view, who, self.seat_platform, u, seats_of, rounds_n, self.n_platforms,
                              q["vision_confidence"], q["facilitation_widening"], q["mediation"], self.support,
                              q["convergence_rate"], weight, self.entrenchment, self.rep_s)

    def agree_roles(self) -> None:
        """Agreements on activities, responsibilities, resources and contributions ('the rules of the game',
        Tool 24): each meeting attended closes ``agreement_rate`` x (0.25 + 0.75 transparency) x (0.5 + 0.5
        guidance x support) of the gap to full role clarity: open agreements and a facilitator who weaves
        them into a method."""
        q = self.q
        kernels.agree_roles_at(self.role_clarity, self.attend, self.attend_bridge, q["agreement_rate"],
                               q["transparency"], q["guidance"], self.support, self.rep_s)

    def assess_joint_action(self) -> None:
        """Joint action quality of each platform: (shared vision x role clarity x trust)^(1/3), with shared
        vision 1 - 2 x the standard deviation of members' views, role clarity and trust the means over its
        members and their ties (the intermediate outcomes of Ansell & Gash's 2008 cycle: dialogue -> trust
        -> commitment -> shared understanding). A geometric mean: any one of the three missing spoils it."""
        cube = kernels.joint_action_cubed(self.view, self.role_clarity, self.seated_members, self.platform,
                                          self.platform_size, self.platform_trust())
        self.joint_action = np.cbrt(cube)

    def design_for(self) -> np.ndarray:
        """The water-use mix each platform's pilots and schemes are designed for (rows): its own agenda once it
        has met, else the agenda of the platform one level up (a community platform's district platform, a
        district platform's national one), else an even mix."""
        return kernels.fall_back_designs(self.agenda, 1 / USES, self.platform_level, self.parent_platform)

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
        refit = np.ones(self.replicates, dtype=bool) if alliances is None else alliances
        c, design = kernels.tailor_in(refit, self.is_community, self.interests, self.design_for(), self.design_platform,
                                      self.q["mediation"], self.support, self.rep_s)
        design = decisions.pilot_designs(self, c, design)  # played stakeholders' say (ODD 7.12)
        kernels.fit_to(self.fit, c, self.interests, design)  # the loops of the rule above
