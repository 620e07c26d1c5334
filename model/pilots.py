"""Action research: pilots as the alliance's joint action, and small wins (Tool 24; Ansell & Gash 2008,
pattern P10)."""

from __future__ import annotations

import numpy as np

from . import decisions, kernels, rules
from .events import EventKind


class Pilots:
    def run_action_research(self) -> None:
        """Pilots start at ``pilots_per_year``/12 x support a month (Poisson) in member communities not yet using MUS,
        chosen by capacity or, with the core value equity, by need (marginalised and low capacity first), each
        in proportion to the community's voice (:meth:`voice`): without brokering, the powerful members
        steer where the pilots and their resources go (Faysse 2006; NBDC: communities 'dominated by more
        powerful actors'; P9); with full brokering every community weighs the same. Finished pilots are judged
        in :meth:`finish_pilots`."""
        self.finish_pilots()
        rate = self.q["pilots_per_year"] / 12 * self.support
        n_new = self.poisson(rate)
        if not n_new.any():
            return
        hosts, bounds, n_new = kernels.pilot_candidates(self.is_community, self.members, self.stage, self.pilot_host,
                                                        n_new, self.rep_s)
        if not n_new.any():
            return
        # each alliance draws its pilots from its own candidates
        chosen = hosts[rules.weighted_samples(self.uniform, n_new, self.host_weight(hosts), bounds)]
        self.pilot_host, self.pilot_end, marginalised = kernels.enrol_pilots(
            self.pilot_host, self.pilot_end, chosen, self.month, self.q["pilot_duration"],
            self.marginalised, self.rep_s, self.replicates)
        self.counts["pilots_run"] += n_new
        self.counts["pilots_marginalised"] += marginalised

    def host_weight(self, hosts: np.ndarray) -> np.ndarray:
        """Relative chance of each candidate host to get a pilot: ((1 - equity) x capacity + equity x need)
        x voice, need = (1 if marginalised else 0.3) x (1 - capacity) (see :meth:`run_action_research`)."""
        return kernels.host_weight(hosts, self.marginalised, self.capacity, self.q["equity"], self.voice(hosts),
                                  self.rep_s)

    def pilot_platforms(self, host: int) -> list[int]:
        """The platforms that run a pilot: the host's community platform, its district's platform and any
        second seat of the host."""
        return sorted({int(p) for p in self.pilot_platform_table(np.array([host])).ravel() if p >= 0})

    def pilot_platform_table(self, hosts: np.ndarray) -> np.ndarray:
        """(3, hosts) platforms of each host's pilot (see :meth:`pilot_platforms`); -1 where it has none."""
        return kernels.pilot_platform_table(hosts, self.platform, self.district_platform, self.bridge_platform)

    def success_chance(self, hosts: np.ndarray) -> np.ndarray:
        """Chance a finished pilot succeeds: ``pilot_base_success`` x (0.6 + 0.4 capacity) x
        (0.6 + 0.4 guidance') x (0.8 + 0.2 enabling env) x (1 - w_j + w_j x joint action) x
        (1 - w_f + w_f x fit). guidance' = guidance x support x min(1, ``pilots_guided_per_district`` x
        districts / pilots under way): a facilitation team guides only so many at once. Joint action is the
        mean quality of the host's community platform and its district platform (:meth:`assess_joint_action`,
        weight ``joint_action_weight``): pilots are chosen, designed and run by the platform, so its shared
        vision, clear roles and trust decide how well. Fit is how well the design fits the host's water uses
        (:meth:`fit_designs`, weight ``design_fit_weight``): without brokering, designs drift to the
        powerful members' uses (P9)."""
        q = self.q
        return kernels.success_chance(hosts, self.pilot_host, self.rep_s, q["pilot_base_success"], self.capacity,
                                      q["guidance"], self.support, q["pilots_guided_per_district"],
                                      q["n_districts"], self.env, self.joint_action, self.platform,
                                      self.district_platform, q["joint_action_weight"], self.fit,
                                      q["design_fit_weight"])

    def finish_pilots(self) -> None:
        """A success is a small win: the host implements MUS and the members of the pilot's platforms gain
        trust and commitment (``small_win_gain``; Ansell & Gash 2008; P10). A failure teaches (capacity
        +0.05) but costs trust (half a small win's gain, towards 0) unless members give each other the benefit
        of the doubt (x (1 - mutual_trust)). Results are documented with chance ``documentation`` (plus the
        initiator type's ``documents`` while the initiator is a member: population.INITIATORS) and then count
        as transferable evidence."""
        done = self.pilot_end <= self.month
        if not done.any():
            return
        hosts, under_way, ends, start, draws = kernels.finishing_pilots(self.pilot_host, self.pilot_end, done,
                                                                        self.rep_s, self.replicates)
        chance = self.success_chance(hosts)
        chance = decisions.pilot_chance(self, hosts, chance)
        self.pilot_host, self.pilot_end = under_way, ends
        # each alliance draws for its pilots' success, then for their documentation, as it draws alone
        success, documented, succeeded, written, evidence = kernels.judge_pilots(
            self.uniform(draws), chance, self.documentation_chance(), start)
        self.counts["pilots_succeeded"] += succeeded
        self.counts["pilots_documented"] += written
        self.counts["evidence"] += evidence
        self.record_pilots(hosts, success, documented)

    def documentation_chance(self) -> float:
        """Chance that a finished pilot's result is documented: ``documentation`` + the initiator type's
        ``documents`` while the initiator is a member, at most 1 (see :meth:`finish_pilots`)."""
        return kernels.documentation_chance(self.membership, self.initiator, self.q["documentation"],
                                            self.profile["documents"])

    def record_pilots(self, hosts: np.ndarray, success: np.ndarray, documented: np.ndarray) -> None:
        """What finished pilots (sorted by alliance) do to their hosts and their platforms: a success makes
        the host implement MUS (view at least 0.8) and reinforces towards 1, at rate ``small_win_gain``, the
        trust of the platforms' live ties and the commitment of the members seated on them; a failure teaches
        the host (capacity +0.05) and moves that trust towards 0 at half the rate x (1 - ``mutual_trust``)
        (see :meth:`finish_pilots`). An alliance's pilots act one after another, in the order it started them
        (a later one reads the trust an earlier one left); the loop: :func:`model.kernels.record_pilots`."""
        q = self.q
        kernels.record_pilots_at(hosts, success, self.platform, self.district_platform, self.bridge_platform,
                                 *self.platform_index("_ties_on", self.edge_platform), self.live_ties, self.trust,
                                 *self.platform_index("_seated_on", self.platform), self.members, self.commitment,
                                 self.stage, self.implementing_since, self.view, self.last_win, self.capacity,
                                 q["small_win_gain"], q["mutual_trust"], self.rep_s, self.month)
        for host, r, ok, doc in zip(hosts.tolist(), self.rep_s[hosts].tolist(), success.tolist(), documented.tolist()):
            verdict = "succeeded: a small win" if ok else "failed: lessons learnt, some trust lost"
            doc = "documented" if doc else "not documented"
            self.log(r, EventKind.PILOT, f"Pilot at the {self.names[host]} {verdict} ({doc}).")

    def platform_index(self, name: str, platform_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Elements grouped by platform (a static index, built once): ``order[start[p]:start[p + 1]]`` are the
        elements on platform p, in index order."""
        if name not in self.__dict__:
            order = np.argsort(platform_of, kind="stable")
            start = np.searchsorted(platform_of[order], np.arange(self.n_platforms + 1))
            self.__dict__[name] = (order, start)
        return self.__dict__[name]

