"""Stakeholders as Mesa agents.

The mechanisms read and write the alliance's state in arrays held by the model (one element per
stakeholder, see ``LearningAlliance``), so a month of the whole alliance costs a few dozen numpy
operations instead of a Python loop over agents. Each stakeholder is still a Mesa agent, so the
dashboard, `model.agents` queries and users' own code see ordinary objects whose attributes are views of
that state.
"""

from __future__ import annotations

import mesa

from .states import Level, Membership, Stage, Stance, stance_of


class Stakeholder(mesa.Agent):
    """An organisation (ministry, district office, NGO, ...) or community group in the Learning Alliance."""

    def __init__(self, model, index: int):
        super().__init__(model)
        self.index = index

    # identity (fixed at set-up)
    @property
    def name(self) -> str:
        return self.model.names[self.index]

    @property
    def kind(self) -> str:
        return self.model.kind_names[self.model.kind[self.index]]

    @property
    def level(self) -> Level:
        return Level(int(self.model.level[self.index]))

    @property
    def district(self) -> int:
        return int(self.model.district[self.index])

    @property
    def marginalised(self) -> bool:
        return bool(self.model.marginalised[self.index])

    @property
    def is_community(self) -> bool:
        return bool(self.model.is_community[self.index])

    @property
    def is_pilot(self) -> bool:
        return bool(self.model.is_community[self.index] and self.model.membership[self.index] != Membership.OUTSIDE)

    @property
    def power(self) -> float:
        return float(self.model.power[self.index])

    @property
    def capacity(self) -> float:
        return float(self.model.capacity[self.index])

    @property
    def interests(self):
        return self.model.interests[self.index]

    # dynamic state
    @property
    def view(self) -> float:
        return float(self.model.view[self.index])

    @property
    def stance(self) -> Stance:
        return Stance(int(stance_of(self.model.view[self.index])))

    @property
    def awareness(self) -> float:
        return float(self.model.awareness[self.index])

    @property
    def stage(self) -> Stage:
        return Stage(int(self.model.stage[self.index]))

    @property
    def membership(self) -> Membership:
        return Membership(int(self.model.membership[self.index]))

    @property
    def commitment(self) -> float:
        return float(self.model.commitment[self.index])

    @property
    def role_clarity(self) -> float:
        return float(self.model.role_clarity[self.index])

    def __repr__(self) -> str:
        return f"<Stakeholder {self.index} {self.name!r} {self.membership.name} {self.stage.name}>"
