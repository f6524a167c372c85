"""The fixed probe: always the same window, for tests and demos without a desktop.

``BACKLIGHT_AGENT_PROBE=fake:APP:TITLE`` (read by ``agent.platform``, nowhere
else) replaces the platform probe with this one and turns input counting
off, so a real ``backlight-agent --headless`` process can be tested (SIGTERM
flush, kill -9, a dead collector) on a machine with no display.
"""

from __future__ import annotations

from agent.platform.base import ForegroundProbe, Window

ENV_PROBE = "BACKLIGHT_AGENT_PROBE"


class FixedProbe(ForegroundProbe):
    """Always ``window``, never idle."""

    name = "fake"

    def __init__(self, app: str, title: str):
        super().__init__()
        self.window = Window(app, title)

    @classmethod
    def from_spec(cls, spec: str) -> FixedProbe:
        kind, _, rest = spec.partition(":")
        app, _, title = rest.partition(":")
        if kind != "fake" or not app:
            raise ValueError(f"{ENV_PROBE} must look like fake:APP:TITLE, not {spec!r}")
        return cls(app, title)

    def foreground(self) -> Window:
        return self.window

    def idle_seconds(self) -> float:
        return 0.0

    def limitations(self) -> list[str]:
        return [f"test probe ({ENV_PROBE}): always reports {self.window.app!r}"]
