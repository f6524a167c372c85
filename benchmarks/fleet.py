"""The fleet cycle of issue 11, side by side in one run: enrolled devices
posting five-minute batches of 4-12 segments, from many keep-alive
connections, with every body prepared beforehand; posted by `wrk`
(benchmarks/fleet.lua, Debian's `wrk` package).

Each target gets the same batches from the same number of devices (a fresh
database each, enrolled and consenting beforehand):

* the floor: a bare WSGI app that reads the body and answers, on the same
  servers as the collector (waitress as `serve` sets it; gunicorn as `serve
  --workers 2` sets it): what HTTP alone costs here, and proof that wrk is
  not the bottleneck;
* `backlight-collector serve` on SQLite, one process, and with `--workers 2`;
* with --postgresql, the same on a throwaway PostgreSQL cluster (as the
  tests start one, but with fsync on: SQLite's batches are fsynced too);
* with --baseline DIR, the collector of another checkout (say main's, from
  `git worktree add`) beside this one's, on each backend and worker count,
  so a change is measured against what it changes in the same run.

Printed per target: batches/s, p50/p99 latency, errors, and the check that
nothing was lost or doubled (batches stored = posts acknowledged as stored =
posts). --worker-classes adds gunicorn's sync workers beside gthread, floor
and collector, to show why `serve --workers` uses gthread.

Run: .venv/bin/python benchmarks/fleet.py [--postgresql] [--devices 400]
     [--batches 6000] [--connections 32] [--worker-classes] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import psutil
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from backends import _cluster  # noqa: E402
from ingest import CATS, TZ  # noqa: E402

from collector.store import open_store  # noqa: E402
from tests.fixtures.collector_server import CollectorServer, free_port  # noqa: E402

LUA = Path(__file__).with_name("fleet.lua")
WRK_THREADS = 2

#: Serves the floor (a bare WSGI app) or the collector's app with a given
#: gunicorn worker class, on the servers `serve` uses.
SERVER_SCRIPT = """
import sys
from collector import gunicorn_server
from collector.http_server import make_server

kind, db, port, workers, threads, worker_class = sys.argv[1:7]
port, workers, threads = int(port), int(workers), int(threads)

def bare(environ, start_response):
    environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    post = environ["REQUEST_METHOD"] == "POST"
    body = b'{"duplicate": false}' if post else b'{"status": "ok"}'
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Content-Length", str(len(body)))])
    return [body]

if kind == "bare":
    app = bare
else:
    from collector.app import create_app
    app = create_app({"DATABASE": db})
if workers == 1:
    make_server(app, "127.0.0.1", port, threads=threads).run()
else:
    gunicorn_server.run(app, "127.0.0.1", port, workers=workers, threads=threads,
                        connection_limit=1000, announce=lambda urls: None,
                        worker_class=worker_class)
"""


@dataclass
class Result:
    name: str
    seconds: float
    posts: int
    stored: int
    retries: int
    refused: int
    p50_ms: float
    p99_ms: float
    socket_errors: int
    in_database: int | None  # batches the database holds; None for the floor
    cpu_ms: float = 0.0  # CPU the server (and database server) spent a batch
    db_cpu_ms: float = 0.0  # of which PostgreSQL's server processes

    @property
    def rate(self) -> float:
        return self.posts / self.seconds

    @property
    def intact(self) -> bool:
        expected = self.posts if self.in_database is None else self.in_database
        return self.stored == self.posts == expected and not self.retries


# -- CPU spent ---------------------------------------------------------------
def cpu_seconds(roots: list[int]) -> dict[int, float]:
    """CPU seconds (user + system) so far of each process under `roots`:
    on a machine shared with other work this, unlike batches/s, does not
    depend on how much of the cores the run was given."""
    out: dict[int, float] = {}
    for root in roots:
        try:
            top = psutil.Process(root)
            for proc in [top, *top.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    t = proc.cpu_times()
                    out[proc.pid] = t.user + t.system
        except psutil.Error:
            continue
    return out


def postmaster_pid(pg) -> int:
    return int((pg.data / "postmaster.pid").read_text().split()[0])


# -- the batches -------------------------------------------------------------
def five_minutes(start: datetime, rng: random.Random) -> list[dict]:
    """One agent's five-minute batch: 4-12 segments that tile the window."""
    n = rng.randint(4, 12)
    cuts = sorted(rng.sample(range(1, 300), n - 1))
    edges = [0, *cuts, 300]
    return [
        {
            "start": (start + timedelta(seconds=a)).isoformat(),
            "end": (start + timedelta(seconds=b)).isoformat(),
            "category": rng.choice(CATS),
            "client": rng.choice([None, None, "client-a"]),
            "app": rng.choice(["excel", "sapgui", "outlook"]),
            "state": "active",
            "keys": rng.randint(0, 200),
            "clicks": rng.randint(0, 40),
        }
        for a, b in zip(edges, edges[1:], strict=False)
    ]


