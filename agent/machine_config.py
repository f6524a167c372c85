"""The machine config: what an admin's installer leaves for every user's agent.

One small TOML file per workstation (written by the .deb's postinst, the MSI,
or an MDM on macOS), read by each user's agent at start so it can enroll
itself without anyone typing a token. The keys are fixed because three
installers write them:

* ``collector_url``: ``https://backlight.example.org``
* ``enrollment_token``: the team's token (see docs/deploy.md for its exposure)
* ``ca_bundle``: optional, CA certificates to trust for the collector
* ``user_name``: optional, how the login name becomes the employee's name,
  e.g. ``"{login}@corp.example"``; ``{login}`` is the only placeholder

Where it lives: ``/etc/backlight/agent.toml`` on Linux,
``%ProgramData%\\Backlight\\agent.toml`` on Windows,
``/Library/Application Support/Backlight/agent.toml`` on macOS, where a
managed preference (``/Library/Managed Preferences/org.backlight.agent.plist``,
delivered by a configuration profile) wins key by key. ``BACKLIGHT_MACHINE_CONFIG``
names another TOML file instead (tests, odd layouts) and turns the managed
preference off.

A file that is there but wrong is an error naming the key: an admin's typo
must be loud, not a fleet that silently never enrolls.
"""

from __future__ import annotations

import os
import plistlib
import string
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENV_MACHINE_CONFIG = "BACKLIGHT_MACHINE_CONFIG"
MANAGED_PLIST = Path("/Library/Managed Preferences/org.backlight.agent.plist")
KEYS = ("collector_url", "enrollment_token", "ca_bundle", "user_name")
DEFAULT_USER_NAME = "{login}"


class MachineConfigError(Exception):
    """The machine config exists but cannot be used; the message names file and key."""


@dataclass(frozen=True)
class MachineConfig:
    source: str
    collector_url: str | None = None
    enrollment_token: str | None = None
    ca_bundle: str | None = None
    user_name: str = DEFAULT_USER_NAME

    @property
    def can_enroll(self) -> bool:
        return bool(self.collector_url and self.enrollment_token)

    def employee_name(self, login: str) -> str:
        """The login name mapped through ``user_name`` (validated at parse time)."""
        return self.user_name.replace("{login}", login)


def default_path(platform: str = sys.platform) -> Path:
    """The file the installers write on this OS."""
    if platform == "win32":
        base = os.environ.get("PROGRAMDATA") or r"C:\ProgramData"
        return Path(base) / "Backlight" / "agent.toml"
    if platform == "darwin":
        return Path("/Library/Application Support/Backlight/agent.toml")
    return Path("/etc/backlight/agent.toml")


def load(platform: str = sys.platform) -> MachineConfig | None:
    """This machine's config, or None when no installer left one."""
    override = os.environ.get(ENV_MACHINE_CONFIG)
    if override:
        return load_file(Path(override))
    managed = MANAGED_PLIST if platform == "darwin" else None
    return load_file(default_path(platform), managed)


def load_file(path: Path, managed: Path | None = None) -> MachineConfig | None:
    """Read ``path`` (TOML) and, when given, the managed plist whose keys win."""
    values: dict[str, Any] = {}
    sources: list[str] = []
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        pass
    except OSError as e:
        raise MachineConfigError(f"cannot read {path}: {e.strerror}") from None
    else:
        values.update(parse_toml(raw, str(path)))
        sources.append(str(path))
    if managed is not None:
        try:
            raw = managed.read_bytes()
        except FileNotFoundError:
            pass
        except OSError as e:
            raise MachineConfigError(f"cannot read {managed}: {e.strerror}") from None
        else:
            values.update(parse_plist(raw, str(managed)))
            sources.append(str(managed))
    if not sources:
        return None
    return MachineConfig(source=" + ".join(sources), **values)


def parse_toml(raw: bytes, source: str) -> dict[str, str]:
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise MachineConfigError(f"{source} is not UTF-8: {e}") from None
    except tomllib.TOMLDecodeError as e:
        raise MachineConfigError(f"{source} is not valid TOML: {e}") from None
    return validate(data, source)


