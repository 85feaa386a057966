"""Finding several submissions from one organisation: the same invitation, or the same name typed. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core.invitations.model import organisation_key
from core.invitations.standing import Arrival, State
from core.organisations.model import Decision


@dataclass(frozen=True)
class Group:
    """Two or more submissions that seem to come from one organisation, in the order they were submitted."""

    key: str
    organisation: str
    members: tuple[Arrival, ...]

    @property
    def flag(self) -> str:
        return f"{len(self.members)} submissions from {self.organisation}"

    def decided(self, decisions: dict[str, Decision]) -> Decision | None:
        """The latest decision that still applies: one taken with exactly these submissions."""
        # Looked up under every member's name, not only the group's: the group is named after its first
        # submission, and that changes when an earlier member submits again.
        keys = {self.key} | {organisation_key(_name(member) or "") for member in self.members}
        ids = {member.respondent_id for member in self.members}
        found = [d for key in keys if (d := decisions.get(key)) is not None and set(d.respondents) == ids]
        return max(found, key=lambda decision: decision.decided_at, default=None)


def several(arrivals: Iterable[Arrival]) -> list[Group]:
    """The organisations with more than one submission (withdrawn and unfinished answers do not count)."""
    submitted = sorted((a for a in arrivals if a.state is State.SUBMITTED and _name(a)),
                       key=lambda a: (a.submitted_at is None, a.submitted_at, a.respondent_id))
    parent = list(range(len(submitted)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_with: dict[tuple[str, str], int] = {}
    for i, one in enumerate(submitted):
        for link in _links(one):
            parent[root(i)] = root(first_with.setdefault(link, i))
    groups: dict[int, list[Arrival]] = {}
    for i, one in enumerate(submitted):
        groups.setdefault(root(i), []).append(one)
    return [_group(members) for members in groups.values() if len(members) > 1]


def _name(one: Arrival) -> str | None:
    return one.organisation or one.invited_organisation


def _links(one: Arrival) -> list[tuple[str, str]]:
    """What ties a submission to others: its invitation code, and the organisation it gave (else its invitation's)."""
    name = _name(one)
    links = [("name", organisation_key(name))] if name else []
    return links + ([("code", one.invite)] if one.invite else [])


def _group(members: list[Arrival]) -> Group:
    name = _name(members[0]) or ""
    return Group(organisation_key(name), name, tuple(members))


def find(groups: list[Group], organisation: str) -> Group | None:
    """The group an organisation's name (typed any case or spacing) names."""
    key = organisation_key(organisation)
    return next((g for g in groups if g.key == key or any(
        organisation_key(_name(m) or "") == key for m in g.members)), None)