def fleet_batches(devices: int, batches: int) -> list[tuple[int, str]]:
    """(device index, JSON body) for every batch: device k % devices posts its
    window k // devices, so consecutive posts are different devices."""
    rng = random.Random(11)
    base = (datetime.now(TZ) - timedelta(days=1)).replace(hour=8, minute=0, second=0)
    base = base.replace(microsecond=0)
    out = []
    for k in range(batches):
        window = base + timedelta(minutes=5 * (k // devices))
        body = {
            "batch_id": uuid.uuid4().hex,
            "sent_at": (window + timedelta(minutes=5)).isoformat(),
            "rules_version": 0,
            "timezone": "Europe/Berlin",
            "segments": five_minutes(window, rng),
        }
        out.append((k % devices, json.dumps(body, separators=(",", ":"))))
    return out


def enroll(db: str, devices: int) -> list[str]:
    store = open_store(db)
    try:
        team = store.add_team("fleet")
        token = store.create_enrollment_token(team, None, None)
        tokens = []
        for i in range(devices):
            device_id, device_token = store.enroll(token, f"pc{i}", "linux", "bench", f"u{i}")
            store.record_consent(device_id, "granted", 1, datetime.now(TZ).isoformat())
            tokens.append(device_token)
        return tokens
    finally:
        store.close()


def stored_batches(db: str) -> int:
    store = open_store(db, migrate=False)
    try:
        return store.row_count("batches")
    finally:
        store.close()


# -- servers -----------------------------------------------------------------
def _wait_ready(url: str, proc: subprocess.Popen, workers: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            up = requests.get(f"{url}/api/v1/health", timeout=2).ok
        except requests.RequestException:  # not up yet, or busy booting (a loaded machine)
            up = False
        booted = workers == 1 or len(psutil.Process(proc.pid).children()) == workers
        if up and booted:
            time.sleep(0.5 if workers > 1 else 0)  # the last worker's imports
            return
        time.sleep(0.1)
    raise SystemExit(f"server at {url} did not start")


class ScriptServer:
    """SERVER_SCRIPT in a process of its own: the floor, or the app on sync workers."""

    def __init__(self, kind: str, db: str, workers: int, threads: int, worker_class: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = [kind, db, str(self.port), str(workers), str(threads), worker_class]
        self.proc = subprocess.Popen(
            [sys.executable, "-c", SERVER_SCRIPT, *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_ready(self.url, self.proc, workers)
        self.pid = self.proc.pid

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)


class ServedCollector:
    """`backlight-collector serve`, as an operator starts it; with `tree`, the
    collector of another checkout (the baseline), on this one's venv."""

    def __init__(self, db: str, workers: int, log: Path, tree: str | None = None):
        env = {"PYTHONPATH": tree} if tree else None
        self.server = CollectorServer(db, log, env)  # type: ignore[arg-type]
        self.server.cwd = tree
        self.server.serve_args = ["--workers", str(workers)]
        self.server.start()
        self.url = self.server.url
        assert self.server.proc is not None
        _wait_ready(self.url, self.server.proc, workers)
        self.pid = self.server.proc.pid

    def stop(self) -> None:
        self.server.stop()


# -- one run of wrk ------------------------------------------------------------
def post_all(url: str, bodies: Path, connections: int, work: Path) -> dict:
    """wrk until every batch is answered (each thread says so in a file)."""
    done = work / "done"
    shutil.rmtree(done, ignore_errors=True)
    done.mkdir()
    wrk = subprocess.Popen(
        [
            "wrk",
            f"-t{WRK_THREADS}",
            f"-c{connections}",
            "-d300s",
            "--timeout",
            "30s",
            "-s",
            str(LUA),
            url,
            "--",
            str(bodies),
            str(done),
            str(WRK_THREADS),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 240
    while len(list(done.iterdir())) < WRK_THREADS and time.monotonic() < deadline:
        if wrk.poll() is not None:
            break
        time.sleep(0.01)
    if wrk.poll() is None:
        wrk.send_signal(signal.SIGINT)  # wrk's own way to stop early and report
    out, err = wrk.communicate(timeout=60)
    for line in out.splitlines():
        if line.startswith("FLEET "):
            return json.loads(line[len("FLEET ") :])
    raise SystemExit(f"wrk said nothing usable:\n{out}\n{err}")


def run_target(
    name: str,
    start,
    db: str | None,
    batches: list[tuple[int, str]],
    devices: int,
    connections: int,
    work: Path,
    db_pid: int | None = None,
) -> Result:
    tokens = enroll(db, devices) if db else [f"floor-{i}" for i in range(devices)]
    bodies = work / f"bodies-{len(list(work.glob('bodies-*')))}.txt"
    bodies.write_text("".join(f"{tokens[d]}\t{body}\n" for d, body in batches))
    server = start()
    try:
        on_pg = db_pid is not None and db is not None and db.startswith("postgres")
        roots = [server.pid, db_pid] if on_pg else [server.pid]
        before = cpu_seconds(roots)
        figures = post_all(server.url, bodies, connections, work)
        after = cpu_seconds(roots)
        in_db = set(cpu_seconds(roots[1:]))
    finally:
        server.stop()
    spent = {pid: t - before.get(pid, 0.0) for pid, t in after.items()}
    per_batch = 1000 / max(1, figures["posts"])
    return Result(
        name=name,
        seconds=figures["seconds"],
        posts=figures["posts"],
        stored=figures["stored"],
        retries=figures["retries"],
        refused=figures["refused"],
        p50_ms=figures["p50_ms"],
        p99_ms=figures["p99_ms"],
        socket_errors=sum(figures[k] for k in figures if k.endswith(("_errors", "timeouts"))),
        in_database=stored_batches(db) if db else None,
        cpu_ms=sum(spent.values()) * per_batch,
        db_cpu_ms=sum(t for pid, t in spent.items() if pid in in_db) * per_batch,
    )


def report(results: list[Result], devices: int, connections: int) -> None:
    n = results[0].posts
    print(
        f"fleet cycle: {devices} devices, {n:,} five-minute batches of 4-12 segments, "
        f"wrk {WRK_THREADS} threads x {connections} keep-alive connections, one run"
    )
    print(
        f"  {'target':44s} {'batches/s':>10s} {'p50 ms':>8s} {'p99 ms':>8s}"
        f" {'errors':>7s}  {'vs floor':>8s} {'CPU ms':>7s} {'(db)':>5s}  stored = acked = posted"
    )
    floor = next(r for r in results if r.name.startswith("floor, waitress"))
    for r in results:
        errors = r.refused + r.socket_errors
        held = r.in_database if r.in_database is not None else "-"
        check = "ok" if r.intact else "LOST OR DOUBLED"
        print(
            f"  {r.name:44s} {r.rate:10,.0f} {r.p50_ms:8.1f} {r.p99_ms:8.1f} {errors:7d}"
            f"  {r.rate / floor.rate:8.0%} {r.cpu_ms:7.2f} {r.db_cpu_ms:5.2f}"
            f"  {held} = {r.stored} = {r.posts} {check}"
        )
    by_name = {r.name: r for r in results}
    lite = by_name.get("SQLite, serve (1 process, waitress)")
    pg2 = by_name.get("PostgreSQL, serve --workers 2")
    if lite and pg2:
        print(
            f"  PostgreSQL --workers 2 vs SQLite one process: {pg2.rate / lite.rate:.2f}x"
            " (goal >= 1.5x)"
        )
    for r in results:
        base = by_name.get(f"baseline: {r.name}")
        if base:
            print(
                f"  {r.name}: {r.rate / base.rate:.2f}x the baseline's batches/s,"
                f" {r.cpu_ms / base.cpu_ms:.2f}x its CPU a batch"
            )
    print(
        "  CPU ms: CPU time a batch (user + system) of the server's processes and,"
        " on PostgreSQL, its server's ((db): of which the database server's)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=400)
    parser.add_argument("--batches", type=int, default=6000)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=8, help="server threads per process")
    parser.add_argument("--postgresql", action="store_true", help="also PostgreSQL")
    parser.add_argument("--worker-classes", action="store_true", help="also gunicorn sync workers")
    parser.add_argument("--baseline", help="also the collector of this checkout (a directory)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    batches = fleet_batches(args.devices, args.batches)
    work = Path(tempfile.mkdtemp(prefix="backlight-fleet-"))
    pg = pg_root = None
    if args.postgresql:
        # Durable like SQLite's synchronous=FULL (the tests' cluster runs without fsync).
        pg, pg_root = _cluster(durable=True)
    t = args.threads
    targets: list[tuple[str, object, str | None]] = [
        ("floor, waitress (1 process)", lambda: ScriptServer("bare", "", 1, t, ""), None),
        (
            "floor, gunicorn gthread x 2",
            lambda: ScriptServer("bare", "", 2, t, "gthread"),
            None,
        ),
    ]
    if args.worker_classes:
        targets.append(
            ("floor, gunicorn sync x 2", lambda: ScriptServer("bare", "", 2, 1, "sync"), None)
        )
    databases = [("SQLite", lambda i: f"sqlite:///{work / f'fleet-{i}.db'}")]
    if pg is not None:

        def pg_database(i: int) -> str:
            pg.admin(f"CREATE DATABASE fleet_{i}")
            return pg.url(f"fleet_{i}")

        databases.append(("PostgreSQL", pg_database))
    count = 0
    trees = [("", None)] + ([("baseline: ", args.baseline)] if args.baseline else [])
    for label, make_db in databases:
        for workers in (1, 2):
            for prefix, tree in trees:
                count += 1
                db = make_db(count)
                open_store(db).close()  # migrated before the clock starts
                name = f"{prefix}{label}, serve " + (
                    "(1 process, waitress)" if workers == 1 else f"--workers {workers}"
                )
                log = work / f"serve-{count}.log"
                targets.append(
                    (
                        name,
                        lambda db=db, w=workers, log=log, tree=tree: ServedCollector(
                            db, w, log, tree
                        ),
                        db,
                    )
                )
        if args.worker_classes:
            count += 1
            db = make_db(count)
            open_store(db).close()
            targets.append(
                (
                    f"{label}, the app on gunicorn sync x 2",
                    lambda db=db: ScriptServer("app", db, 2, 1, "sync"),
                    db,
                )
            )
    results = []
    try:
        for name, start, db in targets:
            results.append(
                run_target(
                    name,
                    start,
                    db,
                    batches,
                    args.devices,
                    args.connections,
                    work,
                    postmaster_pid(pg) if pg is not None else None,
                )
            )
            print(f"  ({name}: done)", file=sys.stderr)
    finally:
        if pg is not None:
            pg.stop()
            shutil.rmtree(pg_root, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    report(results, args.devices, args.connections)


if __name__ == "__main__":
    main()
