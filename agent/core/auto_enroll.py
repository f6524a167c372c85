"""Auto-enrollment: a user's agent enrolls itself from the machine config.

An admin installs the package with a collector URL and an enrollment token;
each user's agent, at its start, finds its profile not enrolled and enrolls
as the login name (mapped through the config's ``user_name``). Then the
consent screen shows as for any enrolled agent: enrolling tracks nothing.

It runs on its own thread beside the core, which notices the new profile
config (``AgentCore._watch_config``) and starts uploading. Outcomes:

* collector out of reach or failing (5xx): tried again with doubling back-off
  (jittered), capped, for as long as the agent runs;
* refused (4xx, e.g. a token used up, expired or revoked): logged once as an
  error, kept in ``auto_enroll.json`` for ``backlight-agent status``, and not
  tried again until the machine config changes (the admin's new token);
* a broken machine config: the same, naming the key.

Only the default profile does this. A profile picked with ``--config`` or
``BACKLIGHT_AGENT_HOME`` is a deliberate one (tests, side-by-side profiles)
and follows a machine config only when ``BACKLIGHT_MACHINE_CONFIG`` names it,
so a package installed on a developer's machine never enrolls test profiles.
"""

from __future__ import annotations

import json
import logging
import os
import random
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from agent import machine_config
from agent.config import ConfigError, Paths, load_config, write_private_json
from agent.core.enrollment import EnrollmentFailed, enroll_profile
from agent.machine_config import MachineConfig, MachineConfigError

log = logging.getLogger(__name__)

ENV_RETRY = "BACKLIGHT_AGENT_ENROLL_RETRY_S"
RETRY_BASE_S = 10.0
RETRY_CAP_S = 900.0
#: How often a refused or broken config is looked at again for the admin's fix.
RECHECK_S = 60.0
STATE_FILE = "auto_enroll.json"


def login_name() -> str:
    """The account's name from the system (not $USER, which su and sudo leave behind)."""
    if sys.platform != "win32":
        import pwd

        try:
            return pwd.getpwuid(os.getuid()).pw_name
        except KeyError:
            pass
    import getpass

    return getpass.getuser()


def read_state(paths: Paths) -> dict | None:
    """The last auto-enrollment problem of this profile, for ``status``; None if none."""
    try:
        data = json.loads((paths.data_dir / STATE_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


class AutoEnroller:
    def __init__(
        self,
        paths: Paths,
        load: Callable[[], MachineConfig | None] = machine_config.load,
        login: Callable[[], str] = login_name,
        retry_base_s: float | None = None,
    ):
        self.paths = paths
        self.load = load
        self.login = login
        self.retry_base_s = retry_base_s if retry_base_s is not None else _env_retry()
        self.attempts = 0
        #: Seconds the collector asked for at the last try (429), or None.
        self.retry_after: float | None = None
        self._thread: threading.Thread | None = None

    @classmethod
    def for_default_profile(cls, chosen_profile: bool) -> Callable[[Paths], AutoEnroller | None]:
        """A factory for the CLI: None for a deliberately chosen profile (see above)."""
        if chosen_profile and not os.environ.get(machine_config.ENV_MACHINE_CONFIG):
            return lambda _paths: None
        return cls

    # -- one try ---------------------------------------------------------------
    def attempt(self) -> str:
        """Try once: enrolled | not_needed | no_config | unreachable | refused | invalid."""
        try:
            if load_config(self.paths).enrolled:
                self._clear()
                return "not_needed"
        except ConfigError as e:
            log.error("auto-enrollment skipped: %s", e)
            return self._record("invalid", str(e))
        try:
            config = self.load()
        except MachineConfigError as e:
            log.error("auto-enrollment: the machine config cannot be used: %s", e)
            return self._record("invalid", str(e))
        if config is None or not config.can_enroll:
            return "no_config"
        user = config.employee_name(self.login())
        self.attempts += 1
        self.retry_after = None
        try:
            enrolled = enroll_profile(
                self.paths, config.collector_url, config.enrollment_token, user, config.ca_bundle
            )
        except EnrollmentFailed as e:
            if e.refused:
                log.error(
                    "auto-enrollment as %r refused by %s: %s; ask IT for a new enrollment "
                    "token in %s",
                    user,
                    config.collector_url,
                    e,
                    config.source,
                )
                return self._record("refused", str(e), e.status)
            self.retry_after = e.retry_after
            log.warning("auto-enrollment as %r failed, will retry: %s", user, e)
            self._record("retrying", str(e), e.status)
            return "unreachable"
        log.info("enrolled automatically as %r (device %s)", user, enrolled.device_id)
        self._clear()
        return "enrolled"

    def _record(self, state: str, error: str, status: int | None = None) -> str:
        body = {"state": state, "error": error, "status": status, "at": _now()}
        try:
            self.paths.ensure()
            write_private_json(self.paths.data_dir / STATE_FILE, body)
        except OSError as e:
            log.warning("cannot record the auto-enrollment state: %s", e)
        return state

    def _clear(self) -> None:
        (self.paths.data_dir / STATE_FILE).unlink(missing_ok=True)

    # -- the thread --------------------------------------------------------------
    def start(self, stop: threading.Event) -> threading.Thread:
        self._thread = threading.Thread(
            target=self.run, args=(stop,), name="backlight-enroll", daemon=True
        )
        self._thread.start()
        return self._thread

    def run(self, stop: threading.Event) -> None:
        """Try until enrolled (or nothing to do); never raises."""
        delay = self.retry_base_s
        while not stop.is_set():
            try:
                outcome = self.attempt()
            except Exception:  # a bug here must not take the agent down
                log.exception("auto-enrollment failed")
                outcome = "unreachable"
            if outcome in ("enrolled", "not_needed", "no_config"):
                return
            if outcome == "unreachable":
                wait = delay * (0.5 + 0.5 * random.random())
                if stop.wait(max(wait, self.retry_after or 0.0)):  # a 429's wait at least
                    return
                delay = min(RETRY_CAP_S, delay * 2)
                continue
            if not self._wait_for_config_change(stop):  # refused or invalid
                return
            delay = self.retry_base_s

    def _wait_for_config_change(self, stop: threading.Event) -> bool:
        seen = self._config_signature()
        while not stop.wait(min(RECHECK_S, max(self.retry_base_s, 1.0))):
            if self._config_signature() != seen:
                return True
        return False

    def _config_signature(self) -> tuple:
        override = os.environ.get(machine_config.ENV_MACHINE_CONFIG)
        if override:
            return (_signature(Path(override)),)
        paths = [machine_config.default_path()]
        if sys.platform == "darwin":
            paths.append(machine_config.MANAGED_PLIST)
        return tuple(_signature(p) for p in paths)


def _signature(path: Path) -> tuple | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _env_retry() -> float:
    raw = os.environ.get(ENV_RETRY)
    try:
        return max(0.1, float(raw)) if raw else RETRY_BASE_S
    except ValueError:
        log.warning("%s=%r is not a number; using %s s", ENV_RETRY, raw, RETRY_BASE_S)
        return RETRY_BASE_S


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
