"""Who is in the alliance: stakeholder analysis, mobilisation, dropping out and re-joining (Tool 24, steps 2
and 3; Team Assembly, Guimera et al. 2005; Sartas et al. 2018 and Ramanath & Gilbert 2004 on leaving)."""

from __future__ import annotations

import numpy as np

from . import decisions, kernels
from .events import EventKind
from .states import MEMBERSHIP


class MembershipProcess:
    def analyse_stakeholders(self) -> None:
        """Step 2, stakeholder analysis: finds stakeholders crucial to MUS with chance ``analysis_accuracy``,
        organisations limiting it (blockers, view < 1/3) with ``analysis_blocker_coverage``, and marginalised groups with
        ``analysis_accuracy`` x (0.5 + 0.5 inclusiveness): an analysis that does not value inclusiveness
        overlooks half of the groups with little voice (Faysse 2006: platform composition); missed ones are not
        invited. Repeated every ``analysis_interval`` months, since 'stakeholder analysis often continues
        throughout a learning process' (Tool 24)."""
        due = kernels.analysis_due(self.month, self.q["analysis_interval"])
        if not due.any():
            return
        s = self.s_start
        u = np.full(self.n, 2.0)  # no draw, no find, in an alliance whose analysis is not due
        for r in np.flatnonzero(due):
            u[s[r]:s[r + 1]] = self.rngs[r].random(int(s[r + 1] - s[r]))
        n_found, n_blockers, missed_blockers = kernels.find_stakeholders(
            self.identified, u, self.identification_chance(), self.membership, int(MEMBERSHIP.OUTSIDE), self.view,
            self.org, self.rep_s, self.replicates)
        for r in np.flatnonzero(n_found):
            self.log(r, EventKind.ANALYSIS,
                     f"Stakeholder analysis identified {n_found[r]} more stakeholders "
                     f"({n_blockers[r]} blocking MUS); {missed_blockers[r]} blocking organisations remain unseen.")

    def identification_chance(self) -> np.ndarray:
        """Chance that this round of the stakeholder analysis finds each stakeholder (see
        :meth:`analyse_stakeholders`)."""
        q, rs = self.q, self.rep_s
        accuracy = q["analysis_accuracy"][rs] * np.where(self.marginalised, 0.5 + 0.5 * q["inclusiveness"][rs], 1.0)
        return np.where((self.view < 1 / 3) & self.org, q["analysis_blocker_coverage"][rs], accuracy)

    def mobilise(self) -> None:
        """Step 3, mobilisation: each month a share ``mobilisation_rate`` x effort of the identified
        non-members is invited, in the order ``mobilisation_order``; effort is the initiator's drive or the
        members' ownership, whichever is larger. An invitee joins with chance
        expected benefit x (1 + trust in the inviter)/2 x (1 + role clarity of the platform)/2
        (Tool 24: joining late is fine 'so long as roles and expectations are clear'; Team Assembly,
        Guimera et al. 2005, for growth through ties) x, for communities, the initiator type's community reach
        (population.INITIATORS), at most 1. Marginalised invitees are held back unless the alliance values
        inclusiveness. One who declines is not asked again for ``reinvite_delay`` months,
        so an order works through its whole list instead of asking the same decliners every month."""
        if self.decisions is not None:
            decisions.invite(self)
        q, rs = self.q, self.rep_s
        candidates, n_candidates, chance = kernels.mobilisation_pool(
            self.identified, self.membership, int(MEMBERSHIP.NOT_INVITED), self.next_invite, self.month, rs,
            q["mobilisation_rate"], self.drive, self.ownership)
        n_invite = np.array([self.rngs[r].binomial(k, p) if k else 0
                             for r, (k, p) in enumerate(zip(n_candidates.tolist(), chance.tolist()))])
        if not n_invite.any():
            return
        if not n_invite.all():  # only the alliances that invite this month order their candidates
            candidates = candidates[n_invite[rs[candidates]] > 0]
        invited, n_invited = kernels.first_invited(candidates, self.invitation_order(candidates), rs, n_invite)
        joining, named, n_comm = kernels.answer_invitations(
            invited, self.uniform(n_invited), self.join_chance(invited), self.next_invite, self.month,
            q["reinvite_delay"], rs, self.is_community, self.replicates)
        if len(joining):
            self.admit(joining, commitment=q["joining_commitment"], clarity=0.0)
        for i, r, p in zip(named.tolist(), rs[named].tolist(), self.platform[named].tolist()):  # plain ints: faster
            self.log(r, EventKind.JOIN, f"{self.names[i]} joined the {self.platform_names[p]}.")
        for r in np.flatnonzero(n_comm):
            self.log(r, EventKind.JOIN, f"{n_comm[r]} communities joined community platforms.")

    def join_chance(self, invited: np.ndarray) -> np.ndarray:
        """Chance that each invited stakeholder accepts (see :meth:`mobilise`)."""
        return kernels.join_chance(invited, self.trust_in_members(invited), self.n_platforms, self.seated_members,
                                   self.platform, self.role_clarity, self.breadth, self.view, self.power,
                                   self.marginalised, self.q["inclusiveness"], self.is_community,
                                   self.profile["community_reach"], self.rep_s)

    def invitation_order(self, candidates: np.ndarray) -> np.ndarray:
        """Positions of ``candidates`` (sorted by alliance) in invitation order for each alliance's
        mobilisation order, alliance by alliance; those never asked come before those who declined earlier (a
        list is worked through before anyone is asked again), ties broken at random."""
        rep = self.rep_s[candidates]
        orders = self.q["mobilisation_order"]
        if self.replicates == 1 or (orders == orders[0]).all():
            key = self.order_key(str(orders[0]), candidates)
        else:
            key = np.zeros(len(candidates))
            for order in set(orders.tolist()):
                mine = orders[rep] == order
                key[mine] = self.order_key(order, candidates[mine])
        return kernels.invitation_order(candidates, key, self.uniform(self.total(rep)), self.next_invite, self.rep_s)

    def order_key(self, order: str, candidates: np.ndarray) -> np.ndarray:
        """How early each candidate comes in ``order`` (larger first; see :meth:`invitation_order`)."""
        if order == "core_group":
            return self.member_ties(candidates)
        if order == "existing_network":  # the rest of the network first, then through ties
            n_alone = (self.s_start[1:] - self.s_start[:-1])[self.rep_s[candidates]]  # its alliance's stakeholders
            return self.member_ties(candidates) + n_alone * self.in_network[candidates]
        if order in ("top_down", "bottom_up"):
            return self.level[candidates].astype(float) * (1 if order == "top_down" else -1)
        if order == "champions_first":
            return self.view[candidates]
        if order == "blockers_early":
            return (1 - self.view[candidates]) * self.power[candidates]
        return np.zeros(len(candidates))  # random

    def member_ties(self, who: np.ndarray) -> np.ndarray:
        """Number of ties each of ``who`` has to current members (how a core group grows through ties)."""
        tie_start, _, other = self._ties_of_stakeholders()
        return kernels.member_ties(who, tie_start, other, self.members)

    def trust_in_members(self, who: np.ndarray) -> np.ndarray:
        """Highest trust each stakeholder has in a tie to a current member (the inviter); stakeholders with
        no tie to a member are invited cold and trust at half of ``initial_trust``."""
        return kernels.trust_in_members(who, self.q["initial_trust"] * 0.5, self.rep_s, *self._ties_of_stakeholders(),
                                        self.members, self.trust)

    def _ties_of_stakeholders(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each stakeholder's ties (a static index, built once): ``tie[start[i]:start[i + 1]]`` are the ties of
        stakeholder i, in tie order (a tie to itself twice), and ``other`` the stakeholder at each one's other
        end."""
        if "_ties_of" not in self.__dict__:
            ends = np.column_stack([self.src, self.dst]).ravel()  # each tie's source, then its target
            order = np.argsort(ends, kind="stable")
            start = np.searchsorted(ends[order], np.arange(self.n + 1))
            other = np.column_stack([self.dst, self.src]).ravel()[order]
            self.__dict__["_ties_of"] = (start, order // 2, other)
        return self.__dict__["_ties_of"]

    def interest_breadth(self, who: np.ndarray) -> np.ndarray:
        """How many water uses a stakeholder cares about (1 - Simpson concentration, scaled to [0, 1]):
        MUS serves several uses, so broad interests expect more benefit from it. Interests do not change, so
        the model works it out once at set-up (``breadth``)."""
        w = self.interests[who]
        return (1 - (w ** 2).sum(axis=1) / (w.sum(axis=1) ** 2)) / 0.75

    def drop_out(self) -> None:
        """Dropping out (Tool 24: members may leave early; Ramanath & Gilbert 2004): each member leaves with
        monthly chance ``dropout_rate`` x (1 - commitment x role clarity) x (1 + open conflict in its
        platform) x (1 + exclusion felt by marginalised groups) x (1 + ``local_burden`` for community and
        district members whose platform has had no small win in the past ``win_memory`` months): local actors
        pay in travel and time and leave first when nothing comes of it (Sartas et al. 2018, pattern P5).
        Every stakeholder's commitment fades by ``commitment_fatigue`` a month; meetings and small wins renew
        it."""
        q, rs = self.q, self.rep_s
        leaving = kernels.choose_leavers(
            self.commitment, q["commitment_fatigue"], self.role_clarity, self.open_conflicts, self.home, self.seated,
            self.level, self.last_win, self.month, q["win_memory"], q["local_burden"], q["dropout_rate"],
            self.exclusion, rs, self.uniform_rows(1)[0], self.members, self.not_initiator)
        if self.decisions is not None:
            leaving = decisions.overrule(self, "leave", leaving, self.members & self.not_initiator,
                                         ("left the alliance", "stayed in the alliance"))
        if not leaving.any():
            return
        self.set_membership(leaving, MEMBERSHIP.DROPPED)
        self.counts["dropouts"] += self.total(rs[leaving])
        gone = leaving.nonzero()[0]
        reasons = kernels.strongest_reasons(gone, self.role_clarity, self.commitment, self.exclusion, self.open_conflicts,
                                            self.home, self.seated, self.level, self.last_win, self.month,
                                            q["win_memory"], q["local_burden"], rs)
        labels = ("roles unclear", "saw no benefit", "unresolved conflict", "felt excluded",
                  "too costly to attend while nothing came of it")
        for i, r, reason in zip(gone.tolist(), rs[gone].tolist(), reasons.tolist()):
            self.log(r, EventKind.LEAVE, f"{self.names[i]} left: {labels[reason]}.")

    def rejoin(self) -> None:
        """Re-joining: a member who left comes back of its own accord with monthly chance ``rejoin_rate``,
        doubled when its platform had a small win in the last year (monitoring also invites members back,
        see :meth:`reinvite_dropped`)."""
        dropped, n_dropped, chance = kernels.rejoin_pool(
            self.membership, int(MEMBERSHIP.DROPPED), self.not_initiator, self.month, self.last_win, self.home,
            self.q["win_memory"], self.q["rejoin_rate"], self.rep_s, self.replicates)
        if not len(dropped):
            return
        self.welcome_back(dropped[self.uniform(n_dropped) < chance], "")

    def reinvite_dropped(self, platforms: np.ndarray) -> None:
        """Corrective action: those who left a stalled platform are invited back and decide as any
        invitee does (:meth:`join_chance`)."""
        left = kernels.left_from(platforms, self.membership, int(MEMBERSHIP.DROPPED), self.seated, self.home,
                                 self.not_initiator)
        if not len(left):  # nobody to ask: nothing is drawn
            return
        self.welcome_back(left[self.uniform(self.total(self.rep_s[left])) < self.join_chance(left)],
                          "when invited back")

    def welcome_back(self, back: np.ndarray, how: str) -> None:
        """Members who left come back (with some commitment, their role clarity kept); organisations' returns
        go in the event log."""
        if not len(back):
            return
        self.admit(back, commitment=self.q["rejoining_commitment"], clarity=0.0)
        self.counts["rejoins"] += self.total(self.rep_s[back])
        orgs = back[self.org[back]]
        for i, r in zip(orgs.tolist(), self.rep_s[orgs].tolist()):
            self.log(r, EventKind.REJOIN, f"{self.names[i]} re-joined the alliance{' ' + how if how else ''}.")
