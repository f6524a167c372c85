"""Plain records the store hands out, the same whatever backend holds them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Device:
    id: str
    person_id: int
    person_name: str
    team_id: int
    team_name: str
    consent_decision: str | None
    consent_version: int | None


@dataclass(frozen=True)
class Principal:
    """A user or API key acting on the manager/admin API."""

    kind: str  # "user" | "api_key"
    id: int
    name: str
    role: str  # "admin" | "manager"
    team_ids: frozenset[int]
    #: Granted the clients report (revenue, agent cost and back-office hours of
    #: whole clients, across teams); admins have it whatever this says.
    sees_client_finance: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def may_see_client_finance(self) -> bool:
        return self.is_admin or self.sees_client_finance

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.name}"


@dataclass
class Copied:
    """A whole-database copy made by `backup` or `restore`, and what it holds."""

    path: Path
    bytes: int
    batches: int
    segments: int
