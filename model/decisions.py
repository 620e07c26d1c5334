"""Decisions of stakeholders played by people: the one interface through which a role-play workshop (issue 18;
companion modelling, Barreteau et al. 2003) decides for some stakeholders what the model otherwise decides.

A workshop gives the model a :class:`Decisions` (``alliance.decisions``): for each played stakeholder (by its
index) a :class:`Decision` whose fields are ``None`` where the player left the choice to the model. The
mechanisms consult it through the small functions below, each called at the one place where the model makes
that choice; a missing decision (``None``, or no ``Decisions`` at all) leaves the model's own rule, its result
and its random draws untouched, so a run without players is bit-identical to the model without this module.

What a player decides, and where the model takes it (ODD section 7.12):

- ``attend`` (every meeting of the round): come to its platform's meeting or stay away
  (:meth:`~model.meetings.Meetings.hold_meetings`); it still cannot come when its platform does not meet.
- ``contribute`` (each month, a share in [0, 2]): the share of its agreed contribution it pays, 1 being what
  the model's rule asks (:meth:`~model.funding.Funding.fund`).
- ``pilot`` ("back" or "oppose", and ``pilot_use``, the water use it speaks for): its weight on the pilots
  finishing in its platforms: backing raises their chance of success by ``PILOT_PULL`` x power, opposing
  lowers it by the same (:meth:`~model.pilots.Pilots.finish_pilots`). With a water use, it also shapes the
  design of every pilot under way in its platforms (:func:`pilot_designs`, called by
  :meth:`~model.vision.Vision.fit_designs`): backing moves the host community's design ``DESIGN_TILT`` x power
  of the way towards that use, opposing ``DESIGN_TILT`` x power of the way towards the mix without it; the
  host's fit, and with it the pilot's chance of success and the worth of MUS to the host, follow through the
  model's own design/fit mechanism.
- ``invite`` (once; a stakeholder's index): it invites that stakeholder, who decides as any invitee does
  (:meth:`~model.membership.MembershipProcess.join_chance`) (:meth:`~model.membership.MembershipProcess.mobilise`).
- ``conflict`` (once): "raise" starts a conflict at its platform's meeting if it attends;
  "accept" mediation gives the facilitator a second try at resolving a conflict open on its platform
  this month; "refuse" lets no conflict on its platform be resolved this month
  (:meth:`~model.conflict.Conflict.arise_conflicts`, :meth:`~model.conflict.Conflict.manage_conflicts`).
- ``carry_news`` (every month of the round): a member with a seat on two platforms carries news to the
  other level when it attends, or keeps it to itself (:meth:`~model.spread.Spread.share_between_levels`).
- ``leave`` (once): True leaves the alliance, False stays whatever the model's drop-out rule draws
  (:meth:`~model.membership.MembershipProcess.drop_out`).

One-off decisions (``invite``, ``conflict``, ``leave``) act in the first month they can and are then spent;
the others hold for every month of the round. Every decision that acts is written to the event log (kind
``decision``), naming the stakeholder, so the narration tells each role's actions.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

import numpy as np

from .population import WATER_USES

PILOT_PULL = 0.3  # how far a backer (or an opponent) with power 1 moves a pilot's chance of success
DESIGN_TILT = 0.5  # how far of the way a backer (or an opponent) with power 1 moves a pilot's design (pilot_use)
CONTRIBUTION_RANGE = (0.0, 2.0)
PILOT_CHOICES = ("back", "oppose")
CONFLICT_CHOICES = ("raise", "accept", "refuse")
ONE_OFF = ("invite", "conflict", "leave")
DECISION_KIND = "decision"


@dataclass(frozen=True)
class Decision:
    """What one played stakeholder decided for a round; ``None`` leaves the choice to the model's rule."""

    attend: bool | None = None
    contribute: float | None = None
    pilot: str | None = None
    pilot_use: str | None = None
    invite: int | None = None
    conflict: str | None = None
    carry_news: bool | None = None
    leave: bool | None = None

    def __post_init__(self) -> None:
        if self.contribute is not None and not (CONTRIBUTION_RANGE[0] <= self.contribute <= CONTRIBUTION_RANGE[1]):
            raise ValueError(f"contribute: {self.contribute} is outside {CONTRIBUTION_RANGE}")
        if self.pilot is not None and self.pilot not in PILOT_CHOICES:
            raise ValueError(f"pilot: {self.pilot!r} is not one of {', '.join(PILOT_CHOICES)}")
        if self.pilot_use is not None and self.pilot_use not in WATER_USES:
            raise ValueError(f"pilot_use: {self.pilot_use!r} is not one of {', '.join(WATER_USES)}")
        if self.conflict is not None and self.conflict not in CONFLICT_CHOICES:
            raise ValueError(f"conflict: {self.conflict!r} is not one of {', '.join(CONFLICT_CHOICES)}")

    @property
    def made(self) -> tuple[str, ...]:
        """Names of the fields the player decided (not left to the model)."""
        return tuple(f.name for f in fields(self) if getattr(self, f.name) is not None and f.name != "pilot_use")


