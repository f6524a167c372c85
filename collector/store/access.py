"""The half of the storage interface (base.py) that says who may do what:
teams and people, devices and their enrollment tokens, web accounts and
their sessions, API keys. Split from base.py only to keep each file to one
screenful of ideas; a backend implements both through `Store`."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collector.store.records import Device, Principal


class AccessStore(ABC):
    # -- Teams and people --------------------------------------------------
    @abstractmethod
    def add_team(self, name: str) -> int: ...

    @abstractmethod
    def team_id(self, name: str) -> int | None: ...

    @abstractmethod
    def teams(self) -> list[dict]: ...

    @abstractmethod
    def person_id(self, team_id: int, name: str, create: bool = False) -> int | None: ...

    @abstractmethod
    def people(self, team_ids: list[int] | None = None) -> list[dict]: ...

    # -- Devices, enrollment tokens, consent -------------------------------
    @abstractmethod
    def create_enrollment_token(
        self, team_id: int, uses: int | None, expires_days: float | None
    ) -> str: ...

    @abstractmethod
    def enrollment_tokens(self) -> list[dict]: ...

    @abstractmethod
    def enrollment_token_row(self, token_id: int) -> dict | None: ...

    @abstractmethod
    def revoke_enrollment_token(self, token_id: int) -> bool: ...

    @abstractmethod
    def enrollment_token_problem(self, token: str) -> str:
        """Why an enrollment token was refused: unknown, revoked, expired or used up."""

    @abstractmethod
    def enroll(
        self, token: str, hostname: str, os_name: str, agent_version: str, user: str
    ) -> tuple[str, str] | None: ...

    @abstractmethod
    def device_by_token(self, token: str) -> Device | None: ...

    @abstractmethod
    def device_row(self, device_id: str) -> dict | None: ...

    @abstractmethod
    def revoke_device(self, device_id: str) -> bool: ...

    @abstractmethod
    def touch_device(self, device_id: str, queue: tuple[int, int] | None = None) -> None: ...

    @abstractmethod
    def devices(self, team_ids: list[int] | None = None) -> list[dict]: ...

    @abstractmethod
    def record_consent(self, device_id: str, decision: str, version: int, at: str) -> None: ...

    @abstractmethod
    def consent_version(self, text: str) -> int: ...

    # -- Web accounts and sign-in ------------------------------------------
    @abstractmethod
    def add_user(
        self,
        name: str,
        role: str,
        password: str,
        team_ids: list[int],
        client_finance: bool = False,
        email: str = "",
    ) -> int: ...

    @abstractmethod
    def set_user_email(self, user_id: int, email: str) -> bool:
        """True when the address changed ("" removes it)."""

    @abstractmethod
    def mail_recipients(self) -> list[dict]:
        """Open accounts with an e-mail: {id, name, role, email, team_ids}."""

    @abstractmethod
    def user_by_name(self, name: str) -> dict | None: ...

    @abstractmethod
    def user_row(self, name: str) -> dict | None: ...

    @abstractmethod
    def user_locked_until(self, user_id: int) -> float | None: ...

    @abstractmethod
    def user_by_id(self, user_id: int) -> dict | None: ...

    @abstractmethod
    def user_exists(self, name: str) -> bool: ...

    @abstractmethod
    def users(self) -> list[dict]: ...

    @abstractmethod
    def admin_users(self) -> list[dict]: ...

    @abstractmethod
    def principal_for_user(self, user_id: int) -> Principal | None: ...

    @abstractmethod
    def note_login(self, user_id: int, ok: bool, lock_after: int, lock_s: float) -> None: ...

    @abstractmethod
    def set_password(
        self, user_id: int, password: str, keep_session: int | None = None
    ) -> None: ...

    @abstractmethod
    def reset_password(self, user_id: int, password: str) -> None: ...

    @abstractmethod
    def unlock_user(self, user_id: int) -> bool: ...

    @abstractmethod
    def set_client_finance(self, user_id: int, allowed: bool) -> bool: ...

    @abstractmethod
    def set_user_teams(self, user_id: int, team_ids: list[int]) -> None: ...

    @abstractmethod
    def set_user_disabled(self, user_id: int, disabled: bool) -> bool: ...

    @abstractmethod
    def disable_user_unless_last_admin(self, user_id: int) -> str: ...

    @abstractmethod
    def active_admins(self) -> int: ...

    @abstractmethod
    def name_locked_until(self, name_key: str) -> float | None: ...

    @abstractmethod
    def note_name_failure(self, name_key: str, lock_after: int, lock_s: float) -> float | None: ...

    # -- API keys ----------------------------------------------------------
    @abstractmethod
    def create_api_key(
        self,
        role: str,
        team_ids: list[int],
        label: str = "",
        user_id: int | None = None,
        client_finance: bool = False,
    ) -> str: ...

    @abstractmethod
    def principal_for_api_key(self, key: str) -> Principal | None: ...

    @abstractmethod
    def api_keys(self) -> list[dict]: ...

    @abstractmethod
    def admin_api_keys(self) -> list[dict]: ...

    @abstractmethod
    def api_key_row(self, key_id: int) -> dict | None: ...

    @abstractmethod
    def owned_api_keys(self, user_id: int) -> int: ...

    @abstractmethod
    def note_api_key_used(self, key_id: int) -> None: ...

    @abstractmethod
    def revoke_api_key(self, key_id: int) -> bool: ...

    # -- Dashboard sessions ------------------------------------------------
    @abstractmethod
    def create_session(
        self, user_id: int, user_agent: str, idle_s: float, absolute_s: float
    ) -> tuple[int, str]: ...

    @abstractmethod
    def session_by_secret(self, secret: str) -> dict | None: ...

    @abstractmethod
    def touch_session(self, session_id: int, last_seen_at: float) -> None: ...

    @abstractmethod
    def end_session(self, session_id: int, reason: str = "sign_out") -> bool: ...

    @abstractmethod
    def end_user_sessions(
        self, user_id: int, except_id: int | None = None, reason: str = "ended"
    ) -> int: ...

    @abstractmethod
    def end_own_session(self, user_id: int, session_id: int) -> bool: ...

    @abstractmethod
    def live_sessions(self, user_id: int) -> list[dict]: ...

    @abstractmethod
    def purge_sessions(self, older_than_s: float = 86400) -> int: ...
