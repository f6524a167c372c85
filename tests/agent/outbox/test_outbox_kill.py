"""kill -9 in the middle of writing: no torn batch, nothing lost, nothing doubled.

A writer process records segments the way the tracker does (closed segments
plus the open checkpoint in one call), forms batches and acknowledges some,
as fast as it can; it is SIGKILLed at an arbitrary moment, several times.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime

import pytest

from agent.outbox import Outbox

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")

WRITER = r"""
import sys
from datetime import datetime, timedelta
from agent.outbox import Outbox
from shared.segments import Segment

path, start_s = sys.argv[1], float(sys.argv[2])
t0 = datetime.fromtimestamp(start_s).astimezone()
box = Outbox(__import__("pathlib").Path(path))
i = 0
while True:
    i += 1
    a = t0 + timedelta(seconds=10 * i)
    closed = [Segment(a, a + timedelta(seconds=10), "payroll", None, "excel", "active", 1, 1)]
    open_ = Segment(a + timedelta(seconds=10), a + timedelta(seconds=15), "reporting", None,
                    "excel", "active", 0, 0)
    box.save(closed, open_, 3, "UTC")
    print(open_.end.timestamp(), flush=True)  # everything up to here is on disk
    if i % 7 == 0:
        b = box.next_batch()
        if b and i % 3 == 0:
            box.batch_sent(b.batch_id)
"""


def check(box: Outbox) -> list[tuple[float, float]]:
    c = box._conn
    assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    orphans = c.execute(
        "SELECT COUNT(*) FROM segments s WHERE s.batch_id IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM batches b WHERE b.batch_id = s.batch_id)"
    ).fetchone()[0]
    assert orphans == 0, "segments point at a batch that does not exist"
    sizes = [
        r[0]
        for r in c.execute(
            "SELECT COUNT(s.id) FROM batches b LEFT JOIN segments s ON s.batch_id = b.batch_id "
            "GROUP BY b.batch_id"
        )
    ]
    assert all(1 <= n <= 500 for n in sizes), f"torn batch sizes {sizes}"
    spans = [
        (r[0], r[1]) for r in c.execute("SELECT start_ts, end_ts FROM segments ORDER BY start_ts")
    ]
    for (_, prev_end), (start, _) in zip(spans, spans[1:], strict=False):
        assert start >= prev_end - 1e-6, "overlapping segments: something was recorded twice"
    return spans


def test_killed_writers_leave_whole_batches_and_their_last_checkpoint(tmp_path):
    path = tmp_path / "outbox.sqlite"
    start = time.time() - 86_400 * 0  # today, so sent segments are kept for the check
    start = datetime.now().astimezone().replace(hour=0, minute=0, second=1).timestamp()
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    for round_ in range(5):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(start + round_ * 3000)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        written: list[float] = []
        deadline = time.monotonic() + 30
        while len(written) < 40 + 17 * round_ and time.monotonic() < deadline:
            written.append(float(proc.stdout.readline()))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stdout.close()

        box = Outbox(path)  # the agent's next start: recovers the checkpoint
        spans = check(box)
        last_written = written[-1]
        assert max(end for _, end in spans) >= last_written, "a checkpointed minute was lost"
        assert box.open_checkpoint() is None
        box.close()
    total = Outbox(path)
    assert total.stats().queued_segments + sum(
        1 for _, sent in total.segments_since(0) if sent
    ) == len(check(total))