@dataclass
class Decisions:
    """The played stakeholders' decisions for the current round, by stakeholder index."""

    by_stakeholder: dict[int, Decision] = field(default_factory=dict)
    spent: set[tuple[int, str]] = field(default_factory=set)  # one-off decisions already acted on

    def get(self, who: int, name: str):
        decision = self.by_stakeholder.get(int(who))
        if decision is None or (name in ONE_OFF and (int(who), name) in self.spent):
            return None
        return getattr(decision, name)

    def deciding(self, name: str) -> list[tuple[int, object]]:
        """(stakeholder, value) of every played stakeholder with a live decision ``name``."""
        out = []
        for who in sorted(self.by_stakeholder):
            value = self.get(who, name)
            if value is not None:
                out.append((who, value))
        return out

    def spend(self, who: int, name: str) -> None:
        if name in ONE_OFF:
            self.spent.add((int(who), name))

    def with_round(self, decisions: dict[int, Decision]) -> Decisions:
        """The decisions of a new round (nothing spent yet)."""
        return Decisions({int(k): replace(v) for k, v in decisions.items()})


def of(model) -> Decisions | None:
    """The model's decisions of played stakeholders, or None (the model decides for everyone)."""
    decisions = getattr(model, "decisions", None)
    return decisions if decisions is not None and decisions.by_stakeholder else None


def tell(model, who: int, text: str) -> None:
    model.events.log(model.month, DECISION_KIND, f"{model.names[who]} (played) {text}.")


def overrule(model, name: str, mask: np.ndarray, eligible: np.ndarray, says: tuple[str, str] = ("", "")) -> np.ndarray:
    """The model's yes/no choice ``mask`` with each played stakeholder's decision ``name`` in its place, where
    ``eligible`` (a player cannot come to a meeting that is not held); ``says`` = (text if yes, text if no) for
    the event log."""
    decisions = of(model)
    if decisions is None:
        return mask
    chosen = decisions.deciding(name)
    if not chosen:
        return mask
    mask = mask.copy()
    for who, value in chosen:
        if not eligible[who]:
            continue
        mask[who] = bool(value)
        decisions.spend(who, name)
        text = says[0] if value else says[1]
        if text:
            tell(model, who, text)
    return mask


def contribution_shares(model) -> np.ndarray:
    """Per stakeholder, the share of its agreed contribution it pays (1 where the model's rule decides)."""
    shares = np.ones(model.n)
    decisions = of(model)
    if decisions is not None:
        for who, share in decisions.deciding("contribute"):
            shares[who] = float(share)
    return shares


def pilot_chance(model, hosts: np.ndarray, chance: np.ndarray) -> np.ndarray:
    """Chance of success of the pilots finishing at ``hosts`` with the played members' backing or opposition:
    each member of a pilot's platforms who backs it adds ``PILOT_PULL`` x power x (1 - chance), each who
    opposes it takes ``PILOT_PULL`` x power x chance (a powerful opponent can sink a pilot, a powerful backer
    rescue one)."""
    decisions = of(model)
    if decisions is None or not len(hosts):
        return chance
    chosen = [(who, stance) for who, stance in decisions.deciding("pilot") if model.members[who]]
    if not chosen:
        return chance
    chance = chance.copy()
    for k, host in enumerate(hosts):
        platforms = set(model.pilot_platforms(int(host)))
        for who, stance in chosen:
            if int(model.platform[who]) in platforms or int(model.bridge_platform[who]) in platforms:
                pull = PILOT_PULL * float(model.power[who])
                chance[k] = chance[k] + pull * (1 - chance[k]) if stance == "back" else chance[k] * (1 - pull)
                use = decisions.get(who, "pilot_use")
                tell(model, who, f"{'backed' if stance == 'back' else 'opposed'} the pilot at the {model.names[host]}"
                                 + (f" for {use} water" if use else ""))
    return chance


