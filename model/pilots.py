"""Action research: pilots as the alliance's joint action, and small wins (Tool 24; Ansell & Gash 2008,
pattern P10)."""

from __future__ import annotations

import numpy as np

from . import decisions, rules
from .events import EventKind
from .states import MEMBERSHIP, STAGE


class Pilots:
    def run_action_research(self) -> None:
        """Pilots start at ``pilots_per_year``/12 x support a month (Poisson) in member communities not yet using MUS,
        chosen by capacity or, with the core value equity, by need (marginalised and low capacity first), each
        in proportion to the community's voice (:meth:`voice`): without brokering, the powerful members
        steer where the pilots and their resources go (Faysse 2006; NBDC: communities 'dominated by more
        powerful actors'; P9); with full brokering every community weighs the same. Finished pilots are judged
        in :meth:`finish_pilots`."""
        self.finish_pilots()
        n_new = self.rng.poisson(self.p["pilots_per_year"] / 12 * self.support)
        if not n_new:
            return
        hosting = np.zeros(self.n, dtype=bool)
        hosting[self.pilot_host] = True
        hosts = (self.is_community & self.members & ~hosting & (self.stage < STAGE.IMPLEMENTATION)).nonzero()[0]
        n_new = min(n_new, len(hosts))
        if not n_new:
            return
        weight = self.host_weight(hosts)
        chosen = self.rng.choice(hosts, n_new, replace=False, p=weight / weight.sum())
        self.pilot_host = np.concatenate((self.pilot_host, chosen))
        self.pilot_end = np.concatenate((self.pilot_end, np.full(n_new, self.month + self.p["pilot_duration"])))
        self.counts["pilots_run"] += n_new
        self.counts["pilots_marginalised"] += int(self.marginalised[chosen].sum())

    def host_weight(self, hosts: np.ndarray) -> np.ndarray:
        """Relative chance of each candidate host to get a pilot: ((1 - equity) x capacity + equity x need)
        x voice, need = (1 if marginalised else 0.3) x (1 - capacity) (see :meth:`run_action_research`)."""
        need = np.where(self.marginalised[hosts], 1.0, 0.3) * (1 - self.capacity[hosts])
        return ((1 - self.p["equity"]) * self.capacity[hosts] + self.p["equity"] * need) * self.voice()[hosts] + 1e-9

    def pilot_platforms(self, host: int) -> list[int]:
        """The platforms that run a pilot: the host's community platform, its district's platform and any
        second seat of the host."""
        own = int(self.platform[host])
        district = 1 + int(self.district[host])
        return sorted({p for p in (own, district, int(self.bridge_platform[host])) if p >= 0})

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
        p = self.p
        under_way = max(1, len(self.pilot_host))  # every pilot under way, the finishing ones included
        guidance = p["guidance"] * self.support * min(1.0, p["pilots_guided_per_district"] * p["n_districts"] / under_way)
        quality = 0.5 * (self.joint_action[self.platform[hosts]] + self.joint_action[1 + self.district[hosts]])
        wj, wf = p["joint_action_weight"], p["design_fit_weight"]
        return (p["pilot_base_success"] * (0.6 + 0.4 * self.capacity[hosts]) * (0.6 + 0.4 * guidance)
                * (0.8 + 0.2 * self.env) * (1 - wj + wj * quality) * (1 - wf + wf * self.fit[hosts]))

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
        hosts = self.pilot_host[done]
        chance = self.success_chance(hosts)
        chance = decisions.pilot_chance(self, hosts, chance)
        self.pilot_host, self.pilot_end = self.pilot_host[~done], self.pilot_end[~done]
        success = self.rng.random(len(hosts)) < chance
        documented = self.rng.random(len(hosts)) < self.documentation_chance()
        self.counts["pilots_succeeded"] += int(success.sum())
        self.counts["pilots_documented"] += int(documented.sum())
        self.counts["evidence"] += int((success & documented).sum())
        for host, ok, doc in zip(hosts, success, documented):
            self.record_pilot(int(host), bool(ok), bool(doc))

    def documentation_chance(self) -> float:
        """Chance that a finished pilot's result is documented: ``documentation`` + the initiator type's
        ``documents`` while the initiator is a member, at most 1 (see :meth:`finish_pilots`)."""
        member = self.membership[self.initiator] == MEMBERSHIP.MEMBER
        return min(1.0, self.p["documentation"] + self.initiator_profile.documents * member)

    def record_pilot(self, host: int, success: bool, documented: bool) -> None:
        """What a finished pilot does to the host and the pilot's platforms (see :meth:`finish_pilots`)."""
        platforms = self.pilot_platforms(host)
        chosen = np.zeros(self.n_platforms + 1, dtype=bool)  # the last cell answers for "no platform" (-1)
        chosen[platforms] = True
        ties = chosen[self.edge_platform] & self.live_ties
        in_platforms = self.members & chosen[self.platform]
        gain = self.p["small_win_gain"]
        if success:
            self.stage[host] = max(self.stage[host], STAGE.IMPLEMENTATION)
            self.implementing_since[host] = self.month
            self.view[host] = max(self.view[host], 0.8)
            self.trust[ties] = rules.reinforce(self.trust[ties], gain, 1.0)
            self.commitment[in_platforms] = rules.reinforce(self.commitment[in_platforms], gain, 1.0)
            self.last_win[platforms] = self.month
        else:  # where members give each other the benefit of the doubt, a failure costs no trust
            self.capacity[host] = min(1.0, self.capacity[host] + 0.05)
            self.trust[ties] = rules.reinforce(self.trust[ties], 0.5 * gain * (1 - self.p["mutual_trust"]), 0.0)
        verdict = "succeeded: a small win" if success else "failed: lessons learnt, some trust lost"
        doc = "documented" if documented else "not documented"
        self.events.log(self.month, EventKind.PILOT, f"Pilot at the {self.names[host]} {verdict} ({doc}).")
