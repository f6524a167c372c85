"""``backlight-agent``: run the agent, enroll it, record consent, upload now, show
status, import ActivityWatch history.

Exit codes: 0 done, 2 wrong usage (argparse), 1 failed (the reason on stderr).
Only what other programs read goes to stdout: the device id after
``enroll``, the consent text, the status.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
from pathlib import Path

from agent.config import (
    ENV_HOME,
    AlreadyRunning,
    ConfigError,
    Paths,
    ProfileLock,
    load_config,
)
from agent.core.auto_enroll import AutoEnroller
from agent.core.collector_client import CollectorClient
from agent.core.consent import ConsentBook, queue_decision
from agent.core.enrollment import EnrollmentFailed, enroll_profile
from agent.core.policy import PolicyStore
from agent.core.upload_request import ask_running_agent, upload_here
from agent.core.uploader import Uploader
from agent.outbox import Outbox
from agent.status import clock, snapshot, status_lines

log = logging.getLogger("backlight-agent")

#: A CLI command waits this long for the collector before saying "queued".
SEND_TIMEOUT_S = 10.0


class CliError(Exception):
    """A failure to report in one sentence, exit code 1."""


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="config file of the profile to use (data is kept beside it)",
    )
    p = argparse.ArgumentParser(
        prog="backlight-agent",
        parents=[common],
        description="Backlight's workstation agent. Nothing is tracked before consent.",
    )
    p.add_argument("--headless", action="store_true", help="run without the tray")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    e = sub.add_parser("enroll", parents=[common], help="enroll this workstation")
    e.add_argument(
        "--collector", required=True, metavar="URL", help="e.g. https://backlight.example.org"
    )
    e.add_argument("--token", required=True, help="an enrollment token from the admin")
    e.add_argument("--user", metavar="NAME", help="the employee (default: the login name)")
    e.add_argument("--ca-bundle", metavar="PATH", help="CA certificates to trust for the collector")

    c = sub.add_parser("consent", parents=[common], help="show or record the consent decision")
    c.add_argument("action", choices=["show", "grant", "withdraw", "decline"])

    sub.add_parser(
        "upload", parents=[common], help="send what is waiting now, and say what was sent"
    )

    s = sub.add_parser("status", parents=[common], help="tracking, queue, last upload")
    s.add_argument("--json", action="store_true", help="machine-readable")

    i = sub.add_parser(
        "import-activitywatch",
        parents=[common],
        help="queue your ActivityWatch history (titles are matched here, never sent)",
    )
    i.add_argument("export", metavar="EXPORT.json", type=Path, help="an ActivityWatch export")
    i.add_argument("--host", help="the computer to import when the export holds several")
    i.add_argument(
        "--without-afk",
        action="store_true",
        help="the export has no AFK bucket: count all window time as active",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.command is None else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        paths = Paths.resolve(getattr(args, "config", None))
        handler = {
            "enroll": enroll,
            "consent": consent,
            "upload": upload,
            "status": status,
            "import-activitywatch": import_activitywatch,
        }.get(args.command, run)
        return handler(paths, args)
    except (CliError, ConfigError, AlreadyRunning, OSError) as e:
        print(f"backlight-agent: {e}", file=sys.stderr)
        return 1


def run(paths: Paths, args: argparse.Namespace) -> int:
    from agent.service import run_headless

    paths.ensure()
    chosen = getattr(args, "config", None) is not None or bool(os.environ.get(ENV_HOME))
    enroller = AutoEnroller.for_default_profile(chosen)
    if not args.headless:
        try:
            import agent.tray as tray  # Qt is imported only here, never by the core
        except ImportError as e:
            print(f"backlight-agent: no tray ({e}); running headless", file=sys.stderr)
        else:
            return tray.run(paths, enroller)
    return run_headless(paths, enroller=enroller)


def enroll(paths: Paths, args: argparse.Namespace) -> int:
    url = args.collector.rstrip("/")
    if not url.startswith(("https://", "http://")):
        raise CliError(f"--collector must be an http(s) URL, not {url!r}")
    ca = None
    if args.ca_bundle:
        ca = str(Path(args.ca_bundle).expanduser().absolute())
        if not Path(ca).is_file():
            raise CliError(f"--ca-bundle {ca}: no such file")
    try:
        config = enroll_profile(paths, url, args.token, args.user or getpass.getuser(), ca)
    except EnrollmentFailed as e:
        raise CliError(str(e)) from None
    print(config.device_id)
    team = f" in team {config.team!r}" if config.team else ""
    print(f"Enrolled {config.user!r}{team} at {url} (device {config.device_id}).", file=sys.stderr)
    return 0


def consent(paths: Paths, args: argparse.Namespace) -> int:
    paths.ensure()
    policy = PolicyStore(paths.policy_cache).current
    book = ConsentBook(paths.consent_file)
    if args.action == "show":
        if policy.consent_text is None:
            raise CliError("no consent text yet: enroll this workstation first")
        print(policy.consent_text)
        print()
        print(f"Consent version: {policy.consent_version}")
        r = book.record
        when = f" (version {r.version}, {r.at})" if r else ""
        print(f"Your decision: {book.status(policy.consent_version)}{when}")
        return 0
    version = policy.consent_version
    if version is None and book.record is not None:
        version = book.record.version
    if version is None:
        raise CliError("no consent text yet: enroll this workstation first")
    decision = {"grant": "granted", "withdraw": "withdrawn", "decline": "declined"}[args.action]
    try:
        lock = ProfileLock(paths.data_dir / "agent.lock")
    except AlreadyRunning:
        book.decide(decision, version)
        print(f"Recorded: {decision}. The running agent applies it and sends it.", file=sys.stderr)
        return 0
    try:  # no agent runs: recording, queueing and sending are ours to do
        outbox = Outbox(paths.outbox)
        record = book.decide(decision, version)
        queue_decision(outbox, record)
        sent = _send_now(paths, outbox, record.body())
        outbox.close()
    finally:
        lock.release()
    where = "and sent" if sent else "; it will be sent when the collector is reachable"
    print(f"Recorded {decision} (consent version {version}) {where}.", file=sys.stderr)
    return 0


def _send_now(paths: Paths, outbox: Outbox, body: dict) -> bool:
    config = load_config(paths)
    if not config.enrolled:
        return False
    client = CollectorClient(config.collector_url, config.device_token, config.ca_bundle)
    uploader = Uploader(outbox, client, PolicyStore(paths.policy_cache), lambda: body)
    sent = uploader.run(timeout_s=SEND_TIMEOUT_S)
    return sent and outbox.stats().pending_consent == 0


def upload(paths: Paths, _args: argparse.Namespace) -> int:
    """Through the running agent when there is one (it owns the outbox), else here."""
    config = load_config(paths)
    if not config.enrolled:
        raise CliError("not enrolled, nothing can be sent: run `backlight-agent enroll` first")
    paths.ensure()
    try:
        lock = ProfileLock(paths.data_dir / "agent.lock")
    except AlreadyRunning:
        who = "the running agent "
        result = ask_running_agent(paths)
        if result is None:
            raise CliError(
                "the running agent did not answer in time; it sends on its own"
            ) from None
    else:
        who = ""
        try:
            result = upload_here(paths, config)
        finally:
            lock.release()
    sent, queued = result["sent"], result["queued"]
    if not result["ok"]:
        raise CliError(f"not sent: {_why_not(result)}; {queued} segment(s) stay queued")
    if not any(sent.values()):
        print(f"{who}sent nothing: nothing was waiting ({queued} segment(s) still queued).")
    else:
        print(
            f"{who}sent {sent['segments']} segment(s) in {sent['batches']} batch(es), "
            f"{sent['consent']} consent decision(s), {sent['units']} work item(s); "
            f"{queued} segment(s) still queued."
        )
    return 0


def _why_not(result: dict) -> str:
    until = result.get("rate_limited_until")
    if until and not result["asked"]:
        return (
            f"rate limited: the collector asked to wait until {clock(until)}, "
            "and is not asked again before then"
        )
    error = result.get("error") or "the collector could not be reached"
    return f"rate limited: {error}" if until else error


def status(paths: Paths, args: argparse.Namespace) -> int:
    snap = snapshot(paths)
    if args.json:
        print(json.dumps(snap, indent=2, default=str))
        return 0
    print("\n".join(status_lines(snap)))
    return 0


def import_activitywatch(paths: Paths, args: argparse.Namespace) -> int:
    from agent.importers.command import ImportRefused
    from agent.importers.command import import_activitywatch as run_import

    try:
        summary = run_import(paths, args.export, args.host, args.without_afk)
    except ImportRefused as e:
        raise CliError(str(e)) from None
    print("\n".join(summary.lines()))
    return 0