def pilot_designs(model, communities: np.ndarray, design: np.ndarray) -> np.ndarray:
    """The designs (rows: water-use mixes) of ``communities`` with the played members' say on the pilots under
    way in their platforms (a pilot's platforms: :meth:`~model.pilots.Pilots.pilot_platforms`). A member who
    backs a pilot for use u moves its host's design t = ``DESIGN_TILT`` x power of the way towards u alone
    (design + t x (e_u - design)); one who opposes it for u moves it t of the way towards the same mix without
    u (the other uses' shares rescaled to 1; an even mix of them if the design was u alone). Several players act
    in the order of their index. Each move is a mix of two water-use mixes, so a design stays a mix (shares in
    [0, 1] summing to 1). Without a played pilot decision with a use, ``design`` is returned as it is (the
    model's own design, no draw)."""
    decisions = of(model)
    if decisions is None or not len(model.pilot_host):
        return design
    chosen = [(who, stance, decisions.get(who, "pilot_use")) for who, stance in decisions.deciding("pilot")
              if model.members[who] and decisions.get(who, "pilot_use") is not None]
    if not chosen:
        return design
    row_of = {int(c): k for k, c in enumerate(communities)}
    design = np.array(design, dtype=float, copy=True)
    for host in sorted(set(int(h) for h in model.pilot_host)):
        k = row_of.get(host)
        if k is None:
            continue
        platforms = set(model.pilot_platforms(host))
        for who, stance, use in chosen:
            if int(model.platform[who]) not in platforms and int(model.bridge_platform[who]) not in platforms:
                continue
            u = WATER_USES.index(use)
            tilt = DESIGN_TILT * float(model.power[who])
            design[k] += tilt * (design_towards(design[k], u, stance) - design[k])
    return design


def design_towards(mix: np.ndarray, use: int, stance: str) -> np.ndarray:
    """The water-use mix a backer of ``use`` pulls a design towards (that use alone), or an opponent (the mix
    without it)."""
    target = np.zeros_like(mix)
    if stance == "back":
        target[use] = 1.0
        return target
    rest = mix.copy()
    rest[use] = 0.0
    total = rest.sum()
    if total > 0:
        return rest / total
    target[:] = 1.0 / (len(mix) - 1)
    target[use] = 0.0
    return target


def invite(model) -> None:
    """Played members invite whom they chose; the invitee decides as any invitee does (the model's
    :meth:`join_chance`) and is admitted or asked again only after ``reinvite_delay`` months."""
    from .states import MEMBERSHIP

    decisions = of(model)
    if decisions is None:
        return
    for who, invitee in decisions.deciding("invite"):
        invitee = int(invitee)
        if not model.members[who] or not (0 <= invitee < model.n) or model.membership[invitee] in (
                MEMBERSHIP.MEMBER, MEMBERSHIP.OUTSIDE):
            continue
        decisions.spend(who, "invite")
        model.identified[invitee] = True
        accepts = model.rng.random() < float(model.join_chance(np.array([invitee]))[0])
        if accepts:
            model.admit(np.array([invitee]), commitment=model.p["joining_commitment"], clarity=0.0)
        else:
            model.next_invite[invitee] = model.month + model.p["reinvite_delay"]
        tell(model, who, f"invited the {model.names[invitee]}, who "
                         f"{'joined' if accepts else 'declined for now'}")


def raised_conflicts(model, new: np.ndarray) -> np.ndarray:
    """Platforms where a conflict starts this month: the model's draw, and the platform of each played member
    at the meeting who raises one."""
    decisions = of(model)
    if decisions is None:
        return new
    raising = [who for who, choice in decisions.deciding("conflict") if choice == "raise"]
    if not raising:
        return new
    new = new.copy()
    present = set(int(w) for w in model.seat_who)
    for who in raising:
        if who in present and model.seated[who]:
            new[int(model.platform[who])] = True
            decisions.spend(who, "conflict")
            tell(model, who, f"raised a conflict in the {model.platform_names[int(model.platform[who])]}")
    return new


def mediated(model, resolved: np.ndarray) -> np.ndarray:
    """Conflicts resolved this month: the model's draw, plus a second try of the facilitator on the platform of
    a played member who accepts mediation; none on the platform of one who refuses."""
    decisions = of(model)
    if decisions is None:
        return resolved
    chosen = [(who, choice) for who, choice in decisions.deciding("conflict") if choice in ("accept", "refuse")]
    if not chosen:
        return resolved
    resolved = resolved.copy()
    chance = min(1.0, model.p["conflict_management"] * float(np.atleast_1d(model.support)[0]))
    for who, choice in chosen:
        k = int(model.platform[who])
        if not model.seated[who] or model.open_conflicts[k] == 0:
            continue
        decisions.spend(who, "conflict")
        if choice == "refuse":
            resolved[k] = 0
            tell(model, who, f"refused mediation in the {model.platform_names[k]}")
        else:
            resolved[k] += model.rng.binomial(int(model.open_conflicts[k] - resolved[k]), chance)
            tell(model, who, f"accepted mediation in the {model.platform_names[k]}")
    return resolved
