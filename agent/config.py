"""Where the agent keeps its files, and the small config it is enrolled with.

A profile is a config file (collector URL, device token, ...) plus a data
directory (outbox, cached policy, consent record). The per-user defaults come
from platformdirs so each OS puts them where its users expect; two overrides
exist so tests and side-by-side profiles never touch a real user's files:

* ``BACKLIGHT_AGENT_HOME=DIR``: config in ``DIR/config.json``, data in ``DIR/data``.
* ``--config PATH``: that config file, with its data beside it in ``PATH``'s
  folder, so two profiles can never share (and cross-post) one outbox.

A ``data_dir`` key in the config file wins over both.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import platformdirs

log = logging.getLogger(__name__)

APP_NAME = "backlight"
ENV_HOME = "BACKLIGHT_AGENT_HOME"
ENV_POLL = "BACKLIGHT_AGENT_POLL_S"

#: The spec's ceiling: a crash may lose at most this much of the open segment.
MAX_CHECKPOINT_S = 60.0


class AlreadyRunning(Exception):
    """Another agent holds this profile."""


class ConfigError(Exception):
    """The config file exists but cannot be used; the message says why."""


@dataclass(frozen=True)
class Paths:
    config_file: Path
    data_dir: Path

    @property
    def outbox(self) -> Path:
        return self.data_dir / "outbox.sqlite"

    @property
    def policy_cache(self) -> Path:
        return self.data_dir / "policy.json"

    @property
    def consent_file(self) -> Path:
        return self.data_dir / "consent.json"

    @classmethod
    def resolve(cls, config: str | os.PathLike | None = None) -> Paths:
        """Pick the profile: ``--config`` first, then the env var, then the OS default."""
        home = os.environ.get(ENV_HOME)
        if config is not None:
            cfg = Path(config).expanduser().absolute()
            data = cfg.parent
        elif home:
            base = Path(home).expanduser().absolute()
            cfg, data = base / "config.json", base / "data"
        else:
            cfg = platformdirs.user_config_path(APP_NAME, appauthor=False) / "config.json"
            data = platformdirs.user_data_path(APP_NAME, appauthor=False)
        override = _peek_data_dir(cfg)
        return cls(cfg, Path(override).expanduser() if override else data)

    def ensure(self) -> Paths:
        """Create the folders, private to the user (the outbox says what they did all day)."""
        for d in (self.config_file.parent, self.data_dir):
            d.mkdir(parents=True, exist_ok=True, mode=0o700)
        return self


def _peek_data_dir(cfg: Path) -> str | None:
    try:
        raw = json.loads(cfg.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    value = raw.get("data_dir") if isinstance(raw, dict) else None
    return value if isinstance(value, str) and value else None


@dataclass(frozen=True)
class AgentConfig:
    collector_url: str | None = None
    device_id: str | None = None
    device_token: str | None = None
    ca_bundle: str | None = None
    user: str | None = None
    #: The team the collector filed this person under, as it said at enrollment.
    team: str | None = None
    poll_interval_s: float = 1.0
    checkpoint_s: float = MAX_CHECKPOINT_S
    data_dir: str | None = None
    #: Keys this version does not know, kept so a downgrade does not lose them.
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def enrolled(self) -> bool:
        return bool(self.collector_url and self.device_token)

    def effective_poll_s(self) -> float:
        """The env var wins so an end-to-end test can speed up a stock profile."""
        raw = os.environ.get(ENV_POLL)
        value = self.poll_interval_s
        if raw:
            try:
                value = float(raw)
            except ValueError:
                log.warning("%s=%r is not a number; using %s s", ENV_POLL, raw, value)
        return min(max(value, 0.05), 30.0)

    def effective_checkpoint_s(self) -> float:
        return min(max(self.checkpoint_s, 0.05), MAX_CHECKPOINT_S)


_KNOWN = {f.name for f in fields(AgentConfig)} - {"extra"}


def load_config(paths: Paths) -> AgentConfig:
    """A missing file is a fresh, unenrolled profile; a broken one is an error."""
    try:
        text = paths.config_file.read_text("utf-8")
    except FileNotFoundError:
        return AgentConfig()
    except OSError as e:
        raise ConfigError(f"cannot read {paths.config_file}: {e.strerror}") from None
    try:
        raw = json.loads(text)
    except ValueError as e:
        raise ConfigError(f"{paths.config_file} is not valid JSON: {e}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{paths.config_file} must hold a JSON object")
    _tighten_mode(paths.config_file)
    known = {k: v for k, v in raw.items() if k in _KNOWN}
    extra = {k: v for k, v in raw.items() if k not in _KNOWN}
    try:
        for key in ("poll_interval_s", "checkpoint_s"):
            if key in known:
                known[key] = float(known[key])
        return AgentConfig(**known, extra=extra)
    except (TypeError, ValueError) as e:
        raise ConfigError(f"{paths.config_file}: {e}") from None


def save_config(paths: Paths, config: AgentConfig) -> None:
    """Written whole or not at all, readable by the user alone: it holds the device token."""
    data = {k: v for k, v in asdict(config).items() if k != "extra" and v is not None}
    data.update(config.extra)
    write_private_json(paths.config_file, data)


def write_private_json(path: Path, data: Any) -> None:
    """Temp file + fsync + os.replace: a crash leaves the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2, sort_keys=True)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def file_signature(path: os.PathLike) -> tuple | None:
    """What changes when a file is replaced or rewritten; None when it is absent.
    Another process's change to a profile file is noticed by comparing these."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _tighten_mode(path: Path) -> None:
    if sys.platform == "win32":
        return  # the per-user profile folder's ACL already keeps others out
    try:
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
            log.warning("%s was readable by others; made it private", path)
    except OSError:
        pass


class ProfileLock:
    """One agent per profile: two would count the same screen twice. An OS lock
    on a file, so a crashed agent never leaves a stale lock behind."""

    def __init__(self, path: os.PathLike):
        self._f = open(path, "a+")  # noqa: SIM115 - held for the core's life
        try:
            if os.name == "nt":
                import msvcrt

                msvcrt.locking(self._f.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(self._f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._f.close()
            raise AlreadyRunning(f"another agent is running with the profile at {path}") from None

    def release(self) -> None:
        if not self._f.closed:
            self._f.close()  # closing drops the lock
