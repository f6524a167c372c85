"""Where one collector process spends a fleet batch: the WSGI app called
directly (no server, no sockets), the fleet cycle's batches (benchmarks/
fleet.py) posted one after another, timed, then again under cProfile.

Printed: microseconds per batch with and without the profiler, and the
profile's top functions by their own time and by cumulative time. This is
the tool issue 11 asked for before optimising ("cProfile around the WSGI
app"); it is not a benchmark of HTTP (fleet.py is).

Run: .venv/bin/python benchmarks/profile_ingest.py [--db postgresql://...]
     [--postgresql] [--cpu] [--devices 400] [--batches 3000] [--top 30]
(--postgresql: on a throwaway cluster with fsync on, as fleet.py's.)
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from backends import _cluster  # noqa: E402
from fleet import enroll, fleet_batches  # noqa: E402

from collector.app import create_app  # noqa: E402


def environ(token: str, body: bytes) -> dict:
    return {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "",
        "PATH_INFO": "/api/v1/summaries",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8080",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_AUTHORIZATION": f"Bearer {token}",
        "HTTP_HOST": "127.0.0.1:8080",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }


def post_all(app, posts: list[tuple[str, bytes]]) -> float:
    """Seconds to post every batch; each must be answered 200 and stored."""
    statuses: list[str] = []

    def start_response(status, _headers, _exc=None):
        statuses.append(status)

    started = time.perf_counter()
    for token, body in posts:
        out = b"".join(app(environ(token, body), start_response))
        if not statuses[-1].startswith("200") or b'"duplicate":false' not in out:
            raise SystemExit(f"not stored: {statuses[-1]} {out[:200]!r}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--devices", type=int, default=400)
    parser.add_argument("--batches", type=int, default=3000)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--postgresql", action="store_true", help="on a throwaway cluster")
    parser.add_argument(
        "--cpu", action="store_true", help="profile CPU time, not wall time (waits left out)"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="backlight-profile-"))
    db = args.db or f"sqlite:///{work / 'profile.db'}"
    if args.postgresql:
        pg, _root = _cluster(durable=True)
        try:
            profile(pg.url("bench"), args)
        finally:
            pg.stop()
    else:
        profile(db, args)


def profile(db: str, args: argparse.Namespace) -> None:
    app = create_app({"DATABASE": db, "RATE_LIMIT_DEVICE": "1000000 per 10 minutes"})
    tokens = enroll(db, args.devices)
    batches = fleet_batches(args.devices, 2 * args.batches)
    posts = [(tokens[d], body.encode()) for d, body in batches]
    plain, profiled = posts[: args.batches], posts[args.batches :]
    seconds = post_all(app, plain)
    print(f"{len(plain)} batches, no profiler: {seconds / len(plain) * 1e6:,.0f} us a batch")
    profiler = cProfile.Profile(time.process_time) if args.cpu else cProfile.Profile()
    profiler.enable()
    seconds = post_all(app, profiled)
    profiler.disable()
    print(f"{len(profiled)} batches, cProfile: {seconds / len(profiled) * 1e6:,.0f} us a batch")
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.top)
        print(out.getvalue())


if __name__ == "__main__":
    main()