def parse_plist(raw: bytes, source: str) -> dict[str, str]:
    try:
        data = plistlib.loads(raw)
    except Exception as e:  # plistlib raises several kinds for a broken file
        raise MachineConfigError(f"{source} is not a valid property list: {e}") from None
    if not isinstance(data, dict):
        raise MachineConfigError(f"{source} must hold a dictionary of keys")
    # A configuration profile adds its own bookkeeping keys to the managed domain.
    data = {k: v for k, v in data.items() if not k.startswith("Payload")}
    return validate(data, source)


def validate(data: dict[str, Any], source: str) -> dict[str, str]:
    """The known keys, each a string that makes sense; anything else names the key."""
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise MachineConfigError(
            f"{source}: unknown key {unknown[0]!r} (known keys: {', '.join(KEYS)})"
        )
    out: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(value, str):
            raise MachineConfigError(
                f"{source}: {key} must be a string, not {type(value).__name__}"
            )
        value = value.strip()
        if not value:
            continue  # an installer run without the parameter writes nothing useful
        out[key] = value
    url = out.get("collector_url")
    if url is not None:
        if not url.startswith(("https://", "http://")):
            raise MachineConfigError(f"{source}: collector_url must be an http(s) URL, not {url!r}")
        out["collector_url"] = url.rstrip("/")
    ca = out.get("ca_bundle")
    if ca is not None and not Path(ca).is_absolute():
        raise MachineConfigError(f"{source}: ca_bundle must be an absolute path, not {ca!r}")
    if "user_name" in out:
        _check_template(out["user_name"], source)
    return out


def _check_template(template: str, source: str) -> None:
    try:
        fields = [(name, spec, conv) for _, name, spec, conv in string.Formatter().parse(template)]
    except ValueError as e:
        raise MachineConfigError(f"{source}: user_name {template!r}: {e}") from None
    names = {name for name, _, _ in fields if name is not None}
    if names != {"login"} or any(spec or conv for name, spec, conv in fields if name):
        raise MachineConfigError(
            f"{source}: user_name must contain {{login}} and no other placeholder, not {template!r}"
        )


def render(values: dict[str, str]) -> str:
    """A machine config file with these keys (the installers' writer)."""
    unknown = sorted(set(values) - set(KEYS))
    if unknown:
        raise MachineConfigError(f"unknown key {unknown[0]!r}")
    lines = ["# Backlight machine config: read by every user's agent. See docs/deploy.md."]
    for key in KEYS:
        if values.get(key):
            lines.append(f"{key} = {_toml_string(values[key])}")
    return "\n".join(lines) + "\n"


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(c if c >= " " and c != "\x7f" else f"\\u{ord(c):04x}" for c in escaped)
    return f'"{escaped}"'


def write_from_env(path: Path, env: dict[str, str]) -> bool:
    """The installers' silent parameters into ``path``; False when none was given.

    Given keys replace those in an existing file, the others are kept (a new
    token alone rotates the token); with no parameter the file is left as it is.
    Written whole (temp file + rename), root's and readable by all: every
    user's agent reads it.
    """
    given = {key: env.get(var, "").strip() for var, key in ENV_PARAMETERS.items()}
    given = {k: v for k, v in given.items() if v}
    if not given:
        return False
    current: dict[str, str] = {}
    if path.exists():
        current = parse_toml(path.read_bytes(), str(path))
    merged = validate({**current, **given}, "the installer's parameters")
    text = render(merged)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o755)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(tmp, 0o644)  # whatever the umask
    os.replace(tmp, path)
    return True


#: The silent-install parameters (environment variables) and the keys they set.
ENV_PARAMETERS = {
    "BACKLIGHT_COLLECTOR_URL": "collector_url",
    "BACKLIGHT_ENROLLMENT_TOKEN": "enrollment_token",
    "BACKLIGHT_CA_BUNDLE": "ca_bundle",
    "BACKLIGHT_USER_NAME": "user_name",
}


def main(argv: list[str] | None = None) -> int:
    """``python -m agent.machine_config write|check PATH``: the package scripts' helper."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or args[0] not in ("write", "check"):
        print("usage: python -m agent.machine_config write|check PATH", file=sys.stderr)
        return 2
    path = Path(args[1])
    try:
        if args[0] == "check":
            config = load_file(path)
            print(f"{path}: " + ("absent" if config is None else "ok"))
            return 0
        if write_from_env(path, dict(os.environ)):
            print(f"backlight: wrote {path}")
        return 0
    except (MachineConfigError, OSError) as e:
        print(f"backlight: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
