"""The README's "Operating the collector" commands work as written after
`make run`: each line runs, in a folder holding a demo `instance/backlight.db`,
with the virtual environment on PATH, and exits 0 on that database."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Operating the collector") :]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line and not line.startswith(". ")]


@pytest.mark.slow
def test_every_operating_example_runs_on_the_make_run_database(tmp_path: Path):
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("BACKLIGHT_DB", None)
    demo = subprocess.run(
        [
            "backlight-collector",
            "demo",
            "--db",
            "instance/backlight.db",
            "--people",
            "6",
            "--days",
            "20",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert demo.returncode == 0, demo.stderr
    commands = _commands()
    assert len(commands) >= 10
    for line in commands:
        done = subprocess.run(
            ["bash", "-c", line],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, f"{line!r} failed: {done.stderr[-500:]}"
        assert "instance/backlight.db" in done.stderr, f"{line!r} did not say its database"
    assert (tmp_path / "backup.db").stat().st_size > 0
